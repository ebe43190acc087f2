"""Logging to stderr: stdout carries the LSP stream, so nothing else may write there."""

from __future__ import annotations

import logging
import sys

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str = "info") -> None:
    root = logging.getLogger()
    if not any(getattr(handler, "_netz", False) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler._netz = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    set_level(level)


def set_level(level: str) -> None:
    logging.getLogger().setLevel(level.upper())
    # Keep HTTP client chatter out of the default log: it would print every request line.
    for noisy in ("httpx", "httpcore", "openai", "pygls", "httpx2"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
