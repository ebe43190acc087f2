"""Every tunable default in one place, with its unit.

Model context windows come from each model's card on the Ollama library and Hugging Face:
DeepSeek-Coder-V2-Lite 163,840 tokens, Qwen2.5-Coder-32B 32,768 (131,072 with YaRN),
Mistral-7B-Instruct v0.3 32,768, Llama 3.2 131,072, Qwen2.5-72B 32,768 (131,072 with YaRN),
Qwen2.5-Coder-0.5B 32,768. The `num_ctx` defaults below are smaller than those limits on
purpose: memory for the KV cache grows with `num_ctx`, and a fixed, moderate value per model
keeps two models loaded at once on a 128 GB machine while leaving room for long prompts.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434"
DEFAULT_OPENAI_BASE_URL = "http://127.0.0.1:8080/v1"

DEBOUNCE_MS = 150
REQUEST_TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = 3.0
KEEP_ALIVE = "30m"
MAX_LOADED_MODELS = 2
COMPLETION_TEMPERATURE = 0.1
CHAT_TEMPERATURE = 0.3
# Reply tokens for code actions and questions when `modelOptions.<model>.numPredict` is unset;
# the per-model `num_predict` in the table below is sized for inline completions.
CHAT_NUM_PREDICT = 1024

# Ollama tags. The completion model is the Lite *Base* model, because FIM works best without
# the instruction tuning of the default `deepseek-coder-v2` (Instruct) tag.
COMPLETION_MODEL = "deepseek-coder-v2:16b-lite-base-q4_0"
CHAT_MODEL = "qwen2.5-coder:32b"
QUESTION_MODEL = "mistral"
PROFILE_MODELS = {
    "fast": "llama3.2",
    "balanced": "mistral",
    "code": "qwen2.5-coder:32b",
    "accurate": "qwen2.5:72b",
}


@dataclass(frozen=True)
class ModelLimits:
    """Context window and per-task prompt budgets of one model, in tokens."""

    num_ctx: int
    num_predict: int
    completion_budget: int
    code_action_budget: int
    question_budget: int


# Keys are matched against the model name without its tag, longest key first.
MODEL_LIMITS: dict[str, ModelLimits] = {
    "deepseek-coder-v2": ModelLimits(num_ctx=8192, num_predict=128, completion_budget=4096, code_action_budget=6144, question_budget=6144),
    "qwen2.5-coder": ModelLimits(num_ctx=16384, num_predict=256, completion_budget=4096, code_action_budget=12288, question_budget=12288),
    "qwen2.5": ModelLimits(num_ctx=16384, num_predict=1024, completion_budget=4096, code_action_budget=12288, question_budget=12288),
    "mistral": ModelLimits(num_ctx=8192, num_predict=1024, completion_budget=4096, code_action_budget=6144, question_budget=6144),
    "llama3.2": ModelLimits(num_ctx=8192, num_predict=1024, completion_budget=4096, code_action_budget=6144, question_budget=6144),
}
FALLBACK_LIMITS = ModelLimits(num_ctx=4096, num_predict=128, completion_budget=2048, code_action_budget=3072, question_budget=3072)

# Large documents: above these sizes the server keeps the text but cuts windows without parsing.
MAX_PARSED_DOCUMENT_BYTES = 2_000_000
# Completions are not requested on lines longer than this, in characters (minified files).
MAX_COMPLETION_LINE_CHARS = 10_000


def limits_for(model: str) -> ModelLimits:
    """Return the default limits of `model`, matched by name without its `:tag`."""
    base_name = model.split(":", 1)[0].lower().split("/")[-1]
    for key in sorted(MODEL_LIMITS, key=len, reverse=True):
        if base_name.startswith(key):
            return MODEL_LIMITS[key]
    return FALLBACK_LIMITS
