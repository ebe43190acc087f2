"""`netz-lsp bench` against the Ollama double: where its numbers come from, and bad input."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from pathlib import Path

import pytest

from netz_lsp.bench.datasets import load_fim_holes, load_turkish_questions
from netz_lsp.bench.scoring import edit_similarity, is_turkish, matched_key_terms, score_fim
from netz_lsp.cli import main
from tests.conftest import REPO_ROOT, server_env
from tests.doubles.ollama_double import estimate_prompt_tokens
from tests.test_cli import closed_port, run_cli

FIM_MODEL = "deepseek-coder-v2:16b-lite-base-q4_0"
CHAT_MODEL = "mistral"
# Values the double reports instead of its own; no client-side measurement can produce them.
KNOWN_STATS = {
    "eval_count": 40,
    "eval_duration": 2_000_000_000,
    "prompt_eval_count": 500,
    "prompt_eval_duration": 250_000_000,
    "load_duration": 1_500_000_000,
    "total_duration": 4_000_000_000,
}
SMALL_RUN = ["--runs", "2", "--holes", "3", "--questions", "2", "--long-prompt-tokens", "256"]


def read_report(folder: Path) -> dict:
    return json.loads((folder / "netz-bench.json").read_text(encoding="utf-8"))


def model_entry(report: dict, model: str) -> dict:
    return next(entry for entry in report["models"] if entry["model"] == model)


def test_bench_reports_backend_statistics(ollama_double, tmp_path, capsys):
    ollama_double.reply_with("    return a + b\n")
    ollama_double.final_stats = dict(KNOWN_STATS)
    exit_code = main(["bench", "--host", ollama_double.url, "--models", f"{FIM_MODEL},{CHAT_MODEL}", "--output", str(tmp_path), *SMALL_RUN])
    assert exit_code == 0, capsys.readouterr().err

    report = read_report(tmp_path)
    assert report["status"] == "complete"
    fim_entry = model_entry(report, FIM_MODEL)
    chat_entry = model_entry(report, CHAT_MODEL)
    sections = [fim_entry["completion"], fim_entry["long_prompt"], chat_entry["chat"], chat_entry["long_prompt"]]
    for section in sections:
        for sample in section["samples"]:
            assert sample["completion_tokens"] == 40
            assert sample["eval_ns"] == 2_000_000_000
            assert sample["tokens_per_s"] == 20.0
            assert sample["tokens_per_s_source"] == "backend"
            assert sample["prompt_tokens"] == 500
            assert sample["prompt_tokens_per_s"] == 2000.0
            assert sample["prompt_tokens_per_s_source"] == "backend"
            assert sample["load_ns"] == 1_500_000_000
        assert section["tokens_per_s"]["median"] == 20.0
    assert fim_entry["warmup"]["load_ns"] == 1_500_000_000
    assert fim_entry["memory"] == {"size_bytes": 8_905_000_000, "size_vram_bytes": 8_905_000_000, "source": "/api/ps"}

    markdown = (tmp_path / "netz-bench.md").read_text(encoding="utf-8")
    summary_row = next(line for line in markdown.splitlines() if line.startswith(f"| {FIM_MODEL} "))
    assert "| 20.0 |" in summary_row
    assert "| 2,000.0 |" in summary_row
    assert "8.29 GiB" in summary_row
    assert (tmp_path / "netz-bench.png").read_bytes().startswith(b"\x89PNG")
    table = capsys.readouterr().out
    assert FIM_MODEL in table
    assert "20.0" in table


def test_bench_prompt_tokens_match_server_counts(ollama_double, tmp_path):
    ollama_double.reply_with("    return a + b\n")
    exit_code = main(["bench", "--host", ollama_double.url, "--models", FIM_MODEL, "--output", str(tmp_path), *SMALL_RUN, "--holes", "0"])
    assert exit_code == 0

    long_prompts = [
        request.body["prompt"]
        for request in ollama_double.requests_to("/api/generate")
        if request.body.get("options", {}).get("num_predict") == 1
    ]
    samples = model_entry(read_report(tmp_path), FIM_MODEL)["long_prompt"]["samples"]
    assert [sample["prompt_tokens"] for sample in samples] == [estimate_prompt_tokens(prompt) for prompt in long_prompts]
    for sample in samples:
        # The double reports a fixed 50 µs per prompt token.
        assert sample["prompt_tokens_per_s"] == pytest.approx(20_000.0)


def test_bench_compare_raw_sends_same_options(ollama_double, tmp_path):
    ollama_double.reply_with("    return a + b\n")
    exit_code = main(["bench", "--host", ollama_double.url, "--models", FIM_MODEL, "--output", str(tmp_path), "--compare-raw", *SMALL_RUN])
    assert exit_code == 0

    compare = model_entry(read_report(tmp_path), FIM_MODEL)["compare_raw"]
    assert compare["pairs"] == 2
    assert compare["ratio"] > 0
    assert [pair["netz_first"] for pair in compare["samples"]] == [True, False]
    sides: dict[str, list[dict]] = {"netz": [], "raw": []}
    for request in ollama_double.requests_to("/api/generate"):
        found = re.search(r"# netz-bench \w+ (netz|raw)-\d+$", request.body.get("prompt", ""), re.MULTILINE)
        if found:
            sides[found.group(1)].append(request.body)
    netz_bodies, raw_bodies = sides["netz"], sides["raw"]
    assert len(netz_bodies) == 2
    assert len(raw_bodies) == 2
    for netz_body, raw_body in zip(netz_bodies, raw_bodies):
        assert raw_body["options"] == netz_body["options"]
        assert raw_body["raw"] is True
        assert raw_body["keep_alive"] == netz_body["keep_alive"]
        assert raw_body["prompt"].replace(" raw-", " netz-", 1) == netz_body["prompt"]


@pytest.mark.parametrize(("lang", "expected"), [("en_US.UTF-8", "cannot reach the Ollama server"), ("tr_TR.UTF-8", "sunucusuna ulaşılamıyor")])
def test_bench_unreachable_backend(tmp_path, lang, expected):
    completed = run_cli("bench", "--host", f"http://127.0.0.1:{closed_port()}", "--output", str(tmp_path), env_extra={"LANG": lang, "LC_ALL": lang})
    assert completed.returncode == 1
    assert expected in completed.stderr
    assert "Traceback" not in completed.stderr
    report = read_report(tmp_path)
    assert report["status"] == "failed"
    assert expected in report["error"]
    assert (tmp_path / "netz-bench.md").exists()


def test_bench_backend_down_mid_run_keeps_partial(ollama_double, tmp_path):
    ollama_double.reply_with("    return a + b\n")
    served = []

    def reply_then_go_down(request_json):
        served.append(request_json)
        if len(served) == 4:
            # go_down joins the server thread, so it cannot run inside a request handler.
            threading.Thread(target=ollama_double.go_down).start()
        return "    return a + b\n"

    ollama_double.responder = reply_then_go_down
    completed = run_cli("bench", "--host", ollama_double.url, "--models", FIM_MODEL, "--output", str(tmp_path), *SMALL_RUN, env_extra={"LANG": "en_US.UTF-8"})
    assert completed.returncode == 1
    # Depending on when the server stops, the request fails to connect, breaks off or ends
    # without its final line; each message names the server.
    assert "the Ollama server" in completed.stderr
    assert "Traceback" not in completed.stderr
    entry = model_entry(read_report(tmp_path), FIM_MODEL)
    assert entry["status"] == "failed"
    assert "the Ollama server" in entry["error"]
    assert entry["warmup"]["completion_tokens"] is not None
    assert len(entry["completion"]["samples"]) == 2
    assert FIM_MODEL in (tmp_path / "netz-bench.md").read_text(encoding="utf-8")


def test_bench_unknown_model(ollama_double, tmp_path):
    completed = run_cli("bench", "--host", ollama_double.url, "--models", f"{CHAT_MODEL},yok-boyle-model:7b", "--output", str(tmp_path), env_extra={"LANG": "en_US.UTF-8"})
    assert completed.returncode == 1
    assert "not installed: yok-boyle-model:7b" in completed.stderr
    assert "ollama pull" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert ollama_double.requests_to("/api/generate") == []
    assert read_report(tmp_path)["status"] == "failed"


def test_bench_invalid_runs(tmp_path):
    completed = run_cli("bench", "--runs", "0", "--output", str(tmp_path), env_extra={"LANG": "en_US.UTF-8"})
    assert completed.returncode == 2
    assert "--runs is invalid (0)" in completed.stderr


def test_bench_interrupt_keeps_partial_report(ollama_double, tmp_path):
    ollama_double.reply_with("    return a + b\n" * 20)
    ollama_double.chunk_delay_s = 0.05
    process = subprocess.Popen(
        [sys.executable, "-m", "netz_lsp", "bench", "--host", ollama_double.url, "--models", FIM_MODEL, "--output", str(tmp_path), "--runs", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=server_env(LANG="en_US.UTF-8"),
        cwd=REPO_ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            report_path = tmp_path / "netz-bench.json"
            if report_path.exists() and any(entry.get("completion") for entry in read_report(tmp_path)["models"]):
                break
            time.sleep(0.05)
        else:
            pytest.fail("the benchmark measured nothing within 60 s")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 130
    assert "Benchmark interrupted (Ctrl+C)" in stderr
    assert "Traceback" not in stderr
    report = read_report(tmp_path)
    assert report["status"] == "interrupted"
    assert model_entry(report, FIM_MODEL)["completion"]["samples"]
    assert "interrupted" in (tmp_path / "netz-bench.md").read_text(encoding="utf-8")


def test_edit_similarity_cases():
    assert edit_similarity("", "") == 1.0
    assert edit_similarity("abc", "abc") == 1.0
    assert edit_similarity("abc", "abd") == pytest.approx(2 / 3)
    assert edit_similarity("", "abc") == 0.0


def test_score_fim_uses_first_line():
    assert score_fim("len(s)\nnext_line()", "len(s)") == (True, 1.0)
    assert score_fim(None, "len(s)") == (False, 0.0)
    assert score_fim("  len(s)  ", "len(s)")[0] is True


def test_turkish_detection():
    assert is_turkish("Liste değiştirilebilir bir veri yapısıdır, demet ise değiştirilemez.")
    assert is_turkish("Bunu yapmak için `open()` fonksiyonu ile dosyayı açın ve her satırı okuyun.")
    assert not is_turkish("A list is mutable and a tuple is immutable, so you can change a list.")
    assert not is_turkish("```python\nfor satır in dosya: print(satır)\n```")


def test_key_terms_use_turkish_casing():
    question = next(item for item in load_turkish_questions() if item.question_id == "liste-demet")
    assert matched_key_terms("LİSTE DEĞİŞTİRİLEBİLİR, TUPLE İSE DEĞİL", question) == 2
    assert matched_key_terms("Listeler farklıdır.", question) == 0


def test_fim_holes_match_standard_library():
    holes = load_fim_holes()
    assert len(holes) == 48
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    if sys.version.split()[0] != "3.11.7":
        pytest.skip("the holes were cut from Python 3.11.7")
    for hole in holes:
        line = (stdlib / hole.path.removeprefix("Lib/")).read_text(encoding="utf-8").splitlines()[hole.line - 1]
        assert hole.expected.strip()
        assert line == hole.prefix.rsplit("\n", 1)[-1] + hole.expected, hole.hole_id
