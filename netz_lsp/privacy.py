"""Files whose content never reaches a prompt: secrets, ignored files and `exclude` globs.

A file is private when any of these match:

- its name matches `ALWAYS_PRIVATE_NAMES` (keys, certificates, `.env` files);
- a `.gitignore` or `.netzignore` in the workspace root or in a folder between the root and
  the file matches it, with git's pattern rules (pathspec's `GitIgnoreSpec`);
- one of the user's `exclude` globs matches its workspace-relative path, its name or its
  absolute path.

Every caller that reads a document into a prompt (completions, code actions, the workspace
index) asks `is_private` first.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import threading
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

import pathspec

logger = logging.getLogger(__name__)

# Matched against the file name; these hold credentials far more often than code.
ALWAYS_PRIVATE_NAMES = (".env", ".env.*", ".env*", "*.pem", "*.key", "id_rsa*", "id_ed25519*", "id_ecdsa*", "*.p12", "*.pfx")
IGNORE_FILE_NAMES = (".gitignore", ".netzignore")


def uri_to_path(uri: str) -> str:
    """Return the POSIX path of a `file:` URI, or the URI itself for other schemes."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return unquote(parsed.path)
    return uri


def is_private(uri: str, exclude_globs: list[str], workspace_root: str | None = None) -> bool:
    """Return True when the document must not be read into any prompt."""
    path = uri_to_path(uri)
    name = PurePosixPath(path).name
    if any(fnmatch.fnmatch(name, pattern) for pattern in ALWAYS_PRIVATE_NAMES):
        return True
    relative = _relative_to(path, workspace_root)
    if relative is not None and _ignored_by_ignore_files(workspace_root, relative):
        return True
    if relative is None:
        relative = path
    for pattern in exclude_globs:
        if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(path, pattern):
            return True
        if pattern.endswith("/**") and (relative + "/").startswith(pattern[:-2]):
            return True
    return False


def _relative_to(path: str, workspace_root: str | None) -> str | None:
    if not workspace_root:
        return None
    root = workspace_root.rstrip("/")
    if path.startswith(root + "/"):
        return path[len(root) + 1 :]
    return None


def _ignored_by_ignore_files(workspace_root: str, relative: str) -> bool:
    """Return True when an ignore file in the root or a folder above the file matches it.

    NOTE: each ignore file is applied on its own, so a `!pattern` in a nested file cannot
    re-include a path that a parent's file ignores. That errs on the private side.
    """
    root = workspace_root.rstrip("/")
    parts = relative.split("/")
    for depth in range(len(parts)):
        folder = "/".join([root, *parts[:depth]])
        spec = _IGNORE_SPECS.spec_for(folder)
        if spec is not None and spec.match_file("/".join(parts[depth:])):
            return True
    return False


class _IgnoreSpecCache:
    """Compiled ignore files per folder, reread when a file's mtime or size changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._specs: dict[str, tuple[tuple, pathspec.GitIgnoreSpec | None]] = {}

    def spec_for(self, folder: str) -> pathspec.GitIgnoreSpec | None:
        signature = tuple(_file_signature(os.path.join(folder, name)) for name in IGNORE_FILE_NAMES)
        with self._lock:
            cached = self._specs.get(folder)
            if cached is not None and cached[0] == signature:
                return cached[1]
        lines: list[str] = []
        for name, file_signature in zip(IGNORE_FILE_NAMES, signature):
            if file_signature is None:
                continue
            try:
                with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
                    lines.extend(handle.read().splitlines())
            except OSError as error:
                logger.warning("cannot read ignore file %s/%s: %s", folder, name, error)
        spec = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
        with self._lock:
            self._specs[folder] = (signature, spec)
        return spec


def _file_signature(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


_IGNORE_SPECS = _IgnoreSpecCache()
