"""Names of files that hold secrets, and URI-to-path conversion for the privacy rules.

The rules themselves (private names, `exclude` globs, `.gitignore`) live in
`netz_lsp.context.file_filter.FileFilter`.
"""

from __future__ import annotations

from urllib.parse import unquote, urlparse

# Matched against the file name; these hold credentials far more often than code.
ALWAYS_PRIVATE_NAMES = (".env*", "*.pem", "*.key", "id_rsa*", "id_ed25519*", "id_ecdsa*", "*.p12", "*.pfx")


def uri_to_path(uri: str) -> str:
    """Return the POSIX path of a `file:` URI, or the URI itself for other schemes."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return unquote(parsed.path)
    return uri
