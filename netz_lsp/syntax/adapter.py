"""The only module that talks to py-tree-sitter and the grammar packages.

The py-tree-sitter API changed incompatibly at 0.22, 0.23, 0.25 and 0.26 (language loading,
`Query.captures` moving to `QueryCursor`, point types). Everything else in NETZ works with
the plain values this module returns (`Capture`, byte offsets, rows), so a future API change
is fixed here alone. Written against tree-sitter 0.26.1.

Grammars load lazily, once per language, on first use. A grammar package that is missing or
that fails to load makes its language unsupported: `language_for` then returns None and the
caller falls back to line windows.
"""

from __future__ import annotations

import importlib
import logging
import threading
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import tree_sitter

logger = logging.getLogger(__name__)

# Language name -> (grammar module, function that returns the language pointer).
_GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "java": ("tree_sitter_java", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
}

SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(_GRAMMARS)

# LSP `languageId` values (as VS Code and Neovim send them) -> language name.
_LANGUAGE_IDS: dict[str, str] = {
    "python": "python",
    "javascript": "javascript",
    "javascriptreact": "javascript",
    "typescript": "typescript",
    "typescriptreact": "tsx",
    "go": "go",
    "rust": "rust",
    "java": "java",
    "c": "c",
    "cpp": "cpp",
    "cuda-cpp": "cpp",
}

_EXTENSIONS: dict[str, str] = {
    ".py": "python", ".pyi": "python", ".pyw": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".c": "c", ".h": "c",
    ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".c++": "cpp",
    ".hh": "cpp", ".hpp": "cpp", ".hxx": "cpp", ".h++": "cpp", ".ipp": "cpp",
}


def language_for(language_id: str = "", path: str = "") -> str | None:
    """Map an LSP languageId, or else a file extension, to a supported language name.

    Return None for anything without a grammar. The languageId wins over the extension,
    because a client knows better than a file name (for example a `.h` file set to C++).
    """
    language = _LANGUAGE_IDS.get(language_id.lower()) if language_id else None
    if language is None and path:
        language = _EXTENSIONS.get(PurePath(path).suffix.lower())
    if language is None or load_language(language) is None:
        return None
    return language


_languages: dict[str, Any] = {}
_failed_languages: set[str] = set()
_load_lock = threading.Lock()


def load_language(language: str) -> Any | None:
    """Return the `tree_sitter.Language` of `language`, loading its grammar on first use."""
    cached = _languages.get(language)
    if cached is not None:
        return cached
    if language not in _GRAMMARS or language in _failed_languages:
        return None
    with _load_lock:
        if language in _languages:
            return _languages[language]
        module_name, function_name = _GRAMMARS[language]
        try:
            module = importlib.import_module(module_name)
            loaded = tree_sitter.Language(getattr(module, function_name)())
        except (ImportError, AttributeError, ValueError, TypeError) as error:
            logger.warning("Grammar %s for %s failed to load: %s; using line windows", module_name, language, error)
            _failed_languages.add(language)
            return None
        _languages[language] = loaded
        return loaded


@dataclass(frozen=True)
class Capture:
    """One captured node: its capture name, node type and place in the UTF-8 source."""

    name: str
    node_type: str
    start_byte: int
    end_byte: int
    start_row: int
    end_row: int


@dataclass(frozen=True)
class Match:
    """The captures of one query match, keyed by capture name (the first node of each)."""

    pattern_index: int
    captures: dict[str, Capture]


class QueryCompileError(ValueError):
    """A query file that does not compile against its grammar."""


class CompiledQuery:
    """A query compiled for one language."""

    def __init__(self, language: str, source: str, origin: str = "<string>"):
        grammar = load_language(language)
        if grammar is None:
            raise QueryCompileError(f"no grammar for language {language!r}")
        try:
            self._query = tree_sitter.Query(grammar, source)
        except (tree_sitter.QueryError, SyntaxError, ValueError) as error:
            raise QueryCompileError(f"query {origin} for {language} is invalid: {error}") from error
        self.language = language
        self.origin = origin

    @property
    def pattern_count(self) -> int:
        return self._query.pattern_count

    def matches(self, tree: "SyntaxTree", start_byte: int = 0, end_byte: int | None = None) -> list[Match]:
        """Run the query over the nodes that intersect `[start_byte, end_byte)`."""
        cursor = tree_sitter.QueryCursor(self._query)
        if start_byte > 0 or end_byte is not None:
            cursor.set_byte_range(max(0, start_byte), end_byte if end_byte is not None else tree.byte_length)
        low = max(0, start_byte)
        high = end_byte if end_byte is not None else tree.byte_length
        results = []
        for pattern_index, captured in cursor.matches(tree._tree.root_node):
            # The cursor also returns some matches near the range; keep only intersecting ones.
            if not any(node.start_byte <= high and node.end_byte >= low for nodes in captured.values() for node in nodes):
                continue
            by_name = {name: _capture(name, nodes[0]) for name, nodes in captured.items() if nodes}
            results.append(Match(pattern_index, by_name))
        return results

    def captures(self, tree: "SyntaxTree", start_byte: int = 0, end_byte: int | None = None) -> list[Capture]:
        """Return every capture in `[start_byte, end_byte)`, sorted by start byte."""
        cursor = tree_sitter.QueryCursor(self._query)
        if start_byte > 0 or end_byte is not None:
            cursor.set_byte_range(max(0, start_byte), end_byte if end_byte is not None else tree.byte_length)
        results = [
            _capture(name, node)
            for name, nodes in cursor.captures(tree._tree.root_node).items()
            for node in nodes
        ]
        results.sort(key=lambda capture: (capture.start_byte, -capture.end_byte))
        return results


