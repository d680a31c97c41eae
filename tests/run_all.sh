#!/bin/bash
# Runs every test tier against the ASan+UBSan build and ends with one line
# "N passed, N failed". Exit status is non-zero when anything failed.
set -u
cd "$(dirname "$0")/.."
export SIXIA_BIN=build/asan/sixia
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
out=build/test-logs
rm -rf "$out"
mkdir -p "$out"
passed=0 failed=0

tier() { printf '\n==== %s ====\n' "$1"; }

# 0. the sources compile warning-free with clang too (gcc builds the binaries)
tier "clang build check"
if make -s clang-check; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: clang-check"; fi

# 1. unit tests (cmocka)
tier "unit tests (cmocka, ASan+UBSan)"
for t in build/asan/tests/test_*; do
  [ -x "$t" ] || continue
  log="$out/$(basename "$t").log"
  "$t" >"$log" 2>&1
  rc=$?
  cat "$log"
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); echo "FAILED: $t exited $rc"; fi
done

# 2. API tests (pytest against the real binary)
tier "API tests (pytest)"
/usr/bin/python3 -m pytest -q -p no:cacheprovider --basetemp="$out/pytest-tmp" tests/api 2>&1 | tee "$out/pytest.log"
rc=${PIPESTATUS[0]}
line=$(grep -E '^(=+ )?[0-9]+ (passed|failed)' "$out/pytest.log" | tail -1)
p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
e=$(echo "$line" | grep -oE '[0-9]+ error' | grep -oE '[0-9]+')
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
if [ $rc -ne 0 ] && [ $((${f:-0} + ${e:-0})) -eq 0 ]; then failed=$((failed + 1)); echo "FAILED: pytest exited $rc"; fi

# 2b. the date-sensitive API tests again with the clock moved (libfaketime), so the suite is
# known to pass at any hour: just before and just after midnight China time (UTC+8; the
# 23:59:30 run crosses midnight while it runs), and 16:00:30 UTC on the last day of this month
# (China is already in the next month, UTC is not). Every process of a run (pytest, servers,
# the command line) shares one offset from the real clock, as one machine's clock would.
DATE_TESTS="tests/api/test_case_*.py tests/api/test_public.py tests/api/test_res_reception*.py tests/api/test_res_holidays.py tests/api/test_core_audit.py"
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -1)
moved_clock() { # label target (a `date -d` expression)
  local label=$1 target now offset
  now=$(date +%s)
  target=$(date -d "$2" +%s)
  # the next such moment: never a clock moved backwards by most of a day
  while [ "$target" -lt "$now" ]; do target=$((target + 86400)); done
  offset=$((target - now))
  tier "API tests, clock moved to $label ($(date -u -d "@$target" '+%Y-%m-%d %H:%M:%S') UTC)"
  local log="$out/pytest-clock-$3.log"
  # shellcheck disable=SC2086
  FAKETIME="+${offset}s" LD_PRELOAD="$FAKETIME_LIB" \
    ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider --basetemp="$out/pytest-clock-$3" $DATE_TESTS 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]} line p f e
  line=$(grep -E '^(=+ )?[0-9]+ (passed|failed)' "$log" | tail -1)
  p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
  f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
  e=$(echo "$line" | grep -oE '[0-9]+ error' | grep -oE '[0-9]+')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
  if [ $rc -ne 0 ] && [ $((${f:-0} + ${e:-0})) -eq 0 ]; then failed=$((failed + 1)); echo "FAILED: pytest ($label) exited $rc"; fi
}
if [ -z "$FAKETIME_LIB" ]; then
  echo "FAILED: libfaketime not installed (scripts/deps.sh test installs faketime)"; failed=$((failed + 1))
elif [ "${SIXIA_SKIP_CLOCK_RUNS:-0}" = 1 ]; then
  echo "moved-clock runs skipped (SIXIA_SKIP_CLOCK_RUNS=1)"
else
  cn_today=$(TZ=Asia/Shanghai date +%F)
  moved_clock "23:59:30 China time" "$cn_today 23:59:30 +0800" cn2359
  moved_clock "00:00:30 China time" "$cn_today 00:00:30 +0800" cn0000
  month_end=$(date -u -d "$(date -u +%Y-%m-01) +1 month -1 day" +%F)
  moved_clock "16:00:30 UTC, month end" "$month_end 16:00:30 UTC" utc1600
fi

# 3. browser tests (playwright-core + Debian chromium)
tier "browser tests (playwright-core, headless chromium)"
if ls tests/browser/*.test.mjs >/dev/null 2>&1; then
  SIXIA_TEST_LOG_DIR="$out/browser-servers" node --test --test-concurrency=1 tests/browser/ 2>&1 | tee "$out/browser.log"
  rc=${PIPESTATUS[0]}
  p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$out/browser.log" | tail -1)
  f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$out/browser.log" | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); echo "FAILED: browser tests exited $rc"; fi
else
  echo "no browser tests found"; failed=$((failed + 1))
fi

# 4. sanitizer reports from the servers the tests started
tier "sanitizer reports"
reports=$(grep -rlE --include='*.log' 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$out" 2>/dev/null)
if [ -n "$reports" ]; then
  echo "$reports"
  echo "FAILED: sanitizer reports found (files above)"; failed=$((failed + 1))
else
  echo "none"
fi

printf '\n%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
