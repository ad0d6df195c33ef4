#!/usr/bin/env bash
# Public site benchmark: an article page of the demo portal from vanphong's page cache, and
# rendered from the database with the cache off, against nginx serving the same bytes as a
# static file, in the same run, measured with wrk on loopback; then the page cache's memory
# after every page of the sitemap was visited. Writes its results into docs/performance.md
# between <!-- bench:site:start --> and <!-- bench:site:end -->.
#   bench/site/run.sh              full run (needs the built binary: make build / make bench)
#   bench/site/run.sh --no-write   don't touch docs/performance.md
# Env: VANPHONG_BIN, BENCH_DURATION (10s), BENCH_WARMUP (3s), BENCH_THREADS (2),
#      BENCH_CONNECTIONS (64), BENCH_ROUNDS (3), BENCH_DOC (docs/performance.md).
set -euo pipefail
exec </dev/null
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

write_doc=1
for arg in "$@"; do
  case "$arg" in
    --no-write) write_doc=0 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option $arg" >&2; exit 2 ;;
  esac
done

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
wrk_settings 3
[ -x "$bin" ] || die "$bin not found: build it first (make build), or set VANPHONG_BIN"

work=$(mktemp -d -t vp-bench-site.XXXXXX)
chmod 755 "$work"
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

mkdir -p "$work/www" "$work/data"
vp_port=$(free_port)
start_vanphong() {  # extra serve arguments
  "$bin" serve --demo --data-dir "$work/data" --port "$vp_port" --address 127.0.0.1 --access-log off \
    --io-threads 2 --no-jobs --rate-limit 0 "$@" >>"$work/vanphong.log" 2>&1 &
  vp_pid=$!
  # The first start loads the demo corpus (about half a minute).
  wait_http "http://127.0.0.1:$vp_port/healthz" "$vp_pid" 240 \
    || { tail -n 40 "$work/vanphong.log" >&2; die "vanphong did not answer /healthz"; }
}
stop_vanphong() {
  kill "$vp_pid" 2>/dev/null || true
  wait "$vp_pid" 2>/dev/null || true
  vp_pid=""
}
start_vanphong
vp="http://127.0.0.1:$vp_port"

# --- the page: an article with a picture, the same bytes for nginx -----------------------------
article=$(curl -fsS "$vp/chuyen-muc/thoi-su" | grep -o 'href="/bai-viet/[0-9]*-[a-z0-9-]*"' | sed -n 2p | cut -d'"' -f2)
[ -n "$article" ] || die "no article found on /chuyen-muc/thoi-su"
curl -fsS -o "$work/www/bai-viet.html" "$vp$article"
chmod 644 "$work/www/bai-viet.html"
page_bytes=$(stat -c %s "$work/www/bai-viet.html")
say "page: $article, $page_bytes bytes"
start_nginx "$work/www"
nginx_url="http://127.0.0.1:$nginx_port/bai-viet.html"
wait_http "$nginx_url" "$nginx_pid" 10 || { cat "$n/error.log" >&2 2>/dev/null; die "nginx did not start"; }

check() {  # NAME URL: 200, the page's length, no compression, identical body
  local headers="$work/$1.headers" body="$work/$1.body" status len
  curl -sS --max-time 5 -D "$headers" -o "$body" "$2" || die "$1: request failed"
  status=$(head -n1 "$headers" | awk '{print $2}')
  len=$(grep -i '^content-length:' "$headers" | tail -n1 | tr -dc '0-9')
  [ "$status" = 200 ] || die "$1: status $status for $2"
  [ "$len" = "$page_bytes" ] || die "$1: Content-Length '$len', expected $page_bytes"
  grep -qi '^content-encoding:' "$headers" && die "$1: answered compressed without Accept-Encoding"
  cmp -s "$body" "$work/www/bai-viet.html" || die "$1: body differs from the page"
  say "$1: 200, Content-Length $len, body identical"
}
check nginx "$nginx_url"
check vanphong "$vp$article"

