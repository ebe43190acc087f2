"""The benchmark report: JSON and Markdown files written after every step, and the terminal table."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from netz_lsp.bench.measure import SOURCE_CLIENT
from netz_lsp.bench.texts import text

GIB = 1024**3
TABLE_COLUMNS = (
    "col_model", "col_ttft_completion", "col_tps_completion", "col_ttft_chat", "col_tps_chat",
    "col_prompt_tps", "col_fim", "col_turkish", "col_memory", "col_overhead",
)


def write_atomically(path: Path, content: str) -> None:
    """Write through a temporary file and rename it, so an interrupt never leaves half a file."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(content, encoding="utf-8")
    os.replace(temporary, path)


def write_json(report: dict[str, Any], path: Path) -> None:
    write_atomically(path, json.dumps(report, ensure_ascii=False, indent=1) + "\n")


def _number(value: float | None, digits: int = 0) -> str | None:
    if value is None:
        return None
    return f"{value:,.{digits}f}"


def _median(section: dict | None, metric: str) -> float | None:
    if not section:
        return None
    return (section.get(metric) or {}).get("median")


def _rate_cell(section: dict | None, metric: str, source_key: str, turkish: bool) -> str:
    value = _number(_median(section, metric), 1)
    if value is None:
        return text("not_applicable", turkish)
    return value + ("*" if section.get(source_key) == SOURCE_CLIENT else "")


def table_rows(report: dict[str, Any], turkish: bool) -> list[list[str]]:
    """Return one row of cells per model, in the order of TABLE_COLUMNS."""
    missing = text("not_applicable", turkish)
    rows = []
    for model in report["models"]:
        if model.get("status") == "failed" and not model.get("completion") and not model.get("chat"):
            rows.append([model["model"]] + [text("failed_cell", turkish)] * (len(TABLE_COLUMNS) - 1))
            continue
        completion = model.get("completion")
        chat = model.get("chat")
        long_prompt = model.get("long_prompt")
        fim = model.get("fim")
        turkish_check = model.get("turkish")
        memory = model.get("memory")
        compare = model.get("compare_raw")
        rows.append([
            model["model"],
            _number(_median(completion, "ttft_ms")) or missing,
            _rate_cell(completion, "tokens_per_s", "tokens_per_s_source", turkish),
            _number(_median(chat, "ttft_ms")) or missing,
            _rate_cell(chat, "tokens_per_s", "tokens_per_s_source", turkish),
            _rate_cell(long_prompt, "prompt_tokens_per_s", "prompt_tokens_per_s_source", turkish),
            f"{fim['exact_match']:.0%} / {fim['edit_similarity']:.2f}" if fim and fim.get("holes") else missing,
            _turkish_cell(turkish_check) if turkish_check and turkish_check.get("questions") else missing,
            _memory_cell(memory, turkish),
            f"{compare['ratio']:.2f}" if compare and compare.get("ratio") is not None else missing,
        ])
    return rows


def _turkish_cell(check: dict) -> str:
    return f"{check['in_turkish']}/{check['questions']} TR, {check['passed']}/{check['questions']} ✓"


def _memory_cell(memory: dict | None, turkish: bool) -> str:
    if not memory or memory.get("size_bytes") is None:
        return text("not_applicable", turkish)
    return f"{memory['size_bytes'] / GIB:.2f} GiB"


