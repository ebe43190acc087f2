"""OpenAI-compatible test double: a local HTTP server for the server's `openai` backend tests.

This is a test double, not llama.cpp, vLLM or any OpenAI service. It answers
`GET /v1/models`, `POST /v1/completions` and `POST /v1/chat/completions` on 127.0.0.1,
streams with server-sent events (`data: {...}` events, a usage event when
`stream_options.include_usage` is set, then `data: [DONE]`) and records every request.
Replies come from a configurable responder, not from a model. Faults are the ones the
Ollama double injects (`tests.doubles.ollama_protocol.Fault`), mapped onto this protocol:

- HTTP_500: a 500 with an OpenAI-shaped error body.
- STALL: a wait of `stall_s` before the headers, then a normal reply.
- RESET_MID_STREAM: a TCP RST after `FAULT_AFTER_EVENTS` events.
- MALFORMED_LINE: an event whose data is cut-off JSON.
- BLANK_LINE: an event whose data is empty.
- EMPTY_BODY: status 200, `text/event-stream`, no body at all.
- MODEL_NOT_FOUND: the 404 llama.cpp and vLLM send for a model they do not serve.

Use::

    with OpenAIDouble() as double:
        double.reply_with("return a + b")
        base_url = double.base_url  # http://127.0.0.1:PORT/v1
"""

from __future__ import annotations

import http.server
import json
import logging
import select
import socket
import socketserver
import struct
import threading
import time
from typing import Any, Callable, Iterable, Optional

from tests.doubles.ollama_protocol import Fault, FaultQueue, InjectedFault, RecordedRequest, cut_at_stop

logger = logging.getLogger(__name__)

DEFAULT_MODELS = ("qwen2.5-coder-0.5b", "deepseek-coder-v2:16b-lite-base-q4_0")
DEFAULT_REPLY = "This reply comes from the OpenAI-compatible test double."
# Streaming faults strike after this many content events (or before the last one).
FAULT_AFTER_EVENTS = 2
POLL_INTERVAL_S = 0.01


