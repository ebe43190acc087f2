"""The VS Code extension in a real VS Code: code-server 4.100.3 driven by headless Chromium.

One code-server session runs the four scenarios of `vscode/drive.mjs` in order; each test
below checks one of them. Screenshots go to test-artifacts/ (NETZ_ARTIFACTS_DIR).

Needs: `scripts/install-code-server.sh` (run by the fixture; cached under .cache/) and Node 20.

NOTE: `run_session(..., locale="tr")` starts code-server with `--locale tr`, but without the
Turkish language pack (an Open VSX download, which these tests do not make) VS Code 1.100.3
keeps `vscode.env.language` at `en`, so the Turkish strings are not checked in a real editor.
Run: `pytest -m editor tests/editors/test_vscode.py -v`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

import editor_harness as harness

pytestmark = pytest.mark.editor

CODE_SERVER_VERSION = "4.100.3"
EXTENSION_DIR = harness.REPO_ROOT / "vscode-extension"
VSIX = EXTENSION_DIR / "dist" / "netz-ai.vsix"
DRIVER = harness.EDITORS_DIR / "vscode" / "drive.mjs"
DRIVER_TIMEOUT_S = 300
STEP_REPLIES = {
    "completion": harness.COMPLETION_REPLY,
    "refactor": harness.REFACTOR_REPLY,
    "ask": harness.ANSWER_REPLY,
    "model": harness.ANSWER_REPLY,
}


def run(command: list[str], cwd: Path, timeout_s: int, env: dict[str, str] | None = None) -> None:
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout_s)
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed with exit code {completed.returncode}:\n"
            f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
        )


def install_tools() -> tuple[Path, Path]:
    """Install code-server, Chromium and puppeteer-core (cached) and return their paths."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    run([str(harness.REPO_ROOT / "scripts" / "install-code-server.sh")], harness.REPO_ROOT, timeout_s=900)
    code_server = harness.CACHE_DIR / f"code-server-{CODE_SERVER_VERSION}" / "bin" / "code-server"
    tools_dir = harness.CACHE_DIR / "editor-test-node"
    return code_server, tools_dir


def build_vsix() -> Path:
    """Build the extension bundle and package it as dist/netz-ai.vsix."""
    if not (EXTENSION_DIR / "node_modules").exists():
        run(["npm", "ci", "--no-audit", "--no-fund"], EXTENSION_DIR, timeout_s=600)
    run(["npm", "run", "package"], EXTENSION_DIR, timeout_s=300)
    return VSIX


def write_settings(workspace: Path, user_data_dir: Path, double) -> None:
    """Write the user settings (a quiet VS Code) and the workspace's `netz` settings."""
    user_settings = {
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": False,
        "workbench.enableExperiments": False,
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.autoCheckUpdates": False,
        "extensions.autoUpdate": False,
        "security.workspace.trust.enabled": False,
        "editor.inlineSuggest.enabled": True,
        "editor.quickSuggestions": {"other": False, "comments": False, "strings": False},
        "editor.suggestOnTriggerCharacters": False,
        "editor.lightbulb.enabled": "on",
        "files.autoSave": "off",
        "window.customMenuBarAltFocus": False,
    }
    (user_data_dir / "User").mkdir(parents=True, exist_ok=True)
    (user_data_dir / "User" / "settings.json").write_text(json.dumps(user_settings, indent=2))

    command = harness.server_command()
    workspace_settings = {
        "netz.server.command": command,
        "netz.backend": "ollama",
        "netz.debounceMs": 50,
        "netz.logLevel": "debug",
    }
    if double is not None:
        workspace_settings["netz.ollamaHost"] = double.url
    (workspace / ".vscode").mkdir(exist_ok=True)
    (workspace / ".vscode" / "settings.json").write_text(json.dumps(workspace_settings, indent=2))


def wait_for_http(url: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"code-server did not answer at {url} within {timeout_s} s")


