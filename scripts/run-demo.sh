#!/usr/bin/env bash
# `make run`: install what is missing, build, and serve the demo on http://127.0.0.1:8080 with
# SQLite in ./data/ (the binary applies migrations and loads the demo data on first start).
#   scripts/run-demo.sh [extra `vanphong serve` arguments...]
# Env: BUILD_DIR, BUILD_TYPE, JOBS, CMAKE_ARGS (see build.sh), DATA_DIR (default ./data),
# SKIP_DEPS=1 (don't check packages).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

build_dir=${BUILD_DIR:-build}
case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac
data_dir=${DATA_DIR:-./data}

[ "${SKIP_DEPS:-0}" = 1 ] || scripts/install-deps.sh

# Build only the server when its target is known (faster than the tests); else everything.
scripts/build.sh --configure
if ninja -C "$build_dir" -t targets all 2>/dev/null | grep -q '^vanphong:'; then
  scripts/build.sh vanphong
else
  scripts/build.sh
fi

bin="$build_dir/src/app/vanphong"
if [ ! -x "$bin" ]; then
  echo "run: $bin was not built" >&2
  exit 1
fi
mkdir -p "$data_dir"
echo "run: $bin serve --demo --data-dir $data_dir $*"
exec "$bin" serve --demo --data-dir "$data_dir" "$@"
