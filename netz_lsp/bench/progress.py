"""A progress bar on stderr: redrawn in place on a terminal, one line per step otherwise."""

from __future__ import annotations

import sys
from typing import TextIO

BAR_WIDTH = 28


class ProgressBar:
    def __init__(self, total: int, stream: TextIO | None = None):
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self._last_label = ""

    def advance(self, label: str, steps: int = 1) -> None:
        self.done = min(self.done + steps, self.total)
        self.show(label)

    def show(self, label: str) -> None:
        filled = BAR_WIDTH * self.done // self.total
        percent = 100 * self.done // self.total
        line = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {percent:3d}% {label}"
        if self.interactive:
            self.stream.write("\r" + line[:110].ljust(110))
            self.stream.flush()
        elif label != self._last_label:
            # Outside a terminal, print each step once instead of redrawing.
            self.stream.write(line + "\n")
            self.stream.flush()
        self._last_label = label

    def finish(self) -> None:
        if self.interactive:
            self.stream.write("\n")
            self.stream.flush()
