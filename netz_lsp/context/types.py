"""The request a context builder takes and the parts it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from netz_lsp.context.tokens import TokenEstimator
from netz_lsp.document.text_document import TextDocument


@dataclass(frozen=True)
class ContextRequest:
    """One completion point: the document, the cursor and the token budget for the prompt."""

    document: TextDocument
    cursor_char: int
    token_budget: int
    estimator: TokenEstimator
    file_path: str = ""


@dataclass(frozen=True)
class Snippet:
    """Text from another file (or a distant part of this one) that the prompt should show."""

    path: str
    text: str
    kind: str = "file"


@dataclass
class CompletionContext:
    """What a FIM template renders: the text around the cursor plus snippets from elsewhere."""

    prefix: str
    suffix: str
    snippets: list[Snippet] = field(default_factory=list)
    file_path: str = ""
    language: str = ""
    # Index in the document where `prefix` starts, so a cache key can tell prompts apart.
    prefix_start_char: int = 0


class ContextBuilder(Protocol):
    def build(self, request: ContextRequest) -> CompletionContext: ...
