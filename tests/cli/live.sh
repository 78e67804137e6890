#!/bin/bash
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

run_gone "nothing left of the runs" "${pids[@]}"
tap_done
