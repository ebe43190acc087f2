"""`netz-lsp complete` and `netz-lsp doctor` as a user runs them from a terminal."""

import json
import subprocess
import sys

from tests.conftest import REPO_ROOT, server_env
from tests.doubles.ollama_double import OllamaDouble


def run_cli(*arguments: str, timeout_s: float = 60, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "netz_lsp", *arguments],
        capture_output=True,
        text=True,
        env=server_env(**(env_extra or {})),
        cwd=REPO_ROOT,
        timeout=timeout_s,
    )


def closed_port() -> int:
    from tests.realmodel import free_port

    return free_port()


def test_complete_prints_completion(ollama_double, tmp_path):
    ollama_double.reply_with("a + b")
    source = tmp_path / "hesap.py"
    source.write_text("def topla(a, b):\n    return \n", encoding="utf-8")
    completed = run_cli("complete", str(source), "--line", "2", "--column", "12", "--host", ollama_double.url)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "a + b\n"
    body = ollama_double.requests_to("/api/generate")[-1].body
    assert body["raw"] is True
    assert body["options"]["num_ctx"] == 8192


def test_complete_unreachable_backend_exits_nonzero(tmp_path):
    source = tmp_path / "x.py"
    source.write_text("x = \n", encoding="utf-8")
    completed = run_cli("complete", str(source), "--line", "1", "--column", "5", "--host", f"http://127.0.0.1:{closed_port()}", env_extra={"LANG": "en_US.UTF-8"})
    assert completed.returncode == 1
    assert "cannot reach the Ollama server" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_complete_column_out_of_range(tmp_path):
    source = tmp_path / "x.py"
    source.write_text("x = \n", encoding="utf-8")
    completed = run_cli("complete", str(source), "--line", "1", "--column", "50")
    assert completed.returncode == 2
    assert "--column 50 is outside line 1" in completed.stderr


def test_complete_missing_file(tmp_path):
    completed = run_cli("complete", str(tmp_path / "yok.py"), "--line", "1", "--column", "1")
    assert completed.returncode == 2
    assert "file not found" in completed.stderr


def test_doctor_all_installed_exits_zero(ollama_double):
    completed = run_cli("doctor", "--host", ollama_double.url, env_extra={"LANG": "en_US.UTF-8"})
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "reachable" in completed.stdout
    assert "template supports suffix" in completed.stdout


def test_doctor_missing_model_prints_pull(tmp_path):
    with OllamaDouble(models=["deepseek-coder-v2:16b-lite-base-q4_0", "qwen2.5-coder:32b"]) as double:
        completed = run_cli("doctor", "--host", double.url, env_extra={"LANG": "en_US.UTF-8"})
    assert completed.returncode == 1
    assert "ollama pull mistral" in completed.stdout


def test_doctor_turkish_output(ollama_double):
    completed = run_cli("doctor", "--host", ollama_double.url, env_extra={"LANG": "tr_TR.UTF-8"})
    assert completed.returncode == 0
    assert "ulaşılabilir" in completed.stdout


def test_doctor_unreachable_exits_nonzero():
    completed = run_cli("doctor", "--host", f"http://127.0.0.1:{closed_port()}", env_extra={"LANG": "en_US.UTF-8"})
    assert completed.returncode == 1
    assert "cannot reach" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_invalid_settings_file_is_named(tmp_path):
    settings = tmp_path / "s.json"
    settings.write_text(json.dumps({"debounceMs": -3}), encoding="utf-8")
    completed = run_cli("--settings", str(settings), "doctor")
    assert completed.returncode == 2
    assert "netz.debounceMs" in completed.stderr


def test_settings_flag_after_command(ollama_double, tmp_path):
    ollama_double.reply_with("a + b")
    source = tmp_path / "hesap.py"
    source.write_text("def topla(a, b):\n    return \n", encoding="utf-8")
    settings = tmp_path / "s.json"
    settings.write_text(json.dumps({"ollamaHost": ollama_double.url}), encoding="utf-8")
    completed = run_cli("complete", str(source), "--line", "2", "--column", "12", "--settings", str(settings))
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "a + b\n"


def test_unknown_setting_suggests_spelling(tmp_path):
    settings = tmp_path / "s.json"
    settings.write_text(json.dumps({"debounceMS": 100}), encoding="utf-8")
    completed = run_cli("--settings", str(settings), "doctor")
    assert completed.returncode == 2
    assert "did you mean `debounceMs`?" in completed.stderr


def test_openai_url_without_v1_is_explained():
    from tests.doubles.openai_double import OpenAIDouble

    with OpenAIDouble() as double:
        root_url = double.base_url.removesuffix("/v1")
        completed = run_cli("doctor", "--backend", "openai", "--base-url", root_url, env_extra={"LANG": "en_US.UTF-8"})
    assert completed.returncode == 1
    assert "HTTP 404" in completed.stderr
    assert "`/v1`" in completed.stderr


def test_openai_unreachable_message_has_no_ollama_hint():
    completed = run_cli("doctor", "--backend", "openai", "--base-url", f"http://127.0.0.1:{closed_port()}/v1", env_extra={"LANG": "en_US.UTF-8"})
    assert completed.returncode == 1
    assert "cannot reach the OpenAI-compatible server" in completed.stderr
    assert "ollama serve" not in completed.stderr


def test_complete_in_private_file_says_why(tmp_path):
    secret = tmp_path / ".env.local"
    secret.write_text("TOKEN=\n", encoding="utf-8")
    completed = run_cli("complete", str(secret), "--line", "1", "--column", "7")
    assert completed.returncode == 0
    assert completed.stdout == ""
    assert "private or excluded" in completed.stderr
