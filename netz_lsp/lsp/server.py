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
from netz_lsp.lsp.protocol import NetzProtocol
from netz_lsp.lsp.reporter import FailureReporter
from netz_lsp.privacy import uri_to_path
from netz_lsp.runtime import Runtime
from netz_lsp.settings import SettingError

logger = logging.getLogger(__name__)

STATUS_NOTIFICATION = "netz/status"
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
        # Strong references to fire-and-forget tasks, which asyncio would otherwise collect.
        self.background_tasks: set[asyncio.Task] = set()

    def spawn(self, coroutine) -> asyncio.Task:
        """Run `coroutine` in the background, keeping a reference until it finishes."""
        task = asyncio.ensure_future(coroutine)
        self.background_tasks.add(task)
        task.add_done_callback(self.background_tasks.discard)
        return task

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
            "loadedModels": [],
            "reason": "",
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

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def on_configuration(params: types.DidChangeConfigurationParams) -> None:
        """Apply new settings; invalid values are reported and the old ones kept."""
        old_host = runtime.settings.backend_host()
        server.report_setting_errors(runtime.apply_settings(params.settings))
        if runtime.settings.backend_host() != old_host:
            _log_backend_host(server)
            server.backend_reachable = None
        server.send_status()

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

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def on_close(params: types.DidCloseTextDocumentParams) -> None:
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
        line, column = document.position_at(result.cursor_char, runtime.position_encoding)
        cursor = types.Position(line=line, character=column)
        item = types.InlineCompletionItem(insert_text=result.text, range=types.Range(start=cursor, end=cursor))
        return types.InlineCompletionList(items=[item])

    @server.command("netz.status")
    def on_status_command(*arguments: Any) -> dict[str, Any]:
        """Return the status object that `netz/status` also sends."""
        return server.status()

    @server.feature(types.SHUTDOWN)
    async def on_shutdown(params: Any = None) -> None:
        server.scheduler.cancel_all()
        await runtime.aclose()

    return server


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
