"""Shared fixtures: the Ollama double, the real model tier and real `netz-lsp` processes."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.doubles.ollama_double import OllamaDouble
from tests.realmodel import gguf_path, start_real_model

REPO_ROOT = Path(__file__).resolve().parents[1]
SERVER_COMMAND = [sys.executable, "-m", "netz_lsp", "--stdio"]


def server_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("OLLAMA_HOST", None)
    env.update(extra)
    return env


@pytest.fixture
def ollama_double():
    with OllamaDouble() as double:
        yield double


@pytest.fixture(scope="session")
def real_model(tmp_path_factory):
    """The real llama.cpp tier; skipped when the GGUF is absent unless NETZ_REQUIRE_REAL_MODEL=1."""
    if gguf_path() is None:
        if os.environ.get("NETZ_REQUIRE_REAL_MODEL") == "1":
            pytest.fail("NETZ_REQUIRE_REAL_MODEL=1 but the real model is missing; run scripts/fetch_real_model.sh")
        pytest.skip("real model not assembled; run scripts/fetch_real_model.sh")
    server = start_real_model(tmp_path_factory.mktemp("real-model"))
    yield server
    server.stop()


class NetzSession:
    """A running `netz-lsp` process with a pytest-lsp client and what the client received."""

    def __init__(self, client: LanguageClient):
        self.client = client
        self.notifications: dict[str, list[Any]] = {}
        self.capabilities: types.ServerCapabilities | None = None
        self.stopped = False

    async def stop(self) -> None:
        """Shut the server down the way an editor does: `shutdown`, then `exit`."""
        if self.stopped:
            return
        self.stopped = True
        try:
            await self.client.shutdown_session()
        finally:
            await self.client.stop()

    @property
    def messages(self) -> list[types.ShowMessageParams]:
        return self.client.messages

    def open(self, uri: str, text: str, language_id: str = "python", version: int = 1) -> None:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=version, text=text)
            )
        )

    def change(self, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        change = types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=start[0], character=start[1]),
                end=types.Position(line=end[0], character=end[1]),
            ),
            text=text,
        )
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change],
            )
        )

    async def complete(self, uri: str, line: int, character: int, invoked: bool = True):
        trigger = types.InlineCompletionTriggerKind.Invoked if invoked else types.InlineCompletionTriggerKind.Automatic
        return await self.client.text_document_inline_completion_async(
            types.InlineCompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=line, character=character),
                context=types.InlineCompletionContext(trigger_kind=trigger),
            )
        )

    def configure(self, settings: dict) -> None:
        self.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"netz": settings}))

    async def code_actions(self, uri: str, start: tuple[int, int], end: tuple[int, int], diagnostics: list | None = None, only: list[str] | None = None):
        return await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(
                    start=types.Position(line=start[0], character=start[1]),
                    end=types.Position(line=end[0], character=end[1]),
                ),
                context=types.CodeActionContext(diagnostics=diagnostics or [], only=only),
            )
        )

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        return await self.client.code_action_resolve_async(action)

    async def command(self, name: str, *arguments: Any):
        return await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=name, arguments=list(arguments))
        )


@pytest_asyncio.fixture
async def start_netz() -> Callable[..., Awaitable[NetzSession]]:
    """Return a factory that starts `netz-lsp` with settings and a locale; stops them all after the test."""
    sessions: list[NetzSession] = []

    async def start(
        settings: dict | None = None,
        locale: str = "en",
        position_encodings: list[str] | None = None,
        root_uri: str | None = None,
        env: dict | None = None,
        stderr_path: Path | None = None,
        show_document: bool = True,
    ) -> NetzSession:
        """Start and initialize a server; `stderr_path` collects the server's stderr in a file."""
        command = SERVER_COMMAND
        extra_env = dict(env or {})
        if stderr_path is not None:
            command = ["sh", "-c", 'exec "$0" "$@" 2>>"$NETZ_TEST_STDERR"', *SERVER_COMMAND]
            extra_env["NETZ_TEST_STDERR"] = str(stderr_path)
        config = ClientServerConfig(server_command=command, server_env=server_env(**extra_env))
        client = await config.start()
        session = NetzSession(client)
        for method in ("netz/status", "netz/answer"):
            client.feature(method)(_recorder(session, method))
        capabilities = types.ClientCapabilities(
            general=types.GeneralClientCapabilities(position_encodings=position_encodings) if position_encodings else None,
            window=types.WindowClientCapabilities(
                work_done_progress=True,
                show_document=types.ShowDocumentClientCapabilities(support=True) if show_document else None,
            ),
        )
        result = await client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities,
                initialization_options=settings or {},
                locale=locale,
                root_uri=root_uri,
            )
        )
        session.capabilities = result.capabilities
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        await session.stop()


def _recorder(session: NetzSession, method: str):
    def record(params):
        session.notifications.setdefault(method, []).append(params)

    return record


async def wait_until(predicate: Callable[[], bool], timeout_s: float = 5.0, what: str = "condition") -> None:
    """Poll `predicate` without blocking the event loop the LSP client runs on."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not predicate():
        if loop.time() >= deadline:
            raise TimeoutError(f"{what} not met within {timeout_s} s")
        await asyncio.sleep(0.01)


def double_settings(double: OllamaDouble, **overrides) -> dict:
    """Settings that point the server at the Ollama double, with no debounce and no preloading."""
    settings = {"backend": "ollama", "ollamaHost": double.url, "debounceMs": 0, "requestTimeoutS": 5, "preload": False}
    settings.update(overrides)
    return settings
