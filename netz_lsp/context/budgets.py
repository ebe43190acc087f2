"""Token budgets per model and task, within the rule that prompt and reply fit in `num_ctx`.

The general table lives in `netz_lsp.defaults.MODEL_LIMITS` (DeepSeek-Coder-V2-Lite Base,
Qwen2.5-Coder-32B, Mistral 7B, Llama 3.2, Qwen2.5-72B), with the context length of each model
stated there from its model card. This module adds the small Qwen2.5-Coder models, which the
general table would give the 32B model's limits, and the function that applies the rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from typing import Any

from netz_lsp import defaults
from netz_lsp.defaults import ModelLimits


class Task(str, Enum):
    COMPLETION = "completion"
    CODE_ACTION = "code_action"
    QUESTION = "question"


# Qwen2.5-Coder 0.5B, 1.5B and 3B: the model cards on Hugging Face give a context length of
# 32,768 tokens. NOTE: the smaller num_ctx and budgets below are an estimate, not a
# measurement: these models run on machines without a GPU, where every prompt token costs
# CPU time, and a short FIM prompt keeps completions interactive there.
SMALL_QWEN_CODER_LIMITS = ModelLimits(
    num_ctx=4096, num_predict=128, completion_budget=1536, code_action_budget=3072, question_budget=3072
)
_SMALL_QWEN_CODER = re.compile(r"qwen2\.5[-_.]?coder[-_:.]?(0\.5|1\.5|3)b")

_BUDGET_FIELDS = {
    Task.COMPLETION: "completion_budget",
    Task.CODE_ACTION: "code_action_budget",
    Task.QUESTION: "question_budget",
}
# Override keys, as `ModelOptions` fields (snake_case) or as the camelCase settings keys.
_OVERRIDE_KEYS = {
    "num_ctx": ("num_ctx", "numCtx"),
    "num_predict": ("num_predict", "numPredict"),
    "completion_budget": ("completion_budget", "completionBudget"),
    "code_action_budget": ("code_action_budget", "codeActionBudget"),
    "question_budget": ("question_budget", "questionBudget"),
}


def default_limits(model: str) -> ModelLimits:
    """Return the table's limits for a model name (an Ollama tag or a GGUF file name)."""
    if _SMALL_QWEN_CODER.search(model.lower()):
        return SMALL_QWEN_CODER_LIMITS
    return defaults.limits_for(model)


def model_limits(model: str, overrides: Mapping[str, Any] | Any | None = None) -> ModelLimits:
    """Return the limits of `model` with the non-empty fields of `overrides` applied.

    `overrides` is a `settings.ModelOptions`, or a mapping with its snake_case or camelCase keys.
    """
    base = default_limits(model)
    if overrides is None:
        return base
    values = {}
    for field, keys in _OVERRIDE_KEYS.items():
        value = None
        for key in keys:
            value = overrides.get(key) if isinstance(overrides, Mapping) else getattr(overrides, key, None)
            if value is not None:
                break
        values[field] = int(value) if value is not None else getattr(base, field)
    return ModelLimits(**values)


# Budgets are in estimated tokens. With the estimate already corrected from backend reports,
# single prompts still came out up to 1.57 times their budget by the real Qwen2.5-Coder
# tokenizer (27 standard-library modules, `bench/budget_real_tokens.py`), so a budget may
# use at most 1/1.6 of the room the reply leaves in the context window.
ESTIMATE_ERROR_FACTOR = 1.6


def effective_token_budget(model: str, task: Task | str, overrides: Mapping[str, Any] | Any | None = None) -> int:
    """Return the prompt token budget of `model` for `task`, safely below `num_ctx - num_predict`.

    The reply needs `num_predict` tokens inside the same context window, and the token
    estimate can fall short of the real count (`ESTIMATE_ERROR_FACTOR`), so a larger budget
    from the table or the settings is cut to what is left. The result is at least 0.
    """
    limits = model_limits(model, overrides)
    budget = getattr(limits, _BUDGET_FIELDS[Task(task)])
    room_tokens = limits.num_ctx - limits.num_predict
    return max(0, min(budget, int(room_tokens / ESTIMATE_ERROR_FACTOR)))
