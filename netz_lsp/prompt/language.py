"""Detect whether a question is written in Turkish or English, and whether it contains code."""

from __future__ import annotations

import re

TURKISH_LETTERS = frozenset("çğıİöşüÇĞÖŞÜ")

# Frequent Turkish words written without Turkish letters, so that "bu fonksiyon ne yapar"
# is detected. Words that are also English words or common identifiers (`var`, `in`) are left out.
TURKISH_WORDS = frozenset(
    {
        "bu", "ne", "neden", "nedir", "nasil", "niye", "hangi", "nerede", "mi", "mu", "ve", "veya",
        "ile", "bir", "icin", "gibi", "ama", "fakat", "yapar", "yapiyor", "ediyor", "olur", "olarak",
        "fonksiyon", "fonksiyonu", "kod", "kodu", "hata", "hatasi", "sinif", "sinifi", "degisken",
        "nedeni", "anlat", "acikla", "yaz", "mudur", "midir", "lutfen", "yok",
    }
)

_CODE_SPAN = re.compile(r"```.*?(```|$)|`[^`\n]*`", re.DOTALL)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Shapes that occur in code and rarely in prose: calls, assignments, arrows, keywords.
_CODE_SHAPES = re.compile(
    r"```|`[^`\n]+`|\b\w+\([^()\n]*\)|\b(def|class|function|return|import|fn|func|const|let)\s+\w|"
    r"=>|->|::|[{};]\s*$|\w+\s*=\s*[\w\"'\[({]",
    re.MULTILINE,
)


def prose_of(text: str) -> str:
    """Return `text` without backtick code spans and fenced blocks."""
    return _CODE_SPAN.sub(" ", text)


def question_language(text: str) -> str:
    """Return "tr" when the prose of `text` is Turkish, else "en".

    Turkish letters anywhere in the prose decide at once; otherwise one frequent Turkish
    word that is not also English is enough.
    """
    prose = prose_of(text)
    if any(char in TURKISH_LETTERS for char in prose):
        return "tr"
    words = {word.lower() for word in _WORD.findall(prose)}
    return "tr" if words & TURKISH_WORDS else "en"


def contains_code(text: str) -> bool:
    """Tell whether `text` contains code: a fenced block, an inline code span or code-like syntax."""
    return _CODE_SHAPES.search(text) is not None
