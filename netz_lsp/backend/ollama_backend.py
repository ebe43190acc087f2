"""Ollama through the official `ollama` AsyncClient, with explicit timeouts and mapped errors.

The client (0.6) has no timeout by default and lets raw `httpx` and `json` errors escape
from streams; both are handled here so callers only ever see `BackendError`s.
"""

from __future__ import annotations

import json
import logging
from typing import Any, AsyncIterator

import httpx
import ollama

from netz_lsp.backend.base import (
    ChatRequest,
    GenerationChunk,
    GenerationRequest,
    GenerationStats,
    LoadedModel,
    ModelInfo,
)
from netz_lsp.backend.errors import (
    BackendError,
    BackendHTTPError,
    BackendTimeout,
    BackendUnreachable,
    FimNotSupported,
    MalformedStream,
    ModelNotFound,
    StreamInterrupted,
)

logger = logging.getLogger(__name__)


class OllamaBackend:
    name = "ollama"

    def __init__(self, host: str, timeout_s: float, connect_timeout_s: float):
        self.host = host
        self.timeout_s = timeout_s
        self._client = ollama.AsyncClient(host=host, timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s))

    async def generate(self, request: GenerationRequest) -> AsyncIterator[GenerationChunk]:
        options = {
            "num_ctx": request.num_ctx,
            "num_predict": request.num_predict,
            "temperature": request.temperature,
            "stop": list(request.stop),
        }
        call = self._client.generate(
            model=request.model,
            prompt=request.prompt,
            raw=True,
            stream=True,
            options=options,
            keep_alive=request.keep_alive,
        )
        async for chunk in self._stream(call, request.model, text_of=lambda part: part.get("response") or ""):
            yield chunk

    async def chat(self, request: ChatRequest) -> AsyncIterator[GenerationChunk]:
        options = {
            "num_ctx": request.num_ctx,
            "num_predict": request.num_predict,
            "temperature": request.temperature,
        }
        call = self._client.chat(
            model=request.model,
            messages=[{"role": message.role, "content": message.content} for message in request.messages],
            stream=True,
            options=options,
            keep_alive=request.keep_alive,
        )
        async for chunk in self._stream(call, request.model, text_of=lambda part: (part.get("message") or {}).get("content") or ""):
            yield chunk

    async def load(self, model: str, num_ctx: int, keep_alive: str | int | None) -> None:
        """Load `model` into memory without generating (an empty prompt only loads it)."""
        await self._call(
            self._client.generate(model=model, prompt="", options={"num_ctx": num_ctx}, keep_alive=keep_alive), model
        )

    async def unload(self, model: str) -> None:
        await self._call(self._client.generate(model=model, prompt="", keep_alive=0), model)

    async def list_models(self) -> list[ModelInfo]:
        response = await self._call(self._client.list(), "")
        return [
            ModelInfo(name=model.model or "", size_bytes=model.size, details=_dump(model.details))
            for model in response.models
        ]

    async def show(self, model: str) -> dict[str, Any]:
        response = await self._call(self._client.show(model), model)
        return _dump(response)

    async def loaded_models(self) -> list[LoadedModel]:
        response = await self._call(self._client.ps(), "")
        return [
            LoadedModel(
                name=model.model or model.name or "",
                size_bytes=model.size,
                size_vram_bytes=model.size_vram,
                expires_at=str(model.expires_at) if model.expires_at else None,
            )
            for model in response.models
        ]

    async def pull(self, model: str) -> AsyncIterator[dict[str, Any]]:
        stream = await self._call(self._client.pull(model, stream=True), model)
        try:
            async for part in stream:
                yield _dump(part)
        except Exception as error:  # noqa: BLE001 - every client error is mapped below
            raise self._map_error(error, model) from error

    async def aclose(self) -> None:
        await self._client.close()

    async def _call(self, awaitable, model: str):
        try:
            return await awaitable
        except Exception as error:  # noqa: BLE001 - every client error is mapped below
            raise self._map_error(error, model) from error

    async def _stream(self, call, model: str, text_of) -> AsyncIterator[GenerationChunk]:
        stream = await self._call(call, model)
        saw_done = False
        try:
            async for part in stream:
                fields = _dump(part)
                done = bool(fields.get("done"))
                saw_done = saw_done or done
                yield GenerationChunk(text=text_of(fields), done=done, stats=_stats(fields) if done else None)
        except Exception as error:  # noqa: BLE001 - every client error is mapped below
            raise self._map_error(error, model) from error
        finally:
            await _close_quietly(stream)
        if not saw_done:
            raise MalformedStream("the stream ended without a final `done` line", backend=self.name, host=self.host, model=model)

    def _map_error(self, error: BaseException, model: str) -> BackendError:
        context = {"backend": self.name, "host": self.host, "model": model}
        if isinstance(error, BackendError):
            return error
        if isinstance(error, ollama.ResponseError):
            text = str(error.error)
            if error.status_code == 404 or ("not found" in text and "model" in text):
                return ModelNotFound(text, status=error.status_code, **context)
            if "does not support insert" in text:
                return FimNotSupported(text, status=error.status_code, **context)
            return BackendHTTPError(text, status=error.status_code, **context)
        if isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, ConnectionError)):
            return BackendUnreachable(str(error) or type(error).__name__, **context)
        if isinstance(error, httpx.TimeoutException):
            return BackendTimeout(f"no reply within {self.timeout_s} s", **context)
        if isinstance(error, json.JSONDecodeError):
            return MalformedStream(f"invalid JSON line: {error.msg}", **context)
        if isinstance(error, (httpx.TransportError, httpx.StreamError)):
            return StreamInterrupted(str(error) or type(error).__name__, **context)
        return BackendHTTPError(f"{type(error).__name__}: {error}", **context)


async def _close_quietly(stream: Any) -> None:
    close = getattr(stream, "aclose", None)
    if close is None:
        return
    try:
        await close()
    except Exception as error:  # noqa: BLE001 - closing a broken stream must not mask the first error
        logger.debug("closing the Ollama stream failed: %s", error)


def _dump(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if isinstance(value, dict):
        return value
    return dict(value)


def _stats(fields: dict[str, Any]) -> GenerationStats:
    return GenerationStats(
        prompt_tokens=fields.get("prompt_eval_count"),
        completion_tokens=fields.get("eval_count"),
        total_duration_ns=fields.get("total_duration"),
        load_duration_ns=fields.get("load_duration"),
        prompt_eval_duration_ns=fields.get("prompt_eval_duration"),
        eval_duration_ns=fields.get("eval_duration"),
        done_reason=fields.get("done_reason"),
    )
