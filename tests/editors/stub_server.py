"""Stand-in for netz-lsp that speaks its protocol with fixed replies and no model.

It lets the editor tests check an editor client (the VS Code extension, Neovim's LSP client)
without a model server. Start it with `python -m tests.editors.stub_server`; it serves LSP
over stdio and ignores `--stdio`. The replies:

- inline completion: `STUB_COMPLETION` at the cursor;
- code actions: "NETZ: Explain" (streams an answer) and "NETZ: Refactor" (replaces the
  selected lines, or the line at the cursor, with `STUB_REFACTOR`);
- `netz.ask`: streams `STUB_ANSWER_PARTS` as `netz/answer`, then returns the whole answer;
- `netz.selectProfile` and `netz.status`: the status, also sent as `netz/status`.
"""

from __future__ import annotations

import sys
import uuid

from lsprotocol import types
from pygls.lsp.server import LanguageServer

STUB_COMPLETION = "return a + b"
STUB_REFACTOR = "# refactored by the NETZ stub\n"
STUB_ANSWER_PARTS = ["## Stub answer\n\n", "The function **adds** ", "two numbers.\n\n", "- `a`\n- `b`\n"]

PROFILE_MODELS = {"fast": "llama3.2", "balanced": "mistral", "code": "qwen2.5-coder:32b", "accurate": "qwen2.5:72b"}

server = LanguageServer("netz-lsp-stub", "0.0.1")
state = {"profile": "auto"}


def current_status() -> dict:
    profile = state["profile"]
    chat_model = PROFILE_MODELS.get(profile, "qwen2.5-coder:32b")
    return {
        "profile": profile,
        "models": {"completion": "stub-completion", "chat": chat_model, "question": chat_model},
        "backend": "ollama",
        "host": "stub",
        "reachable": True,
        "loadedModels": [],
        "reason": "",
    }


def stream_answer(answer_id: str, kind: str, title: str) -> str:
    for part in STUB_ANSWER_PARTS:
        server.protocol.notify(
            "netz/answer",
            {"answerId": answer_id, "kind": kind, "title": title, "delta": part, "done": False, "model": "stub"},
        )
    server.protocol.notify(
        "netz/answer",
        {"answerId": answer_id, "kind": kind, "title": title, "delta": "", "done": True, "model": "stub"},
    )
    return "".join(STUB_ANSWER_PARTS)


@server.feature(types.INITIALIZED)
def on_initialized(ls: LanguageServer, params: types.InitializedParams) -> None:
    ls.protocol.notify("netz/status", current_status())


@server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
def inline_completion(ls: LanguageServer, params: types.InlineCompletionParams) -> types.InlineCompletionList:
    """Return `STUB_COMPLETION` at the cursor."""
    cursor = params.position
    return types.InlineCompletionList(
        items=[types.InlineCompletionItem(insert_text=STUB_COMPLETION, range=types.Range(cursor, cursor))]
    )


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.Refactor, types.CodeActionKind.QuickFix]),
)
def code_actions(ls: LanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Return the explain and refactor actions for the selection."""
    start_line = params.range.start.line
    end_line = max(params.range.end.line, start_line)
    if params.range.end.character == 0 and end_line > start_line:
        end_line -= 1
    replaced = types.Range(types.Position(start_line, 0), types.Position(end_line + 1, 0))
    edit = types.WorkspaceEdit(changes={params.text_document.uri: [types.TextEdit(replaced, STUB_REFACTOR)]})
    return [
        types.CodeAction(
            title="NETZ: Explain",
            kind=types.CodeActionKind.Empty,
            command=types.Command(title="NETZ: Explain", command="netz.stubExplain", arguments=[params.text_document.uri]),
        ),
        types.CodeAction(title="NETZ: Refactor", kind=types.CodeActionKind.Refactor, edit=edit),
    ]


@server.command("netz.stubExplain")
def explain(ls: LanguageServer, uri: str) -> None:
    stream_answer(str(uuid.uuid4()), "explain", "Explain")


@server.command("netz.ask")
def ask(ls: LanguageServer, request: dict) -> dict:
    answer_id = request.get("answerId") or str(uuid.uuid4())
    answer = stream_answer(answer_id, "ask", request.get("question", ""))
    return {"answer": answer, "model": "stub", "reason": "stub"}


@server.command("netz.selectProfile")
def select_profile(ls: LanguageServer, profile: str) -> dict:
    state["profile"] = profile
    status = current_status()
    ls.protocol.notify("netz/status", status)
    return status


@server.command("netz.status")
def status(ls: LanguageServer) -> dict:
    return current_status()


if __name__ == "__main__":
    sys.argv = [argument for argument in sys.argv if argument != "--stdio"]
    server.start_io()
