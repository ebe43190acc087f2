"""Files whose content never reaches a prompt: secrets and the user's `exclude` globs."""

from __future__ import annotations

import fnmatch
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

# Matched against the file name; these hold credentials far more often than code.
ALWAYS_PRIVATE_NAMES = (".env", ".env.*", "*.pem", "*.key", "id_rsa*", "id_ed25519*", "id_ecdsa*", "*.p12", "*.pfx")


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
    relative = path
    if workspace_root and path.startswith(workspace_root.rstrip("/") + "/"):
        relative = path[len(workspace_root.rstrip("/")) + 1 :]
    for pattern in exclude_globs:
        if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(path, pattern):
            return True
        if pattern.endswith("/**") and (relative + "/").startswith(pattern[:-2]):
            return True
    return False
