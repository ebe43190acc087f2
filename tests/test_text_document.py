"""TextDocument: line table, positions and incremental edits against a reference model."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from netz_lsp.document.positions import PositionEncoding
from netz_lsp.document.text_document import TextDocument

UTF16 = PositionEncoding.UTF16
PIECES = ["a", "b", " ", "\n", "\r\n", "\r", "ç", "İ", "ş", "😀", "\t", "ı"]
text_strategy = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def reference_lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def reference_offset(text: str, line: int, utf16_column: int) -> int:
    lines = reference_lines(text)
    if line >= len(lines):
        return len(text)
    starts = [0]
    for match in re.finditer(r"\r\n|\r|\n", text):
        starts.append(match.end())
    units = 0
    for index, char in enumerate(lines[line]):
        if units >= utf16_column:
            return starts[line] + index
        units += 2 if ord(char) > 0xFFFF else 1
        if units > utf16_column:
            return starts[line] + index
    return starts[line] + len(lines[line])


@given(text_strategy, st.data())
@settings(max_examples=300, deadline=None)
def test_edits_match_reference(initial, data):
    document = TextDocument("file:///t.py", initial)
    reference = initial
    for _ in range(data.draw(st.integers(0, 6))):
        line_count = len(reference_lines(reference))
        start_line = data.draw(st.integers(0, line_count))
        start_column = data.draw(st.integers(0, 8))
        end_line = data.draw(st.integers(start_line, line_count))
        end_column = data.draw(st.integers(0, 8))
        new_text = data.draw(text_strategy)
        start = reference_offset(reference, start_line, start_column)
        end = reference_offset(reference, end_line, end_column)
        if end < start:
            start = end
        reference = reference[:start] + new_text + reference[end:]
        edit = document.apply_change((start_line, start_column), (end_line, end_column), new_text, UTF16)
        assert document.text == reference
        assert edit.new_end_byte == len(reference[: edit.new_end_char].encode("utf-8"))
    lines = reference_lines(reference)
    assert document.line_count == len(lines)
    for index, line in enumerate(lines):
        assert document.line_text(index) == line


def test_crlf_lines_and_positions():
    document = TextDocument("file:///crlf.py", "def f():\r\n    return 1\r\n")
    assert document.line_count == 3
    assert document.line_text(1) == "    return 1"
    assert document.offset_at(1, 4, UTF16) == 14
    assert document.position_at(14, UTF16) == (1, 4)


def test_form_feed_is_not_a_line_break():
    document = TextDocument("file:///ff.py", "a\x0cb\u2028c\nd")
    assert document.line_count == 2
    assert document.line_text(0) == "a\x0cb\u2028c"


def test_position_after_emoji_in_utf16():
    document = TextDocument("untitled:Untitled-1", "s = '😀' + ad")
    cursor = document.offset_at(0, 13, UTF16)
    assert document.text[:cursor] == "s = '😀' + ad"
    assert document.position_at(cursor, UTF16) == (0, 13)


def test_reversed_range_becomes_empty_range():
    document = TextDocument("file:///r.py", "abcdef")
    document.apply_change((0, 4), (0, 1), "X", UTF16)
    assert document.text == "aXbcdef"
