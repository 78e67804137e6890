#!/bin/bash
# SPDX-License-Identifier: MIT
# Cleanup on every exit path and for bad input at run time: after each case what tracefs
# holds of the suite's own runs (instances, dynamic/uprobe/kprobe events, event groups)
# must be what it was before. Also: SIGKILL leftovers swept by --cleanup and by the next
# run, SIGPIPE, the -o script (run, stopped, killed).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_live.sh"

if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "live cleanup: needs root, tracefs and $ST"
	tap_done; exit 0
fi
if ! build_target; then
	fail "cannot build the target program"
	tap_done; exit 1
fi
P="P $TARGET:st_target a=%0 b=%1"
E="e sched/sched_process_exec"
before=$(own_state)

# Each case checks the state of its own runs (own_state: names with their pids, probes on
# the target in the scratch dir), so runs of other suites at the same time do not matter.
# 1. A later expression the system refuses at run time: exit 1, one line naming it,
#    the probes of the earlier expressions removed.
if [ -e $TRACEFS/kprobe_events ]; then
	bad="e ftrace/function"        # has no enable file anywhere
else
	bad="p wake_up_new_task"       # this kernel has no kprobe events
fi
"$ST" "$P" "$E" "$bad" >"$LIVE_TMP/o1" 2>"$LIVE_TMP/e1"
rc=$?
check "runtime failure of expression 3 exits 1 (got $rc)" [ $rc -eq 1 ]
if [ "$(wc -l <"$LIVE_TMP/e1")" -eq 1 ] && grep -q "expression 3" "$LIVE_TMP/e1"; then
	ok "one error line, naming expression 3: $(head -1 "$LIVE_TMP/e1")"
else
	fail "one error line, naming expression 3: $(head -1 "$LIVE_TMP/e1")"
fi
same_state "state restored after expression 3 failed" "$before"

# 2. A translation error in expression 2: exit 2, nothing written at all.
"$ST" "$P" "P $TARGET:st_target nosuch=%0->nosuch" >"$LIVE_TMP/o2" 2>"$LIVE_TMP/e2"
rc=$?
check "bad expression exits 2 (got $rc)" [ $rc -eq 2 ]
same_state "state untouched after a bad expression" "$before"

# 3. No root: one line that says tracing needs root, exit 1, nothing touched.
if as_nobody test -x "${ST_REAL:-$ST}" 2>/dev/null; then
	as_nobody "$ST" "$E" >"$LIVE_TMP/o3" 2>"$LIVE_TMP/e3"
	rc=$?
	check "no root exits 1 (got $rc)" [ $rc -eq 1 ]
	check "no root: one line naming root: $(head -1 "$LIVE_TMP/e3")" \
		bash -c "[ \$(wc -l <'$LIVE_TMP/e3') -eq 1 ] && grep -q 'needs root' '$LIVE_TMP/e3'"
	same_state "state untouched without root" "$before"
else
	skip "no-root run: setpriv missing or uid 65534 cannot reach $ST"
fi

# 4. SIGKILL leaves state behind; --cleanup removes exactly that and says so.
st_bg "$LIVE_TMP/o4" "$LIVE_TMP/e4" "$P" "$E"
if wait_ready $ST_PID; then
	kill -KILL $ST_PID; wait $ST_PID 2>/dev/null
	check "SIGKILL leaves our instance" [ -d $TRACEFS/instances/surftrace_$ST_PID ]
	"$ST" --cleanup >"$LIVE_TMP/c4" 2>&1
	check "--cleanup exits 0" [ $? -eq 0 ]
	check "--cleanup reports the instance" grep -q "instance surftrace_$ST_PID\$" "$LIVE_TMP/c4"
	check "--cleanup reports the probe" grep -q "probe surftrace_$ST_PID/p0\$" "$LIVE_TMP/c4"
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e4")"
fi
same_state "state restored by --cleanup" "$before"

# 5. SIGKILL leftovers are swept by the next run.
st_bg "$LIVE_TMP/o5" "$LIVE_TMP/e5" "$P"
if wait_ready $ST_PID; then
	dead=$ST_PID
	kill -KILL $dead; wait $dead 2>/dev/null
	"$ST" -t 0.2 "$E" >/dev/null 2>"$LIVE_TMP/e5b"
	check "next run exits 0" [ $? -eq 0 ]
	check "next run swept the dead run's instance" [ ! -d $TRACEFS/instances/surftrace_$dead ]
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e5")"
fi
same_state "state restored by the next run" "$before"