class _ClientGone(Exception):
    """The client closed the connection, or an injected reset closed it."""


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    double: "OpenAIDouble"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.halted = threading.Event()
        super().__init__(*args, **kwargs)

    def server_bind(self) -> None:
        # Skip HTTPServer's getfqdn DNS lookup.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class OpenAIDouble:
    """A fake OpenAI-compatible server on 127.0.0.1, serving from a daemon thread.

    Tests may set `responder` (request JSON to reply text), `chunk_chars` (characters per
    streamed event), `chunk_delay_s` (seconds between events) and `models` (names served).
    """

    def __init__(self, models: Iterable[str] = DEFAULT_MODELS, port: int = 0) -> None:
        self.responder: Callable[[dict[str, Any]], str] = lambda request_json: DEFAULT_REPLY
        self.chunk_chars = 4
        self.chunk_delay_s = 0.0
        self.models: set[str] = set(models)
        self._lock = threading.RLock()
        self._requests: list[RecordedRequest] = []
        self._fault_queue = FaultQueue()
        self._connections: set[socket.socket] = set()
        self._port: Optional[int] = port or None
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None

    # Lifecycle

    def start(self) -> "OpenAIDouble":
        with self._lock:
            if self._server is not None:
                return self
            server = _Server(("127.0.0.1", self._port or 0), _Handler)
            server.double = self
            self._server = server
            self._port = server.server_address[1]
            self._thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.01}, name=f"openai-double-{self._port}", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            server, thread = self._server, self._thread
            self._server = None
            self._thread = None
            connections = list(self._connections)
        if server is None:
            return
        server.halted.set()
        server.shutdown()
        server.server_close()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # Its handler closed it already.
        if thread is not None:
            thread.join(timeout=1.0)

    def go_down(self) -> None:
        """Simulate a crashed server: drop connections and refuse new ones until come_up()."""
        self.stop()

    def come_up(self) -> None:
        """Listen again on the same port."""
        self.start()

    def __enter__(self) -> "OpenAIDouble":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the OpenAI double has no port yet; call start() first")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # Replies, records and faults

    def reply_with(self, text: str) -> None:
        self.responder = lambda request_json: text

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [request for request in self._requests if request.path == path]

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def inject(self, fault: Fault, path: Optional[str] = "/v1/completions", times: Optional[int] = 1, stall_s: float = 10.0) -> InjectedFault:
        """Make the next `times` requests to `path` fail with `fault`; `times=None` keeps it."""
        return self._fault_queue.add(fault, path, times, stall_s)

    def clear_faults(self) -> None:
        self._fault_queue.clear()

    def _take_fault(self, path: str) -> Optional[InjectedFault]:
        return self._fault_queue.take(path)

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _track(self, connection: socket.socket, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.double._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.double._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        double = self.server.double
        path = self.path.split("?", 1)[0]
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length > 0 else b""
        try:
            body = json.loads(raw_body) if raw_body else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        record = RecordedRequest(
            method=self.command, path=path, body=body, raw_body=raw_body, headers=dict(self.headers.items()), received_at=time.monotonic()
        )
        double._record(record)
        fault = double._take_fault(path)
        record.fault = fault.fault if fault is not None else None
        try:
            self._respond(record, path, body, fault)
        except _ClientGone:
            self.close_connection = True

    # Responses

    def _respond(self, record: RecordedRequest, path: str, body: Any, fault: Optional[InjectedFault]) -> None:
        double = self.server.double
        kind = fault.fault if fault is not None else None
        if kind is Fault.STALL:
            self._pause(record, fault.stall_s)
        if kind is Fault.HTTP_500:
            self._send_json(record, 500, _error("the model runner crashed", "server_error"))
            return
        if path == "/v1/models" and self.command == "GET":
            self._send_json(record, 200, {"object": "list", "data": [{"id": name, "object": "model", "owned_by": "double"} for name in sorted(double.models)]})
            return
        if path not in ("/v1/completions", "/v1/chat/completions") or self.command != "POST":
            self._send_json(record, 404, _error(f"no route {self.command} {path}", "not_found_error"))
            return
        if not isinstance(body, dict):
            self._send_json(record, 400, _error("the request body is not a JSON object", "invalid_request_error"))
            return
        model = body.get("model")
        if kind is Fault.MODEL_NOT_FOUND or model not in double.models:
            self._send_json(record, 404, _error(f"model '{model}' not found", "invalid_request_error", code="model_not_found"))
            return
        chat = path == "/v1/chat/completions"
        text = cut_at_stop(double.responder(body), _stops(body.get("stop")))
        max_tokens = body.get("max_tokens")
        pieces = [text[index : index + double.chunk_chars] for index in range(0, len(text), double.chunk_chars)]
        if isinstance(max_tokens, int) and max_tokens > 0:
            pieces = pieces[:max_tokens]
        if not body.get("stream"):
            self._send_json(record, 200, _whole_reply(model, "".join(pieces), chat, len(pieces)))
            return
        self._stream(record, model, pieces, chat, kind, body)

    def _stream(self, record: RecordedRequest, model: str, pieces: list[str], chat: bool, kind: Optional[Fault], body: dict) -> None:
        double = self.server.double
        if kind is Fault.EMPTY_BODY:
            self._send_head(record, 200, {"Content-Type": "text/event-stream", "Content-Length": "0"})
            record.finished = True
            return
        self._send_head(record, 200, {"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "Transfer-Encoding": "chunked"})
        for index, piece in enumerate(pieces):
            if kind is not None and index == min(FAULT_AFTER_EVENTS, max(0, len(pieces) - 1)):
                self._strike(record, kind)
            self._send_event(record, json.dumps(_stream_event(model, piece, chat, None)))
            record.chunks_sent += 1
            if double.chunk_delay_s > 0:
                self._pause(record, double.chunk_delay_s)
            elif self._peer_closed():
                self._client_gone(record)
        if kind is not None and not pieces:
            self._strike(record, kind)
        self._send_event(record, json.dumps(_stream_event(model, "", chat, "stop")))
        stream_options = body.get("stream_options") or {}
        if stream_options.get("include_usage"):
            usage = {"prompt_tokens": len(_prompt_of(body)) // 4 + 1, "completion_tokens": len(pieces), "total_tokens": len(_prompt_of(body)) // 4 + 1 + len(pieces)}
            self._send_event(record, json.dumps({**_stream_event(model, "", chat, None), "choices": [], "usage": usage}))
        record.finished = True
        self._write(record, _chunk(b"data: [DONE]\n\n") + b"0\r\n\r\n")

    def _strike(self, record: RecordedRequest, kind: Fault) -> None:
        if kind is Fault.RESET_MID_STREAM:
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            except OSError:
                pass  # Gone already, which is what a reset produces too.
            raise _ClientGone()
        if kind is Fault.MALFORMED_LINE:
            self._send_event(record, '{"choi')
        elif kind is Fault.BLANK_LINE:
            self._send_event(record, "")

    # I/O

    def _write(self, record: RecordedRequest, data: bytes) -> None:
        try:
            self.wfile.write(data)
        except OSError as error:
            record.finished = False
            self._client_gone(record, error)

    def _client_gone(self, record: RecordedRequest, cause: Optional[BaseException] = None) -> None:
        if not record.client_closed_early and not self.server.halted.is_set():
            record.client_closed_early = True
            record.closed_at = time.monotonic()
        raise _ClientGone() from cause

    def _send_head(self, record: RecordedRequest, status: int, headers: dict[str, str]) -> None:
        record.status = status
        self.send_response_only(status)
        self.send_header("Date", self.date_time_string())
        for name, value in headers.items():
            self.send_header(name, value)
        self._headers_buffer.append(b"\r\n")
        data = b"".join(self._headers_buffer)
        self._headers_buffer = []
        self._write(record, data)

    def _send_json(self, record: RecordedRequest, status: int, document: Any) -> None:
        body = json.dumps(document).encode()
        self._send_head(record, status, {"Content-Type": "application/json", "Content-Length": str(len(body))})
        record.finished = True
        self._write(record, body)

    def _send_event(self, record: RecordedRequest, data: str) -> None:
        self._write(record, _chunk(f"data: {data}\n\n".encode()))

    def _peer_closed(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def _pause(self, record: RecordedRequest, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            if self.server.halted.is_set():
                raise _ClientGone()
            if self._peer_closed():
                self._client_gone(record)
            self.server.halted.wait(min(remaining, POLL_INTERVAL_S))


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _stops(stop: Any) -> list[str]:
    if isinstance(stop, str):
        return [stop]
    if isinstance(stop, list):
        return [item for item in stop if isinstance(item, str)]
    return []


def _prompt_of(body: dict) -> str:
    if "prompt" in body:
        return str(body["prompt"])
    return "".join(str(message.get("content", "")) for message in body.get("messages") or [] if isinstance(message, dict))


def _error(message: str, error_type: str, code: Optional[str] = None) -> dict:
    return {"error": {"message": message, "type": error_type, "code": code}}


def _stream_event(model: str, text: str, chat: bool, finish_reason: Optional[str]) -> dict:
    if chat:
        choice = {"index": 0, "delta": {"content": text} if text else {}, "finish_reason": finish_reason}
        return {"id": "chatcmpl-double", "object": "chat.completion.chunk", "created": int(time.time()), "model": model, "choices": [choice]}
    choice = {"index": 0, "text": text, "finish_reason": finish_reason, "logprobs": None}
    return {"id": "cmpl-double", "object": "text_completion", "created": int(time.time()), "model": model, "choices": [choice]}


def _whole_reply(model: str, text: str, chat: bool, completion_tokens: int) -> dict:
    usage = {"prompt_tokens": 0, "completion_tokens": completion_tokens, "total_tokens": completion_tokens}
    if chat:
        choice = {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        return {"id": "chatcmpl-double", "object": "chat.completion", "created": int(time.time()), "model": model, "choices": [choice], "usage": usage}
    choice = {"index": 0, "text": text, "finish_reason": "stop", "logprobs": None}
    return {"id": "cmpl-double", "object": "text_completion", "created": int(time.time()), "model": model, "choices": [choice], "usage": usage}
