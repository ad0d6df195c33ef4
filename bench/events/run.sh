#!/usr/bin/env bash
# Live-event fan-out benchmark: one change of a task reaching BENCH_SUBSCRIBERS (2 000) open
# event streams of `vanphong serve --demo`, on SQLite and on PostgreSQL, clients on loopback
# (bench/events/fanout.mjs: from just before the change's request is sent to each stream's
# receipt of its event). Writes docs/performance.md between <!-- bench:events:start --> and
# <!-- bench:events:end -->.
#   bench/events/run.sh [--no-write]
# Env: VANPHONG_BIN (default $BUILD_DIR/src/app/vanphong), BENCH_SUBSCRIBERS, BENCH_CHANGES (20),
#      VANPHONG_TEST_PG_DSN (else a throw-away cluster is started), BENCH_DOC.
set -euo pipefail
exec </dev/null
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
bench_start "${1:-}" events
bin=${VANPHONG_BIN:-$build_dir/src/app/vanphong}
subscribers=${BENCH_SUBSCRIBERS:-2000}
changes=${BENCH_CHANGES:-20}
[ -x "$bin" ] || die "$bin not found: build it first (make build)"
command -v node >/dev/null || die "node is missing (scripts/install-deps.sh --test)"
# Every stream is a socket on both sides.
ulimit -n "$(( subscribers * 2 + 1024 ))" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt "$(( subscribers * 2 + 200 ))" ] || die "open-file limit $(ulimit -n) too low for $subscribers streams"
bench_pg
pg_db="vp_bench_events_$$"
psql "$VANPHONG_TEST_PG_DSN" -qc "CREATE DATABASE $pg_db" >/dev/null || die "could not create database $pg_db"
pg_dsn=$("$pyexe" -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$VANPHONG_TEST_PG_DSN" "$pg_db")

run() {  # ENGINE [PG_DSN]
  say "$subscribers streams, $changes changes on $1"
  VANPHONG_BINARY=$bin BENCH_SUBSCRIBERS=$subscribers BENCH_CHANGES=$changes BENCH_PG_DSN=${2:-} \
    node "$root/bench/events/fanout.mjs" >"$work/$1.json" 2>"$work/$1.err" \
    || { tail -n 30 "$work/$1.err" >&2; die "the fan-out benchmark failed on $1"; }
  cat "$work/$1.json"
}
run sqlite
run postgresql "$pg_dsn"
psql "$VANPHONG_TEST_PG_DSN" -qc "DROP DATABASE $pg_db" >/dev/null 2>&1 || true

report=$("$pyexe" - "$work/sqlite.json" "$work/postgresql.json" <<'PY'
import json, sys
rows = [json.load(open(p)) for p in sys.argv[1:]]
name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
print("| engine | streams | changes | receipts (missing) | p50 ms | p95 ms | p99 ms | max ms | the change's own answer, p50 ms |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {name[r['engine']]} | {r['subscribers']} | {r['changes']} | {r['receipts']} ({r['missing']}) | {r['p50_ms']} | {r['p95_ms']} | **{r['p99_ms']}** | {r['max_ms']} | {r['change_answer_p50_ms']} |")
PY
)
echo "$report"
if [ "$write_doc" = 1 ]; then
  {
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') with \`bench/events/run.sh\` on $(nproc) cores ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), PostgreSQL $(psql --version 2>/dev/null | awk '{print $3}'); server, database and the Node.js client on the same machine. Goal: p99 under 200 ms."
    echo
    echo "$report"
  } > "$work/section.md"
  write_doc_section events "$work/section.md" "$doc" "Live events: one change fanned out to $subscribers streams"
  say "wrote the results into ${doc#"$root"/}"
fi
