"""The PNG chart of the report: time to first token and tokens per second per model.

matplotlib (the `bench` extra) draws a labelled chart. Without it a plain stdlib writer draws
the same bars without any text, in the order of the report's table, so a chart always exists.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

from netz_lsp.bench.texts import text

# Bar colours: completion-sized requests, then chat-sized requests.
COLOURS = ("#2f6db3", "#e07b39")


def chart_series(report: dict[str, Any]) -> tuple[list[str], list[list[float]], list[list[float]]]:
    """Return model names, TTFT medians and tokens/s medians, each as [completion, chat] per model."""
    names, ttft, rates = [], [], []
    for model in report["models"]:
        row_ttft, row_rates = [], []
        for key in ("completion", "chat"):
            section = model.get(key) or {}
            row_ttft.append((section.get("ttft_ms") or {}).get("median") or 0.0)
            row_rates.append((section.get("tokens_per_s") or {}).get("median") or 0.0)
        if any(row_ttft) or any(row_rates):
            names.append(model["model"])
            ttft.append(row_ttft)
            rates.append(row_rates)
    return names, ttft, rates


def write_chart(report: dict[str, Any], path: Path, turkish: bool) -> bool:
    """Write the chart to `path`; return False when no model has a speed measurement yet."""
    names, ttft, rates = chart_series(report)
    if not names:
        return False
    try:
        import matplotlib
    except ImportError:
        _write_plain_png(path, ttft, rates)
        return True
    matplotlib.use("Agg")
    from matplotlib import pyplot

    labels = (text("chart_completion", turkish), text("chart_chat", turkish))
    figure, (left, right) = pyplot.subplots(1, 2, figsize=(max(8.0, 2.2 * len(names) + 4), 4.2))
    positions = range(len(names))
    for axis, values, title in ((left, ttft, text("chart_ttft", turkish)), (right, rates, text("chart_rate", turkish))):
        for series_index in range(2):
            offsets = [position + (series_index - 0.5) * 0.38 for position in positions]
            axis.bar(offsets, [row[series_index] for row in values], width=0.36, color=COLOURS[series_index], label=labels[series_index])
        axis.set_xticks(list(positions), names, rotation=15, ha="right", fontsize=8)
        axis.set_title(title)
        axis.grid(axis="y", alpha=0.3)
    left.legend(fontsize=8)
    cores = text("chart_cores", turkish, cores=report["machine"]["cores"])
    figure.suptitle(f"{text('title', turkish)} — {report['backend']['name']}, {cores}")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    pyplot.close(figure)
    return True


def _write_plain_png(path: Path, ttft: list[list[float]], rates: list[list[float]]) -> None:
    """Draw two panels of grouped bars (TTFT left, tokens/s right) as an RGB PNG, stdlib only."""
    width, height, margin = 640, 320, 20
    pixels = [[(255, 255, 255)] * width for _ in range(height)]
    panel_width = (width - 3 * margin) // 2
    for panel, values in enumerate((ttft, rates)):
        top = max((value for row in values for value in row), default=0.0) or 1.0
        left = margin + panel * (panel_width + margin)
        slot = panel_width / max(len(values), 1)
        for model_index, row in enumerate(values):
            for series_index, value in enumerate(row):
                bar_height = int((height - 2 * margin) * value / top)
                x_start = int(left + model_index * slot + slot * (0.1 + 0.4 * series_index))
                colour = tuple(int(COLOURS[series_index][i : i + 2], 16) for i in (1, 3, 5))
                for y in range(height - margin - bar_height, height - margin):
                    for x in range(x_start, x_start + int(slot * 0.38)):
                        pixels[y][x] = colour
        for x in range(left, left + panel_width):
            pixels[height - margin][x] = (0, 0, 0)
    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
