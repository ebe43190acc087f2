"""Shared pieces of the terminal commands: building a runtime and printing failures."""

from __future__ import annotations

import locale
import os
import sys

from netz_lsp.backend.errors import BackendError
from netz_lsp.lsp.reporter import user_message
from netz_lsp.runtime import Runtime


def terminal_locale() -> str | None:
    """Return the terminal's locale from LC_ALL, LC_MESSAGES or LANG."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return value
    return locale.getlocale()[0]


def build_runtime(settings_raw: dict) -> Runtime:
    """Build a runtime from settings, exiting with a message when any value is invalid."""
    runtime = Runtime(client_locale=terminal_locale())
    errors = runtime.apply_settings(settings_raw)
    if errors:
        for error in errors:
            print(f"error: setting netz.{error.key} is invalid ({error.value}): {error.reason}", file=sys.stderr)
        raise SystemExit(2)
    return runtime


def print_backend_error(error: BackendError, runtime: Runtime) -> None:
    print(user_message(error, runtime.locale, runtime.settings.request_timeout_s), file=sys.stderr)