# 6. SIGPIPE: the reader of our output goes away while events flow.
( for ((i = 0; i < 400; i++)); do /bin/true; sleep 0.01; done ) & gen=$!
"$ST" "$E" 2>"$LIVE_TMP/e6" | head -1 >"$LIVE_TMP/o6"
rc=${PIPESTATUS[0]}
kill $gen 2>/dev/null; wait $gen 2>/dev/null
check "SIGPIPE: an event got through first" [ -s "$LIVE_TMP/o6" ]
check "SIGPIPE: a closed pipe is a normal end, exit 0 (got $rc)" [ $rc -eq 0 ]
same_state "state restored after SIGPIPE" "$before"

# 7. -o FILE: a script that does the same without surftrace.
"$ST" -o "$LIVE_TMP/run.sh" "$P" "$E f:filename==\"$TARGET\""
check "-o exits 0" [ $? -eq 0 ]
same_state "-o writes nothing to tracefs" "$before"
check "script is valid sh" sh -n "$LIVE_TMP/run.sh"
mkfifo "$LIVE_TMP/f7"
cat "$LIVE_TMP/f7" >"$LIVE_TMP/o7" & cat7=$!
sh "$LIVE_TMP/run.sh" >"$LIVE_TMP/f7" 2>"$LIVE_TMP/e7" & sp=$!
own_pid $sp
if wait_ready $sp; then
	"$TARGET" 3 >"$LIVE_TMP/prog7"
	kill -TERM $sp; wait $sp; wait $cat7
	want=$(awk '{ printf "a=%s b=%s\n", $1, $2 }' "$LIVE_TMP/prog7")
	got=$(grep " p0: " "$LIVE_TMP/o7" | sed 's/.*) //')
	check "script traced what the program passed" [ "$want" = "$got" ]
	check "script traced the exec event" grep -q "sched_process_exec: filename=$TARGET " "$LIVE_TMP/o7"
else
	fail "script never became ready: $(head -3 "$LIVE_TMP/e7")"
	kill $sp 2>/dev/null; wait $sp; wait $cat7
fi
same_state "state restored after the script's trap" "$before"

# 7b. The same probe run by surftrace prints the lines the kernel's own trace_pipe printed
#     for the script (latency flags column, event, arguments; comm, pid, cpu and time
#     differ: the kernel may print "<...>" for a task its saved_cmdlines has not seen).
shape() { grep ' p0: ' "$1" | sed -E 's/^ *(.*)-[0-9]+ +\[[0-9]+\] ([^ ]+) +[0-9.]+: p0: \([^)]*\) /\2 /'; }
same_shape() { [ -n "$(shape "$1")" ] && [ "$(shape "$1")" = "$(shape "$2")" ]; }
st_bg "$LIVE_TMP/o7b" "$LIVE_TMP/e7b" "$P"
if wait_ready $ST_PID; then
	"$TARGET" 3 >/dev/null
	stop_wait $ST_PID INT
	check "lines as the kernel prints them: '$(shape "$LIVE_TMP/o7b" | head -1)' vs '$(shape "$LIVE_TMP/o7" | head -1)'" \
		same_shape "$LIVE_TMP/o7" "$LIVE_TMP/o7b"
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e7b")"
fi
same_state "state restored after the comparison run" "$before"

# 8. A killed script is swept like a killed run (its reader child must die first: it
#    holds the instance open).
sh "$LIVE_TMP/run.sh" >/dev/null 2>&1 & sp=$!
own_pid $sp
kids=
if wait_ready $sp; then
	# the reader (cat) starts right after tracing_on: wait until it is there
	for ((i = 0; i < 400; i++)); do
		kids=$(pgrep -P $sp)
		[ -n "$kids" ] && break
		sleep 0.02
	done
	kill -KILL $sp; wait $sp 2>/dev/null
	[ -n "$kids" ] && kill $kids 2>/dev/null
	for k in $kids; do while kill -0 $k 2>/dev/null; do sleep 0.02; done; done
	# every run sweeps dead runs' leftovers when it starts: a run of another suite may
	# have swept this one first; then there is nothing left for --cleanup to report
	had=0; [ -d "$TRACEFS/instances/surftrace_$sp" ] && had=1
	"$ST" --cleanup >"$LIVE_TMP/c8" 2>&1
	check "--cleanup removes a killed script's instance (there before: $had; $(tr '\n' ' ' <"$LIVE_TMP/c8"))" \
		bash -c "[ $had = 0 ] || grep -q 'instance surftrace_$sp\$' '$LIVE_TMP/c8'"
	check "the killed script's instance is gone" [ ! -d "$TRACEFS/instances/surftrace_$sp" ]
