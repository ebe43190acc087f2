"""`netz-lsp bench`: not built yet; exits with a message instead of pretending to measure."""

from __future__ import annotations

import sys


async def run_bench(arguments, settings_raw: dict) -> int:
    # TODO: measure time to first token, tokens/s, FIM accuracy and Turkish quality per model.
    print("error: `netz-lsp bench` is not available in this version.", file=sys.stderr)
    return 2
