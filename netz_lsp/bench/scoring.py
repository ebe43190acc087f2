"""Scores for FIM completions (exact match, edit similarity) and replies to Turkish questions."""

from __future__ import annotations

import re

from netz_lsp.bench.datasets import TurkishQuestion

TURKISH_LETTERS = frozenset("çğıöşüÇĞİÖŞÜ")
# Frequent function words that are unambiguous between Turkish and English prose.
TURKISH_WORDS = frozenset(
    "ve bir bu için ile olarak da de daha gibi çok ne nasıl değil veya ise olan kullanılır "
    "şekilde örnek örneğin yani eğer sonra önce her şu bunu bunun kadar olur".split()
)
ENGLISH_WORDS = frozenset(
    "the and is are to of for with this that you can be an it in as or use used example "
    "which when how if not by from".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CODE_BLOCK = re.compile(r"```.*?(```|$)", re.DOTALL)


def edit_distance(first: str, second: str) -> int:
    """Return the Levenshtein distance: insertions, deletions and substitutions of characters."""
    if len(first) < len(second):
        first, second = second, first
    previous = list(range(len(second) + 1))
    for i, first_char in enumerate(first, start=1):
        current = [i]
        for j, second_char in enumerate(second, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (first_char != second_char)))
        previous = current
    return previous[-1]


def edit_similarity(predicted: str, expected: str) -> float:
    """Return 1 - distance / length of the longer string: 1.0 for equal strings, 0.0 for disjoint ones."""
    longest = max(len(predicted), len(expected))
    if longest == 0:
        return 1.0
    return 1.0 - edit_distance(predicted, expected) / longest


def first_line(completion: str | None) -> str:
    """Return the completion's first line, which is what a line-remainder hole is scored on."""
    if not completion:
        return ""
    return completion.split("\n", 1)[0]


def score_fim(completion: str | None, expected: str) -> tuple[bool, float]:
    """Return (exact match, edit similarity) of a completion's first line against `expected`."""
    predicted = first_line(completion).strip()
    target = expected.strip()
    return predicted == target, edit_similarity(predicted, target)


def turkish_lower(text: str) -> str:
    """Lower-case with Turkish rules for I and İ, which str.lower() gets wrong."""
    return text.replace("I", "ı").replace("İ", "i").lower()


def is_turkish(text: str) -> bool:
    """Detect Turkish prose by Turkish-only letters and frequent Turkish words; code blocks are ignored."""
    prose = _CODE_BLOCK.sub(" ", text)
    words = [turkish_lower(word) for word in _WORD.findall(prose)]
    if len(words) < 3:
        return False
    turkish_letters = sum(1 for char in prose if char in TURKISH_LETTERS)
    turkish_words = sum(1 for word in words if word in TURKISH_WORDS)
    english_words = sum(1 for word in words if word in ENGLISH_WORDS)
    if turkish_words > english_words and turkish_letters >= 2:
        return True
    return turkish_words >= 3 and turkish_words >= 2 * english_words


def matched_key_terms(answer: str, question: TurkishQuestion) -> int:
    """Return how many of the question's key-term groups have a term in `answer`."""
    lowered = turkish_lower(answer)
    return sum(1 for group in question.key_terms if any(turkish_lower(term) in lowered for term in group))
