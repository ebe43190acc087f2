"""Budget use counted by the real tokenizer, as the estimator learns from backend reports.

`bench/budget_use.py` counts tokens with NETZ's own estimate. This script counts them with
the real Qwen2.5-Coder tokenizer (read from the GGUF that `scripts/fetch_real_model.sh`
assembles; no model weights are loaded) and replays what the server does: each prompt's real
count is fed back to the estimator, as the backend's `prompt_eval_count` or
`usage.prompt_tokens` would be. It reports the real fill and the prompts over the budget for
the first prompt (no correction yet) and after the first `--warm-up` prompts.

    python bench/budget_real_tokens.py --cursors 10 --seed 11
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llama_cpp import Llama  # noqa: E402

from netz_lsp.context.builder import SyntaxContextBuilder  # noqa: E402
from netz_lsp.context.tokens import TokenEstimator  # noqa: E402
from netz_lsp.context.types import ContextRequest  # noqa: E402
from netz_lsp.document.text_document import TextDocument  # noqa: E402
from netz_lsp.prompt.families import ModelFamily  # noqa: E402
from netz_lsp.prompt.fim import TEMPLATES  # noqa: E402
from netz_lsp.syntax.document_syntax import SyntaxIndex  # noqa: E402
from tests.realmodel import gguf_path  # noqa: E402

PYTHON_LIB = Path(json.__file__).resolve().parents[1]
BUDGETS = (512, 1024, 4096)
TEMPLATE = TEMPLATES[ModelFamily.QWEN]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cursors", type=int, default=10, help="random cursors per file")
    parser.add_argument("--seed", type=int, default=11, help="random seed for cursor positions")
    parser.add_argument("--warm-up", type=int, default=5, help="prompts whose real counts correct the estimate before measuring")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "budget_real_tokens.json")
    args = parser.parse_args()

    model_path = gguf_path()
    if model_path is None:
        raise SystemExit("error: the Qwen2.5-Coder GGUF is missing; run scripts/fetch_real_model.sh first")
    tokenizer = Llama(model_path=str(model_path), vocab_only=True, verbose=False)

    def real_tokens(prompt: str) -> int:
        return len(tokenizer.tokenize(prompt.encode("utf-8", "surrogatepass"), add_bos=False, special=True))

    rng = random.Random(args.seed)
    files = [path for path in sorted(PYTHON_LIB.glob("*.py")) if path.read_text(errors="replace").count("\n") > 1500]
    results = []
    for budget in BUDGETS:
        estimator = TokenEstimator()
        first_fill = None
        fills: list[float] = []
        over_budget = 0
        prompts = 0
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            index = SyntaxIndex()
            document = TextDocument(path.as_uri(), text, "python")
            index.on_open(document)
            builder = SyntaxContextBuilder(index)
            for _ in range(args.cursors):
                cursor = rng.randrange(len(text))
                prompt = TEMPLATE.render(builder.build(ContextRequest(document, cursor, budget, estimator, path.name)), repo_name="python3.11")
                tokens = real_tokens(prompt)
                if first_fill is None:
                    first_fill = tokens / budget
                if prompts >= args.warm_up:
                    fills.append(tokens / budget)
                    over_budget += tokens > budget
                estimator.observe(len(prompt), tokens)
                prompts += 1
        results.append({
            "budget_tokens": budget,
            "files": len(files),
            "measured_prompts": len(fills),
            "first_prompt_fill": round(first_fill, 4),
            "mean_fill": round(statistics.mean(fills), 4),
            "p10_fill": round(sorted(fills)[len(fills) // 10], 4),
            "over_budget": over_budget,
            "max_fill": round(max(fills), 4),
            "chars_per_token_learned": round(estimator.chars_per_token, 3),
        })
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"{'budget':>7} {'prompts':>8} {'first':>7} {'mean fill':>10} {'p10 fill':>9} {'over':>5} {'max fill':>9} {'chars/token':>12}   (target fill >= 0.90, 0 over)")
    for row in results:
        print(
            f"{row['budget_tokens']:>7} {row['measured_prompts']:>8} {row['first_prompt_fill']:>7} {row['mean_fill']:>10} "
            f"{row['p10_fill']:>9} {row['over_budget']:>5} {row['max_fill']:>9} {row['chars_per_token_learned']:>12}"
        )


if __name__ == "__main__":
    main()
