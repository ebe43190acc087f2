"""Syntax trees of the open documents, kept in step with their text.

The LSP layer calls `SyntaxIndex.on_open`, `on_change` and `on_close` from its didOpen,
didChange and didClose handlers. A change only edits the tree's byte offsets; the re-parse
waits until a request reads the syntax (`SyntaxIndex.get`), so a burst of keystrokes costs one
incremental parse instead of one per keystroke.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict

from netz_lsp.context.recent_edits import RecentEdits
from netz_lsp.document.text_document import TextDocument, TextEdit
from netz_lsp.syntax.adapter import SyntaxTree, language_for
from netz_lsp.syntax.outline import Outline
from netz_lsp.syntax.queries import LanguageQueries, queries_for

logger = logging.getLogger(__name__)

# Documents above these sizes are not parsed and get line windows: parsing minified or
# generated files costs more than their syntax is worth for a completion prompt.
MAX_PARSE_BYTES = 2_000_000
MAX_LINE_BYTES = 100_000
# Documents that keep a syntax tree; see `SyntaxIndex`.
MAX_TREES = 32
_LONG_LINE = re.compile(r"[^\r\n]{%d}" % (MAX_LINE_BYTES // 4))


def too_large_to_parse(text: str) -> bool:
    """Tell whether `text` is over `MAX_PARSE_BYTES` or has a line over `MAX_LINE_BYTES`."""
    if len(text) > MAX_PARSE_BYTES:
        return True
    if not text.isascii() and len(text.encode("utf-8", "surrogatepass")) > MAX_PARSE_BYTES:
        return True
    # A line of N characters has at most 4N bytes, so only lines of N/4 characters need counting.
    for match in _LONG_LINE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.start())
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if len(line.encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES:
            return True
    return False


def merge_byte_edits(
    pending: tuple[int, int, int] | None, start_byte: int, old_end_byte: int, new_end_byte: int
) -> tuple[int, int, int]:
    """Merge a new edit into the pending range, keeping it one `(start, old_end, new_end)` edit.

    `start` is the same in the parsed and the current text because nothing before it changed.
    `old_end` is in the parsed text and `new_end` in the current one, so the merged range is a
    single edit that turns the parsed text into the current text.
    """
    if pending is None:
        return start_byte, old_end_byte, new_end_byte
    merged_start, merged_old_end, merged_new_end = pending
    if old_end_byte > merged_new_end:
        # The edit reaches past the merged range: extend it, mapping the edit's end back
        # into the parsed text by the constant offset that applies after the range.
        merged_old_end += old_end_byte - merged_new_end
        merged_new_end = new_end_byte
    else:
        merged_new_end = max(merged_new_end + new_end_byte - old_end_byte, new_end_byte)
    return min(merged_start, start_byte), merged_old_end, merged_new_end


class DocumentSyntax:
    """The syntax tree and outline of one document in a supported language."""

    def __init__(self, document: TextDocument, language: str, queries: LanguageQueries):
        self.document = document
        self.language = language
        self.queries = queries
        self.source = document.text.encode("utf-8", "surrogatepass")
        self.tree = SyntaxTree(language, self.source)
        self.outline = Outline.extract(self.tree, queries, self.source)
        self.version = document.version
        # The text object this tree was parsed from; the builder checks it to detect staleness.
        self.text = document.text
        self.lock = threading.RLock()
        # Edits applied to the tree but not yet parsed, merged into one byte range:
        # (start, old_end in the parsed text, new_end in the current text).
        self._pending_edit: tuple[int, int, int] | None = None

    def apply(self, edit: TextEdit) -> None:
        """Move the tree's offsets by `edit`, already applied to the text; `refresh` parses."""
        with self.lock:
            self.tree.edit(
                edit.start_byte, edit.old_end_byte, edit.new_end_byte,
                edit.start_point, edit.old_end_point, edit.new_end_point,
            )
            self._pending_edit = merge_byte_edits(self._pending_edit, edit.start_byte, edit.old_end_byte, edit.new_end_byte)

    def refresh(self) -> None:
        """Re-parse and update the outline if edits arrived since the last parse."""
        with self.lock:
            if self._pending_edit is None or self.tree is None:
                return
            start_byte, old_end_byte, new_end_byte = self._pending_edit
            self.source = self.document.text.encode("utf-8", "surrogatepass")
            changed_ranges = self.tree.reparse(self.source)
            self.outline.update(
                self.tree, self.queries, self.source,
                start_byte, old_end_byte, new_end_byte, changed_ranges,
            )
            self._pending_edit = None
            self.version = self.document.version
            self.text = self.document.text

    @property
    def has_tree(self) -> bool:
        return self.tree is not None

    def release_tree(self) -> None:
        """Free the tree and the encoded source; the outline stays for lookups from other files."""
        with self.lock:
            # Parse pending edits first, or the outline kept would describe an older text.
            self.refresh()
            self.tree = None
            self.source = None

    def source_bytes(self) -> bytes:
        """Return the UTF-8 source the outline's offsets refer to, encoding it again if released."""
        source = self.source
        if source is None:
            source = self.document.text.encode("utf-8", "surrogatepass")
        return source

    def is_current(self, document: TextDocument) -> bool:
        """Tell whether the tree was parsed from the current text of `document`."""
        return self.document is document and self.text is document.text


