"""Inline completions from the real `netz-lsp` process, driven over stdio by pytest-lsp,
against the Ollama double."""

import asyncio

import pytest
from lsprotocol import types

from netz_lsp.prompt.fim import DEEPSEEK_BEGIN, DEEPSEEK_END, DEEPSEEK_HOLE
from tests.conftest import double_settings, wait_until
from tests.doubles.ollama_double import Fault

URI = "file:///work/demo/calc.py"


def sent_prompt(double) -> str:
    return double.requests_to("/api/generate")[-1].body["prompt"]


def split_prompt(prompt: str) -> tuple[str, str]:
    prefix, _, rest = prompt.removeprefix(DEEPSEEK_BEGIN).partition(DEEPSEEK_HOLE)
    return prefix, rest.removesuffix(DEEPSEEK_END)


async def test_capabilities_advertise_inline_completion(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double))
    assert netz.capabilities.inline_completion_provider is not None


async def test_turkish_and_emoji_before_cursor(start_netz, ollama_double):
    ollama_double.reply_with("x)")
    netz = await start_netz(double_settings(ollama_double))
    text = "isim = 'çağrı 😀 İş'\nsonuç = hesapla(isim, \n"
    netz.open(URI, text)
    # Line 1, after "sonuç = hesapla(isim, ": 22 UTF-16 units.
    result = await netz.complete(URI, 1, 22)
    prefix, suffix = split_prompt(sent_prompt(ollama_double))
    assert prefix == "isim = 'çağrı 😀 İş'\nsonuç = hesapla(isim, "
    assert suffix == "\n"
    assert result.items[0].insert_text == "x)"
    assert result.items[0].range.start == types.Position(line=1, character=22)


async def test_emoji_columns_in_utf16(start_netz, ollama_double):
    ollama_double.reply_with("1")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, "s = '😀😀' + \n")
    # Each emoji is two UTF-16 code units: 13 units up to the end of the line.
    await netz.complete(URI, 0, 13)
    prefix, _ = split_prompt(sent_prompt(ollama_double))
    assert prefix == "s = '😀😀' + "


async def test_utf8_position_encoding_negotiated(start_netz, ollama_double):
    ollama_double.reply_with("1")
    netz = await start_netz(double_settings(ollama_double), position_encodings=["utf-8"])
    assert netz.capabilities.position_encoding == "utf-8"
    netz.open(URI, "ş = 'ğ' + \n")
    # "ş = 'ğ' + " is 12 bytes in UTF-8.
    await netz.complete(URI, 0, 12)
    prefix, _ = split_prompt(sent_prompt(ollama_double))
    assert prefix == "ş = 'ğ' + "


async def test_crlf_document(start_netz, ollama_double):
    ollama_double.reply_with("\n    return a + b")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, "def add(a, b):\r\n\r\nprint(add(1, 2))\r\n")
    result = await netz.complete(URI, 0, 14)
    prefix, suffix = split_prompt(sent_prompt(ollama_double))
    assert prefix == "def add(a, b):"
    assert suffix.startswith("\r\n\r\nprint")
    assert result.items[0].insert_text == "\r\n    return a + b"


async def test_untitled_document(start_netz, ollama_double):
    ollama_double.reply_with("print('merhaba')")
    netz = await start_netz(double_settings(ollama_double))
    netz.open("untitled:Untitled-1", "# selam\n")
    result = await netz.complete("untitled:Untitled-1", 1, 0)
    assert result.items[0].insert_text == "print('merhaba')"


async def test_incremental_edits_reach_prompt(start_netz, ollama_double):
    ollama_double.reply_with("b")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, "x = 1\n")
    netz.change(URI, 2, (0, 5), (0, 5), "\ny = ç")
    netz.change(URI, 3, (1, 5), (1, 5), " + ")
    await netz.complete(URI, 1, 8)
    prefix, suffix = split_prompt(sent_prompt(ollama_double))
    assert prefix == "x = 1\ny = ç + "
    assert suffix == "\n"


async def test_leaked_fim_token_removed(start_netz, ollama_double):
    ollama_double.reply_with(f"a + b{DEEPSEEK_HOLE}\nrubbish")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, "def add(a, b):\n    return \n")
    result = await netz.complete(URI, 1, 11)
    assert result.items[0].insert_text == "a + b"


async def test_completion_repeating_suffix_trimmed(start_netz, ollama_double):
    ollama_double.reply_with("a + b\n\nprint(add(1, 2))\n")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, "def add(a, b):\n    return \n\nprint(add(1, 2))\n")
    result = await netz.complete(URI, 1, 11)
    assert result.items[0].insert_text == "a + b"


