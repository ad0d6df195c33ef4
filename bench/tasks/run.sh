#!/usr/bin/env bash
# Tasks benchmark: watching and evaluating over BENCH_TASKS generated tasks (200 000 by default)
# and BENCH_UNITS units (1 000) on SQLite and on PostgreSQL, through the services the pages and
# the API run (tasks::Watch, tasks::Service): the dashboard's aggregates (the task office's: every
# task; a province's focal point's), the map, a quarter's evaluation of every unit, and one walk
# of the status job over every open task. Latency per measure (p50, p95, max).
# Writes docs/performance.md between <!-- bench:tasks:start --> and <!-- bench:tasks:end -->.
#   bench/tasks/run.sh [--no-write]
# Env: BENCH_BIN (default $BUILD_DIR/src/tasks/vp_tasks_bench), BENCH_TASKS, BENCH_UNITS,
#      VANPHONG_TEST_PG_DSN (else a throw-away cluster is started), BENCH_DOC.
set -euo pipefail
exec </dev/null
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
bench_start "${1:-}" tasks
bench_bin=${BENCH_BIN:-$build_dir/src/tasks/vp_tasks_bench}
tasks=${BENCH_TASKS:-200000}
units=${BENCH_UNITS:-1000}
[ -x "$bench_bin" ] || die "$bench_bin not found: build it first (make build)"
bench_pg
say "$tasks tasks and $units units on SQLite and PostgreSQL (this takes a while)"
BENCH_TASKS=$tasks BENCH_UNITS=$units "$bench_bin" >"$work/out.txt" 2>"$work/err.txt" \
  || { tail -n 30 "$work/out.txt" "$work/err.txt" >&2; die "the tasks benchmark failed"; }

# One block per engine: "[ RUN ] Engines/TasksBench.Run/<Engine>", then the measures.
report=$(awk -F'\t' '
  /TasksBench.Run\/Sqlite/ { eng = 1 } /TasksBench.Run\/Postgres/ { eng = 2 }
  $1 == "generate_s" { gen[eng] = $2 } $1 == "units" { nunits = $2 }
  NF == 5 && $1 ~ /^[a-z_]+$/ { v[$1, eng] = sprintf("%s / %s", $2, $3); if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
  END {
    goal["dashboard_all"] = "p95 < 50 ms"; goal["dashboard_province"] = "p95 < 50 ms"; goal["map"] = "";
    goal["evaluation_quarter"] = "< 5 000 ms"; goal["refresh_statuses"] = "< 2 000 ms"; goal["refresh_statuses_first"] = ""
    name["map"] = "map of the 34 provinces"; goal["dashboard_again"] = ""; goal["dashboard_reread"] = ""
    name["dashboard_all"] = "dashboard, the task office (every task), right after a change"
    name["dashboard_province"] = "dashboard, a province focal point, right after a change"
    name["dashboard_again"] = "dashboard asked again before the next change (the same figures remembered)"
    name["dashboard_reread"] = "dashboard after a change that names no task (every task read again)"; name["evaluation_quarter"] = "evaluation of a quarter, every unit"
    name["refresh_statuses_first"] = "status job, first run (catches up with the generated statuses)"
    name["refresh_statuses"] = "status job: every open task recomputed (the every-minute run)"
    print "| measure | goal | SQLite p50 / p95 ms | PostgreSQL p50 / p95 ms |"
    print "|---|---|---|---|"
    for (i = 1; i <= n; i++) printf "| %s | %s | %s | %s |\n", name[order[i]], goal[order[i]], v[order[i], 1], v[order[i], 2]
    printf "\n%s units; generating the rows took %s s on SQLite and %s s on PostgreSQL.\n", nunits, gen[1], gen[2]
  }' "$work/out.txt")
echo "$report"

if [ "$write_doc" = 1 ]; then
  {
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') with \`bench/tasks/run.sh\` (BENCH_TASKS=$tasks, BENCH_UNITS=$units) on $(nproc) cores ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), PostgreSQL $(psql --version 2>/dev/null | awk '{print $3}'), SQLite in WAL mode, both on the same machine as the benchmark; through \`tasks::Watch\` and \`tasks::Service\`."
    echo
    echo "$report"
  } > "$work/section.md"
  write_doc_section tasks "$work/section.md" "$doc" "Tasks: watching and evaluating over $tasks generated tasks"
  say "wrote the results into ${doc#"$root"/}"
fi
