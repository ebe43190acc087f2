"""netz-lsp through Neovim 0.7's built-in LSP client, headless.

Each test starts `nvim --headless --clean -u NONE` on a fresh copy of the example workspace
with `neovim/netz_check.lua`, which starts the server with `vim.lsp.start_client`, runs one
scenario and prints `NETZ-NVIM PASS|FAIL <step>: <detail>`.

Needs: Debian's `neovim` (scripts/install-code-server.sh installs it).
Run: `pytest -m editor tests/editors/test_neovim.py -v`.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

import editor_harness as harness

pytestmark = pytest.mark.editor

SCRIPT = harness.EDITORS_DIR / "neovim" / "netz_check.lua"
NVIM_TIMEOUT_S = 90
# An uncaught Lua error would leave headless Neovim waiting for input, so the script runs
# under pcall and an error becomes a FAIL line and exit status 1.
LUA_RUNNER = (
    "lua local ok, err = pcall(dofile, '{script}') "
    "if not ok then io.stdout:write('NETZ-NVIM FAIL setup: ' .. tostring(err) .. '\\n') vim.cmd('cquit 1') end"
)


@pytest.fixture
def ollama_double():
    harness.require_server()
    if shutil.which("nvim") is None:
        pytest.skip("nvim is not installed; run scripts/install-code-server.sh")
    double = harness.start_ollama_double()
    yield double
    if double is not None:
        double.stop()


def run_neovim(tmp_path, double, step: str, file: str, expected: str) -> str:
    """Run one scenario in headless Neovim and return its NETZ-NVIM line."""
    workspace = harness.copy_workspace(tmp_path / "workspace")
    settings = {"backend": "ollama", "debounceMs": 0, "logLevel": "debug"}
    if double is not None:
        settings["ollamaHost"] = double.url

    environment = harness.server_environment()
    environment.update(
        NETZ_SERVER_CMD=json.dumps(harness.server_command()),
        NETZ_FILE=str(workspace / file),
        NETZ_SETTINGS=json.dumps(settings),
        NETZ_STEP=step,
        NETZ_EXPECT=expected,
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    completed = subprocess.run(
        ["nvim", "--headless", "--clean", "-u", "NONE", "-c", LUA_RUNNER.format(script=SCRIPT)],
        cwd=workspace,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=NVIM_TIMEOUT_S,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("NETZ-NVIM ")]
    print(completed.stderr[-4000:])
    assert lines, f"nvim printed no NETZ-NVIM line (exit {completed.returncode}):\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}"
    return lines[-1]


def test_code_action_refactor(tmp_path, ollama_double):
    harness.set_reply(ollama_double, harness.REFACTOR_REPLY)
    expected = "refactored" if harness.use_stub_server() else harness.REFACTOR_MARKER
    line = run_neovim(tmp_path, ollama_double, "codeaction", "shop/cart.py", expected)
    assert line.startswith("NETZ-NVIM PASS"), line


def test_ask_streams_answer(tmp_path, ollama_double):
    harness.set_reply(ollama_double, harness.ANSWER_REPLY)
    expected = "" if harness.use_stub_server() else harness.ANSWER_MARKER
    line = run_neovim(tmp_path, ollama_double, "ask", "shop/discounts.py", expected)
    assert line.startswith("NETZ-NVIM PASS"), line


def test_inline_completion_request(tmp_path, ollama_double):
    harness.set_reply(ollama_double, harness.COMPLETION_REPLY)
    line = run_neovim(tmp_path, ollama_double, "completion", "calc.py", harness.COMPLETION_REPLY)
    assert line.startswith("NETZ-NVIM PASS"), line
