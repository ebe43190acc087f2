"""Comment syntax per language: inline `NETZ?` questions and answers inserted as comments."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

HASH_LANGUAGES = frozenset({"python", "ruby", "shellscript", "perl", "r", "yaml", "toml", "makefile", "dockerfile", "elixir"})
DASH_LANGUAGES = frozenset({"lua", "sql", "haskell"})
ANSWER_WIDTH = 88

_QUESTION = re.compile(r"^(?P<indent>\s*)(?P<marker>#|//+|--)\s*(?:NETZ\?|\?\?)\s*(?P<question>.*\S)\s*$")


def line_comment_marker(language_id: str) -> str:
    if language_id in HASH_LANGUAGES:
        return "#"
    if language_id in DASH_LANGUAGES:
        return "--"
    return "//"


@dataclass(frozen=True)
class InlineQuestion:
    """A `NETZ?` or `??` comment: the question text, its line and its indentation."""

    question: str
    line: int
    indentation: str


def inline_question(line_text: str, line: int, language_id: str) -> InlineQuestion | None:
    """Return the question on a comment line that starts with `NETZ?` or `??`, in this language's comment syntax."""
    match = _QUESTION.match(line_text)
    if match is None:
        return None
    marker = match.group("marker")
    expected = line_comment_marker(language_id)
    if not (marker == expected or (expected == "//" and marker.startswith("//"))):
        return None
    return InlineQuestion(match.group("question"), line, match.group("indent"))


def answer_comment(answer: str, indentation: str, language_id: str, line_ending: str = "\n") -> str:
    """Format `answer` as line comments at `indentation`, wrapped at `ANSWER_WIDTH` columns."""
    marker = line_comment_marker(language_id)
    prefix = f"{indentation}{marker} "
    width = max(ANSWER_WIDTH - len(prefix), 30)
    lines = []
    for paragraph in _plain(answer).split("\n"):
        if not paragraph.strip():
            lines.append(prefix.rstrip())
            continue
        lines.extend(prefix + part for part in textwrap.wrap(paragraph.strip(), width) or [""])
    while lines and lines[-1] == prefix.rstrip():
        lines.pop()
    return line_ending.join(lines) + line_ending


def _plain(answer: str) -> str:
    """Drop code fences and comment markers a model may add, keeping the text between them."""
    kept = []
    for line in answer.strip().split("\n"):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            continue
        kept.append(re.sub(r"^\s*(#|//+|--)\s?", "", line))
    return "\n".join(kept).strip()
