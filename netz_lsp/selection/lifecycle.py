"""Which models Ollama keeps loaded: preload at start-up, the loaded-model limit, `/api/ps`.

Models are kept warm in this order: the completion model, then the chat model, up to
`maxLoadedModels`. Before a chat request for a model that is not loaded, models are
unloaded (`keep_alive` 0) from the back of that order until the new one fits.
Every load sends the model's fixed `num_ctx`, so Ollama never reloads it with another size.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

from netz_lsp.backend.errors import BackendError
from netz_lsp.runtime import Runtime

logger = logging.getLogger(__name__)


def full_name(model: str) -> str:
    """Return Ollama's full name of a model: `mistral` is `mistral:latest`."""
    return model if ":" in model.rsplit("/", 1)[-1] else f"{model}:latest"


class ModelKeeper:
    """Loads and unloads Ollama models; the other backends manage their models themselves."""

    def __init__(self, runtime: Runtime, on_loaded_changed: Callable[[], None] | None = None):
        self.runtime = runtime
        self.loaded: list[str] = []
        self._on_loaded_changed = on_loaded_changed
        self._lock = asyncio.Lock()

    @property
    def active(self) -> bool:
        return self.runtime.settings.backend == "ollama"

    def warm_order(self) -> list[str]:
        """Return the models to keep loaded, most important first, within `maxLoadedModels`."""
        settings = self.runtime.settings
        order = []
        if settings.completion_enabled:
            order.append(settings.models.completion)
        order.append(settings.models.chat)
        return list(dict.fromkeys(order))[: settings.max_loaded_models]

    async def refresh(self) -> list[str]:
        """Read the loaded models from `/api/ps`; on failure keep the last known list."""
        if not self.active:
            self._set_loaded([])
            return []
        try:
            loaded = await self.runtime.backend.loaded_models()
        except BackendError as error:
            logger.info("could not read the loaded models from %s: %s", error.host, error)
            return self.loaded
        self._set_loaded([model.name for model in loaded])
        return self.loaded

    async def preload(self, report: Callable[[str], None] = lambda model: None) -> list[BackendError]:
        """Load the warm models one after another; return the failures (the others still load)."""
        if not self.active:
            return []
        failures = []
        for model in self.warm_order():
            report(model)
            try:
                await self.make_room_for(model)
                await self._load(model)
            except BackendError as error:
                logger.warning("preloading %s failed: %s", model, error)
                failures.append(error)
        await self.refresh()
        return failures

    async def make_room_for(self, model: str) -> None:
        """Unload models until `model` fits within `maxLoadedModels` next to the loaded ones."""
        if not self.active:
            return
        async with self._lock:
            loaded = await self.refresh()
            wanted = full_name(model)
            if wanted in (full_name(name) for name in loaded):
                return
            limit = self.runtime.settings.max_loaded_models
            priority = {full_name(name): index for index, name in enumerate(self.warm_order())}
            # Models outside the warm order go first, then the warm ones from the back.
            victims = sorted(loaded, key=lambda name: -priority.get(full_name(name), len(priority)))
            remaining = list(loaded)
            for victim in victims:
                if len(remaining) + 1 <= limit:
                    break
                logger.info("unloading %s to make room for %s (maxLoadedModels %d)", victim, model, limit)
                try:
                    await self.runtime.backend.unload(victim)
                except BackendError as error:
                    logger.warning("unloading %s failed: %s", victim, error)
                    continue
                remaining.remove(victim)
            self._set_loaded(remaining)

    async def _load(self, model: str) -> None:
        settings = self.runtime.settings
        num_ctx = settings.limits_for(model).num_ctx
        logger.info("loading %s (num_ctx %d, keep_alive %s)", model, num_ctx, settings.keep_alive)
        await self.runtime.backend.load(model, num_ctx, settings.keep_alive)

    def _set_loaded(self, names: list[str]) -> None:
        if names != self.loaded:
            self.loaded = names
            if self._on_loaded_changed is not None:
                self._on_loaded_changed()
