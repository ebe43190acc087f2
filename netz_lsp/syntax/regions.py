"""Questions about the code around a position: enclosing scopes, statement rows, names used."""

from __future__ import annotations

from dataclasses import dataclass

from netz_lsp.syntax.document_syntax import DocumentSyntax

# Header lines kept per enclosing scope; longer signatures are cut at the top.
MAX_HEADER_LINES = 6


@dataclass(frozen=True)
class ScopeHeader:
    """The lines of an enclosing scope before its body, as rows `first_row..last_row`."""

    first_row: int
    last_row: int


def enclosing_headers(syntax: DocumentSyntax, cursor_byte: int) -> list[ScopeHeader]:
    """Return the headers of the scopes whose body contains `cursor_byte`, outermost first.

    In Python a block ends with its last statement, so a cursor on a blank line after it is
    outside the tree's scope. There the scope counts as enclosing when the cursor's line is
    indented deeper than the scope's header, as it is while the user extends the body.
    """
    source = syntax.source
    probe_byte = cursor_byte
    indentation_based = syntax.language == "python"
    if indentation_based:
        before = source[:cursor_byte].rstrip()
        probe_byte = max(0, len(before) - 1)
    probe_byte = max(0, min(probe_byte, syntax.tree.byte_length - 1))

    headers: dict[int, ScopeHeader] = {}
    for match in syntax.queries.scopes.matches(syntax.tree, probe_byte, probe_byte + 1):
        scope = match.captures.get("scope")
        body = match.captures.get("body")
        if scope is None or body is None:
            continue
        if indentation_based:
            inside = body.start_byte <= probe_byte < body.end_byte
            if inside and cursor_byte > body.end_byte:
                inside = _indentation_at(source, cursor_byte) > _indentation_at(source, scope.start_byte)
        else:
            inside = body.start_byte < cursor_byte < body.end_byte
        if not inside:
            continue
        last_row = body.start_row
        if _starts_its_row(source, body.start_byte):
            # The body begins on a line of its own (a Python block): that line is body, not header.
            last_row -= 1
        last_row = max(scope.start_row, last_row)
        first_row = max(scope.start_row, last_row - MAX_HEADER_LINES + 1)
        headers[scope.start_byte] = ScopeHeader(first_row, last_row)
    return [headers[start] for start in sorted(headers)]


def _indentation_at(source: bytes, byte_offset: int) -> int:
    """Return the indentation width of the line containing `byte_offset`, up to that offset."""
    line_start = source.rfind(b"\n", 0, byte_offset) + 1
    line = source[line_start:byte_offset]
    return len(line) - len(line.lstrip(b" \t"))


def _starts_its_row(source: bytes, byte_offset: int) -> bool:
    line_start = source.rfind(b"\n", 0, byte_offset) + 1
    return not source[line_start:byte_offset].strip()


@dataclass(frozen=True)
class StatementRows:
    """Rows where statements start and end in a range, the safe places to cut a window."""

    start_rows: frozenset[int]
    end_rows: frozenset[int]


def statement_rows(syntax: DocumentSyntax, start_byte: int, end_byte: int) -> StatementRows:
    starts: set[int] = set()
    ends: set[int] = set()
    for capture in syntax.queries.blocks.captures(syntax.tree, start_byte, end_byte):
        starts.add(capture.start_row)
        ends.add(capture.end_row)
    return StatementRows(frozenset(starts), frozenset(ends))


def names_near(syntax: DocumentSyntax, cursor_byte: int, start_byte: int, end_byte: int) -> list[str]:
    """Return the distinct names referenced in `[start_byte, end_byte)`, nearest to the cursor first."""
    distances: dict[str, int] = {}
    source = syntax.source
    for capture in syntax.queries.references.captures(syntax.tree, start_byte, end_byte):
        if capture.name != "reference":
            continue
        name = source[capture.start_byte : capture.end_byte].decode("utf-8", "replace")
        distance = min(abs(cursor_byte - capture.start_byte), abs(cursor_byte - capture.end_byte))
        if distance < distances.get(name, 1 << 62):
            distances[name] = distance
    return sorted(distances, key=lambda name: distances[name])
