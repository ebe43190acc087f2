"""The language server: a factory that registers thin handlers over the pipeline."""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from netz_lsp import __version__
from netz_lsp.backend.errors import BackendError
from netz_lsp.completion.scheduler import CompletionScheduler
from netz_lsp.completion.service import CompletionService
from netz_lsp.document.positions import PositionEncoding
from netz_lsp.i18n import message
from netz_lsp.lsp import actions, ask, profiles
from netz_lsp.lsp.protocol import NetzProtocol
from netz_lsp.logging_setup import set_level
from netz_lsp.lsp.reporter import FailureReporter
from netz_lsp.privacy import uri_to_path
from netz_lsp.runtime import Runtime
from netz_lsp.selection.lifecycle import ModelKeeper
from netz_lsp.selection.router import Route
from netz_lsp.settings import SettingError

logger = logging.getLogger(__name__)

STATUS_NOTIFICATION = "netz/status"
# Pause in typing after which a changed document is re-parsed, in seconds; shorter than the
# default debounce, so the parse is usually done before the completion request needs it.
SYNTAX_IDLE_S = 0.03
DEBUG_DOCUMENT_TEXT = "netz.debug.documentText"
DEBUG_STATS = "netz.debug.stats"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


class NetzLanguageServer(LanguageServer):
    """pygls server with the NETZ runtime attached."""

    def __init__(self) -> None:
        super().__init__("netz-lsp", __version__, protocol_cls=NetzProtocol)
        self.runtime = Runtime()
        self.completions = CompletionService(self.runtime)
        self.scheduler = CompletionScheduler()
        self.reporter = FailureReporter(self.show_error, lambda: self.runtime.locale)
        self.backend_reachable: bool | None = None
        self._request_ids = itertools.count(1)
        self._pending_setting_errors: list[SettingError] = []
        self.models = ModelKeeper(self.runtime, self.send_status)
        # Why the last question or code action went to its model, for `netz/status`.
        self.last_reason = ""
        # Strong references to fire-and-forget tasks, which asyncio would otherwise collect.
        self.background_tasks: set[asyncio.Task] = set()
        self._syntax_timers: dict[str, asyncio.TimerHandle] = {}

    def spawn(self, coroutine) -> asyncio.Task:
        """Run `coroutine` in the background, keeping a reference until it finishes."""
        task = asyncio.ensure_future(coroutine)
        self.background_tasks.add(task)
        task.add_done_callback(self.background_tasks.discard)
        return task

    def schedule_syntax_refresh(self, uri: str) -> None:
        """Re-parse `uri` once typing pauses for `SYNTAX_IDLE_S`, usually within the debounce.

        Each change re-arms the timer, so a burst of keystrokes costs one parse, and the
        completion request that follows the debounce finds the tree already up to date.
        """
        timer = self._syntax_timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()
        self._syntax_timers[uri] = loop.call_later(SYNTAX_IDLE_S, self._refresh_syntax, uri)

    def _refresh_syntax(self, uri: str) -> None:
        self._syntax_timers.pop(uri, None)
        try:
            self.runtime.syntax_index.get(uri)
        except Exception:  # noqa: BLE001 - the request path parses again and falls back to windows
            logger.exception("background parse of %s failed", uri)

    def next_request_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._request_ids)}"

    def show_error(self, text: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=text))

    def show_info(self, text: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=text))

    def report_setting_errors(self, errors: list[SettingError]) -> None:
        for error in errors:
            logger.warning("invalid setting netz.%s = %s: %s", error.key, error.value, error.reason)
            self.show_error(message("invalid_setting", self.runtime.locale, key=error.key, value=error.value, reason=error.reason))

    def mark_backend(self, reachable: bool) -> None:
        if reachable != self.backend_reachable:
            self.backend_reachable = reachable
            self.send_status()

    def note_route(self, route: Route) -> None:
        logger.info("routed to %s: %s", route.model, route.rule)
        if route.reason != self.last_reason:
            self.last_reason = route.reason
            self.send_status()

    def status(self) -> dict[str, Any]:
        settings = self.runtime.settings
        return {
            "profile": settings.profile,
            "models": {
                "completion": settings.models.completion,
                "chat": settings.models.chat,
                "question": settings.models.question,
            },
            "backend": settings.backend,
            "host": settings.backend_host(),
            "reachable": self.backend_reachable,
            "loadedModels": list(self.models.loaded),
            "reason": self.last_reason,
        }

    def send_status(self) -> None:
        try:
            self.protocol.notify(STATUS_NOTIFICATION, self.status())
        except Exception as error:  # noqa: BLE001 - no client attached (e.g. during shutdown)
            logger.debug("status notification not sent: %s", error)


