#!/usr/bin/env bash
# Set up, then run the main job once: an inline FIM completion from a real local model.
#
# Starts llama.cpp's OpenAI-compatible server with Qwen2.5-Coder-0.5B on 127.0.0.1, cuts a
# hole into a copy of Python's own textwrap.py, and asks `netz-lsp complete` to fill it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export NETZ_CACHE_DIR="${NETZ_CACHE_DIR:-$HOME/.cache/netz-ai}"
work_dir="$(mktemp -d)"
port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/python -m llama_cpp.server --model "$NETZ_CACHE_DIR/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf" \
  --model_alias qwen2.5-coder-0.5b-instruct --host 127.0.0.1 --port "$port" --n_ctx 4096 \
  > "$work_dir/llama-server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null; rm -rf "$work_dir"' EXIT

for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null 2>&1 && break
  sleep 0.5
done

cat > "$work_dir/settings.json" <<JSON
{"backend": "openai", "openaiBaseUrl": "http://127.0.0.1:$port/v1",
 "models": {"completion": "qwen2.5-coder-0.5b-instruct"},
 "modelOptions": {"qwen2.5-coder-0.5b-instruct": {"numCtx": 4096, "numPredict": 64, "completionBudget": 1024}},
 "requestTimeoutS": 120}
JSON

# The first line of textwrap.py that reads `    return w.fill(text)` keeps only `    return `.
source="$(.venv/bin/python -c 'import textwrap; print(textwrap.__file__)')"
line=$(grep -n '^    return w.fill(text)$' "$source" | head -1 | cut -d: -f1)
sed "${line}s/return w.fill(text)/return /" "$source" > "$work_dir/textwrap_hole.py"
echo "Hole: $work_dir/textwrap_hole.py line $line, column 12 (original: 'return w.fill(text)')"
echo -n "netz-lsp complete: "
.venv/bin/netz-lsp --settings "$work_dir/settings.json" complete "$work_dir/textwrap_hole.py" --line "$line" --column 12
