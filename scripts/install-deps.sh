#!/usr/bin/env bash
# Installs the Debian 12 packages vanphong needs, and only those that are missing.
#   scripts/install-deps.sh            build + run (with Node.js and npm: the editor is bundled at build time)
#   scripts/install-deps.sh --test     + what `make test` needs (PostgreSQL, SMTP sink, Chromium, ...)
#   scripts/install-deps.sh --bench    + what `make bench` needs (nginx, wrk, PostgreSQL for the search)
# Idempotent: when everything is installed it runs no apt command at all (one dpkg-query).
# `apt-get update` runs only when something has to be installed. Needs root (or sudo).
set -euo pipefail

want_test=0 want_bench=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --bench) want_bench=1 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

build_pkgs=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev libsodium-dev libqrencode-dev libcli11-dev libspdlog-dev libfmt-dev
  libkainjow-mustache-dev libcurl4-openssl-dev libssl-dev zlib1g-dev libhowardhinnant-date-dev
  libicu-dev libgtest-dev libgmock-dev tzdata sqlite3
  libmagic-dev libvips-dev libwebp-dev
  libgumbo-dev  # core/html: the HTML5 parser under the sanitiser
  libmimalloc-dev  # the server's allocator
  libxxhash-dev  # site: the validators (ETags) of public pages
  libxlsxwriter-dev  # core/export: spreadsheets
  libpango1.0-dev libcairo2-dev fonts-dejavu-core  # core/export: PDF reports (Vietnamese text)
  libzip-dev libexpat1-dev libcsv-dev  # core/export: reading uploaded XLSX and CSV tables
  libqpdf-dev  # signatures: the signature dictionaries of PDF files
)
test_pkgs=(postgresql postgresql-contrib oathtool python3-aiosmtpd chromium curl openssl python3-openpyxl poppler-utils)
bench_pkgs=(nginx-light wrk curl postgresql)

pkgs=("${build_pkgs[@]}")
# Node.js and npm build the back-office editor (web/editor, bundled by esbuild: every build) and
# run the browser tests. They may come from outside apt (e.g. a preinstalled node 20 + npm 11):
# use them when present, and only fall back to Debian's nodejs/npm when there are none.
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)
[ "$want_test" = 1 ] && pkgs+=("${test_pkgs[@]}")
[ "$want_bench" = 1 ] && pkgs+=("${bench_pkgs[@]}")
mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | awk '!seen[$0]++')

# One dpkg-query for all of them; unknown packages print nothing on stdout (error on stderr).
mapfile -t installed < <(dpkg-query -W -f='${Package} ${Status}\n' "${pkgs[@]}" 2>/dev/null \
                         | awk '$NF == "installed" && $(NF-1) == "ok" && $(NF-2) == "install" {print $1}' \
                         | sed 's/:.*//' || true)
missing=()
for p in "${pkgs[@]}"; do
  found=0
  for i in "${installed[@]}"; do [ "$i" = "$p" ] && { found=1; break; }; done
  [ "$found" = 0 ] && missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages already installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "install-deps: missing packages (${missing[*]}) and not root; run as root" >&2; exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" </dev/null
echo "install-deps: done"
