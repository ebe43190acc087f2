"""Stream one chat reply from the backend, passing each part on as it arrives."""

from __future__ import annotations

import logging
import time
from contextlib import aclosing
from typing import Callable

from netz_lsp.backend.base import ChatRequest

logger = logging.getLogger(__name__)


async def stream_chat(backend, request: ChatRequest, on_delta: Callable[[str], None] | None = None) -> str:
    """Return the whole reply; a cancelled caller closes the stream, and with it the HTTP response."""
    started_at = time.perf_counter()
    parts: list[str] = []
    async with aclosing(backend.chat(request)) as stream:
        async for chunk in stream:
            if chunk.text:
                parts.append(chunk.text)
                if on_delta is not None:
                    on_delta(chunk.text)
            if chunk.done:
                break
    reply = "".join(parts)
    logger.info("[%s] %s returned %d chars in %.0f ms", request.request_id, request.model, len(reply), (time.perf_counter() - started_at) * 1000)
    return reply
