"""Ollama test double: a local HTTP server that imitates the Ollama API for tests.

This is a test double, never the real Ollama. Ollama cannot be installed on the
machines that run these tests, so this stdlib server replaces it there. It speaks
enough of the Ollama HTTP API (routes, JSON shapes, NDJSON streaming with chunked
transfer encoding, status codes and error texts) for the official `ollama` client
and raw httpx. The replies come from a configurable responder, not from a model.

Use it in-process::

    with OllamaDouble() as double:
        double.reply_with("return a + b")
        client = ollama.AsyncClient(host=double.url)

or standalone for editor tests and benchmarks (bound to 127.0.0.1 only)::

    python -m tests.doubles.ollama_double --port 11435 --reply "pass"

Token accounting: the reply is split into chunks of `chunk_chars` characters
(default 4) and every chunk counts as one token. So `num_predict` limits the number
of chunks, and `eval_count` is the number of chunks generated. `prompt_eval_count`
is `estimate_prompt_tokens(prompt_text(request))`, which is `len(text) // 4 + 1`.

NOTE: the double does not render the model templates. Responders receive the
request JSON as sent, `raw` included, and decide the reply from it.
"""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Optional

from tests.doubles.ollama_http import DoubleServer, DoubleHandler
from tests.doubles.ollama_models import ModelSpec, default_models, normalize_model_name, spec_for_pulled_model
from tests.doubles.ollama_protocol import (
    DEFAULT_KEEP_ALIVE_S,
    DEFAULT_MAX_LOADED,
    DEFAULT_NUM_CTX,
    DEFAULT_REPLY,
    FOREVER,
    OLLAMA_VERSION,
    Fault,
    FaultQueue,
    InjectedFault,
    LoadedModel,
    ModelEvent,
    RecordedRequest,
    estimate_prompt_tokens,
    parse_keep_alive,
    prompt_text,
    rfc3339,
)

__all__ = [
    "DEFAULT_NUM_CTX",
    "DEFAULT_REPLY",
    "Fault",
    "InjectedFault",
    "ModelEvent",
    "ModelSpec",
    "OllamaDouble",
    "RecordedRequest",
    "default_models",
    "estimate_prompt_tokens",
    "parse_keep_alive",
    "prompt_text",
]

logger = logging.getLogger(__name__)


