"""`netz.ask`: answer a question in its own language, with the selected code as context."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from netz_lsp.actions.runner import ActionRunner, chat_limits, excerpt_for
from netz_lsp.actions.targets import find_target
from netz_lsp.document.text_document import TextDocument
from netz_lsp.prompt import chat as prompts
from netz_lsp.prompt.language import contains_code, question_language
from netz_lsp.selection.router import Route, route_question

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    text: str
    route: Route
    language: str


class AskService:
    def __init__(self, runner: ActionRunner):
        self.runner = runner
        self.runtime = runner.runtime

    def plan(self, question: str, document: TextDocument | None, start_char: int, end_char: int) -> tuple[Route, str, tuple[int, int] | None]:
        """Return the route, the answer language and the code range a question is about.

        The code is the selection, or the definition around the cursor for an empty range.
        A question counts as about code when that code exists or the question contains code.
        """
        code_range = None
        if document is not None:
            target = find_target(document, start_char, end_char)
            if target is not None:
                code_range = (target.start_char, target.end_char)
        about_code = code_range is not None or contains_code(question)
        route = route_question(self.runtime.settings, about_code, self.runtime.locale)
        return route, question_language(question), code_range

    async def answer(self, question: str, document: TextDocument | None, start_char: int, end_char: int, request_id: str, on_delta=None) -> Answer:
        route, language, code_range = self.plan(question, document, start_char, end_char)
        logger.info("[%s] question in %s to %s (%s)", request_id, language, route.model, route.rule)
        num_ctx, num_predict, budget = chat_limits(self.runtime, route.model, "question_budget")
        excerpt = None
        if document is not None and code_range is not None:
            excerpt = excerpt_for(self.runtime, document, code_range[0], code_range[1], route.model, budget)
        messages = prompts.ask_messages(question, excerpt, language)
        text = await self.runner.chat(route, messages, num_ctx, num_predict, request_id, on_delta)
        return Answer(text=text, route=route, language=language)
