"""Which files may contribute text to a prompt.

Three rules, checked in this order:
1. Private files never contribute a byte, whatever the settings: `.env*`, `*.pem`, `*.key`,
   `id_rsa*` and the other names in `netz_lsp.privacy.ALWAYS_PRIVATE_NAMES` (matched on the
   file name, case-insensitively).
2. Files matching a glob in the `exclude` setting (gitignore syntax, relative to the
   workspace root) are skipped.
3. Files ignored by `.gitignore` or `.netzignore` files in the workspace (the root one and
   nested ones) are skipped, as are version-control and dependency folders such as `.git` and `node_modules`.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import threading
from pathlib import Path

import pathspec

from netz_lsp.privacy import ALWAYS_PRIVATE_NAMES, uri_to_path

logger = logging.getLogger(__name__)

# Ignore files read in every folder from the root down, in this order. `.netzignore` uses
# gitignore syntax, so it hides files from prompts without changing what git tracks.
IGNORE_FILE_NAMES = (".gitignore", ".netzignore")

PRIVATE_NAME_PATTERNS: tuple[str, ...] = ALWAYS_PRIVATE_NAMES

# Folders never indexed, even without a .gitignore that names them.
SKIPPED_DIR_NAMES = frozenset(
    {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", ".pytest_cache"}
)


def is_private(path: str) -> bool:
    """Tell whether the file name matches one of `PRIVATE_NAME_PATTERNS`."""
    name = os.path.basename(path).lower()
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in PRIVATE_NAME_PATTERNS)


class FileFilter:
    """The private, exclude and .gitignore rules of one workspace root."""

    def __init__(self, root: str | Path | None, exclude: list[str] | tuple[str, ...] = ()):
        self.root = Path(root).resolve() if root else None
        self._exclude = pathspec.GitIgnoreSpec.from_lines(list(exclude))
        # Per folder: the (mtime, size) of each ignore file and the rules compiled from them.
        self._gitignores: dict[Path, tuple[tuple, pathspec.GitIgnoreSpec | None]] = {}
        self._lock = threading.Lock()

    def set_exclude(self, exclude: list[str] | tuple[str, ...]) -> None:
        self._exclude = pathspec.GitIgnoreSpec.from_lines(list(exclude))

    def forget_gitignore(self, directory: str | Path) -> None:
        """Drop the cached rules of one folder after its `.gitignore` changed."""
        with self._lock:
            self._gitignores.pop(Path(directory), None)

    def allows(self, path: str) -> bool:
        """Tell whether the file at `path` (or a `file:` URI) may contribute to prompts."""
        path = uri_to_path(path)
        if is_private(path):
            return False
        if self.root is None:
            return True
        absolute = Path(path).resolve() if path else Path()
        try:
            relative = absolute.relative_to(self.root)
        except ValueError:
            # Outside the workspace only the private-file rule and the exclude globs apply.
            return not self._exclude.match_file(absolute.as_posix())
        if self._exclude.match_file(relative.as_posix()):
            return False
        return not self._ignored_by_git(relative)

    def allows_dir(self, relative_dir: Path) -> bool:
        """Tell whether a folder, relative to the root, should be walked at all."""
        if relative_dir.name in SKIPPED_DIR_NAMES:
            return False
        directory_pattern = relative_dir.as_posix() + "/"
        if self._exclude.match_file(directory_pattern):
            return False
        return not self._ignored_by_git(relative_dir, is_dir=True)

    def _ignored_by_git(self, relative: Path, is_dir: bool = False) -> bool:
        parts = relative.parts
        for depth in range(len(parts)):
            if parts[depth] in SKIPPED_DIR_NAMES and (depth < len(parts) - 1 or is_dir):
                return True
        # Each .gitignore applies to paths below its folder; a deeper one is checked later and wins.
        ignored = False
        for depth in range(len(parts)):
            directory = self.root.joinpath(*parts[:depth])
            spec = self._gitignore(directory)
            if spec is None:
                continue
            below = Path(*parts[depth:]).as_posix() + ("/" if is_dir else "")
            result = spec.check_file(below)
            if result.include is not None:
                ignored = bool(result.include)
        return ignored

    def _gitignore(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        """Return the rules of `directory`'s ignore files, reread when one of them changed."""
        signature = tuple(_file_signature(directory / name) for name in IGNORE_FILE_NAMES)
        with self._lock:
            cached = self._gitignores.get(directory)
            if cached is not None and cached[0] == signature:
                return cached[1]
        lines: list[str] = []
        for name, file_signature in zip(IGNORE_FILE_NAMES, signature):
            if file_signature is None:
                continue
            try:
                lines.extend((directory / name).read_text(encoding="utf-8", errors="replace").splitlines())
            except OSError as error:
                logger.warning("cannot read ignore file %s: %s", directory / name, error)
        spec = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
        with self._lock:
            self._gitignores[directory] = (signature, spec)
        return spec


def _file_signature(path: Path) -> tuple[int, int] | None:
    """Return the mtime and size of `path`, or None when it does not exist."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)