declare -A best best_line all_rps all_cpu per_round
measure() {  # NAME URL PID
  local line rps errs cpu
  say "round: $1 (wrk -t$threads -c$conns -d$duration)"
  line=$(run_wrk "$1" "$2" "$duration" "r$RANDOM" "$3")
  read -r rps _ _ _ errs _ cpu <<<"$line"
  [ "$errs" = 0 ] || die "$1: $errs non-2xx responses or socket errors"
  all_rps[$1]+="$rps "
  all_cpu[$1]+="$cpu "
  per_round[$1]="${per_round[$1]:-}${per_round[$1]:+ / }$(printf '%.0f' "$rps")"
  if [ -z "${best[$1]:-}" ] || awk -v a="$rps" -v b="${best[$1]}" 'BEGIN { exit !(a > b) }'; then
    best[$1]=$rps; best_line[$1]=$line
  fi
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "warm-up ($warmup each)"
run_wrk nginx "$nginx_url" "$warmup" warmup "$nginx_pid" >/dev/null
run_wrk cached "$vp$article" "$warmup" warmup "$vp_pid" >/dev/null
for _ in $(seq 1 "$rounds"); do
  measure nginx "$nginx_url" "$nginx_pid"
  measure cached "$vp$article" "$vp_pid"
done

# --- the page cache's memory after every page of the sitemap -----------------------------------
metric() { curl -fsS "$vp/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$vp_pid/status"; }
rss_before=$(rss_kib)
urls=$(curl -fsS "$vp/sitemap.xml" | grep -o '<loc>[^<]*</loc>' | sed 's/<[^>]*>//g' | sed "s#^https\?://[^/]*#$vp#")
pages_visited=0
for u in $urls; do curl -fsS -o /dev/null "$u" && pages_visited=$((pages_visited + 1)); done
for u in $urls; do curl -fsS -o /dev/null "$u"; done   # the second visit: from the cache
cache_held=$(metric 'vp_site_cache_bytes{kind="held"}')
cache_max=$(metric 'vp_site_cache_bytes{kind="max"}')
cache_pages=$(metric vp_site_cache_pages)
cache_hits=$(metric 'vp_site_cache_lookups_total{outcome="hit"}')
rss_after=$(rss_kib)
say "cache: $cache_pages pages, $cache_held bytes (bound $cache_max) after $pages_visited pages"

# --- the same page rendered from the database on every request ---------------------------------
stop_vanphong
start_vanphong --site-cache-mb 0
check vanphong-uncached "$vp$article"
run_wrk uncached "$vp$article" "$warmup" warmup "$vp_pid" >/dev/null
for _ in $(seq 1 "$rounds"); do
  measure nginx "$nginx_url" "$nginx_pid"
  measure uncached "$vp$article" "$vp_pid"
done

# --- report ------------------------------------------------------------------------------------
table="| server | requests/s per round | best requests/s | median requests/s | server CPU per request (median) | p50 latency | p99 latency |
|---|---|---|---|---|---|---|"
declare -A med p99
for s in nginx cached uncached; do
  read -r rps p50 p99v _ <<<"${best_line[$s]}"
  med[$s]=$(tr ' ' '\n' <<<"${all_rps[$s]}" | grep . | median)
  p99[$s]=$p99v
  cpu=$(tr ' ' '\n' <<<"${all_cpu[$s]}" | grep . | median)
  label=$s
  [ "$s" = cached ] && label="vanphong, page cache"
  [ "$s" = uncached ] && label="vanphong, cache off (rendered from SQLite)"
  table+=$'\n'"| $label | ${per_round[$s]} | $(printf '%.0f' "$rps") | $(printf '%.0f' "${med[$s]}") | $(printf '%.1f' "$cpu") µs | ${p50} ms | ${p99v} ms |"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
r_cached=$(ratio "${best[cached]}" "${best[nginx]}")
r_cached_med=$(ratio "${med[cached]}" "${med[nginx]}")
r_uncached=$(ratio "${best[uncached]}" "${best[nginx]}")
p99_ok=$(awk -v a="${p99[cached]}" -v b="${p99[nginx]}" 'BEGIN { print (a <= b ? "no worse than" : "worse than") }')
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "$table"
echo
echo "cached / nginx: $r_cached (median $r_cached_med), p99 $p99_ok nginx's; uncached / nginx: $r_uncached"

if [ "$write_doc" = 1 ]; then
  section="$work/section.md"
  {
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') with \`bench/site/run.sh\` (\`make bench\`)."
    echo
    echo "- Machine: $(nproc) cores ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), Linux $(uname -r); load average before: $load_before, after: $load_after"
    echo "- Page: \`GET $article\` of \`vanphong serve --demo --rate-limit 0\` (SQLite; the per-address limit off: a CDN or nginx in front carries the readers' traffic), $page_bytes bytes of HTML; nginx serves the same bytes saved as a file (same config as above); no Accept-Encoding, keep-alive"
    echo "- Load: \`wrk -t$threads -c$conns -d$duration --latency\` on loopback after a $warmup warm-up; $rounds rounds alternating nginx and vanphong for each mode (nginx is measured again beside the uncached rounds)"
    echo
    echo "$table"
    echo
    echo "**Cached page / nginx: $r_cached** (goal ≥ 1.0; median rounds $r_cached_med), p99 $p99_ok nginx's (${p99[cached]} ms against ${p99[nginx]} ms). **Rendered from the database / nginx: $r_uncached** (goal ≥ 0.25)."
    echo
    echo "Page cache after visiting the $pages_visited addresses of the sitemap twice: $cache_pages pages held, $cache_held bytes of the $cache_max-byte bound (\`--site-cache-mb\`, least recently used out first), $cache_hits hits; the process's resident memory went from $((rss_before / 1024)) MiB to $((rss_after / 1024)) MiB."
  } > "$section"
  write_doc_section site "$section" "$doc" "Public site: an article page, vanphong vs nginx"
  say "wrote the results into ${doc#"$root"/}"
fi
