"""Work-done progress for long requests, and cancellation of the task that does the work.

The client cancels a request with `$/cancelRequest` or, when it shows the progress, with
`window/workDoneProgress/cancel`. Both cancel the task running the request, which closes
the backend stream on its way out.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from contextlib import asynccontextmanager
from typing import AsyncIterator

from lsprotocol import types

logger = logging.getLogger(__name__)


def client_supports_progress(server) -> bool:
    capabilities = server.protocol.client_capabilities
    window = capabilities.window if capabilities is not None else None
    return bool(window is not None and window.work_done_progress)


class ProgressHandle:
    """Reports on one work-done progress token; without client support every call does nothing."""

    def __init__(self, server, token: str | None):
        self._server = server
        self.token = token

    def report(self, text: str) -> None:
        if self.token is None:
            return
        self._server.work_done_progress.report(self.token, types.WorkDoneProgressReport(message=text))


@asynccontextmanager
async def request_work(server, title: str) -> AsyncIterator[ProgressHandle]:
    """Run the body as a cancellable request with work-done progress titled `title`."""
    task = asyncio.current_task()
    msg_id = server.protocol.msg_id
    if msg_id is not None and task is not None:
        server.protocol.cancellable_tasks[msg_id] = task
    token = None
    if client_supports_progress(server):
        token = f"netz-{uuid.uuid4()}"
        try:
            await server.work_done_progress.create_async(token)
            server.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title, cancellable=True))
            cancel_future = server.work_done_progress.tokens.get(token)
            if cancel_future is not None and task is not None:
                cancel_future.add_done_callback(lambda future: future.cancelled() and _cancel(task, token))
        except Exception as error:  # noqa: BLE001 - progress is optional; the work goes on without it
            logger.info("work-done progress not available: %s", error)
            token = None
    try:
        yield ProgressHandle(server, token)
    finally:
        if msg_id is not None:
            server.protocol.cancellable_tasks.pop(msg_id, None)
        if token is not None:
            server.work_done_progress.end(token, types.WorkDoneProgressEnd())
            server.work_done_progress.tokens.pop(token, None)


def _cancel(task: asyncio.Task, token: str) -> None:
    logger.info("work-done progress %s cancelled by the client", token)
    task.get_loop().call_soon_threadsafe(task.cancel)
