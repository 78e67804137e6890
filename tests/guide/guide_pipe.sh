#!/bin/bash
# SPDX-License-Identifier: MIT
# surfguide fed from a pipe (a script): commands and expressions one a line, translation
# printed for each, a rejected expression reported with its column and exit status 2,
# .surf files written and read back. The expected columns and file contents are worked
# out here from the input text.
. "$(dirname "$0")/../lib.sh"
SG="$ROOT/$B/surfguide"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[ -x "$SG" ] || { fail "$SG missing (make test-deps builds it)"; tap_done; exit 1; }

# A rejected line must not come back forever (a line given back for editing is only for
# terminals): the run ends by itself.
bad='p do_filp_open dfd=%0 name=%1->nosuch'
col=$(( $(awk -v s="$bad" 'BEGIN { print index(s, "->nosuch") }') + 2 ))
out=$(printf '%s\n' "$bad" | timeout 60 "$SG" 2>&1); rc=$?
check "piped bad expression ends with status 2 (got $rc)" test $rc = 2
echo "$out" | grep -q "error at col $col: .*nosuch" && ok "error names column $col" \
  || fail "error column: $(echo "$out" | grep error)"
# the caret sits under that column (3 spaces of indent in front of the echoed line)
caret=$(echo "$out" | grep -E '^ *\^$' | head -1)
check "caret under column $col" test "${#caret}" = $((col + 3))

# A valid expression from a pipe is translated and listed, not run (a run would last until
# Ctrl-C, which a script cannot send): the guide ends by itself with 0.
out=$(printf 'e sched/sched_switch f:prev_pid>0\n:list\n' | timeout 30 "$SG" 2>&1); rc=$?
check "piped valid expression: translated, not run, exit 0 (got $rc)" test $rc = 0
check "piped valid expression: translation printed and listed" \
  bash -c 'grep -q "=> filter: prev_pid>0" <<<"$1" && grep -q "^\[0\] e sched/sched_switch f:prev_pid>0\$" <<<"$1" && ! grep -q "^running" <<<"$1"' _ "$out"

printf ':add e sched/sched_switch f:prev_pid==1\n:add e sched/sched_wakeup\n:del 0\n:add p do_filp_open dfd=%%0\n:save %s\n:quit\n' \
  "$TMP/x.surf" | timeout 60 "$SG" >"$TMP/out" 2>&1; rc=$?
check "script of commands exits 0" test $rc = 0
check ":del removed the first, :save wrote the rest in order" \
  test "$(grep -v '^#' "$TMP/x.surf")" = "$(printf '%s\n' 'e sched/sched_wakeup' 'p do_filp_open dfd=%0')"
printf 'e sched/sched_switch\n# comment\n\n  p do_filp_open dfd=%%0  \n' > "$TMP/y.surf"
out=$(printf ':load %s\n:list\n' "$TMP/y.surf" | timeout 60 "$SG" 2>&1)
echo "$out" | grep -q '^\[1\] p do_filp_open dfd=%0$' && ok ":load trims lines and drops comments" || fail ":load: $out"
out=$(printf ':load %s/none.surf\n' "$TMP" | timeout 60 "$SG" 2>&1)
echo "$out" | grep -q "cannot read $TMP/none.surf: No such file" && ok ":load of a missing file says so" || fail "missing file: $out"
# surfguide FILE loads at start
out=$(printf ':list\n' | timeout 60 "$SG" "$TMP/y.surf" 2>&1)
echo "$out" | grep -q '^\[0\] e sched/sched_switch$' && ok "surfguide FILE loads it" || fail "surfguide FILE: $out"
# surftrace -i -f FILE EXPR: the file's lines and the command line's expression, each once
out=$(printf ':list\n' | timeout 60 "$ST" -i -f "$TMP/y.surf" 'e sched/sched_wakeup' 2>&1)
check "-i -f FILE EXPR lists the file's two lines and EXPR, once each" \
  test "$(echo "$out" | grep -c '^\[1\] p do_filp_open dfd=%0$')" -ge 1 -a \
  "$(echo "$out" | grep -c '^\[2\] e sched/sched_wakeup$')" = 1 -a "$(echo "$out" | grep -c '^\[3\]')" = 0
# --vmlinux reaches the guide's translation: arguments at +off placed by DWARF, as -S does
if gcc -O2 -g -o "$TMP/argmove" "$ROOT/tests/fixtures/argmove.c" &&
   "$ST" btfgen "$TMP/argmove" -o "$TMP/argmove.btf" >/dev/null 2>&1; then
  want=$("$ST" -S --btf "$TMP/argmove.btf" --vmlinux "$TMP/argmove" 'p st_moved+13 a=%0')
  out=$(printf 'p st_moved+13 a=%%0\n:quit\n' | timeout 60 "$SG" --btf "$TMP/argmove.btf" --vmlinux "$TMP/argmove" 2>&1)
  check "surfguide --vmlinux: the guide shows '$want' (DWARF placement)" \
    test -n "$want" -a "$(echo "$out" | grep -c -- "=> $want\$")" -ge 1
else
  skip "cannot build the argmove fixture"
fi
out=$("$SG" --help); check "--help prints usage" grep -q '^usage: surfguide' <<<"$out"
"$SG" --nosuch >/dev/null 2>&1; check "unknown option exits 2" test $? = 2
tap_done
