#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs every test suite and prints the totals. Suites print TAP lines; a suite fails when it
# prints a "not ok" line, exits non-zero, runs out of time (SUITE_TIMEOUT seconds, default 1800;
# LAB_TIMEOUT for the lab, default 10800) or prints fewer results than its "1..N" plans promise.
# SUITES="unit golden ..." picks a subset; default: unit, unit-root (the unit programs named in
# tests/unit/ROOT_ONLY: they need root and tracefs), plus every tests/<dir>/ with *.sh suites
# (lab only when LAB=1). TESTS_DIR points at another tests folder (default tests).
set -u
cd "$(dirname "$0")/.."
B=${B:-build}; export B
TESTS_DIR=${TESTS_DIR:-tests}
SUITE_TIMEOUT=${SUITE_TIMEOUT:-1800}
LAB_TIMEOUT=${LAB_TIMEOUT:-10800}
if [ -z "${SUITES:-}" ]; then
  SUITES="unit unit-root"
  for d in "$TESTS_DIR"/*/; do
    d=$(basename "$d")
    case $d in unit|fixtures|lab) continue;; esac
    SUITES="$SUITES $d"
  done
  [ -n "${LAB:-}" ] && SUITES="$SUITES lab"
fi
root_only=" $(sed 's/#.*//' "$TESTS_DIR/unit/ROOT_ONLY" 2>/dev/null | tr '\n' ' ') "
pass=0; failn=0; skipn=0
run_suite() { # name limit command...
  local name=$1 limit=$2; shift 2
  local out rc t0=$SECONDS
  out=$(mktemp)
  echo "== $name"
  timeout -k 10 "$limit" "$@" >"$out" 2>&1; rc=$?
  t0=$((SECONDS - t0))
  sed 's/^/   /' "$out" | grep -vE '^   (ok [0-9]+ - [^#]*$)' | grep -E '^   (not ok|ok .*# SKIP|#|\[  FAILED|.*[Ee]rror)' | head -40
  local p f s planned results
  p=$(grep -cE '^ok [0-9]+' "$out" | tr -d ' '); s=$(grep -cE '^ok [0-9]+ .*# ?SKIP' "$out")
  f=$(grep -cE '^not ok [0-9]+' "$out")
  results=$((p + f))
  p=$((p - s))
  planned=$(sed -nE 's/^1\.\.([0-9]+).*/\1/p' "$out" | awk '{n += $1} END {print n + 0}')
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    f=$((f+1)); echo "   not ok - $name timed out after ${limit}s"
  elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1; echo "   not ok - $name exited $rc"; tail -5 "$out" | sed 's/^/   /'
  fi
  if grep -qE '^1\.\.[0-9]+' "$out" && [ "$results" -lt "$planned" ]; then
    f=$((f+1)); echo "   not ok - $name planned $planned results, printed $results"
  fi
  echo "   $name: $p passed, $f failed, $s skipped ($t0 s)"
  pass=$((pass+p)); failn=$((failn+f)); skipn=$((skipn+s))
  rm -f "$out"
}
for s in $SUITES; do
  case $s in
    unit|unit-root)
      for t in "$B"/tests/test_*; do
        [ -x "$t" ] || continue
        n=$(basename "$t")
        case "$s:$root_only" in
          "unit:"*" $n "*) continue;;
          unit-root:*" $n "*) ;;
          unit-root:*) continue;;
        esac
        run_suite "$s/$n" "$SUITE_TIMEOUT" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
      done ;;
    *)
      limit=$SUITE_TIMEOUT; [ "$s" = lab ] && limit=$LAB_TIMEOUT
      for t in "$TESTS_DIR"/$s/*.sh; do
        [ -f "$t" ] || continue
        case $t in */lib*.sh|*/_*) continue;; esac
        run_suite "$s/$(basename "$t" .sh)" "$limit" bash "$t"
      done ;;
  esac
done
echo
echo "run time: $SECONDS s"
echo "$pass passed, $failn failed, $skipn skipped"
[ "$failn" -eq 0 ]
