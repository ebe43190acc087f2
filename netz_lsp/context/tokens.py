"""Token counts estimated per model family and corrected from the backend's own counts.

Counting with the real tokenizer would need the model's vocabulary on the client side, so
the estimate is characters divided by a per-family ratio. Each reply from the backend reports
how many prompt tokens it really saw (`prompt_eval_count` from Ollama, `usage.prompt_tokens`
from OpenAI-compatible servers); `observe` moves the ratio towards the measured one, so the
budget converges on the real tokenizer after a few requests.
"""

from __future__ import annotations

import threading

# Characters per token measured on source code: an estimate that starts on the safe side
# (lower than the real ratio), so the first prompts fit even before any correction arrives.
INITIAL_CHARS_PER_TOKEN = 3.0
MIN_CHARS_PER_TOKEN = 1.0
MAX_CHARS_PER_TOKEN = 6.0
# Weight of the newest observation in the moving average.
CORRECTION_WEIGHT = 0.3
# Safety margin applied to every estimate, because a prompt over `num_ctx` is truncated.
SAFETY_FACTOR = 1.05


class TokenEstimator:
    """Per-model estimate of token counts, corrected from reported prompt sizes."""

    def __init__(self, chars_per_token: float = INITIAL_CHARS_PER_TOKEN):
        self._chars_per_token = chars_per_token
        self._observations = 0
        self._lock = threading.Lock()

    @property
    def chars_per_token(self) -> float:
        return self._chars_per_token

    @property
    def observations(self) -> int:
        return self._observations

    def count(self, text: str) -> int:
        """Estimate the number of tokens in `text`, rounded up, with a safety margin."""
        if not text:
            return 0
        return int(len(text) * SAFETY_FACTOR / self._chars_per_token) + 1

    def max_chars(self, token_budget: int) -> int:
        """Return how many characters fit into `token_budget` tokens by this estimate."""
        if token_budget <= 0:
            return 0
        return int((token_budget - 1) * self._chars_per_token / SAFETY_FACTOR)

    def observe(self, prompt_chars: int, reported_tokens: int) -> None:
        """Correct the ratio from a prompt of `prompt_chars` the backend counted as `reported_tokens`."""
        if prompt_chars < 200 or reported_tokens <= 0:
            return
        measured = prompt_chars / reported_tokens
        measured = max(MIN_CHARS_PER_TOKEN, min(MAX_CHARS_PER_TOKEN, measured))
        with self._lock:
            if self._observations == 0:
                self._chars_per_token = min(self._chars_per_token, measured) * 0.5 + measured * 0.5
            else:
                self._chars_per_token += CORRECTION_WEIGHT * (measured - self._chars_per_token)
            self._observations += 1


class TokenEstimators:
    """One estimator per model name."""

    def __init__(self) -> None:
        self._by_model: dict[str, TokenEstimator] = {}

    def for_model(self, model: str) -> TokenEstimator:
        estimator = self._by_model.get(model)
        if estimator is None:
            estimator = self._by_model[model] = TokenEstimator()
        return estimator
