"""Quality on real holes: NETZ's context against plain line windows, filled by a real model.

Needs an OpenAI-compatible server on 127.0.0.1 (llama.cpp's `python -m llama_cpp.server`)
serving Qwen2.5-Coder-0.5B. Each hole is sent once per context kind, all cut to the same
token budget and rendered with the Qwen FIM template. Results append to a JSON-lines file as
they arrive, so an interrupted run resumes where it stopped.

    python bench/quality.py --port 8089 --holes 240 --seed 7 --budget 512 --time-limit-s 3600
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from holes import Hole, make_holes  # noqa: E402

from netz_lsp.context.builder import SyntaxContextBuilder  # noqa: E402
from netz_lsp.context.tokens import TokenEstimator  # noqa: E402
from netz_lsp.context.types import CompletionContext, ContextRequest  # noqa: E402
from netz_lsp.context.window import cut_prefix, cut_suffix  # noqa: E402
from netz_lsp.context.workspace_index import WorkspaceIndex  # noqa: E402
from netz_lsp.document.text_document import TextDocument  # noqa: E402
from netz_lsp.prompt.families import ModelFamily  # noqa: E402
from netz_lsp.prompt.fim import TEMPLATES  # noqa: E402
from netz_lsp.syntax.document_syntax import SyntaxIndex  # noqa: E402

# Context kinds: NETZ, and line windows of (lines before, lines after) the cursor.
WINDOWS = {"window_256_64": (256, 64), "window_100_100": (100, 100), "window_20_20": (20, 20)}
KINDS = ("netz", *WINDOWS)
TEMPLATE = TEMPLATES[ModelFamily.QWEN]


def window_context(hole: Hole, lines_before: int, lines_after: int, max_chars: int, file_path: str) -> CompletionContext:
    text = hole.text
    before_lines = text[: hole.cursor_char].split("\n")
    after_lines = text[hole.cursor_char :].split("\n")
    prefix = "\n".join(before_lines[-(lines_before + 1) :])
    suffix = "\n".join(after_lines[: lines_after + 1])
    # The same budget as NETZ: the suffix keeps a quarter at most, the prefix the rest.
    suffix = cut_suffix(suffix, max_chars // 4)
    prefix = cut_prefix(prefix, max_chars - len(suffix))
    return CompletionContext(prefix=prefix, suffix=suffix, file_path=file_path, language=hole.language_id)


class ContextFactory:
    def __init__(self, token_budget: int):
        self.token_budget = token_budget
        self.estimator = TokenEstimator()
        self._indexes: dict[Path, WorkspaceIndex] = {}

    def workspace(self, root: Path) -> WorkspaceIndex:
        if root not in self._indexes:
            index = WorkspaceIndex(root)
            index.scan()
            self._indexes[root] = index
        return self._indexes[root]

    def contexts(self, hole: Hole) -> dict[str, CompletionContext]:
        file_path = hole.path.relative_to(hole.workspace_root.parent).as_posix()
        document = TextDocument(hole.path.as_uri(), hole.text, hole.language_id)
        syntax_index = SyntaxIndex()
        syntax_index.on_open(document)
        builder = SyntaxContextBuilder(syntax_index, self.workspace(hole.workspace_root))
        request = ContextRequest(document, hole.cursor_char, self.token_budget, self.estimator, file_path)
        contexts = {"netz": builder.build(request)}
        # The windows get the characters NETZ may use, less the template's own text.
        max_chars = self.estimator.max_chars(self.token_budget) - 120 - len(file_path)
        for kind, (before, after) in WINDOWS.items():
            contexts[kind] = window_context(hole, before, after, max_chars, file_path)
        return contexts


def levenshtein(first: str, second: str) -> int:
    previous = list(range(len(second) + 1))
    for i, first_char in enumerate(first, 1):
        current = [i]
        for j, second_char in enumerate(second, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (first_char != second_char)))
        previous = current
    return previous[-1]


def edit_similarity(first: str, second: str) -> float:
    if not first and not second:
        return 1.0
    return 1.0 - levenshtein(first, second) / max(len(first), len(second))


def trim_completion(completion: str, expected: str) -> str:
    """Keep as many lines of the completion as the expected text has."""
    line_count = expected.count("\n") + 1
    return "\n".join(completion.split("\n")[:line_count])


def complete(client: httpx.Client, url: str, prompt: str, hole: Hole, max_tokens: int) -> tuple[str, int | None]:
    stop = list(TEMPLATE.stop)
    if hole.kind != "multi_line":
        stop.append("\n")
    body = {"prompt": prompt, "max_tokens": max_tokens, "temperature": 0.0, "stop": stop}
    response = client.post(url, json=body)
    response.raise_for_status()
    payload = response.json()
    usage = payload.get("usage") or {}
    return payload["choices"][0]["text"], usage.get("prompt_tokens")


def summarize(results_path: Path) -> dict:
    rows = [json.loads(line) for line in results_path.read_text().splitlines() if line.strip()]
    complete_holes = {}
    for row in rows:
        complete_holes.setdefault(row["hole"], {})[row["context"]] = row
    paired = [by_kind for by_kind in complete_holes.values() if all(kind in by_kind for kind in KINDS)]
    summary = {"holes_with_all_contexts": len(paired), "by_context": {}}
    for kind in KINDS:
        group = [by_kind[kind] for by_kind in paired]
        if not group:
            continue
        summary["by_context"][kind] = {
            "exact_match": sum(row["exact"] for row in group) / len(group),
            "edit_similarity": sum(row["similarity"] for row in group) / len(group),
            "mean_prompt_tokens": sum(row["prompt_tokens"] or 0 for row in group) / len(group),
        }
        for hole_kind in ("single_line", "partial_line", "multi_line"):
            subset = [row for row in group if row["kind"] == hole_kind]
            if subset:
                summary["by_context"][kind][f"exact_match_{hole_kind}"] = sum(row["exact"] for row in subset) / len(subset)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8089, help="port of the llama.cpp server on 127.0.0.1")
    parser.add_argument("--holes", type=int, default=240, help="number of holes to cut")
    parser.add_argument("--seed", type=int, default=7, help="random seed for choosing files and holes")
    parser.add_argument("--budget", type=int, default=512, help="prompt token budget for every context kind")
    parser.add_argument("--max-tokens", type=int, default=64, help="tokens to generate per hole")
    parser.add_argument("--time-limit-s", type=float, default=3600, help="stop after this many seconds")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "quality.jsonl")
    parser.add_argument("--summary-only", action="store_true", help="only print the summary of existing results")
    args = parser.parse_args()

    if not args.summary_only:
        run(args)
    summary = summarize(args.output)
    summary.update({"seed": args.seed, "budget_tokens": args.budget, "holes_cut": args.holes})
    summary_path = args.output.with_suffix(".summary.json")
    summary_path.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


def run(args: argparse.Namespace) -> None:
    holes = make_holes(args.holes, args.seed)
    done = set()
    if args.output.exists():
        for line in args.output.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                done.add((row["hole"], row["context"]))
    factory = ContextFactory(args.budget)
    url = f"http://127.0.0.1:{args.port}/v1/completions"
    started = time.monotonic()
    with httpx.Client(timeout=300) as client, args.output.open("a") as output:
        for number, hole in enumerate(holes):
            if time.monotonic() - started > args.time_limit_s:
                print(f"time limit reached after {number} holes", file=sys.stderr)
                break
            contexts = factory.contexts(hole)
            # Windows that both exceed the budget give the same prompt: ask the model once.
            replies: dict[str, tuple[str, int | None]] = {}
            for kind in KINDS:
                if (number, kind) in done:
                    continue
                prompt = TEMPLATE.render(contexts[kind], repo_name=hole.workspace_root.name)
                if prompt not in replies:
                    replies[prompt] = complete(client, url, prompt, hole, args.max_tokens)
                completion, prompt_tokens = replies[prompt]
                produced = trim_completion(completion, hole.expected)
                row = {
                    "hole": number, "context": kind, "kind": hole.kind, "language": hole.language_id,
                    "path": str(hole.path), "prompt_tokens": prompt_tokens,
                    "prompt_estimate": factory.estimator.count(prompt),
                    "exact": produced.strip() == hole.expected.strip(),
                    "similarity": edit_similarity(produced.strip(), hole.expected.strip()),
                }
                output.write(json.dumps(row) + "\n")
                output.flush()


if __name__ == "__main__":
    main()
