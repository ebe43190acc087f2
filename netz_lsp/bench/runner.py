"""The benchmark run: which models, which measurements, in which order, saved after each step."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from netz_lsp import __version__
from netz_lsp.backend.base import ChatMessage, ChatRequest, GenerationRequest
from netz_lsp.backend.errors import BackendError, BackendUnreachable
from netz_lsp.bench.chart import write_chart
from netz_lsp.bench.datasets import FimHole, TurkishQuestion, load_fim_holes, load_turkish_questions
from netz_lsp.bench.machine import describe_machine
from netz_lsp.bench.measure import (
    SOURCE_CLIENT,
    RawEngine,
    Sample,
    Summary,
    count_tokens_on_server,
    measure_chat,
    measure_generate,
)
from netz_lsp.bench.progress import ProgressBar
from netz_lsp.bench.report import render_markdown, write_atomically, write_json
from netz_lsp.bench.scoring import is_turkish, matched_key_terms, score_fim
from netz_lsp.bench.texts import text
from netz_lsp.completion.service import CompletionService
from netz_lsp.defaults import CHAT_TEMPERATURE
from netz_lsp.lsp.reporter import user_message
from netz_lsp.prompt.families import FIM_FAMILIES
from netz_lsp.runtime import Runtime

logger = logging.getLogger(__name__)

CHAT_NUM_PREDICT = 256
WARMUP_PROMPT = "def add(a, b):\n    return"
WARMUP_NUM_PREDICT = 4
# Room kept free in the context window when the long prompt is sized.
LONG_PROMPT_MARGIN_TOKENS = 64
CHAT_SNIPPET_CHARS = 600
CHAT_SYSTEM_PROMPT = "You are NETZ AI, a coding assistant. Answer briefly."
QUESTION_SYSTEM_PROMPT = "You are NETZ AI, a coding assistant. Answer the question briefly, in the language it is asked in."


@dataclass(frozen=True)
class BenchOptions:
    runs: int = 5
    num_predict: int | None = None
    holes: int | None = None
    questions: int | None = None
    long_prompt_tokens: int = 2048
    compare_raw: bool = False


@dataclass
class ModelPlan:
    """One model to measure and the measurements its roles call for."""

    model: str
    roles: list[str]
    family: str | None
    fim: bool
    chat: bool
    notes: list[str] = field(default_factory=list)


def plan_models(runtime: Runtime, names: list[str] | None, turkish: bool) -> list[ModelPlan]:
    """Deduplicate the configured models (or `names`) and decide what to measure for each.

    A configured model gets the roles it is configured for. A model named with `--models`
    and not configured is measured for FIM when its family has a FIM template, and for chat
    unless its name marks a base model (`base` in the name, or a `-code` tag as CodeLlama uses).
    """
    settings = runtime.settings
    configured: dict[str, list[str]] = {}
    roles = {"completion": settings.models.completion, "chat": settings.models.chat, "question": settings.models.question}
    if settings.profile != "auto":
        roles[f"profile {settings.profile}"] = getattr(settings.profile_models, settings.profile)
    for role, model in roles.items():
        configured.setdefault(model, []).append(role)

    plans = []
    for model in dict.fromkeys(names if names is not None else configured):
        family = settings.family_for(model)
        is_fim_family = family in FIM_FAMILIES
        model_roles = configured.get(model)
        if model_roles is None:
            base_model = "base" in model.lower() or model.lower().endswith("-code")
            model_roles = []
            if is_fim_family:
                model_roles.append("completion")
            if not base_model:
                model_roles.append("chat")
        wants_fim = "completion" in model_roles
        plan = ModelPlan(
            model=model,
            roles=model_roles,
            family=family.value if family else None,
            fim=wants_fim and is_fim_family,
            chat=any(role != "completion" for role in model_roles),
        )
        if wants_fim and not is_fim_family:
            plan.notes.append(text("fim_family_unknown", turkish, model=model))
        plans.append(plan)
    return plans


def _series(samples: list[Sample]) -> dict[str, Any]:
    return {
        "samples": [sample.to_json() for sample in samples],
        "ttft_ms": Summary.of([sample.ttft_ms for sample in samples]).to_json(),
        "total_ms": Summary.of([sample.total_ms for sample in samples]).to_json(),
        "tokens_per_s": Summary.of([sample.tokens_per_s for sample in samples]).to_json(),
        "tokens_per_s_source": _source([sample.tokens_per_s_source for sample in samples]),
        "completion_tokens": Summary.of([sample.completion_tokens for sample in samples]).to_json(),
        "prompt_tokens": Summary.of([sample.prompt_tokens for sample in samples]).to_json(),
        "prompt_tokens_per_s": Summary.of([sample.prompt_tokens_per_s for sample in samples]).to_json(),
        "prompt_tokens_per_s_source": _source([sample.prompt_tokens_per_s_source for sample in samples]),
    }


def _source(sources: list[str | None]) -> str | None:
    """Return the one source of a series, or `mixed` when runs were measured differently."""
    present = {source for source in sources if source}
    if not present:
        return None
    return present.pop() if len(present) == 1 else "mixed"


class BenchRunner:
    """Measures each planned model and rewrites the JSON and Markdown report after every step."""

    def __init__(self, runtime: Runtime, settings_raw: dict, options: BenchOptions, output: Path, report_name: str, turkish: bool):
        self.runtime = runtime
        self.settings_raw = settings_raw
        self.options = options
        self.turkish = turkish
        self.json_path = output / f"{report_name}.json"
        self.markdown_path = output / f"{report_name}.md"
        self.chart_path = output / f"{report_name}.png"
        self.nonce = uuid.uuid4().hex[:8]
        # Speed runs take their code from all holes; `--holes` limits only the scored ones.
        self.code_samples = load_fim_holes()
        self.holes = list(self.code_samples)
        self.questions = load_turkish_questions()
        if options.holes is not None:
            self.holes = self.holes[: options.holes]
        if options.questions is not None:
            self.questions = self.questions[: options.questions]
        self.progress: ProgressBar | None = None
        settings = runtime.settings
        self.report: dict[str, Any] = {
            "tool": "netz-lsp bench",
            "version": __version__,
            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "finished_at": None,
            "status": "running",
            "error": None,
            "machine": describe_machine(),
            "backend": {"name": settings.backend, "host": settings.backend_host()},
            "settings": {
                "runs": options.runs,
                "num_predict_completion": options.num_predict,
                "num_predict_chat": options.num_predict or CHAT_NUM_PREDICT,
                "long_prompt_tokens": options.long_prompt_tokens,
                "fim_holes": len(self.holes),
                "turkish_questions": len(self.questions),
                "compare_raw": options.compare_raw,
            },
            "models": [],
        }

    # Report files

    def save(self) -> None:
        write_json(self.report, self.json_path)
        chart_name = self.chart_path.name if self.chart_path.exists() else None
        write_atomically(self.markdown_path, render_markdown(self.report, self.turkish, chart_name))

    def finish(self, status: str, error: str | None = None) -> None:
        """Record the final status, draw the chart and write the report files one last time."""
        self.report["status"] = status
        self.report["error"] = error
        self.report["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        try:
            write_chart(self.report, self.chart_path, self.turkish)
        except Exception as chart_error:  # noqa: BLE001 - a chart failure must not lose the report
            logger.warning(text("chart_failed", self.turkish, error=chart_error))
        self.save()

    @property
    def paths(self) -> list[Path]:
        return [path for path in (self.markdown_path, self.json_path, self.chart_path) if path.exists()]

    # The run

    def total_steps(self, plans: list[ModelPlan]) -> int:
        runs = self.options.runs
        total = 0
        for plan in plans:
            total += 1 + runs + 1  # warm-up, long prompt, memory
            if plan.fim:
                total += runs + len(self.holes) + (2 * runs if self.options.compare_raw else 0)
            if plan.chat:
                total += runs + len(self.questions)
        return total

    async def run(self, plans: list[ModelPlan]) -> bool:
        """Measure every plan; return True when all models were measured without errors.

        BackendUnreachable ends the whole run; any other backend error fails only its model.
        """
        self.progress = ProgressBar(self.total_steps(plans))
        for plan in plans:
            self.report["models"].append({
                "model": plan.model, "roles": plan.roles, "family": plan.family, "status": "pending",
                "error": None, "notes": plan.notes,
            })
        self.save()
        all_measured = True
        for plan, entry in zip(plans, self.report["models"]):
            entry["status"] = "running"
            try:
                await self._measure_model(plan, entry)
                entry["status"] = "complete"
            except BackendUnreachable as error:
                entry["status"] = "failed"
                entry["error"] = user_message(error, self.runtime.locale, self.runtime.settings.request_timeout_s)
                raise
            except BackendError as error:
                entry["status"] = "failed"
                entry["error"] = user_message(error, self.runtime.locale, self.runtime.settings.request_timeout_s)
                all_measured = False
                logger.warning("benchmark of %s failed: %s", plan.model, error)
            finally:
                self.save()
        self.progress.finish()
        return all_measured

    def _step(self, plan: ModelPlan, label_key: str) -> None:
        assert self.progress is not None
        self.progress.advance(f"{plan.model}: {text(label_key, self.turkish)}")

    async def _measure_model(self, plan: ModelPlan, entry: dict[str, Any]) -> None:
        model_runtime = Runtime(client_locale=self.runtime.client_locale)
        model_runtime.apply_settings(self.settings_raw)
        overrides: dict[str, Any] = {"models": {"completion": plan.model}}
        if self.options.num_predict:
            overrides["modelOptions"] = {plan.model: {"numPredict": self.options.num_predict}}
        model_runtime.apply_settings(overrides)
        service = CompletionService(model_runtime)
        try:
            await self._warm_up(plan, entry, model_runtime)
            if plan.fim:
                await self._completion_speed(plan, entry, service)
            if plan.chat:
                await self._chat_speed(plan, entry, model_runtime)
            await self._long_prompt(plan, entry, model_runtime)
            if plan.fim:
                await self._fim_accuracy(plan, entry, service)
            if plan.chat:
                await self._turkish_check(plan, entry, model_runtime)
            if plan.fim and self.options.compare_raw:
                await self._compare_raw(plan, entry, service)
            await self._memory(plan, entry, model_runtime)
        finally:
            await model_runtime.aclose()

    def _generation_request(self, runtime: Runtime, model: str, prompt: str, num_predict: int, request_id: str) -> GenerationRequest:
        settings = runtime.settings
        return GenerationRequest(
            model=model,
            prompt=prompt,
            num_ctx=settings.limits_for(model).num_ctx,
            num_predict=num_predict,
            keep_alive=settings.keep_alive,
            request_id=request_id,
        )

    def _document(self, runtime: Runtime, hole: FimHole, tag: str):
        """Open a document holding the hole's code after a unique first line; return it and the cursor."""
        first_line = f"# netz-bench {self.nonce} {tag}\n"
        uri = f"file:///netz-bench/{tag}/{hole.path}"
        document = runtime.documents.open(uri, first_line + hole.prefix + hole.suffix, "python", 0)
        return document, len(first_line) + len(hole.prefix)

    async def _warm_up(self, plan: ModelPlan, entry: dict[str, Any], runtime: Runtime) -> None:
        request = self._generation_request(runtime, plan.model, WARMUP_PROMPT, WARMUP_NUM_PREDICT, "bench-warmup")
        sample, _ = await measure_generate(runtime.backend, request)
        entry["warmup"] = sample.to_json()
        self._step(plan, "progress_warmup")

    async def _completion_speed(self, plan: ModelPlan, entry: dict[str, Any], service: CompletionService) -> None:
        samples = []
        for run in range(self.options.runs):
            document, cursor = self._document(service.runtime, self.code_samples[run % len(self.code_samples)], f"completion-{run}")
            prepared = service.prepare(document, cursor, f"bench-completion-{run}")
            if prepared is None:
                continue  # Completions are disabled in the settings.
            sample, _ = await measure_generate(service.runtime.backend, prepared.request)
            samples.append(sample)
            entry["completion"] = _series(samples)
            self._step(plan, "progress_completion")
            self.save()

    async def _chat_speed(self, plan: ModelPlan, entry: dict[str, Any], runtime: Runtime) -> None:
        settings = runtime.settings
        samples = []
        for run in range(self.options.runs):
            hole = self.code_samples[run % len(self.code_samples)]
            code = (hole.prefix + hole.expected + hole.suffix)[-CHAT_SNIPPET_CHARS:]
            request = ChatRequest(
                model=plan.model,
                messages=(
                    ChatMessage("system", CHAT_SYSTEM_PROMPT),
                    ChatMessage("user", f"[{self.nonce}-{run}] Explain what this Python code does:\n\n```python\n{code}\n```"),
                ),
                num_ctx=settings.limits_for(plan.model).num_ctx,
                num_predict=self.options.num_predict or CHAT_NUM_PREDICT,
                temperature=CHAT_TEMPERATURE,
                keep_alive=settings.keep_alive,
                request_id=f"bench-chat-{run}",
            )
            sample, _ = await measure_chat(runtime.backend, request)
            samples.append(sample)
            entry["chat"] = _series(samples)
            self._step(plan, "progress_chat")
            self.save()

    def _long_prompt_text(self, runtime: Runtime, model: str, run: int) -> str:
        limits = runtime.settings.limits_for(model)
        tokens = min(self.options.long_prompt_tokens, limits.num_ctx - LONG_PROMPT_MARGIN_TOKENS)
        max_chars = runtime.estimators.for_model(model).max_chars(tokens)
        parts = [f"# netz-bench {self.nonce} long prompt {run}\n"]
        length = len(parts[0])
        index = 0
        while length < max_chars:
            hole = self.code_samples[index % len(self.code_samples)]
            part = f"# {hole.path}\n{hole.prefix}{hole.expected}{hole.suffix}\n"
            parts.append(part)
            length += len(part)
            index += 1
        return "".join(parts)[:max_chars]

    async def _long_prompt(self, plan: ModelPlan, entry: dict[str, Any], runtime: Runtime) -> None:
        samples = []
        for run in range(self.options.runs):
            prompt = self._long_prompt_text(runtime, plan.model, run)
            request = self._generation_request(runtime, plan.model, prompt, 1, f"bench-long-{run}")
            sample, _ = await measure_generate(runtime.backend, request)
            if sample.prompt_tokens is None and runtime.settings.backend == "openai":
                sample.prompt_tokens = await count_tokens_on_server(runtime.settings.openai_base_url, prompt, runtime.settings.request_timeout_s)
                if sample.prompt_tokens and sample.ttft_ms:
                    # NOTE: TTFT includes the round trip and one decode step, so this rate is a lower bound.
                    sample.prompt_tokens_per_s = sample.prompt_tokens / (sample.ttft_ms / 1000)
                    sample.prompt_tokens_per_s_source = SOURCE_CLIENT
            if sample.prompt_tokens:
                runtime.estimators.for_model(plan.model).observe(len(prompt), sample.prompt_tokens)
            samples.append(sample)
            entry["long_prompt"] = _series(samples)
            self._step(plan, "progress_long")
            self.save()

    async def _fim_accuracy(self, plan: ModelPlan, entry: dict[str, Any], service: CompletionService) -> None:
        results = []
        for index, hole in enumerate(self.holes):
            document, cursor = self._document(service.runtime, hole, f"fim-{index}")
            result = await service.complete(document, cursor, f"bench-fim-{index}")
            completion = result.text if result is not None else ""
            exact, similarity = score_fim(completion, hole.expected)
            results.append({"id": hole.hole_id, "expected": hole.expected, "completion": completion, "exact": exact, "similarity": round(similarity, 4)})
            entry["fim"] = {
                "holes": len(results),
                "exact_match": sum(item["exact"] for item in results) / len(results),
                "edit_similarity": sum(item["similarity"] for item in results) / len(results),
                "results": results,
            }
            self._step(plan, "progress_fim")
            self.save()

    async def _turkish_check(self, plan: ModelPlan, entry: dict[str, Any], runtime: Runtime) -> None:
        settings = runtime.settings
        results = []
        for index, question in enumerate(self.questions):
            request = ChatRequest(
                model=plan.model,
                messages=(ChatMessage("system", QUESTION_SYSTEM_PROMPT), ChatMessage("user", question.question)),
                num_ctx=settings.limits_for(plan.model).num_ctx,
                num_predict=self.options.num_predict or CHAT_NUM_PREDICT,
                temperature=CHAT_TEMPERATURE,
                keep_alive=settings.keep_alive,
                request_id=f"bench-turkish-{index}",
            )
            _, answer = await measure_chat(runtime.backend, request)
            results.append(_score_answer(question, answer))
            entry["turkish"] = {
                "questions": len(results),
                "in_turkish": sum(item["in_turkish"] for item in results),
                "all_terms": sum(item["all_terms"] for item in results),
                "passed": sum(item["in_turkish"] and item["all_terms"] for item in results),
                "results": results,
            }
            self._step(plan, "progress_turkish")
            self.save()

    async def _compare_raw(self, plan: ModelPlan, entry: dict[str, Any], service: CompletionService) -> None:
        """Alternate NETZ's whole pipeline and the engine's own client on prompts of the same shape."""
        settings = service.runtime.settings
        engine = RawEngine(settings.backend, settings.backend_host(), settings.openai_api_key, settings.request_timeout_s)
        pairs = []
        try:
            for pair in range(self.options.runs):
                hole = self.code_samples[pair % len(self.code_samples)]
                netz_document, netz_cursor = self._document(service.runtime, hole, f"netz-{pair}")
                raw_document, raw_cursor = self._document(service.runtime, hole, f"raw-{pair}")
                started = time.perf_counter()
                raw_request = service.prepare(raw_document, raw_cursor, f"bench-raw-{pair}").request
                prepare_ms = (time.perf_counter() - started) * 1000
                netz_first = pair % 2 == 0
                timings: dict[str, float] = {}
                for side in (("netz", "raw") if netz_first else ("raw", "netz")):
                    if side == "netz":
                        started = time.perf_counter()
                        await service.complete(netz_document, netz_cursor, f"bench-netz-{pair}")
                        timings["netz"] = (time.perf_counter() - started) * 1000
                    else:
                        seconds, _ = await engine.generate(raw_request)
                        timings["raw"] = seconds * 1000
                    self._step(plan, "progress_compare")
                pairs.append({"netz_ms": timings["netz"], "raw_ms": timings["raw"], "prepare_ms": prepare_ms, "netz_first": netz_first})
                netz = Summary.of([item["netz_ms"] for item in pairs])
                raw = Summary.of([item["raw_ms"] for item in pairs])
                entry["compare_raw"] = {
                    "pairs": len(pairs),
                    "netz_ms": netz.to_json(),
                    "raw_ms": raw.to_json(),
                    "prepare_ms": Summary.of([item["prepare_ms"] for item in pairs]).to_json(),
                    "ratio": netz.median / raw.median if raw.median else None,
                    "samples": pairs,
                }
                self.save()
        finally:
            await engine.aclose()

    async def _memory(self, plan: ModelPlan, entry: dict[str, Any], runtime: Runtime) -> None:
        memory: dict[str, Any] = {"size_bytes": None, "size_vram_bytes": None, "source": None}
        if runtime.settings.backend == "ollama":
            wanted = {plan.model, f"{plan.model}:latest"}
            for loaded in await runtime.backend.loaded_models():
                if loaded.name in wanted:
                    memory = {"size_bytes": loaded.size_bytes, "size_vram_bytes": loaded.size_vram_bytes, "source": "/api/ps"}
        entry["memory"] = memory
        self._step(plan, "progress_memory")


def _score_answer(question: TurkishQuestion, answer: str) -> dict[str, Any]:
    matched = matched_key_terms(answer, question)
    return {
        "id": question.question_id,
        "answer": answer,
        "in_turkish": is_turkish(answer),
        "key_terms_matched": matched,
        "key_terms_total": len(question.key_terms),
        "all_terms": matched == len(question.key_terms),
    }

