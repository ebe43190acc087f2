"""Run one chosen code action: build its prompt, stream the reply and turn it into an outcome.

Explain returns Markdown. Refactor and Debug return a replacement of exactly the target
range, checked by `replacement.check_replacement` (Debug adds its explanation). The inline
question and the doc comment insert new lines next to the code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable

from netz_lsp.actions import listing
from netz_lsp.actions.code_blocks import extract_code, prose_without_code
from netz_lsp.actions.comments import InlineQuestion, answer_comment
from netz_lsp.actions.doc_comments import clean_doc_text, doc_placement, format_family, render_doc
from netz_lsp.actions.generation import stream_chat
from netz_lsp.actions.replacement import Verdict, check_replacement, fit_to_range, line_ending_of
from netz_lsp.backend.base import ChatMessage, ChatRequest
from netz_lsp.defaults import CHAT_NUM_PREDICT, CHAT_TEMPERATURE
from netz_lsp.document.text_document import TextDocument
from netz_lsp.i18n import is_turkish, message
from netz_lsp.privacy import uri_to_path
from netz_lsp.prompt import chat as prompts
from netz_lsp.prompt.language import contains_code, question_language
from netz_lsp.runtime import Runtime
from netz_lsp.selection.router import Route, route_action, route_question

logger = logging.getLogger(__name__)

# Lines of surrounding code shown before and after the target, as far as the budget allows.
CONTEXT_LINES_BEFORE = 30
CONTEXT_LINES_AFTER = 10
# Tokens kept free for the instructions and diagnostics around the code.
PROMPT_OVERHEAD_TOKENS = 300


@dataclass
class ActionOutcome:
    """The result of an action: an edit `(start_char, end_char, new_text)`, Markdown to show, or a rejection message."""

    route: Route
    reply: str = ""
    edit: tuple[int, int, str] | None = None
    markdown: str = ""
    problem: str = ""
    verdict: Verdict | None = None
    extra: dict = field(default_factory=dict)


def chat_limits(runtime: Runtime, model: str, task_budget: str) -> tuple[int, int, int]:
    """Return `(num_ctx, num_predict, prompt_budget)` in tokens for a chat request to `model`."""
    settings = runtime.settings
    limits = settings.limits_for(model)
    options = settings.model_options.get(model)
    explicit = options.num_predict if options is not None else None
    num_predict = explicit or min(CHAT_NUM_PREDICT, limits.num_ctx // 2)
    budget = min(getattr(limits, task_budget), limits.num_ctx - num_predict)
    return limits.num_ctx, num_predict, budget


def excerpt_for(runtime: Runtime, document: TextDocument, start_char: int, end_char: int, model: str, budget: int) -> prompts.CodeExcerpt:
    """Cut the target code and the lines around it to the prompt budget of `model`."""
    estimator = runtime.estimators.for_model(model)
    code_budget = max(budget - PROMPT_OVERHEAD_TOKENS, 64)
    code = prompts.fit_to_budget(document.text[start_char:end_char], code_budget, estimator)
    remaining = code_budget - estimator.count(code)
    first_line = document.line_of(start_char)
    last_line = document.line_of(end_char)
    before_start = document.line_start(max(0, first_line - CONTEXT_LINES_BEFORE))
    after_end = document.line_end(min(document.line_count - 1, last_line + CONTEXT_LINES_AFTER))
    context = ""
    if remaining > 32 and (before_start < document.line_start(first_line) or after_end > document.line_end(last_line)):
        context = document.text[before_start:after_end]
        context = prompts.fit_to_budget(context, remaining, estimator)
    return prompts.CodeExcerpt(code=code, path=_display_path(runtime, document.uri), language_id=document.language_id, context=context)


def _display_path(runtime: Runtime, uri: str) -> str:
    path = uri_to_path(uri)
    root = runtime.workspace_root
    if root and path.startswith(root.rstrip("/") + "/"):
        return path[len(root.rstrip("/")) + 1 :]
    return path.rsplit("/", 1)[-1]


class ActionRunner:
    def __init__(self, runtime: Runtime, before_request: Callable | None = None):
        self.runtime = runtime
        # Awaited with the model name before each backend request (the loaded-model limit).
        self.before_request = before_request

    async def chat(self, route: Route, messages: tuple[ChatMessage, ...], num_ctx: int, num_predict: int, request_id: str, on_delta) -> str:
        settings = self.runtime.settings
        if self.before_request is not None:
            await self.before_request(route.model)
        request = ChatRequest(
            model=route.model,
            messages=messages,
            num_ctx=num_ctx,
            num_predict=num_predict,
            temperature=CHAT_TEMPERATURE,
            keep_alive=settings.keep_alive,
            request_id=request_id,
        )
        if settings.log_prompts:
            logger.debug("[%s] chat prompt (logPrompts is on, so source text is logged): %r", request_id, messages)
        return await stream_chat(self.runtime.backend, request, on_delta)

    def route_for(self, action: str, data: dict) -> Route:
        """Return the model route of an action; an inline question is routed like `netz.ask`."""
        if action == listing.QUESTION:
            return route_question(self.runtime.settings, contains_code(data.get("question", "")), self.runtime.locale)
        return route_action(self.runtime.settings, self.runtime.locale)

    async def run(self, action: str, document: TextDocument, start_char: int, end_char: int, data: dict, request_id: str, on_delta=None) -> ActionOutcome:
        locale = self.runtime.locale
        if action == listing.QUESTION:
            return await self._inline_question(document, data, request_id, on_delta)
        route = self.route_for(action, data)
        logger.info("[%s] %s with %s (%s)", request_id, action, route.model, route.rule)
        num_ctx, num_predict, budget = chat_limits(self.runtime, route.model, "code_action_budget")
        excerpt = excerpt_for(self.runtime, document, start_char, end_char, route.model, budget)
        language = "tr" if is_turkish(locale) else "en"

        if action == listing.EXPLAIN:
            reply = await self.chat(route, prompts.explain_messages(excerpt, language), num_ctx, num_predict, request_id, on_delta)
            return ActionOutcome(route, reply=reply, markdown=reply.strip())
        if action == listing.REFACTOR:
            reply = await self.chat(route, prompts.refactor_messages(excerpt, language), num_ctx, num_predict, request_id, on_delta)
            return self._replacement_outcome(route, reply, document, start_char, end_char, markdown="")
        if action == listing.DEBUG:
            notes = [prompts.DiagnosticNote(**note) for note in data.get("diagnostics") or []]
            reply = await self.chat(route, prompts.debug_messages(excerpt, notes, language), num_ctx, num_predict, request_id, on_delta)
            return self._replacement_outcome(route, reply, document, start_char, end_char, markdown=reply.strip())
        if action == listing.DOCSTRING:
            return await self._docstring(route, document, start_char, end_char, excerpt, num_ctx, num_predict, request_id, on_delta)
        raise ValueError(f"unknown NETZ action {action!r}")

    def _replacement_outcome(self, route: Route, reply: str, document: TextDocument, start_char: int, end_char: int, markdown: str) -> ActionOutcome:
        code = extract_code(reply)
        new_text = fit_to_range(code, document.text, start_char, end_char) if code.strip() else ""
        verdict = check_replacement(document.language_id, document.text, start_char, end_char, new_text)
        outcome = ActionOutcome(route, reply=reply, markdown=markdown, verdict=verdict)
        if verdict.accepted:
            outcome.edit = (start_char, end_char, new_text)
        else:
            outcome.problem = message(
                verdict.problem, self.runtime.locale, model=route.model,
                before=verdict.errors_before, after=verdict.errors_after, indentation=verdict.indentation,
            )
            logger.info("rejected the reply of %s: %s", route.model, verdict)
        return outcome

    async def _docstring(self, route, document, start_char, end_char, excerpt, num_ctx, num_predict, request_id, on_delta) -> ActionOutcome:
        placement = doc_placement(document, document.line_of(start_char), document.line_of(end_char))
        if placement is None:
            return ActionOutcome(route, problem=message("edit_rejected_empty", self.runtime.locale, model=route.model))
        reply = await self.chat(route, prompts.docstring_messages(excerpt, format_family(document.language_id)), num_ctx, num_predict, request_id, on_delta)
        text = clean_doc_text(reply)
        if not text:
            return ActionOutcome(route, reply=reply, problem=message("edit_rejected_empty", self.runtime.locale, model=route.model))
        rendered = render_doc(text, document.language_id, placement.indentation)
        rendered = rendered.replace("\n", line_ending_of(document.text)) if "\r\n" in document.text else rendered
        verdict = check_replacement(document.language_id, document.text, placement.start_char, placement.end_char, rendered)
        outcome = ActionOutcome(route, reply=reply, verdict=verdict)
        if verdict.accepted:
            outcome.edit = (placement.start_char, placement.end_char, rendered)
        else:
            outcome.problem = message(verdict.problem, self.runtime.locale, model=route.model, before=verdict.errors_before, after=verdict.errors_after, indentation=verdict.indentation)
        return outcome

    async def _inline_question(self, document: TextDocument, data: dict, request_id: str, on_delta) -> ActionOutcome:
        question = InlineQuestion(data["question"], data["line"], data.get("indentation", ""))
        language = question_language(question.question)
        route = self.route_for(listing.QUESTION, data)
        logger.info("[%s] inline question in %s with %s (%s)", request_id, language, route.model, route.rule)
        num_ctx, num_predict, budget = chat_limits(self.runtime, route.model, "question_budget")
        line_start = document.line_start(question.line)
        excerpt = excerpt_for(self.runtime, document, line_start, document.line_end(question.line), route.model, budget)
        reply = await self.chat(route, prompts.inline_question_messages(question.question, excerpt, language), num_ctx, num_predict, request_id, on_delta)
        ending = line_ending_of(document.text)
        comment = answer_comment(reply, question.indentation, document.language_id, ending)
        insert_at = document.line_end(question.line)
        if not reply.strip():
            return ActionOutcome(route, reply=reply, problem=message("edit_rejected_empty", self.runtime.locale, model=route.model))
        # Insert after the question's line break; at the end of the file, add one first.
        if insert_at < len(document.text):
            insert_at = document.line_start(question.line + 1)
            new_text = comment
        else:
            new_text = ending + comment.rstrip("\r\n")
        return ActionOutcome(route, reply=reply, edit=(insert_at, insert_at, new_text), extra={"language": language})
