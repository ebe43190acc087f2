"""`netz-lsp bench`: measure the configured models on this machine and write a report.

Exit status: 0 when every model was measured, 1 when the backend failed or a model is
missing (the report keeps what was measured), 2 for invalid options, 130 after Ctrl+C.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from netz_lsp.backend.errors import BackendError
from netz_lsp.bench.report import render_table
from netz_lsp.bench.runner import BenchOptions, BenchRunner, plan_models
from netz_lsp.bench.texts import text
from netz_lsp.commands.common import build_runtime, print_backend_error
from netz_lsp.i18n import is_turkish

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
# A model's first request may include loading it from disk, which takes minutes for 30B models.
BENCH_REQUEST_TIMEOUT_S = 300


def _options(arguments, turkish: bool) -> BenchOptions | None:
    checks = (
        ("--runs", arguments.runs, 1),
        ("--num-predict", arguments.num_predict, 1),
        ("--holes", arguments.holes, 0),
        ("--questions", arguments.questions, 0),
        ("--long-prompt-tokens", arguments.long_prompt_tokens, 16),
    )
    for option, value, minimum in checks:
        if value is not None and value < minimum:
            reason = f"≥ {minimum}" if not turkish else f"en az {minimum} olmalı"
            print("error: " + text("invalid_option", turkish, option=option, value=value, reason=reason), file=sys.stderr)
            return None
    return BenchOptions(
        runs=arguments.runs,
        num_predict=arguments.num_predict,
        holes=arguments.holes,
        questions=arguments.questions,
        long_prompt_tokens=arguments.long_prompt_tokens,
        compare_raw=arguments.compare_raw,
    )


def _installed(model: str, installed: set[str]) -> bool:
    """Match Ollama's naming: `mistral` is `mistral:latest`."""
    return model in installed or (":" not in model and f"{model}:latest" in installed)


async def run_bench(arguments, settings_raw: dict) -> int:
    settings_raw = dict(settings_raw)
    settings_raw.setdefault("requestTimeoutS", BENCH_REQUEST_TIMEOUT_S)
    runtime = build_runtime(settings_raw)
    turkish = is_turkish(runtime.locale)
    options = _options(arguments, turkish)
    if options is None:
        return EXIT_BAD_INPUT
    names = None
    if arguments.models is not None:
        names = [name.strip() for name in arguments.models.split(",") if name.strip()]
        if not names:
            print("error: " + text("no_models", turkish), file=sys.stderr)
            return EXIT_BAD_INPUT

    output = Path(arguments.output)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print("error: " + text("output_not_writable", turkish, path=output, error=error), file=sys.stderr)
        return EXIT_BAD_INPUT
    runner = BenchRunner(runtime, settings_raw, options, output, arguments.report_name, turkish)
    runner.save()

    work = asyncio.ensure_future(_run(runner, runtime, names, turkish))
    interrupted = asyncio.Event()

    def interrupt() -> None:
        interrupted.set()
        work.cancel()

    loop = asyncio.get_running_loop()
    handled_signals = []
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signal_number, interrupt)
            handled_signals.append(signal_number)
        except (NotImplementedError, RuntimeError):
            pass  # Windows: Ctrl+C arrives as KeyboardInterrupt instead.
    try:
        return await work
    except asyncio.CancelledError:
        if not interrupted.is_set():
            raise
        runner.finish("interrupted")
        sys.stderr.write("\n")
        print(text("interrupted", turkish, path=runner.markdown_path), file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        for signal_number in handled_signals:
            loop.remove_signal_handler(signal_number)
        await runtime.aclose()


async def _run(runner: BenchRunner, runtime, names: list[str] | None, turkish: bool) -> int:
    plans = plan_models(runtime, names, turkish)
    try:
        served = {model.name for model in await runtime.backend.list_models()}
    except BackendError as error:
        return _fail(runner, runtime, error)
    missing = [plan.model for plan in plans if not _installed(plan.model, served)]
    if missing:
        key = "models_missing_ollama" if runtime.settings.backend == "ollama" else "models_missing_openai"
        message = text(key, turkish, models=", ".join(missing), installed=", ".join(sorted(served)) or "-")
        runner.finish("failed", message)
        print("error: " + message, file=sys.stderr)
        print(text("partial_kept", turkish, path=runner.markdown_path), file=sys.stderr)
        return EXIT_FAILED

    try:
        all_measured = await runner.run(plans)
    except BackendError as error:
        return _fail(runner, runtime, error)
    runner.finish("complete")
    print(render_table(runner.report, turkish))
    print(text("written", turkish, paths=", ".join(str(path) for path in runner.paths)))
    for entry in runner.report["models"]:
        if entry.get("error"):
            print(text("model_failed", turkish, model=entry["model"], error=entry["error"]), file=sys.stderr)
    return EXIT_OK if all_measured else EXIT_FAILED


def _fail(runner: BenchRunner, runtime, error: BackendError) -> int:
    from netz_lsp.lsp.reporter import user_message

    if runner.progress is not None:
        runner.progress.finish()
    runner.finish("failed", user_message(error, runtime.locale, runtime.settings.request_timeout_s))
    print_backend_error(error, runtime)
    print(text("partial_kept", runner.turkish, path=runner.markdown_path), file=sys.stderr)
    return EXIT_FAILED
