#!/bin/sh
# Install whatever the build and the tests need and is missing. Idempotent: when every
# package is present it does nothing but check. Usage: scripts/deps.sh [build|test|bench|fuzz]
set -eu
what=${1:-build}
build_pkgs="gcc make pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libxlsxwriter-dev zlib1g-dev nodejs npm ca-certificates tzdata"
test_pkgs="$build_pkgs libcmocka-dev python3 python3-pytest python3-requests python3-icalendar faketime chromium fonts-wqy-microhei sqlite3 clang openssl"
bench_pkgs="$build_pkgs wrk nginx-light"
fuzz_pkgs="$build_pkgs clang libclang-rt-14-dev"
case "$what" in
  build) pkgs=$build_pkgs ;;
  test) pkgs=$test_pkgs ;;
  bench) pkgs=$bench_pkgs ;;
  fuzz) pkgs=$fuzz_pkgs ;;
  *) echo "usage: $0 [build|test|bench|fuzz]" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
  # A package counts as present only when dpkg says it is installed ("ii").
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # nodejs/npm may come from elsewhere (a node already on PATH is fine).
    case "$p" in nodejs) command -v node >/dev/null 2>&1 && continue ;; npm) command -v npm >/dev/null 2>&1 && continue ;; esac
    missing="$missing $p"
  fi
done
if [ -n "$missing" ]; then
  echo "deps: installing$missing"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
# Front-end packages: installed from the lock file, only when absent or when the lock changed.
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  echo "deps: npm ci (web)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
