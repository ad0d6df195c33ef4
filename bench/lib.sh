# Shared by the benchmarks (bench/http/run.sh, bench/site/run.sh): sourced, not run. Expects
# $root (the checkout); wrk_settings sets the rest the functions below use ($work is the
# caller's temporary folder).
# shellcheck shell=bash

pyexe=/usr/bin/python3

# The binary, the load and the report file, from the environment (README of each script);
# $1: the default number of rounds. Checks that nginx, wrk and curl are installed.
wrk_settings() {
  build_dir=${BUILD_DIR:-build}
  case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac
  bin=${VANPHONG_BIN:-$build_dir/src/app/vanphong}
  duration=${BENCH_DURATION:-10s}
  warmup=${BENCH_WARMUP:-3s}
  threads=${BENCH_THREADS:-2}
  conns=${BENCH_CONNECTIONS:-64}
  rounds=${BENCH_ROUNDS:-$1}
  doc=${BENCH_DOC:-$root/docs/performance.md}
  for tool in nginx wrk curl; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (scripts/install-deps.sh --bench)"
  done
}

# For the scripts that start their own engines (tasks, events): --no-write ($1), the build
# folder, the report file, a temporary folder named after $2, and the cleanup on exit.
bench_start() {
  write_doc=1
  [ "${1:-}" = "--no-write" ] && write_doc=0
  build_dir=${BUILD_DIR:-build}
  case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac
  doc=${BENCH_DOC:-$root/docs/performance.md}
  work=$(mktemp -d -t "vp-bench-$2.XXXXXX")
  pg_dir=""
  trap bench_cleanup EXIT
}

say() { echo "bench: $*"; }
die() { echo "bench: error: $*" >&2; exit 1; }
free_port() { "$pyexe" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_http() {  # URL PID SECONDS
  local i
  for i in $(seq 1 $(($3 * 10))); do
    kill -0 "$2" 2>/dev/null || return 1
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

to_ms() {  # wrk duration (e.g. 812.00us, 1.23ms, 2.01s) -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

# CPU time (user + system, in clock ticks) of every thread of the given processes and of
# their children (nginx's workers).
cpu_ticks() {
  local p t total=0
  for p in "$@" $(for q in "$@"; do pgrep -P "$q" || true; done); do
    for t in /proc/"$p"/task/*/stat; do
      [ -r "$t" ] || continue
      # Fields 14 and 15 (utime, stime), counted after the ")" that ends the command name.
      total=$((total + $(sed 's/.*) //' "$t" | awk '{print $12 + $13}')))
    done
  done
  echo "$total"
}

hz=$(getconf CLK_TCK)

# Parses a wrk --latency report: prints "REQ_PER_SEC P50_MS P99_MS TRANSFER ERRORS REQUESTS".
parse_wrk() {
  local f=$1 rps p50 p99 xfer non2xx sockerr requests
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$f")
  requests=$(awk '/ requests in / {print $1}' "$f")
  xfer=$(awk '/^Transfer\/sec:/ {print $2}' "$f")
  p50=$(awk '$1 == "50%" {print $2}' "$f")
  p99=$(awk '$1 == "99%" {print $2}' "$f")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$f")
  sockerr=$(awk -F'[ ,]+' '/Socket errors:/ {print $4 + $6 + $8 + $10}' "$f")
  [ -n "$rps" ] || return 1
  echo "$rps $(to_ms "${p50:-0}") $(to_ms "${p99:-0}") ${xfer:-?} $(( ${non2xx:-0} + ${sockerr:-0} )) ${requests:-0}"
}

# NAME URL DURATION LABEL PID -> prints the parsed line and the server's CPU microseconds per
# request over the run (all its threads and worker processes).
run_wrk() {
  local out="$work/wrk-$1-$4.txt" before after parsed requests
  before=$(cpu_ticks "$5")
  wrk -t"$threads" -c"$conns" -d"$3" --latency "$2" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed against $1"; }
  after=$(cpu_ticks "$5")
  parsed=$(parse_wrk "$out") || { cat "$out" >&2; die "could not parse wrk output for $1"; }
  requests=${parsed##* }
  echo "$parsed $(awk -v t=$((after - before)) -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.2f", (n > 0 ? t * 1e6 / hz / n : 0) }')"
}

median() {  # numbers on stdin -> their median
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Starts nginx on a free loopback port serving the folder $1 (sets nginx_port, nginx_pid and n,
# its folder); tuned as its usual production settings, to be fair to it.
start_nginx() {
  nginx_port=$(free_port)
  n="$work/nginx"
  mkdir -p "$n"
  cat > "$n/nginx.conf" <<EOF
# Minimal static-file config, tuned as nginx's usual production settings (no logging, sendfile,
# open-file cache, long keep-alive): its best case, to be fair to it.
worker_processes 2;
pid $n/nginx.pid;
error_log $n/error.log warn;
events { worker_connections 4096; }
http {
  types { text/html html; }
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  gzip off;
  etag on;
  open_file_cache max=64 inactive=60s;
  open_file_cache_valid 60s;
  client_body_temp_path $n/body;
  proxy_temp_path $n/proxy;
  fastcgi_temp_path $n/fastcgi;
  uwsgi_temp_path $n/uwsgi;
  scgi_temp_path $n/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $1;
    location / { }
  }
}
EOF
  nginx -e "$n/error.log" -p "$n" -c "$n/nginx.conf" -g 'daemon off;' >"$n/stdout.log" 2>&1 &
  nginx_pid=$!
}

# Puts the file $2 between <!-- bench:$1:start --> and <!-- bench:$1:end --> of the document $3
# (appended under the heading $4 when the markers are not there yet).
write_doc_section() {
  local key=$1 section=$2 doc=$3 title=$4
  mkdir -p "$(dirname "$doc")"
  [ -f "$doc" ] || printf '# Performance\n' > "$doc"
  if grep -q "<!-- bench:$key:start -->" "$doc" && grep -q "<!-- bench:$key:end -->" "$doc"; then
    awk -v sec="$section" -v start="<!-- bench:$key:start -->" -v end="<!-- bench:$key:end -->" '
      index($0, start) { print; while ((getline l < sec) > 0) print l; skip = 1; next }
      index($0, end) { skip = 0 }
      !skip { print }' "$doc" > "$work/doc.new"
  else
    { cat "$doc"; printf '\n## %s\n\n<!-- bench:%s:start -->\n' "$title" "$key"; cat "$section"; printf '<!-- bench:%s:end -->\n' "$key"; } > "$work/doc.new"
  fi
  cat "$work/doc.new" > "$doc"
}

# The trap of a benchmark that uses $work (a temporary folder) and, when it started one,
# $pg_dir (a throw-away PostgreSQL cluster): stops the cluster and removes both.
# shellcheck disable=SC2317  # called by the trap
bench_cleanup() {
  local rc=$?
  trap - EXIT
  [ -n "${pg_dir:-}" ] && "$root/scripts/pg-cluster.sh" stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
  [ -n "${pg_dir:-}" ] && rm -rf "$pg_dir"
  exit "$rc"
}

# VANPHONG_TEST_PG_DSN as given, else a throw-away cluster started now (its folder in $pg_dir).
bench_pg() {
  [ -n "${VANPHONG_TEST_PG_DSN:-}" ] && return 0
  pg_dir=$(mktemp -d -t vp-bench-pg.XXXXXX)
  VANPHONG_TEST_PG_DSN=$("$root/scripts/pg-cluster.sh" start "$pg_dir") || die "could not start PostgreSQL"
  export VANPHONG_TEST_PG_DSN
}