else
	fail "script never became ready"
	kill $sp 2>/dev/null; wait $sp
fi
same_state "state restored after a killed script" "$before"

# 9. -t in the script: it stops by itself, exit 0, nothing left.
"$ST" -t 0.3 -o "$LIVE_TMP/t.sh" "$P" "$E"
sh "$LIVE_TMP/t.sh" >/dev/null 2>"$LIVE_TMP/e9" & sp=$!
own_pid $sp
wait $sp
rc=$?
check "script with -t ends by itself with 0 (got $rc)" [ $rc -eq 0 ]
same_state "state restored after the script's timeout" "$before"

# 10. -n in the script: it stops by itself after COUNT events (with -s, each with its stack).
for sflag in "" -s; do
	"$ST" $sflag -n 2 -o "$LIVE_TMP/n.sh" "$P"
	sh "$LIVE_TMP/n.sh" >"$LIVE_TMP/o10" 2>"$LIVE_TMP/e10" & sp=$!
	own_pid $sp
	if wait_ready $sp; then
		"$TARGET" 4 >/dev/null
		for ((i = 0; i < 250; i++)); do kill -0 $sp 2>/dev/null || break; sleep 0.02; done
		if kill -0 $sp 2>/dev/null; then
			fail "script${sflag:+ $sflag} with -n 2 still running after 4 events"
			kill -TERM $sp; wait $sp
		else
			wait $sp; rc=$?
			check "script${sflag:+ $sflag} with -n 2 ends by itself with 0 (got $rc)" [ $rc -eq 0 ]
			n=$(grep -c ' p0: ' "$LIVE_TMP/o10")
			check "script${sflag:+ $sflag} printed exactly 2 events (got $n)" [ "$n" = 2 ]
			[ -n "$sflag" ] && check "script -s printed stack frames" grep -q '^ => ' "$LIVE_TMP/o10"
		fi
	else
		fail "script with -n never became ready: $(head -3 "$LIVE_TMP/e10")"
		kill $sp 2>/dev/null; wait $sp
	fi
	same_state "state restored after the script's -n${sflag:+ $sflag}" "$before"
done

# 11. A recycled pid: leftovers named after a pid that now belongs to a process started
#     after them (instance made an hour "before" it, by its mtime) are swept; the same
#     names with a fresh instance (a live run's) are not.
sleep 120 & rp=$!
own_pid $rp
off=$("$ST" -S "P $TARGET:st_target" | sed -nE 's/.*:(0x[0-9a-f]+).*/\1/p')
mkdir "$TRACEFS/instances/surftrace_$rp" && echo "p:surftrace_$rp/p0 $TARGET:$off" >>"$TRACEFS/uprobe_events"
"$ST" --cleanup >"$LIVE_TMP/c12a" 2>&1
check "live pid, fresh instance: --cleanup leaves it" [ -d "$TRACEFS/instances/surftrace_$rp" ]
touch -m -d '-1 hour' "$TRACEFS/instances/surftrace_$rp"
"$ST" --cleanup >"$LIVE_TMP/c12b" 2>&1
check "recycled pid: --cleanup removes the instance and the probe ($(tr '\n' ' ' <"$LIVE_TMP/c12b"))" \
	bash -c "grep -q 'instance surftrace_$rp\$' '$LIVE_TMP/c12b' && grep -q 'probe surftrace_$rp/p0' '$LIVE_TMP/c12b'"
kill $rp; wait $rp 2>/dev/null
rmdir "$TRACEFS/instances/surftrace_$rp" 2>/dev/null
echo "-:surftrace_$rp/p0" >>"$TRACEFS/uprobe_events" 2>/dev/null
same_state "state restored after the recycled-pid sweep" "$before"

tap_done
