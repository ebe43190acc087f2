"""Tests for the Ollama test double, driven by the official ollama client and httpx."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import AsyncIterator, Iterator

import httpx
import ollama
import pytest

from tests.doubles.ollama_double import (
    DEFAULT_NUM_CTX,
    Fault,
    ModelSpec,
    OllamaDouble,
    estimate_prompt_tokens,
    parse_keep_alive,
    prompt_text,
)

REPO_ROOT = Path(__file__).resolve().parent.parent

FIM_MODEL = "qwen2.5-coder:1.5b-base"
CHAT_MODEL = "qwen2.5-coder:32b"


@pytest.fixture
def double() -> Iterator[OllamaDouble]:
    with OllamaDouble() as server:
        yield server


@pytest.fixture
async def client(double: OllamaDouble) -> AsyncIterator[ollama.AsyncClient]:
    async_client = ollama.AsyncClient(host=double.url)
    yield async_client
    await async_client._client.aclose()


@pytest.fixture
async def http(double: OllamaDouble) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=double.url, timeout=5.0) as async_client:
        yield async_client


async def collect(stream: AsyncIterator) -> list:
    return [part async for part in stream]


# Server basics


async def test_root_get(http: httpx.AsyncClient) -> None:
    response = await http.get("/")
    assert response.status_code == 200
    assert response.text == "Ollama is running"


async def test_root_head(http: httpx.AsyncClient) -> None:
    response = await http.head("/")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len("Ollama is running"))


async def test_version_get(http: httpx.AsyncClient) -> None:
    response = await http.get("/api/version")
    assert response.status_code == 200
    assert response.json()["version"]


async def test_unknown_path_404(http: httpx.AsyncClient) -> None:
    response = await http.get("/api/nothing")
    assert response.status_code == 404
    assert response.text == "404 page not found"


def test_url_is_loopback(double: OllamaDouble) -> None:
    assert double.url == f"http://127.0.0.1:{double.port}"
    assert double.port > 0


# Generate


async def test_generate_stream_reassembles(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.reply_with("def add(a, b):\n    return a + b\n")
    parts = await collect(await client.generate(model=FIM_MODEL, prompt="def add(", stream=True))
    text = "".join(part.response for part in parts)
    assert text == "def add(a, b):\n    return a + b\n"
    assert len(parts) > 2


async def test_generate_stream_final_stats(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.reply_with("x = 1")
    prompt = "a" * 40
    parts = await collect(await client.generate(model=FIM_MODEL, prompt=prompt, stream=True))
    final = parts[-1]
    assert final.done is True
    assert final.done_reason == "stop"
    assert final.response == ""
    assert final.prompt_eval_count == 11
    assert final.prompt_eval_count == estimate_prompt_tokens(prompt)
    assert final.eval_count == len(parts) - 1
    for name in ("total_duration", "load_duration", "prompt_eval_duration", "eval_duration"):
        assert getattr(final, name) > 0, name
    assert all(part.done is False for part in parts[:-1])


async def test_generate_chunks_small(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.reply_with("0123456789abcdefghij")
    parts = await collect(await client.generate(model=FIM_MODEL, prompt="p", stream=True))
    sizes = [len(part.response) for part in parts[:-1]]
    assert sizes == [4, 4, 4, 4, 4]


async def test_generate_stream_false(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.reply_with("pass")
    response = await client.generate(model=FIM_MODEL, prompt="def f():\n    ")
    assert response.response == "pass"
    assert response.done is True
    assert response.done_reason == "stop"
    assert response.eval_count == 1


async def test_generate_stream_false_raw(double: OllamaDouble, http: httpx.AsyncClient) -> None:
    double.reply_with("pass")
    response = await http.post("/api/generate", json={"model": FIM_MODEL, "prompt": "x", "stream": False})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "transfer-encoding" not in response.headers
    assert response.text.count("\n") == 0
    assert response.json()["response"] == "pass"


async def test_generate_stream_wire_format(double: OllamaDouble, http: httpx.AsyncClient) -> None:
    double.reply_with("abcdefgh")
    async with http.stream("POST", "/api/generate", json={"model": FIM_MODEL, "prompt": "x"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/x-ndjson"
        assert response.headers["transfer-encoding"] == "chunked"
        lines = [line async for line in response.aiter_lines()]
    documents = [json.loads(line) for line in lines]
    assert [document["response"] for document in documents] == ["abcd", "efgh", ""]
    assert documents[-1]["done"] is True


async def test_generate_escapes_like_go(double: OllamaDouble, http: httpx.AsyncClient) -> None:
    double.reply_with("<|fim_middle|>&")
    response = await http.post("/api/generate", json={"model": FIM_MODEL, "prompt": "x", "stream": False})
    assert "\\u003c|fim_middle|\\u003e\\u0026" in response.text
    assert response.json()["response"] == "<|fim_middle|>&"


async def test_generate_stop_cuts_reply(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.reply_with("return 1\n\ndef other():")
    response = await client.generate(model=FIM_MODEL, prompt="p", options={"stop": ["\n\n", "def"]})
    assert response.response == "return 1"
    assert response.done_reason == "stop"


async def test_generate_num_predict_length(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.reply_with("0123456789abcdefghij")
    response = await client.generate(model=FIM_MODEL, prompt="p", options={"num_predict": 2})
    assert response.response == "01234567"
    assert response.done_reason == "length"
    assert response.eval_count == 2


async def test_generate_responder_gets_request(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.responder = lambda request: f"{request['prompt']}|{request['suffix']}|{request.get('raw')}"
    response = await client.generate(model=FIM_MODEL, prompt="pre", suffix="suf", raw=True)
    assert response.response == "pre|suf|True"


async def test_generate_responder_error_500(double: OllamaDouble, http: httpx.AsyncClient) -> None:
    def failing_responder(request: dict) -> str:
        raise ValueError("no reply configured")

    double.responder = failing_responder
    response = await http.post("/api/generate", json={"model": FIM_MODEL, "prompt": "x"})
    assert response.status_code == 500
    assert "no reply configured" in response.json()["error"]


async def test_generate_context_unless_raw(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    templated = await client.generate(model=FIM_MODEL, prompt="p")
    raw = await client.generate(model=FIM_MODEL, prompt="p", raw=True)
    assert templated.context
    assert raw.context is None


async def test_generate_raw_with_system_400(client: ollama.AsyncClient) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        await client.generate(model=FIM_MODEL, prompt="p", raw=True, system="be brief")
    assert caught.value.status_code == 400
    assert caught.value.error == "raw mode does not support template, system, or context"


async def test_generate_suffix_on_fim_model(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.reply_with("a, b")
    for model in ("deepseek-coder-v2:16b-lite-base-q4_0", FIM_MODEL, "codellama:7b-code", "starcoder2:3b", "codestral"):
        response = await client.generate(model=model, prompt="f(", suffix=")")
        assert response.response == "a, b", model


async def test_generate_suffix_non_insert_400(client: ollama.AsyncClient) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        await client.generate(model=CHAT_MODEL, prompt="f(", suffix=")")
    assert caught.value.status_code == 400
    assert caught.value.error == "registry.ollama.ai/library/qwen2.5-coder:32b does not support insert"


async def test_generate_unknown_model_404(client: ollama.AsyncClient) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        await client.generate(model="nope:1b", prompt="p")
    assert caught.value.status_code == 404
    assert caught.value.error == 'model "nope:1b" not found, try pulling it first'


async def test_generate_unknown_model_stream_404(client: ollama.AsyncClient) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        await collect(await client.generate(model="nope", prompt="p", stream=True))
    assert caught.value.status_code == 404


async def test_generate_name_without_tag(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    response = await client.generate(model="mistral", prompt="p")
    assert response.model == "mistral"
    assert "mistral:latest" in double.loaded_models()


async def test_generate_bad_json_400(http: httpx.AsyncClient) -> None:
    response = await http.post("/api/generate", content=b'{"model": ', headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "invalid JSON" in response.json()["error"]


async def test_generate_missing_model_400(http: httpx.AsyncClient) -> None:
    response = await http.post("/api/generate", json={"prompt": "p"})
    assert response.status_code == 400
    assert response.json()["error"] == "model is required"


async def test_generate_bad_keep_alive_400(http: httpx.AsyncClient) -> None:
    response = await http.post("/api/generate", json={"model": FIM_MODEL, "prompt": "p", "keep_alive": "soon"})
    assert response.status_code == 400
    assert "invalid duration" in response.json()["error"]


async def test_generate_records_body(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    await client.generate(
        model=FIM_MODEL,
        prompt="pre",
        suffix="suf",
        raw=True,
        options={"num_ctx": 2048, "num_predict": 64, "temperature": 0.2, "stop": ["\n\n"]},
        keep_alive="10m",
    )
    (recorded,) = double.requests_to("/api/generate")
    assert recorded.method == "POST"
    assert recorded.body["model"] == FIM_MODEL
    assert recorded.body["prompt"] == "pre"
    assert recorded.body["suffix"] == "suf"
    assert recorded.body["raw"] is True
    assert recorded.body["options"] == {"num_ctx": 2048, "num_predict": 64, "temperature": 0.2, "stop": ["\n\n"]}
    assert recorded.body["keep_alive"] == "10m"
    assert recorded.finished is True
    assert recorded.client_closed_early is False
    assert recorded.status == 200


# Chat


async def test_chat_stream_messages(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.reply_with("Merhaba! Nasıl yardımcı olabilirim?")
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Selam"}]
    parts = await collect(await client.chat(model=CHAT_MODEL, messages=messages, stream=True))
    assert "".join(part.message.content for part in parts) == "Merhaba! Nasıl yardımcı olabilirim?"
    assert all(part.message.role == "assistant" for part in parts)
    assert parts[-1].done is True
    assert parts[-1].message.content == ""
    assert parts[-1].prompt_eval_count == estimate_prompt_tokens("Be brief.Selam")


async def test_chat_stream_false(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.reply_with("Yes.")
    response = await client.chat(model="llama3.2", messages=[{"role": "user", "content": "Ok?"}])
    assert response.message.content == "Yes."
    assert response.done_reason == "stop"


async def test_chat_empty_messages_loads(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    response = await client.chat(model="llama3.2", messages=[])
    assert response.done is True
    assert response.done_reason == "load"
    assert "llama3.2:latest" in double.loaded_models()


async def test_chat_unknown_model_404(client: ollama.AsyncClient) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        await client.chat(model="ghost", messages=[{"role": "user", "content": "hi"}])
    assert caught.value.status_code == 404


def test_prompt_text_formula() -> None:
    assert prompt_text({"system": "s", "prompt": "p", "suffix": "x"}) == "spx"
    assert prompt_text({"messages": [{"role": "user", "content": "ab"}, {"role": "user", "content": "c"}]}) == "abc"
    assert estimate_prompt_tokens("") == 1
    assert estimate_prompt_tokens("abcdefgh") == 3


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(None, 300.0), (0, 0.0), ("0", 0.0), (90, 90.0), ("5m", 300.0), ("1h30m", 5400.0), ("1.5s", 1.5), ("-1m", -60.0)],
)
def test_keep_alive_parsing(value: object, seconds: float) -> None:
    assert parse_keep_alive(value, default_s=300.0) == seconds


# Tags, show, ps, pull


async def test_tags_default_models(client: ollama.AsyncClient) -> None:
    names = [model.model for model in (await client.list()).models]
    expected = [
        "deepseek-coder-v2:16b-lite-base-q4_0",
        "qwen2.5-coder:32b",
        "qwen2.5-coder:1.5b-base",
        "mistral:latest",
        "llama3.2:latest",
        "qwen2.5:72b",
        "codellama:7b-code",
        "starcoder2:3b",
        "codestral:latest",
    ]
    assert names == expected


async def test_tags_details(client: ollama.AsyncClient) -> None:
    models = {model.model: model for model in (await client.list()).models}
    deepseek = models["deepseek-coder-v2:16b-lite-base-q4_0"]
    assert deepseek.details.quantization_level == "Q4_0"
    assert deepseek.details.format == "gguf"
    assert deepseek.size > 0
    assert deepseek.digest


async def test_tags_custom_models() -> None:
    spec = ModelSpec("tiny:1b", "llama", "1B", "Q8_0", "{{ .Prompt }}", 1_000)
    with OllamaDouble(models=[spec, "mistral"]) as double:
        async with httpx.AsyncClient(base_url=double.url) as http:
            names = [model["name"] for model in (await http.get("/api/tags")).json()["models"]]
    assert names == ["tiny:1b", "mistral:latest"]


async def test_show_insert_capability(client: ollama.AsyncClient) -> None:
    for model in ("deepseek-coder-v2:16b-lite-base-q4_0", FIM_MODEL, "codellama:7b-code", "starcoder2:3b", "codestral"):
        shown = await client.show(model)
        assert "insert" in shown.capabilities, model
        assert "{{ .Suffix }}" in shown.template, model


async def test_show_chat_model_no_insert(client: ollama.AsyncClient) -> None:
    for model in (CHAT_MODEL, "mistral", "llama3.2", "qwen2.5:72b"):
        shown = await client.show(model)
        assert "insert" not in shown.capabilities, model
        assert "completion" in shown.capabilities, model


async def test_show_fields(client: ollama.AsyncClient) -> None:
    shown = await client.show(FIM_MODEL)
    assert "FROM " in shown.modelfile
    assert 'stop' in shown.parameters
    assert shown.details.family == "qwen2"
    assert shown.modelinfo["general.architecture"] == "qwen2"
    assert shown.modelinfo["qwen2.context_length"] == 32768


async def test_show_unknown_404(client: ollama.AsyncClient) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        await client.show("ghost")
    assert caught.value.status_code == 404
    assert caught.value.error == "model 'ghost' not found"


async def test_ps_lists_loaded(client: ollama.AsyncClient) -> None:
    assert (await client.ps()).models == []
    await client.generate(model=FIM_MODEL, prompt="p")
    (loaded,) = (await client.ps()).models
    assert loaded.name == FIM_MODEL
    assert loaded.model == FIM_MODEL
    assert loaded.size > 0
    assert loaded.size_vram == loaded.size
    assert loaded.details.parameter_size == "1.5B"
    assert loaded.context_length == DEFAULT_NUM_CTX


async def test_ps_expiry_from_keep_alive(client: ollama.AsyncClient) -> None:
    await client.generate(model=FIM_MODEL, prompt="p", keep_alive="1h")
    (loaded,) = (await client.ps()).models
    remaining_s = (loaded.expires_at - datetime.now(timezone.utc)).total_seconds()
    assert remaining_s > 3500
    assert remaining_s <= 3600


async def test_ps_negative_keep_alive_forever(client: ollama.AsyncClient) -> None:
    await client.generate(model=FIM_MODEL, prompt="p", keep_alive=-1)
    (loaded,) = (await client.ps()).models
    assert loaded.expires_at.year > datetime.now(timezone.utc).year + 100


async def test_keep_alive_expires(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    await client.generate(model=FIM_MODEL, prompt="p", keep_alive=0.1)
    double.wait_for(lambda: not double.loaded_models(), timeout_s=2.0)
    assert [event.kind for event in double.model_events] == ["load", "expire"]


async def test_keep_alive_zero_unloads(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    await client.generate(model=FIM_MODEL, prompt="p", keep_alive=0)
    assert (await client.ps()).models == []
    assert [event.kind for event in double.model_events] == ["load", "unload"]


async def test_empty_prompt_loads(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    response = await client.generate(model=FIM_MODEL, prompt="")
    assert response.done is True
    assert response.done_reason == "load"
    assert response.response == ""
    assert FIM_MODEL in double.loaded_models()


async def test_empty_prompt_keep_alive_zero_unloads(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    await client.generate(model=FIM_MODEL, prompt="")
    response = await client.generate(model=FIM_MODEL, prompt="", keep_alive=0)
    assert response.done_reason == "unload"
    assert double.loaded_models() == {}


async def test_num_ctx_change_reloads(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    await client.generate(model=FIM_MODEL, prompt="p", options={"num_ctx": 2048})
    await client.generate(model=FIM_MODEL, prompt="p", options={"num_ctx": 2048})
    assert double.reload_events == []
    await client.generate(model=FIM_MODEL, prompt="p", options={"num_ctx": 8192})
    (reload,) = double.reload_events
    assert reload.model == FIM_MODEL
    assert reload.previous_num_ctx == 2048
    assert reload.num_ctx == 8192
    assert double.loaded_models() == {FIM_MODEL: 8192}


async def test_max_loaded_evicts_lru(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.max_loaded = 2
    await client.generate(model=FIM_MODEL, prompt="p")
    await client.generate(model="mistral", prompt="p")
    await client.generate(model=FIM_MODEL, prompt="p")
    await client.generate(model="llama3.2", prompt="p")
    (eviction,) = double.eviction_events
    assert eviction.model == "mistral:latest"
    assert set(double.loaded_models()) == {FIM_MODEL, "llama3.2:latest"}


async def test_load_delay_reported(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.load_delay_s = 0.05
    cold = await client.generate(model=FIM_MODEL, prompt="p")
    warm = await client.generate(model=FIM_MODEL, prompt="p")
    assert cold.load_duration >= 50_000_000
    assert warm.load_duration < 50_000_000


async def test_pull_streams_progress(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    parts = await collect(await client.pull("phi3:3.8b", stream=True))
    statuses = [part.status for part in parts]
    assert statuses[0] == "pulling manifest"
    assert statuses[-1] == "success"
    progress = [part for part in parts if part.total]
    assert progress[-1].completed == progress[-1].total
    assert progress[0].completed == 0
    assert double.find_model("phi3:3.8b") is not None


async def test_pull_stream_false(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    response = await client.pull("phi3")
    assert response.status == "success"
    names = [model.model for model in (await client.list()).models]
    assert names[0] == "phi3:latest"


async def test_pull_registry_spec(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    spec = ModelSpec("fim:1b", "qwen2", "1B", "Q4_0", "{{ .Prompt }}{{ .Suffix }}", 10)
    double.registry_specs["fim:1b"] = spec
    await client.pull("fim:1b")
    shown = await client.show("fim:1b")
    assert "insert" in shown.capabilities


async def test_pull_missing_model_raises(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.registry_missing.add("typo:latest")
    with pytest.raises(ollama.ResponseError) as caught:
        await collect(await client.pull("typo", stream=True))
    assert caught.value.error == "pull model manifest: file does not exist"
    assert double.find_model("typo") is None


# Faults


async def test_fault_http_500(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.inject(Fault.HTTP_500)
    with pytest.raises(ollama.ResponseError) as caught:
        await client.generate(model=FIM_MODEL, prompt="p")
    assert caught.value.status_code == 500
    assert "llama runner" in caught.value.error


async def test_fault_one_shot(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.inject(Fault.HTTP_500)
    with pytest.raises(ollama.ResponseError):
        await client.generate(model=FIM_MODEL, prompt="p")
    response = await client.generate(model=FIM_MODEL, prompt="p")
    assert response.done is True


async def test_fault_sticky(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.inject(Fault.HTTP_500, times=None)
    for _ in range(3):
        with pytest.raises(ollama.ResponseError):
            await client.generate(model=FIM_MODEL, prompt="p")
    double.clear_faults()
    response = await client.generate(model=FIM_MODEL, prompt="p")
    assert response.done is True


async def test_fault_matches_path(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.inject(Fault.HTTP_500, path="/api/tags")
    response = await client.generate(model=FIM_MODEL, prompt="p")
    assert response.done is True
    with pytest.raises(ollama.ResponseError) as caught:
        await client.list()
    assert caught.value.status_code == 500


async def test_fault_model_not_found(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.inject(Fault.MODEL_NOT_FOUND)
    with pytest.raises(ollama.ResponseError) as caught:
        await client.generate(model=FIM_MODEL, prompt="p")
    assert caught.value.status_code == 404
    assert caught.value.error == f'model "{FIM_MODEL}" not found, try pulling it first'


async def test_fault_stall_read_timeout(double: OllamaDouble) -> None:
    double.inject(Fault.STALL, stall_s=5.0)
    async_client = ollama.AsyncClient(host=double.url, timeout=0.5)
    with pytest.raises(httpx.ReadTimeout):
        await collect(await async_client.generate(model=FIM_MODEL, prompt="p", stream=True))
    await async_client._client.aclose()
    (recorded,) = double.requests_to("/api/generate")
    double.wait_for(lambda: recorded.client_closed_early, timeout_s=1.0)
    assert recorded.finished is False


async def test_fault_stall_then_answers(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.inject(Fault.STALL, stall_s=0.2)
    started = time.monotonic()
    response = await client.generate(model=FIM_MODEL, prompt="p")
    assert response.done is True
    assert time.monotonic() - started >= 0.2


async def test_fault_reset_mid_stream(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.reply_with("0123456789abcdefghij")
    double.inject(Fault.RESET_MID_STREAM)
    with pytest.raises(httpx.TransportError):
        await collect(await client.generate(model=FIM_MODEL, prompt="p", stream=True))
    (recorded,) = double.requests_to("/api/generate")
    assert recorded.chunks_sent == 2
    assert recorded.fault is Fault.RESET_MID_STREAM


async def test_fault_reset_stream_false(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.inject(Fault.RESET_MID_STREAM)
    with pytest.raises(httpx.TransportError):
        await client.generate(model=FIM_MODEL, prompt="p")


async def test_fault_malformed_line(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.inject(Fault.MALFORMED_LINE)
    with pytest.raises(json.JSONDecodeError):
        await collect(await client.generate(model=FIM_MODEL, prompt="p", stream=True))


async def test_fault_malformed_wire(double: OllamaDouble, http: httpx.AsyncClient) -> None:
    double.reply_with("0123456789abcdefghij")
    double.inject(Fault.MALFORMED_LINE)
    async with http.stream("POST", "/api/generate", json={"model": FIM_MODEL, "prompt": "p"}) as response:
        lines = [line async for line in response.aiter_lines()]
    assert lines[2] == '{"respo'
    assert json.loads(lines[-1])["done"] is True


async def test_fault_blank_line(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.inject(Fault.BLANK_LINE)
    with pytest.raises(json.JSONDecodeError):
        await collect(await client.generate(model=FIM_MODEL, prompt="p", stream=True))


async def test_fault_blank_wire(double: OllamaDouble, http: httpx.AsyncClient) -> None:
    double.reply_with("0123456789abcdefghij")
    double.inject(Fault.BLANK_LINE)
    async with http.stream("POST", "/api/generate", json={"model": FIM_MODEL, "prompt": "p"}) as response:
        lines = [line async for line in response.aiter_lines()]
    assert lines[2] == ""
    assert len(lines) == 7


async def test_fault_empty_body(double: OllamaDouble, client: ollama.AsyncClient, http: httpx.AsyncClient) -> None:
    double.inject(Fault.EMPTY_BODY, times=2)
    response = await http.post("/api/generate", json={"model": FIM_MODEL, "prompt": "p"})
    assert response.status_code == 200
    assert response.content == b""
    with pytest.raises(json.JSONDecodeError):
        await client.generate(model=FIM_MODEL, prompt="p")


async def test_fault_empty_body_stream(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.inject(Fault.EMPTY_BODY)
    parts = await collect(await client.generate(model=FIM_MODEL, prompt="p", stream=True))
    assert parts == []


async def test_go_down_refuses(double: OllamaDouble) -> None:
    double.go_down()
    async with httpx.AsyncClient(base_url=double.url, timeout=2.0) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get("/")


async def test_go_down_client_stream(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    await client.generate(model=FIM_MODEL, prompt="p")
    double.go_down()
    with pytest.raises(httpx.ConnectError):
        await collect(await client.generate(model=FIM_MODEL, prompt="p", stream=True))
    with pytest.raises(ConnectionError):
        await client.generate(model=FIM_MODEL, prompt="p")


async def test_come_up_same_port(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    port = double.port
    double.go_down()
    with pytest.raises(ConnectionError):
        await client.list()
    double.come_up()
    assert double.port == port
    assert (await client.list()).models


async def test_go_down_drops_stream(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.chunk_delay_s = 0.05
    stream = await client.generate(model=FIM_MODEL, prompt="p", stream=True)
    first = await anext(stream)
    assert first.done is False
    double.go_down()
    with pytest.raises(httpx.TransportError):
        await collect(stream)


# Client disconnects and shutdown


async def test_client_close_early_recorded(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    double.reply_with("x" * 400)
    double.chunk_delay_s = 0.05
    stream = await client.generate(model=FIM_MODEL, prompt="p", stream=True)
    await anext(stream)
    await anext(stream)
    await stream.aclose()
    closed_by_client = time.monotonic()
    (recorded,) = double.requests_to("/api/generate")
    double.wait_for(lambda: recorded.client_closed_early, timeout_s=1.0)
    assert recorded.closed_at is not None
    assert recorded.closed_at - closed_by_client < 0.2
    assert recorded.finished is False
    chunks_at_close = recorded.chunks_sent
    time.sleep(0.15)
    assert recorded.chunks_sent == chunks_at_close
    assert recorded.chunks_sent < 100


async def test_client_close_non_stream(double: OllamaDouble) -> None:
    double.chunk_delay_s = 0.05
    double.reply_with("x" * 400)
    async_client = ollama.AsyncClient(host=double.url, timeout=0.2)
    with pytest.raises(httpx.ReadTimeout):
        await async_client.generate(model=FIM_MODEL, prompt="p")
    await async_client._client.aclose()
    (recorded,) = double.requests_to("/api/generate")
    double.wait_for(lambda: recorded.client_closed_early, timeout_s=1.0)
    assert recorded.finished is False


def test_stop_during_stall_fast() -> None:
    double = OllamaDouble().start()
    double.inject(Fault.STALL, stall_s=30.0)
    http = httpx.Client(base_url=double.url, timeout=30.0)

    errors: list[Exception] = []

    def call() -> None:
        try:
            http.post("/api/generate", json={"model": FIM_MODEL, "prompt": "p"})
        except httpx.HTTPError as exc:
            errors.append(exc)

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    double.wait_for_requests("/api/generate", 1, timeout_s=2.0)
    started = time.monotonic()
    double.stop()
    stop_s = time.monotonic() - started
    caller.join(timeout=2.0)
    http.close()
    assert stop_s < 1.0
    assert not caller.is_alive()
    assert len(errors) == 1


def test_stop_during_slow_stream_fast() -> None:
    double = OllamaDouble().start()
    double.reply_with("x" * 1000)
    double.chunk_delay_s = 0.5
    with httpx.Client(base_url=double.url, timeout=10.0) as http:
        with http.stream("POST", "/api/generate", json={"model": FIM_MODEL, "prompt": "p"}) as response:
            lines = response.iter_lines()
            next(lines)
            started = time.monotonic()
            double.stop()
            assert time.monotonic() - started < 1.0
            with pytest.raises(httpx.TransportError):
                list(lines)


def test_stop_idempotent() -> None:
    double = OllamaDouble().start()
    double.stop()
    double.stop()
    assert double.is_up is False


def test_wait_for_requests_timeout(double: OllamaDouble) -> None:
    with pytest.raises(TimeoutError):
        double.wait_for_requests("/api/generate", 1, timeout_s=0.05)


async def test_clear_forgets_requests(double: OllamaDouble, client: ollama.AsyncClient) -> None:
    await client.generate(model=FIM_MODEL, prompt="p")
    double.clear()
    assert double.requests == []
    assert double.model_events == []


def test_inject_rejects_zero_times(double: OllamaDouble) -> None:
    with pytest.raises(ValueError):
        double.inject(Fault.HTTP_500, times=0)


# Standalone process


def test_standalone_serves_and_stops() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.doubles.ollama_double", "--port", "0", "--reply", "hi", "--models", "mistral,tiny:1b"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=url, timeout=5.0) as http:
            names = [model["name"] for model in http.get("/api/tags").json()["models"]]
            reply = http.post("/api/generate", json={"model": "mistral", "prompt": "p", "stream": False}).json()
        assert names == ["mistral:latest", "tiny:1b"]
        assert reply["response"] == "hi"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5.0) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