async def test_blank_completion_gives_none(start_netz, ollama_double):
    ollama_double.reply_with("   \n")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, "x = \n")
    assert await netz.complete(URI, 0, 4) is None


async def test_request_is_raw_with_fixed_options(start_netz, ollama_double):
    ollama_double.reply_with("1")
    netz = await start_netz(double_settings(ollama_double, keepAlive="45m"))
    netz.open(URI, "a = \nb = \nc = \n")
    for line in range(3):
        await netz.complete(URI, line, 4)
    bodies = [request.body for request in ollama_double.requests_to("/api/generate")]
    assert len(bodies) == 3
    assert {body["options"]["num_ctx"] for body in bodies} == {8192}
    assert all(body["raw"] is True for body in bodies)
    assert all("suffix" not in body for body in bodies)
    assert all(body["keep_alive"] == "45m" for body in bodies)
    assert all(body["options"]["num_predict"] == 128 for body in bodies)
    assert all(DEEPSEEK_END in body["options"]["stop"] for body in bodies)
    assert ollama_double.reload_events == []


async def test_num_ctx_setting_is_sent(start_netz, ollama_double):
    ollama_double.reply_with("1")
    settings = double_settings(ollama_double, modelOptions={"deepseek-coder-v2:16b-lite-base-q4_0": {"numCtx": 2048, "numPredict": 32}})
    netz = await start_netz(settings)
    netz.open(URI, "a = \n" * 2000)
    await netz.complete(URI, 1000, 4)
    body = ollama_double.requests_to("/api/generate")[-1].body
    assert body["options"]["num_ctx"] == 2048
    # The prompt fits into num_ctx - num_predict by the double's own token count.
    assert len(body["prompt"]) // 4 + 1 <= 2048 - 32


async def test_cancel_request_closes_backend_stream(start_netz, ollama_double):
    ollama_double.reply_with("x" * 4000)
    ollama_double.chunk_delay_s = 0.05
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, "value = \n")
    pending = asyncio.ensure_future(netz.complete(URI, 0, 8))
    await wait_until(lambda: len(ollama_double.requests_to("/api/generate")) == 1, what="first generate request")
    request_ids = [key for key in netz.client.protocol._request_futures]
    assert len(request_ids) == 1
    netz.client.protocol.notify("$/cancelRequest", types.CancelParams(id=request_ids[0]))
    await wait_until(lambda: ollama_double.requests_to("/api/generate")[0].closed_at is not None, what="stream closed")
    record = ollama_double.requests_to("/api/generate")[0]
    assert record.client_closed_early
    assert not record.finished
    with pytest.raises(Exception):
        await pending


async def test_newer_request_supersedes_older(start_netz, ollama_double):
    ollama_double.reply_with("y" * 4000)
    ollama_double.chunk_delay_s = 0.05
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, "value = \n")
    first = asyncio.ensure_future(netz.complete(URI, 0, 8))
    await wait_until(lambda: len(ollama_double.requests_to("/api/generate")) == 1, what="first generate request")
    ollama_double.reply_with("42")
    ollama_double.chunk_delay_s = 0.0
    second = await netz.complete(URI, 0, 8)
    assert await first is None
    assert second.items[0].insert_text == "42"
    await wait_until(lambda: ollama_double.requests_to("/api/generate")[0].closed_at is not None, what="first stream closed")
    assert ollama_double.requests_to("/api/generate")[0].client_closed_early


async def test_debounce_sends_one_request_per_burst(start_netz, ollama_double):
    ollama_double.reply_with("1")
    netz = await start_netz(double_settings(ollama_double, debounceMs=200))
    netz.open(URI, "v = \n")
    burst = [asyncio.ensure_future(netz.complete(URI, 0, 4, invoked=False)) for _ in range(5)]
    results = await asyncio.gather(*burst)
    assert len(ollama_double.requests_to("/api/generate")) == 1
    assert results[-1].items[0].insert_text == "1"
    assert results[:-1] == [None] * 4


async def test_backend_down_then_up(start_netz, ollama_double):
    ollama_double.reply_with("1")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, "v = \n")
    ollama_double.go_down()
    assert await netz.complete(URI, 0, 4) is None
    assert await netz.complete(URI, 0, 4) is None
    errors = [message for message in netz.messages if message.type == types.MessageType.Error]
    assert len(errors) == 1
    assert "cannot reach the Ollama server" in errors[0].message
    ollama_double.come_up()
    result = await netz.complete(URI, 0, 4)
    assert result.items[0].insert_text == "1"


