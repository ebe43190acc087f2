"""Server memory with many open documents: RSS after opening 200 documents of 2,000 lines.

Measured in a fresh process that imports the server modules, opens the documents through
`DocumentStore` with the `SyntaxIndex` listening, as didOpen does, and reads VmRSS.

    python bench/memory.py --documents 200 --lines 2000
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netz_lsp.document.store import DocumentStore  # noqa: E402
from netz_lsp.syntax.document_syntax import SyntaxIndex  # noqa: E402
from netz_lsp.syntax.queries import load_all  # noqa: E402

PYTHON_LIB = Path("/root/.pyenv/versions/3.11.7/lib/python3.11")


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS missing from /proc/self/status")


def document_texts(count: int, line_count: int) -> list[str]:
    """Cut `count` documents of `line_count` lines from standard-library modules, each one different."""
    modules = sorted(PYTHON_LIB.glob("*.py"), key=lambda path: path.name)
    pool = "".join(path.read_text(encoding="utf-8", errors="replace") for path in modules[:120]).splitlines(keepends=True)
    texts = []
    for number in range(count):
        start = (number * 997) % max(1, len(pool) - line_count)
        texts.append(f"# belge {number}\n" + "".join(pool[start : start + line_count - 1]))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200, help="documents to open")
    parser.add_argument("--lines", type=int, default=2000, help="lines per document")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "memory.json")
    args = parser.parse_args()

    load_all()
    texts = document_texts(args.documents, args.lines)
    gc.collect()
    before_mib = rss_mib()
    store = DocumentStore()
    syntax_index = SyntaxIndex()
    store.listeners.append(syntax_index)
    for number, text in enumerate(texts):
        store.open(f"file:///bench/belge_{number}.py", text, "python", 1)
    gc.collect()
    after_mib = rss_mib()
    result = {
        "documents": args.documents,
        "lines_per_document": args.lines,
        "parsed_documents": len(syntax_index.open_syntaxes()),
        "rss_before_open_mib": round(before_mib, 1),
        "rss_after_open_mib": round(after_mib, 1),
        "rss_growth_mib": round(after_mib - before_mib, 1),
        "target_rss_mib": 150,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
