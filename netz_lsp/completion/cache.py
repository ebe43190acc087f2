"""Completion reuse, so that the same prompt never reaches the model twice.

Two stores work together:

- `PromptCache`, an LRU of finished completions keyed on everything the model output depends
  on (model, rendered prompt, generation options). Deleting back to an earlier state renders
  the same prompt again, so its completion comes from here.
- `ShownSuggestions`, the suggestions last shown in each document. When the user types
  characters that match the start of a shown suggestion, the rest of it is the new
  suggestion, without rendering a prompt or calling the model.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass

from netz_lsp.backend.base import GenerationRequest
from netz_lsp.document.text_document import TextDocument

DEFAULT_PROMPT_ENTRIES = 512
DEFAULT_SHOWN_PER_DOCUMENT = 4
DEFAULT_SHOWN_DOCUMENTS = 64


def prompt_key(request: GenerationRequest) -> str:
    """Return a SHA-256 over the model, the prompt and every option that shapes the output.

    `keep_alive` and `request_id` are left out because they do not change what the model
    writes.
    """
    identity = {
        "model": request.model,
        "prompt": request.prompt,
        "num_ctx": request.num_ctx,
        "num_predict": request.num_predict,
        "stop": list(request.stop),
        "temperature": request.temperature,
    }
    encoded = json.dumps(identity, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
    return hashlib.sha256(encoded).hexdigest()


class PromptCache:
    """LRU map from `prompt_key` to the post-processed completion ("" means nothing to show)."""

    def __init__(self, max_entries: int = DEFAULT_PROMPT_ENTRIES):
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, str] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> str | None:
        text = self._entries.get(key)
        if text is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return text

    def put(self, key: str, text: str) -> None:
        self._entries[key] = text
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


@dataclass(frozen=True)
class ShownSuggestion:
    """A suggestion shown at `cursor_char`, with the text the model saw on both sides.

    `before` and `after` are the document text right before and after the cursor, as long as
    the prompt's prefix and suffix, so checking them costs no more than the prompt did.
    """

    model: str
    cursor_char: int
    before: str
    after: str
    text: str


class ShownSuggestions:
    """The last few suggestions shown per document, to continue them while the user types."""

    def __init__(self, per_document: int = DEFAULT_SHOWN_PER_DOCUMENT, max_documents: int = DEFAULT_SHOWN_DOCUMENTS):
        self.per_document = per_document
        self.max_documents = max_documents
        self._by_uri: OrderedDict[str, list[ShownSuggestion]] = OrderedDict()
        self.hits = 0

    def remember(self, document: TextDocument, cursor_char: int, model: str, prefix_chars: int, suffix_chars: int, text: str) -> None:
        """Store `text` as shown at `cursor_char`, with `prefix_chars`/`suffix_chars` of context."""
        if not text:
            return
        source = document.text
        shown = ShownSuggestion(
            model=model,
            cursor_char=cursor_char,
            before=source[max(0, cursor_char - prefix_chars) : cursor_char],
            after=source[cursor_char : cursor_char + suffix_chars],
            text=text,
        )
        entries = self._by_uri.setdefault(document.uri, [])
        entries[:] = [entry for entry in entries if entry != shown]
        entries.append(shown)
        del entries[: -self.per_document]
        self._by_uri.move_to_end(document.uri)
        while len(self._by_uri) > self.max_documents:
            self._by_uri.popitem(last=False)

    def continuation(self, document: TextDocument, cursor_char: int, model: str) -> str | None:
        """Return the rest of a shown suggestion that the text before the cursor has begun.

        The check is exact within the stored context: the text the model saw before the
        old cursor and after it must be unchanged, and what lies between the old and the new
        cursor must equal the start of the suggestion. Returns None when no suggestion fits
        or when the user has typed all of it.
        """
        source = document.text
        for shown in reversed(self._by_uri.get(document.uri, ())):
            if shown.model != model:
                continue
            typed_chars = cursor_char - shown.cursor_char
            if typed_chars < 0 or typed_chars >= len(shown.text):
                continue
            old_cursor = shown.cursor_char
            if source[old_cursor - len(shown.before) : old_cursor] != shown.before:
                continue
            if source[old_cursor : cursor_char] != shown.text[:typed_chars]:
                continue
            if source[cursor_char : cursor_char + len(shown.after)] != shown.after:
                continue
            self.hits += 1
            return shown.text[typed_chars:]
        return None

    def forget(self, uri: str) -> None:
        self._by_uri.pop(uri, None)

    def clear(self) -> None:
        self._by_uri.clear()
