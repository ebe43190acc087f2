"""Timing of single requests: through NETZ's backends, and straight to the engine's own client.

The time to first token (TTFT) and the end-to-end time are measured here, on the client, with
`time.perf_counter`. Token counts and durations come from the backend when it reports them:
Ollama's final line carries `eval_count`, `eval_duration`, `prompt_eval_count` and
`prompt_eval_duration`; OpenAI-compatible servers report token counts in `usage` but no
durations, so their rates are computed from client-side times.
"""

from __future__ import annotations

import statistics
import time
from contextlib import aclosing
from dataclasses import asdict, dataclass
from typing import AsyncIterator

import httpx
import ollama
import openai

from netz_lsp.backend.base import ChatRequest, GenerationChunk, GenerationRequest, GenerationStats
from netz_lsp.backend.errors import BackendTimeout, BackendUnreachable, ModelNotFound, StreamInterrupted

SOURCE_BACKEND = "backend"
SOURCE_CLIENT = "client"
# Token-count endpoints of OpenAI-compatible servers, relative to the server root:
# llama-cpp-python's server, then llama.cpp's own `llama-server`.
TOKENIZE_ENDPOINTS = (
    ("/extras/tokenize/count", "input", "count"),
    ("/tokenize", "content", "tokens"),
)


@dataclass
class Sample:
    """One measured request. Times in milliseconds; `*_source` names who measured a rate."""

    ttft_ms: float | None
    total_ms: float
    text_chars: int
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    backend_total_ns: int | None = None
    load_ns: int | None = None
    prompt_eval_ns: int | None = None
    eval_ns: int | None = None
    tokens_per_s: float | None = None
    tokens_per_s_source: str | None = None
    prompt_tokens_per_s: float | None = None
    prompt_tokens_per_s_source: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Summary:
    """Median and range of one metric over the runs."""

    median: float | None
    minimum: float | None
    maximum: float | None
    count: int

    @classmethod
    def of(cls, values: list[float | None]) -> "Summary":
        present = [value for value in values if value is not None]
        if not present:
            return cls(None, None, None, 0)
        return cls(statistics.median(present), min(present), max(present), len(present))

    def to_json(self) -> dict:
        return {"median": self.median, "min": self.minimum, "max": self.maximum, "n": self.count}


def build_sample(ttft_s: float | None, last_token_s: float | None, total_s: float, text: str, chunks: int, stats: GenerationStats | None) -> Sample:
    """Combine client-side times with the backend's statistics, preferring the backend's."""
    stats = stats or GenerationStats()
    sample = Sample(
        ttft_ms=None if ttft_s is None else ttft_s * 1000,
        total_ms=total_s * 1000,
        text_chars=len(text),
        prompt_tokens=stats.prompt_tokens,
        completion_tokens=stats.completion_tokens,
        backend_total_ns=stats.total_duration_ns,
        load_ns=stats.load_duration_ns,
        prompt_eval_ns=stats.prompt_eval_duration_ns,
        eval_ns=stats.eval_duration_ns,
    )
    if stats.completion_tokens and stats.eval_duration_ns:
        sample.tokens_per_s = stats.completion_tokens / (stats.eval_duration_ns / 1e9)
        sample.tokens_per_s_source = SOURCE_BACKEND
    elif ttft_s is not None and last_token_s is not None and last_token_s > ttft_s:
        # The first token arrives at TTFT, so the decode rate covers the tokens after it.
        generated = stats.completion_tokens if stats.completion_tokens is not None else chunks
        if generated > 1:
            sample.tokens_per_s = (generated - 1) / (last_token_s - ttft_s)
            sample.tokens_per_s_source = SOURCE_CLIENT
    if stats.prompt_tokens and stats.prompt_eval_duration_ns:
        sample.prompt_tokens_per_s = stats.prompt_tokens / (stats.prompt_eval_duration_ns / 1e9)
        sample.prompt_tokens_per_s_source = SOURCE_BACKEND
    elif stats.prompt_tokens and ttft_s:
        # NOTE: TTFT also contains the request round trip and the first decode step, so this
        # client-side rate is a lower bound of the real prompt processing speed.
        sample.prompt_tokens_per_s = stats.prompt_tokens / ttft_s
        sample.prompt_tokens_per_s_source = SOURCE_CLIENT
    return sample


