"""Column conversion between LSP encodings and string indices."""

import pytest

from netz_lsp.document.positions import PositionEncoding, char_index_to_column, column_to_char_index

UTF8, UTF16, UTF32 = PositionEncoding.UTF8, PositionEncoding.UTF16, PositionEncoding.UTF32


@pytest.mark.parametrize(
    ("line", "char_index", "utf16_column", "utf8_column"),
    [
        ("çğıİöşü = 1", 7, 7, 14),
        ("x = '😀' + y", 6, 7, 9),
        ("😀😀a", 2, 4, 8),
        ("plain", 5, 5, 5),
    ],
)
def test_round_trip_turkish_and_emoji(line, char_index, utf16_column, utf8_column):
    assert char_index_to_column(line, char_index, UTF16) == utf16_column
    assert char_index_to_column(line, char_index, UTF8) == utf8_column
    assert char_index_to_column(line, char_index, UTF32) == char_index
    assert column_to_char_index(line, utf16_column, UTF16) == char_index
    assert column_to_char_index(line, utf8_column, UTF8) == char_index


def test_column_inside_surrogate_pair_rounds_down():
    assert column_to_char_index("a😀b", 2, UTF16) == 1


def test_column_past_end_clamps():
    assert column_to_char_index("abc", 99, UTF16) == 3
    assert column_to_char_index("abc", -4, UTF16) == 0


def test_unknown_encoding_defaults_to_utf16():
    assert PositionEncoding.from_lsp("utf-7") is UTF16
    assert PositionEncoding.from_lsp(None) is UTF16
    assert PositionEncoding.from_lsp("utf-8") is UTF8
