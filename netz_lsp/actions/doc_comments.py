"""Turkish documentation comments in each language's own format, placed as an edit.

The model writes only the text. This module adds the markers (Python docstring, JSDoc,
TSDoc, Javadoc, Doxygen, Go `//` and Rust `///`), so the format does not depend on the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netz_lsp.actions.replacement import leading_whitespace
from netz_lsp.actions.syntax import parse
from netz_lsp.document.text_document import TextDocument

BLOCK_LANGUAGES = frozenset({"javascript", "javascriptreact", "typescript", "typescriptreact", "java", "c", "cpp"})
PYTHON_BODY_INDENT = "    "
PYTHON_DEFINITIONS = frozenset({"function_definition", "class_definition", "decorated_definition"})


def format_family(language_id: str) -> str:
    """Return the key of `DOC_FORMAT_HINTS` for a language id."""
    if language_id in ("javascript", "javascriptreact"):
        return "javascript"
    if language_id in ("typescript", "typescriptreact"):
        return "typescript"
    if language_id in ("c", "cpp"):
        return "c"
    return language_id


def clean_doc_text(reply: str) -> str:
    """Strip code fences, quotes and comment markers that a model adds despite the prompt."""
    lines = []
    for line in reply.strip().replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")) or stripped in ('"""', "'''", "/**", "*/", "/*"):
            continue
        line = re.sub(r'^\s*("""|\'\'\'|/\*\*|///|//|\*/|\*|#)\s?', "", line)
        line = re.sub(r'("""|\'\'\'|\*/)\s*$', "", line)
        lines.append(line.rstrip())
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def render_doc(text: str, language_id: str, indentation: str) -> str:
    """Render `text` as a doc comment at `indentation`; the result ends with a newline."""
    lines = text.split("\n")
    if language_id == "python":
        text = text.replace('"""', '\\"\\"\\"')
        lines = text.split("\n")
        if len(lines) == 1:
            return f'{indentation}"""{lines[0]}"""\n'
        body = "\n".join((indentation + line) if line.strip() else "" for line in lines[1:])
        return f'{indentation}"""{lines[0]}\n{body}\n{indentation}"""\n'
    if language_id in BLOCK_LANGUAGES:
        text = text.replace("*/", "* /")
        body = "\n".join(f"{indentation} * {line}".rstrip() for line in text.split("\n"))
        return f"{indentation}/**\n{body}\n{indentation} */\n"
    marker = "///" if language_id == "rust" else "//"
    return "".join(f"{indentation}{marker} {line}".rstrip() + "\n" for line in lines)


@dataclass(frozen=True)
class DocPlacement:
    """The place of a doc comment: the string-index range it replaces (empty to insert) and its indentation."""

    start_char: int
    end_char: int
    indentation: str


def doc_placement(document: TextDocument, first_line: int, last_line: int) -> DocPlacement | None:
    """Find where the doc comment of the definition on `first_line..last_line` belongs.

    Python: right under the header, or in place of an existing docstring. Other
    languages: the line above the definition, replacing the comment lines already there.
    """
    if document.language_id == "python":
        return _python_placement(document, first_line, last_line)
    indentation = leading_whitespace(document.line_text(first_line))
    top = first_line
    while top > 0 and document.line_text(top - 1).strip().startswith(("//", "/*", "*")):
        top -= 1
    start = document.line_start(top)
    return DocPlacement(start, document.line_start(first_line), indentation)


def _python_placement(document: TextDocument, first_line: int, last_line: int) -> DocPlacement | None:
    tree = parse("python", document.text)
    if tree is None:
        return None
    header_end = len(document.line_text(first_line).encode("utf-8", "surrogatepass"))
    definition = tree.enclosing_node(first_line, max(header_end - 1, 0), PYTHON_DEFINITIONS)
    if definition is not None and definition.node_type == "decorated_definition":
        definition = tree.field_span(definition, "definition")
    if definition is None:
        return None
    body = tree.field_span(definition, "body")
    if body is None or body.start_point[0] == definition.start_point[0]:
        return None  # A one-line definition has no line for a docstring.
    body_line = body.start_point[0]
    indentation = leading_whitespace(document.line_text(body_line)) or leading_whitespace(document.line_text(first_line)) + PYTHON_BODY_INDENT
    statements = tree.named_child_spans(body)
    first_statement = statements[0] if statements else None
    if first_statement is not None and first_statement.node_type == "expression_statement":
        expression = tree.named_child_spans(first_statement)
        if expression and expression[0].node_type == "string":
            end_line = first_statement.end_point[0]
            end = document.line_start(end_line + 1) if end_line + 1 < document.line_count else len(document.text)
            return DocPlacement(document.line_start(first_statement.start_point[0]), end, indentation)
    # Comments are not part of the body node, so insert right under the header, above them.
    header_fields = [tree.field_span(definition, name) for name in ("name", "type_parameters", "parameters", "superclasses", "return_type")]
    header_end_row = max(span.end_point[0] for span in header_fields if span is not None)
    start = document.line_start(min(header_end_row + 1, body_line))
    return DocPlacement(start, start, indentation)
