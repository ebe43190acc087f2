"""Syntax-aware context: the parts of the workspace that best help the model, packed into a budget.

Parts, in the order they claim the budget (each up to its share, see `BudgetShares`):

1. the cursor line, always;
2. headers of the enclosing classes and functions;
3. whole statements before the cursor, nearest first;
4. whole statements after the cursor;
5. the imports of the current file;
6. definitions of the names used near the cursor: from this file, other open documents and
   the workspace index;
7. recently edited regions of other open documents;
8. whatever budget is left extends the text before, then after the cursor.

Lines of the current file go into the prefix or suffix in document order, with the lines in
between left out, so no line appears twice. Text from other files becomes `Snippet`s. The
character total, plus the most any FIM template adds (`TEMPLATE_RESERVE_CHARS` and the
per-snippet overhead), stays within `TokenEstimator.max_chars(token_budget)`, so the rendered
prompt never exceeds the budget by the estimator's count.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from netz_lsp.context.definitions import summarize_definition, summary_line_starts
from netz_lsp.context.file_filter import FileFilter, uri_to_path
from netz_lsp.context.types import CompletionContext, ContextRequest, Snippet
from netz_lsp.context.window import LineWindowBuilder
from netz_lsp.context.workspace_index import WorkspaceIndex
from netz_lsp.document.text_document import TextDocument
from netz_lsp.syntax.document_syntax import DocumentSyntax, SyntaxIndex
from netz_lsp.syntax.regions import enclosing_headers, names_near, statement_rows

# Characters of the largest template's own text: Qwen's `<|repo_name|>` line with a repo name
# of up to 40 characters, plus `<|file_sep|>` and the three FIM tokens. The file path is
# counted separately.
TEMPLATE_RESERVE_CHARS = 120
# Per snippet: a `<|file_sep|>` or `// Path: ` line, and a comment marker on every line.
SNIPPET_HEADER_CHARS = 16
SNIPPET_CHARS_PER_LINE = 3

# Names are collected from this many lines before and after the cursor.
NAME_LINES_BEFORE = 40
NAME_LINES_AFTER = 10
MAX_NAMES = 24
MAX_DEFINITIONS_PER_NAME = 2
# How many lines a window edge may move to reach a statement boundary.
SNAP_SEARCH_LINES = 30
# Lines of context around a recently edited region of another file.
RECENT_EDIT_CONTEXT_LINES = 2
# Names too common to be worth a definition lookup.
_SKIPPED_NAMES = frozenset({"self", "cls", "this", "super", "None", "True", "False", "null", "nil", "undefined"})


@dataclass(frozen=True)
class BudgetShares:
    """Maximum share of the characters left after the cursor line that each part may take."""

    headers: float = 0.10
    near_prefix: float = 0.40
    near_suffix: float = 0.15
    imports: float = 0.10
    definitions: float = 0.20
    recent_edits: float = 0.08


def snippet_cost(snippet: Snippet) -> int:
    """Return the characters `snippet` adds to a prompt in the largest of the renderings."""
    lines = snippet.text.count("\n") + 1
    return len(snippet.text) + len(snippet.path) + SNIPPET_HEADER_CHARS + SNIPPET_CHARS_PER_LINE * lines


class SyntaxContextBuilder:
    """The `ContextBuilder` used for supported languages; other documents get line windows."""

    def __init__(
        self,
        syntax_index: SyntaxIndex | None = None,
        workspace_index: WorkspaceIndex | None = None,
        file_filter: FileFilter | None = None,
        shares: BudgetShares = BudgetShares(),
    ):
        self.syntax_index = syntax_index
        self.workspace_index = workspace_index
        if file_filter is None:
            file_filter = workspace_index.file_filter if workspace_index is not None else FileFilter(None)
        self.file_filter = file_filter
        self.shares = shares
        self._windows = LineWindowBuilder()

    def build(self, request: ContextRequest) -> CompletionContext:
        document = request.document
        # The absolute path from the URI decides privacy and which index entries are this file;
        # `request.file_path` is only the name the prompt shows.
        path = uri_to_path(document.uri) if document.uri.startswith("file:") else request.file_path
        if not self.file_filter.allows(path):
            # Private and excluded files never reach a prompt, not even their own text.
            return CompletionContext(prefix="", suffix="", file_path=request.file_path, language=document.language_id)

        reserve_chars = TEMPLATE_RESERVE_CHARS + len(request.file_path)
        max_chars = request.estimator.max_chars(request.token_budget) - reserve_chars
        syntax = self.syntax_index.get(document.uri) if self.syntax_index is not None else None
        if syntax is None or not syntax.is_current(document):
            return self._window_context(request, reserve_chars)
        with syntax.lock:
            packed = _Packing(self, request, syntax, path, max_chars).run()
        return packed if packed is not None else self._window_context(request, reserve_chars)

    def _window_context(self, request: ContextRequest, reserve_chars: int) -> CompletionContext:
        reserve_tokens = request.estimator.count("x" * reserve_chars)
        return self._windows.build(replace(request, token_budget=max(0, request.token_budget - reserve_tokens)))


class _Packing:
    """One build: the rows of the current file and the snippets chosen so far."""

    def __init__(self, builder: SyntaxContextBuilder, request: ContextRequest, syntax: DocumentSyntax, path: str, max_chars: int):
        self.builder = builder
        self.request = request
        self.syntax = syntax
        self.document: TextDocument = request.document
        self.path = path
        self.max_chars = max_chars
        self.used_chars = 0
        self.rows: set[int] = set()
        self.snippets: list[Snippet] = []
        self._snippet_keys: set[tuple[str, str]] = set()
        self._open_documents: tuple[list[tuple[DocumentSyntax, str]], set[str]] | None = None

        text = self.document.text
        self.cursor_char = max(0, min(request.cursor_char, len(text)))
        self.cursor_row = self.document.line_of(self.cursor_char)
        self.cursor_byte = self.document.byte_offset_at(self.cursor_char)
        self.last_row = self.document.line_count - 1
        # Row helpers run about a thousand times per build, so they index this list directly.
        self._line_starts = self.document.line_starts
        self._text_length = len(text)

    # Row helpers -------------------------------------------------------------------------

    def row_start(self, row: int) -> int:
        return self._line_starts[row]

    def row_end(self, row: int) -> int:
        """Return the string index just past the line break of `row`."""
        if row < self.last_row:
            return self._line_starts[row + 1]
        return self._text_length

    def row_cost(self, row: int) -> int:
        if row in self.rows:
            return 0
        if row < self.last_row:
            return self._line_starts[row + 1] - self._line_starts[row]
        return self._text_length - self._line_starts[row]

    def row_byte(self, row: int) -> int:
        return self.document.byte_offset_at(self.document.line_start(row))

    @property
    def free_chars(self) -> int:
        return self.max_chars - self.used_chars

    def add_rows(self, rows: list[int], cap_chars: int) -> bool:
        """Add all of `rows` if their cost fits in `cap_chars` and the budget; return whether added."""
        cost = sum(self.row_cost(row) for row in set(rows))
        if cost > min(cap_chars, self.free_chars):
            return False
        for row in rows:
            if row != self.cursor_row:
                self.rows.add(row)
        self.used_chars += cost
        return True

    # The build ---------------------------------------------------------------------------

    def run(self) -> CompletionContext | None:
        cursor_line_chars = self.row_end(self.cursor_row) - self.row_start(self.cursor_row)
        if cursor_line_chars > self.max_chars:
            return None
        self.used_chars = cursor_line_chars
        total = max(0, self.free_chars)
        shares = self.builder.shares

        self.add_headers(int(total * shares.headers))
        self.extend_prefix(int(total * shares.near_prefix))
        self.extend_suffix(int(total * shares.near_suffix))
        self.add_imports(int(total * shares.imports))
        self.add_definitions(int(total * shares.definitions))
        self.add_recent_edits(int(total * shares.recent_edits))
        self.extend_prefix(self.free_chars)
        self.extend_suffix(self.free_chars)
        return self.render()

    def add_headers(self, cap_chars: int) -> None:
        spent = 0
        for header in enclosing_headers(self.syntax, self.cursor_byte):
            rows = [row for row in range(header.first_row, header.last_row + 1) if row < self.cursor_row]
            cost = sum(self.row_cost(row) for row in rows)
            if self.add_rows(rows, cap_chars - spent):
                spent += cost

    def extend_prefix(self, cap_chars: int) -> None:
        """Add the nearest unselected lines above the cursor, starting at a statement start."""
        spent = 0
        top = self.cursor_row
        row = self.cursor_row - 1
        while row >= 0:
            cost = self.row_cost(row)
            if spent + cost > min(cap_chars, self.free_chars):
                break
            spent += cost
            top = row
            row -= 1
        if top >= self.cursor_row:
            return
        if top > 0:
            top = self._snap_to_statement_start(top)
        self.add_rows(list(range(top, self.cursor_row)), self.free_chars)

    def _snap_to_statement_start(self, top: int) -> int:
        """Move `top` down to the first row at or below it where a statement starts."""
        last_candidate = min(self.cursor_row, top + SNAP_SEARCH_LINES)
        boundaries = statement_rows(self.syntax, self.row_byte(top), self.row_byte(last_candidate))
        for row in range(top, last_candidate):
            if row in self.rows:
                continue
            if row in boundaries.start_rows:
                return row
        # No statement starts there (a long string or a syntax error): keep whole lines.
        return top

    def extend_suffix(self, cap_chars: int) -> None:
        """Add the nearest unselected lines below the cursor, ending at a statement end."""
        spent = 0
        bottom = self.cursor_row
        row = self.cursor_row + 1
        while row <= self.last_row:
            cost = self.row_cost(row)
            if spent + cost > min(cap_chars, self.free_chars):
                break
            spent += cost
            bottom = row
            row += 1
        if bottom <= self.cursor_row:
            return
        if bottom < self.last_row:
            bottom = self._snap_to_statement_end(bottom)
        self.add_rows(list(range(self.cursor_row + 1, bottom + 1)), self.free_chars)

    def _snap_to_statement_end(self, bottom: int) -> int:
        """Move `bottom` up to the last row at or above it where a statement ends."""
        first_candidate = max(self.cursor_row + 1, bottom - SNAP_SEARCH_LINES)
        boundaries = statement_rows(self.syntax, self.row_byte(first_candidate), self.row_byte(bottom + 1))
        for row in range(bottom, first_candidate - 1, -1):
            if row in boundaries.end_rows or row in self.rows:
                return row
        return bottom

    def add_imports(self, cap_chars: int) -> None:
        spent = 0
        for entry in self.syntax.outline.imports:
            first_row = self.document.line_of_byte(entry.start_byte)
            last_row = self.document.line_of_byte(max(entry.start_byte, entry.end_byte - 1))
            rows = list(range(first_row, last_row + 1))
            cost = sum(self.row_cost(row) for row in rows)
            if cost == 0:
                continue
            if not self.add_rows(rows, cap_chars - spent):
                break
            spent += cost

    def add_definitions(self, cap_chars: int) -> None:
        low_row = max(0, self.cursor_row - NAME_LINES_BEFORE)
        high_row = min(self.last_row, self.cursor_row + NAME_LINES_AFTER)
        high_byte = self.row_byte(high_row + 1) if high_row + 1 <= self.last_row else self.syntax.tree.byte_length
        names = [
            name for name in names_near(self.syntax, self.cursor_byte, self.row_byte(low_row), high_byte)
            if name not in _SKIPPED_NAMES and len(name) > 1
        ][:MAX_NAMES]

        spent = 0
        for name in names:
            added = 0
            for candidate in self._definition_candidates(name):
                if added >= MAX_DEFINITIONS_PER_NAME or spent >= cap_chars:
                    break
                cost = self._add_candidate(candidate, cap_chars - spent)
                if cost is not None:
                    spent += cost
                    added += 1

    def _other_open_documents(self):
        """Return the other open documents allowed in prompts, and the paths of all open ones.

        Computed once per build: bringing every open document up to date on each of the up
        to `MAX_NAMES` lookups repeated the same work.
        """
        if self._open_documents is None:
            allowed = []
            open_paths = {self.path}
            index = self.builder.syntax_index
            for other in index.open_syntaxes() if index is not None else ():
                other_path = uri_to_path(other.document.uri)
                open_paths.add(other_path)
                if other is not self.syntax and self.builder.file_filter.allows(other_path):
                    allowed.append((other, other_path))
            self._open_documents = (allowed, open_paths)
        return self._open_documents

    def _definition_candidates(self, name: str):
        """Yield definitions of `name`: rows of this file first, then snippets from other files."""
        for entry in self.syntax.outline.by_name().get(name, ()):
            if entry.start_byte <= self.cursor_byte < entry.end_byte:
                continue  # An enclosing definition: its header is already in.
            line_starts = summary_line_starts(self.syntax.source, entry, self.syntax.outline.entries)
            yield [self.document.line_of_byte(offset) for offset in line_starts]

        other_syntaxes, open_paths = self._other_open_documents()
        for other, other_path in other_syntaxes:
            with other.lock:
                entries = other.outline.by_name().get(name, ())
                source = other.source_bytes() if entries else b""
                for entry in entries:
                    text = summarize_definition(source, entry, other.outline.entries)
                    yield Snippet(self._display_path(other_path), text, "definition")

        workspace = self.builder.workspace_index
        if workspace is not None:
            for definition in workspace.definitions(name):
                if definition.source_path in open_paths or not self.builder.file_filter.allows(definition.source_path):
                    continue
                yield Snippet(definition.path, definition.text, "definition")

    def _add_candidate(self, candidate: list[int] | Snippet, cap_chars: int) -> int | None:
        if isinstance(candidate, Snippet):
            return self.add_snippet(candidate, cap_chars)
        cost = sum(self.row_cost(row) for row in set(candidate))
        if cost == 0 or not self.add_rows(candidate, cap_chars):
            return None
        return cost

    def add_snippet(self, snippet: Snippet, cap_chars: int) -> int | None:
        key = (snippet.path, snippet.text)
        if key in self._snippet_keys:
            return None
        if any(other.path == snippet.path and snippet.text in other.text for other in self.snippets):
            return None
        cost = snippet_cost(snippet)
        if cost > min(cap_chars, self.free_chars):
            return None
        self.snippets.append(snippet)
        self._snippet_keys.add(key)
        self.used_chars += cost
        return cost

    def add_recent_edits(self, cap_chars: int) -> None:
        index = self.builder.syntax_index
        if index is None:
            return
        spent = 0
        for region in index.recent_edits.newest_first(exclude_uri=self.document.uri):
            other = index.documents.get(region.uri)
            other_path = uri_to_path(region.uri)
            if other is None or not self.builder.file_filter.allows(other_path):
                continue
            first_row = max(0, region.first_line - RECENT_EDIT_CONTEXT_LINES)
            last_row = min(other.line_count - 1, region.last_line + RECENT_EDIT_CONTEXT_LINES)
            if first_row > last_row:
                continue
            end_char = other.line_start(last_row + 1) if last_row + 1 < other.line_count else len(other.text)
            text = other.text[other.line_start(first_row) : end_char]
            if not text.strip():
                continue
            cost = self.add_snippet(Snippet(self._display_path(other_path), text, "recent-edit"), cap_chars - spent)
            if cost is not None:
                spent += cost

    def _display_path(self, path: str) -> str:
        workspace = self.builder.workspace_index
        root = workspace.root if workspace is not None else self.builder.file_filter.root
        if root is not None:
            root_text = str(root).rstrip("/") + "/"
            if path.startswith(root_text):
                return path[len(root_text):]
        return path

    def render(self) -> CompletionContext:
        text = self.document.text
        before = sorted(row for row in self.rows if row < self.cursor_row)
        after = sorted(row for row in self.rows if row > self.cursor_row)
        prefix_parts = [text[self.row_start(row) : self.row_end(row)] for row in before]
        prefix_parts.append(text[self.row_start(self.cursor_row) : self.cursor_char])
        suffix_parts = [text[self.cursor_char : self.row_end(self.cursor_row)]]
        suffix_parts.extend(text[self.row_start(row) : self.row_end(row)] for row in after)
        prefix_start_char = self.row_start(before[0]) if before else self.row_start(self.cursor_row)
        # Most relevant last, next to the current file in the rendered prompt.
        snippets = list(reversed(self.snippets))
        return CompletionContext(
            prefix="".join(prefix_parts),
            suffix="".join(suffix_parts),
            snippets=snippets,
            file_path=self.request.file_path,
            language=self.document.language_id or self.syntax.language,
            prefix_start_char=prefix_start_char,
        )
