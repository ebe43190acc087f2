"""Shared set-up for the editor tests: paths, the server command and the Ollama double.

The editor tests drive real editors (code-server in headless Chromium, Neovim) against
`netz-lsp`. By default the server is the real one (`python -m netz_lsp` from this
repository) talking to the Ollama double on 127.0.0.1. With `NETZ_EDITOR_SERVER=stub` they
use `tests/editors/stub_server.py`, which returns fixed replies and needs no double,
to check an editor client on its own.
"""

from __future__ import annotations

import importlib
import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
EDITORS_DIR = Path(__file__).resolve().parent
WORKSPACE_TEMPLATE = EDITORS_DIR / "workspace"
CACHE_DIR = Path(os.environ.get("NETZ_CACHE_DIR", Path.home() / ".cache" / "netz-ai"))
ARTIFACTS_DIR = Path(os.environ.get("NETZ_ARTIFACTS_DIR", REPO_ROOT / "test-artifacts"))
PYTHON = os.environ.get("NETZ_PYTHON", sys.executable)

# `tests.doubles` and `tests.editors.stub_server` are imported and run as modules of the
# repository root.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

# Replies of the Ollama double, one per scenario. The completion reply is what the model
# would write at the cursor; the refactor reply is the rewritten selection.
COMPLETION_REPLY = "return a + b"
REFACTOR_REPLY = (
    "```python\n"
    "        # refactored: sum of price times quantity\n"
    "        return sum(item.price_cents * item.quantity for item in self.items)\n"
    "```\n"
)
REFACTOR_MARKER = "refactored: sum of price times quantity"
ANSWER_REPLY = (
    "## percent_off\n\n"
    "Returns the total **after** the discount, in cents.\n\n"
    "- raises `ValueError` when `percent` is outside 0..100\n"
)
# Plain text in the reply, so it matches both the raw Markdown and a rendered view.
ANSWER_MARKER = "the discount, in cents"


def use_stub_server() -> bool:
    return os.environ.get("NETZ_EDITOR_SERVER", "real") == "stub"


def server_command() -> list[str]:
    """Return the command line of the server the editors start."""
    module = "tests.editors.stub_server" if use_stub_server() else "netz_lsp"
    return [PYTHON, "-m", module]


def server_environment() -> dict[str, str]:
    """Return the environment for the server: the repository on PYTHONPATH, English locale."""
    environment = dict(os.environ)
    python_path = [str(REPO_ROOT)]
    if environment.get("PYTHONPATH"):
        python_path.append(environment["PYTHONPATH"])
    environment["PYTHONPATH"] = os.pathsep.join(python_path)
    return environment


def require_server() -> None:
    """Skip the test when the real server has not landed in this checkout."""
    if use_stub_server():
        return
    if not (REPO_ROOT / "netz_lsp" / "__main__.py").exists():
        pytest.skip("netz_lsp/__main__.py is missing: the server cannot start with `python -m netz_lsp`")


def start_ollama_double():
    """Start the Ollama double on 127.0.0.1, or skip when it is not in this checkout.

    Returns None with the stub server, which needs no model server.
    """
    if use_stub_server():
        return None
    try:
        module = importlib.import_module("tests.doubles.ollama_double")
    except ImportError as error:
        pytest.skip(f"the Ollama double tests/doubles/ollama_double.py cannot be imported: {error}")
    double = module.OllamaDouble()
    double.start()
    return double


def set_reply(double, text: str) -> None:
    if double is not None:
        double.reply_with(text)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def copy_workspace(destination: Path) -> Path:
    """Copy the example workspace, because the editors save the files they change."""
    shutil.copytree(WORKSPACE_TEMPLATE, destination)
    return destination
