#!/usr/bin/env bash
# Run the test suite: unit tests, the real netz-lsp process over stdio against the Ollama
# double, and the real model tier (llama.cpp + Qwen2.5-Coder-0.5B) started by the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m pytest "$@"
