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
