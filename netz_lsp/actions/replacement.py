"""Fit generated code into a document range and check it before it becomes an edit.

A replacement is accepted only when the whole file, with the range replaced, has no more
syntax errors than before (counted by tree-sitter) and every replaced line keeps the
range's base indentation. Files in languages without a grammar get the indentation check only.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from netz_lsp.actions.syntax import syntax_error_count


@dataclass(frozen=True)
class Verdict:
    """The outcome of the checks; `problem` is an i18n message key, empty when accepted."""

    accepted: bool
    problem: str = ""
    errors_before: int | None = None
    errors_after: int | None = None
    indentation: str = ""


def line_ending_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def leading_whitespace(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def base_indentation(document_text: str, start_char: int) -> tuple[str, str]:
    """Return `(indentation, text_before)`: the start line's indentation and the text before the range on it."""
    line_start = document_text.rfind("\n", 0, start_char) + 1
    line_end = document_text.find("\n", line_start)
    line = document_text[line_start : line_end if line_end >= 0 else len(document_text)].rstrip("\r")
    return leading_whitespace(line), document_text[line_start:start_char]


def fit_to_range(code: str, document_text: str, start_char: int, end_char: int) -> str:
    """Re-indent `code` to the range's base indentation and match its line endings and final newline."""
    indentation, text_before = base_indentation(document_text, start_char)
    lines = textwrap.dedent(code.replace("\r\n", "\n").strip("\n")).split("\n")
    indented = [(indentation + line) if line.strip() else "" for line in lines]
    if text_before.strip():
        # The range starts in the middle of a line, after code, so its first line needs no indentation.
        indented[0] = indented[0].lstrip(" \t")
    elif text_before:
        # The range starts inside the indentation; the part before it stays in the document.
        indented[0] = indented[0][len(text_before) :] if indented[0].startswith(text_before) else indented[0].lstrip(" \t")
    new_text = "\n".join(indented)
    old_text = document_text[start_char:end_char]
    if old_text.endswith("\n"):
        new_text += "\n"
    return new_text.replace("\n", line_ending_of(document_text)) if "\r\n" in document_text else new_text


def check_replacement(language_id: str, document_text: str, start_char: int, end_char: int, new_text: str) -> Verdict:
    """Check that replacing `[start_char, end_char)` with `new_text` keeps indentation and adds no syntax errors."""
    if not new_text.strip():
        return Verdict(False, "edit_rejected_empty")
    if new_text == document_text[start_char:end_char]:
        return Verdict(False, "edit_unchanged")

    indentation, text_before = base_indentation(document_text, start_char)
    lines = (text_before + new_text).replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if index == 0 and text_before.strip():
            continue
        if not line.startswith(indentation) or (index == 0 and leading_whitespace(line) != indentation):
            return Verdict(False, "edit_rejected_indentation", indentation=repr(indentation))

    new_document = document_text[:start_char] + new_text + document_text[end_char:]
    before = syntax_error_count(language_id, document_text)
    after = syntax_error_count(language_id, new_document)
    if before is not None and after is not None and after > before:
        return Verdict(False, "edit_rejected_syntax", errors_before=before, errors_after=after)
    return Verdict(True, errors_before=before, errors_after=after)
