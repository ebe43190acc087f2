"""Shared pieces of the Ollama test double: defaults, record types, faults and encoders.

Everything here is part of the test double, not of Ollama. The server lives in
ollama_http.py and the public entry point in ollama_double.py.
"""

from __future__ import annotations

import threading

import enum
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Optional

from tests.doubles.ollama_models import ModelSpec

DEFAULT_REPLY = "This reply comes from the Ollama test double."

# The version /api/version reports. It is a plausible Ollama release, not a claim
# that the double matches that release in every detail.
OLLAMA_VERSION = "0.12.3"

# The num_ctx used when a request sets none. Ollama's docs/context-length.mdx gives
# 4096 for GPUs under 24 GiB of VRAM. Older Ollama releases used 2048.
DEFAULT_NUM_CTX = 4096

# Ollama's default keep_alive (OLLAMA_KEEP_ALIVE=5m).
DEFAULT_KEEP_ALIVE_S = 300.0

# Ollama's documented OLLAMA_MAX_LOADED_MODELS default on one GPU (3 per GPU).
DEFAULT_MAX_LOADED = 3

# Streaming faults strike before this many NDJSON lines have been sent, or before
# the final line of a shorter stream.
FAULT_AFTER_LINES = 2

# Deterministic estimate reported as prompt_eval_duration per prompt token.
PROMPT_EVAL_NS_PER_TOKEN = 50_000

# How often waits check for a closed client or a stopping server, in seconds.
POLL_INTERVAL_S = 0.01

# Added to now for a negative keep_alive ("forever"), so expires_at lies centuries ahead.
FOREVER = timedelta(days=365 * 290)

# Error text of Fault.HTTP_500, modeled on Ollama's message when its runner crashes.
RUNNER_CRASH_ERROR = "llama runner process has terminated: exit status 2"


class Fault(enum.Enum):
    """A failure the double can inject into the next matching request.

    HTTP_500: a 500 JSON error. STALL: a wait before the headers. RESET_MID_STREAM:
    a TCP RST after FAULT_AFTER_LINES lines, or halfway through a JSON body.
    MALFORMED_LINE and BLANK_LINE: a `{"respo` or empty line mid-stream, or as the
    whole JSON body. EMPTY_BODY: status 200 with no body. MODEL_NOT_FOUND: the 404
    Ollama sends for a model that is not installed.
    """

    HTTP_500 = "http_500"
    STALL = "stall"
    RESET_MID_STREAM = "reset_mid_stream"
    MALFORMED_LINE = "malformed_line"
    BLANK_LINE = "blank_line"
    EMPTY_BODY = "empty_body"
    MODEL_NOT_FOUND = "model_not_found"


@dataclass
class InjectedFault:
    """A pending fault. `remaining` is None for a sticky fault."""

    fault: Fault
    path: Optional[str]
    remaining: Optional[int]
    stall_s: float


class FaultQueue:
    """Pending faults of a double, thread-safe: each request takes the first one matching its path."""

    def __init__(self) -> None:
        self._faults: list[InjectedFault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault, path: Optional[str], times: Optional[int], stall_s: float) -> InjectedFault:
        if times is not None and times < 1:
            raise ValueError(f"times must be at least 1 or None, got {times}")
        injected = InjectedFault(fault=fault, path=path, remaining=times, stall_s=stall_s)
        with self._lock:
            self._faults.append(injected)
        return injected

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, path: str) -> Optional[InjectedFault]:
        """Return the fault for a request to `path`, counting it against its `remaining`."""
        with self._lock:
            for injected in self._faults:
                if injected.path is not None and injected.path != path:
                    continue
                if injected.remaining is not None:
                    injected.remaining -= 1
                    if injected.remaining <= 0:
                        self._faults.remove(injected)
                return injected
        return None


@dataclass
class RecordedRequest:
    """One request as the double received it, updated while the response is sent.

    Times are `time.monotonic()` values. `chunks_sent` counts NDJSON lines sent.
    """

    method: str
    path: str
    body: Any
    raw_body: bytes
    headers: dict[str, str]
    received_at: float
    status: Optional[int] = None
    chunks_sent: int = 0
    finished: bool = False
    client_closed_early: bool = False
    closed_at: Optional[float] = None
    fault: Optional[Fault] = None


@dataclass(frozen=True)
class ModelEvent:
    """A change to the loaded models.

    `kind` is "load", "reload" (same model, different num_ctx), "evict" (pushed out
    by max_loaded), "unload" (keep_alive 0) or "expire" (keep_alive ran out).
    """

    kind: str
    model: str
    num_ctx: int
    previous_num_ctx: Optional[int]
    at: float


@dataclass
class LoadedModel:
    spec: ModelSpec
    num_ctx: int
    last_used: float
    expires_at: datetime
    expires_at_monotonic: float
    in_use: int = 0


class ClientGone(Exception):
    """The client closed the connection before the response was complete."""


class ServerHalted(Exception):
    """stop() or go_down() ran while this request was in progress."""


class RequestError(Exception):
    """An Ollama-style JSON error response."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def estimate_prompt_tokens(text: str) -> int:
    """Estimate the prompt token count the double reports: `len(text) // 4 + 1`."""
    return len(text) // 4 + 1


def prompt_text(request_json: dict[str, Any]) -> str:
    """Return the text counted for prompt_eval_count.

    For /api/generate that is system + prompt + suffix, and for /api/chat the
    concatenated message contents.
    """
    messages = request_json.get("messages")
    if isinstance(messages, list):
        return "".join(str(message.get("content") or "") for message in messages if isinstance(message, dict))
    parts = (request_json.get("system"), request_json.get("prompt"), request_json.get("suffix"))
    return "".join(str(part) for part in parts if part)


def go_json_dumps(value: Any) -> str:
    """Serialize like Go's json.Marshal: compact, UTF-8, with <, >, &, U+2028, U+2029 escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # These characters never occur outside JSON strings, so replacing them is safe.
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def now_rfc3339() -> str:
    return rfc3339(datetime.now(timezone.utc))


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_DURATION_UNIT_S = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_keep_alive(value: Any, default_s: float) -> float:
    """Convert a keep_alive value to seconds. A negative result means "forever".

    Like Ollama, a number is seconds and a string is a Go duration ("5m", "1h30m",
    "-1s"). Raises RequestError(400) for anything else.
    """
    if value is None:
        return default_s
    if isinstance(value, bool):
        raise RequestError(400, f"invalid keep_alive value: {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        raise RequestError(400, f"invalid keep_alive value: {value!r}")

    text = value.strip()
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-")
    if body == "0":
        return 0.0
    position = 0
    total = 0.0
    while position < len(body):
        match = _DURATION_PART.match(body, position)
        if match is None:
            raise RequestError(400, f'time: invalid duration "{value}"')
        total += float(match.group(1)) * _DURATION_UNIT_S[match.group(2)]
        position = match.end()
    if position == 0:
        raise RequestError(400, f'time: invalid duration "{value}"')
    return sign * total


def cut_at_stop(text: str, stops: Iterable[str]) -> str:
    """Return `text` up to the earliest stop string, which is dropped like Ollama drops it."""
    earliest = len(text)
    for stop in stops:
        if not stop:
            continue
        index = text.find(stop)
        if 0 <= index < earliest:
            earliest = index
    return text[:earliest]
