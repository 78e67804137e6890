#!/bin/bash
# SPDX-License-Identifier: MIT
# Live trace events ('e'): filters that keep and drop, glob wildcards, --json, -n, -t.
# Oracle: the processes this suite starts itself (their pids and file name) and the
# kernel's own enable/filter files in our instance.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_live.sh"

if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "live events: needs root, tracefs and $ST"
	tap_done; exit 0
fi

MARK=$LIVE_TMP/stmk$$           # comm is the basename: short, unique
cp /bin/true "$MARK"
K=4
# run_marks: exec the marker K times, one after another; MARK_PIDS = their pids.
run_marks() {
	MARK_PIDS=()
	local i
	for ((i = 0; i < K; i++)); do
		"$MARK" & MARK_PIDS+=($!)
		wait $!
	done
}

# 1. A filter keeps exactly our execs, from exactly our pids.
before=$(own_state)
st_bg "$LIVE_TMP/o1" "$LIVE_TMP/e1" -q "e sched/sched_process_exec f:filename==\"$MARK\""
if wait_ready $ST_PID sched/sched_process_exec; then
	run_marks
	stop_wait $ST_PID INT
	n=$(grep -c "sched_process_exec: filename=$MARK " "$LIVE_TMP/o1")
	check "filter keeps our $K execs (got $n)" [ "$n" -eq $K ]
	check "every line is ours" [ "$(grep -vc "filename=$MARK " "$LIVE_TMP/o1")" -eq 0 ]
	ok=1
	for p in "${MARK_PIDS[@]}"; do grep -q -- "-$p .*filename=$MARK " "$LIVE_TMP/o1" || ok=0; done
	check "each marker pid appears" [ $ok = 1 ]
	check "SIGINT run exits 0" [ "$ST_RC" -eq 0 ]
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e1")"
fi
same_state "state restored after SIGINT" "$before"

# 2. A filter that matches nothing drops everything; the kernel holds our filter text.
st_bg "$LIVE_TMP/o2" "$LIVE_TMP/e2" --buffer-kb 2048 "e sched/sched_process_exec f:filename==\"$MARK.none\""
if wait_ready $ST_PID sched/sched_process_exec; then
	kb=$(cat $TRACEFS/instances/surftrace_$ST_PID/buffer_size_kb)
	expect "--buffer-kb sets the instance's buffer ($kb)" \
		'[ "$kb" -ge 2048 ] && [ "$kb" -lt 2100 ]'
	f=$TRACEFS/instances/surftrace_$ST_PID/events/sched/sched_process_exec/filter
	check "instance filter is ours" grep -qF "filename==\"$MARK.none\"" "$f"
	check "top-level filter untouched" [ "$(cat $TRACEFS/events/sched/sched_process_exec/filter)" = none ]
	run_marks
	stop_wait $ST_PID TERM
	check "dropping filter: no event printed" [ ! -s "$LIVE_TMP/o2" ]
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e2")"
fi
same_state "state restored after SIGTERM" "$before"

# 3. Wildcards expand against the instance: exactly the events ls matches are enabled.
st_bg "$LIVE_TMP/o3" "$LIVE_TMP/e3" "e sched/sched_process_e* f:common_pid>0"
if wait_ready $ST_PID sched/sched_process_exec; then
	I=$TRACEFS/instances/surftrace_$ST_PID
	want=$(cd $TRACEFS/events/sched && ls -d sched_process_e* | sort | tr '\n' ' ')
	got=$(cd $I/events/sched && for d in */; do d=${d%/}; [ "$(cat $d/enable)" = 1 ] && echo $d; done | sort | tr '\n' ' ')
	check "glob enables exactly [$want] (got [$got])" [ "$want" = "$got" ]
	run_marks
	stop_wait $ST_PID HUP
	n=$(grep -c "sched_process_exit: comm=stmk$$ " "$LIVE_TMP/o3")
	check "glob: $K exits of our marker (got $n)" [ "$n" -eq $K ]
	n=$(grep -c "sched_process_exec: filename=$MARK " "$LIVE_TMP/o3")
	check "glob: $K execs of our marker (got $n)" [ "$n" -eq $K ]
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e3")"
fi
same_state "state restored after SIGHUP" "$before"

