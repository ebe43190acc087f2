"""Definitions of the workspace's source files, looked up by name.

`scan` walks the workspace once (call it off the event loop: it parses every file, about
2 ms per file of a few hundred lines). After that the LSP layer keeps the index current with
`update_file` on didSave and on `workspace/didChangeWatchedFiles`, and `remove_file` on
deletion. Files that `FileFilter` rejects (private, excluded, git-ignored) are never read.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from netz_lsp.context.definitions import summarize_definition
from netz_lsp.context.file_filter import FileFilter
from netz_lsp.syntax.adapter import SyntaxTree, language_for
from netz_lsp.syntax.document_syntax import too_large_to_parse
from netz_lsp.syntax.outline import Outline
from netz_lsp.syntax.queries import queries_for

logger = logging.getLogger(__name__)

MAX_INDEXED_FILES = 5_000
MAX_INDEXED_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class IndexedDefinition:
    """A definition and its prompt text; `path` is relative to the root, `source_path` absolute."""

    path: str
    name: str
    kind: str
    text: str
    source_path: str


class WorkspaceIndex:
    """Name -> definitions across the files of one workspace folder."""

    def __init__(self, root: str | Path, exclude: list[str] | tuple[str, ...] = (), max_files: int = MAX_INDEXED_FILES):
        self.root = Path(root).resolve()
        self.file_filter = FileFilter(self.root, exclude)
        self.max_files = max_files
        self._by_path: dict[str, list[IndexedDefinition]] = {}
        self._by_name: dict[str, list[IndexedDefinition]] = {}
        self._lock = threading.Lock()

    @property
    def file_count(self) -> int:
        return len(self._by_path)

    def set_exclude(self, exclude: list[str] | tuple[str, ...]) -> None:
        """Apply a new `exclude` setting and drop the files it now rejects."""
        self.file_filter.set_exclude(exclude)
        for path in list(self._by_path):
            if not self.file_filter.allows(path):
                self.remove_file(path)

    def scan(self) -> int:
        """Index every allowed source file under the root; return how many were indexed."""
        indexed = 0
        for directory, dir_names, file_names in os.walk(self.root):
            relative_dir = Path(directory).relative_to(self.root)
            dir_names[:] = sorted(name for name in dir_names if self.file_filter.allows_dir(relative_dir / name))
            for file_name in sorted(file_names):
                if indexed >= self.max_files:
                    logger.warning("Workspace index stopped at %d files under %s", self.max_files, self.root)
                    return indexed
                path = os.path.join(directory, file_name)
                if self.update_file(path):
                    indexed += 1
        return indexed

    def update_file(self, path: str, text: str | None = None) -> bool:
        """Index `path` again from `text`, or from disk when `text` is None; return whether it was indexed."""
        if language_for("", path) is None or not self.file_filter.allows(path):
            self.remove_file(path)
            return False
        if text is None:
            text = _read_source(path)
            if text is None:
                self.remove_file(path)
                return False
        path = _normalize(path)
        definitions = self._extract(path, text)
        with self._lock:
            self._remove_locked(path)
            self._by_path[path] = definitions
            for definition in definitions:
                self._by_name.setdefault(definition.name, []).append(definition)
        return True

    def remove_file(self, path: str) -> None:
        with self._lock:
            self._remove_locked(_normalize(path))

    def definitions(self, name: str) -> list[IndexedDefinition]:
        with self._lock:
            return list(self._by_name.get(name, ()))

    def _remove_locked(self, path: str) -> None:
        for definition in self._by_path.pop(path, ()):
            same_name = self._by_name.get(definition.name)
            if same_name is None:
                continue
            same_name[:] = [other for other in same_name if other.source_path != path]
            if not same_name:
                del self._by_name[definition.name]

    def _extract(self, path: str, text: str) -> list[IndexedDefinition]:
        language = language_for("", path)
        queries = queries_for(language) if language else None
        if queries is None or too_large_to_parse(text):
            return []
        source = text.encode("utf-8", "surrogatepass")
        try:
            tree = SyntaxTree(language, source)
        except (ValueError, RuntimeError) as error:
            logger.warning("Parsing %s for the workspace index failed: %s", path, error)
            return []
        outline = Outline.extract(tree, queries, source)
        relative = self._relative(path)
        return [
            IndexedDefinition(relative, entry.name, entry.kind, summarize_definition(source, entry, outline.entries), path)
            for entry in outline.definitions
        ]

    def _relative(self, path: str) -> str:
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path


def _normalize(path: str) -> str:
    return os.path.abspath(path)


def _read_source(path: str) -> str | None:
    try:
        if os.path.getsize(path) > MAX_INDEXED_FILE_BYTES:
            return None
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        logger.warning("Reading %s for the workspace index failed: %s", path, error)
        return None
    if b"\0" in raw[:8192]:
        return None
    return raw.decode("utf-8", "replace")
