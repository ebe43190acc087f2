"""OpenAI-compatible servers (llama.cpp, vLLM, LM Studio) through the official `openai` client.

FIM goes to `/v1/completions` as a plain prompt that the server does not template, and chat to
`/v1/chat/completions`. Retries are off: an editor request that fails is simply asked again
on the next keystroke, and a retry would keep a stale generation running.
"""

from __future__ import annotations

import json
import logging
import socket
from typing import Any, AsyncIterator

import openai

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
    EndpointNotFound,
    MalformedStream,
    ModelNotFound,
    StreamInterrupted,
)

logger = logging.getLogger(__name__)


class OpenAICompatibleBackend:
    name = "openai"

    def __init__(self, base_url: str, api_key: str, timeout_s: float, connect_timeout_s: float):
        self.host = base_url
        self.timeout_s = timeout_s
        self._client = openai.AsyncOpenAI(
            base_url=base_url,
            # Local servers ignore the key, but the client refuses to start without one.
            api_key=api_key or "netz-local",
            timeout=timeout_s,
            max_retries=0,
        )

    async def generate(self, request: GenerationRequest) -> AsyncIterator[GenerationChunk]:
        call = self._client.completions.create(
            model=request.model,
            prompt=request.prompt,
            max_tokens=request.num_predict,
            temperature=request.temperature,
            stop=list(request.stop) or None,
            stream=True,
            stream_options={"include_usage": True},
        )
        async for chunk in self._stream(call, request.model, _completion_text):
            yield chunk

    async def chat(self, request: ChatRequest) -> AsyncIterator[GenerationChunk]:
        call = self._client.chat.completions.create(
            model=request.model,
            messages=[{"role": message.role, "content": message.content} for message in request.messages],
            max_tokens=request.num_predict,
            temperature=request.temperature,
            stream=True,
            stream_options={"include_usage": True},
        )
        async for chunk in self._stream(call, request.model, _chat_text):
            yield chunk

    async def list_models(self) -> list[ModelInfo]:
        try:
            page = await self._client.models.list()
            return [ModelInfo(name=model.id) async for model in page]
        except Exception as error:  # noqa: BLE001 - every client error is mapped below
            raise self._map_error(error, "") from error

    async def loaded_models(self) -> list[LoadedModel]:
        # OpenAI-compatible servers have no notion of loaded models; whatever they serve is loaded.
        return [LoadedModel(name=model.name) for model in await self.list_models()]

    async def aclose(self) -> None:
        await self._client.close()

    async def _stream(self, call, model: str, text_of) -> AsyncIterator[GenerationChunk]:
        stream = None
        try:
            stream = await call
            finish_reason = None
            usage = None
            events = 0
            async for event in stream:
                events += 1
                choices = getattr(event, "choices", None) or []
                if getattr(event, "usage", None) is not None:
                    usage = event.usage
                for choice in choices:
                    text = text_of(choice)
                    finish_reason = getattr(choice, "finish_reason", None) or finish_reason
                    if text:
                        yield GenerationChunk(text=text)
            if events == 0:
                # A streamed reply has at least one event; an empty body is a broken server.
                raise MalformedStream("the server ended the stream without sending any event", backend=self.name, host=self.host, model=model)
            yield GenerationChunk(text="", done=True, stats=_stats(usage, finish_reason))
        except BackendError:
            raise
        except Exception as error:  # noqa: BLE001 - every client error is mapped below
            raise self._map_error(error, model) from error
        finally:
            if stream is not None:
                await _close_quietly(stream)

    def _map_error(self, error: BaseException, model: str) -> BackendError:
        context = {"backend": self.name, "host": self.host, "model": model}
        if isinstance(error, openai.APITimeoutError):
            return BackendTimeout(f"no reply within {self.timeout_s} s", **context)
        if isinstance(error, openai.APIConnectionError):
            cause = error.__cause__
            if cause is not None and "connect" in type(cause).__name__.lower():
                return BackendUnreachable(str(cause) or type(cause).__name__, **context)
            if getattr(error, "response", None) is None and _looks_like_connect_failure(error):
                return BackendUnreachable(str(error), **context)
            return StreamInterrupted(str(error), **context)
        if isinstance(error, openai.NotFoundError):
            text = _error_text(error)
            path = str(error.request.url.path) if getattr(error, "request", None) is not None else "?"
            # llama.cpp and vLLM answer a plain `Not Found` for an unknown path, and name the
            # model when the path exists but the model does not. `/models` takes no model.
            if path.endswith("/models") or "model" not in text.lower():
                return EndpointNotFound(text, path=path, status=404, **context)
            return ModelNotFound(text, status=404, **context)
        if isinstance(error, openai.APIStatusError):
            text = _error_text(error)
            if "model" in text.lower() and "not found" in text.lower():
                return ModelNotFound(text, status=error.status_code, **context)
            return BackendHTTPError(text, status=error.status_code, **context)
        if isinstance(error, (json.JSONDecodeError, openai.APIResponseValidationError)):
            return MalformedStream(str(error), **context)
        if isinstance(error, openai.APIError):
            return MalformedStream(str(error), **context)
        return StreamInterrupted(f"{type(error).__name__}: {error}", **context)


def _looks_like_connect_failure(error: BaseException) -> bool:
    """Return True when the connection could not be opened at all.

    A reset or a closed connection after it opened (`ConnectionResetError`, httpx's
    `ReadError` or `RemoteProtocolError`) is a broken stream, not an unreachable server.
    """
    cause = error.__cause__
    while cause is not None:
        if isinstance(cause, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
            return False
        if isinstance(cause, (ConnectionRefusedError, socket.gaierror)):
            return True
        if "ConnectError" in type(cause).__name__:
            return True
        cause = cause.__cause__
    return False


def _completion_text(choice: Any) -> str:
    return getattr(choice, "text", None) or ""


def _chat_text(choice: Any) -> str:
    delta = getattr(choice, "delta", None)
    return (getattr(delta, "content", None) or "") if delta is not None else ""


def _error_text(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        detail = body.get("error", body)
        if isinstance(detail, dict):
            return str(detail.get("message") or detail)
        return str(detail)
    return str(error.message)


def _stats(usage: Any, finish_reason: str | None) -> GenerationStats:
    if usage is None:
        return GenerationStats(done_reason=finish_reason)
    return GenerationStats(
        prompt_tokens=getattr(usage, "prompt_tokens", None),
        completion_tokens=getattr(usage, "completion_tokens", None),
        done_reason=finish_reason,
    )


async def _close_quietly(stream: Any) -> None:
    close = getattr(stream, "close", None)
    if close is None:
        return
    try:
        await close()
    except Exception as error:  # noqa: BLE001 - closing a broken stream must not mask the first error
        logger.debug("closing the OpenAI-compatible stream failed: %s", error)
