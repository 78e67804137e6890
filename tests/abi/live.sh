#!/bin/bash
# Structs passed by value, live: uprobes on a program built with -g read the members of a
# struct held in a register pair (one of them through a bitfield of the register), of one on
# the stack (x86_64) or behind a reference (arm64), and the arguments after them; the
# values must be the ones the program printed.
. "$(dirname "$0")/../lib.sh"
if ! need_root_tracefs || [ ! -x "$ST" ]; then
  skip "abi live: needs root, tracefs and $ST"; tap_done; exit 0
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cc -g -O2 -o "$T/prog" "$ROOT/tests/abi/live.c" || { fail "cannot build the program"; tap_done; exit 1; }
before=$(tracefs_state)
"$ST" -q -n 2 "P $T/prog:pair a=%0.a b=%0.b c=%0.c x=%1" \
  "P $T/prog:spill x=%0 a=%1.a b=%1.b c=%1.c y=%2" >"$T/out" 2>"$T/err" &
sp=$!
for i in $(seq 100); do grep -q "surftrace_$sp/p1 " $TRACEFS/uprobe_events 2>/dev/null && break; sleep 0.05; done
for i in $(seq 100); do [ "$(cat $TRACEFS/instances/surftrace_$sp/tracing_on 2>/dev/null)" = 1 ] &&
  grep -q 1 $TRACEFS/instances/surftrace_$sp/events/surftrace_$sp/p1/enable 2>/dev/null && break; sleep 0.05; done
"$T/prog" >"$T/want"
for i in $(seq 100); do kill -0 $sp 2>/dev/null || break; sleep 0.05; done
kill $sp 2>/dev/null; wait $sp
got0=$(grep ' p0: ' "$T/out" | sed 's/.*) //'); got1=$(grep ' p1: ' "$T/out" | sed 's/.*) //')
check "register pair: $got0 (program: $(sed -n 1p "$T/want"))" [ "$got0" = "$(sed -n 1p "$T/want")" ]
check "stack struct and the arguments around it: $got1 (program: $(sed -n 2p "$T/want"))" \
  [ "$got1" = "$(sed -n 2p "$T/want")" ]
check "tracefs as before" [ "$before" = "$(tracefs_state)" ]
tap_done
