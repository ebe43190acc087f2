"""Everything one server instance (or one CLI run) shares: settings, backend, documents."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable

from netz_lsp.backend.factory import backend_identity, create_backend
from netz_lsp.context.tokens import TokenEstimators
from netz_lsp.context.types import ContextBuilder
from netz_lsp.context.window import LineWindowBuilder
from netz_lsp.document.positions import PositionEncoding
from netz_lsp.document.store import DocumentStore
from netz_lsp.privacy import is_private
from netz_lsp.settings import SettingError, Settings, merge_settings

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings = field(default_factory=Settings)
    documents: DocumentStore = field(default_factory=DocumentStore)
    estimators: TokenEstimators = field(default_factory=TokenEstimators)
    context_builder: ContextBuilder = field(default_factory=LineWindowBuilder)
    position_encoding: PositionEncoding = PositionEncoding.UTF16
    client_locale: str | None = None
    workspace_root: str | None = None
    # Called with the settings after every change, e.g. to update the log level.
    on_settings_changed: list[Callable[[Settings], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._backend = None
        self._backend_identity: tuple[str, ...] | None = None

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

    @property
    def _retired_backends(self) -> list:
        if not hasattr(self, "_retired"):
            self._retired = []
        return self._retired

    def is_private(self, uri: str) -> bool:
        """Return True when `uri` must not contribute to any prompt (see `netz_lsp.privacy`)."""
        return is_private(uri, self.settings.exclude, self.workspace_root)

    def apply_settings(self, raw: object) -> list[SettingError]:
        self.settings, errors = merge_settings(self.settings, raw)
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