async def test_model_not_installed_names_pull_command(start_netz, ollama_double):
    settings = double_settings(ollama_double, models={"completion": "deepseek-coder-v2:16b-lite-base-q8_0"})
    netz = await start_netz(settings)
    netz.open(URI, "v = \n")
    assert await netz.complete(URI, 0, 4) is None
    errors = [message.message for message in netz.messages if message.type == types.MessageType.Error]
    assert errors == ["NETZ: model `deepseek-coder-v2:16b-lite-base-q8_0` is not installed. Install it with: `ollama pull deepseek-coder-v2:16b-lite-base-q8_0`"]


async def test_turkish_locale_gets_turkish_message(start_netz, ollama_double):
    settings = double_settings(ollama_double, models={"completion": "qwen2.5-coder:7b-base"})
    netz = await start_netz(settings, locale="tr-TR")
    netz.open(URI, "v = \n")
    assert await netz.complete(URI, 0, 4) is None
    errors = [message.message for message in netz.messages if message.type == types.MessageType.Error]
    assert errors == ["NETZ: `qwen2.5-coder:7b-base` modeli yüklü değil. Yüklemek için: `ollama pull qwen2.5-coder:7b-base`"]


@pytest.mark.parametrize(
    ("fault", "expected_words"),
    [
        (Fault.HTTP_500, "HTTP 500"),
        (Fault.STALL, "did not answer"),
        (Fault.RESET_MID_STREAM, "broke in the middle"),
        (Fault.MALFORMED_LINE, "could not be read"),
        (Fault.BLANK_LINE, "could not be read"),
        (Fault.EMPTY_BODY, "could not be read"),
    ],
)
async def test_fault_gives_none_message_and_recovery(start_netz, ollama_double, fault, expected_words):
    ollama_double.reply_with("abcdefghijklmnopqrstuvwxyz" * 4)
    netz = await start_netz(double_settings(ollama_double, requestTimeoutS=1))
    netz.open(URI, "v = \n")
    ollama_double.inject(fault, stall_s=3.0)
    assert await netz.complete(URI, 0, 4) is None
    errors = [message.message for message in netz.messages if message.type == types.MessageType.Error]
    assert len(errors) == 1
    assert expected_words in errors[0]
    result = await netz.complete(URI, 0, 4)
    assert result.items[0].insert_text.startswith("abcdefghijklmnopqrstuvwxyz")


async def test_unknown_document_gives_none(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double))
    assert await netz.complete("file:///nowhere/missing.py", 0, 0) is None
    assert ollama_double.requests_to("/api/generate") == []


async def test_position_past_end_clamps(start_netz, ollama_double):
    ollama_double.reply_with("1")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, "v = \n")
    result = await netz.complete(URI, 40, 99)
    prefix, suffix = split_prompt(sent_prompt(ollama_double))
    assert prefix == "v = \n"
    assert suffix == ""
    assert result.items[0].range.start == types.Position(line=1, character=0)


async def test_invalid_setting_reported_and_previous_kept(start_netz, ollama_double):
    ollama_double.reply_with("1")
    netz = await start_netz(double_settings(ollama_double), locale="tr")
    netz.configure({"debounceMs": "hızlı", "modelOptions": {"deepseek-coder-v2:16b-lite-base-q4_0": {"numCtx": 4096}}})
    netz.open(URI, "v = \n")
    await netz.complete(URI, 0, 4)
    errors = [message.message for message in netz.messages if message.type == types.MessageType.Error]
    assert len(errors) == 1
    assert "`netz.debounceMs`" in errors[0]
    assert "Önceki değer" in errors[0]
    assert ollama_double.requests_to("/api/generate")[-1].body["options"]["num_ctx"] == 4096


async def test_fim_unknown_family_reported(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double, models={"completion": "mistral"}))
    netz.open(URI, "v = \n")
    assert await netz.complete(URI, 0, 4) is None
    errors = [message.message for message in netz.messages if message.type == types.MessageType.Error]
    assert "netz.modelOptions.mistral.family" in errors[0]
    assert ollama_double.requests_to("/api/generate") == []


async def test_status_notification_sent(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double))
    status = await netz.command("netz.status")
    assert status["backend"] == "ollama"
    assert status["host"] == ollama_double.url
    assert status["models"]["completion"] == "deepseek-coder-v2:16b-lite-base-q4_0"
