"""The `netz-lsp` command: serve LSP over stdio, or run `complete`, `doctor` or `bench`."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from netz_lsp import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netz-lsp",
        description="NETZ AI language server. Without a command it serves LSP over stdio.",
    )
    parser.add_argument("--version", action="version", version=f"netz-lsp {__version__}")
    parser.add_argument("--stdio", action="store_true", help="accepted for LSP clients that pass it; stdio is the only transport")
    parser.add_argument("--settings", metavar="FILE", help="JSON file with settings (the `netz` section); used by every command")
    parser.add_argument("--log-level", choices=["debug", "info", "warning", "error"], help="log level on stderr")
    commands = parser.add_subparsers(dest="command")

    complete = commands.add_parser("complete", help="print the inline completion for a position in a file")
    complete.add_argument("file", help="source file")
    complete.add_argument("--line", type=int, required=True, help="line number, 1-based as editors show it")
    complete.add_argument("--column", type=int, required=True, help="column, 1-based, in characters as editors show it")
    _add_backend_overrides(complete)

    doctor = commands.add_parser("doctor", help="check the configured backend and models")
    doctor.add_argument("--pull", action="store_true", help="pull missing models from Ollama with a progress bar")
    _add_backend_overrides(doctor)

    bench = commands.add_parser("bench", help="measure the configured models on this machine")
    bench.add_argument("--models", help="comma-separated models; default: the configured ones")
    bench.add_argument("--compare-raw", action="store_true", help="compare NETZ's end-to-end time with direct engine calls")
    bench.add_argument("--output", default="netz-bench", help="folder for the Markdown, JSON and PNG report")
    bench.add_argument("--report-name", default="netz-bench", help="file name of the report files, without extension")
    bench.add_argument("--runs", type=int, default=5, help="measured runs per request size after one warm-up request (default 5)")
    bench.add_argument("--num-predict", type=int, help="maximum tokens per reply for every request; default: the model's numPredict for completions, 256 for chat")
    bench.add_argument("--holes", type=int, help="number of bundled FIM holes to score (default all 48)")
    bench.add_argument("--questions", type=int, help="number of bundled Turkish questions to ask (default all 10)")
    bench.add_argument("--long-prompt-tokens", type=int, default=2048, help="size of the long prompt in tokens, capped by the model's numCtx (default 2048)")
    _add_backend_overrides(bench)
    return parser


def _add_backend_overrides(parser: argparse.ArgumentParser) -> None:
    # Accepted after the command too (`netz-lsp complete F --settings S`); SUPPRESS keeps the
    # value given before the command when it is not repeated after it.
    parser.add_argument("--settings", metavar="FILE", default=argparse.SUPPRESS, help="JSON file with settings (the `netz` section)")
    parser.add_argument("--log-level", choices=["debug", "info", "warning", "error"], default=argparse.SUPPRESS, help="log level on stderr")
    parser.add_argument("--backend", choices=["ollama", "openai"], help="override the `backend` setting")
    parser.add_argument("--host", help="Ollama host, overrides `ollamaHost`")
    parser.add_argument("--base-url", help="OpenAI-compatible base URL, overrides `openaiBaseUrl`")
    parser.add_argument("--model", help="completion model, overrides `models.completion`")


def load_settings_overrides(arguments: argparse.Namespace) -> dict:
    """Collect the settings from `--settings` and the override flags, in the `netz` shape."""
    raw: dict = {}
    if arguments.settings:
        path = Path(arguments.settings)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SystemExit(f"error: settings file not found: {path}. Pass an existing JSON file to --settings.")
        except json.JSONDecodeError as error:
            raise SystemExit(f"error: settings file {path} is not valid JSON ({error}). Fix it or drop --settings.")
    if isinstance(raw, dict) and isinstance(raw.get("netz"), dict):
        raw = raw["netz"]
    if getattr(arguments, "backend", None):
        raw["backend"] = arguments.backend
    if getattr(arguments, "host", None):
        raw["ollamaHost"] = arguments.host
    if getattr(arguments, "base_url", None):
        raw["openaiBaseUrl"] = arguments.base_url
    if getattr(arguments, "model", None):
        raw.setdefault("models", {})["completion"] = arguments.model
    return raw


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    from netz_lsp.logging_setup import configure_logging

    if arguments.command is None:
        configure_logging(arguments.log_level or "info")
        from netz_lsp.lsp.server import create_server

        create_server().start_io()
        return 0

    configure_logging(arguments.log_level or "warning")
    settings_raw = load_settings_overrides(arguments)
    if arguments.command == "complete":
        from netz_lsp.commands.complete import run_complete

        return asyncio.run(run_complete(arguments, settings_raw))
    if arguments.command == "doctor":
        from netz_lsp.commands.doctor import run_doctor

        return asyncio.run(run_doctor(arguments, settings_raw))
    if arguments.command == "bench":
        from netz_lsp.commands.bench import run_bench

        return asyncio.run(run_bench(arguments, settings_raw))
    return 2


if __name__ == "__main__":
    sys.exit(main())