async def count_tokens_on_server(base_url: str, prompt: str, timeout_s: float) -> int | None:
    """Ask an OpenAI-compatible server to count `prompt`'s tokens; None when it has no such endpoint.

    Servers that send no `usage` in streams (llama-cpp-python 0.3) can still count tokens
    with their own tokenizer, which beats a client-side estimate.
    """
    root = base_url.rstrip("/").removesuffix("/v1")
    async with httpx.AsyncClient(timeout=timeout_s) as client:
        for path, field_name, result_name in TOKENIZE_ENDPOINTS:
            try:
                response = await client.post(root + path, json={field_name: prompt})
            except httpx.HTTPError:
                return None
            if response.status_code != 200:
                continue
            try:
                result = response.json()[result_name]
            except (ValueError, KeyError, TypeError):
                continue
            return result if isinstance(result, int) else len(result)
    return None


async def timed_stream(stream: AsyncIterator[GenerationChunk]) -> tuple[Sample, str]:
    """Consume a backend stream to its end and return its sample and text."""
    started = time.perf_counter()
    first_token = last_token = None
    text = ""
    chunks = 0
    stats = None
    async with aclosing(stream) as chunks_stream:
        async for chunk in chunks_stream:
            now = time.perf_counter() - started
            if chunk.text:
                chunks += 1
                text += chunk.text
                if first_token is None:
                    first_token = now
                last_token = now
            if chunk.stats is not None:
                stats = chunk.stats
            if chunk.done:
                break
    total = time.perf_counter() - started
    return build_sample(first_token, last_token, total, text, chunks, stats), text


async def measure_generate(backend, request: GenerationRequest) -> tuple[Sample, str]:
    return await timed_stream(backend.generate(request))


async def measure_chat(backend, request: ChatRequest) -> tuple[Sample, str]:
    return await timed_stream(backend.chat(request))


class RawEngine:
    """The engine's own Python client, without NETZ: the baseline for `--compare-raw`."""

    def __init__(self, backend_name: str, host: str, api_key: str, timeout_s: float):
        self.backend_name = backend_name
        self.host = host
        if backend_name == "ollama":
            self._ollama = ollama.AsyncClient(host=host, timeout=httpx.Timeout(timeout_s))
            self._openai = None
        else:
            self._ollama = None
            self._openai = openai.AsyncOpenAI(base_url=host, api_key=api_key or "netz-local", timeout=timeout_s, max_retries=0)

    async def generate(self, request: GenerationRequest) -> tuple[float, str]:
        """Send `request` with the same prompt and options as NETZ; return (seconds to the end, text)."""
        started = time.perf_counter()
        try:
            text = await self._generate(request)
        except (httpx.ConnectError, openai.APIConnectionError, ConnectionError) as error:
            raise BackendUnreachable(str(error), backend=self.backend_name, host=self.host, model=request.model) from error
        except (httpx.TimeoutException, openai.APITimeoutError) as error:
            raise BackendTimeout(str(error), backend=self.backend_name, host=self.host, model=request.model) from error
        except (ollama.ResponseError, openai.NotFoundError) as error:
            raise ModelNotFound(str(error), backend=self.backend_name, host=self.host, model=request.model) from error
        except (httpx.HTTPError, openai.APIError) as error:
            raise StreamInterrupted(str(error), backend=self.backend_name, host=self.host, model=request.model) from error
        return time.perf_counter() - started, text

    async def _generate(self, request: GenerationRequest) -> str:
        text = ""
        if self._ollama is not None:
            stream = await self._ollama.generate(
                model=request.model,
                prompt=request.prompt,
                raw=True,
                stream=True,
                options={
                    "num_ctx": request.num_ctx,
                    "num_predict": request.num_predict,
                    "temperature": request.temperature,
                    "stop": list(request.stop),
                },
                keep_alive=request.keep_alive,
            )
            async for part in stream:
                text += part.response or ""
            return text
        stream = await self._openai.completions.create(
            model=request.model,
            prompt=request.prompt,
            max_tokens=request.num_predict,
            temperature=request.temperature,
            stop=list(request.stop) or None,
            stream=True,
            stream_options={"include_usage": True},
        )
        async for event in stream:
            for choice in event.choices:
                text += choice.text or ""
        return text

    async def aclose(self) -> None:
        if self._ollama is not None:
            await self._ollama._client.aclose()
        if self._openai is not None:
            await self._openai.close()

