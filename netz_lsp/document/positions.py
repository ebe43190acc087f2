"""Conversion between LSP positions and Python string indices.

LSP columns count code units of the negotiated `positionEncoding`: UTF-16 by default, or
UTF-8 / UTF-32 when both sides agree. Python strings index code points (UTF-32), so every
column that crosses the protocol boundary goes through this module and nowhere else.
"""

from __future__ import annotations

from enum import Enum


class PositionEncoding(str, Enum):
    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"

    @classmethod
    def from_lsp(cls, value: str | None) -> "PositionEncoding":
        """Map an LSP `PositionEncodingKind` value to an encoding, defaulting to UTF-16."""
        if value is None:
            return cls.UTF16
        try:
            return cls(str(value))
        except ValueError:
            return cls.UTF16


def code_units(char: str, encoding: PositionEncoding) -> int:
    """Return how many code units one code point takes in `encoding`."""
    code_point = ord(char)
    if encoding is PositionEncoding.UTF16:
        return 2 if code_point > 0xFFFF else 1
    if encoding is PositionEncoding.UTF8:
        if code_point < 0x80:
            return 1
        if code_point < 0x800:
            return 2
        if code_point < 0x10000:
            return 3
        return 4
    return 1


def line_length_in_units(line: str, encoding: PositionEncoding) -> int:
    """Return the length of `line` in code units of `encoding`."""
    if encoding is PositionEncoding.UTF32:
        return len(line)
    if encoding is PositionEncoding.UTF8:
        return len(line.encode("utf-8", "surrogatepass"))
    return len(line.encode("utf-16-le", "surrogatepass")) // 2


def column_to_char_index(line: str, column: int, encoding: PositionEncoding) -> int:
    """Convert a column in code units to an index into `line`.

    A column past the end of the line clamps to the end, and a negative column clamps to 0,
    as the LSP specification asks for out-of-range characters. A column that lands inside a
    surrogate pair or a multi-byte sequence rounds down to the start of that code point.
    """
    if column <= 0:
        return 0
    if encoding is PositionEncoding.UTF32 or line.isascii():
        # One code unit per character in every encoding.
        return min(column, len(line))
    if column >= len(line) * 2 and encoding is PositionEncoding.UTF16:
        return len(line)

    units_seen = 0
    for char_index, char in enumerate(line):
        units_seen += code_units(char, encoding)
        if units_seen > column:
            return char_index
        if units_seen == column:
            return char_index + 1
    return len(line)


def char_index_to_column(line: str, char_index: int, encoding: PositionEncoding) -> int:
    """Convert an index into `line` to a column in code units of `encoding`."""
    char_index = max(0, min(char_index, len(line)))
    return line_length_in_units(line[:char_index], encoding)
