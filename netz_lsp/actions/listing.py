"""Which NETZ code actions a position offers. Listing reads the document only, never a model."""

from __future__ import annotations

from dataclasses import dataclass, field

from netz_lsp.actions.comments import InlineQuestion, inline_question
from netz_lsp.actions.targets import Target, find_target
from netz_lsp.document.text_document import TextDocument

EXPLAIN = "explain"
REFACTOR = "refactor"
DEBUG = "debug"
DOCSTRING = "docstring"
QUESTION = "question"

# LSP code action kinds. Clients filter with `context.only` by prefix (`refactor` matches
# `refactor.rewrite.netz`); explain and question have no standard kind, so they get `netz.*`.
LSP_KINDS = {
    EXPLAIN: "netz.explain",
    REFACTOR: "refactor.rewrite.netz",
    DEBUG: "quickfix.netz",
    DOCSTRING: "refactor.rewrite.netz.docstring",
    QUESTION: "netz.question",
}
TITLE_KEYS = {
    EXPLAIN: "action_explain",
    REFACTOR: "action_refactor",
    DEBUG: "action_debug",
    DOCSTRING: "action_docstring",
    QUESTION: "action_inline_question",
}


@dataclass(frozen=True)
class Offer:
    """One action to list: what it does and the string-index range it acts on."""

    action: str
    target: Target
    question: InlineQuestion | None = None
    extra: dict = field(default_factory=dict)


def kind_allowed(kind: str, only: list[str] | None) -> bool:
    """Apply LSP's `context.only` filter: a requested kind matches itself and its sub-kinds."""
    if not only:
        return True
    return any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def list_offers(document: TextDocument, start_char: int, end_char: int) -> list[Offer]:
    """Return the actions for a selection, or for the cursor when nothing is selected."""
    offers: list[Offer] = []
    first_line = document.line_of(start_char)
    question = inline_question(document.line_text(first_line), first_line, document.language_id)
    if question is not None:
        line_range = Target(document.line_start(first_line), document.line_end(first_line), "comment")
        offers.append(Offer(QUESTION, line_range, question=question))

    target = find_target(document, start_char, end_char)
    if target is None:
        return offers
    offers.extend(Offer(action, target) for action in (EXPLAIN, REFACTOR, DEBUG))
    if target.kind in ("function", "class"):
        offers.append(Offer(DOCSTRING, target))
    return offers
