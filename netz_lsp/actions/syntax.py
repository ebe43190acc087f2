"""Tree-sitter parses for code actions: syntax error counts and enclosing definitions.

NOTE: this module loads grammars itself until the shared syntax layer (`netz_lsp.syntax`)
is available on this branch; then it should use that layer's grammar loading.
"""

from __future__ import annotations

import importlib
import logging
from functools import lru_cache
from typing import Any

import tree_sitter

logger = logging.getLogger(__name__)

# LSP language id -> (grammar module, function that returns the language pointer).
GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "javascriptreact": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "typescriptreact": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "java": ("tree_sitter_java", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
}

# Node types that a code action without a selection acts on, innermost first.
DEFINITION_TYPES = frozenset(
    {
        "decorated_definition", "function_definition", "class_definition",  # Python, C, C++
        "function_declaration", "generator_function_declaration", "method_definition", "class_declaration",
        "abstract_class_declaration", "interface_declaration",  # JavaScript, TypeScript
        "method_declaration", "type_declaration", "constructor_declaration", "enum_declaration", "record_declaration",  # Go, Java
        "function_item", "impl_item", "struct_item", "enum_item", "trait_item",  # Rust
        "class_specifier", "struct_specifier",  # C++
    }
)
CLASS_TYPES = frozenset(
    {"class_definition", "class_declaration", "abstract_class_declaration", "interface_declaration", "impl_item",
     "struct_item", "enum_item", "trait_item", "class_specifier", "struct_specifier", "type_declaration",
     "enum_declaration", "record_declaration"}
)


@lru_cache(maxsize=None)
def parser_for(language_id: str) -> tree_sitter.Parser | None:
    """Return a parser for an LSP language id, or None when NETZ has no grammar for it."""
    entry = GRAMMARS.get(language_id)
    if entry is None:
        return None
    module_name, function_name = entry
    try:
        module = importlib.import_module(module_name)
        return tree_sitter.Parser(tree_sitter.Language(getattr(module, function_name)()))
    except (ImportError, AttributeError, ValueError, TypeError) as error:
        logger.warning("grammar %s for %s failed to load: %s", module_name, language_id, error)
        return None


def parse(language_id: str, text: str) -> Any | None:
    parser = parser_for(language_id)
    if parser is None:
        return None
    return parser.parse(text.encode("utf-8", "surrogatepass"))


def syntax_error_count(language_id: str, text: str) -> int | None:
    """Count ERROR and MISSING nodes in `text`, or return None for a language without a grammar."""
    tree = parse(language_id, text)
    if tree is None:
        return None
    count = 0
    pending = [tree.root_node]
    while pending:
        node = pending.pop()
        if node.is_error or node.is_missing:
            count += 1
        if node.has_error:
            pending.extend(node.children)
    return count


def enclosing_definition_rows(language_id: str, text: str, row: int, column_byte: int) -> tuple[int, int, str] | None:
    """Return `(first_row, last_row, node_type)` of the innermost definition around a point."""
    tree = parse(language_id, text)
    if tree is None:
        return None
    node = tree.root_node.named_descendant_for_point_range((row, column_byte), (row, column_byte))
    while node is not None:
        if node.type in DEFINITION_TYPES:
            parent = node.parent
            # A decorated Python definition includes its decorators.
            if parent is not None and parent.type == "decorated_definition":
                node = parent
            return node.start_point[0], node.end_point[0], node.type
        node = node.parent
    return None
