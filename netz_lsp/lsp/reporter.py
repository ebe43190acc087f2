"""Tell the user about a backend failure once per episode, in their language.

An episode starts with the first failure and ends with the next success, so an unreachable
backend produces one message, not one per keystroke. A different kind of failure inside an
episode (the server came back but the model is missing) is reported once as well.
"""

from __future__ import annotations

import logging
from typing import Callable

from netz_lsp.backend.errors import BackendError
from netz_lsp.i18n import message

logger = logging.getLogger(__name__)


class FailureReporter:
    def __init__(self, show: Callable[[str], None], locale: Callable[[], str | None]):
        self._show = show
        self._locale = locale
        self._episode_keys: set[tuple[str, str]] = set()

    @property
    def in_episode(self) -> bool:
        return bool(self._episode_keys)

    def failure(self, error: BackendError, request_id: str = "", timeout_s: float | None = None) -> None:
        logger.warning("[%s] %s failed for model %s at %s: %s", request_id, error.backend, error.model, error.host, error)
        key = (error.kind, error.model)
        if key in self._episode_keys:
            return
        self._episode_keys.add(key)
        self._show(user_message(error, self._locale(), timeout_s))

    def success(self) -> bool:
        """End the episode; return True when one was running."""
        was_running = bool(self._episode_keys)
        self._episode_keys.clear()
        return was_running


def user_message(error: BackendError, locale: str | None, timeout_s: float | None = None) -> str:
    kind = error.kind
    if kind == "model_not_found" and error.backend != "ollama":
        kind = "model_not_found_openai"
    if kind == "backend_unreachable" and error.backend != "ollama":
        kind = "backend_unreachable_openai"
    return message(
        kind,
        locale,
        backend="Ollama" if error.backend == "ollama" else "OpenAI-compatible",
        host=error.host,
        host_key="ollamaHost" if error.backend == "ollama" else "openaiBaseUrl",
        model=error.model,
        status=error.status if error.status is not None else "?",
        detail=error.detail[:200],
        timeout_s=timeout_s if timeout_s is not None else "?",
        path=getattr(error, "path", "?"),
    )
