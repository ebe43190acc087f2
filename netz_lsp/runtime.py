"""Everything one server instance (or one CLI run) shares: settings, backend, documents."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable

from netz_lsp.backend.factory import backend_identity, create_backend
from netz_lsp.context.builder import SyntaxContextBuilder
from netz_lsp.context.file_filter import FileFilter
from netz_lsp.context.tokens import TokenEstimators
from netz_lsp.context.workspace_index import WorkspaceIndex
from netz_lsp.document.positions import PositionEncoding
from netz_lsp.document.store import DocumentStore
from netz_lsp.settings import SettingError, Settings, merge_settings
from netz_lsp.syntax.document_syntax import SyntaxIndex

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings = field(default_factory=Settings)
    documents: DocumentStore = field(default_factory=DocumentStore)
    estimators: TokenEstimators = field(default_factory=TokenEstimators)
    position_encoding: PositionEncoding = PositionEncoding.UTF16
    client_locale: str | None = None
    workspace_root: str | None = None
    # Called with the settings after every change, e.g. to update the log level.
    on_settings_changed: list[Callable[[Settings], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._backend = None
        self._backend_identity: tuple[str, ...] | None = None
        # Backends replaced after a settings change; closed at shutdown because a stream
        # started on one of them may still be running.
        self._retired_backends: list = []
        self.syntax_index = SyntaxIndex()
        self.documents.listeners.append(self.syntax_index)
        self.workspace_index: WorkspaceIndex | None = None
        self.file_filter = FileFilter(None, self.settings.exclude)
        self.context_builder = SyntaxContextBuilder(self.syntax_index, None, self.file_filter)

    def set_workspace_root(self, root: str | None) -> None:
        """Point the privacy rules and the workspace index at `root`; call `scan_workspace` next."""
        self.workspace_root = root
        if root:
            self.workspace_index = WorkspaceIndex(root, self.settings.exclude)
            self.file_filter = self.workspace_index.file_filter
        else:
            self.workspace_index = None
            self.file_filter = FileFilter(None, self.settings.exclude)
        self.context_builder = SyntaxContextBuilder(self.syntax_index, self.workspace_index, self.file_filter)

    def scan_workspace(self) -> int:
        """Index the workspace's definitions; slow on large trees, so run it off the event loop."""
        if self.workspace_index is None:
            return 0
        indexed = self.workspace_index.scan()
        logger.info("workspace index: %d files under %s", indexed, self.workspace_root)
        return indexed

    def allows(self, uri: str) -> bool:
        """Tell whether the document at `uri` may appear in prompts (privacy and exclude rules)."""
        return self.file_filter.allows(uri)

    @property
    def locale(self) -> str | None:
        return self.settings.locale or self.client_locale

    @property
    def backend(self):
        """Return the backend for the current settings, rebuilding it when they changed."""
        identity = backend_identity(self.settings)
        if self._backend is None or identity != self._backend_identity:
            old_backend = self._backend
            self._backend = create_backend(self.settings)
            self._backend_identity = identity
            logger.info("backend %s at %s", self.settings.backend, self.settings.backend_host())
            if old_backend is not None:
                self._retired_backends.append(old_backend)
        return self._backend

    def apply_settings(self, raw: object) -> list[SettingError]:
        old_exclude = self.settings.exclude
        self.settings, errors = merge_settings(self.settings, raw)
        if self.settings.exclude != old_exclude:
            if self.workspace_index is not None:
                self.workspace_index.set_exclude(self.settings.exclude)
            else:
                self.file_filter.set_exclude(self.settings.exclude)
        for callback in self.on_settings_changed:
            callback(self.settings)
        return errors

    async def aclose(self) -> None:
        backends = list(self._retired_backends)
        if self._backend is not None:
            backends.append(self._backend)
        for backend in backends:
            try:
                await backend.aclose()
            except Exception as error:  # noqa: BLE001 - shutting down; log and go on
                logger.debug("closing backend failed: %s", error)
        self._retired_backends.clear()
        self._backend = None
