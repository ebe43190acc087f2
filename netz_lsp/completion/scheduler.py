"""Debounce and supersede completion requests per document.

A new request for a document cancels the one still running for it, which closes its backend
stream so the model stops generating. Each request first waits `debounce_ms`; if a newer one
arrived meanwhile, it returns None without touching the backend.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Superseded(Exception):
    """A newer request for the same document replaced this one."""


class CompletionScheduler:
    def __init__(self) -> None:
        self._latest_ticket: dict[str, int] = {}
        self._running: dict[str, asyncio.Task] = {}
        self._next_ticket = 0
        self.superseded_count = 0

    async def run(self, key: str, debounce_ms: int, work: Callable[[], Awaitable[T]], request_id: str = "") -> T | None:
        """Run `work` for `key` after the debounce, unless a newer request for `key` arrives."""
        self._next_ticket += 1
        ticket = self._next_ticket
        self._latest_ticket[key] = ticket
        previous = self._running.pop(key, None)
        if previous is not None and not previous.done():
            logger.debug("[%s] superseding the running request for %s", request_id, key)
            self.superseded_count += 1
            previous.cancel()

        if debounce_ms > 0:
            await asyncio.sleep(debounce_ms / 1000)
        if self._latest_ticket.get(key) != ticket:
            logger.debug("[%s] superseded during debounce", request_id)
            return None

        task = asyncio.ensure_future(work())
        self._running[key] = task
        try:
            return await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
            logger.debug("[%s] superseded while generating; stream closed", request_id)
            return None
        finally:
            if self._running.get(key) is task:
                del self._running[key]
            if self._latest_ticket.get(key) == ticket:
                del self._latest_ticket[key]

    def supersede(self, key: str) -> None:
        """Drop the request waiting or running for `key`, e.g. because a cached answer replaced it."""
        self._latest_ticket.pop(key, None)
        previous = self._running.pop(key, None)
        if previous is not None and not previous.done():
            self.superseded_count += 1
            previous.cancel()

    def cancel_all(self) -> None:
        for task in self._running.values():
            task.cancel()
        self._running.clear()
