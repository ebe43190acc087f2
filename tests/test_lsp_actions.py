"""Code actions from the real `netz-lsp` process against the Ollama double: listing never
calls a model, resolving generates and checks the edit."""

import asyncio
from pathlib import Path
from urllib.parse import urlparse

from lsprotocol import types

from tests.conftest import double_settings, wait_until

URI = "file:///work/demo/shapes.py"
SOURCE = (
    "import math\n"
    "\n"
    "\n"
    "class Circle:\n"
    "    def __init__(self, radius):\n"
    "        self.radius = radius\n"
    "\n"
    "    def area(self):\n"
    "        result = math.pi * self.radius * self.radius\n"
    "        return result\n"
    "\n"
    "\n"
    "print(Circle(2).area())\n"
)
AREA_LINE = 8  # "        result = math.pi ..."


def action_by_kind(actions, kind: str) -> types.CodeAction:
    return next(action for action in actions if action.data["kind"] == kind)


def apply_edit(text: str, edit: types.TextEdit) -> str:
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: edit.range.start.line]) + edit.range.start.character
    end = sum(len(line) + 1 for line in lines[: edit.range.end.line]) + edit.range.end.character
    return text[:start] + edit.new_text + text[end:]


def only_text_edit(action: types.CodeAction, uri: str = URI) -> types.TextEdit:
    edit = action.edit
    if edit.document_changes:
        assert len(edit.document_changes) == 1
        change = edit.document_changes[0]
        assert change.text_document.uri == uri
        assert len(change.edits) == 1
        return change.edits[0]
    assert list(edit.changes) == [uri]
    assert len(edit.changes[uri]) == 1
    return edit.changes[uri][0]


def as_dict(params) -> dict:
    """Return notification params as a dict; pygls delivers JSON objects as named tuples."""
    return params._asdict() if hasattr(params, "_asdict") else dict(params)


def answer_parts(netz, kind: str) -> list[dict]:
    parts = [as_dict(params) for params in netz.notifications.get("netz/answer", [])]
    return [part for part in parts if part["kind"] == kind]


async def test_actions_listed_without_backend_request(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double))
    provider = netz.capabilities.code_action_provider
    assert provider.resolve_provider is True
    netz.open(URI, SOURCE)

    actions = await netz.code_actions(URI, (AREA_LINE, 10), (AREA_LINE, 10))

    titles = {action.data["kind"]: action.title for action in actions}
    assert titles["explain"] == "NETZ: Explain"
    assert titles["refactor"] == "NETZ: Refactor"
    assert titles["debug"] == "NETZ: Debug"
    assert "docstring" in titles
    assert all(action.edit is None for action in actions)
    explain = action_by_kind(actions, "explain")
    assert explain.data["uri"] == URI
    assert explain.data["version"] == 1
    # No selection: the method around the cursor, whole lines.
    assert explain.data["range"] == {"start": {"line": 7, "character": 0}, "end": {"line": 9, "character": 21}}
    assert ollama_double.requests_to("/api/chat") == []
    assert ollama_double.requests_to("/api/generate") == []


async def test_action_titles_in_turkish(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double), locale="tr-TR")
    netz.open(URI, SOURCE)
    actions = await netz.code_actions(URI, (AREA_LINE, 10), (AREA_LINE, 10))
    titles = {action.data["kind"]: action.title for action in actions}
    assert titles["explain"] == "NETZ: Açıkla"
    assert titles["refactor"] == "NETZ: Yeniden düzenle"
    assert titles["debug"] == "NETZ: Hata ayıkla"


async def test_selection_is_the_target(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, SOURCE)
    actions = await netz.code_actions(URI, (8, 8), (9, 21))
    refactor = action_by_kind(actions, "refactor")
    assert refactor.data["range"] == {"start": {"line": 8, "character": 8}, "end": {"line": 9, "character": 21}}
    assert "docstring" not in {action.data["kind"] for action in actions}


async def test_only_filter_keeps_matching_kinds(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, SOURCE)
    actions = await netz.code_actions(URI, (AREA_LINE, 10), (AREA_LINE, 10), only=["quickfix"])
    assert [action.data["kind"] for action in actions] == ["debug"]


