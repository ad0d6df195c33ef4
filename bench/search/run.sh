#!/usr/bin/env bash
# Search benchmark: the Portal's Vietnamese search over BENCH_ITEMS generated items (100 000 by
# default; BENCH_ITEMS=1000000 for the large run) on SQLite and on PostgreSQL, through
# portal::Service::Search (the page's and the API's code). Latency per query (p50, p95, max of
# 30 runs after 3 warm-ups), and for "Đảng" how many of the top 10 hold that exact word.
# Writes docs/performance.md between <!-- bench:search:start --> and <!-- bench:search:end -->
# (with BENCH_ITEMS=1000000: bench:search-1m).
#   bench/search/run.sh [--no-write] [--from FILE...]   (--from: report earlier runs' output, e.g.
#                                                       one file per engine, instead of running)
# Env: BENCH_BIN (default $BUILD_DIR/src/portal/vp_portal_search_bench), BENCH_ITEMS,
#      VANPHONG_TEST_PG_DSN (else a throw-away cluster is started), BENCH_DOC.
set -euo pipefail
exec </dev/null
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
write_doc=1 from=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-write) write_doc=0 ;;
    --from) shift; from+=("${1:?--from needs a file}") ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
build_dir=${BUILD_DIR:-build}
case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac
bench_bin=${BENCH_BIN:-$build_dir/src/portal/vp_portal_search_bench}
items=${BENCH_ITEMS:-100000}
doc=${BENCH_DOC:-$root/docs/performance.md}
pyexe=/usr/bin/python3
work=$(mktemp -d -t vp-bench-search.XXXXXX)
pg_dir=""
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
[ "${#from[@]}" -gt 0 ] || [ -x "$bench_bin" ] || die "$bench_bin not found: build it first (make build)"
trap bench_cleanup EXIT
if [ "${#from[@]}" -gt 0 ]; then
  cat "${from[@]}" > "$work/out.txt"
  items=$(awk -F'\t' '$1 == "items" {print $2; exit}' "$work/out.txt")
else
  bench_pg
fi

if [ "${#from[@]}" -eq 0 ]; then
  say "$items items on SQLite and PostgreSQL (this takes a while)"
  BENCH_ITEMS=$items "$bench_bin" >"$work/out.txt" 2>"$work/err.txt" \
    || { tail -n 30 "$work/out.txt" "$work/err.txt" >&2; die "the search benchmark failed"; }
fi

# The program prints one block per engine: "[ RUN ] Engines/SearchBench.Run/<Engine>" and lines.
report=$(awk -F'\t' '
  /SearchBench.Run\/Sqlite/ { eng = "SQLite (FTS5)" } /SearchBench.Run\/Postgres/ { eng = "PostgreSQL (tsvector, GIN)" }
  $1 == "index_s" { idx[eng] = $2 } $1 == "generate_s" { gen[eng] = $2 }
  $1 == "query" { q[$2] = q[$2] sprintf(" %s / %s |", $3, $4); total[$2] = $6; order[++n] = $2 }
  $1 == "all" { all[eng] = sprintf("%s / %s", $2, $3); engines[++m] = eng }
  $1 == "exact_top10" { exact[eng] = $2 "/" $4 }
  END {
    print "| query | matches (counted up to 1000) | " engines[1] " p50 / p95 ms | " engines[2] " p50 / p95 ms |"
    print "|---|---|---|---|"
    for (i = 1; i <= n; i++) if (!(order[i] in seen)) { seen[order[i]] = 1; printf "| `%s` | %s |%s\n", order[i], total[order[i]], q[order[i]] }
    printf "| **all queries** | | %s | %s |\n", all[engines[1]], all[engines[2]]
    printf "\n\"Đảng\": top 10 holding the exact word: %s on %s, %s on %s. Indexing (Service::RebuildPublic, 500 items a transaction): %s s on %s, %s s on %s.\n",
      exact[engines[1]], engines[1], exact[engines[2]], engines[2], idx[engines[1]], engines[1], idx[engines[2]], engines[2]
  }' "$work/out.txt")
echo "$report"

if [ "$write_doc" = 1 ]; then
  key=search title="Search over $items generated items"
  [ "$items" -ge 1000000 ] && key=search-1m
  {
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') with \`bench/search/run.sh\` (BENCH_ITEMS=$items) on $(nproc) cores ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), PostgreSQL $(psql --version 2>/dev/null | awk '{print $3}'), SQLite in WAL mode, both on the same machine as the benchmark; 10 results a query, the count of all matches included, through \`portal::Service::Search\`."
    echo
    echo "$report"
  } > "$work/section.md"
  write_doc_section "$key" "$work/section.md" "$doc" "$title"
  say "wrote the results into ${doc#"$root"/}"
fi
