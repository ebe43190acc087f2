"""HTTP layer of the Ollama test double: server, request handler and routes.

The handler parses requests, records them on the OllamaDouble, applies injected
faults and writes Ollama-shaped responses. The state it reads and changes (models,
faults, recorded requests) belongs to OllamaDouble in ollama_double.py.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import logging
import select
import socket
import socketserver
import struct
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Optional

from tests.doubles.ollama_models import REGISTRY_PREFIX, ModelSpec, normalize_model_name, spec_for_pulled_model
from tests.doubles.ollama_protocol import (
    FAULT_AFTER_LINES,
    POLL_INTERVAL_S,
    PROMPT_EVAL_NS_PER_TOKEN,
    RUNNER_CRASH_ERROR,
    ClientGone,
    Fault,
    InjectedFault,
    RecordedRequest,
    RequestError,
    ServerHalted,
    cut_at_stop,
    estimate_prompt_tokens,
    go_json_dumps,
    now_rfc3339,
    parse_keep_alive,
    prompt_text,
)

if TYPE_CHECKING:
    from tests.doubles.ollama_double import OllamaDouble

logger = logging.getLogger("tests.doubles.ollama_double")


class DoubleServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    double: OllamaDouble

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Set by OllamaDouble._halt so that in-flight requests end promptly.
        self.halted = threading.Event()
        super().__init__(*args, **kwargs)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn, a DNS lookup the double does not need.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = host
        self.server_port = port


class ResponseWriter:
    """Writer of one response that applies a pending fault and notices a closed client."""

    def __init__(self, handler: "DoubleHandler", record: RecordedRequest, fault: Optional[InjectedFault]) -> None:
        self.handler = handler
        self.record = record
        self.fault = fault
        self.fault_applied = False
        self.streaming = False
        self.stream_ended = False
        self.lines_sent = 0

    # Low-level I/O

    def _send_bytes(self, data: bytes, last: bool = False) -> None:
        """Write `data`; `last` marks the final write of the response.

        `finished` turns true just before the final write, so a client that has read
        the whole response finds its record finished. A failed final write turns it
        false again.
        """
        if last:
            self.record.finished = True
        try:
            self.handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError) as exc:
            self.record.finished = False
            self.mark_client_gone()
            raise ClientGone() from exc
        except OSError as exc:
            self.record.finished = False
            if self.handler.server.halted.is_set():
                raise ServerHalted() from exc
            self.mark_client_gone()
            raise ClientGone() from exc

    def mark_client_gone(self) -> None:
        if not self.record.client_closed_early:
            self.record.client_closed_early = True
            self.record.closed_at = time.monotonic()
            logger.info("client closed %s %s early", self.record.method, self.record.path)

    def _send_head(self, status: int, headers: dict[str, str], last: bool = False) -> None:
        self.record.status = status
        handler = self.handler
        handler.send_response_only(status)
        handler.send_header("Date", handler.date_time_string())
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers_buffered()
        self._send_bytes(handler.take_header_bytes(), last=last)

    def reset_connection(self) -> None:
        """Close the socket with SO_LINGER 0, so the kernel sends a TCP RST."""
        connection = self.handler.connection
        try:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()
        except OSError:
            pass  # Already gone, which is what a reset produces too.
        self.handler.close_connection = True
        logger.info("reset the connection of %s %s as injected", self.record.method, self.record.path)

    # Waiting between chunks

    def peer_closed(self) -> bool:
        """Return whether the client has closed its end (EOF or RST is readable)."""
        connection = self.handler.connection
        try:
            readable, _, _ = select.select([connection], [], [], 0)
            if not readable:
                return False
            return connection.recv(1, socket.MSG_PEEK) == b""
        except (ConnectionResetError, BrokenPipeError):
            return True
        except (OSError, ValueError):
            return self.handler.server.halted.is_set()

    def pause(self, seconds: float) -> None:
        """Wait `seconds`, ending early with ClientGone or ServerHalted."""
        halted = self.handler.server.halted
        deadline = time.monotonic() + seconds
        while True:
            if halted.is_set():
                raise ServerHalted()
            if self.peer_closed():
                self.mark_client_gone()
                raise ClientGone()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            halted.wait(min(remaining, POLL_INTERVAL_S))

    # Whole responses

    def send_json(self, status: int, document: Any) -> None:
        body = go_json_dumps(document).encode()
        self.send_body(status, body, "application/json; charset=utf-8")

    def send_error(self, status: int, message: str) -> None:
        self.send_json(status, {"error": message})

    def send_body(self, status: int, body: bytes, content_type: str) -> None:
        kind = self.fault.fault if self.fault is not None else None
        if kind is Fault.MALFORMED_LINE:
            body = b'{"respo\n'
        elif kind is Fault.BLANK_LINE:
            body = b"\n"
        headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
        if self.handler.command == "HEAD" or not body:
            self._send_head(status, headers, last=True)
            return
        if kind is Fault.RESET_MID_STREAM:
            self._send_head(status, headers)
            self._send_bytes(body[: len(body) // 2])
            self.reset_connection()
            raise ClientGone()
        self._send_head(status, headers)
        self._send_bytes(body, last=True)

    # NDJSON streams

    def start_stream(self) -> None:
        self.streaming = True
        self._send_head(
            200,
            {"Content-Type": "application/x-ndjson", "Transfer-Encoding": "chunked"},
        )

    def _send_chunk(self, data: bytes) -> None:
        self._send_bytes(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    def send_line(self, document: Any, final: bool = False) -> None:
        """Send one NDJSON line, striking a pending stream fault at its position."""
        fault_due = self.lines_sent >= FAULT_AFTER_LINES or final
        if self.fault is not None and not self.fault_applied and fault_due:
            self.fault_applied = True
            kind = self.fault.fault
            if kind is Fault.RESET_MID_STREAM:
                self.reset_connection()
                raise ClientGone()
            if kind is Fault.MALFORMED_LINE:
                self._send_chunk(b'{"respo\n')
            elif kind is Fault.BLANK_LINE:
                self._send_chunk(b"\n")
        line = (go_json_dumps(document) + "\n").encode()
        if final:
            # One write for the final line and the terminating chunk, so `finished`
            # is true before the client can read the final line.
            self.stream_ended = True
            self._send_bytes(f"{len(line):x}\r\n".encode() + line + b"\r\n0\r\n\r\n", last=True)
        else:
            self._send_chunk(line)
        self.lines_sent += 1
        self.record.chunks_sent = self.lines_sent
        if not final and self.peer_closed():
            self.mark_client_gone()
            raise ClientGone()

    def end_stream(self) -> None:
        if not self.stream_ended:
            self.stream_ended = True
            self._send_bytes(b"0\r\n\r\n", last=True)


class DoubleHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: DoubleServer

    # Connection tracking, so stop() and go_down() can drop open connections.

    def setup(self) -> None:
        super().setup()
        # Go's net package enables TCP_NODELAY by default, so Ollama's sockets have it.
        # Without it, split writes waited for delayed ACKs: about 40 ms per response here.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.double._track_connection(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.double._track_connection(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)

    # Header buffering: the writer sends headers itself so it can catch write errors.

    def end_headers_buffered(self) -> None:
        self._headers_buffer.append(b"\r\n")

    def take_header_bytes(self) -> bytes:
        data = b"".join(self._headers_buffer)
        self._headers_buffer = []
        return data

    # Entry points

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    @property
    def double(self) -> OllamaDouble:
        return self.server.double

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(parts)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self) -> None:
        path = self.path.split("?", 1)[0]
        raw_body = self._read_body()
        body: Any = None
        body_error: Optional[str] = None
        if raw_body:
            try:
                body = json.loads(raw_body)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                body_error = f"invalid JSON in request body: {exc}"
        record = RecordedRequest(
            method=self.command,
            path=path,
            body=body,
            raw_body=raw_body,
            headers=dict(self.headers.items()),
            received_at=time.monotonic(),
        )
        self.double._record(record)
        fault = self.double._take_fault(path)
        record.fault = fault.fault if fault is not None else None
        writer = ResponseWriter(self, record, fault)

        try:
            self._respond(writer, record, path, body, body_error, fault)
            if writer.streaming:
                writer.end_stream()
        except ClientGone:
            self.close_connection = True
        except ServerHalted:
            logger.debug("dropped %s %s because the double stopped", self.command, path)
            self.close_connection = True
        except RequestError as error:
            # Raised before any byte of the response was sent.
            logger.info("rejected %s %s with %d: %s", self.command, path, error.status, error.message)
            try:
                writer.fault = None
                writer.send_error(error.status, error.message)
            except (ClientGone, ServerHalted):
                self.close_connection = True

    def _respond(
        self,
        writer: ResponseWriter,
        record: RecordedRequest,
        path: str,
        body: Any,
        body_error: Optional[str],
        fault: Optional[InjectedFault],
    ) -> None:
        kind = fault.fault if fault is not None else None
        if kind is Fault.STALL and fault is not None:
            writer.fault = None
            writer.pause(fault.stall_s)
        elif kind is Fault.HTTP_500:
            writer.fault = None
            writer.send_error(500, RUNNER_CRASH_ERROR)
            return
        elif kind is Fault.MODEL_NOT_FOUND:
            writer.fault = None
            name = (body.get("model") or body.get("name")) if isinstance(body, dict) else None
            writer.send_error(404, f'model "{name or "unknown"}" not found, try pulling it first')
            return
        elif kind is Fault.EMPTY_BODY:
            writer.fault = None
            writer.send_body(200, b"", "application/json; charset=utf-8")
            return

        route = ROUTES.get((self.command, path))
        if route is None:
            writer.send_body(404, b"404 page not found", "text/plain")
            return
        if self.command == "POST":
            if body_error is not None:
                raise RequestError(400, body_error)
            if body is None:
                raise RequestError(400, "missing request body")
            if not isinstance(body, dict):
                raise RequestError(400, "invalid request body: expected a JSON object")
        route(self, writer, body)

    # Routes

    def _root(self, writer: ResponseWriter, body: Any) -> None:
        writer.send_body(200, b"Ollama is running", "text/plain; charset=utf-8")

    def _version(self, writer: ResponseWriter, body: Any) -> None:
        writer.send_json(200, {"version": self.double.version})

    def _tags(self, writer: ResponseWriter, body: Any) -> None:
        writer.send_json(200, self.double._tags_document())

    def _ps(self, writer: ResponseWriter, body: Any) -> None:
        writer.send_json(200, self.double._ps_document())

    def _show(self, writer: ResponseWriter, body: dict[str, Any]) -> None:
        name = body.get("model") or body.get("name")
        if not name:
            raise RequestError(400, "model is required")
        entry = self.double._installed_entry(name)
        if entry is None:
            # /api/show words its 404 differently from generate and chat.
            raise RequestError(404, f"model '{name}' not found")
        writer.send_json(200, self.double._show_document(*entry))

    def _generate(self, writer: ResponseWriter, body: dict[str, Any]) -> None:
        Generation(self.double, writer, body, chat=False).run()

    def _chat(self, writer: ResponseWriter, body: dict[str, Any]) -> None:
        Generation(self.double, writer, body, chat=True).run()

    def _pull(self, writer: ResponseWriter, body: dict[str, Any]) -> None:
        pull_model(self.double, writer, body)


class Generation:
    """One /api/generate or /api/chat request, from validation to the final line."""

    def __init__(self, double: OllamaDouble, writer: ResponseWriter, body: dict[str, Any], chat: bool) -> None:
        self.double = double
        self.writer = writer
        self.body = body
        self.chat = chat
        self.started = time.monotonic()

    def run(self) -> None:
        body = self.body
        name = body.get("model")
        if not name:
            raise RequestError(400, "model is required")
        spec = self.double.find_model(str(name))
        if spec is None:
            raise RequestError(404, f'model "{name}" not found, try pulling it first')

        options = body.get("options") or {}
        if not isinstance(options, dict):
            raise RequestError(400, "invalid options: expected a JSON object")
        num_ctx = self._int_option(options, "num_ctx", self.double.default_num_ctx)
        num_predict = self._int_option(options, "num_predict", -1)
        stops = options.get("stop") or []
        if isinstance(stops, str):
            stops = [stops]
        keep_alive_s = parse_keep_alive(body.get("keep_alive"), self.double.default_keep_alive_s)
        self._validate(spec)

        if self._is_load_only():
            self._load_only(spec, num_ctx, keep_alive_s)
            return

        loaded = self.double._acquire_model(spec, num_ctx, keep_alive_s)
        try:
            load_started = time.monotonic()
            if loaded and self.double.load_delay_s > 0:
                self.writer.pause(self.double.load_delay_s)
            load_ns = max(int((time.monotonic() - load_started) * 1e9), 1)
            self._generate(spec, num_predict, [str(stop) for stop in stops], load_ns)
        finally:
            self.double._release_model(spec, keep_alive_s)

    @staticmethod
    def _int_option(options: dict[str, Any], key: str, default: int) -> int:
        value = options.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RequestError(400, f"invalid option {key}: expected a number, got {value!r}")
        return int(value)

    def _validate(self, spec: ModelSpec) -> None:
        if self.chat:
            messages = self.body.get("messages")
            if messages is not None and not isinstance(messages, list):
                raise RequestError(400, "invalid messages: expected a JSON array")
            return
        raw = bool(self.body.get("raw"))
        if raw and (self.body.get("template") or self.body.get("system") or self.body.get("context")):
            raise RequestError(400, "raw mode does not support template, system, or context")
        if self.body.get("suffix") and not spec.supports_insert:
            raise RequestError(400, f"{REGISTRY_PREFIX}{spec.name} does not support insert")

    def _is_load_only(self) -> bool:
        if self.chat:
            return not self.body.get("messages")
        return not self.body.get("prompt")

    def _load_only(self, spec: ModelSpec, num_ctx: int, keep_alive_s: float) -> None:
        """Handle an empty prompt: load the model, or unload it when keep_alive is 0."""
        if keep_alive_s == 0:
            self.double._unload(spec)
            reason = "unload"
        else:
            self.double._acquire_model(spec, num_ctx, keep_alive_s)
            self.double._release_model(spec, keep_alive_s)
            reason = "load"
        document: dict[str, Any] = {
            "model": self.body["model"],
            "created_at": now_rfc3339(),
        }
        if self.chat:
            document["message"] = {"role": "assistant", "content": ""}
        else:
            document["response"] = ""
        document.update({"done": True, "done_reason": reason})
        # Ollama returns one JSON object for a load request even when stream is true.
        self.writer.send_json(200, document)

    def _reply_chunks(self, num_predict: int, stops: list[str]) -> tuple[list[str], str]:
        try:
            reply = self.double.responder(dict(self.body))
        except Exception as exc:
            logger.exception("Ollama double responder failed for %s", self.body.get("model"))
            raise RequestError(500, f"responder failed: {exc!r}") from exc
        if not isinstance(reply, str):
            raise RequestError(500, f"responder returned {type(reply).__name__}, expected str")

        reply = cut_at_stop(reply, stops)
        size = max(self.double.chunk_chars, 1)
        chunks = [reply[start : start + size] for start in range(0, len(reply), size)]
        # Negative num_predict (Ollama's -1 and -2) means no limit.
        # NOTE: 0 also means no limit here, which was not checked against Ollama.
        if 0 < num_predict < len(chunks):
            return chunks[:num_predict], "length"
        return chunks, "stop"

    def _content_document(self, text: str) -> dict[str, Any]:
        document: dict[str, Any] = {"model": self.body["model"], "created_at": now_rfc3339()}
        if self.chat:
            document["message"] = {"role": "assistant", "content": text}
        else:
            document["response"] = text
        document["done"] = False
        return document

    def _generate(self, spec: ModelSpec, num_predict: int, stops: list[str], load_ns: int) -> None:
        chunks, done_reason = self._reply_chunks(num_predict, stops)
        stream = self.body.get("stream", True) is not False
        writer = self.writer
        if stream:
            writer.start_stream()

        eval_started = time.monotonic()
        for index, chunk in enumerate(chunks):
            if index > 0 and self.double.chunk_delay_s > 0:
                writer.pause(self.double.chunk_delay_s)
            if stream:
                writer.send_line(self._content_document(chunk))
            elif writer.peer_closed():
                writer.mark_client_gone()
                raise ClientGone()
        eval_ns = max(int((time.monotonic() - eval_started) * 1e9), len(chunks), 1)

        final = self._content_document("" if stream else "".join(chunks))
        final["done"] = True
        final["done_reason"] = done_reason
        if not self.chat and not self.body.get("raw"):
            # Ollama returns context tokens only for templated (non-raw) prompts.
            final["context"] = list(range(1, estimate_prompt_tokens(prompt_text(self.body)) + len(chunks) + 1))
        prompt_tokens = estimate_prompt_tokens(prompt_text(self.body))
        prompt_ns = prompt_tokens * PROMPT_EVAL_NS_PER_TOKEN
        elapsed_ns = int((time.monotonic() - self.started) * 1e9)
        final.update(
            {
                "total_duration": max(elapsed_ns, load_ns + prompt_ns + eval_ns),
                "load_duration": load_ns,
                "prompt_eval_count": prompt_tokens,
                "prompt_eval_duration": prompt_ns,
                "eval_count": len(chunks),
                "eval_duration": eval_ns,
            }
        )
        final.update(self.double.final_stats)
        if stream:
            writer.send_line(final, final=True)
        else:
            writer.send_json(200, final)


def pull_model(double: OllamaDouble, writer: ResponseWriter, body: dict[str, Any]) -> None:
    """Stream pull progress like Ollama and install the model at the end.

    Names in `double.registry_missing` fail with Ollama's "file does not exist"
    error. Any other name is pulled, using `double.registry_specs` when it has a spec.
    """
    name = body.get("model") or body.get("name")
    if not name:
        raise RequestError(400, "model is required")
    full_name = normalize_model_name(str(name))
    stream = body.get("stream", True) is not False
    missing_error = "pull model manifest: file does not exist"

    if full_name in double.registry_missing:
        if not stream:
            raise RequestError(500, missing_error)
        writer.start_stream()
        writer.send_line({"status": "pulling manifest"})
        writer.send_line({"error": missing_error}, final=True)
        return

    spec = double.find_model(full_name) or double.registry_specs.get(full_name) or spec_for_pulled_model(full_name)
    if stream:
        writer.start_stream()
        writer.send_line({"status": "pulling manifest"})
        digest = "sha256:" + hashlib.sha256(f"layer:{spec.name}".encode()).hexdigest()
        total = spec.size_bytes
        for completed in (0, total // 2, total):
            writer.pause(double.chunk_delay_s)
            writer.send_line(
                {"status": f"pulling {digest[7:19]}", "digest": digest, "total": total, "completed": completed}
            )
        writer.send_line({"status": "verifying sha256 digest"})
        writer.send_line({"status": "writing manifest"})
    double.install(spec)
    if stream:
        writer.send_line({"status": "success"}, final=True)
    else:
        writer.send_json(200, {"status": "success"})


ROUTES: dict[tuple[str, str], Callable[[DoubleHandler, ResponseWriter, Any], None]] = {
    ("GET", "/"): DoubleHandler._root,
    ("HEAD", "/"): DoubleHandler._root,
    ("GET", "/api/version"): DoubleHandler._version,
    ("HEAD", "/api/version"): DoubleHandler._version,
    ("GET", "/api/tags"): DoubleHandler._tags,
    ("HEAD", "/api/tags"): DoubleHandler._tags,
    ("GET", "/api/ps"): DoubleHandler._ps,
    ("POST", "/api/show"): DoubleHandler._show,
    ("POST", "/api/generate"): DoubleHandler._generate,
    ("POST", "/api/chat"): DoubleHandler._chat,
    ("POST", "/api/pull"): DoubleHandler._pull,
}