class OllamaDouble:
    """A fake Ollama server on 127.0.0.1, running in a daemon thread.

    Public attributes that tests may set: `responder`, `chunk_delay_s`,
    `chunk_chars`, `load_delay_s`, `max_loaded`, `default_num_ctx`,
    `default_keep_alive_s`, `version`, `registry_specs` (specs used by /api/pull),
    `registry_missing` (names /api/pull reports as missing) and `final_stats`
    (fields such as `eval_duration` that replace the computed statistics in every
    final generate and chat line).
    """

    def __init__(self, models: Optional[Iterable[ModelSpec | str]] = None, port: int = 0) -> None:
        self.responder: Callable[[dict[str, Any]], str] = lambda request_json: DEFAULT_REPLY
        self.chunk_delay_s = 0.0
        self.chunk_chars = 4
        self.load_delay_s = 0.0
        self.max_loaded = DEFAULT_MAX_LOADED
        self.default_num_ctx = DEFAULT_NUM_CTX
        self.default_keep_alive_s = DEFAULT_KEEP_ALIVE_S
        self.version = OLLAMA_VERSION
        self.registry_specs: dict[str, ModelSpec] = {}
        self.registry_missing: set[str] = set()
        self.final_stats: dict[str, int] = {}

        self._lock = threading.RLock()
        self._installed: dict[str, tuple[ModelSpec, datetime]] = {}
        self._loaded: dict[str, LoadedModel] = {}
        self._requests: list[RecordedRequest] = []
        self._events: list[ModelEvent] = []
        self._fault_queue = FaultQueue()
        self._connections: set[socket.socket] = set()

        self._requested_port = port
        self._port: Optional[int] = None
        self._server: Optional[DoubleServer] = None
        self._thread: Optional[threading.Thread] = None

        catalog = {spec.name: spec for spec in default_models()}
        chosen = list(catalog.values()) if models is None else list(models)
        now = datetime.now(timezone.utc)
        for index, entry in enumerate(chosen):
            if isinstance(entry, str):
                full_name = normalize_model_name(entry)
                entry = catalog.get(full_name) or spec_for_pulled_model(full_name)
            # Later entries are older, so /api/tags (newest first) keeps the given order.
            self._installed[entry.name] = (entry, now - timedelta(minutes=index))

    # Lifecycle

    def start(self) -> "OllamaDouble":
        """Bind 127.0.0.1 and serve in a daemon thread, then return self."""
        with self._lock:
            if self._server is not None:
                return self
            port = self._port if self._port is not None else self._requested_port
            server = DoubleServer(("127.0.0.1", port), DoubleHandler)
            server.double = self
            self._server = server
            self._port = server.server_address[1]
            self._thread = threading.Thread(
                target=server.serve_forever,
                # stop() waits up to one poll interval for the serve loop to notice.
                kwargs={"poll_interval": 0.01},
                name=f"ollama-double-{self._port}",
                daemon=True,
            )
            self._thread.start()
        logger.info("Ollama double listening on %s", self.url)
        return self

    def stop(self) -> None:
        """Stop listening and drop every open connection, within about 1 s."""
        self._halt()
        logger.info("Ollama double on port %s stopped", self._port)

    def go_down(self) -> None:
        """Simulate a crashed Ollama: drop connections, refuse new ones until come_up()."""
        self._halt()
        logger.info("Ollama double on port %s went down", self._port)

    def come_up(self) -> None:
        """Listen again on the same port after go_down()."""
        self.start()
        logger.info("Ollama double on port %s came up", self._port)

    def _halt(self) -> None:
        with self._lock:
            server, thread = self._server, self._thread
            self._server = None
            self._thread = None
            connections = list(self._connections)
        if server is None:
            return
        # Wakes stalls and chunk delays so handler threads end promptly.
        server.halted.set()
        server.shutdown()
        server.server_close()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # Already closed by its handler.
        if thread is not None:
            thread.join(timeout=1.0)

    def __enter__(self) -> "OllamaDouble":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the Ollama double has no port yet; call start() first")
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def is_up(self) -> bool:
        return self._server is not None

    # Replies

    def reply_with(self, text: str) -> None:
        """Make every generate and chat request return `text`."""
        self.responder = lambda request_json: text

    # Installed and loaded models

    @property
    def models(self) -> list[ModelSpec]:
        with self._lock:
            return [spec for spec, _ in self._installed.values()]

    def install(self, spec: ModelSpec) -> None:
        with self._lock:
            self._installed[spec.name] = (spec, datetime.now(timezone.utc))

    def remove(self, name: str) -> None:
        with self._lock:
            full_name = normalize_model_name(name)
            self._installed.pop(full_name, None)
            self._loaded.pop(full_name, None)

    def find_model(self, name: str) -> Optional[ModelSpec]:
        """Return the installed spec for `name`, resolving a missing tag to `:latest`."""
        with self._lock:
            entry = self._installed.get(normalize_model_name(name))
            return entry[0] if entry else None

    def loaded_models(self) -> dict[str, int]:
        """Return the loaded model names mapped to their num_ctx."""
        with self._lock:
            self._expire_idle_models()
            return {name: loaded.num_ctx for name, loaded in self._loaded.items()}

    @property
    def model_events(self) -> list[ModelEvent]:
        with self._lock:
            return list(self._events)

    @property
    def reload_events(self) -> list[ModelEvent]:
        return [event for event in self.model_events if event.kind == "reload"]

    @property
    def eviction_events(self) -> list[ModelEvent]:
        return [event for event in self.model_events if event.kind == "evict"]

    # Recorded requests

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [request for request in self._requests if request.path == path]

    def clear(self) -> None:
        """Forget recorded requests and model events. Faults and loaded models stay."""
        with self._lock:
            self._requests.clear()
            self._events.clear()

    def wait_for_requests(self, path: str, count: int, timeout_s: float = 5.0) -> list[RecordedRequest]:
        """Wait until at least `count` requests to `path` arrived, or raise TimeoutError."""
        self.wait_for(lambda: len(self.requests_to(path)) >= count, timeout_s)
        return self.requests_to(path)

    def wait_for(self, predicate: Callable[[], bool], timeout_s: float = 5.0) -> None:
        """Poll `predicate` until it is true, or raise TimeoutError after `timeout_s` seconds."""
        deadline = time.monotonic() + timeout_s
        while not predicate():
            if time.monotonic() >= deadline:
                raise TimeoutError(f"condition not met within {timeout_s} s")
            time.sleep(0.005)

    # Faults

    def inject(
        self,
        fault: Fault,
        path: Optional[str] = "/api/generate",
        times: Optional[int] = 1,
        stall_s: float = 10.0,
    ) -> InjectedFault:
        """Make the next `times` requests to `path` fail with `fault`.

        `times=None` keeps the fault until clear_faults(), and `path=None` matches
        every path. STALL waits `stall_s` seconds before the headers and then
        responds normally.
        """
        return self._fault_queue.add(fault, path, times, stall_s)

    def clear_faults(self) -> None:
        self._fault_queue.clear()

    def _take_fault(self, path: str) -> Optional[InjectedFault]:
        return self._fault_queue.take(path)

    # Internal bookkeeping used by the handler

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _track_connection(self, connection: socket.socket, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _add_event(self, kind: str, model: str, num_ctx: int, previous_num_ctx: Optional[int] = None) -> None:
        self._events.append(ModelEvent(kind, model, num_ctx, previous_num_ctx, time.monotonic()))
        logger.debug("model %s: %s (num_ctx %s)", kind, model, num_ctx)

    def _expire_idle_models(self) -> None:
        now = time.monotonic()
        for name, loaded in list(self._loaded.items()):
            if loaded.in_use == 0 and loaded.expires_at_monotonic <= now:
                del self._loaded[name]
                self._add_event("expire", name, loaded.num_ctx)

    def _acquire_model(self, spec: ModelSpec, num_ctx: int, keep_alive_s: float) -> bool:
        """Load or reuse `spec`, mark it in use and return whether a load happened."""
        with self._lock:
            self._expire_idle_models()
            loaded = self._loaded.get(spec.name)
            needs_load = loaded is None or loaded.num_ctx != num_ctx
            if loaded is not None and loaded.num_ctx != num_ctx:
                self._add_event("reload", spec.name, num_ctx, loaded.num_ctx)
                in_use = loaded.in_use
            else:
                in_use = 0
            if loaded is None:
                self._evict_for_new_model()
                self._add_event("load", spec.name, num_ctx)
            expires_at, expires_at_monotonic = self._expiry(keep_alive_s)
            self._loaded[spec.name] = LoadedModel(
                spec=spec,
                num_ctx=num_ctx,
                last_used=time.monotonic(),
                expires_at=expires_at,
                expires_at_monotonic=expires_at_monotonic,
                in_use=in_use + 1,
            )
        return needs_load

    def _evict_for_new_model(self) -> None:
        while self._loaded and len(self._loaded) >= max(self.max_loaded, 1):
            idle = [loaded for loaded in self._loaded.values() if loaded.in_use == 0]
            # NOTE: Ollama queues a request when every loaded model is busy. The double
            # evicts the least recently used busy model instead, so it never blocks.
            candidates = idle or list(self._loaded.values())
            victim = min(candidates, key=lambda loaded: loaded.last_used)
            del self._loaded[victim.spec.name]
            self._add_event("evict", victim.spec.name, victim.num_ctx)

    def _release_model(self, spec: ModelSpec, keep_alive_s: float) -> None:
        with self._lock:
            loaded = self._loaded.get(spec.name)
            if loaded is None:
                return  # Evicted while in use.
            loaded.in_use = max(loaded.in_use - 1, 0)
            loaded.last_used = time.monotonic()
            if keep_alive_s == 0 and loaded.in_use == 0:
                del self._loaded[spec.name]
                self._add_event("unload", spec.name, loaded.num_ctx)
                return
            loaded.expires_at, loaded.expires_at_monotonic = self._expiry(keep_alive_s)

    def _unload(self, spec: ModelSpec) -> None:
        with self._lock:
            loaded = self._loaded.pop(spec.name, None)
            if loaded is not None:
                self._add_event("unload", spec.name, loaded.num_ctx)

    @staticmethod
    def _expiry(keep_alive_s: float) -> tuple[datetime, float]:
        if keep_alive_s < 0:
            return datetime.now(timezone.utc) + FOREVER, float("inf")
        return datetime.now(timezone.utc) + timedelta(seconds=keep_alive_s), time.monotonic() + keep_alive_s

    # JSON documents for the read-only endpoints

    def _details(self, spec: ModelSpec) -> dict[str, Any]:
        return {
            "parent_model": "",
            "format": "gguf",
            "family": spec.family,
            "families": [spec.family],
            "parameter_size": spec.parameter_size,
            "quantization_level": spec.quantization,
        }

    def _tags_document(self) -> dict[str, Any]:
        with self._lock:
            entries = sorted(self._installed.values(), key=lambda entry: entry[1], reverse=True)
        return {
            "models": [
                {
                    "name": spec.name,
                    "model": spec.name,
                    "modified_at": rfc3339(modified_at),
                    "size": spec.size_bytes,
                    "digest": spec.digest,
                    "details": self._details(spec),
                }
                for spec, modified_at in entries
            ]
        }

    def _show_document(self, spec: ModelSpec, modified_at: datetime) -> dict[str, Any]:
        stop_lines = "".join(f'PARAMETER stop "{stop}"\n' for stop in spec.stop)
        modelfile = (
            '# Modelfile generated by "ollama show"\n'
            "# To build a new Modelfile based on this, replace FROM with:\n"
            f"# FROM {spec.name}\n\n"
            f"FROM /root/.ollama/models/blobs/sha256-{spec.digest}\n"
            f'TEMPLATE """{spec.template}"""\n'
            f"{stop_lines}"
        )
        return {
            "license": "",
            "modelfile": modelfile,
            "parameters": spec.parameters,
            "template": spec.template,
            "details": self._details(spec),
            "model_info": {
                "general.architecture": spec.family,
                "general.parameter_count": spec.parameter_count,
                "general.quantization_version": 2,
                f"{spec.family}.context_length": spec.context_length,
            },
            "capabilities": spec.capabilities,
            "modified_at": rfc3339(modified_at),
        }

    def _ps_document(self) -> dict[str, Any]:
        with self._lock:
            self._expire_idle_models()
            loaded_models = sorted(self._loaded.values(), key=lambda loaded: loaded.expires_at, reverse=True)
            return {
                "models": [
                    {
                        "name": loaded.spec.name,
                        "model": loaded.spec.name,
                        "size": loaded.spec.size_bytes,
                        "digest": loaded.spec.digest,
                        "details": self._details(loaded.spec),
                        "expires_at": rfc3339(loaded.expires_at),
                        "size_vram": loaded.spec.size_bytes,
                        "context_length": loaded.num_ctx,
                    }
                    for loaded in loaded_models
                ]
            }

    def _installed_entry(self, name: str) -> Optional[tuple[ModelSpec, datetime]]:
        with self._lock:
            return self._installed.get(normalize_model_name(name))


def main(argv: Optional[list[str]] = None) -> int:
    """Run the double standalone on 127.0.0.1 until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.doubles.ollama_double",
        description="Run the Ollama test double (not the real Ollama) on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=11435, help="TCP port to listen on (default 11435, 0 for any free port)")
    parser.add_argument("--reply", default=DEFAULT_REPLY, help="text every generate and chat request returns")
    parser.add_argument(
        "--models",
        default=None,
        help="comma-separated model names to install (default: the NETZ AI model set)",
    )
    parser.add_argument(
        "--chunk-delay-ms",
        type=float,
        default=0.0,
        help="delay between streamed chunks, in milliseconds (default 0)",
    )
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    models = [name.strip() for name in args.models.split(",") if name.strip()] if args.models else None
    double = OllamaDouble(models=models, port=args.port)
    double.reply_with(args.reply)
    double.chunk_delay_s = args.chunk_delay_ms / 1000.0

    stop_requested = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stop_requested.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    double.start()
    print(double.url, flush=True)
    while not stop_requested.wait(0.5):
        pass
    double.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
