"""Overhead: time from an inline completion request to the backend request, after an edit.

Runs `CompletionService.prepare`, the step between the LSP handler and the backend call
(context build, FIM render, budget fit), with `SyntaxContextBuilder` and the `SyntaxIndex`
listening on the document store. No backend is contacted: `prepare` returns the request the
backend would get, so the backend counts as instant. Each sample inserts one character at a
random line end (didChange, timed separately), lets the syntax index parse as the server
does once typing pauses (timed separately), then prepares a completion there.

    python bench/overhead.py --samples 300 --seed 3
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netz_lsp.completion.service import CompletionService  # noqa: E402
from netz_lsp.context.window import LineWindowBuilder  # noqa: E402
from netz_lsp.document.positions import PositionEncoding  # noqa: E402
from netz_lsp.runtime import Runtime  # noqa: E402
from netz_lsp.syntax.queries import load_all  # noqa: E402

PYTHON_LIB = Path("/root/.pyenv/versions/3.11.7/lib/python3.11")


def python_10k_lines() -> str:
    """Return 10,000 lines of real Python: `_pydecimal.py`, `typing.py` and the start of `argparse.py`."""
    lines = []
    for name in ("_pydecimal.py", "typing.py", "argparse.py"):
        lines.extend((PYTHON_LIB / name).read_text(encoding="utf-8").splitlines(keepends=True))
    return "".join(lines[:10_000])


def typescript_large(class_count: int = 160) -> str:
    """Return a generated TypeScript file of about 6,000 lines, because no large real one is installed."""
    parts = ["import { EventEmitter } from 'events';\nimport * as path from 'path';\n\n"]
    for number in range(class_count):
        parts.append(
            f"export interface Seçenek{number} {{\n  ad: string;\n  sayı: number;\n  etkin?: boolean;\n}}\n\n"
            f"export class Hizmet{number} extends EventEmitter {{\n"
            f"  private readonly kayıtlar: Map<string, Seçenek{number}> = new Map();\n\n"
            f"  constructor(private readonly kök: string) {{\n    super();\n  }}\n\n"
            f"  ekle(seçenek: Seçenek{number}): void {{\n"
            f"    if (this.kayıtlar.has(seçenek.ad)) {{\n      throw new Error(`zaten var: ${{seçenek.ad}}`);\n    }}\n"
            f"    this.kayıtlar.set(seçenek.ad, seçenek);\n    this.emit('eklendi', seçenek);\n  }}\n\n"
            f"  yol(ad: string): string {{\n    return path.join(this.kök, ad);\n  }}\n\n"
            f"  toplam(): number {{\n    let toplam = 0;\n    for (const kayıt of this.kayıtlar.values()) {{\n"
            f"      toplam += kayıt.sayı;\n    }}\n    return toplam;\n  }}\n}}\n\n"
            f"export function oluştur{number}(kök: string): Hizmet{number} {{\n  return new Hizmet{number}(kök);\n}}\n\n"
        )
    return "".join(parts)


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def measure(name: str, uri: str, language_id: str, text: str, syntax_aware: bool, samples: int, seed: int) -> dict:
    runtime = Runtime()
    if not syntax_aware:
        runtime.documents.listeners.remove(runtime.syntax_index)
        runtime.context_builder = LineWindowBuilder()
    service = CompletionService(runtime)
    document = runtime.documents.open(uri, text, language_id, 1)
    rng = random.Random(seed)
    prepare_ms, change_ms, parse_ms = [], [], []
    for sample in range(samples + 10):
        row = rng.randrange(20, document.line_count - 20)
        column = len(document.line_text(row))
        started = time.perf_counter()
        runtime.documents.change(uri, sample * 2 + 2, [((row, column), (row, column), "x")], PositionEncoding.UTF32)
        changed = time.perf_counter()
        # The server re-parses once typing pauses (`SYNTAX_IDLE_S`), inside the debounce
        # that comes before every typed completion request.
        runtime.syntax_index.get(uri)
        parsed = time.perf_counter()
        cursor = document.offset_at(row, column + 1, PositionEncoding.UTF32)
        prepared = service.prepare(document, cursor, f"bench-{sample}")
        finished = time.perf_counter()
        assert prepared is not None
        runtime.documents.change(uri, sample * 2 + 3, [((row, column), (row, column + 1), "")], PositionEncoding.UTF32)
        # Typing pauses between samples, so the server parses the undo before the next edit.
        runtime.syntax_index.get(uri)
        if sample >= 10:  # The first samples warm caches and the query compiler.
            change_ms.append((changed - started) * 1000)
            parse_ms.append((parsed - changed) * 1000)
            prepare_ms.append((finished - parsed) * 1000)
    prepare_ms.sort()
    change_ms.sort()
    parse_ms.sort()
    return {
        "file": name,
        "lines": document.line_count,
        "context": "syntax" if syntax_aware else "line window",
        "samples": samples,
        "request_p50_ms": round(statistics.median(prepare_ms), 3),
        "request_p99_ms": round(percentile(prepare_ms, 0.99), 3),
        "did_change_p50_ms": round(statistics.median(change_ms), 3),
        "did_change_p99_ms": round(percentile(change_ms, 0.99), 3),
        "idle_parse_p50_ms": round(statistics.median(parse_ms), 3),
        "idle_parse_p99_ms": round(percentile(parse_ms, 0.99), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300, help="timed requests per file")
    parser.add_argument("--seed", type=int, default=3, help="random seed for edit positions")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "overhead.json")
    args = parser.parse_args()
    load_all()
    files = [
        ("python 10k lines (stdlib)", "file:///bench/big.py", "python", python_10k_lines()),
        ("typescript (generated)", "file:///bench/big.ts", "typescript", typescript_large()),
    ]
    results = []
    for name, uri, language_id, text in files:
        for syntax_aware in (True, False):
            results.append(measure(name, uri, language_id, text, syntax_aware, args.samples, args.seed))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    header = (
        f"{'file':28} {'lines':>6} {'context':12} {'req p50':>8} {'req p99':>8} {'chg p50':>8} {'chg p99':>8}"
        f" {'parse p50':>9} {'parse p99':>9}   (ms; target req p50 <= 2, p99 <= 10)"
    )
    print(header)
    for row in results:
        print(
            f"{row['file']:28} {row['lines']:>6} {row['context']:12} {row['request_p50_ms']:>8} "
            f"{row['request_p99_ms']:>8} {row['did_change_p50_ms']:>8} {row['did_change_p99_ms']:>8}"
            f" {row['idle_parse_p50_ms']:>9} {row['idle_parse_p99_ms']:>9}"
        )


if __name__ == "__main__":
    main()
