#!/bin/bash
# SPDX-License-Identifier: MIT
# Stopping does not depend on stdout, every terminating signal tears down, output errors
# are errors. Each case asserts on its own run only (surftrace_PID): its exit status, how
# long the stop took, and that its instance, group and probes are gone.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_live.sh"

if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "live stop: needs root, tracefs and $ST"
	tap_done; exit 0
fi
E="e sched/sched_switch"       # busy enough to fill any pipe within a second
READERS=""
stop_readers() { local p; for p in $READERS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap 'stop_readers; live_cleanup' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
within() { awk -v a="$1" -v b="$2" -v m="$3" 'BEGIN { exit !(b - a <= m) }'; }
# wait_exit PID MAX: waits up to MAX seconds for PID to end; ST_RC its status (or
# "alive": then it is SIGKILLed, its leftovers swept, and the case fails).
wait_exit() {
	local pid=$1 max=$2 i
	for ((i = 0; i < max * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		"$ST" --cleanup >/dev/null
		ST_RC=alive
	else
		wait "$pid"
		ST_RC=$?
	fi
}

# 1-2. A reader that never reads (a fifo whose reader only sleeps) and one that reads
#      10 KB/s: SIGTERM ends the run within a few seconds (the drain after a stop is
#      bounded), exit 0, what could not be written is reported, nothing left.
slow_reader() { while head -c 1000 >/dev/null; do sleep 0.1; done; }
for kind in never slow; do
	F=$LIVE_TMP/fifo.$kind
	mkfifo "$F"
	if [ $kind = never ]; then sleep 600 <"$F" & else slow_reader <"$F" & fi
	READERS="$READERS $!"
	"$ST" -q "$E" >"$F" 2>"$LIVE_TMP/err.$kind" &
	pid=$!
	wait_ready $pid sched/sched_switch || fail "$kind reader: run never got ready"
	sleep 1.5                     # the pipe is full by now, the run blocked on it
	t0=$(now)
	kill -TERM $pid
	wait_exit $pid 20
	t1=$(now)
	check "stdout $kind read: SIGTERM ends the run in $(secs $t0 $t1) s (<= 5), rc $ST_RC" \
		bash -c "[ '$ST_RC' = 0 ] && awk 'BEGIN { exit !($t1 - $t0 <= 5) }'"
	check "stdout $kind read: the bytes left unwritten are reported" \
		grep -q "stdout did not take the output within 2 s of the stop" "$LIVE_TMP/err.$kind"
	run_gone "stdout $kind read: nothing of the run left" $pid
done

# 3. A second signal means now: no 2 s drain.
F=$LIVE_TMP/fifo.twice
mkfifo "$F"
sleep 600 <"$F" &
READERS="$READERS $!"
"$ST" -q "$E" >"$F" 2>/dev/null &
pid=$!
wait_ready $pid sched/sched_switch
sleep 1
t0=$(now)
kill -INT $pid; sleep 0.2; kill -INT $pid
wait_exit $pid 20
t1=$(now)
check "second SIGINT: torn down at once ($(secs $t0 $t1) s <= 1.5), rc $ST_RC" \
	bash -c "[ '$ST_RC' = 0 ] && awk 'BEGIN { exit !($t1 - $t0 <= 1.5) }'"
run_gone "second SIGINT: nothing of the run left" $pid

# 4. A stop during a long setup ends the setup: frozen after its first probes, the run
#    gets SIGTERM and continues; it must stop within a probe or two of where it was and
#    remove only those (each enabled uprobe costs the kernel ~50 ms to remove).
N=2000
{ for ((i = 0; i < N; i++)); do echo "int f$i(int x) { return x * $i + 1; }"; done
  echo 'int main(int c, char **v) { (void)v; return f0(c) & 1; }'; } >"$LIVE_TMP/many.c"
if cc -O0 -o "$LIVE_TMP/many" "$LIVE_TMP/many.c"; then
	for ((i = 0; i < N; i++)); do echo "P $LIVE_TMP/many:f$i"; done >"$LIVE_TMP/many.surf"
	"$ST" -q -f "$LIVE_TMP/many.surf" >/dev/null 2>"$LIVE_TMP/err.many" &
	pid=$!
	for ((i = 0; i < 2000; i++)); do
		[ -n "$(ls "$TRACEFS/events/surftrace_$pid" 2>/dev/null | head -1)" ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.005
	done
	kill -STOP $pid
	k0=$(grep -c "^p:surftrace_$pid/" "$TRACEFS/uprobe_events")
	t0=$(now)
	kill -TERM $pid; kill -CONT $pid
	wait_exit $pid 60
	t1=$(now)
	k=$(sed -n 's/.*stopped by a signal during setup (\([0-9]*\) of.*/\1/p' "$LIVE_TMP/err.many")
	check "SIGTERM during the setup of $N uprobes: stopped after ${k:-?} (frozen at $k0), rc $ST_RC, $(secs $t0 $t1) s" \
		bash -c "[ '$ST_RC' = 1 ] && [ -n '$k' ] && [ '$k' -le $((k0 + 2)) ] && [ '$k' -lt $N ]"
	run_gone "SIGTERM during setup: nothing of the run left" $pid
else
	fail "cannot build the many-functions target"
fi

# 5. Every signal whose default action ends a process tears the run down (exit 0),
#    including a SIGSEGV sent by another process.
for sig in HUP INT QUIT TERM PIPE ALRM USR1 USR2 XCPU XFSZ VTALRM PROF STKFLT PWR IO \
	   RTMIN RTMIN+7 RTMAX SEGV BUS ABRT; do
	"$ST" -q "$E" >/dev/null 2>"$LIVE_TMP/err.sig" &
	pid=$!
	wait_ready $pid sched/sched_switch
	kill -s "$sig" $pid 2>/dev/null || kill -"$sig" $pid
	wait_exit $pid 10
	if [ "$ST_RC" = 0 ] && [ ! -e "$TRACEFS/instances/surftrace_$pid" ]; then
		ok "SIG$sig: run stopped, rc 0, instance removed"
	else
		fail "SIG$sig: rc $ST_RC, instance $(ls -d "$TRACEFS/instances/surftrace_$pid" 2>/dev/null || echo gone): $(head -1 "$LIVE_TMP/err.sig")"
		"$ST" --cleanup >/dev/null
	fi
done

# 6. An inherited SIG_IGN for SIGHUP (nohup) is kept: HUP does not stop the run, TERM does.
(trap '' HUP; exec "$ST" -q "$E" >/dev/null 2>&1) &
pid=$!
wait_ready $pid sched/sched_switch
kill -HUP $pid; sleep 0.5
alive=$(kill -0 $pid 2>/dev/null && echo yes || echo no)
kill -TERM $pid
wait_exit $pid 10
check "nohup: SIGHUP ignored (alive after it: $alive), SIGTERM then stops it (rc $ST_RC)" \
	[ "$alive/$ST_RC" = yes/0 ]
run_gone "nohup: nothing of the run left" $pid

# 7. Output errors are errors: a full device, a closed stdout.
"$ST" -q -t 2 "$E" >/dev/full 2>"$LIVE_TMP/err.full" &
pid=$!
wait "$pid"; rc=$?
check "stdout /dev/full: exit 1 with one line naming the error (rc $rc: $(head -1 "$LIVE_TMP/err.full"))" \
	bash -c "[ $rc = 1 ] && [ \$(wc -l <'$LIVE_TMP/err.full') = 1 ] && grep -q 'No space left on device' '$LIVE_TMP/err.full'"
run_gone "stdout /dev/full: nothing of the run left" $pid
"$ST" -q -t 1 "$E" >&- 2>"$LIVE_TMP/err.closed" &
pid=$!
wait "$pid"; rc=$?
check "stdout closed: exit 1 with one line (rc $rc: $(head -1 "$LIVE_TMP/err.closed"))" \
	bash -c "[ $rc = 1 ] && [ \$(wc -l <'$LIVE_TMP/err.closed') = 1 ] && grep -q 'stdout is closed' '$LIVE_TMP/err.closed'"
run_gone "stdout closed: nothing of the run left" $pid
"$ST" -S "$E" >/dev/full 2>"$LIVE_TMP/err.sfull"; rc=$?
check "-S to /dev/full: exit 1, one line (rc $rc)" \
	bash -c "[ $rc = 1 ] && [ \$(wc -l <'$LIVE_TMP/err.sfull') = 1 ]"
"$ST" -q "$E" 2>/dev/null | head -1 >/dev/null
rc=${PIPESTATUS[0]}
check "a reader that leaves (head -1) is an ordinary end: rc $rc" [ "$rc" = 0 ]

tap_done
