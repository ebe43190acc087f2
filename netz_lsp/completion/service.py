"""One inline completion through the whole pipeline, shared by the LSP handler and the CLI."""

from __future__ import annotations

import logging
import time
from contextlib import aclosing
from dataclasses import dataclass

from netz_lsp.backend.base import GenerationRequest
from netz_lsp.backend.errors import FimNotSupported
from netz_lsp.completion.cache import PromptCache, ShownSuggestions, prompt_key
from netz_lsp.context.types import CompletionContext, ContextRequest
from netz_lsp.context.window import cut_prefix, cut_suffix
from netz_lsp.defaults import MAX_COMPLETION_LINE_CHARS
from netz_lsp.document.text_document import TextDocument
from netz_lsp.postprocess.filters import CursorText, postprocess, stop_at_block_end
from netz_lsp.privacy import uri_to_path
from netz_lsp.prompt.families import FIM_FAMILIES
from netz_lsp.prompt.fim import template_for
from netz_lsp.runtime import Runtime

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompletionResult:
    text: str
    cursor_char: int
    model: str
    prompt_chars: int
    prompt_tokens: int | None


@dataclass(frozen=True)
class PreparedPrompt:
    """A rendered prompt and what produced it; the cache key covers everything in here."""

    request: GenerationRequest
    context: CompletionContext
    cursor: CursorText


class CompletionService:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.prompt_cache = PromptCache()
        self.shown = ShownSuggestions()
        # Counts of generations sent to the backend and of generations that ran to the end.
        self.generations_started = 0
        self.generations_finished = 0

    def may_complete(self, document: TextDocument, request_id: str) -> bool:
        """Return False when completions are off or the document is private or excluded."""
        settings = self.runtime.settings
        if not settings.completion_enabled:
            return False
        if not self.runtime.allows(document.uri):
            logger.info("[%s] no completion: the document is private or excluded", request_id)
            return False
        return True

    def continue_shown(self, document: TextDocument, cursor_char: int, request_id: str) -> CompletionResult | None:
        """Return the rest of a suggestion the user is typing through, without a model call."""
        if not self.may_complete(document, request_id):
            return None
        model = self.runtime.settings.models.completion
        rest = self.shown.continuation(document, cursor_char, model)
        if rest is None:
            return None
        logger.info("[%s] reusing the suggestion shown before (%d chars left)", request_id, len(rest))
        return CompletionResult(text=rest, cursor_char=cursor_char, model=model, prompt_chars=0, prompt_tokens=None)

    def prepare(self, document: TextDocument, cursor_char: int, request_id: str) -> PreparedPrompt | None:
        """Build the prompt for a cursor position, or None when no completion should be asked."""
        settings = self.runtime.settings
        if not self.may_complete(document, request_id):
            return None

        cursor_char = max(0, min(cursor_char, len(document.text)))
        line = document.line_of(cursor_char)
        line_start = document.line_start(line)
        line_end = document.line_end(line)
        if line_end - line_start > MAX_COMPLETION_LINE_CHARS:
            logger.info("[%s] no completion: line %d is %d characters long", request_id, line, line_end - line_start)
            return None

        model = settings.models.completion
        family = settings.family_for(model)
        template = template_for(family) if family in FIM_FAMILIES else None
        if template is None:
            raise FimNotSupported(
                f"no FIM template for {model}",
                backend=settings.backend,
                host=settings.backend_host(),
                model=model,
            )

        limits = settings.limits_for(model)
        token_budget = settings.token_budget(model, "completion")
        estimator = self.runtime.estimators.for_model(model)
        context_request = ContextRequest(
            document=document,
            cursor_char=cursor_char,
            token_budget=token_budget,
            estimator=estimator,
            file_path=_relative_path(document.uri, self.runtime.workspace_root),
        )
        context = self.runtime.context_builder.build(context_request)
        if "\x00" in context.prefix or "\x00" in context.suffix:
            logger.info("[%s] no completion: NUL characters near the cursor, the content looks binary", request_id)
            return None
        prompt = template.render(context, repo_name=_repo_name(self.runtime.workspace_root))
        prompt = _fit_prompt(prompt, context, template, token_budget, estimator)
        prompt = replace_lone_surrogates(prompt)

        cursor = CursorText(
            line_prefix=document.text[line_start:cursor_char],
            line_suffix=document.text[cursor_char:line_end],
            suffix=context.suffix,
        )
        request = GenerationRequest(
            model=model,
            prompt=prompt,
            num_ctx=limits.num_ctx,
            num_predict=limits.num_predict,
            stop=template.stop,
            temperature=settings.completion_temperature,
            keep_alive=settings.keep_alive,
            request_id=request_id,
        )
        if settings.log_prompts:
            logger.debug("[%s] prompt (logPrompts is on, so source text is logged): %r", request_id, prompt)
        return PreparedPrompt(request=request, context=context, cursor=cursor)

    async def generate(self, prepared: PreparedPrompt) -> tuple[str, int | None]:
        """Stream the completion, stopping as soon as the current block is complete."""
        request = prepared.request
        started_at = time.perf_counter()
        raw_text = ""
        prompt_tokens = None
        self.generations_started += 1
        async with aclosing(self.runtime.backend.generate(request)) as stream:
            async for chunk in stream:
                raw_text += chunk.text
                if chunk.stats is not None:
                    prompt_tokens = chunk.stats.prompt_tokens
                if chunk.done:
                    break
                if "\n" in chunk.text and _block_is_complete(raw_text, prepared.cursor):
                    logger.debug("[%s] block complete; closing the stream early", request.request_id)
                    break
        self.generations_finished += 1
        if prompt_tokens:
            self.runtime.estimators.for_model(request.model).observe(len(request.prompt), prompt_tokens)
        logger.info(
            "[%s] %s answered %d chars in %.0f ms (prompt %s tokens)",
            request.request_id,
            request.model,
            len(raw_text),
            (time.perf_counter() - started_at) * 1000,
            prompt_tokens if prompt_tokens is not None else "?",
        )
        return raw_text, prompt_tokens

    async def complete(self, document: TextDocument, cursor_char: int, request_id: str) -> CompletionResult | None:
        """Return the post-processed completion at `cursor_char`, or None when there is none."""
        prepared = self.prepare(document, cursor_char, request_id)
        if prepared is None:
            return None
        key = prompt_key(prepared.request)
        text = self.prompt_cache.get(key)
        prompt_tokens = None
        if text is not None:
            logger.info("[%s] reusing the completion of an identical prompt", request_id)
        else:
            raw_text, prompt_tokens = await self.generate(prepared)
            text = postprocess(raw_text, prepared.cursor)
            self.prompt_cache.put(key, text)
        if not text:
            return None
        self.shown.remember(
            document,
            cursor_char,
            prepared.request.model,
            prefix_chars=len(prepared.context.prefix),
            suffix_chars=len(prepared.context.suffix),
            text=text,
        )
        return CompletionResult(
            text=text,
            cursor_char=cursor_char,
            model=prepared.request.model,
            prompt_chars=len(prepared.request.prompt),
            prompt_tokens=prompt_tokens,
        )


