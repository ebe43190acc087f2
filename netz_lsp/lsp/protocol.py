"""pygls protocol whose document sync leaves the text to NETZ's own document store.

pygls keeps its own copy of every document; NETZ keeps one too (with byte offsets for the
syntax trees), so the built-in copy is skipped to hold each text once.

It also responds to requests whose params fail validation (a negative line, a string where a
number belongs). pygls 2.1 logs and drops such a request, so the client would wait forever.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from functools import partial
from typing import Any

from cattrs import transform_error
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import JsonRPCNotification, LanguageServerProtocol, lsp_method

logger = logging.getLogger(__name__)

# A notification no handler listens to; `$/` methods are ignored without a warning.
_REJECTED = "$/netz/rejectedRequest"

class NetzProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]):
        """Deserialize a message, and respond to an invalid request with a JSON-RPC error."""
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if not (isinstance(data, dict) and "id" in data and "method" in data):
                logger.warning("dropped an invalid %s notification: %s", data.get("method"), _reasons(error))
                raise
            reason = _reasons(error)
            logger.warning("rejected request %s (%s): %s", data["id"], data["method"], reason)
            self._send_response(
                data["id"],
                error=types.ResponseError(code=error.code, message=f"invalid params for {data['method']}: {reason}"),
            )
            return JsonRPCNotification(method=_REJECTED, params=None, jsonrpc="2.0")

    def handle_message(self, message):
        """Dispatch a message, taking notifications the short way.

        pygls distinguishes requests from notifications with `isinstance` against runtime-checkable
        protocols, about 50 µs per message on Python 3.11, which was a fifth of the time a
        `didChange` flood cost. A notification has a `method` and no `id`.
        """
        is_notification = hasattr(message, "method") and not hasattr(message, "id")
        if is_notification and getattr(message, "jsonrpc", None) == "2.0" and not self._shutdown:
            contextvars.copy_context().run(self._handle_notification, message.method, message.params)
            return
        super().handle_message(message)

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):
        """Run a handler, and forget a notification's future once it is done.

        pygls 2.1 files the future of every notification (and of every step a built-in
        handler yields to) under a fresh id and never removes it, which keeps each
        `didChange` and its text alive: about 2 KB per keystroke. Futures of requests are
        removed by pygls when it sends the response.
        """
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        answers_a_request = isinstance(callback, partial) and callback.func == self._send_handler_result
        if answers_a_request:
            return
        future = self._request_futures.get(msg_id)
        if future is None:
            return
        if future.done():
            self._request_futures.pop(msg_id, None)
        else:
            future.add_done_callback(lambda _future, key=msg_id: self._request_futures.pop(key, None))

    # Plain functions, not generators like pygls' own: a generator handler costs a second
    # dispatch (a fresh id, a future and a callback) per keystroke.
    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        self._run_document_handler(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        self._run_document_handler(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        self._run_document_handler(types.TEXT_DOCUMENT_DID_CLOSE, params)

    def _run_document_handler(self, method: str, params) -> None:
        handler = self.fm.features.get(method)
        if handler is None:
            return
        result = handler(params)
        if asyncio.iscoroutine(result):
            self._server.spawn(result)

    # Tasks of requests that `$/cancelRequest` must reach. pygls cancels the future of a
    # request it runs directly, but `workspace/executeCommand` runs the command as a second,
    # inner task that a cancel does not reach, so long commands register their task here.
    @property
    def cancellable_tasks(self) -> dict:
        if not hasattr(self, "_cancellable_tasks"):
            self._cancellable_tasks = {}
        return self._cancellable_tasks

    def _handle_cancel_notification(self, msg_id):
        task = self.cancellable_tasks.pop(msg_id, None)
        if task is not None:
            logger.info("cancelling request %s", msg_id)
            task.cancel()
        super()._handle_cancel_notification(msg_id)



def _reasons(error: JsonRpcException) -> str:
    cause = error.__cause__
    if cause is None:
        return str(error)
    try:
        return "; ".join(transform_error(cause))
    except Exception:  # noqa: BLE001 - describing the error must not raise a second one
        return str(cause)
