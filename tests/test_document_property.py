"""Property test: random edits and completion requests against one real `netz-lsp` process.

The server's copy of each document, read through the test-only `netz.debug.documentText`
command, must equal a reference model that applies the same LSP changes to a Python string,
and no request may fail. Edits use multi-byte text, CRLF, lone surrogates, ranges past the
end, reversed ranges and several overlapping changes in one notification.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from tests.conftest import SERVER_COMMAND, server_env
from tests.doubles.ollama_double import OllamaDouble

ALPHABET = ["a", "b", " ", "\n", "\r\n", "\r", "ç", "ğ", "İ", "😀", "\t", "\ud800", "x = "]
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def reference_offset(text: str, line: int, column: int) -> int:
    """Convert an LSP position (UTF-16 columns) to a string index, clamping like LSP asks."""
    starts = [0] + [match.end() for match in LINE_BREAK.finditer(text)]
    if line >= len(starts):
        return len(text)
    start = starts[line]
    break_match = LINE_BREAK.search(text, start)
    end = break_match.start() if break_match else len(text)
    units = 0
    index = start
    while index < end:
        width = 2 if ord(text[index]) > 0xFFFF else 1
        if units + width > column:
            break
        units += width
        index += 1
    return index


def reference_apply(text: str, start: tuple[int, int], end: tuple[int, int], new_text: str) -> str:
    start_index = reference_offset(text, *start)
    end_index = reference_offset(text, *end)
    if end_index < start_index:
        # The server treats a reversed range as the empty range at its end position.
        start_index = end_index
    return text[:start_index] + new_text + text[end_index:]


class BackgroundClient:
    """A pytest-lsp client and its server, driven from an event loop in a daemon thread."""

    def __init__(self, double: OllamaDouble):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.double = double
        self.client = self.call(self._start())

    def call(self, coroutine, timeout_s: float = 30.0):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout_s)

    async def _start(self):
        config = ClientServerConfig(server_command=SERVER_COMMAND, server_env=server_env())
        client = await config.start()
        await client.initialize_session(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                initialization_options={"ollamaHost": self.double.url, "debounceMs": 0, "debugCommands": True, "preload": False},
            )
        )
        return client

    def close(self) -> None:
        async def stop():
            try:
                await self.client.shutdown_session()
            finally:
                await self.client.stop()

        self.call(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def background_client():
    with OllamaDouble() as double:
        double.reply_with("1")
        client = BackgroundClient(double)
        yield client
        client.close()


positions = st.tuples(st.integers(min_value=0, max_value=12), st.integers(min_value=0, max_value=20))
texts = st.lists(st.sampled_from(ALPHABET), max_size=8).map("".join)
changes = st.one_of(
    st.tuples(positions, positions, texts),
    st.tuples(st.none(), st.none(), texts),
)
operations = st.one_of(
    st.tuples(st.just("change"), st.lists(changes, min_size=1, max_size=3)),
    st.tuples(st.just("complete"), positions),
)
documents = itertools.count()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(initial=texts, script=st.lists(operations, max_size=12))
def test_document_matches_reference(background_client, initial, script):
    uri = f"file:///property/doc{next(documents)}.py"
    background_client.call(_run_script(background_client.client, uri, initial, script))


async def _run_script(client, uri: str, initial: str, script: list) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=initial))
    )
    expected = initial
    version = 1
    for operation, argument in script:
        if operation == "change":
            version += 1
            content_changes = []
            for start, end, new_text in argument:
                if start is None:
                    content_changes.append(types.TextDocumentContentChangeWholeDocument(text=new_text))
                    expected = new_text
                    continue
                lsp_range = types.Range(
                    start=types.Position(line=start[0], character=start[1]),
                    end=types.Position(line=end[0], character=end[1]),
                )
                content_changes.append(types.TextDocumentContentChangePartial(range=lsp_range, text=new_text))
                expected = reference_apply(expected, start, end, new_text)
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=content_changes,
                )
            )
        else:
            result = await client.text_document_inline_completion_async(
                types.InlineCompletionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    position=types.Position(line=argument[0], character=argument[1]),
                    context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Invoked),
                )
            )
            assert result is None or len(result.items) == 1
    state = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="netz.debug.documentText", arguments=[uri]))
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert state["version"] == version
    assert state["text"] == expected


async def test_debug_command_off_by_default(start_netz, ollama_double):
    netz = await start_netz({"ollamaHost": ollama_double.url})
    netz.open("file:///property/secret.py", "token = 1\n")
    with pytest.raises(Exception, match="debugCommands"):
        await netz.command("netz.debug.documentText", "file:///property/secret.py")
