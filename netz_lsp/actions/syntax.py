"""Syntax facts for code actions, from the shared tree-sitter adapter: error counts and definitions."""

from __future__ import annotations

from netz_lsp.syntax.adapter import SyntaxTree, language_for

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


def has_grammar(language_id: str) -> bool:
    return language_for(language_id) is not None


def parse(language_id: str, text: str) -> SyntaxTree | None:
    language = language_for(language_id)
    if language is None:
        return None
    return SyntaxTree(language, text.encode("utf-8", "surrogatepass"))


def syntax_error_count(language_id: str, text: str) -> int | None:
    """Count ERROR and MISSING nodes in `text`, or return None for a language without a grammar."""
    tree = parse(language_id, text)
    return None if tree is None else tree.error_count()


def enclosing_definition_rows(language_id: str, text: str, row: int, column_byte: int) -> tuple[int, int, str] | None:
    """Return `(first_row, last_row, node_type)` of the innermost definition around a point."""
    tree = parse(language_id, text)
    if tree is None:
        return None
    span = tree.enclosing_node(row, column_byte, DEFINITION_TYPES)
    if span is None:
        return None
    parent = tree.parent_span(span)
    # A decorated Python definition includes its decorators.
    if parent is not None and parent.node_type == "decorated_definition":
        span = parent
    return span.start_point[0], span.end_point[0], span.node_type
