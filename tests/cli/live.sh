#!/bin/bash
# SPDX-License-Identifier: MIT
# Live CLI behaviour: the start line on stderr (and -q silencing it), -p/-c/--cpu scoping.
# Oracles: processes and CPUs this script chooses itself, the instance's tracefs files.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../live/lib_live.sh"
if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "live cli: needs root, tracefs and $ST"
	tap_done; exit 0
fi
pids=()

# 1. The start line: once, on stderr, after the probes are live; -q silences it.
"$ST" -t 0.2 'e sched/sched_switch' 'e sched/sched_wakeup' >/dev/null 2>"$LIVE_TMP/e1" & pids+=($!); wait $!
check "start line 'Tracing 2 probes... Hit Ctrl-C to end.'" \
	[ "$(cat "$LIVE_TMP/e1")" = "Tracing 2 probes... Hit Ctrl-C to end." ]
"$ST" -t 0.2 'e sched/sched_process_*' >/dev/null 2>"$LIVE_TMP/e2" & pids+=($!); wait $!
n=$(ls -d $TRACEFS/events/sched/sched_process_*/ | wc -l)
check "a glob counts its events ($n)" grep -qx "Tracing $n probes... Hit Ctrl-C to end." "$LIVE_TMP/e2"
"$ST" -q -t 0.2 'e sched/sched_switch' >/dev/null 2>"$LIVE_TMP/e3" & pids+=($!); wait $!
check "-q: nothing on stderr" [ ! -s "$LIVE_TMP/e3" ]

# held PID_VAR CMD...: start CMD held on a fifo (its pid is known before it runs); go releases.
held() {
	local v=$1; shift
	rm -f "$LIVE_TMP/go"; mkfifo "$LIVE_TMP/go"
	( read -r _ <"$LIVE_TMP/go"; exec "$@" ) >/dev/null &
	printf -v "$v" %s $!
}
go() { echo go >"$LIVE_TMP/go"; }
JT=$LIVE_TMP/jt
cc -g -O1 -o "$JT" "$ROOT/tests/cli/jsontarget.c" || fail "cannot build jsontarget"
UP="P $JT:st_json_target p=%0"

# 2. -p PID: only that process's events, uprobes included (the instance's set_event_pid);
#    a second run of the same binary is not traced.
held tpid "$JT" 0
st_bg "$LIVE_TMP/o4" "$LIVE_TMP/e4" -p "$tpid" "$UP" 'e sched/sched_process_exit'
if wait_ready $ST_PID; then
	check "-p: set_event_pid of the instance is the target" \
		[ "$(cat $TRACEFS/instances/surftrace_$ST_PID/set_event_pid)" = "$tpid" ]
	"$JT" 1 >/dev/null            # same binary, other pid: must not appear
	go; wait $tpid
	sleep 0.3
	stop_wait $ST_PID INT
	pids+=($ST_PID)
	check "-p: the uprobe hit of the target pid is there" grep -q -- "-$tpid .* p0: .* p=0xffff888012345679" "$LIVE_TMP/o4"
	check "-p: its exit event is there" grep -q "sched_process_exit: .* pid=$tpid " "$LIVE_TMP/o4"
	check "-p: nothing from any other pid ($(grep -vc -- "-$tpid " "$LIVE_TMP/o4") other lines)" \
		[ "$(grep -vc -- "-$tpid " "$LIVE_TMP/o4")" = 0 ]
else
	fail "-p run never became ready: $(head -3 "$LIVE_TMP/e4")"; go
fi

# 3. --follow: children forked after the start are traced too; without it they are not.
for follow in "" --follow; do
	held ppid sh -c "\"$JT\" 0 >/dev/null; \"$JT\" 1 >/dev/null"
	st_bg "$LIVE_TMP/o5" "$LIVE_TMP/e5" -p "$ppid" $follow "$UP"
	if wait_ready $ST_PID; then
		ef=$(cat $TRACEFS/instances/surftrace_$ST_PID/options/event-fork)
		go; wait $ppid; sleep 0.3
		stop_wait $ST_PID INT
		pids+=($ST_PID)
		n=$(grep -c " p0: " "$LIVE_TMP/o5")
		if [ -n "$follow" ]; then
			check "-p --follow: both children's uprobe hits ($n)" [ "$n" = 2 ]
			check "--follow sets the instance's options/event-fork" [ "$ef" = 1 ]
		else
			expect "-p without --follow: no child's hit ($n), event-fork $ef" \
				'[ "$n" = 0 ] && [ "$ef" = 0 ]'
		fi
	else
		fail "-p $follow never became ready: $(head -3 "$LIVE_TMP/e5")"; go
	fi
done

# 4. -c CMD: started after the probes are live (its very first call is seen), traced with
#    its children, the run ends when it exits, with its status.
"$ST" -q -c "sh -c '\"$JT\" 0; \"$JT\" 1; exit 7'" "$UP" >"$LIVE_TMP/o6" 2>"$LIVE_TMP/e6" & cpid=$!
wait $cpid; rc=$?
pids+=($cpid)
check "-c: exit status is the command's (7, got $rc)" [ $rc = 7 ]
check "-c: the children's calls are traced (2 hits)" [ "$(grep -c ' p0: ' "$LIVE_TMP/o6")" = 2 ]
check "-c: the command's own output passes through" grep -q "^0xffff888012345679 636166c3a9" "$LIVE_TMP/o6"
"$ST" -q -c "$JT 0" "$UP" >"$LIVE_TMP/o7" 2>&1 & cpid=$!; wait $cpid; rc=$?; pids+=($cpid)
expect "-c: a call at the command's start is seen (exit 0)" \
	'[ $rc = 0 ] && grep -q " p0: " "$LIVE_TMP/o7"'
