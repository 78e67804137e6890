#!/bin/bash
# SPDX-License-Identifier: MIT
# Losses are reported where they happen: a producer makes N getppid calls into a tiny
# buffer while surftrace is stopped (SIGSTOP); in text, "CPU:C [LOST M EVENTS]" lines (trace_pipe's marker) sit between the
# events, in --json {"v":1,"lost":M,"cpu":C} records do; events + all lost counts == N
# exactly, and the inline counts plus the final records equal the exit summary's total.
. "$(dirname "$0")/../lib.sh"
ST="$ROOT/$B/surftrace"
need_root_tracefs || { skip "needs root and tracefs"; tap_done; exit 0; }
[ -x "$ST" ] || { skip "no $ST"; tap_done; exit 0; }
T=$(mktemp -d /tmp/st_lost_inline.XXXXXX)
trap 'rm -rf "$T"' EXIT
N=${LOST_N:-200000}
build_held_getppid "$T/prod" || { fail "build producer"; tap_done; exit 1; }

run() { # name surftrace-options...
	local name=$1 i pp sp; shift
	mkfifo "$T/$name.go"
	"$T/prod" "$N" <"$T/$name.go" &
	pp=$!
	exec 7<>"$T/$name.go"
	: >"$T/$name.err"
	"$ST" --buffer-kb 4 -p "$pp" "$@" 'e syscalls/sys_enter_getppid' \
		>"$T/$name.out" 2>"$T/$name.err" &
	sp=$!
	for i in $(seq 100); do grep -q '^Tracing' "$T/$name.err" && break; sleep 0.1; done
	# the run stands still (SIGSTOP) while the producer runs: nothing reads, not even the
	# read-ahead thread, which could otherwise keep up with a 4 KB buffer for a while
	kill -STOP "$sp"
	echo x >&7
	wait "$pp"
	kill -CONT "$sp"
	exec 7>&-
	sleep 1
	kill -INT "$sp" 2>/dev/null; wait "$sp"
}

run text
ev=$(grep -c ' sys_getppid()$' "$T/text.out")
marks=$(grep -c '^CPU:[0-9]* \[LOST [0-9]* EVENTS\]$' "$T/text.out")
inl=$(sed -n 's/^CPU:[0-9]* \[LOST \([0-9]*\) EVENTS\]$/\1/p' "$T/text.out" | awk '{s+=$1} END{print s+0}')
total=$(sed -n 's/^surftrace: lost \([0-9]*\) events.*/\1/p' "$T/text.err"); total=${total:-0}
check "text: the 4 KB buffer lost events ($total) and markers say so inline ($marks lines)" \
	[ "$total" -gt 0 -a "$marks" -gt 0 ]
check "text: events $ev + lost $total == produced $N" [ $((ev + total)) = "$N" ]
check "text: the inline counts ($inl) are the exit summary's total ($total)" [ "$inl" = "$total" ]
check "text: a marker comes before events, not only at the end" \
	[ "$(grep -n 'LOST' "$T/text.out" | head -1 | cut -d: -f1)" -lt "$(wc -l <"$T/text.out")" ]

run json --json
read -r jev jinl jn < <(python3 - "$T/json.out" <<'P'
import json, sys
ev = lost = n = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "lost" in o:
        lost += o["lost"]; n += 1
    elif o.get("event") == "sys_enter_getppid":
        ev += 1
print(ev, lost, n)
P
)
jtotal=$(sed -n 's/^surftrace: lost \([0-9]*\) events.*/\1/p' "$T/json.err"); jtotal=${jtotal:-0}
check "json: lost records ($jn) with events and lost $jev + $jinl == produced $N" \
	[ "$jn" -gt 0 -a $((jev + jinl)) = "$N" ]
check "json: the records' sum ($jinl) is the exit summary's total ($jtotal)" [ "$jinl" = "$jtotal" ]
tap_done
