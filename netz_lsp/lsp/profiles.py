"""`netz.selectProfile` and the Ollama model lifecycle: preloading and the loaded models in the status."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from netz_lsp.i18n import message
from netz_lsp.lsp.progress import client_supports_progress
from netz_lsp.settings import PROFILES

logger = logging.getLogger(__name__)


def register(server) -> None:
    runtime = server.runtime

    @server.command("netz.selectProfile")
    def on_select_profile(*arguments: Any) -> dict[str, Any]:
        """Switch the profile at run time and send the new `netz/status`."""
        profile = arguments[0] if arguments else None
        if not isinstance(profile, str) or profile not in PROFILES:
            text = message("invalid_profile", runtime.locale, profile=profile, profiles=", ".join(PROFILES))
            server.show_error(text)
            raise JsonRpcInvalidParams(text)
        runtime.apply_settings({"profile": profile})
        logger.info("profile is now %s", profile)
        server.send_status()
        return server.status()


def start_preload(server) -> asyncio.Task | None:
    """Load the warm models in the background with work-done progress; never blocks the caller."""
    if not server.runtime.settings.preload or not server.models.active:
        return None
    previous = getattr(server, "_preload_task", None)
    if previous is not None and not previous.done():
        previous.cancel()
    server._preload_task = asyncio.ensure_future(_preload(server))
    return server._preload_task


async def _preload(server) -> None:
    locale = server.runtime.locale
    token = None
    if client_supports_progress(server):
        token = f"netz-preload-{uuid.uuid4()}"
        try:
            await server.work_done_progress.create_async(token)
            server.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=message("progress_preload", locale), cancellable=False))
        except Exception as error:  # noqa: BLE001 - progress is optional; preloading goes on without it
            logger.info("work-done progress not available for preloading: %s", error)
            token = None

    def report(model: str) -> None:
        if token is not None:
            server.work_done_progress.report(token, types.WorkDoneProgressReport(message=message("progress_model", locale, model=model)))

    try:
        failures = await server.models.preload(report)
    finally:
        if token is not None:
            server.work_done_progress.end(token, types.WorkDoneProgressEnd())
    for error in failures:
        server.reporter.failure(error, "preload", server.runtime.settings.request_timeout_s)
    if failures:
        server.mark_backend(all(error.kind != "backend_unreachable" for error in failures))
    else:
        server.mark_backend(True)
    server.send_status()
