#!/usr/bin/env bash
# `make test` (and CI): install what is missing, build, start throw-away services, run every test.
#   1. scripts/install-deps.sh --test
#   2. scripts/build.sh (app + test executables)
#   3. a throw-away PostgreSQL (scripts/pg-cluster.sh, in a mktemp -d folder) unless
#      VANPHONG_TEST_PG_DSN is already set, and a throw-away SMTP sink (aiosmtpd) on loopback
#      that stores every message it receives in a Maildir
#   4. ctest over all labels (unit, db, http, e2e), --output-on-failure, -j (nproc capped at 2)
#   5. the browser tests in tests/browser (npm ci + node run.mjs), skipped if not there yet
#   6. one closing line: "summary: N passed, N failed, N skipped"; exit status 0 only if all passed
# Everything it started is stopped on exit (trap). Needs no stdin; works with CI=true.
#
# Exported to the tests:
#   VANPHONG_TEST_PG_DSN    postgresql://postgres@127.0.0.1:PORT/postgres (superuser, trust auth)
#   VANPHONG_TEST_SMTP_URL  smtp://127.0.0.1:PORT (no TLS, no auth, accepts everything)
#   VANPHONG_TEST_SMTP_DIR  Maildir of received messages (each message is a file in DIR/new/)
#   VANPHONG_BIN            absolute path of the built server binary
#   VANPHONG_SOURCE_DIR     absolute path of the repository
#   CHROMIUM_PATH           /usr/bin/chromium (for the browser tests)
#   PUPPETEER_SKIP_DOWNLOAD=1, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 (no browser downloads)
#   TMPDIR                  a private folder removed on exit
#   CI                      passed through unchanged (tests fail instead of skipping when CI=true)
# Honoured: BUILD_DIR, BUILD_TYPE, JOBS, CMAKE_ARGS, KEEP_GOING (see build.sh), TEST_JOBS (ctest -j,
# default nproc capped at 2), TEST_LABELS (ctest -L regex, default all), TEST_TIMEOUT (seconds per
# test, default 600), CTEST_ARGS (extra ctest args), SKIP_DEPS=1, SKIP_BROWSER=1, KEEP_TMP=1.
set -euo pipefail
exec </dev/null
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

build_dir=${BUILD_DIR:-build}
case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac
export BUILD_DIR="$build_dir"
if [ -z "${TEST_JOBS:-}" ]; then
  TEST_JOBS=$(nproc 2>/dev/null || echo 1)
  [ "$TEST_JOBS" -gt 2 ] && TEST_JOBS=2
