"""Cut the FIM holes of `netz-lsp bench` from the Python standard library.

Each hole is the rest of one statement line inside a function body, cut at a token boundary
after its first token. The prompt contains up to PREFIX_LINES lines before the cut and up to
SUFFIX_LINES lines after that line. The choice is seeded, so the same Python version gives
the same file:

    python scripts/cut_fim_holes.py > netz_lsp/bench/data/fim_holes.json
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import platform
import random
import sys
import sysconfig
import tokenize
from pathlib import Path

# Small, self-contained modules from CPython's Lib/, all under the PSF License.
SOURCE_FILES = (
    "textwrap.py", "shlex.py", "fnmatch.py", "colorsys.py", "bisect.py", "heapq.py",
    "calendar.py", "glob.py", "base64.py", "statistics.py", "difflib.py", "string.py",
)
HOLES_PER_FILE = 4
PREFIX_LINES = 40
PREFIX_MAX_CHARS = 1500
SUFFIX_LINES = 12
SUFFIX_MAX_CHARS = 500
MIN_LINE_CHARS = 20
MAX_LINE_CHARS = 100
MIN_EXPECTED_CHARS = 5
STATEMENTS = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Expr, ast.If, ast.For, ast.While)


def candidate_lines(source: str) -> list[int]:
    """Return 0-based numbers of single-line statements inside functions, docstrings excluded."""
    tree = ast.parse(source)
    lines = source.splitlines()
    found: set[int] = set()
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if not isinstance(node, STATEMENTS) or node is function:
                continue
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                continue
            if isinstance(node, (ast.If, ast.For, ast.While)):
                header_end = node.body[0].lineno - 1
                if header_end != node.lineno:
                    continue
            elif node.end_lineno != node.lineno:
                continue
            text = lines[node.lineno - 1].strip()
            if MIN_LINE_CHARS <= len(text) <= MAX_LINE_CHARS and not text.startswith("#"):
                found.add(node.lineno - 1)
    return sorted(found)


def cut_points(line: str) -> list[int]:
    """Return character offsets in `line` where a token ends, after the first token."""
    tokens = list(tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline))
    indent = len(line) - len(line.lstrip())
    points = []
    for token in tokens[1:]:
        if token.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.COMMENT):
            continue
        offset = indent + token.start[1]
        if len(line[offset:].strip()) >= MIN_EXPECTED_CHARS:
            points.append(offset)
    return points


def cut_holes(stdlib: Path, seed: int) -> list[dict]:
    rng = random.Random(seed)
    holes = []
    for name in SOURCE_FILES:
        source = (stdlib / name).read_text(encoding="utf-8")
        lines = source.splitlines(keepends=True)
        candidates = candidate_lines(source)
        chosen: list[int] = []
        for line_number in rng.sample(candidates, len(candidates)):
            if len(chosen) == HOLES_PER_FILE:
                break
            if any(abs(line_number - other) < 10 for other in chosen):
                continue
            line = lines[line_number].rstrip("\n")
            try:
                points = cut_points(line)
            except (tokenize.TokenError, IndentationError):
                continue
            if not points:
                continue
            chosen.append(line_number)
            cut = rng.choice(points)
            before = "".join(lines[max(0, line_number - PREFIX_LINES) : line_number])
            while len(before) > PREFIX_MAX_CHARS:
                before = before.split("\n", 1)[1]
            after = "".join(lines[line_number + 1 : line_number + 1 + SUFFIX_LINES])
            while len(after) > SUFFIX_MAX_CHARS:
                after = after.rsplit("\n", 2)[0] + "\n"
            holes.append({
                "id": f"{name.removesuffix('.py')}-{line_number + 1}",
                "path": f"Lib/{name}",
                "line": line_number + 1,
                "prefix": before + line[:cut],
                "suffix": "\n" + after,
                "expected": line[cut:],
            })
    return holes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2024, help="random seed for the lines and cut points")
    parser.add_argument("--stdlib", default=sysconfig.get_paths()["stdlib"], help="folder of the standard library")
    arguments = parser.parse_args()
    document = {
        "source": "CPython standard library (Lib/), Python Software Foundation License",
        "python_version": platform.python_version(),
        "seed": arguments.seed,
        "holes": cut_holes(Path(arguments.stdlib), arguments.seed),
    }
    json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
