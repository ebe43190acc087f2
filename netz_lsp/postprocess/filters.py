"""Filters applied in a fixed order to a raw FIM completion.

Each filter takes the completion and the text around the cursor and returns the trimmed
completion; an empty string means "show nothing".
"""

from __future__ import annotations

from dataclasses import dataclass

from netz_lsp.prompt.fim import ALL_SPECIAL_TOKENS

# Block openers: a line ending with one of these starts a nested block.
_BLOCK_OPENERS = (":", "{", "(", "[", "=>", "->")
_CLOSING_ONLY = frozenset("}])")


@dataclass(frozen=True)
class CursorText:
    """The text around the cursor that filters compare the completion against."""

    line_prefix: str  # from the start of the cursor's line to the cursor
    line_suffix: str  # from the cursor to the end of its line
    suffix: str  # everything after the cursor, as sent in the prompt


def strip_special_tokens(completion: str, cursor: CursorText) -> str:
    """Cut the completion at the first leaked special token of any family."""
    cut_at = len(completion)
    for token in ALL_SPECIAL_TOKENS:
        index = completion.find(token)
        if 0 <= index < cut_at:
            cut_at = index
    return completion[:cut_at]


def normalize_line_breaks(completion: str, cursor: CursorText) -> str:
    """Use the document's line break style (CRLF when the surrounding text uses it)."""
    plain = completion.replace("\r\n", "\n")
    if "\r\n" in cursor.suffix or cursor.line_suffix.endswith("\r"):
        return plain.replace("\n", "\r\n")
    return plain


def _indent_width(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def stop_at_block_end(completion: str, cursor: CursorText) -> str:
    """Keep a multi-line completion inside the block where it starts.

    The first line continues the cursor's line. A later line ends the completion when it is
    indented less than the cursor's line. When the completed line opens a block (ends with
    `:` or `{`), a line at the cursor's own indentation also ends it, unless the line is
    made only of closing brackets and so closes that block.
    """
    lines = completion.split("\n")
    if len(lines) == 1:
        return completion
    first_line = cursor.line_prefix + lines[0]
    base_indent = _indent_width(first_line) if first_line.strip() else _indent_width(cursor.line_prefix)
    opens_block = first_line.rstrip().endswith(_BLOCK_OPENERS)

    kept = [lines[0]]
    for line in lines[1:]:
        stripped = line.strip()
        if not stripped:
            kept.append(line)
            continue
        indent = _indent_width(line)
        if indent < base_indent:
            break
        if indent == base_indent and opens_block:
            if set(stripped.rstrip(";,")) <= _CLOSING_ONLY:
                kept.append(line)
            break
        kept.append(line)
    return "\n".join(kept).rstrip(" \t\r\n") if len(kept) < len(lines) else "\n".join(kept)


def trim_suffix_overlap(completion: str, cursor: CursorText) -> str:
    """Drop the end of the completion that repeats the text already after the cursor.

    Two cases: the completion's last characters repeat the start of the rest of the line
    (`foo(bar)` typed before `)`), and the completion's last lines repeat the first lines
    after the cursor.
    """
    rest_of_line = cursor.line_suffix.rstrip("\r\n")
    if rest_of_line.strip():
        first_line, newline, remainder = completion.partition("\n")
        for overlap in range(min(len(rest_of_line), len(first_line)), 0, -1):
            if first_line.endswith(rest_of_line[:overlap]) and rest_of_line[:overlap].strip():
                first_line = first_line[: len(first_line) - overlap]
                completion = first_line + newline + remainder
                break

    suffix_lines = [line.strip() for line in cursor.suffix.replace("\r\n", "\n").split("\n")]
    suffix_lines = [line for line in suffix_lines if line]
    if not suffix_lines:
        return completion
    completion_lines = completion.split("\n")
    for index in range(1, len(completion_lines)):
        if completion_lines[index].strip() and completion_lines[index].strip() == suffix_lines[0]:
            following = [line.strip() for line in completion_lines[index:] if line.strip()]
            if following == suffix_lines[: len(following)]:
                return "\n".join(completion_lines[:index]).rstrip(" \t")
    return completion


def strip_prefix_echo(completion: str, cursor: CursorText) -> str:
    """Remove a repeat of the words just before the cursor at the start of the completion.

    Small models asked to continue `    return ` often start with `return ` again. Only a
    repeat of the whole trimmed line, or of its last word when the cursor follows a space,
    is removed, so a completion that merely begins with the same letters is kept.
    """
    typed = cursor.line_prefix.strip()
    if not typed or not cursor.line_prefix.endswith((" ", "\t")):
        return completion
    for echo in (typed, typed.split()[-1]):
        if completion.startswith(echo + " ") or completion == echo:
            return completion[len(echo) :].lstrip(" ")
    return completion


def drop_repeated_previous_line(completion: str, cursor: CursorText) -> str:
    """Drop a completion that only repeats the text already on the cursor's line."""
    if completion.strip() and cursor.line_prefix.strip() and completion.strip() == cursor.line_prefix.strip():
        return ""
    return completion


def drop_blank(completion: str, cursor: CursorText) -> str:
    """Show nothing when the completion is only whitespace."""
    return completion if completion.strip() else ""


FILTERS = (
    strip_special_tokens,
    strip_prefix_echo,
    stop_at_block_end,
    trim_suffix_overlap,
    drop_repeated_previous_line,
    drop_blank,
    normalize_line_breaks,
)


def postprocess(completion: str, cursor: CursorText) -> str:
    """Run every filter in order; stop early once one of them empties the completion."""
    for apply_filter in FILTERS:
        completion = apply_filter(completion, cursor)
        if not completion:
            return ""
    return completion