def _capture(name: str, node: Any) -> Capture:
    return Capture(name, node.type, node.start_byte, node.end_byte, node.start_point[0], node.end_point[0])


class SyntaxTree:
    """A parser and the current tree of one text, re-parsed incrementally after edits."""

    def __init__(self, language: str, source: bytes):
        grammar = load_language(language)
        if grammar is None:
            raise ValueError(f"no grammar for language {language!r}")
        self.language = language
        self._parser = tree_sitter.Parser(grammar)
        self._tree = self._parser.parse(source)
        self.byte_length = len(source)

    def edit(
        self,
        start_byte: int,
        old_end_byte: int,
        new_end_byte: int,
        start_point: tuple[int, int],
        old_end_point: tuple[int, int],
        new_end_point: tuple[int, int],
    ) -> None:
        """Tell the tree about one edit; call `reparse` after the last one."""
        self._tree.edit(
            start_byte=start_byte,
            old_end_byte=old_end_byte,
            new_end_byte=new_end_byte,
            start_point=tree_sitter.Point(*start_point),
            old_end_point=tree_sitter.Point(*old_end_point),
            new_end_point=tree_sitter.Point(*new_end_point),
        )
        self.byte_length += new_end_byte - old_end_byte

    def reparse(self, source: bytes) -> list[tuple[int, int]]:
        """Parse `source` again, reusing the unchanged parts of the edited tree.

        Return the byte ranges, in the new source, whose syntactic structure changed.
        """
        old_tree = self._tree
        self._tree = self._parser.parse(source, old_tree)
        self.byte_length = len(source)
        return [(changed.start_byte, changed.end_byte) for changed in old_tree.changed_ranges(self._tree)]

    @property
    def has_error(self) -> bool:
        return self._tree.root_node.has_error

    def node_spans(self) -> list[tuple[str, int, int]]:
        """List `(type, start_byte, end_byte)` of every node in document order, for comparisons."""
        spans = []
        cursor = self._tree.walk()
        while True:
            node = cursor.node
            spans.append((node.type, node.start_byte, node.end_byte))
            if cursor.goto_first_child():
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    return spans

    def sexp(self) -> str:
        return str(self._tree.root_node)

    def error_count(self) -> int:
        """Count the ERROR and MISSING nodes, visiting only subtrees that contain an error."""
        count = 0
        pending = [self._tree.root_node]
        while pending:
            node = pending.pop()
            if node.is_error or node.is_missing:
                count += 1
            if node.has_error:
                pending.extend(node.children)
        return count

    def enclosing_node(self, row: int, column_byte: int, node_types: frozenset[str]) -> NodeSpan | None:
        """Return the innermost node of one of `node_types` that contains the point `(row, column_byte)`."""
        node = self._tree.root_node.named_descendant_for_point_range((row, column_byte), (row, column_byte))
        while node is not None and node.type not in node_types:
            node = node.parent
        if node is None:
            return None
        return _span(node)

    def parent_span(self, span: NodeSpan) -> NodeSpan | None:
        """Return the parent of the node that `span` describes."""
        node = self._node_of(span)
        parent = node.parent if node is not None else None
        return _span(parent) if parent is not None else None

    def field_span(self, span: NodeSpan, field_name: str) -> NodeSpan | None:
        """Return the child in field `field_name` (e.g. `body`) of the node that `span` describes."""
        node = self._node_of(span)
        child = node.child_by_field_name(field_name) if node is not None else None
        return _span(child) if child is not None else None

    def named_child_spans(self, span: NodeSpan) -> list[NodeSpan]:
        node = self._node_of(span)
        return [_span(child) for child in node.named_children] if node is not None else []

    def _node_of(self, span: NodeSpan) -> Any | None:
        node = self._tree.root_node.descendant_for_byte_range(span.start_byte, span.end_byte)
        while node is not None and (node.start_byte, node.end_byte, node.type) != (span.start_byte, span.end_byte, span.node_type):
            node = node.parent
        return node


@dataclass(frozen=True)
class NodeSpan:
    """A node's type and place: UTF-8 byte offsets and `(row, utf8_column)` points."""

    node_type: str
    start_byte: int
    end_byte: int
    start_point: tuple[int, int]
    end_point: tuple[int, int]


def _span(node: Any) -> NodeSpan:
    return NodeSpan(node.type, node.start_byte, node.end_byte, tuple(node.start_point), tuple(node.end_point))
