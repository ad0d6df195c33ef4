#!/usr/bin/env bash
# Configures (once) and builds vanphong with CMake + Ninja.
#   scripts/build.sh [TARGET...]       no target: everything (app + tests)
#   scripts/build.sh --configure       only configure (when not configured yet)
# Env: BUILD_DIR (default build/ at the repo root), BUILD_TYPE (RelWithDebInfo), JOBS (default:
# nproc capped at 2), CMAKE_ARGS (extra configure arguments, word-split), KEEP_GOING=1 (ninja -k 0).
# ccache is used as compiler launcher when installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

build_dir=${BUILD_DIR:-build}
case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac
build_type=${BUILD_TYPE:-RelWithDebInfo}
if [ -z "${JOBS:-}" ]; then
  JOBS=$(nproc 2>/dev/null || echo 1)
  [ "$JOBS" -gt 2 ] && JOBS=2
fi

if [ ! -f "$build_dir/CMakeCache.txt" ] || [ ! -f "$build_dir/build.ninja" ]; then
  args=(-S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type")
  if command -v ccache >/dev/null 2>&1; then
    args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  # shellcheck disable=SC2206
  [ -n "${CMAKE_ARGS:-}" ] && args+=(${CMAKE_ARGS})
  echo "build: configuring $build_dir ($build_type)"
  cmake "${args[@]}"
fi
# Later changes to CMakeLists are picked up by ninja's own re-run of cmake.
[ "${1:-}" = --configure ] && exit 0

build_args=(--build "$build_dir" -j "$JOBS")
[ "$#" -gt 0 ] && build_args+=(--target "$@")
[ "${KEEP_GOING:-0}" = 1 ] && build_args+=(-- -k 0)
echo "build: cmake ${build_args[*]}"
cmake "${build_args[@]}"
