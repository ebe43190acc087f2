"""Code actions and `netz.ask` against the real model tier (llama.cpp, Qwen2.5-Coder-0.5B).

The code comes from Python's standard library. A 0.5B model may propose a refactor that
does not parse; then the server must reject it and leave the document untouched.
"""

import ast
import inspect

import colorsys
import pytest
from lsprotocol import types

from tests.conftest import wait_until
from tests.realmodel import CONTEXT_TOKENS, MODEL_ALIAS
from tests.test_lsp_actions import action_by_kind, answer_parts, apply_edit, only_text_edit

pytestmark = pytest.mark.realmodel

SOURCE = inspect.getsource(colorsys.rgb_to_yiq)
FUNCTION_LINES = SOURCE.count("\n")
URI = "file:///work/demo/colorsys_part.py"


def longer_replies(real_model, num_predict: int) -> dict:
    options = {"numCtx": CONTEXT_TOKENS, "numPredict": num_predict, "completionBudget": 1024, "codeActionBudget": 1536, "questionBudget": 1536}
    return real_model.settings(modelOptions={MODEL_ALIAS: options})


async def test_real_explain_returns_text(real_model, start_netz, tmp_path):
    netz = await start_netz(real_model.settings(), env={"NETZ_CACHE_DIR": str(tmp_path)})
    netz.open(URI, SOURCE)
    explain = action_by_kind(await netz.code_actions(URI, (1, 4), (1, 4)), "explain")

    await netz.resolve(explain)

    await wait_until(lambda: any(part["done"] for part in answer_parts(netz, "explain")), timeout_s=30, what="explanation")
    explanation = "".join(part["delta"] for part in answer_parts(netz, "explain"))
    print(f"explain rgb_to_yiq: {explanation!r}")
    assert explanation.strip()
    await wait_until(lambda: netz.client.shown_documents, what="answer document")


async def test_real_ask_in_turkish(real_model, start_netz):
    netz = await start_netz(real_model.settings())
    netz.open(URI, SOURCE)
    code_range = {"start": {"line": 0, "character": 0}, "end": {"line": FUNCTION_LINES, "character": 0}}

    result = await netz.command("netz.ask", {"question": "Bu fonksiyon ne döndürür?", "uri": URI, "range": code_range, "answerId": "tr"})

    print(f"ask (tr): {result!r}")
    assert result["answer"].strip()
    assert result["model"] == MODEL_ALIAS
    assert result["reason"].startswith("auto: question about code")


async def test_real_refactor_is_checked(real_model, start_netz):
    netz = await start_netz(longer_replies(real_model, 200))
    netz.open(URI, SOURCE)
    refactor = action_by_kind(await netz.code_actions(URI, (1, 4), (1, 4)), "refactor")

    resolved = await netz.resolve(refactor)

    if resolved.edit is not None:
        text_edit = only_text_edit(resolved)
        assert text_edit.range == types.Range(
            start=types.Position(**refactor.data["range"]["start"]), end=types.Position(**refactor.data["range"]["end"])
        )
        new_source = apply_edit(SOURCE, text_edit)
        print(f"refactor accepted:\n{new_source}")
        ast.parse(new_source)
    else:
        await wait_until(lambda: netz.messages, what="rejection message")
        print(f"refactor rejected: {netz.messages[-1].message}")
        assert "unchanged" in netz.messages[-1].message
        # The server's copy of the document is unchanged: the same action is listed again.
        again = action_by_kind(await netz.code_actions(URI, (1, 4), (1, 4)), "refactor")
        assert again.data == refactor.data
