#!/bin/bash
# SPDX-License-Identifier: MIT
# Never trace ourselves (issue 16 item 2): with every syscall entry event enabled, the
# reader's own read/write calls must not become events (each would make more: before the
# fix `-t 1` ran 3.4 s and printed 830,000 lines of itself). A workload the test runs is
# seen (the tracing works), no event line carries surftrace's pid, the run ends about a
# second after -t, and the instance's set_event_notrace_pid holds surftrace's pid (and the
# -o script's shell pid) while it runs. Only our own instance is looked at.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_live.sh"

if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "self tracing: needs root, tracefs and $ST"
	tap_done; exit 0
fi
if [ ! -e $TRACEFS/set_event_notrace_pid ]; then
	skip "this kernel has no set_event_notrace_pid (before 5.8)"
	tap_done; exit 0
fi
# lines of task PID in FILE ("comm-PID [cpu] ...")
lines_of() { grep -cE "^ *.+-$1 +\[[0-9]+\]" "$2"; }

# 1. The CLI: all sys_enter_* events for 1 s while a workload of ours runs.
t0=$(date +%s%N)
"$ST" -t 1 'e syscalls/sys_enter_*' >"$LIVE_TMP/o1" 2>"$LIVE_TMP/e1" & sp=$!
wait_ready $sp syscalls/sys_enter_openat
notrace=$(cat $TRACEFS/instances/surftrace_$sp/set_event_notrace_pid 2>/dev/null | tr "\n" " ")
( for i in $(seq 20); do cat /dev/null; done; exec sleep 0.3 ) & wp=$!
wait $wp
wait $sp; rc=$?
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
echo "# -t 1 with every sys_enter_* event: ${ms} ms, $(wc -l <"$LIVE_TMP/o1") lines, $(lines_of $sp "$LIVE_TMP/o1") of surftrace itself"
check "run with -t 1 exits 0 (rc $rc)" [ $rc -eq 0 ]
expect "the instance's set_event_notrace_pid held surftrace's pid ($notrace)" \
	'printf "%s\n" $notrace | grep -qx "$sp"'
expect "the workload's syscalls were traced ($(lines_of $wp "$LIVE_TMP/o1") lines)" '[ "$(lines_of $wp "$LIVE_TMP/o1")" -gt 0 ]'
check "no event of surftrace itself" [ "$(lines_of $sp "$LIVE_TMP/o1")" -eq 0 ]
# setup of the ~360 events takes a few hundred ms; feeding on itself took seconds more
check "exits within a second of -t (${ms} ms from start, setup included)" [ $ms -lt 2500 ]
check "nothing of the run left" [ ! -e $TRACEFS/instances/surftrace_$sp ]

# 2. The -o script: its shell and what it forks (the reader) are excluded the same way.
"$ST" -t 1 -o "$LIVE_TMP/s.sh" 'e syscalls/sys_enter_*'
sh "$LIVE_TMP/s.sh" >"$LIVE_TMP/o2" 2>"$LIVE_TMP/e2" & shp=$!
wait_ready $shp syscalls/sys_enter_openat
notrace=$(cat $TRACEFS/instances/surftrace_$shp/set_event_notrace_pid 2>/dev/null | tr "\n" " ")
reader=$(pgrep -P $shp -x cat)
wait $shp; rc=$?
expect "script: its shell's pid in set_event_notrace_pid ($notrace)" 'printf "%s\n" $notrace | grep -qx "$shp"'
check "script: no event of its own shell" [ "$(lines_of $shp "$LIVE_TMP/o2")" -eq 0 ]
expect "script: no event of its reader (cat $reader)" '[ -n "$reader" ] && [ "$(lines_of "$reader" "$LIVE_TMP/o2")" -eq 0 ]'
check "script: nothing left" [ ! -e $TRACEFS/instances/surftrace_$shp ]
tap_done