def create_server() -> NetzLanguageServer:
    """Build a fresh server with every feature registered."""
    server = NetzLanguageServer()
    runtime = server.runtime
    runtime.on_settings_changed.append(lambda settings: set_level(settings.log_level))

    @server.feature(types.INITIALIZE)
    def on_initialize(params: types.InitializeParams) -> None:
        """Read the client's locale, position encoding, workspace and initial settings."""
        runtime.client_locale = params.locale
        server._pending_setting_errors = runtime.apply_settings(params.initialization_options)
        runtime.set_workspace_root(_workspace_root(params))

    @server.feature(types.INITIALIZED)
    def on_initialized(params: types.InitializedParams) -> None:
        """Report invalid initial settings, the backend host and the first status."""
        encoding = server.protocol.server_capabilities.position_encoding
        runtime.position_encoding = PositionEncoding.from_lsp(encoding)
        server.report_setting_errors(server._pending_setting_errors)
        server._pending_setting_errors = []
        _log_backend_host(server)
        server.send_status()
        server.spawn(_scan_workspace(runtime))
        profiles.start_preload(server)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def on_configuration(params: types.DidChangeConfigurationParams) -> None:
        """Apply new settings; invalid values are reported and the old ones kept."""
        old_host = runtime.settings.backend_host()
        old_warm_models = server.models.warm_order()
        server.report_setting_errors(runtime.apply_settings(params.settings))
        if runtime.settings.backend_host() != old_host:
            _log_backend_host(server)
            server.backend_reachable = None
        server.send_status()
        if server.models.warm_order() != old_warm_models or runtime.settings.backend_host() != old_host:
            profiles.start_preload(server)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def on_open(params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        runtime.documents.open(document.uri, document.text, document.language_id, document.version)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def on_change(params: types.DidChangeTextDocumentParams) -> None:
        changes = []
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = (change.range.start.line, change.range.start.character)
                end = (change.range.end.line, change.range.end.character)
                changes.append((start, end, change.text))
            else:
                changes.append((None, None, change.text))
        runtime.documents.change(params.text_document.uri, params.text_document.version, changes, runtime.position_encoding)
        server.schedule_syntax_refresh(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def on_close(params: types.DidCloseTextDocumentParams) -> None:
        server.scheduler.supersede(params.text_document.uri)
        server.completions.shown.forget(params.text_document.uri)
        runtime.documents.close(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def on_save(params: types.DidSaveTextDocumentParams) -> None:
        """Re-index a saved file so other files' prompts see its new definitions."""
        document = runtime.documents.get(params.text_document.uri)
        if runtime.workspace_index is not None and document is not None:
            runtime.workspace_index.update_file(uri_to_path(document.uri), document.text)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def on_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        """Follow files changed on disk outside the editor (checkouts, generators)."""
        index = runtime.workspace_index
        if index is None:
            return
        for event in params.changes:
            path = uri_to_path(event.uri)
            if path.endswith("/.gitignore"):
                index.file_filter.forget_gitignore(path.rsplit("/", 1)[0])
            elif event.type == types.FileChangeType.Deleted:
                index.remove_file(path)
            else:
                index.update_file(path)

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def on_inline_completion(params: types.InlineCompletionParams) -> types.InlineCompletionList | None:
        """Return one FIM completion at the cursor, or None when there is nothing to show."""
        request_id = server.next_request_id("c")
        document = runtime.documents.get(params.text_document.uri)
        if document is None:
            logger.info("[%s] no completion: document not open: %s", request_id, params.text_document.uri)
            return None
        position = params.position
        cursor_char = document.offset_at(position.line, position.character, runtime.position_encoding)
        shown = server.completions.continue_shown(document, cursor_char, request_id)
        if shown is not None:
            # The user typed into the suggestion on screen, so older requests are stale.
            server.scheduler.supersede(document.uri)
            return _completion_list(document, shown.cursor_char, shown.text, runtime.position_encoding)
        invoked = params.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked
        debounce_ms = 0 if invoked else runtime.settings.debounce_ms

        async def work():
            return await server.completions.complete(document, cursor_char, request_id)

        try:
            result = await server.scheduler.run(document.uri, debounce_ms, work, request_id)
        except BackendError as error:
            server.reporter.failure(error, request_id, runtime.settings.request_timeout_s)
            server.mark_backend(error.kind not in ("backend_unreachable",))
            return None
        server.reporter.success()
        server.mark_backend(True)
        if result is None:
            return None
        return _completion_list(document, result.cursor_char, result.text, runtime.position_encoding)

    @server.command("netz.status")
    async def on_status_command(*arguments: Any) -> dict[str, Any]:
        """Return the status object that `netz/status` also sends, with the loaded models read again."""
        await server.models.refresh()
        return server.status()

    @server.command(DEBUG_DOCUMENT_TEXT)
    def on_debug_document_text(*arguments: Any) -> dict[str, Any] | None:
        """Return the server's copy of a document; only with the `debugCommands` setting."""
        _require_debug_commands(runtime)
        uri = arguments[0] if arguments else None
        document = runtime.documents.get(uri) if isinstance(uri, str) else None
        if document is None:
            return None
        return {"uri": document.uri, "version": document.version, "text": document.text}

    @server.command(DEBUG_STATS)
    def on_debug_stats(*arguments: Any) -> dict[str, Any]:
        """Return counters of generations, cache hits and superseded requests."""
        _require_debug_commands(runtime)
        return debug_stats(server)

    actions.register(server)
    ask.register(server)
    profiles.register(server)

    @server.feature(types.SHUTDOWN)
    async def on_shutdown(params: Any = None) -> None:
        server.scheduler.cancel_all()
        await runtime.aclose()

    return server


def _completion_list(document, cursor_char: int, text: str, encoding: PositionEncoding) -> types.InlineCompletionList:
    line, column = document.position_at(cursor_char, encoding)
    cursor = types.Position(line=line, character=column)
    item = types.InlineCompletionItem(insert_text=text, range=types.Range(start=cursor, end=cursor))
    return types.InlineCompletionList(items=[item])


def _require_debug_commands(runtime: Runtime) -> None:
    if not runtime.settings.debug_commands:
        raise PermissionError("netz.debug.* commands are disabled; set netz.debugCommands to true in tests")


def debug_stats(server: NetzLanguageServer) -> dict[str, Any]:
    completions = server.completions
    return {
        "generationsStarted": completions.generations_started,
        "generationsFinished": completions.generations_finished,
        "promptCacheHits": completions.prompt_cache.hits,
        "promptCacheEntries": len(completions.prompt_cache),
        "shownSuggestionHits": completions.shown.hits,
        "superseded": server.scheduler.superseded_count,
        "openDocuments": len(server.runtime.documents),
        "trackedFutures": len(server.protocol._request_futures),
    }


async def _scan_workspace(runtime: Runtime) -> None:
    try:
        await asyncio.to_thread(runtime.scan_workspace)
    except Exception:  # noqa: BLE001 - completions still work with open documents only
        logger.exception("indexing the workspace at %s failed", runtime.workspace_root)


def _workspace_root(params: types.InitializeParams) -> str | None:
    if params.workspace_folders:
        return uri_to_path(params.workspace_folders[0].uri)
    if params.root_uri:
        return uri_to_path(params.root_uri)
    return params.root_path


def _log_backend_host(server: NetzLanguageServer) -> None:
    settings = server.runtime.settings
    host = settings.backend_host()
    logger.info("talking to the %s backend at %s", settings.backend, host)
    if not any(f"//{loopback}" in host for loopback in LOOPBACK_HOSTS):
        server.show_info(message("remote_host", server.runtime.locale, host=host))
