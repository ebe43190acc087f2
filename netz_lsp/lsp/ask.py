"""`netz.ask`: stream an answer as `netz/answer` parts and return it whole."""

from __future__ import annotations

import logging
from typing import Any

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from netz_lsp.actions.ask import AskService
from netz_lsp.actions.runner import ActionRunner
from netz_lsp.backend.errors import BackendError
from netz_lsp.i18n import message
from netz_lsp.lsp.answers import AnswerStream
from netz_lsp.lsp.progress import request_work
from netz_lsp.lsp.reporter import user_message

logger = logging.getLogger(__name__)

# JSON-RPC `RequestFailed`: the request was valid but the backend failed.
REQUEST_FAILED = -32803
TITLE_CHARS = 80


class AskFailed(JsonRpcException):
    CODE = REQUEST_FAILED
    MESSAGE = "the backend failed to answer"


def register(server) -> None:
    runtime = server.runtime
    ask = AskService(ActionRunner(runtime, before_request=server.models.make_room_for))

    @server.command("netz.ask")
    async def on_ask(*arguments: Any) -> dict[str, Any]:
        """Answer `{question, uri?, range?, answerId?}`; see docs/protocol.md."""
        params = arguments[0] if arguments else None
        question = params.get("question") if isinstance(params, dict) else None
        if not isinstance(question, str) or not question.strip():
            raise JsonRpcInvalidParams(message("invalid_ask_arguments", runtime.locale, value=repr(params)[:200]))

        document, start_char, end_char = _selected_code(runtime, params)
        answer_id = params.get("answerId") or server.next_request_id("q")
        route, _language, _code = ask.plan(question, document, start_char, end_char)
        stream = AnswerStream(server, str(answer_id), "ask", question.strip()[:TITLE_CHARS], route.model)
        async with request_work(server, message("progress_ask", runtime.locale)):
            try:
                answer = await ask.answer(question, document, start_char, end_char, str(answer_id), stream.delta)
            except BackendError as error:
                server.reporter.failure(error, str(answer_id), runtime.settings.request_timeout_s)
                server.mark_backend(error.kind != "backend_unreachable")
                raise AskFailed(user_message(error, runtime.locale, runtime.settings.request_timeout_s)) from error
            finally:
                stream.finish()
        server.reporter.success()
        server.mark_backend(True)
        server.note_route(answer.route)
        return {"answer": answer.text, "model": answer.route.model, "reason": answer.route.reason}


def _selected_code(runtime, params: dict):
    """Return `(document, start_char, end_char)` of the question's code, or `(None, 0, 0)`."""
    uri = params.get("uri")
    lsp_range = params.get("range")
    if not isinstance(uri, str) or not isinstance(lsp_range, dict):
        return None, 0, 0
    document = runtime.documents.get(uri)
    if document is None:
        logger.info("netz.ask names a document that is not open: %s", uri)
        return None, 0, 0
    if not runtime.allows(uri):
        logger.info("netz.ask leaves out the code of a private document: %s", uri)
        return None, 0, 0
    try:
        start = lsp_range["start"]
        end = lsp_range["end"]
        encoding = runtime.position_encoding
        start_char = document.offset_at(int(start["line"]), int(start["character"]), encoding)
        end_char = document.offset_at(int(end["line"]), int(end["character"]), encoding)
    except (KeyError, TypeError, ValueError):
        raise JsonRpcInvalidParams(message("invalid_ask_arguments", runtime.locale, value=repr(lsp_range)[:200]))
    return document, start_char, end_char
