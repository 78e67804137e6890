#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/run.sh itself, on fake suites in a temporary tests folder: a "not ok", a short plan,
# a suite past its time limit, a non-zero exit each count as failures; skips count as skips;
# ROOT_ONLY unit programs run in the unit-root tier only.
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/t/a" "$tmp/t/unit" "$tmp/b/tests"
echo 'echo "ok 1 - one"; echo "ok 2 - # SKIP two"; echo 1..2' >"$tmp/t/a/good.sh"
echo 'echo "ok 1 - one"; echo 1..3' >"$tmp/t/a/short.sh"
echo 'echo "ok 1 - one"; exec sleep 30' >"$tmp/t/a/slow.sh"
echo 'echo "ok 1 - one"; exit 3' >"$tmp/t/a/exit.sh"
echo 'echo "ok 1 - one"; echo "not ok 2 - two"; echo 1..2' >"$tmp/t/a/bad.sh"
run() { TESTS_DIR="$tmp/t" B="$tmp/b" SUITE_TIMEOUT=2 bash "$ROOT/tests/run.sh" >"$tmp/out" 2>&1; }
SUITES=a run; rc=$?
expect "failing run exits non-zero" '[ $rc -ne 0 ]'
expect "totals: 5 passed, 4 failed, 1 skipped" 'grep -qx "5 passed, 4 failed, 1 skipped" "$tmp/out"'
expect "short plan named" 'grep -q "not ok - a/short planned 3 results, printed 1" "$tmp/out"'
expect "time limit named" 'grep -q "not ok - a/slow timed out after 2s" "$tmp/out"'
expect "exit status named" 'grep -q "not ok - a/exit exited 3" "$tmp/out"'
expect "good suite counted" 'grep -q "a/good: 1 passed, 0 failed, 1 skipped" "$tmp/out"'
rm "$tmp/t/a/short.sh" "$tmp/t/a/slow.sh" "$tmp/t/a/exit.sh" "$tmp/t/a/bad.sh"
SUITES=a run; rc=$?
expect "passing run exits 0" '[ $rc -eq 0 ] && grep -qx "1 passed, 0 failed, 1 skipped" "$tmp/out"'
for n in test_x test_y; do printf '#!/bin/sh\necho "ok 1 - %s"; echo 1..1\n' $n >"$tmp/b/tests/$n"; chmod +x "$tmp/b/tests/$n"; done
echo test_y >"$tmp/t/unit/ROOT_ONLY"
SUITES=unit run
expect "unit skips ROOT_ONLY programs" 'grep -q "== unit/test_x" "$tmp/out" && ! grep -q test_y "$tmp/out"'
SUITES=unit-root run
expect "unit-root runs only them" 'grep -q "== unit-root/test_y" "$tmp/out" && ! grep -q test_x "$tmp/out"'
tap_done
