"""One open document: its text, line table and the edits applied to it.

The line table keeps the start of every line both as a string index and as a UTF-8 byte
offset, so positions convert in O(log lines) and every edit reports the byte-level
coordinates that an incremental parser needs. Lines end at `\\n`, `\\r\\n` or `\\r`, as in
LSP; `str.splitlines` is not used because it also splits at form feeds and U+2028.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from netz_lsp.document.positions import (
    PositionEncoding,
    char_index_to_column,
    column_to_char_index,
)

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def utf8_length(text: str) -> int:
    """Return the UTF-8 length of `text`; lone surrogates count as three bytes."""
    return len(text.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class TextEdit:
    """The coordinates of one applied change, in string indices and in UTF-8 bytes.

    Points are `(row, utf8_column)` pairs, the form tree-sitter's `Tree.edit` expects.
    """

    start_char: int
    old_end_char: int
    new_end_char: int
    start_byte: int
    old_end_byte: int
    new_end_byte: int
    start_point: tuple[int, int]
    old_end_point: tuple[int, int]
    new_end_point: tuple[int, int]


class TextDocument:
    """Text of one document with a line table kept up to date across edits."""

    def __init__(self, uri: str, text: str, language_id: str = "", version: int = 0):
        self.uri = uri
        self.language_id = language_id
        self.version = version
        self.text = text
        self._line_starts, self._line_byte_starts = _scan_line_starts(text, 0, 0, len(text) + 1)

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    @property
    def line_starts(self) -> list[int]:
        """The string index of every line start; read-only for callers, replaced by edits."""
        return self._line_starts

    def line_start(self, line: int) -> int:
        return self._line_starts[line]

    def line_end(self, line: int) -> int:
        """Return the string index where `line` ends, before its line break."""
        if line + 1 >= len(self._line_starts):
            return len(self.text)
        end = self._line_starts[line + 1]
        if self.text[end - 2 : end] == "\r\n":
            return end - 2
        return end - 1

    def line_text(self, line: int) -> str:
        return self.text[self._line_starts[line] : self.line_end(line)]

    def line_of(self, char_index: int) -> int:
        return bisect.bisect_right(self._line_starts, char_index) - 1

    def offset_at(self, line: int, column: int, encoding: PositionEncoding) -> int:
        """Convert an LSP position to a string index, clamping lines and columns into range."""
        if line < 0:
            return 0
        if line >= len(self._line_starts):
            return len(self.text)
        line_text = self.line_text(line)
        return self._line_starts[line] + column_to_char_index(line_text, column, encoding)

    def position_at(self, char_index: int, encoding: PositionEncoding) -> tuple[int, int]:
        """Convert a string index to an LSP `(line, column)` in `encoding`."""
        char_index = max(0, min(char_index, len(self.text)))
        line = self.line_of(char_index)
        line_start = self._line_starts[line]
        line_text = self.text[line_start : max(line_start, min(char_index, self.line_end(line)))]
        return line, char_index_to_column(line_text, len(line_text), encoding)

    def byte_offset_at(self, char_index: int) -> int:
        line = self.line_of(char_index)
        line_start = self._line_starts[line]
        return self._line_byte_starts[line] + utf8_length(self.text[line_start:char_index])

    def char_offset_at_byte(self, byte_offset: int) -> int:
        """Convert a UTF-8 byte offset to a string index; an offset inside a character rounds down."""
        byte_offset = max(0, byte_offset)
        line = bisect.bisect_right(self._line_byte_starts, byte_offset) - 1
        line_start = self._line_starts[line]
        line_end = self._line_starts[line + 1] if line + 1 < len(self._line_starts) else len(self.text)
        column_bytes = byte_offset - self._line_byte_starts[line]
        line_text = self.text[line_start:line_end]
        if line_text.isascii():
            return min(line_start + column_bytes, line_end)
        encoded = line_text.encode("utf-8", "surrogatepass")[:column_bytes]
        return line_start + len(encoded.decode("utf-8", "ignore"))

    def line_of_byte(self, byte_offset: int) -> int:
        return max(0, bisect.bisect_right(self._line_byte_starts, byte_offset) - 1)

    def point_at(self, char_index: int) -> tuple[int, int]:
        """Return the tree-sitter point `(row, utf8_column)` of a string index."""
        line = self.line_of(char_index)
        return line, utf8_length(self.text[self._line_starts[line] : char_index])

    def replace_all(self, text: str, version: int | None = None) -> TextEdit:
        return self.replace(0, len(self.text), text, version)

    def apply_change(
        self,
        start: tuple[int, int] | None,
        end: tuple[int, int] | None,
        new_text: str,
        encoding: PositionEncoding,
        version: int | None = None,
    ) -> TextEdit:
        """Apply one `TextDocumentContentChangeEvent`; without a range it replaces all text.

        A range whose end comes before its start is treated as the empty range at the
        earlier position, so a confused client cannot corrupt the document.
        """
        if start is None or end is None:
            return self.replace_all(new_text, version)
        start_char = self.offset_at(start[0], start[1], encoding)
        end_char = self.offset_at(end[0], end[1], encoding)
        if end_char < start_char:
            start_char, end_char = end_char, end_char
        return self.replace(start_char, end_char, new_text, version)

    def replace(self, start_char: int, end_char: int, new_text: str, version: int | None = None) -> TextEdit:
        """Replace `text[start_char:end_char]` with `new_text` and update the line table."""
        start_char = max(0, min(start_char, len(self.text)))
        end_char = max(start_char, min(end_char, len(self.text)))

        start_byte = self.byte_offset_at(start_char)
        old_end_byte = self.byte_offset_at(end_char)
        start_point = self.point_at(start_char)
        old_end_point = self.point_at(end_char)

        delta_chars = len(new_text) - (end_char - start_char)
        new_end_byte = start_byte + utf8_length(new_text)
        delta_bytes = new_end_byte - old_end_byte
        self.text = self.text[:start_char] + new_text + self.text[end_char:]
        self._update_line_table(start_char, end_char, delta_chars, delta_bytes)
        if version is not None:
            self.version = version

        new_end_char = start_char + len(new_text)
        return TextEdit(
            start_char=start_char,
            old_end_char=end_char,
            new_end_char=new_end_char,
            start_byte=start_byte,
            old_end_byte=old_end_byte,
            new_end_byte=new_end_byte,
            start_point=start_point,
            old_end_point=old_end_point,
            new_end_point=self.point_at(new_end_char),
        )

    def _update_line_table(self, start_char: int, old_end_char: int, delta_chars: int, delta_bytes: int) -> None:
        # Rescan from the line before the edit (a `\r` there may now pair with a new `\n`)
        # up to a line start safely past the old end; later starts only shift.
        first_line = max(0, bisect.bisect_right(self._line_starts, start_char) - 2)
        tail_line = bisect.bisect_right(self._line_starts, old_end_char + 2)
        rescan_from = self._line_starts[first_line]
        rescan_from_byte = self._line_byte_starts[first_line]
        if tail_line < len(self._line_starts):
            rescan_to = self._line_starts[tail_line] + delta_chars
            tail_chars = [start + delta_chars for start in self._line_starts[tail_line:]]
            tail_bytes = [start + delta_bytes for start in self._line_byte_starts[tail_line:]]
        else:
            rescan_to = len(self.text) + 1
            tail_chars, tail_bytes = [], []

        region_chars, region_bytes = _scan_line_starts(self.text, rescan_from, rescan_from_byte, rescan_to)
        self._line_starts[first_line:] = region_chars + tail_chars
        self._line_byte_starts[first_line:] = region_bytes + tail_bytes


def _scan_line_starts(text: str, from_char: int, from_byte: int, to_char: int) -> tuple[list[int], list[int]]:
    """List the line starts in `[from_char, to_char)`, where `from_char` starts a line."""
    if text.find("\r", from_char, to_char) == -1:
        return _scan_lf_line_starts(text, from_char, from_byte, to_char)
    char_starts = [from_char]
    byte_starts = [from_byte]
    previous_char = from_char
    previous_byte = from_byte
    for match in _LINE_BREAK.finditer(text, from_char, to_char):
        line_start = match.end()
        if line_start >= to_char:
            break
        previous_byte += utf8_length(text[previous_char:line_start])
        previous_char = line_start
        char_starts.append(line_start)
        byte_starts.append(previous_byte)
    return char_starts, byte_starts


def _scan_lf_line_starts(text: str, from_char: int, from_byte: int, to_char: int) -> tuple[list[int], list[int]]:
    """Do what `_scan_line_starts` does for text without `\r`, with C-level splits and sums.

    This path keeps opening a large file (50 MB, a million lines) well under a second, so
    other requests do not wait long behind it.
    """
    region = text[from_char:to_char]
    lines = region.split("\n")
    # Every piece but the last ends with a line break; its successor starts a line.
    char_starts = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=from_char))
    if region.isascii():
        byte_starts = [start - from_char + from_byte for start in char_starts]
    else:
        byte_starts = list(
            itertools.accumulate((utf8_length(line) + 1 for line in lines[:-1]), initial=from_byte)
        )
    if len(char_starts) > 1 and char_starts[-1] >= to_char:
        char_starts.pop()
        byte_starts.pop()
    return char_starts, byte_starts
