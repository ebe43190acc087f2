"""`textDocument/codeAction` and `codeAction/resolve`: list NETZ actions instantly, generate on resolve."""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types

from netz_lsp.actions import listing
from netz_lsp.actions.runner import ActionRunner
from netz_lsp.backend.errors import BackendError
from netz_lsp.i18n import message
from netz_lsp.lsp.answers import AnswerStream, show_markdown
from netz_lsp.lsp.progress import request_work

logger = logging.getLogger(__name__)

# Actions whose reply is streamed as `netz/answer` parts.
STREAMED_KINDS = {listing.EXPLAIN: "explain", listing.DEBUG: "debug", listing.QUESTION: "question", listing.DOCSTRING: "docstring"}


def register(server) -> None:
    runtime = server.runtime
    runner = ActionRunner(runtime, before_request=server.models.make_room_for)

    options = types.CodeActionOptions(code_action_kinds=sorted(set(listing.LSP_KINDS.values())), resolve_provider=True)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)
    def on_code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        """List the NETZ actions for the range; no model is called until one is resolved."""
        document = runtime.documents.get(params.text_document.uri)
        if document is None or not runtime.allows(document.uri):
            return None
        encoding = runtime.position_encoding
        start_char = document.offset_at(params.range.start.line, params.range.start.character, encoding)
        end_char = document.offset_at(params.range.end.line, params.range.end.character, encoding)
        actions = []
        for offer in listing.list_offers(document, start_char, end_char):
            kind = listing.LSP_KINDS[offer.action]
            if not listing.kind_allowed(kind, params.context.only):
                continue
            data = {
                "uri": document.uri,
                "version": document.version,
                "range": _lsp_range(document, offer.target.start_char, offer.target.end_char, encoding),
                "kind": offer.action,
            }
            if offer.action == listing.DEBUG:
                data["diagnostics"] = _diagnostic_notes(params.context.diagnostics, offer.target, document, encoding)
            if offer.question is not None:
                data.update(question=offer.question.question, line=offer.question.line, indentation=offer.question.indentation)
            title = message(listing.TITLE_KEYS[offer.action], runtime.locale)
            actions.append(types.CodeAction(title=title, kind=kind, data=data))
        return actions

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def on_resolve(action: types.CodeAction) -> types.CodeAction:
        """Generate the chosen action: an edit, an answer, or both."""
        data = action.data if isinstance(action.data, dict) else {}
        document = runtime.documents.get(data.get("uri", ""))
        locale = runtime.locale
        if document is None:
            server.show_error(message("document_not_open", locale, uri=data.get("uri", "?")))
            return action
        if data.get("version") != document.version:
            server.show_info(message("document_changed", locale, listed=data.get("version"), current=document.version))
            return action
        if not runtime.allows(document.uri):
            server.show_error(message("document_private", locale, uri=document.uri))
            return action

        kind = data.get("kind", "")
        encoding = runtime.position_encoding
        lsp_range = data.get("range") or {}
        start = lsp_range.get("start", {})
        end = lsp_range.get("end", {})
        start_char = document.offset_at(start.get("line", 0), start.get("character", 0), encoding)
        end_char = document.offset_at(end.get("line", 0), end.get("character", 0), encoding)
        request_id = server.next_request_id("a")
        stream = None
        if kind in STREAMED_KINDS:
            stream = AnswerStream(server, request_id, STREAMED_KINDS[kind], action.title, runner.route_for(kind, data).model)

        async with request_work(server, message(f"progress_{kind}", locale)) as progress:
            try:
                outcome = await runner.run(kind, document, start_char, end_char, data, request_id, stream.delta if stream else None)
            except BackendError as error:
                server.reporter.failure(error, request_id, runtime.settings.request_timeout_s)
                server.mark_backend(error.kind != "backend_unreachable")
                return action
            except asyncio.CancelledError:
                logger.info("[%s] %s cancelled", request_id, kind)
                raise
            finally:
                if stream is not None:
                    stream.finish()
        server.reporter.success()
        server.mark_backend(True)
        server.note_route(outcome.route)

        if outcome.markdown:
            show_markdown(server, request_id, action.title, outcome.markdown)
        if outcome.problem:
            server.show_error(outcome.problem)
        if outcome.edit is not None:
            if data.get("version") != document.version:
                server.show_info(message("document_changed", locale, listed=data.get("version"), current=document.version))
                return action
            edit_start, edit_end, new_text = outcome.edit
            text_edit = types.TextEdit(range=_lsp_range_object(document, edit_start, edit_end, encoding), new_text=new_text)
            action.edit = _workspace_edit(server, document, text_edit)
        return action


def _lsp_range(document, start_char: int, end_char: int, encoding) -> dict:
    start_line, start_column = document.position_at(start_char, encoding)
    end_line, end_column = document.position_at(end_char, encoding)
    return {"start": {"line": start_line, "character": start_column}, "end": {"line": end_line, "character": end_column}}


def _lsp_range_object(document, start_char: int, end_char: int, encoding) -> types.Range:
    start_line, start_column = document.position_at(start_char, encoding)
    end_line, end_column = document.position_at(end_char, encoding)
    return types.Range(start=types.Position(line=start_line, character=start_column), end=types.Position(line=end_line, character=end_column))


def _diagnostic_notes(diagnostics, target, document, encoding) -> list[dict]:
    """Keep the diagnostics that touch the target, in the shape the Debug prompt shows."""
    first_line = document.line_of(target.start_char)
    last_line = document.line_of(target.end_char)
    notes = []
    for diagnostic in diagnostics or []:
        if diagnostic.range.end.line < first_line or diagnostic.range.start.line > last_line:
            continue
        notes.append(
            {
                "message": diagnostic.message,
                "line": diagnostic.range.start.line + 1,
                "source": diagnostic.source or "",
                "code": "" if diagnostic.code is None else str(diagnostic.code),
            }
        )
    return notes


def _workspace_edit(server, document, text_edit: types.TextEdit) -> types.WorkspaceEdit:
    capabilities = server.protocol.client_capabilities
    workspace = capabilities.workspace if capabilities is not None else None
    edit_capabilities = workspace.workspace_edit if workspace is not None else None
    if edit_capabilities is not None and edit_capabilities.document_changes:
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=document.uri, version=document.version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=identifier, edits=[text_edit])])
    return types.WorkspaceEdit(changes={document.uri: [text_edit]})
