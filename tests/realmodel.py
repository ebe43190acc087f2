"""Start and stop the real model tier: llama-cpp-python's OpenAI-compatible server with the
real Qwen2.5-Coder-0.5B-Instruct GGUF (assembled and checksummed by
`scripts/fetch_real_model.sh`), bound to 127.0.0.1 on a free port.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

MODEL_ALIAS = "qwen2.5-coder-0.5b-instruct"
DEFAULT_GGUF = Path(os.environ.get("NETZ_CACHE_DIR", Path.home() / ".cache" / "netz-ai")) / "models" / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
CONTEXT_TOKENS = 4096
READY_TIMEOUT_S = 120.0


def gguf_path() -> Path | None:
    configured = os.environ.get("NETZ_REAL_MODEL_GGUF")
    path = Path(configured) if configured else DEFAULT_GGUF
    return path if path.is_file() else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RealModelServer:
    process: subprocess.Popen
    base_url: str
    log_path: Path

    def settings(self, **overrides) -> dict:
        """Return NETZ settings that point every role at this server."""
        settings = {
            "backend": "openai",
            "openaiBaseUrl": self.base_url,
            "models": {"completion": MODEL_ALIAS, "chat": MODEL_ALIAS, "question": MODEL_ALIAS},
            "profileModels": {"fast": MODEL_ALIAS, "balanced": MODEL_ALIAS, "code": MODEL_ALIAS, "accurate": MODEL_ALIAS},
            "modelOptions": {MODEL_ALIAS: {"numCtx": CONTEXT_TOKENS, "numPredict": 64, "completionBudget": 1024, "codeActionBudget": 1536, "questionBudget": 1536}},
            "requestTimeoutS": 120,
            # Greedy decoding, so the same holes give the same completions on every run.
            "completionTemperature": 0,
            "debounceMs": 0,
        }
        settings.update(overrides)
        return settings

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_real_model(log_dir: Path) -> RealModelServer:
    """Start the server, wait until it answers, and warm it with one short completion."""
    model = gguf_path()
    if model is None:
        raise FileNotFoundError(f"real model GGUF not found at {DEFAULT_GGUF}; run scripts/fetch_real_model.sh")
    port = free_port()
    log_path = log_dir / "llama-server.log"
    log_file = open(log_path, "w")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(model),
            "--model_alias", MODEL_ALIAS,
            "--host", "127.0.0.1",
            "--port", str(port),
            "--n_ctx", str(CONTEXT_TOKENS),
        ],
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    server = RealModelServer(process=process, base_url=base_url, log_path=log_path)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited with {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        server.stop()
        raise TimeoutError(f"llama_cpp.server did not answer within {READY_TIMEOUT_S} s; see {log_path}")

    warm_up = json.dumps({"model": MODEL_ALIAS, "prompt": "def add(a, b):\n    return", "max_tokens": 4}).encode()
    request = urllib.request.Request(f"{base_url}/completions", data=warm_up, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=READY_TIMEOUT_S):
        pass
    return server
