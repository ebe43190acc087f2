"""The text that stands for a definition in a prompt: all of it when short, else its outline."""

from __future__ import annotations

import bisect

from netz_lsp.syntax.outline import IMPORT_KIND, OutlineEntry

# Definitions up to this many lines go into the prompt whole.
MAX_FULL_DEFINITION_LINES = 15
# A longer definition shows its header, the first lines of its body (often a docstring) and
# the headers of what it contains, up to this many lines.
MAX_OUTLINE_LINES = 24
BODY_PREVIEW_LINES = 3


def _line_start(source: bytes, byte_offset: int) -> int:
    return source.rfind(b"\n", 0, byte_offset) + 1


def _line_end(source: bytes, byte_offset: int) -> int:
    """Return the offset just past the line break of the line containing `byte_offset`."""
    newline = source.find(b"\n", byte_offset)
    return len(source) if newline < 0 else newline + 1


def _header_lines(source: bytes, entry: OutlineEntry) -> list[int]:
    """Return the byte offsets of the line starts that make up the header of `entry`."""
    start = _line_start(source, entry.start_byte)
    if entry.body_start_byte is None:
        end = _line_end(source, max(entry.start_byte, entry.end_byte - 1))
    else:
        body_line_start = _line_start(source, entry.body_start_byte)
        if not source[body_line_start : entry.body_start_byte].strip():
            # The body starts on its own line, so the header ends with the line before it.
            end = max(body_line_start, _line_end(source, entry.start_byte))
        else:
            end = _line_end(source, entry.body_start_byte)
    return _line_starts_between(source, start, end)


def _line_starts_between(source: bytes, start: int, end: int) -> list[int]:
    starts = [start]
    newline = source.find(b"\n", start, end)
    while newline >= 0 and newline + 1 < end:
        starts.append(newline + 1)
        newline = source.find(b"\n", newline + 1, end)
    return starts


def summary_line_starts(source: bytes, entry: OutlineEntry, entries: list[OutlineEntry]) -> list[int]:
    """Return the byte offsets of the lines that show `entry` in a prompt, in source order.

    A definition of up to `MAX_FULL_DEFINITION_LINES` lines is shown whole. A longer one shows
    its header, the first lines of its body and the headers of the definitions nested in it (`entries` is the outline of
    the same source), up to `MAX_OUTLINE_LINES` lines.
    """
    start = _line_start(source, entry.start_byte)
    end = _line_end(source, max(entry.start_byte, entry.end_byte - 1))
    if source.count(b"\n", start, end) <= MAX_FULL_DEFINITION_LINES:
        return _line_starts_between(source, start, end)

    line_starts = _header_lines(source, entry)
    preview_end = _line_end(source, line_starts[-1])
    for _ in range(BODY_PREVIEW_LINES):
        if preview_end >= end:
            break
        line_starts.append(preview_end)
        preview_end = _line_end(source, preview_end)
    # `entries` is sorted by start byte, so the nested ones follow `entry` directly.
    first = bisect.bisect_right(entries, entry.start_byte, key=lambda other: other.start_byte)
    for nested in entries[first:]:
        if len(line_starts) >= MAX_OUTLINE_LINES or nested.start_byte >= entry.end_byte:
            break
        if nested.kind == IMPORT_KIND:
            continue
        if nested.end_byte <= entry.end_byte:
            line_starts.extend(offset for offset in _header_lines(source, nested) if offset > line_starts[-1])
    return line_starts[:MAX_OUTLINE_LINES]


def summarize_definition(source: bytes, entry: OutlineEntry, entries: list[OutlineEntry]) -> str:
    """Return the lines of `summary_line_starts` as text that ends with a line break."""
    lines = [source[offset : _line_end(source, offset)] for offset in summary_line_starts(source, entry, entries)]
    text = b"".join(lines).decode("utf-8", "replace")
    return text if text.endswith("\n") else text + "\n"
