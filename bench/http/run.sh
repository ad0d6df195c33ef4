#!/usr/bin/env bash
# HTTP benchmark: vanphong serving a static file from memory vs nginx serving the same bytes,
# in the same run, measured with wrk on loopback. Writes its results into docs/performance.md
# between the markers <!-- bench:http:start --> and <!-- bench:http:end -->.
#   bench/http/run.sh                 full run (needs the built binary: make build / make bench)
#   bench/http/run.sh --nginx-only    self-check of the nginx half and of the wrk parsing
#   bench/http/run.sh --no-write      don't touch docs/performance.md
# Env: VANPHONG_BIN (default $BUILD_DIR/src/app/vanphong, BUILD_DIR default build/),
#      BENCH_DURATION (10s), BENCH_WARMUP (3s), BENCH_THREADS (2), BENCH_CONNECTIONS (64),
#      BENCH_ROUNDS (4), BENCH_DOC (docs/performance.md).
# Bounded: (1 + BENCH_ROUNDS) wrk runs per server, loopback only. Everything it started is
# stopped on exit.
set -euo pipefail
exec </dev/null
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

nginx_only=0 write_doc=1
for arg in "$@"; do
  case "$arg" in
    --nginx-only) nginx_only=1; write_doc=0 ;;
    --no-write) write_doc=0 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option $arg" >&2; exit 2 ;;
  esac
done

page_name=page.html
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
wrk_settings 4
[ "$nginx_only" = 1 ] || [ -x "$bin" ] || die "$bin not found: build it first (make build), or set VANPHONG_BIN"

