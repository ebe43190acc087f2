"""Replay typing bursts against `netz-lsp` and an Ollama double that records every request.

Each burst types keys at a fixed rhythm; every key is a `didChange` followed by an automatic
`textDocument/inlineCompletion`, as editors send them. Reported per rhythm: generations the
server started and finished, and how long a superseded stream stayed open (from the newer
request being sent to the double seeing the connection closed; both clocks are this
process's `time.monotonic`). A last scenario types through a shown suggestion and deletes
back, which should reach the backend zero times.

    nice python bench/typing_bench.py --output bench/results/typing.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.lsp_stdio import LspStdioClient, did_change, did_open, inline_completion, percentile  # noqa: E402
from tests.doubles.ollama_double import OllamaDouble  # noqa: E402

URI = "file:///bench/typing.py"
TARGET_GENERATIONS_PER_BURST = 1
TARGET_CLOSE_MS = 50.0
# The double streams 4 characters every 10 ms, about 100 tokens/s, so a generation of this
# reply lasts about 2.5 s and is still running when the next key arrives.
STREAMED_REPLY = "result = compute_total(values, weights)\n" * 25

RHYTHMS = [
    ("20 keys, 60 ms apart", [60] * 19),
    ("20 keys, 30 ms apart", [30] * 19),
    ("10 keys, 250 ms apart (slower than the debounce)", [250] * 9),
    ("5 keys, 400 ms pause, 5 keys (60 ms apart)", [60] * 4 + [400] + [60] * 4),
]


async def replay_burst(client: LspStdioClient, double: OllamaDouble, gaps_ms: list[int], version: int, column: int) -> tuple[dict, int, int]:
    """Type `len(gaps_ms) + 1` keys at the end of line 0; return the metrics and the new state."""
    double.clear()
    sent_at: list[float] = []
    pending = []
    for index in range(len(gaps_ms) + 1):
        version += 1
        client.notify("textDocument/didChange", did_change(URI, version, 0, column, column, "x"))
        column += 1
        sent_at.append(time.monotonic())
        pending.append(client.request_future("textDocument/inlineCompletion", inline_completion(URI, 0, column, invoked=False)))
        if index < len(gaps_ms):
            await asyncio.sleep(gaps_ms[index] / 1000)
    results = await asyncio.gather(*pending, return_exceptions=True)
    await asyncio.sleep(0.2)
    records = double.requests_to("/api/generate")
    close_ms = []
    for record in records:
        if record.client_closed_early and record.closed_at is not None:
            newer = [moment for moment in sent_at if moment > record.received_at]
            if newer:
                close_ms.append((record.closed_at - newer[0]) * 1000)
    metrics = {
        "keys": len(gaps_ms) + 1,
        "generations_started": len(records),
        "generations_finished": sum(1 for record in records if record.finished),
        "generations_closed_early": sum(1 for record in records if record.client_closed_early),
        "superseded_close_ms_p50": percentile(close_ms, 0.5),
        "superseded_close_ms_max": max(close_ms) if close_ms else float("nan"),
        "answered": sum(1 for result in results if isinstance(result, dict) and result.get("items")),
        "errors": sum(1 for result in results if isinstance(result, BaseException)),
    }
    return metrics, version, column


async def type_through(client: LspStdioClient, double: OllamaDouble, version: int) -> dict:
    """Show a suggestion, type 8 of its characters, then delete back 4; count backend requests."""
    uri = "file:///bench/type_through.py"
    suggestion = "compute_total(values, weights)"
    double.reply_with(suggestion)
    double.chunk_delay_s = 0.0
    client.notify("textDocument/didOpen", did_open(uri, "total = \n"))
    shown = await client.request("textDocument/inlineCompletion", inline_completion(uri, 0, 8, invoked=True))
    assert shown and shown["items"][0]["insertText"] == suggestion, shown
    double.clear()
    column = 8
    version = 1
    continued = []
    for char in suggestion[:8]:
        version += 1
        client.notify("textDocument/didChange", did_change(uri, version, 0, column, column, char))
        column += 1
        result = await client.request("textDocument/inlineCompletion", inline_completion(uri, 0, column, invoked=False))
        continued.append(result["items"][0]["insertText"] if result else None)
        await asyncio.sleep(0.06)
    for _ in range(4):
        version += 1
        client.notify("textDocument/didChange", did_change(uri, version, 0, column - 1, column, ""))
        column -= 1
        result = await client.request("textDocument/inlineCompletion", inline_completion(uri, 0, column, invoked=False))
        continued.append(result["items"][0]["insertText"] if result else None)
        await asyncio.sleep(0.06)
    expected = [suggestion[typed:] for typed in range(1, 9)] + [suggestion[typed:] for typed in (7, 6, 5, 4)]
    return {
        "keys": 12,
        "backend_requests": len(double.requests_to("/api/generate")),
        "suggestions_correct": sum(1 for got, want in zip(continued, expected) if got == want),
    }


async def run(output: Path | None) -> dict:
    report: dict = {"rhythms": {}}
    with OllamaDouble() as double:
        double.reply_with(STREAMED_REPLY)
        double.chunk_delay_s = 0.01
        client = LspStdioClient()
        await client.start({"ollamaHost": double.url, "debounceMs": 150, "requestTimeoutS": 10, "preload": False})
        try:
            client.notify("textDocument/didOpen", did_open(URI, "value = \n"))
            version, column = 1, 8
            # Warm-up: the first request imports the HTTP client and opens the connection.
            _, version, column = await replay_burst(client, double, [60] * 4, version, column)
            await asyncio.sleep(0.3)
            for name, gaps in RHYTHMS:
                metrics, version, column = await replay_burst(client, double, gaps, version, column)
                report["rhythms"][name] = metrics
                await asyncio.sleep(0.3)
            report["type_through"] = await type_through(client, double, version)
        finally:
            await client.stop()
    print_report(report)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2) + "\n")
    return report


def print_report(report: dict) -> None:
    print(f"{'rhythm':52} {'started':>8} {'finished':>8} {'closed':>7} {'close p50 ms':>13} {'close max ms':>13}")
    for name, metrics in report["rhythms"].items():
        print(
            f"{name:52} {metrics['generations_started']:>8} {metrics['generations_finished']:>8} "
            f"{metrics['generations_closed_early']:>7} {metrics['superseded_close_ms_p50']:>13.1f} {metrics['superseded_close_ms_max']:>13.1f}"
        )
    print(f"targets: {TARGET_GENERATIONS_PER_BURST} generation per burst typed faster than the debounce; a superseded stream closed within {TARGET_CLOSE_MS:.0f} ms")
    through = report["type_through"]
    print(
        f"type-through: {through['keys']} keys (8 typed, 4 deleted), backend requests {through['backend_requests']} (target 0), "
        f"correct continuations {through['suggestions_correct']}/{through['keys']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, help="write the numbers to this JSON file")
    arguments = parser.parse_args()
    asyncio.run(run(arguments.output))


if __name__ == "__main__":
    main()
