"""LSP language ids for file names, for documents that come from disk instead of a client."""

from __future__ import annotations

from pathlib import Path

EXTENSION_LANGUAGE_IDS = {
    ".py": "python", ".pyi": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".jsx": "javascriptreact", ".ts": "typescript", ".tsx": "typescriptreact", ".go": "go", ".rs": "rust",
    ".java": "java", ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp",
    ".hh": "cpp", ".rb": "ruby", ".sh": "shellscript", ".lua": "lua", ".sql": "sql", ".md": "markdown",
}


def language_id_for_path(path: Path | str) -> str:
    return EXTENSION_LANGUAGE_IDS.get(Path(path).suffix.lower(), "plaintext")
