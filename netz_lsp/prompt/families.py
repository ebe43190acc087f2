"""Model families and how a model name maps to one."""

from __future__ import annotations

import re
from enum import Enum


class ModelFamily(str, Enum):
    DEEPSEEK = "deepseek"
    QWEN = "qwen"
    CODELLAMA = "codellama"
    STARCODER2 = "starcoder2"
    CODESTRAL = "codestral"
    # Chat-only families: no FIM template, used for actions and questions.
    MISTRAL = "mistral"
    LLAMA = "llama"
    QWEN_CHAT = "qwen-chat"


FIM_FAMILIES = frozenset(
    {ModelFamily.DEEPSEEK, ModelFamily.QWEN, ModelFamily.CODELLAMA, ModelFamily.STARCODER2, ModelFamily.CODESTRAL}
)

# Checked in order: the first pattern found in the lower-cased model name wins.
_NAME_PATTERNS: list[tuple[re.Pattern[str], ModelFamily]] = [
    (re.compile(r"deepseek[-_.]?coder"), ModelFamily.DEEPSEEK),
    (re.compile(r"qwen[\d.]*[-_.]?coder"), ModelFamily.QWEN),
    (re.compile(r"code[-_.]?llama"), ModelFamily.CODELLAMA),
    (re.compile(r"starcoder"), ModelFamily.STARCODER2),
    (re.compile(r"codestral"), ModelFamily.CODESTRAL),
    (re.compile(r"mistral|mixtral"), ModelFamily.MISTRAL),
    (re.compile(r"llama"), ModelFamily.LLAMA),
    (re.compile(r"qwen"), ModelFamily.QWEN_CHAT),
]


def detect_family(model_name: str) -> ModelFamily | None:
    """Guess the family from a model name such as `deepseek-coder-v2:16b-lite-base-q4_0`."""
    lowered = model_name.lower()
    for pattern, family in _NAME_PATTERNS:
        if pattern.search(lowered):
            return family
    return None