def replace_lone_surrogates(text: str) -> str:
    """Replace lone UTF-16 surrogates (valid in JSON, not in UTF-8) with U+FFFD.

    A client may send them inside document text; an HTTP client cannot encode them, so the
    prompt would fail to send.
    """
    if text.isascii():
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _block_is_complete(raw_text: str, cursor: CursorText) -> bool:
    """Return True when the complete lines streamed so far already run past the block's end."""
    complete_part = raw_text[: raw_text.rfind("\n")]
    if "\n" not in complete_part:
        return False
    return stop_at_block_end(complete_part, cursor) != complete_part


def _fit_prompt(prompt, context, template, token_budget, estimator) -> str:
    """Shrink the context until the rendered prompt fits `token_budget` by the estimate."""
    for _ in range(8):
        if estimator.count(prompt) <= token_budget:
            return prompt
        context.prefix = cut_prefix(context.prefix, int(len(context.prefix) * 0.8))
        context.suffix = cut_suffix(context.suffix, int(len(context.suffix) * 0.8))
        if context.snippets:
            context.snippets = context.snippets[:-1]
        prompt = template.render(context)
    return prompt


def _relative_path(uri: str, workspace_root: str | None) -> str:
    path = uri_to_path(uri)
    if workspace_root and path.startswith(workspace_root.rstrip("/") + "/"):
        return path[len(workspace_root.rstrip("/")) + 1 :]
    return path.rsplit("/", 1)[-1]


def _repo_name(workspace_root: str | None) -> str:
    if not workspace_root:
        return "workspace"
    return workspace_root.rstrip("/").rsplit("/", 1)[-1] or "workspace"