# 4. --json parses, one object per event, with our pids and file name.
st_bg "$LIVE_TMP/o4" "$LIVE_TMP/e4" --json "e sched/sched_process_exec f:filename==\"$MARK\""
if wait_ready $ST_PID sched/sched_process_exec; then
	run_marks
	stop_wait $ST_PID QUIT
	res=$(python3 - "$LIVE_TMP/o4" "$MARK" "${MARK_PIDS[*]}" <<'EOF'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
pids = sorted(int(p) for p in sys.argv[3].split())
ok = all(o["event"] == "sched_process_exec" and o["args"]["filename"] == sys.argv[2]
         and isinstance(o["time"], (int, float)) and isinstance(o["cpu"], int)
         for o in objs)
print("ok" if ok and sorted(o["pid"] for o in objs) == pids else "bad %r" % objs[:2])
EOF
)
	check "json: one object per exec with our pids ($res)" [ "$res" = ok ]
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e4")"
fi
same_state "state restored after SIGQUIT" "$before"

# 5. -n COUNT stops by itself after COUNT events.
st_bg "$LIVE_TMP/o5" "$LIVE_TMP/e5" -n 2 "e sched/sched_process_exec f:filename==\"$MARK\""
if wait_ready $ST_PID sched/sched_process_exec; then
	run_marks
	wait_gone $ST_PID
	check "-n 2: exit 0" [ "$ST_RC" -eq 0 ]
	check "-n 2: exactly 2 events" [ "$(grep -c sched_process_exec "$LIVE_TMP/o5")" -eq 2 ]
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e5")"
fi
same_state "state restored after -n" "$before"

# 6. -t SECONDS ends the run by itself.
"$ST" -t 0.3 "e sched/sched_process_exec f:filename==\"$MARK\"" >"$LIVE_TMP/o6" 2>&1
check "-t: exit 0" [ $? -eq 0 ]
same_state "state restored after -t" "$before"

# 7. -s: every event carries its kernel stack, which passes through exec.
st_bg "$LIVE_TMP/o7" "$LIVE_TMP/e7" -s "e sched/sched_process_exec f:filename==\"$MARK\""
if wait_ready $ST_PID sched/sched_process_exec; then
	check "-s sets the instance's stacktrace option" \
		[ "$(cat $TRACEFS/instances/surftrace_$ST_PID/options/stacktrace)" = 1 ]
	check "-s leaves the top-level option alone" [ "$(cat $TRACEFS/options/stacktrace)" = 0 ]
	run_marks
	stop_wait $ST_PID INT
	n=$(grep -ci "exec" <(grep -v sched_process_exec "$LIVE_TMP/o7"))
	check "-s: stack frames through exec printed ($n)" [ "$n" -ge $K ]
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e7")"
fi
same_state "state restored after -s" "$before"

# 8. Lost events are reported: the reader is stopped (SIGSTOP) while we flood a tiny
#    buffer; the kernel's own overrun counters are the oracle.
st_bg "$LIVE_TMP/o8" "$LIVE_TMP/e8" --buffer-kb 8 "e syscalls/sys_enter_getppid f:common_pid>0"
if wait_ready $ST_PID syscalls/sys_enter_getppid; then
	kill -STOP $ST_PID
	python3 -c 'import os
for _ in range(200000): os.getppid()'
	over=$(awk '/^overrun:/ { s += $2 } END { print s + 0 }' \
		$TRACEFS/instances/surftrace_$ST_PID/per_cpu/cpu*/stats)
	kill -CONT $ST_PID
	stop_wait $ST_PID INT
	lost=$(sed -n 's/^surftrace: lost \([0-9]*\) events.*/\1/p' "$LIVE_TMP/e8")
	check "kernel overran the stopped reader's buffer ($over)" [ "$over" -gt 0 ]
	expect "lost events reported on stderr ($lost >= $over)" \
		'[ -n "$lost" ] && [ "$lost" -ge "$over" ]'
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e8")"
fi
same_state "state restored after the flood" "$before"

tap_done
