"""Definitions and imports of one syntax tree, kept up to date across edits.

Running the definitions query over a whole 10,000-line file takes around 10 ms, too slow for
every keystroke. `Outline.update` keeps the entries an edit cannot have touched (shifting
those after it) and re-queries only the edited range and the ranges whose structure changed,
so an edit costs about as much as its own size.
"""

from __future__ import annotations

from dataclasses import dataclass

from netz_lsp.syntax.adapter import SyntaxTree
from netz_lsp.syntax.queries import LanguageQueries

IMPORT_KIND = "import"
# When the ranges to re-query cover more than this share of the file, query it all.
FULL_REFRESH_SHARE = 0.25


@dataclass(frozen=True)
class OutlineEntry:
    """A definition or an import, located by UTF-8 byte offsets in the current source.

    `body_start_byte` is where the body of a definition starts (its header ends there), or
    None for definitions without a body and for imports.
    """

    kind: str
    name: str
    start_byte: int
    end_byte: int
    body_start_byte: int | None = None

    def shifted(self, delta_bytes: int) -> "OutlineEntry":
        body = None if self.body_start_byte is None else self.body_start_byte + delta_bytes
        return OutlineEntry(self.kind, self.name, self.start_byte + delta_bytes, self.end_byte + delta_bytes, body)


def query_entries(
    tree: SyntaxTree, queries: LanguageQueries, source: bytes, start_byte: int = 0, end_byte: int | None = None
) -> list[OutlineEntry]:
    """Run the definitions and imports queries over a byte range; return entries sorted by start."""
    entries: dict[tuple[int, str, str], OutlineEntry] = {}
    for match in queries.definitions.matches(tree, start_byte, end_byte):
        definition = next((capture for name, capture in match.captures.items() if name.startswith("definition.")), None)
        name_capture = match.captures.get("name")
        if definition is None or name_capture is None:
            continue
        body = match.captures.get("body")
        name = source[name_capture.start_byte : name_capture.end_byte].decode("utf-8", "replace")
        key = (definition.start_byte, name, definition.name)
        existing = entries.get(key)
        # Two patterns may match one node (with and without a body); keep the richer one.
        if existing is not None and existing.body_start_byte is not None:
            continue
        entries[key] = OutlineEntry(
            kind=definition.name.removeprefix("definition."),
            name=name,
            start_byte=definition.start_byte,
            end_byte=definition.end_byte,
            body_start_byte=body.start_byte if body is not None else None,
        )
    for capture in queries.imports.captures(tree, start_byte, end_byte):
        if capture.name == IMPORT_KIND:
            key = (capture.start_byte, "", IMPORT_KIND)
            entries[key] = OutlineEntry(IMPORT_KIND, "", capture.start_byte, capture.end_byte)
    return sorted(entries.values(), key=_sort_key)


def _sort_key(entry: OutlineEntry) -> tuple[int, int, str, str]:
    return (entry.start_byte, -entry.end_byte, entry.kind, entry.name)


class Outline:
    """The definitions and imports of one document, sorted by start byte."""

    def __init__(self, entries: list[OutlineEntry]):
        self.entries = entries
        self._by_name: dict[str, list[OutlineEntry]] | None = None

    @classmethod
    def extract(cls, tree: SyntaxTree, queries: LanguageQueries, source: bytes) -> "Outline":
        return cls(query_entries(tree, queries, source))

    @property
    def imports(self) -> list[OutlineEntry]:
        return [entry for entry in self.entries if entry.kind == IMPORT_KIND]

    @property
    def definitions(self) -> list[OutlineEntry]:
        return [entry for entry in self.entries if entry.kind != IMPORT_KIND]

    def by_name(self) -> dict[str, list[OutlineEntry]]:
        """Return the definitions grouped by name, built once per outline version."""
        if self._by_name is None:
            grouped: dict[str, list[OutlineEntry]] = {}
            for entry in self.entries:
                if entry.kind != IMPORT_KIND:
                    grouped.setdefault(entry.name, []).append(entry)
            self._by_name = grouped
        return self._by_name

    def update(
        self,
        tree: SyntaxTree,
        queries: LanguageQueries,
        source: bytes,
        start_byte: int,
        old_end_byte: int,
        new_end_byte: int,
        changed_ranges: list[tuple[int, int]],
    ) -> None:
        """Bring the outline in step with `tree`, already re-parsed after one edit."""
        delta_bytes = new_end_byte - old_end_byte
        dirty = [(start_byte, new_end_byte)] + list(changed_ranges)
        kept: list[OutlineEntry] = []
        for entry in self.entries:
            if entry.end_byte < start_byte:
                kept.append(entry)
            elif entry.start_byte > old_end_byte:
                kept.append(entry.shifted(delta_bytes))
            elif _edit_inside_body(entry, start_byte, old_end_byte):
                # Re-queried below anyway, because it contains the edit.
                kept.append(OutlineEntry(entry.kind, entry.name, entry.start_byte, entry.end_byte + delta_bytes, entry.body_start_byte))
            else:
                dirty.append((entry.start_byte, entry.end_byte + delta_bytes))

        dirty_low = min(low for low, _ in dirty)
        dirty_high = max(high for _, high in dirty)
        if dirty_high - dirty_low > FULL_REFRESH_SHARE * max(1, len(source)):
            self.entries = query_entries(tree, queries, source)
            self._by_name = None
            return

        # Entries that touch the dirty range are dropped and must come back from the query if
        # they still exist, so the query range has one byte of slack on each side.
        fresh = query_entries(tree, queries, source, max(0, dirty_low - 1), min(len(source), dirty_high + 1))
        outside = [entry for entry in kept if entry.end_byte < dirty_low or entry.start_byte > dirty_high]
        merged = {(entry.start_byte, entry.name, entry.kind): entry for entry in outside + fresh}
        self.entries = sorted(merged.values(), key=_sort_key)
        self._by_name = None


def _edit_inside_body(entry: OutlineEntry, start_byte: int, old_end_byte: int) -> bool:
    body = entry.body_start_byte
    return body is not None and body < start_byte and old_end_byte < entry.end_byte
