"""Split a model reply into its code (the fenced block, when there is one) and its prose."""

from __future__ import annotations

import re

# A fence of three or more backticks or tildes, an optional info string, the body and the
# same fence again. An unterminated block (a reply cut by num_predict) runs to the end.
_FENCED = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[^\n]*\n(?P<body>.*?)(?:^[ \t]*(?P=fence)[ \t]*$|\Z)", re.DOTALL | re.MULTILINE)


def fenced_blocks(reply: str) -> list[re.Match[str]]:
    return list(_FENCED.finditer(reply))


def extract_code(reply: str) -> str:
    """Return the code of `reply`: the longest fenced block, else the whole reply."""
    blocks = fenced_blocks(reply)
    if not blocks:
        return reply.strip("\n")
    longest = max(blocks, key=lambda block: len(block.group("body")))
    return longest.group("body").rstrip("\n")


def prose_without_code(reply: str) -> str:
    """Return `reply` with its longest fenced block removed, for the explanation of a fix."""
    blocks = fenced_blocks(reply)
    if not blocks:
        return reply.strip()
    longest = max(blocks, key=lambda block: len(block.group("body")))
    return (reply[: longest.start()] + reply[longest.end() :]).strip()