async def test_refactor_edit_replaces_exact_range(start_netz, ollama_double):
    ollama_double.reply_with(
        "Here is a clearer version:\n```python\ndef area(self):\n    return math.pi * self.radius ** 2\n```\n"
    )
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, SOURCE)
    refactor = action_by_kind(await netz.code_actions(URI, (AREA_LINE, 10), (AREA_LINE, 10)), "refactor")

    resolved = await netz.resolve(refactor)

    text_edit = only_text_edit(resolved)
    assert text_edit.range.start == types.Position(line=7, character=0)
    assert text_edit.range.end == types.Position(line=9, character=21)
    assert text_edit.new_text == "    def area(self):\n        return math.pi * self.radius ** 2"
    new_source = apply_edit(SOURCE, text_edit)
    assert "return math.pi * self.radius ** 2\n\n\nprint" in new_source
    chat = ollama_double.requests_to("/api/chat")
    assert len(chat) == 1
    assert chat[0].body["model"] == "qwen2.5-coder:32b"
    assert chat[0].body["options"]["num_ctx"] == 16384
    assert "result = math.pi * self.radius * self.radius" in chat[0].body["messages"][-1]["content"]


async def test_invalid_refactor_rejected(start_netz, ollama_double):
    ollama_double.reply_with("```python\ndef area(self:\n    return math.pi *\n```")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, SOURCE)
    refactor = action_by_kind(await netz.code_actions(URI, (AREA_LINE, 10), (AREA_LINE, 10)), "refactor")

    resolved = await netz.resolve(refactor)

    assert resolved.edit is None
    await wait_until(lambda: any("not applied" in item.message for item in netz.messages), what="rejection message")
    rejection = next(item for item in netz.messages if "not applied" in item.message)
    assert "syntax errors" in rejection.message
    assert "unchanged" in rejection.message
    # The server's copy is untouched: listing again offers the same range and version.
    again = action_by_kind(await netz.code_actions(URI, (AREA_LINE, 10), (AREA_LINE, 10)), "refactor")
    assert again.data == refactor.data


async def test_refactor_rejection_in_turkish(start_netz, ollama_double):
    ollama_double.reply_with("```python\ndef area(self:\n```")
    netz = await start_netz(double_settings(ollama_double), locale="tr")
    netz.open(URI, SOURCE)
    refactor = action_by_kind(await netz.code_actions(URI, (AREA_LINE, 10), (AREA_LINE, 10)), "refactor")
    resolved = await netz.resolve(refactor)
    assert resolved.edit is None
    await wait_until(lambda: any("uygulanmadı" in item.message for item in netz.messages), what="Turkish rejection")


async def test_refactor_of_changed_document_rejected(start_netz, ollama_double):
    ollama_double.reply_with("```python\ndef area(self):\n    return 1\n```")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, SOURCE)
    refactor = action_by_kind(await netz.code_actions(URI, (AREA_LINE, 10), (AREA_LINE, 10)), "refactor")
    netz.change(URI, 2, (0, 0), (0, 0), "# new first line\n")

    resolved = await netz.resolve(refactor)

    assert resolved.edit is None
    assert ollama_double.requests_to("/api/chat") == []
    await wait_until(lambda: any("changed" in item.message for item in netz.messages), what="version message")


async def test_debug_prompt_includes_diagnostics(start_netz, ollama_double):
    ollama_double.reply_with(
        "`radius` can be negative, so the area is computed from an invalid circle.\n\n"
        "```python\ndef area(self):\n    if self.radius < 0:\n        raise ValueError(self.radius)\n"
        "    return math.pi * self.radius * self.radius\n```\n"
    )
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, SOURCE)
    diagnostic = types.Diagnostic(
        range=types.Range(start=types.Position(line=8, character=8), end=types.Position(line=8, character=14)),
        message="Variable 'result' is assigned and returned at once",
        source="pylint",
        code="R1711",
        severity=types.DiagnosticSeverity.Warning,
    )
    actions = await netz.code_actions(URI, (AREA_LINE, 10), (AREA_LINE, 10), diagnostics=[diagnostic])
    debug = action_by_kind(actions, "debug")

    resolved = await netz.resolve(debug)

    prompt = ollama_double.requests_to("/api/chat")[0].body["messages"][-1]["content"]
    assert "Variable 'result' is assigned and returned at once" in prompt
    assert "pylint" in prompt
    assert "R1711" in prompt
    assert "line 9" in prompt
    text_edit = only_text_edit(resolved)
    assert "raise ValueError(self.radius)" in text_edit.new_text
    assert text_edit.new_text.startswith("    def area(self):\n        if self.radius < 0:")
    parts = answer_parts(netz, "debug")
    assert parts[-1]["done"] is True
    assert "radius` can be negative" in "".join(part["delta"] for part in parts)


