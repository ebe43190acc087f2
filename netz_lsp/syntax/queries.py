"""Find, load and compile the query files under `grammars/<language>/`.

The folder is looked up in two places, first match wins:

1. `netz_lsp/grammars/` inside the installed package. A non-editable install puts the repo's
   `grammars/` there through the `package_dir` mapping in `setup.py`.
2. `grammars/` at the repository root, for a source checkout or an editable install.

Each language's queries compile once, on first use or in `load_all` at start-up.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from netz_lsp.syntax.adapter import SUPPORTED_LANGUAGES, CompiledQuery, load_language

QUERY_KINDS: tuple[str, ...] = ("definitions", "imports", "references", "scopes", "blocks")

# TSX shares the TypeScript files unless it has its own folder.
_QUERY_FALLBACK = {"tsx": "typescript"}


@dataclass(frozen=True)
class LanguageQueries:
    """The compiled queries of one language, one per kind in `QUERY_KINDS`."""

    language: str
    definitions: CompiledQuery
    imports: CompiledQuery
    references: CompiledQuery
    scopes: CompiledQuery
    blocks: CompiledQuery


@lru_cache(maxsize=1)
def grammars_dir() -> Path:
    """Return the folder that contains the per-language query folders."""
    package_root = Path(__file__).resolve().parent.parent
    candidates = [package_root / "grammars", package_root.parent / "grammars"]
    for candidate in candidates:
        if (candidate / "python" / "definitions.scm").is_file():
            return candidate
    searched = ", ".join(str(candidate) for candidate in candidates)
    raise FileNotFoundError(f"query files not found; searched {searched}")


def query_path(language: str, kind: str) -> Path:
    folder = grammars_dir() / language
    if not (folder / f"{kind}.scm").is_file() and language in _QUERY_FALLBACK:
        folder = grammars_dir() / _QUERY_FALLBACK[language]
    return folder / f"{kind}.scm"


_compiled: dict[str, LanguageQueries] = {}
_compile_lock = threading.Lock()


def queries_for(language: str) -> LanguageQueries | None:
    """Return the compiled queries of `language`, or None when it has no grammar.

    Raises `QueryCompileError` when a shipped query file is invalid, which is a packaging
    bug that the tests catch.
    """
    cached = _compiled.get(language)
    if cached is not None:
        return cached
    if language not in SUPPORTED_LANGUAGES or load_language(language) is None:
        return None
    with _compile_lock:
        if language not in _compiled:
            compiled = {}
            for kind in QUERY_KINDS:
                path = query_path(language, kind)
                compiled[kind] = CompiledQuery(language, path.read_text(encoding="utf-8"), str(path))
            _compiled[language] = LanguageQueries(language=language, **compiled)
        return _compiled[language]


def load_all() -> list[str]:
    """Compile the queries of every supported language; return the languages that loaded."""
    return [language for language in SUPPORTED_LANGUAGES if queries_for(language) is not None]
