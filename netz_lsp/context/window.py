"""Plain line windows: the prefix and suffix around the cursor, cut to a token budget.

This is the fallback for languages without a grammar, and the baseline that the syntax-aware
builder is measured against.
"""

from __future__ import annotations

from netz_lsp.context.types import CompletionContext, ContextRequest

# Share of the budget given to the text before the cursor; the rest goes to the text after.
PREFIX_SHARE = 0.75


def cut_prefix(text: str, max_chars: int) -> str:
    """Keep the last `max_chars` of `text`, starting at a line start when one is close."""
    if len(text) <= max_chars:
        return text
    cut = text[len(text) - max_chars :]
    newline = cut.find("\n")
    if 0 <= newline < len(cut) - 1:
        return cut[newline + 1 :]
    return cut


def cut_suffix(text: str, max_chars: int) -> str:
    """Keep the first `max_chars` of `text`, ending at a line end when one is close."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    newline = cut.rfind("\n")
    if newline > 0:
        return cut[: newline + 1]
    return cut


class LineWindowBuilder:
    """Take whole lines around the cursor until the token budget is spent."""

    def __init__(self, prefix_share: float = PREFIX_SHARE):
        self.prefix_share = prefix_share

    def build(self, request: ContextRequest) -> CompletionContext:
        text = request.document.text
        cursor = max(0, min(request.cursor_char, len(text)))
        max_chars = request.estimator.max_chars(request.token_budget)

        # Slice one character more than each window can keep, so that the cut functions still
        # see the text was longer, without copying the whole of a large document.
        suffix_max_chars = int(max_chars * (1 - self.prefix_share))
        suffix = cut_suffix(text[cursor : cursor + suffix_max_chars + 1], suffix_max_chars)
        # Budget the suffix does not use goes to the prefix.
        prefix_max_chars = max_chars - len(suffix)
        prefix = cut_prefix(text[max(0, cursor - prefix_max_chars - 1) : cursor], prefix_max_chars)

        return CompletionContext(
            prefix=prefix,
            suffix=suffix,
            file_path=request.file_path,
            language=request.document.language_id,
            prefix_start_char=cursor - len(prefix),
        )
