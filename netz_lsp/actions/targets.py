"""What a code action acts on: the selection, or the definition around the cursor."""

from __future__ import annotations

import re
from dataclasses import dataclass

from netz_lsp.actions.replacement import leading_whitespace
from netz_lsp.actions.syntax import CLASS_TYPES, enclosing_definition_rows, has_grammar
from netz_lsp.document.text_document import TextDocument, utf8_length

# Lines that open a definition in the languages NETZ knows, for the indentation fallback.
_DEFINITION_START = re.compile(
    r"^\s*(@|(export\s+)?(default\s+)?(async\s+)?(def|class|function|func|fn|impl|struct|enum|trait|interface)\b|"
    r"(pub(\(\w+\))?\s+)+(async\s+)?(fn|struct|enum|trait|impl)\b|"
    r"((public|private|protected|static|final|abstract)\s+)+[\w<>\[\], ]+\s+\w+\s*\()"
)


@dataclass(frozen=True)
class Target:
    """A string-index range of a document and how it was chosen: `selection`, `function` or `class`."""

    start_char: int
    end_char: int
    kind: str


def _full_lines(document: TextDocument, first_line: int, last_line: int, kind: str) -> Target:
    return Target(document.line_start(first_line), document.line_end(last_line), kind)


def find_target(document: TextDocument, start_char: int, end_char: int) -> Target | None:
    """Return the selection when it is not empty, else the innermost definition around `start_char`."""
    if end_char > start_char and document.text[start_char:end_char].strip():
        return Target(start_char, end_char, "selection")
    line = document.line_of(start_char)
    if has_grammar(document.language_id):
        column_byte = utf8_length(document.text[document.line_start(line) : start_char])
        found = enclosing_definition_rows(document.language_id, document.text, line, column_byte)
        if found is None:
            return None
        first_line, last_line, node_type = found
        return _full_lines(document, first_line, last_line, "class" if node_type in CLASS_TYPES else "function")
    return _indentation_target(document, line)


def _closes_block(line: str) -> bool:
    stripped = line.strip()
    return stripped[:1] in (")", "}", "]") or stripped == "end" or stripped.startswith("end ")


def _indentation_target(document: TextDocument, line: int) -> Target | None:
    """Find a definition by indentation: the nearest definition line above with no deeper indentation."""
    cursor_indentation = len(leading_whitespace(document.line_text(line))) if document.line_text(line).strip() else None
    header = None
    for candidate in range(line, -1, -1):
        text = document.line_text(candidate)
        if not text.strip():
            continue
        indentation = len(leading_whitespace(text))
        if _DEFINITION_START.match(text) and (cursor_indentation is None or indentation <= cursor_indentation):
            header = candidate
            break
        if cursor_indentation is not None:
            cursor_indentation = min(cursor_indentation, indentation)
    if header is None:
        return None
    while header > 0 and document.line_text(header - 1).lstrip().startswith("@"):
        header -= 1
    header_indentation = len(leading_whitespace(document.line_text(header)))
    last = header
    for candidate in range(header + 1, document.line_count):
        text = document.line_text(candidate)
        if not text.strip():
            continue
        indentation = len(leading_whitespace(text))
        if indentation > header_indentation or (indentation == header_indentation and _closes_block(text)):
            last = candidate
            if indentation == header_indentation:
                break
            continue
        if text.lstrip().startswith("@") or _DEFINITION_START.match(text) and candidate == header + 1:
            continue
        break
    if last < line:
        return None
    kind = "class" if re.match(r"^\s*(export\s+)?(class|struct|enum|trait|interface|impl)\b", document.line_text(header)) else "function"
    return _full_lines(document, header, last, kind)
