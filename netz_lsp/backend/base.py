"""The request and reply shapes every backend speaks, and the backend protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import AsyncIterator, Protocol


@dataclass(frozen=True)
class GenerationRequest:
    """A raw-prompt generation (FIM): the server has already applied the model's template."""

    model: str
    prompt: str
    num_ctx: int
    num_predict: int
    stop: tuple[str, ...] = ()
    temperature: float = 0.1
    keep_alive: str | int | None = None
    request_id: str = ""


@dataclass(frozen=True)
class ChatMessage:
    role: str
    content: str


@dataclass(frozen=True)
class ChatRequest:
    model: str
    messages: tuple[ChatMessage, ...]
    num_ctx: int
    num_predict: int
    temperature: float = 0.3
    keep_alive: str | int | None = None
    request_id: str = ""


@dataclass(frozen=True)
class GenerationStats:
    """Counts and durations the backend reported for one reply; durations in nanoseconds."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_duration_ns: int | None = None
    load_duration_ns: int | None = None
    prompt_eval_duration_ns: int | None = None
    eval_duration_ns: int | None = None
    done_reason: str | None = None


@dataclass(frozen=True)
class GenerationChunk:
    text: str
    done: bool = False
    stats: GenerationStats | None = None


@dataclass(frozen=True)
class ModelInfo:
    name: str
    size_bytes: int | None = None
    details: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class LoadedModel:
    name: str
    size_bytes: int | None = None
    size_vram_bytes: int | None = None
    expires_at: str | None = None


class Backend(Protocol):
    """A model server. Streams close their HTTP response when the iterator is closed."""

    name: str
    host: str

    def generate(self, request: GenerationRequest) -> AsyncIterator[GenerationChunk]: ...

    def chat(self, request: ChatRequest) -> AsyncIterator[GenerationChunk]: ...

    async def list_models(self) -> list[ModelInfo]: ...

    async def loaded_models(self) -> list[LoadedModel]: ...

    async def aclose(self) -> None: ...