def render_table(report: dict[str, Any], turkish: bool) -> str:
    """Render the summary as an aligned plain-text table for the terminal."""
    header = [text(key, turkish) for key in TABLE_COLUMNS]
    rows = table_rows(report, turkish)
    widths = [max(len(row[index]) for row in [header, *rows]) for index in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _status_line(report: dict[str, Any], turkish: bool) -> str:
    status = report["status"]
    if status == "failed":
        return text("status_failed", turkish, error=report.get("error") or "?")
    return text(f"status_{status}", turkish)


def _spread(summary: dict | None, digits: int = 0, unit: str = "") -> str:
    if not summary or summary.get("median") is None:
        return "–"
    return f"{summary['median']:,.{digits}f}{unit} ({summary['min']:,.{digits}f}–{summary['max']:,.{digits}f})"


def render_markdown(report: dict[str, Any], turkish: bool, chart_name: str | None) -> str:
    """Render the whole report as Markdown: summary table, per-model details and the method."""
    machine = report["machine"]
    settings = report["settings"]
    lines = [
        f"# {text('title', turkish)}",
        "",
        f"- {text('status', turkish)}: {_status_line(report, turkish)}",
        f"- {text('backend', turkish)}: {report['backend']['name']} — {report['backend']['host']}",
        f"- {text('machine', turkish)}: " + text("machine_line", turkish, cores=machine["cores"], cpu=machine["cpu"], ram_gib=machine["ram_gib"], os=machine["os"]),
        f"- netz-lsp {report['version']}, {report['started_at']}",
        "- " + text(
            "settings_line", turkish,
            runs=settings["runs"], completion_tokens=settings["num_predict_completion"] or text("model_num_predict", turkish),
            chat_tokens=settings["num_predict_chat"], long_tokens=settings["long_prompt_tokens"],
        ),
        "",
        f"## {text('md_summary', turkish)}",
        "",
    ]
    header = [text(key, turkish) for key in TABLE_COLUMNS]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for row in table_rows(report, turkish):
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    lines += ["", text("md_client_side", turkish) + ".", ""]
    if chart_name:
        lines += [f"![{text('md_chart', turkish)}]({chart_name})", ""]
    lines += [f"## {text('md_details', turkish)}", ""]
    for model in report["models"]:
        lines += _model_details(model, turkish)
    lines += [f"## {text('md_how', turkish)}", "", text("md_how_text", turkish), ""]
    return "\n".join(lines)


def _model_details(model: dict[str, Any], turkish: bool) -> list[str]:
    skipped = text("md_skipped", turkish)
    lines = [f"### {model['model']}", ""]
    lines.append(f"- {text('md_roles', turkish)}: {', '.join(model['roles'])}; {text('md_family', turkish)}: {model.get('family') or '?'}")
    for note in model.get("notes", []):
        lines.append(f"- {note}")
    if model.get("error"):
        lines.append(f"- {text('model_failed', turkish, model=model['model'], error=model['error'])}")
    warmup = model.get("warmup")
    if warmup and warmup.get("load_ns") is not None:
        lines.append(f"- {text('md_load', turkish)}: {warmup['load_ns'] / 1e6:,.0f} ms")
    for key, title in (("completion", "md_completion"), ("chat", "md_chat")):
        section = model.get(key)
        if not section:
            continue
        source = "" if section.get("tokens_per_s_source") != SOURCE_CLIENT else "*"
        lines.append(
            f"- {text(title, turkish)}: {text('md_ttft', turkish)} {_spread(section.get('ttft_ms'), unit=' ms')}, "
            f"{_spread(section.get('tokens_per_s'), 1, ' token/s')}{source}, "
            f"{text('md_tokens', turkish)} {_spread(section.get('completion_tokens'))}"
        )
    long_prompt = model.get("long_prompt")
    if long_prompt:
        source = "" if long_prompt.get("prompt_tokens_per_s_source") != SOURCE_CLIENT else "*"
        lines.append(
            f"- {text('md_long', turkish)}: {_spread(long_prompt.get('prompt_tokens_per_s'), 1, ' token/s')}{source}, "
            f"{text('md_prompt_tokens', turkish)} {_spread(long_prompt.get('prompt_tokens'))}"
        )
    fim = model.get("fim")
    if fim and fim.get("holes"):
        lines.append(f"- {text('md_fim', turkish)}: " + text("md_fim_line", turkish, holes=fim["holes"], exact=fim["exact_match"], similarity=fim["edit_similarity"]))
    check = model.get("turkish")
    if check and check.get("questions"):
        lines.append(f"- {text('md_turkish', turkish)}: " + text("md_turkish_line", turkish, questions=check["questions"], in_turkish=check["in_turkish"], terms=check["all_terms"], passed=check["passed"]))
    memory = model.get("memory")
    if memory is not None:
        if memory.get("size_bytes") is None:
            lines.append(f"- {text('md_memory', turkish)}: {text('md_memory_na', turkish)}")
        else:
            vram = memory.get("size_vram_bytes") or 0
            lines.append(f"- {text('md_memory', turkish)}: " + text("md_memory_line", turkish, size=f"{memory['size_bytes'] / GIB:.2f} GiB", vram=f"{vram / GIB:.2f} GiB") + " (`/api/ps`)")
    compare = model.get("compare_raw")
    if compare and compare.get("ratio") is not None:
        lines.append(f"- {text('md_compare', turkish)}: " + text(
            "md_compare_line", turkish, pairs=compare["pairs"], netz=_spread(compare["netz_ms"]),
            raw=_spread(compare["raw_ms"]), ratio=compare["ratio"], prepare=_spread(compare["prepare_ms"], 2),
        ))
        lines.append(f"  {text('md_compare_note', turkish)}")
    if len(lines) == 3 and not model.get("error"):
        lines.append(f"- {skipped}")
    lines.append("")
    return lines
