"""Budget use: how much of the token budget prompts for long files fill, and how many overflow.

For every standard-library module over 1,500 lines, `SyntaxContextBuilder` builds prompts at
random cursors, and each FIM template renders them. The fill share is the estimator's token
count of the rendered prompt divided by the budget.

    python bench/budget_use.py --cursors 20 --seed 11
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netz_lsp.context.builder import SyntaxContextBuilder  # noqa: E402
from netz_lsp.context.tokens import TokenEstimator  # noqa: E402
from netz_lsp.context.types import ContextRequest  # noqa: E402
from netz_lsp.document.text_document import TextDocument  # noqa: E402
from netz_lsp.prompt.fim import TEMPLATES  # noqa: E402
from netz_lsp.syntax.document_syntax import SyntaxIndex  # noqa: E402

PYTHON_LIB = Path("/root/.pyenv/versions/3.11.7/lib/python3.11")
BUDGETS = (512, 1024, 4096)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cursors", type=int, default=20, help="random cursors per file")
    parser.add_argument("--seed", type=int, default=11, help="random seed for cursor positions")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "budget_use.json")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    files = [path for path in sorted(PYTHON_LIB.glob("*.py")) if path.read_text(errors="replace").count("\n") > 1500]
    shares: dict[int, list[float]] = {budget: [] for budget in BUDGETS}
    over_budget = {budget: 0 for budget in BUDGETS}
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        index = SyntaxIndex()
        document = TextDocument(path.as_uri(), text, "python")
        index.on_open(document)
        builder = SyntaxContextBuilder(index)
        for _ in range(args.cursors):
            cursor = rng.randrange(len(text))
            for budget in BUDGETS:
                estimator = TokenEstimator()
                context = builder.build(ContextRequest(document, cursor, budget, estimator, path.name))
                for template in TEMPLATES.values():
                    tokens = estimator.count(template.render(context, repo_name="python3.11"))
                    shares[budget].append(tokens / budget)
                    over_budget[budget] += tokens > budget
    results = [
        {
            "budget_tokens": budget,
            "prompts": len(shares[budget]),
            "files": len(files),
            "mean_fill": round(statistics.mean(shares[budget]), 4),
            "p10_fill": round(sorted(shares[budget])[len(shares[budget]) // 10], 4),
            "over_budget": over_budget[budget],
        }
        for budget in BUDGETS
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"{'budget':>7} {'prompts':>8} {'mean fill':>10} {'p10 fill':>9} {'over':>5}")
    for row in results:
        print(f"{row['budget_tokens']:>7} {row['prompts']:>8} {row['mean_fill']:>10} {row['p10_fill']:>9} {row['over_budget']:>5}")


if __name__ == "__main__":
    main()
