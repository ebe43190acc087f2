"""Ollama model lifecycle: preloading, keep_alive and the loaded-model limit, checked
against the double's recorded requests and model events; and `doctor --pull`."""

import subprocess
import sys

from lsprotocol import types

from tests.conftest import REPO_ROOT, double_settings, server_env, wait_until
from tests.doubles.ollama_double import OllamaDouble
from tests.test_lsp_actions import as_dict

COMPLETION = "deepseek-coder-v2:16b-lite-base-q4_0"
CHAT = "qwen2.5-coder:32b"


def loads(double) -> list[tuple[str, int]]:
    return [(event.model, event.num_ctx) for event in double.model_events if event.kind == "load"]


async def test_preload_loads_completion_then_chat(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double, preload=True, keepAlive="45m"))

    await wait_until(lambda: len(loads(ollama_double)) == 2, what="two models loaded")

    assert loads(ollama_double) == [(COMPLETION, 8192), (CHAT, 16384)]
    load_requests = ollama_double.requests_to("/api/generate")
    assert [request.body["model"] for request in load_requests] == [COMPLETION, CHAT]
    assert all(request.body["prompt"] == "" for request in load_requests)
    assert all(request.body["keep_alive"] == "45m" for request in load_requests)
    assert [request.body["options"]["num_ctx"] for request in load_requests] == [8192, 16384]
    await wait_until(
        lambda: any(sorted(as_dict(item)["loadedModels"]) == sorted([COMPLETION, CHAT]) for item in netz.notifications.get("netz/status", [])),
        what="status with loaded models",
    )
    await wait_until(lambda: any(reports and isinstance(reports[-1], types.WorkDoneProgressEnd) for reports in netz.client.progress_reports.values()), what="progress end")
    reports = next(iter(netz.client.progress_reports.values()))
    assert reports[0].title == "NETZ is loading models"
    assert [report.message for report in reports[1:-1]] == [f"loading {COMPLETION}", f"loading {CHAT}"]


async def test_preload_respects_max_loaded_models(start_netz, ollama_double):
    await start_netz(double_settings(ollama_double, preload=True, maxLoadedModels=1))
    await wait_until(lambda: ollama_double.requests_to("/api/ps"), what="loaded models read")
    await wait_until(lambda: len(ollama_double.requests_to("/api/ps")) >= 2, what="status refresh")
    assert loads(ollama_double) == [(COMPLETION, 8192)]
    assert list(ollama_double.loaded_models()) == [COMPLETION]


async def test_question_model_unloads_past_limit(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double, preload=True))
    await wait_until(lambda: len(loads(ollama_double)) == 2, what="preloaded")

    await netz.command("netz.ask", {"question": "What is a monad?"})

    # mistral needs a slot: the chat model goes first, the completion model stays warm.
    unloads = [event.model for event in ollama_double.model_events if event.kind == "unload"]
    assert unloads == [CHAT]
    assert sorted(ollama_double.loaded_models()) == sorted([COMPLETION, "mistral:latest"])
    unload_request = next(request for request in ollama_double.requests_to("/api/generate") if request.body.get("keep_alive") == 0)
    assert unload_request.body["model"] == CHAT
    assert ollama_double.eviction_events == []
    status = await netz.command("netz.status")
    assert sorted(status["loadedModels"]) == sorted([COMPLETION, "mistral:latest"])


async def test_chat_keep_alive_from_settings(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double, keepAlive="2h"))
    await netz.command("netz.ask", {"question": "What is a monad?"})
    assert ollama_double.requests_to("/api/chat")[-1].body["keep_alive"] == "2h"


async def test_preload_missing_model_shows_pull_command(start_netz):
    with OllamaDouble(models=["deepseek-coder-v2:16b-lite-base-q4_0", "mistral"]) as double:
        netz = await start_netz(double_settings(double, preload=True))
        await wait_until(lambda: any("ollama pull qwen2.5-coder:32b" in item.message for item in netz.messages), what="pull message")
        await wait_until(lambda: loads(double) == [(COMPLETION, 8192)], what="completion model loaded")
        pull_messages = [item for item in netz.messages if "ollama pull" in item.message]
        assert len(pull_messages) == 1


async def test_initialize_does_not_wait_for_preload(start_netz, ollama_double):
    ollama_double.load_delay_s = 0.5
    netz = await start_netz(double_settings(ollama_double, preload=True))
    # The server answers other requests while the models load.
    status = await netz.command("netz.status")
    assert status["profile"] == "auto"
    await wait_until(lambda: len(loads(ollama_double)) == 2, timeout_s=10, what="preloaded")


def test_doctor_pull_installs_missing_models(tmp_path):
    with OllamaDouble(models=["deepseek-coder-v2:16b-lite-base-q4_0", "mistral"]) as double:
        completed = subprocess.run(
            [sys.executable, "-m", "netz_lsp", "doctor", "--pull", "--host", double.url],
            capture_output=True,
            text=True,
            env=server_env(LANG="en_US.UTF-8"),
            cwd=REPO_ROOT,
            timeout=120,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        assert "Pulling qwen2.5-coder:32b" in completed.stdout
        assert "100%" in completed.stdout
        assert double.find_model(CHAT) is not None
        pulls = double.requests_to("/api/pull")
        assert [request.body["model"] for request in pulls] == [CHAT]


def test_doctor_pull_failure_lists_command(tmp_path):
    with OllamaDouble(models=["deepseek-coder-v2:16b-lite-base-q4_0", "mistral"]) as double:
        double.registry_missing.add(CHAT)
        completed = subprocess.run(
            [sys.executable, "-m", "netz_lsp", "doctor", "--pull", "--host", double.url],
            capture_output=True,
            text=True,
            env=server_env(LANG="en_US.UTF-8"),
            cwd=REPO_ROOT,
            timeout=120,
        )
        assert completed.returncode == 1
        assert f"ollama pull {CHAT}" in completed.stdout
        assert "file does not exist" in completed.stderr
