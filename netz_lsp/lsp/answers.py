"""Deliver answers to the client: `netz/answer` parts while generating, then a Markdown view.

Any LSP client can show the final Markdown: clients that support `window/showDocument`
open a generated `.md` file from the answers folder, others get `window/showMessage`.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from lsprotocol import types

logger = logging.getLogger(__name__)

ANSWER_NOTIFICATION = "netz/answer"
# Answer files kept in the answers folder; older ones are deleted.
MAX_ANSWER_FILES = 50


def answers_folder() -> Path:
    """Return `$NETZ_CACHE_DIR/answers`, else `$XDG_CACHE_HOME/netz-ai/answers`, else `~/.cache/netz-ai/answers`."""
    configured = os.environ.get("NETZ_CACHE_DIR")
    if configured:
        return Path(configured) / "answers"
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "netz-ai" / "answers"


class AnswerStream:
    """Sends the parts of one answer as `netz/answer` notifications; the parts add up to the answer."""

    def __init__(self, server, answer_id: str, kind: str, title: str, model: str):
        self._server = server
        self.answer_id = answer_id
        self.kind = kind
        self.title = title
        self.model = model
        self.text = ""

    def delta(self, text: str) -> None:
        self.text += text
        self._send(text, done=False)

    def finish(self) -> None:
        self._send("", done=True)

    def _send(self, delta: str, done: bool) -> None:
        self._server.protocol.notify(
            ANSWER_NOTIFICATION,
            {"answerId": self.answer_id, "kind": self.kind, "title": self.title, "delta": delta, "done": done, "model": self.model},
        )


def show_markdown(server, answer_id: str, title: str, markdown: str) -> None:
    """Show `markdown` in the editor: a `.md` file when the client opens documents, else a message."""
    capabilities = server.protocol.client_capabilities
    window = capabilities.window if capabilities is not None else None
    if window is not None and window.show_document is not None and window.show_document.support:
        try:
            path = _write_answer(answer_id, title, markdown)
        except OSError as error:
            logger.warning("[%s] answer file not written: %s; showing a message instead", answer_id, error)
        else:
            server.window_show_document(types.ShowDocumentParams(uri=path.as_uri(), take_focus=True))
            return
    server.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=f"{title}\n\n{markdown}"))


def _write_answer(answer_id: str, title: str, markdown: str) -> Path:
    folder = answers_folder()
    folder.mkdir(parents=True, exist_ok=True)
    safe_id = re.sub(r"[^A-Za-z0-9_.-]", "_", answer_id)
    path = folder / f"{safe_id}.md"
    path.write_text(f"# {title}\n\n{markdown.rstrip()}\n", encoding="utf-8")
    old_files = sorted(folder.glob("*.md"), key=lambda file: file.stat().st_mtime, reverse=True)[MAX_ANSWER_FILES:]
    for old_file in old_files:
        old_file.unlink(missing_ok=True)
    return path
