"""The bundled benchmark data: FIM holes from CPython's standard library and Turkish questions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class FimHole:
    """A line remainder cut out of real code: the prompt contains `prefix` and `suffix`."""

    hole_id: str
    path: str
    line: int
    prefix: str
    suffix: str
    expected: str


@dataclass(frozen=True)
class TurkishQuestion:
    """A Turkish question; each group in `key_terms` lists terms of which one must appear."""

    question_id: str
    question: str
    key_terms: tuple[tuple[str, ...], ...]


def _load_json(name: str) -> dict:
    text = resources.files("netz_lsp.bench").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


def load_fim_holes() -> list[FimHole]:
    document = _load_json("fim_holes.json")
    return [
        FimHole(
            hole_id=hole["id"],
            path=hole["path"],
            line=hole["line"],
            prefix=hole["prefix"],
            suffix=hole["suffix"],
            expected=hole["expected"],
        )
        for hole in document["holes"]
    ]


def load_turkish_questions() -> list[TurkishQuestion]:
    document = _load_json("turkish_questions.json")
    return [
        TurkishQuestion(
            question_id=entry["id"],
            question=entry["question"],
            key_terms=tuple(tuple(group) for group in entry["key_terms"]),
        )
        for entry in document["questions"]
    ]
