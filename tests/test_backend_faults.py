"""Backend faults against the real `netz-lsp` process, for both the Ollama and the
OpenAI-compatible backend, each served by its test double.

Every fault must give an empty reply, one error message per episode and a working
completion on the next request once the fault is gone.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest
from lsprotocol import types

from tests.conftest import wait_until
from tests.doubles.ollama_double import Fault, OllamaDouble
from tests.doubles.openai_double import OpenAIDouble

URI = "file:///work/demo/faults.py"
MODEL = "deepseek-coder-v2:16b-lite-base-q4_0"
REPLY = "abcdefghijklmnopqrstuvwxyz" * 4


@dataclass
class Backend:
    """One test double with the settings and the generate path the server uses for it."""

    name: str
    double: Any
    generate_path: str
    display_name: str

    def settings(self, **overrides: Any) -> dict:
        if self.name == "ollama":
            settings = {"backend": "ollama", "ollamaHost": self.double.url}
        else:
            settings = {"backend": "openai", "openaiBaseUrl": self.double.base_url}
        settings.update({"debounceMs": 0, "requestTimeoutS": 5, "preload": False, "models": {"completion": MODEL}})
        settings.update(overrides)
        return settings

    def generate_requests(self):
        return self.double.requests_to(self.generate_path)

    def inject(self, fault: Fault, **options: Any) -> None:
        self.double.inject(fault, path=self.generate_path, **options)


@pytest.fixture(params=["ollama", "openai"])
def backend(request):
    if request.param == "ollama":
        with OllamaDouble() as double:
            yield Backend("ollama", double, "/api/generate", "Ollama")
    else:
        with OpenAIDouble() as double:
            yield Backend("openai", double, "/v1/completions", "OpenAI-compatible")


def error_messages(netz) -> list[str]:
    return [message.message for message in netz.messages if message.type == types.MessageType.Error]


@pytest.mark.parametrize(
    ("fault", "expected_words"),
    [
        (Fault.HTTP_500, "HTTP 500"),
        (Fault.STALL, "did not answer within 1"),
        (Fault.RESET_MID_STREAM, "broke in the middle"),
        (Fault.MALFORMED_LINE, "could not be read"),
        (Fault.BLANK_LINE, "could not be read"),
        (Fault.EMPTY_BODY, "could not be read"),
    ],
)
async def test_fault_episode_then_recovery(start_netz, backend, fault, expected_words):
    backend.double.reply_with(REPLY)
    netz = await start_netz(backend.settings(requestTimeoutS=1))
    netz.open(URI, "v = \n")
    # Two failing requests form one episode, so they give one message.
    backend.inject(fault, times=2, stall_s=10.0)
    assert await netz.complete(URI, 0, 4) is None
    assert await netz.complete(URI, 0, 4) is None
    errors = error_messages(netz)
    assert len(errors) == 1, errors
    assert expected_words in errors[0]
    result = await netz.complete(URI, 0, 4)
    assert result is not None
    assert result.items[0].insert_text.startswith("abcdefghijklmnopqrstuvwxyz")


async def test_stall_is_abandoned_and_stream_closed(start_netz, backend):
    backend.double.reply_with(REPLY)
    netz = await start_netz(backend.settings(requestTimeoutS=0.5))
    netz.open(URI, "v = \n")
    backend.inject(Fault.STALL, stall_s=10.0)
    started = asyncio.get_running_loop().time()
    assert await netz.complete(URI, 0, 4) is None
    waited_s = asyncio.get_running_loop().time() - started
    assert waited_s < 10.0
    await wait_until(lambda: backend.generate_requests()[0].client_closed_early, what="stalled request closed")


async def test_backend_down_at_start(start_netz, backend):
    backend.double.reply_with("1")
    backend.double.go_down()
    netz = await start_netz(backend.settings())
    netz.open(URI, "v = \n")
    assert await netz.complete(URI, 0, 4) is None
    assert await netz.complete(URI, 0, 4) is None
    errors = error_messages(netz)
    assert len(errors) == 1, errors
    assert f"cannot reach the {backend.display_name} server" in errors[0]
    backend.double.come_up()
    result = await netz.complete(URI, 0, 4)
    assert result.items[0].insert_text == "1"


async def test_backend_leaves_and_returns(start_netz, backend):
    backend.double.reply_with("1")
    netz = await start_netz(backend.settings())
    netz.open(URI, "v = \n")
    assert (await netz.complete(URI, 0, 4)).items[0].insert_text == "1"

    backend.double.go_down()
    netz.change(URI, 2, (0, 4), (0, 4), "x")
    assert await netz.complete(URI, 0, 5) is None
    backend.double.come_up()
    backend.double.reply_with("2")
    netz.change(URI, 3, (0, 5), (0, 5), "y")
    assert (await netz.complete(URI, 0, 6)).items[0].insert_text == "2"

    # A second outage is a new episode, so it is reported again.
    backend.double.go_down()
    netz.change(URI, 4, (0, 6), (0, 6), "z")
    assert await netz.complete(URI, 0, 7) is None
    errors = error_messages(netz)
    assert len(errors) == 2, errors
    assert all(f"cannot reach the {backend.display_name} server" in error for error in errors)


async def test_model_not_installed(start_netz, backend):
    missing = "deepseek-coder-v2:16b-lite-base-q8_0"
    netz = await start_netz(backend.settings(models={"completion": missing}), locale="tr")
    netz.open(URI, "v = \n")
    assert await netz.complete(URI, 0, 4) is None
    assert await netz.complete(URI, 0, 4) is None
    errors = error_messages(netz)
    assert len(errors) == 1, errors
    assert missing in errors[0]
    if backend.name == "ollama":
        assert f"ollama pull {missing}" in errors[0]
    else:
        assert "netz.models" in errors[0]


async def test_unreachable_host_setting(start_netz, backend):
    # Port 9 (discard) on loopback has no listener on a test machine.
    overrides = {"ollamaHost": "http://127.0.0.1:9"} if backend.name == "ollama" else {"openaiBaseUrl": "http://127.0.0.1:9/v1"}
    netz = await start_netz(backend.settings(**overrides))
    netz.open(URI, "v = \n")
    assert await netz.complete(URI, 0, 4) is None
    errors = error_messages(netz)
    assert len(errors) == 1, errors
    assert "127.0.0.1:9" in errors[0]


async def test_slow_backend_keeps_only_newest(start_netz, backend):
    backend.double.reply_with("s" * 4000)
    backend.double.chunk_delay_s = 0.02
    netz = await start_netz(backend.settings())
    netz.open(URI, "v = \n")
    pending = []
    for key_index in range(6):
        netz.change(URI, key_index + 2, (0, 4 + key_index), (0, 4 + key_index), "k")
        pending.append(asyncio.ensure_future(netz.complete(URI, 0, 5 + key_index, invoked=False)))
        await wait_until(lambda: len(backend.generate_requests()) == key_index + 1, what=f"generation {key_index + 1}")
    backend.double.reply_with("done")
    backend.double.chunk_delay_s = 0.0
    netz.change(URI, 8, (0, 10), (0, 10), "!")
    newest = await netz.complete(URI, 0, 11, invoked=False)
    older = await asyncio.gather(*pending)

    assert older == [None] * 6
    assert newest.items[0].insert_text == "done"
    records = backend.generate_requests()
    assert len(records) == 7
    await wait_until(lambda: all(record.closed_at is not None for record in records[:6]), what="older streams closed")
    assert all(record.client_closed_early for record in records[:6])
    assert not any(record.finished for record in records[:6])


async def test_restart_with_same_workspace(start_netz, backend, tmp_path):
    backend.double.reply_with("1")
    source = tmp_path / "app.py"
    source.write_text("v = \n")
    uri = source.as_uri()
    first = await start_netz(backend.settings(), root_uri=tmp_path.as_uri())
    first.open(uri, "v = \n")
    assert (await first.complete(uri, 0, 4)).items[0].insert_text == "1"
    await first.stop()

    second = await start_netz(backend.settings(), root_uri=tmp_path.as_uri())
    second.open(uri, "v = \n")
    backend.double.reply_with("2")
    second.change(uri, 2, (0, 4), (0, 4), " ")
    assert (await second.complete(uri, 0, 5)).items[0].insert_text == "2"
    assert error_messages(second) == []
