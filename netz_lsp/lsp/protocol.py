"""pygls protocol whose document sync leaves the text to NETZ's own document store.

pygls keeps its own copy of every document; NETZ keeps one too (with byte offsets for the
syntax trees), so the built-in copy is skipped to hold each text once.
"""

from __future__ import annotations

import logging

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol, lsp_method

logger = logging.getLogger(__name__)


class NetzProtocol(LanguageServerProtocol):
    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

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