# a command that cannot run is refused before anything is traced: no event of the
# forked child that could not exec (its exit would be a sched_process_exit)
for miss in "$LIVE_TMP/no such" no_such_command_st; do
	"$ST" -q -c "$miss" 'e sched/sched_process_exit' >"$LIVE_TMP/o8" 2>"$LIVE_TMP/e8" & cpid=$!; wait $cpid; rc=$?; pids+=($cpid)
	expect "-c of a missing command ($miss): one line, exit 127, nothing traced ($(wc -l <"$LIVE_TMP/o8") lines)" \
		'[ $rc = 127 ] && [ "$(wc -l <"$LIVE_TMP/e8")" = 1 ] && grep -q "cannot run" "$LIVE_TMP/e8" && [ ! -s "$LIVE_TMP/o8" ]'
done
"$ST" -q -t 0.3 -c "sleep 30" 'e sched/sched_process_exit' >/dev/null 2>&1 & cpid=$!; wait $cpid; rc=$?; pids+=($cpid)
check "-c with -t: a command still running gets SIGTERM (exit 143, got $rc)" [ $rc = 143 ]

# 4b. -c with an aggregation (answers): exactly the command's calls are counted (its end
#     must not cut the final drain), and its status is the run's.
"$ST" -q -c "sh -c '\"$JT\" 0 >/dev/null; \"$JT\" 1 >/dev/null; \"$JT\" 0 >/dev/null; exit 4'" \
	--count comm "$UP" >"$LIVE_TMP/o10" 2>"$LIVE_TMP/e10" & cpid=$!; wait $cpid; rc=$?; pids+=($cpid)
total=$(LC_ALL=C sed -nE 's/^@count\[.*\]: ([0-9]+)$/\1/p' "$LIVE_TMP/o10" | paste -sd+ | bc 2>/dev/null)
expect "-c --count: the 3 calls the command made are counted ($total), exit 4 (got $rc)" \
	'[ "$total" = 3 ] && [ $rc = 4 ]'

# 5. --cpu: events of the chosen CPU only, from the instance's tracing_cpumask.
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	GEN=$LIVE_TMP/stcpu$$; cp "$ROOT/$B/bench/getppid_loop" "$GEN"
	held g0 taskset -c 0 "$GEN" 300
	held_first=$g0
	rm -f "$LIVE_TMP/go1"; mkfifo "$LIVE_TMP/go1"
	( read -r _ <"$LIVE_TMP/go1"; exec taskset -c 1 "$GEN" 200 >/dev/null ) & g1=$!
	st_bg "$LIVE_TMP/o9" "$LIVE_TMP/e9" --cpu 1 "e syscalls/sys_enter_getppid f:common_pid==$g0||common_pid==$g1"
	if wait_ready $ST_PID syscalls/sys_enter_getppid; then
		check "--cpu 1: tracing_cpumask is 2" \
			[ "$(cat $TRACEFS/instances/surftrace_$ST_PID/tracing_cpumask)" = 2 ]
		go; echo go >"$LIVE_TMP/go1"; wait $g0 $g1; sleep 0.3
		stop_wait $ST_PID INT
		pids+=($ST_PID)
		check "--cpu 1: all 200 calls made on cpu 1 are there" [ "$(grep -c -- "-$g1 .*\[001\]" "$LIVE_TMP/o9")" = 200 ]
		check "--cpu 1: none of the 300 made on cpu 0" [ "$(grep -c -- "-$held_first " "$LIVE_TMP/o9")" = 0 ]
	else
		fail "--cpu never became ready: $(head -3 "$LIVE_TMP/e9")"; go; echo go >"$LIVE_TMP/go1"
	fi
else
	skip "--cpu needs 2 CPUs and taskset"
fi

# 10. -p: the run ends by itself once every process it scopes has exited (perf record -p,
#     bpftrace -p): still running while one of two lives, exit 0 after the last, for a trace
#     and for an answer (printed at that end).
for mode in trace count; do
	sleep 100 & pa=$!
	sleep 100 & pb=$!
	if [ $mode = count ]; then
		st_bg "$LIVE_TMP/o10" "$LIVE_TMP/e10" -p "$pa,$pb" --count event 'e sched/sched_process_exit'
	else
		st_bg "$LIVE_TMP/o10" "$LIVE_TMP/e10" -p "$pa,$pb" 'e sched/sched_process_exit'
	fi
	if wait_ready $ST_PID sched/sched_process_exit; then
		kill $pa; wait $pa 2>/dev/null
		sleep 0.5
		check "-p ($mode): still running while $pb lives" kill -0 $ST_PID
		kill $pb; wait $pb 2>/dev/null
		for _ in $(seq 200); do kill -0 $ST_PID 2>/dev/null || break; sleep 0.05; done
		if kill -0 $ST_PID 2>/dev/null; then
			fail "-p ($mode): still running 10 s after both processes exited"
			stop_wait $ST_PID INT
		else
			wait $ST_PID; rc=$?
			check "-p ($mode): ended by itself with exit 0 (got $rc)" [ $rc = 0 ]
			if [ $mode = count ]; then
				check "-p (count): the answer counts both exits ($(grep "^@" "$LIVE_TMP/o10" | tr "\n" " "))" grep -q '^@count\[sched_process_exit\]: 2$' "$LIVE_TMP/o10"
			else
				check "-p (trace): both exits printed" [ "$(grep -c "sched_process_exit: comm=sleep" "$LIVE_TMP/o10")" = 2 ]
			fi
		fi
	else
		fail "-p ($mode) never became ready: $(head -3 "$LIVE_TMP/e10")"
		kill $pa $pb 2>/dev/null
	fi
	pids+=($ST_PID)
done

run_gone "nothing left of the runs" "${pids[@]}"
tap_done
