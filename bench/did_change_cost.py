"""Server-side cost of one `didChange`: decoding, dispatch and the edit, without the pipe.

Feeds 6,000 JSON-encoded `didChange` notifications (type a character, delete it) straight
into the protocol of a server built by `create_server()`, so the number excludes the stdio
transport and the client, which bound the end-to-end rate in `load_bench.py`.

    python bench/did_change_cost.py
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from netz_lsp.lsp.server import create_server  # noqa: E402

NOTIFICATIONS = 6_000
URI = "file:///bench/cost.py"


class _NullWriter:
    def write(self, data) -> None:
        pass

    def close(self) -> None:
        pass


def encoded_changes() -> list[str]:
    messages = []
    for version in range(2, NOTIFICATIONS + 2):
        end_character = 9 if version % 2 == 0 else 10
        change = {
            "range": {"start": {"line": 200, "character": 9}, "end": {"line": 200, "character": end_character}},
            "text": "x" if version % 2 == 0 else "",
        }
        params = {"textDocument": {"uri": URI, "version": version}, "contentChanges": [change]}
        messages.append(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": params}))
    return messages


async def measure() -> float:
    server = create_server()
    protocol = server.protocol
    protocol.set_writer(_NullWriter())
    initialize = {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": {"preload": False}}
    protocol.handle_message(protocol.structure_message({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": initialize}))
    await asyncio.sleep(0.1)
    protocol.handle_message(protocol.structure_message({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    text = "".join(f"def function_{line}(value):\n    return value * {line}\n" for line in range(100)) + "result = \n"
    opened = {"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": text}}
    protocol.handle_message(protocol.structure_message({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": opened}))

    messages = encoded_changes()
    started = time.perf_counter()
    for message in messages:
        protocol.handle_message(protocol.structure_message(json.loads(message)))
    elapsed_s = time.perf_counter() - started
    return elapsed_s / len(messages) * 1e6


def main() -> None:
    cost_us = asyncio.run(measure())
    print(f"didChange handled in the server: {cost_us:.1f} µs each, {1e6 / cost_us:,.0f} per second on one core")


if __name__ == "__main__":
    main()
