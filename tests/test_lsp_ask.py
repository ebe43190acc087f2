"""`netz.ask`, `netz.selectProfile` and model routing, against the Ollama double."""

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.conftest import double_settings, wait_until
from tests.test_lsp_actions import as_dict

URI = "file:///work/demo/stats.py"
SOURCE = "def mean(values):\n    return sum(values) / len(values)\n"
CODE_RANGE = {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 36}}

TURKISH_QUESTION = "Python'da liste ve demet arasındaki fark nedir?"
ENGLISH_QUESTION = "What is the difference between a list and a tuple in Python?"
PROFILE_MODELS = {"fast": "llama3.2", "balanced": "mistral", "code": "qwen2.5-coder:32b", "accurate": "qwen2.5:72b"}


def ask_parts(netz, answer_id: str) -> list[dict]:
    return [part for part in map(as_dict, netz.notifications.get("netz/answer", [])) if part["answerId"] == answer_id]


def last_chat(double) -> dict:
    return double.requests_to("/api/chat")[-1].body


@pytest.mark.parametrize(
    "question, with_code, model, language",
    [
        (TURKISH_QUESTION, False, "mistral", "tr"),
        (ENGLISH_QUESTION, False, "mistral", "en"),
        ("Bu fonksiyon boş liste için ne yapar?", True, "qwen2.5-coder:32b", "tr"),
        ("What does this function do for an empty list?", True, "qwen2.5-coder:32b", "en"),
        ("Why does `mean([])` raise?", False, "qwen2.5-coder:32b", "en"),
    ],
)
async def test_auto_profile_routes_questions(start_netz, ollama_double, question, with_code, model, language):
    ollama_double.reply_with("Yanıt." if language == "tr" else "Answer.")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, SOURCE)
    arguments = {"question": question, "answerId": "q-1"}
    if with_code:
        arguments.update(uri=URI, range=CODE_RANGE)

    result = await netz.command("netz.ask", arguments)

    assert result["model"] == model
    assert last_chat(ollama_double)["model"] == model
    assert result["reason"].startswith("auto: ")
    prompt = last_chat(ollama_double)["messages"]
    instruction = "Soruyu Türkçe yanıtla." if language == "tr" else "Answer the question in English."
    assert instruction in prompt[-1]["content"]
    if language == "tr":
        assert "Türkçe" in prompt[0]["content"]
    if with_code:
        assert "return sum(values) / len(values)" in prompt[-1]["content"]


@pytest.mark.parametrize("profile", sorted(PROFILE_MODELS))
@pytest.mark.parametrize("question", [TURKISH_QUESTION, ENGLISH_QUESTION])
async def test_fixed_profile_routes_every_question(start_netz, ollama_double, profile, question):
    netz = await start_netz(double_settings(ollama_double, profile=profile))
    netz.open(URI, SOURCE)
    for arguments in ({"question": question}, {"question": question, "uri": URI, "range": CODE_RANGE}):
        result = await netz.command("netz.ask", arguments)
        assert result["model"] == PROFILE_MODELS[profile]
        assert last_chat(ollama_double)["model"] == PROFILE_MODELS[profile]
        assert profile in result["reason"]


async def test_streamed_parts_add_up_to_answer(start_netz, ollama_double):
    reply = "Bir **liste** değiştirilebilir, bir `tuple` değiştirilemez. " * 5
    ollama_double.reply_with(reply)
    netz = await start_netz(double_settings(ollama_double), locale="tr")

    result = await netz.command("netz.ask", {"question": TURKISH_QUESTION, "answerId": "fark"})

    assert result["answer"] == reply
    await wait_until(lambda: any(part["done"] for part in ask_parts(netz, "fark")), what="last part")
    parts = ask_parts(netz, "fark")
    assert len(parts) > 2
    assert "".join(part["delta"] for part in parts) == result["answer"]
    assert all(part["kind"] == "ask" for part in parts)
    assert [part["done"] for part in parts].count(True) == 1
    assert parts[-1]["done"] is True
    assert parts[0]["model"] == "mistral"


async def test_status_carries_routing_reason(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double))
    await netz.command("netz.ask", {"question": ENGLISH_QUESTION})
    status = await netz.command("netz.status")
    assert status["reason"] == "auto: general or documentation question, question model (mistral)"
    await wait_until(lambda: any(as_dict(item)["reason"] == status["reason"] for item in netz.notifications.get("netz/status", [])), what="status notification")


async def test_ask_cancel_closes_backend_stream(start_netz, ollama_double):
    ollama_double.reply_with("word " * 400)
    ollama_double.chunk_delay_s = 0.05
    netz = await start_netz(double_settings(ollama_double, requestTimeoutS=60))
    params = types.ExecuteCommandParams(command="netz.ask", arguments=[{"question": ENGLISH_QUESTION, "answerId": "long"}])
    pending = asyncio.ensure_future(netz.client.protocol.send_request_async(types.WORKSPACE_EXECUTE_COMMAND, params, msg_id="ask-1"))
    await wait_until(lambda: len(ask_parts(netz, "long")) >= 2, timeout_s=10, what="streaming started")

    netz.client.protocol.notify("$/cancelRequest", types.CancelParams(id="ask-1"))

    await wait_until(lambda: ollama_double.requests_to("/api/chat")[0].client_closed_early, timeout_s=10, what="stream closed")
    await asyncio.wait([pending], timeout=10)
    assert pending.done()
    await wait_until(lambda: any(part["done"] for part in ask_parts(netz, "long")), what="final part after cancel")


async def test_ask_rejects_missing_question(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double))
    with pytest.raises(JsonRpcException, match="question"):
        await netz.command("netz.ask", {"uri": URI})
    assert ollama_double.requests_to("/api/chat") == []


async def test_ask_missing_model_names_pull_command(start_netz, ollama_double):
    ollama_double.remove("mistral")
    netz = await start_netz(double_settings(ollama_double))
    with pytest.raises(JsonRpcException, match="ollama pull mistral"):
        await netz.command("netz.ask", {"question": ENGLISH_QUESTION})
    await wait_until(lambda: any("ollama pull mistral" in item.message for item in netz.messages), what="pull message")


async def test_select_profile_changes_routing(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double))

    status = await netz.command("netz.selectProfile", "fast")

    assert status["profile"] == "fast"
    await wait_until(lambda: any(as_dict(item)["profile"] == "fast" for item in netz.notifications.get("netz/status", [])), what="status")
    result = await netz.command("netz.ask", {"question": ENGLISH_QUESTION})
    assert result["model"] == "llama3.2"


async def test_select_profile_rejects_unknown_name(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double))
    with pytest.raises(JsonRpcException, match="not a valid profile"):
        await netz.command("netz.selectProfile", "turbo")
    await wait_until(lambda: any("auto, fast, balanced, code, accurate" in item.message for item in netz.messages), what="message")
    status = await netz.command("netz.status")
    assert status["profile"] == "auto"