class SyntaxIndex:
    """Syntax state for every open document, keyed by URI.

    Contract for the LSP layer:
    - `on_open(document)` after didOpen has created the `TextDocument`.
    - `on_change(document, edits)` after the `TextEdit`s that `TextDocument.apply_change`
      returned, in the order the changes were applied (a single `TextEdit` works too).
    This matches `DocumentListener` in `netz_lsp.document.store`, so the index can be added
    to `DocumentStore.listeners` directly.
    - `on_close(uri)` on didClose.

    Only the `max_trees` most recently opened, changed or requested documents keep their
    syntax tree (a 2,000-line file's tree takes about 1.5 MB). The others keep their outline,
    so their definitions still reach prompts, and are parsed again when `get` requests them.

    Documents in unsupported languages, or too large to parse, are tracked without a tree:
    `get` returns None for them and the context builder uses line windows. No method raises
    for bad input; a failed parse is logged and the document falls back to line windows.
    """

    def __init__(self, recent_edits: RecentEdits | None = None, max_trees: int = MAX_TREES):
        self.recent_edits = recent_edits if recent_edits is not None else RecentEdits()
        self.max_trees = max_trees
        self._recently_used: OrderedDict[str, None] = OrderedDict()
        self.documents: dict[str, TextDocument] = {}
        self._syntax: dict[str, DocumentSyntax] = {}
        self._lock = threading.Lock()

    def on_open(self, document: TextDocument) -> None:
        with self._lock:
            self.documents[document.uri] = document
        self._build(document)

    def on_change(self, document: TextDocument, edits: TextEdit | list[TextEdit]) -> None:
        if isinstance(edits, TextEdit):
            edits = [edits]
        with self._lock:
            self.documents[document.uri] = document
        for edit in edits:
            self._record_edit(document, edit)
        syntax = self._syntax.get(document.uri)
        if syntax is None or not syntax.has_tree or syntax.document is not document or any(self._edit_makes_too_large(document, edit) for edit in edits):
            self._build(document)
            return
        try:
            # Each edit's offsets refer to the text right after the edits before it, which
            # is the order `Tree.edit` expects them in.
            for edit in edits:
                syntax.apply(edit)
        except (ValueError, RuntimeError) as error:
            logger.warning("Incremental parse of %s failed: %s; parsing it again", document.uri, error)
            self._build(document)
            return
        self._touch(document.uri)

    def on_close(self, uri: str) -> None:
        with self._lock:
            self.documents.pop(uri, None)
            self._syntax.pop(uri, None)
            self._recently_used.pop(uri, None)
        self.recent_edits.forget(uri)

    def get(self, uri: str) -> DocumentSyntax | None:
        """Return the up-to-date syntax of an open document, parsing it again if needed."""
        syntax = self._syntax.get(uri)
        if syntax is not None and not syntax.has_tree:
            self._build(syntax.document)
            syntax = self._syntax.get(uri)
        elif syntax is not None:
            self._refresh(syntax)
            self._touch(uri)
        return syntax

    def open_syntaxes(self) -> list[DocumentSyntax]:
        """Return the syntax of every open document, each brought up to date."""
        with self._lock:
            syntaxes = list(self._syntax.values())
        for syntax in syntaxes:
            self._refresh(syntax)
        return syntaxes

    def _refresh(self, syntax: DocumentSyntax) -> None:
        try:
            syntax.refresh()
        except (ValueError, RuntimeError) as error:
            logger.warning("Incremental parse of %s failed: %s; parsing it again", syntax.document.uri, error)
            self._build(syntax.document)

    def _build(self, document: TextDocument) -> None:
        language = language_for(document.language_id, document.uri)
        syntax = None
        if language is not None and not too_large_to_parse(document.text):
            queries = queries_for(language)
            if queries is not None:
                try:
                    syntax = DocumentSyntax(document, language, queries)
                except (ValueError, RuntimeError) as error:
                    logger.warning("Parsing %s as %s failed: %s; using line windows", document.uri, language, error)
        with self._lock:
            if syntax is None:
                self._syntax.pop(document.uri, None)
            else:
                self._syntax[document.uri] = syntax
        if syntax is not None:
            self._touch(document.uri)

    def _touch(self, uri: str) -> None:
        """Mark `uri` as most recently used and release the trees of the least recently used."""
        released = []
        with self._lock:
            self._recently_used[uri] = None
            self._recently_used.move_to_end(uri)
            while len(self._recently_used) > self.max_trees:
                oldest, _ = self._recently_used.popitem(last=False)
                syntax = self._syntax.get(oldest)
                if syntax is not None:
                    released.append(syntax)
        for syntax in released:
            syntax.release_tree()

    def _edit_makes_too_large(self, document: TextDocument, edit: TextEdit) -> bool:
        """Check the size limits for the whole text and for the lines `edit` touched."""
        if len(document.text) * 4 > MAX_PARSE_BYTES and too_large_to_parse(document.text):
            return True
        for row in range(edit.start_point[0], edit.new_end_point[0] + 1):
            line = document.line_text(row)
            if len(line) * 4 > MAX_LINE_BYTES and len(line.encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES:
                return True
        return False

    def _record_edit(self, document: TextDocument, edit: TextEdit) -> None:
        first_line = edit.start_point[0]
        last_line = edit.new_end_point[0]
        line_delta = edit.new_end_point[0] - edit.old_end_point[0]
        self.recent_edits.record(document.uri, first_line, last_line, line_delta)
