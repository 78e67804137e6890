#!/bin/bash
# Runs every test suite and prints the totals. Suites print TAP lines; a suite that exits
# non-zero without a "not ok" line is counted as one failure of its own.
# SUITES="unit golden ..." picks a subset; default: unit plus every tests/<dir>/ with *.sh
# suites (lab only when LAB=1).
set -u
cd "$(dirname "$0")/.."
B=${B:-build}; export B
if [ -z "${SUITES:-}" ]; then
  SUITES=unit
  for d in tests/*/; do
    d=$(basename "$d")
    case $d in unit|fixtures|lab) continue;; esac
    SUITES="$SUITES $d"
  done
  [ -n "${LAB:-}" ] && SUITES="$SUITES lab"
fi
pass=0; failn=0; skipn=0
run_suite() { # name command...
  local name=$1; shift
  local out rc
  out=$(mktemp)
  echo "== $name"
  "$@" >"$out" 2>&1; rc=$?
  sed 's/^/   /' "$out" | grep -vE '^   (ok [0-9]+ - [^#]*$)' | grep -E '^   (not ok|ok .*# SKIP|#|\[  FAILED|.*[Ee]rror)' | head -40
  local p f s
  p=$(grep -cE '^ok [0-9]+' "$out" | tr -d ' '); s=$(grep -cE '^ok [0-9]+ .*# ?SKIP' "$out")
  f=$(grep -cE '^not ok [0-9]+' "$out")
  p=$((p - s))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "   not ok - $name exited $rc"; tail -5 "$out" | sed 's/^/   /'; fi
  echo "   $name: $p passed, $f failed, $s skipped"
  pass=$((pass+p)); failn=$((failn+f)); skipn=$((skipn+s))
  rm -f "$out"
}
for s in $SUITES; do
  case $s in
    unit)
      for t in "$B"/tests/test_*; do
        [ -x "$t" ] || continue
        run_suite "unit/$(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
      done ;;
    *)
      for t in tests/$s/*.sh; do
        [ -f "$t" ] || continue
        case $t in */lib*.sh|*/_*) continue;; esac
        run_suite "$s/$(basename "$t" .sh)" bash "$t"
      done ;;
  esac
done
echo
echo "$pass passed, $failn failed, $skipn skipped"
[ "$failn" -eq 0 ]
