"""Open documents by URI, with listeners that follow every open, change and close."""

from __future__ import annotations

import logging
from typing import Iterable, Protocol

from netz_lsp.document.positions import PositionEncoding
from netz_lsp.document.text_document import TextDocument, TextEdit

logger = logging.getLogger(__name__)


class DocumentListener(Protocol):
    def on_open(self, document: TextDocument) -> None: ...

    def on_change(self, document: TextDocument, edits: list[TextEdit]) -> None: ...

    def on_close(self, uri: str) -> None: ...


class DocumentStore:
    def __init__(self) -> None:
        self._documents: dict[str, TextDocument] = {}
        self.listeners: list[DocumentListener] = []

    def get(self, uri: str) -> TextDocument | None:
        return self._documents.get(uri)

    def __iter__(self):
        return iter(list(self._documents.values()))

    def __len__(self) -> int:
        return len(self._documents)

    def open(self, uri: str, text: str, language_id: str, version: int) -> TextDocument:
        document = TextDocument(uri, text, language_id, version)
        self._documents[uri] = document
        self._notify("on_open", document)
        return document

    def change(
        self,
        uri: str,
        version: int,
        changes: Iterable[tuple[tuple[int, int] | None, tuple[int, int] | None, str]],
        encoding: PositionEncoding,
    ) -> TextDocument | None:
        """Apply `(start, end, text)` changes in order; `None` start and end replace everything."""
        document = self._documents.get(uri)
        if document is None:
            logger.warning("didChange for a document that is not open: %s", uri)
            return None
        edits = [document.apply_change(start, end, text, encoding) for start, end, text in changes]
        document.version = version
        self._notify("on_change", document, edits)
        return document

    def close(self, uri: str) -> None:
        if self._documents.pop(uri, None) is not None:
            self._notify("on_close", uri)

    def _notify(self, event: str, *arguments) -> None:
        for listener in self.listeners:
            try:
                getattr(listener, event)(*arguments)
            except Exception:  # noqa: BLE001 - a broken listener must not lose the edit
                logger.exception("document listener %s.%s failed", type(listener).__name__, event)