fi
say() { echo "test: $*"; }
pyexe=/usr/bin/python3   # Debian's python: it has aiosmtpd (a python3 earlier in PATH may not)
free_port() { "$pyexe" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

work=$(mktemp -d -t vp-test.XXXXXX)
pg_dir="" smtp_pid=""
# shellcheck disable=SC2317  # called by the trap
cleanup() {
  local rc=$?
  trap - EXIT
  if [ -n "$smtp_pid" ]; then kill "$smtp_pid" 2>/dev/null || true; wait "$smtp_pid" 2>/dev/null || true; fi
  if [ -n "$pg_dir" ]; then "$root/scripts/pg-cluster.sh" stop "$pg_dir" >/dev/null 2>&1 || true; fi
  if [ "${KEEP_TMP:-0}" = 1 ]; then
    echo "test: kept $work ${pg_dir}" >&2
  else
    rm -rf "$work" ${pg_dir:+"$pg_dir"}
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Results: counts of test cases, plus stages (build, services, ...) that failed outright.
passed=0 failed=0 skipped=0
stages=()
stage_fail() { stages+=("$1 FAILED"); failed=$((failed + 1)); }

finish() {
  local joined="" st
  for st in "${stages[@]}"; do joined+="${joined:+ | }$st"; done
  say "${joined:-nothing ran}"
  echo "summary: $passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] && exit 0
  exit 1
}

# 1. packages
if [ "${SKIP_DEPS:-0}" != 1 ]; then
  scripts/install-deps.sh --test || { stage_fail "deps:"; finish; }
fi

# 2. build (tests on)
if ! scripts/build.sh --configure; then stage_fail "build: (configure)"; finish; fi
if grep -q '^VP_BUILD_TESTS:BOOL=OFF' "$build_dir/CMakeCache.txt" 2>/dev/null; then
  cmake -DVP_BUILD_TESTS=ON "$build_dir" >/dev/null
fi
if scripts/build.sh; then
  stages+=("build: ok")
else
  stage_fail "build:"
  if [ "${KEEP_GOING:-0}" != 1 ]; then finish; fi
  say "build failed; KEEP_GOING=1, so running the tests that exist"
fi

# 3. services
if [ -n "${VANPHONG_TEST_PG_DSN:-}" ]; then
  say "using the given VANPHONG_TEST_PG_DSN"
else
  pg_dir=$(mktemp -d -t vp-pg.XXXXXX)   # its own folder: pg-cluster.sh hands it to user postgres
  if dsn=$(scripts/pg-cluster.sh start "$pg_dir"); then
    export VANPHONG_TEST_PG_DSN="$dsn"
    say "PostgreSQL at $dsn"
  else
    cat "$pg_dir"/initdb.log "$pg_dir"/server.log 2>/dev/null | tail -n 40 >&2 || true
    stage_fail "postgres:"
  fi
fi

smtp_port=$(free_port)
smtp_dir="$work/mail"
"$pyexe" -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$smtp_dir" \
  >"$work/smtp.log" 2>&1 &
smtp_pid=$!
smtp_ok=0
for _ in $(seq 1 100); do
  if ! kill -0 "$smtp_pid" 2>/dev/null; then break; fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null; then smtp_ok=1; break; fi
  sleep 0.1
done
if [ "$smtp_ok" = 1 ]; then
  export VANPHONG_TEST_SMTP_URL="smtp://127.0.0.1:$smtp_port"
  export VANPHONG_TEST_SMTP_DIR="$smtp_dir"
  say "SMTP sink at $VANPHONG_TEST_SMTP_URL, messages in $smtp_dir/new/"
else
  cat "$work/smtp.log" >&2 || true
  smtp_pid=""
  stage_fail "smtp:"
fi

export VANPHONG_BIN="$build_dir/src/app/vanphong"
export VANPHONG_SOURCE_DIR="$root"
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
export PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
mkdir -p "$work/tmp"
export TMPDIR="$work/tmp"

# 4. ctest
ctest_args=(--test-dir "$build_dir" --output-on-failure -j "$TEST_JOBS" --timeout "${TEST_TIMEOUT:-600}")
[ -n "${TEST_LABELS:-}" ] && ctest_args+=(-L "$TEST_LABELS")
# shellcheck disable=SC2206
[ -n "${CTEST_ARGS:-}" ] && ctest_args+=(${CTEST_ARGS})
say "ctest ${ctest_args[*]}"
set +e
ctest "${ctest_args[@]}" 2>&1 | tee "$work/ctest.log"
ctest_rc=${PIPESTATUS[0]}
set -e
line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$work/ctest.log" | tail -n1 || true)
if [ -n "$line" ]; then
  c_failed=$(sed -E 's/.* ([0-9]+) tests? failed.*/\1/' <<<"$line")
  c_total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  c_skipped=$(grep -cE '\(Skipped\)$' "$work/ctest.log" || true)
  c_passed=$((c_total - c_failed - c_skipped))
  passed=$((passed + c_passed)); failed=$((failed + c_failed)); skipped=$((skipped + c_skipped))
  if [ "$ctest_rc" -ne 0 ] && [ "$c_failed" -eq 0 ]; then
    stage_fail "ctest:"   # e.g. a test timed out or the run itself errored
  else
    stages+=("ctest: $c_passed passed, $c_failed failed, $c_skipped skipped")
  fi
else
  stage_fail "ctest: (no tests found)"
fi

# 5. browser tests
if [ "${SKIP_BROWSER:-0}" = 1 ]; then
  stages+=("browser: skipped (SKIP_BROWSER=1)")
elif [ ! -d tests/browser ]; then
  say "no tests/browser folder yet: browser tests skipped"
  stages+=("browser: skipped (no tests/browser)")
else
  # The runner: tests/browser/run.mjs, else package.json's "test" script when *.test.mjs exist.
  runner=()
  if [ -f tests/browser/run.mjs ]; then
    runner=(node tests/browser/run.mjs)
  elif [ -f tests/browser/package.json ] && grep -q '"test"[[:space:]]*:' tests/browser/package.json \
       && compgen -G 'tests/browser/*.test.mjs' >/dev/null; then
    runner=(npm --prefix tests/browser test)
  fi
  if [ "${#runner[@]}" -eq 0 ]; then
    say "no tests/browser/run.mjs (nor *.test.mjs with an npm test script) yet: browser tests skipped"
    stages+=("browser: skipped (no runner)")
  else
    npm_ok=1
    if [ -f tests/browser/package.json ]; then
      hidden=tests/browser/node_modules/.package-lock.json
      if [ -f tests/browser/package-lock.json ]; then
        if [ -f "$hidden" ] && [ "$hidden" -nt tests/browser/package-lock.json ] && [ "$hidden" -nt tests/browser/package.json ]; then
          say "tests/browser/node_modules is up to date"
        else
          npm --prefix tests/browser ci --no-audit --no-fund || npm_ok=0
        fi
      else
        npm --prefix tests/browser install --no-audit --no-fund || npm_ok=0
      fi
    fi
    if [ "$npm_ok" != 1 ]; then
      stage_fail "browser: (npm install)"
    else
      say "${runner[*]}"
      set +e
      "${runner[@]}" 2>&1 | tee "$work/browser.log"
      b_rc=${PIPESTATUS[0]}
      set -e
      # Take the runner's own counts when it prints "N passed, N failed[, N skipped]" or node:test's
      # "# pass N" / "# fail N" / "# cancelled N"; otherwise count the run as one test.
      b_line=$(grep -E '([0-9]+) passed, ([0-9]+) failed' "$work/browser.log" | tail -n1 || true)
      b_p="" b_f="" b_s=0
      if [ -n "$b_line" ]; then
        b_p=$(grep -oE '[0-9]+ passed' <<<"$b_line" | grep -oE '[0-9]+')
        b_f=$(grep -oE '[0-9]+ failed' <<<"$b_line" | grep -oE '[0-9]+')
        b_s=$(grep -oE '([0-9]+) skipped' <<<"$b_line" | grep -oE '[0-9]+' || echo 0)
      elif grep -qE '^(# |ℹ )pass [0-9]+' "$work/browser.log"; then
        b_p=$(grep -E '^(# |ℹ )pass [0-9]+' "$work/browser.log" | tail -n1 | grep -oE '[0-9]+')
        b_f=$(grep -E '^(# |ℹ )fail [0-9]+' "$work/browser.log" | tail -n1 | grep -oE '[0-9]+' || echo 0)
      b_c=$(grep -E '^(# |ℹ )cancelled [0-9]+' "$work/browser.log" | tail -n1 | grep -oE '[0-9]+' || echo 0)
      b_f=$((b_f + b_c))   # cancelled (e.g. a failed before-hook) counts as failed
        b_s=$(grep -E '^(# |ℹ )skip(ped)? [0-9]+' "$work/browser.log" | tail -n1 | grep -oE '[0-9]+' || echo 0)
      fi
      if [ -n "$b_p" ] && [ -n "$b_f" ]; then
        passed=$((passed + b_p)); failed=$((failed + b_f)); skipped=$((skipped + b_s))
        if [ "$b_rc" -ne 0 ] && [ "$b_f" -eq 0 ]; then stage_fail "browser: (exit $b_rc)"
        else stages+=("browser: $b_p passed, $b_f failed, $b_s skipped"); fi
      elif [ "$b_rc" -eq 0 ]; then
        passed=$((passed + 1)); stages+=("browser: ok")
      else
        stage_fail "browser: (exit $b_rc)"
      fi
    fi
  fi
fi

finish
