"""A small JSON-RPC client for `netz-lsp` over stdio, for the typing and load benchmarks.

pytest-lsp's client converts every message through lsprotocol's types; at 10,000
notifications per second that conversion would measure the client, not the server, so the
benchmarks write the JSON frames themselves.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]


class JsonRpcError(Exception):
    def __init__(self, error: dict):
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.error = error


class LspStdioClient:
    """One `netz-lsp` process: send requests and notifications, await responses."""

    def __init__(self) -> None:
        self.process: asyncio.subprocess.Process | None = None
        self._next_id = 0
        self._pending: dict[int, asyncio.Future] = {}
        self._reader_task: asyncio.Task | None = None
        self.messages: list[dict] = []

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self, settings: dict, root_uri: str | None = None) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        env.pop("OLLAMA_HOST", None)
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "netz_lsp", "--stdio",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            env=env, limit=1 << 26,
        )
        self._reader_task = asyncio.create_task(self._read_loop())
        await self.request("initialize", {"processId": os.getpid(), "rootUri": root_uri, "capabilities": {}, "initializationOptions": settings})
        self.notify("initialized", {})

    async def stop(self) -> None:
        if self.process is None:
            return
        try:
            await asyncio.wait_for(self.request("shutdown", None), 10)
            self.notify("exit", None)
            await asyncio.wait_for(self.process.wait(), 10)
        except (asyncio.TimeoutError, ConnectionError):
            self.process.kill()
            await self.process.wait()
        if self._reader_task is not None:
            self._reader_task.cancel()

    def _write(self, message: dict) -> None:
        body = json.dumps(message).encode()
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params: Any) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    async def drain(self) -> None:
        assert self.process is not None and self.process.stdin is not None
        await self.process.stdin.drain()

    def request_future(self, method: str, params: Any) -> asyncio.Future:
        self._next_id += 1
        future = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = future
        self._write({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        return future

    async def request(self, method: str, params: Any) -> Any:
        return await self.request_future(method, params)

    async def _read_loop(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        stdout = self.process.stdout
        while True:
            length = 0
            while True:
                header = await stdout.readline()
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                if header.lower().startswith(b"content-length:"):
                    length = int(header.split(b":", 1)[1])
            message = json.loads(await stdout.readexactly(length))
            if "id" in message and "method" in message:
                # A server-to-client request (progress tokens, registrations): accept it.
                self._write({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "id" in message:
                future = self._pending.pop(message["id"], None)
                if future is not None and not future.done():
                    if "error" in message:
                        future.set_exception(JsonRpcError(message["error"]))
                    else:
                        future.set_result(message.get("result"))
            else:
                self.messages.append(message)


def did_open(uri: str, text: str, version: int = 1) -> dict:
    return {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}}


def did_change(uri: str, version: int, line: int, start: int, end: int, text: str) -> dict:
    change = {"range": {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}, "text": text}
    return {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}


def inline_completion(uri: str, line: int, character: int, invoked: bool) -> dict:
    return {
        "textDocument": {"uri": uri},
        "position": {"line": line, "character": character},
        "context": {"triggerKind": 1 if invoked else 2},
    }


def rss_kib(pid: int) -> int:
    """Return the resident set size of process `pid` in KiB, from /proc (Linux only)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]
