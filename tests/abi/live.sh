#!/bin/bash
# SPDX-License-Identifier: MIT
# Structs passed by value, live: uprobes on a program built with -g read the members of a
# struct held in a register pair (one of them through a bitfield of the register), of one on
# the stack (x86_64) or behind a reference (arm64), and the arguments after them; the
# values must be the ones the program printed.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/live/lib_live.sh"
if ! need_root_tracefs || [ ! -x "$ST" ]; then
  skip "abi live: needs root, tracefs and $ST"; tap_done; exit 0
fi
prog=$LIVE_TMP/prog
cc -g -O2 -o "$prog" "$ROOT/tests/abi/live.c" || { fail "cannot build the program"; tap_done; exit 1; }
before=$(own_state)
st_bg "$LIVE_TMP/out" "$LIVE_TMP/err" -q -n 2 "P $prog:pair a=%0.a b=%0.b c=%0.c x=%1" \
  "P $prog:spill x=%0 a=%1.a b=%1.b c=%1.c y=%2"
if wait_ready $ST_PID; then
  "$prog" >"$LIVE_TMP/want"
  # -n 2 ends the run by itself; a run still there after 5 s is stopped
  for i in $(seq 100); do kill -0 $ST_PID 2>/dev/null || break; sleep 0.05; done
  stop_wait $ST_PID INT
  got0=$(grep ' p0: ' "$LIVE_TMP/out" | sed 's/.*) //'); got1=$(grep ' p1: ' "$LIVE_TMP/out" | sed 's/.*) //')
  check "register pair: $got0 (program: $(sed -n 1p "$LIVE_TMP/want"))" [ "$got0" = "$(sed -n 1p "$LIVE_TMP/want")" ]
  check "stack struct and the arguments around it: $got1 (program: $(sed -n 2p "$LIVE_TMP/want"))" \
    [ "$got1" = "$(sed -n 2p "$LIVE_TMP/want")" ]
else
  fail "surftrace never became ready: $(head -2 "$LIVE_TMP/err")"
  stop_wait $ST_PID INT
fi
same_state "tracefs as before" "$before"
tap_done
