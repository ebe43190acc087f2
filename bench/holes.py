"""Fill-in-the-middle holes cut from real code that this project does not own."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

PYTHON_LIB = Path("/root/.pyenv/versions/3.11.7/lib/python3.11")
# Packages of the standard library, so each file has sibling modules for the workspace index.
PYTHON_PACKAGES = ("json", "email", "http", "logging", "importlib", "concurrent/futures", "xml/etree", "urllib", "asyncio", "unittest")
JAVASCRIPT_ROOT = Path("/usr/lib/node_modules/npm/node_modules")
HOLE_KINDS = ("single_line", "partial_line", "multi_line")


@dataclass(frozen=True)
class Hole:
    path: Path
    workspace_root: Path
    language_id: str
    kind: str
    text: str  # the file with the hole removed
    cursor_char: int
    expected: str


def python_files() -> list[tuple[Path, Path]]:
    files = []
    for package in PYTHON_PACKAGES:
        root = PYTHON_LIB / package
        files.extend((path, root) for path in sorted(root.glob("*.py")) if path.stat().st_size > 3000)
    return files


def javascript_files() -> list[tuple[Path, Path]]:
    files = []
    if not JAVASCRIPT_ROOT.is_dir():
        return files
    for path in sorted(JAVASCRIPT_ROOT.glob("*/lib/**/*.js")):
        if ".min." in path.name or not (3000 < path.stat().st_size < 200_000):
            continue
        package_root = JAVASCRIPT_ROOT / path.relative_to(JAVASCRIPT_ROOT).parts[0]
        files.append((path, package_root))
    return files


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def cut_hole(path: Path, root: Path, language_id: str, kind: str, rng: random.Random) -> Hole | None:
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines(keepends=True)
    if len(lines) < 40:
        return None
    for _ in range(50):
        row = rng.randrange(10, len(lines) - 10)
        line = lines[row]
        body = line.strip()
        if len(body) < 8 or body.startswith(("#", "//", "*", "/*", '"""', "'''")):
            continue
        line_start = sum(len(previous) for previous in lines[:row])
        indent = _indent(line)
        if kind == "single_line":
            start = line_start + indent
            end = line_start + len(line.rstrip("\r\n"))
        elif kind == "partial_line":
            cut = rng.randrange(indent + 2, len(line.rstrip("\r\n")) - 2)
            start, end = line_start + cut, line_start + len(line.rstrip("\r\n"))
        else:
            # A block body: the more-indented lines after a header line.
            block_rows = []
            for following in range(row + 1, min(len(lines), row + 9)):
                if lines[following].strip() and _indent(lines[following]) <= indent:
                    break
                block_rows.append(following)
            while block_rows and not lines[block_rows[-1]].strip():
                block_rows.pop()
            if not (2 <= len(block_rows) <= 8):
                continue
            first = block_rows[0]
            start = sum(len(previous) for previous in lines[:first]) + _indent(lines[first])
            end = sum(len(previous) for previous in lines[: block_rows[-1] + 1]) - len(lines[block_rows[-1]]) + len(lines[block_rows[-1]].rstrip("\r\n"))
        expected = text[start:end]
        if not expected.strip():
            continue
        return Hole(path, root, language_id, kind, text[:start] + text[end:], start, expected)
    return None


def make_holes(count: int, seed: int) -> list[Hole]:
    """Cut `count` holes, kinds in turn, three quarters from Python and the rest from JavaScript."""
    rng = random.Random(seed)
    python, javascript = python_files(), javascript_files()
    holes: list[Hole] = []
    attempts = 0
    while len(holes) < count and attempts < count * 20:
        attempts += 1
        kind = HOLE_KINDS[len(holes) % len(HOLE_KINDS)]
        use_javascript = javascript and len(holes) % 4 == 3
        path, root = rng.choice(javascript if use_javascript else python)
        hole = cut_hole(path, root, "javascript" if use_javascript else "python", kind, rng)
        if hole is not None:
            holes.append(hole)
    return holes
