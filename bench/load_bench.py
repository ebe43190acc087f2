"""Load benchmark on loopback: concurrent inline completions plus a flood of `didChange`.

Phase 1 sends `--requests` inline completion requests at once, spread over `--documents`
documents, against an Ollama double that answers at once. Per document the server keeps
only the newest request (older ones return null), so the report counts answered and
superseded requests. Latency is measured end to end with an instant backend, so it is an
upper bound of the server's own overhead.

Phase 2 sends `didChange` notifications at `--changes-per-s` for `--duration-s` seconds
(one character typed, then deleted, so documents keep their size), while a probe asks for a
completion every 0.5 s. It reports the rate achieved and how long the server took to work
off its backlog. The server's resident memory is read from /proc before, after each phase
and after a 3 s rest. Everything is bounded in count and time and stops by itself.

    nice python bench/load_bench.py --output bench/results/load.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.lsp_stdio import LspStdioClient, did_change, did_open, inline_completion, percentile, rss_kib  # noqa: E402
from tests.doubles.ollama_double import OllamaDouble  # noqa: E402

MAX_REQUESTS = 5_000
MAX_DURATION_S = 30.0
MAX_CHANGES_PER_S = 20_000
TARGET_CHANGES_PER_S = 10_000


def document_text(index: int) -> str:
    lines = [f"def function_{index}_{line}(value):\n    return value * {line}\n" for line in range(100)]
    return "".join(lines) + "result = \n"


async def completion_phase(client: LspStdioClient, uris: list[str], requests: int) -> dict:
    last_line = 200
    started = time.perf_counter()
    futures = []
    sent_at = []
    for index in range(requests):
        uri = uris[index % len(uris)]
        sent_at.append(time.perf_counter())
        futures.append(client.request_future("textDocument/inlineCompletion", inline_completion(uri, last_line, 9, invoked=True)))
    await client.drain()
    latencies = []
    answered = superseded = errors = 0
    for future, sent in zip(futures, sent_at):
        try:
            result = await asyncio.wait_for(future, 60)
        except Exception:  # noqa: BLE001 - counted and reported
            errors += 1
            continue
        latencies.append((time.perf_counter() - sent) * 1000)
        if result and result.get("items"):
            answered += 1
        else:
            superseded += 1
    elapsed_s = time.perf_counter() - started
    return {
        "requests": requests,
        "documents": len(uris),
        "answered": answered,
        "superseded_or_empty": superseded,
        "errors": errors,
        "elapsed_s": round(elapsed_s, 3),
        "requests_per_s": round(requests / elapsed_s, 1),
        "latency_ms_p50": round(percentile(latencies, 0.5), 2),
        "latency_ms_p99": round(percentile(latencies, 0.99), 2),
    }


async def change_phase(client: LspStdioClient, uris: list[str], rate: int, duration_s: float) -> dict:
    versions = {uri: 1 for uri in uris}
    probe_uri = "file:///bench/load/probe.py"
    client.notify("textDocument/didOpen", did_open(probe_uri, "probe = \n"))
    probe_latencies = []
    tick_s = 0.01
    per_tick = max(1, int(rate * tick_s))
    sent = 0
    started = time.perf_counter()
    next_probe = started
    while (now := time.perf_counter()) - started < duration_s:
        for _ in range(per_tick):
            uri = uris[sent % len(uris)]
            versions[uri] += 1
            # Even versions type a character at the end of the last line, odd ones delete it.
            if versions[uri] % 2 == 0:
                client.notify("textDocument/didChange", did_change(uri, versions[uri], 200, 9, 9, "x"))
            else:
                client.notify("textDocument/didChange", did_change(uri, versions[uri], 200, 9, 10, ""))
            sent += 1
        await client.drain()
        if now >= next_probe:
            next_probe = now + 0.5
            probe_sent = time.perf_counter()
            probe = client.request_future("textDocument/inlineCompletion", inline_completion(probe_uri, 0, 8, invoked=True))
            probe.add_done_callback(lambda _future, sent_at=probe_sent: probe_latencies.append((time.perf_counter() - sent_at) * 1000))
        next_tick = started + (sent / per_tick) * tick_s
        await asyncio.sleep(max(0.0, next_tick - time.perf_counter()))
    send_s = time.perf_counter() - started
    # A request is answered after every notification sent before it, so its reply marks the
    # end of the backlog.
    await client.request("workspace/executeCommand", {"command": "netz.status", "arguments": []})
    drained_s = time.perf_counter() - started
    await asyncio.sleep(0.5)
    return {
        "changes_sent": sent,
        "send_s": round(send_s, 2),
        "changes_per_s_sent": round(sent / send_s, 1),
        "changes_per_s_processed": round(sent / drained_s, 1),
        "backlog_drained_after_s": round(drained_s - send_s, 2),
        "probe_completions": len(probe_latencies),
        "probe_latency_ms_p50": round(percentile(probe_latencies, 0.5), 1),
        "probe_latency_ms_p99": round(percentile(probe_latencies, 0.99), 1),
    }


async def run(arguments: argparse.Namespace) -> dict:
    report: dict = {"arguments": vars(arguments).copy()}
    report["arguments"]["output"] = str(arguments.output)
    with OllamaDouble() as double:
        double.reply_with("1")
        client = LspStdioClient()
        await client.start({"ollamaHost": double.url, "debounceMs": 0, "requestTimeoutS": 30, "preload": False})
        try:
            uris = [f"file:///bench/load/module_{index}.py" for index in range(arguments.documents)]
            for index, uri in enumerate(uris):
                client.notify("textDocument/didOpen", did_open(uri, document_text(index)))
            await client.request("workspace/executeCommand", {"command": "netz.status", "arguments": []})
            memory = {"start_kib": rss_kib(client.pid)}
            report["completions"] = await completion_phase(client, uris, arguments.requests)
            memory["after_completions_kib"] = rss_kib(client.pid)
            report["changes"] = await change_phase(client, uris, arguments.changes_per_s, arguments.duration_s)
            memory["after_changes_kib"] = rss_kib(client.pid)
            # A second round of the same load: memory that keeps growing here is a leak.
            report["completions_again"] = await completion_phase(client, uris, arguments.requests)
            report["changes_again"] = await change_phase(client, uris, arguments.changes_per_s, arguments.duration_s)
            memory["after_second_round_kib"] = rss_kib(client.pid)
            await asyncio.sleep(3)
            memory["after_rest_kib"] = rss_kib(client.pid)
            report["memory"] = memory
            report["backend_generate_requests"] = len(double.requests_to("/api/generate"))
        finally:
            await client.stop()
    print_report(report)
    if arguments.output is not None:
        arguments.output.parent.mkdir(parents=True, exist_ok=True)
        arguments.output.write_text(json.dumps(report, indent=2) + "\n")
    return report


def print_report(report: dict) -> None:
    for key in ("completions", "completions_again"):
        phase = report[key]
        print(
            f"{key}: {phase['requests']} requests over {phase['documents']} documents in {phase['elapsed_s']} s "
            f"({phase['requests_per_s']}/s): answered {phase['answered']}, superseded {phase['superseded_or_empty']}, errors {phase['errors']}; "
            f"latency p50 {phase['latency_ms_p50']} ms, p99 {phase['latency_ms_p99']} ms"
        )
    for key in ("changes", "changes_again"):
        print_changes(report[key])
    memory = report["memory"]
    print(
        "server RSS KiB: start {start_kib}, after completions {after_completions_kib}, after didChange {after_changes_kib}, "
        "after a second round of completions and didChange {after_second_round_kib}, "
        "after 3 s rest {after_rest_kib} (target: no growth once the load stops)".format(**memory)
    )


def print_changes(changes: dict) -> None:
    print(
        f"didChange: {changes['changes_sent']} sent at {changes['changes_per_s_sent']}/s (target {TARGET_CHANGES_PER_S}/s), "
        f"processed at {changes['changes_per_s_processed']}/s, backlog drained {changes['backlog_drained_after_s']} s after the last; "
        f"probe completion p50 {changes['probe_latency_ms_p50']} ms, p99 {changes['probe_latency_ms_p99']} ms ({changes['probe_completions']} probes)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500, help=f"concurrent inline completion requests (at most {MAX_REQUESTS})")
    parser.add_argument("--documents", type=int, default=10, help="documents the requests are spread over")
    parser.add_argument("--changes-per-s", type=int, default=TARGET_CHANGES_PER_S, help=f"didChange notifications per second (at most {MAX_CHANGES_PER_S})")
    parser.add_argument("--duration-s", type=float, default=10.0, help=f"seconds of didChange load (at most {MAX_DURATION_S:.0f})")
    parser.add_argument("--output", type=Path, help="write the numbers to this JSON file")
    arguments = parser.parse_args()
    arguments.requests = max(1, min(arguments.requests, MAX_REQUESTS))
    arguments.changes_per_s = max(1, min(arguments.changes_per_s, MAX_CHANGES_PER_S))
    arguments.duration_s = max(0.1, min(arguments.duration_s, MAX_DURATION_S))
    asyncio.run(run(arguments))


if __name__ == "__main__":
    main()