work=$(mktemp -d -t vp-bench.XXXXXX)
chmod 755 "$work"   # nginx workers (user nobody when started as root) must read the page
nginx_pid="" vp_pid=""
# shellcheck disable=SC2317  # called by the trap
cleanup() {
  local rc=$?
  trap - EXIT
  for p in $vp_pid $nginx_pid; do kill "$p" 2>/dev/null || true; done
  for p in $vp_pid $nginx_pid; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the page: ~55 KB of deterministic HTML (an office's unit list), the same bytes for both ----
mkdir -p "$work/www/static" "$work/nginx" "$work/data"
gen_page() {
  LC_ALL=C awk -v target=56320 'BEGIN {
    head = "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>Danh sach don vi - vanphong benchmark page</title>\n<style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.25rem .5rem}tr:nth-child(even){background:#f6f6f6}</style>\n</head>\n<body>\n<h1>Danh sach don vi</h1>\n<table>\n<thead><tr><th>#</th><th>Ma</th><th>Ten don vi</th><th>Truong phong</th><th>Dien thoai</th><th>Ngay lap</th></tr></thead>\n<tbody>\n"
    tail = "</tbody>\n</table>\n<p>Generated deterministically by bench/http/run.sh.</p>\n</body>\n</html>\n"
    split("Phong Hanh chinh|Phong Ke toan|Phong Nhan su|Phong Ky thuat|Phong Kinh doanh|Ban Giam doc|Phong Phap che|Van thu", units, "|")
    split("Nguyen Van An|Tran Thi Binh|Le Van Cuong|Pham Thi Dung|Hoang Van Em|Vu Thi Giang|Dang Van Hai|Bui Thi Lan", people, "|")
    out = head; n = length(head) + length(tail); i = 0
    while (1) {
      i++
      row = sprintf("<tr><td>%d</td><td>DV-%05d</td><td>%s %d</td><td>%s</td><td>024-%04d-%04d</td><td>20%02d-%02d-%02d</td></tr>\n",
                    i, (i * 7919) % 100000, units[(i % 8) + 1], int(i / 8) + 1, people[((i * 3) % 8) + 1],
                    (i * 37) % 10000, (i * 101) % 10000, 10 + i % 15, 1 + i % 12, 1 + i % 28)
      if (n + length(row) > target) break
      out = out row; n += length(row)
    }
    pad = target - n   # fill up to exactly target bytes with a comment
    if (pad >= 8) out = out "<!--" sprintf("%" (pad - 8) "s", "") "-->\n"
    printf "%s%s", out, tail
  }'
}
gen_page > "$work/www/static/$page_name"
chmod 644 "$work/www/static/$page_name"
page_bytes=$(stat -c %s "$work/www/static/$page_name")
say "page: /static/$page_name, $page_bytes bytes"

# --- nginx -------------------------------------------------------------------------------------
start_nginx "$work/www"

nginx_url="http://127.0.0.1:$nginx_port/static/$page_name"
wait_http "$nginx_url" "$nginx_pid" 10 || { cat "$n/error.log" "$n/stdout.log" >&2 2>/dev/null; die "nginx did not start"; }
say "nginx $(nginx -v 2>&1 | sed 's/.*\///') on 127.0.0.1:$nginx_port"

# --- vanphong ----------------------------------------------------------------------------------
vp_url=""
if [ "$nginx_only" = 0 ]; then
  vp_port=$(free_port)
  # No demo accounts and no background jobs: nothing but the HTTP path under test.
  "$bin" serve --data-dir "$work/data" --port "$vp_port" --static-dir "$work/www/static" \
    --access-log off --io-threads 2 --no-demo --no-jobs >"$work/vanphong.log" 2>&1 &
  vp_pid=$!
  # The first start applies the migrations: allow it time.
  wait_http "http://127.0.0.1:$vp_port/healthz" "$vp_pid" 90 \
    || { tail -n 40 "$work/vanphong.log" >&2; die "vanphong did not answer /healthz"; }
  vp_url="http://127.0.0.1:$vp_port/static/$page_name"
  say "vanphong on 127.0.0.1:$vp_port"
fi

# --- same answer from both: 200, same Content-Length, same body, no compression -----------------
check() {  # NAME URL
  local headers="$work/$1.headers" body="$work/$1.body" status len
  curl -sS --max-time 5 -D "$headers" -o "$body" "$2" || die "$1: request failed"
  status=$(head -n1 "$headers" | awk '{print $2}')
  len=$(grep -i '^content-length:' "$headers" | tail -n1 | tr -dc '0-9')
  [ "$status" = 200 ] || die "$1: status $status for $2"
  [ "$len" = "$page_bytes" ] || die "$1: Content-Length '$len', expected $page_bytes"
  grep -qi '^content-encoding:' "$headers" && die "$1: answered compressed without Accept-Encoding"
  cmp -s "$body" "$work/www/static/$page_name" || die "$1: body differs from the page"
  say "$1: 200, Content-Length $len, body identical"
}
check nginx "$nginx_url"
[ -n "$vp_url" ] && check vanphong "$vp_url"

# --- wrk ---------------------------------------------------------------------------------------

servers=(nginx)
urls=("$nginx_url")
pids=("$nginx_pid")
if [ -n "$vp_url" ]; then servers+=(vanphong); urls+=("$vp_url"); pids+=("$vp_pid"); fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "warm-up ($warmup each)"
for i in "${!servers[@]}"; do run_wrk "${servers[$i]}" "${urls[$i]}" "$warmup" warmup "${pids[$i]}" >/dev/null; done

declare -A results best best_line all_rps all_cpu
for r in $(seq 1 "$rounds"); do
  for i in "${!servers[@]}"; do
    s=${servers[$i]}
    say "round $r: ${s} (wrk -t$threads -c$conns -d$duration)"
    line=$(run_wrk "$s" "${urls[$i]}" "$duration" "r$r" "${pids[$i]}")
    read -r rps p50 p99 xfer errs _ cpu <<<"$line"
    all_rps[$s]+="$rps "
    all_cpu[$s]+="$cpu "
    [ "$errs" = 0 ] || die "$s: $errs non-2xx responses or socket errors in round $r"
    results[$s]="${results[$s]:-}${results[$s]:+ / }$(printf '%.0f' "$rps")"
    if [ -z "${best[$s]:-}" ] || awk -v a="$rps" -v b="${best[$s]}" 'BEGIN { exit !(a > b) }'; then
      best[$s]=$rps; best_line[$s]=$line
    fi
  done
done

# --- report ------------------------------------------------------------------------------------
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
cores=$(nproc)
mem=$(awk '/^MemTotal:/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
kernel=$(uname -r)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
when=$(date -u '+%Y-%m-%d %H:%M UTC')
nginx_ver=$(nginx -v 2>&1 | sed 's/^nginx version: //')
wrk_ver=$( (wrk -v 2>&1 || true) | head -n1 | awk '{print $2}')
vp_ver="n/a"
[ -n "$vp_url" ] && vp_ver=$("$bin" --version 2>/dev/null | head -n1 | sed "s/^vanphong //" || true)
[ -n "$vp_ver" ] || vp_ver="unknown"

table="| server | requests/s per round | best requests/s | median requests/s | server CPU per request (median) | p50 latency | p99 latency | transfer/s |
|---|---|---|---|---|---|---|---|"
declare -A med_rps med_cpu
for s in "${servers[@]}"; do
  read -r rps p50 p99 xfer _ <<<"${best_line[$s]}"
  med_rps[$s]=$(tr ' ' '\n' <<<"${all_rps[$s]}" | grep . | median)
  med_cpu[$s]=$(tr ' ' '\n' <<<"${all_cpu[$s]}" | grep . | median)
  table+=$'\n'"| $s | ${results[$s]} | $(printf '%.0f' "$rps") | $(printf '%.0f' "${med_rps[$s]}") | $(printf '%.1f' "${med_cpu[$s]}") µs | ${p50} ms | ${p99} ms | $xfer |"
done
ratio="" ratio_median="" ratio_cpu=""
if [ -n "$vp_url" ]; then
  ratio=$(awk -v a="${best[vanphong]}" -v b="${best[nginx]}" 'BEGIN { printf "%.2f", a / b }')
  ratio_median=$(awk -v a="${med_rps[vanphong]}" -v b="${med_rps[nginx]}" 'BEGIN { printf "%.2f", a / b }')
  # CPU per request, inverted so that above 1.0 means vanphong spends less than nginx.
  ratio_cpu=$(awk -v a="${med_cpu[vanphong]}" -v b="${med_cpu[nginx]}" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')
fi

echo
echo "$table"
if [ -n "$ratio" ]; then
  echo
  echo "vanphong / nginx: best requests/s $ratio, median requests/s $ratio_median, CPU per request (nginx / vanphong) $ratio_cpu"
fi
echo "machine: $cores cores, $cpu, $mem, kernel $kernel; load average (1/5/15 min) before: $load_before, after: $load_after"

if [ "$write_doc" = 1 ]; then
  section="$work/section.md"
  {
    echo "Measured $when with \`bench/http/run.sh\` (\`make bench\`)."
    echo
    echo "- Machine: $cores cores ($cpu), $mem, Linux $kernel; load average (1/5/15 min) before: $load_before, after: $load_after"
    echo "- Servers: vanphong $vp_ver (2 I/O threads, access log off, file from memory) vs $nginx_ver (2 worker processes, access log off, sendfile, open-file cache)"
    echo "- Load: wrk $wrk_ver, \`wrk -t$threads -c$conns -d$duration --latency\` on loopback, after a $warmup warm-up each; $rounds rounds alternating nginx, vanphong; the best round is the headline, the medians and the servers' CPU time per request (user + system, all threads and workers, from /proc) are the steadier figures"
    echo "- Payload: \`GET /static/$page_name\`, $page_bytes bytes of HTML, no Accept-Encoding (neither compresses), keep-alive"
    echo
    echo "$table"
    echo
    echo "**vanphong / nginx: $ratio** (best requests/s); median requests/s: $ratio_median; server CPU time per request, nginx / vanphong: $ratio_cpu"
  } > "$section"
  write_doc_section http "$section" "$doc" "HTTP: static file, vanphong vs nginx"
  say "wrote the results into ${doc#"$root"/}"
fi