async def test_explain_streams_and_opens_markdown(start_netz, ollama_double, tmp_path):
    reply = "## area\n\nReturns the **area** of the circle: π·r²."
    ollama_double.reply_with(reply)
    netz = await start_netz(double_settings(ollama_double), env={"NETZ_CACHE_DIR": str(tmp_path)})
    netz.open(URI, SOURCE)
    explain = action_by_kind(await netz.code_actions(URI, (AREA_LINE, 10), (AREA_LINE, 10)), "explain")

    resolved = await netz.resolve(explain)

    assert resolved.edit is None
    await wait_until(lambda: netz.client.shown_documents, what="showDocument")
    shown = Path(urlparse(netz.client.shown_documents[-1].uri).path)
    assert shown.parent == tmp_path / "answers"
    assert shown.suffix == ".md"
    assert reply in shown.read_text(encoding="utf-8")
    await wait_until(lambda: any(part["done"] for part in answer_parts(netz, "explain")), what="last answer part")
    parts = answer_parts(netz, "explain")
    assert "".join(part["delta"] for part in parts) == reply
    assert len(parts) > 2
    assert {part["answerId"] for part in parts} == {parts[0]["answerId"]}
    assert parts[0]["model"] == "qwen2.5-coder:32b"


async def test_explain_without_show_document_uses_message(start_netz, ollama_double):
    ollama_double.reply_with("It returns the area.")
    netz = await start_netz(double_settings(ollama_double), show_document=False)
    netz.open(URI, SOURCE)
    explain = action_by_kind(await netz.code_actions(URI, (AREA_LINE, 10), (AREA_LINE, 10)), "explain")
    await netz.resolve(explain)
    await wait_until(lambda: any("It returns the area." in item.message for item in netz.messages), what="message")


async def test_resolve_reports_work_done_progress(start_netz, ollama_double):
    ollama_double.reply_with("Fine.")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, SOURCE)
    explain = action_by_kind(await netz.code_actions(URI, (AREA_LINE, 10), (AREA_LINE, 10)), "explain")
    await netz.resolve(explain)
    await wait_until(lambda: any(isinstance(reports[-1], types.WorkDoneProgressEnd) for reports in netz.client.progress_reports.values() if reports), what="progress end")
    reports = next(iter(netz.client.progress_reports.values()))
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert reports[0].title == "NETZ is explaining"
    assert reports[0].cancellable is True


async def resolve_in_background(netz, action: types.CodeAction, msg_id: str):
    return asyncio.ensure_future(netz.client.protocol.send_request_async(types.CODE_ACTION_RESOLVE, action, msg_id=msg_id))


async def test_cancel_request_closes_backend_stream(start_netz, ollama_double):
    ollama_double.reply_with("word " * 400)
    ollama_double.chunk_delay_s = 0.05
    netz = await start_netz(double_settings(ollama_double, requestTimeoutS=60))
    netz.open(URI, SOURCE)
    explain = action_by_kind(await netz.code_actions(URI, (AREA_LINE, 10), (AREA_LINE, 10)), "explain")
    pending = await resolve_in_background(netz, explain, "resolve-1")
    await wait_until(lambda: len(answer_parts(netz, "explain")) >= 2, timeout_s=10, what="streaming started")

    netz.client.protocol.notify("$/cancelRequest", types.CancelParams(id="resolve-1"))

    await wait_until(lambda: ollama_double.requests_to("/api/chat")[0].client_closed_early, timeout_s=10, what="stream closed")
    await asyncio.wait([pending], timeout=10)
    assert pending.done()


async def test_progress_cancel_closes_backend_stream(start_netz, ollama_double):
    ollama_double.reply_with("word " * 400)
    ollama_double.chunk_delay_s = 0.05
    netz = await start_netz(double_settings(ollama_double, requestTimeoutS=60))
    netz.open(URI, SOURCE)
    explain = action_by_kind(await netz.code_actions(URI, (AREA_LINE, 10), (AREA_LINE, 10)), "explain")
    pending = await resolve_in_background(netz, explain, "resolve-2")
    await wait_until(lambda: len(answer_parts(netz, "explain")) >= 2 and netz.client.progress_reports, timeout_s=10, what="streaming started")
    token = next(iter(netz.client.progress_reports))

    netz.client.protocol.notify(types.WINDOW_WORK_DONE_PROGRESS_CANCEL, types.WorkDoneProgressCancelParams(token=token))

    await wait_until(lambda: ollama_double.requests_to("/api/chat")[0].client_closed_early, timeout_s=10, what="stream closed")
    await asyncio.wait([pending], timeout=10)
    assert pending.done()