def drive(environment: dict[str, str], double) -> dict:
    """Run drive.mjs, set the double's reply at each `@@step`, and return its `@@result`."""
    process = subprocess.Popen(
        ["node", str(DRIVER)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=environment,
    )
    result = None
    deadline = time.monotonic() + DRIVER_TIMEOUT_S
    try:
        for line in process.stdout:
            if line.startswith("@@step "):
                step = line.split(maxsplit=1)[1].strip()
                harness.set_reply(double, STEP_REPLIES.get(step, harness.ANSWER_REPLY))
                process.stdin.write("go\n")
                process.stdin.flush()
            elif line.startswith("@@result "):
                result = json.loads(line[len("@@result ") :])
            if time.monotonic() > deadline:
                raise RuntimeError(f"drive.mjs ran longer than {DRIVER_TIMEOUT_S} s")
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    if result is None:
        raise RuntimeError(f"drive.mjs exited with code {process.returncode} without a @@result line")
    return result


def run_session(root: Path, steps: list[str], locale: str = "en") -> dict:
    """Run `steps` of drive.mjs in one code-server session and return the results per step."""
    harness.require_server()
    code_server, tools_dir = install_tools()
    vsix = build_vsix()

    home = root / "home"
    user_data_dir = root / "user-data"
    extensions_dir = root / "extensions"
    workspace = harness.copy_workspace(root / "workspace")
    for folder in (home, user_data_dir, extensions_dir):
        folder.mkdir()
    harness.ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)

    environment = harness.server_environment()
    environment.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        LANG="C.UTF-8",
    )
    directories = ["--user-data-dir", str(user_data_dir), "--extensions-dir", str(extensions_dir)]
    run([str(code_server), *directories, "--install-extension", str(vsix)], root, timeout_s=120, env=environment)

    double = harness.start_ollama_double()
    write_settings(workspace, user_data_dir, double)
    port = harness.free_port()
    log_file = open(harness.ARTIFACTS_DIR / f"vscode-code-server-{locale}.log", "w")
    server = subprocess.Popen(
        [
            str(code_server),
            "--auth", "none",
            "--bind-addr", f"127.0.0.1:{port}",
            "--locale", locale,
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
            "--disable-getting-started-override",
            "--ignore-last-opened",
            *directories,
        ],
        cwd=root,
        env=environment,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/healthz", timeout_s=60)
        driver_environment = dict(environment)
        driver_environment.update(
            NETZ_CODE_SERVER_URL=url,
            NETZ_WORKSPACE=str(workspace),
            NETZ_USER_DATA_DIR=str(user_data_dir),
            NETZ_ARTIFACTS_DIR=str(harness.ARTIFACTS_DIR / f"vscode-{locale}"),
            NETZ_TOOLS_DIR=str(tools_dir),
            NETZ_STEPS=",".join(steps),
            NETZ_LOCALE=locale,
            NETZ_EXPECT_COMPLETION=harness.COMPLETION_REPLY,
            NETZ_EXPECT_REFACTOR="refactored" if harness.use_stub_server() else harness.REFACTOR_MARKER,
            NETZ_EXPECT_ANSWER="" if harness.use_stub_server() else harness.ANSWER_MARKER,
        )
        result = drive(driver_environment, double)
        result["requests"] = len(double.requests) if double is not None else None
        return result
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log_file.close()
        if double is not None:
            double.stop()


@pytest.fixture(scope="module")
def vscode_run(tmp_path_factory) -> dict:
    """Run all scenarios in one English code-server session."""
    return run_session(tmp_path_factory.mktemp("vscode"), ["completion", "refactor", "ask", "model"])


def check_step(session: dict, step: str) -> None:
    steps = session["steps"]
    assert "setup" not in steps, f"code-server did not come up: {steps['setup']['detail']}"
    assert step in steps, f"drive.mjs did not run step {step}: {sorted(steps)}"
    outcome = steps[step]
    shots = ", ".join(outcome["screenshots"])
    assert outcome["ok"], f"{step}: {outcome['detail']} (screenshots: {shots})"


def test_inline_completion_ghost_text(vscode_run):
    check_step(vscode_run, "completion")


def test_lightbulb_refactor_edits_file(vscode_run):
    check_step(vscode_run, "refactor")


def test_ask_panel_renders_markdown(vscode_run):
    check_step(vscode_run, "ask")


def test_model_pick_updates_status_bar(vscode_run):
    check_step(vscode_run, "model")

