#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs in pid namespaces (containers): every container's first process is pid 1, so names
# carry the namespace (surftrace_1_n<inode of the pid namespace>). Two concurrent
# containers' runs both work and clean up; neither a container's --cleanup nor the host's
# touches a live run of another namespace; the host sweeps a SIGKILLed container's run;
# an existing instance under our own name is not swept while its maker may be alive.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_live.sh"

if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "live pidns: needs root, tracefs and $ST"
	tap_done; exit 0
fi
if ! unshare --pid --fork --mount-proc true 2>/dev/null; then
	skip "live pidns: unshare --pid --fork --mount-proc does not work here"
	tap_done; exit 0
fi
E="e sched/sched_process_exec"
PIDS=""
trap 'for p in $PIDS; do kill -KILL $p 2>/dev/null; done; wait 2>/dev/null; live_cleanup' EXIT

# ns_run OUT ERR ARGS...: surftrace ARGS as pid 1 of a new pid namespace; NS_PID is the
# unshare process, NS_INIT surftrace's pid here, NS_NAME the name its run must have.
ns_run() {
	local out=$1 err=$2 i
	shift 2
	unshare --pid --fork --mount-proc "$ST" "$@" >"$out" 2>"$err" &
	NS_PID=$!
	PIDS="$PIDS $NS_PID"
	NS_INIT=
	for ((i = 0; i < 200; i++)); do
		NS_INIT=$(cat /proc/$NS_PID/task/$NS_PID/children 2>/dev/null | awk '{print $1}')
		[ -n "$NS_INIT" ] && break
		sleep 0.02
	done
	NS_NAME=surftrace_1_n$(stat -L -c %i /proc/$NS_INIT/ns/pid 2>/dev/null)
}
# ready NAME: until the run's instance has the exec event enabled and tracing on.
ready() {
	local i I=$TRACEFS/instances/$1
	for ((i = 0; i < 400; i++)); do
		[ "$(cat $I/events/sched/sched_process_exec/enable $I/tracing_on 2>/dev/null | tr -d '\n')" = 11 ] && return 0
		sleep 0.05
	done
	return 1
}
gone() { [ ! -e "$TRACEFS/instances/$1" ] && [ ! -e "$TRACEFS/events/$1" ]; }

# 1. Two containers' runs at once, both pid 1.
ns_run "$LIVE_TMP/a.out" "$LIVE_TMP/a.err" -q -t 4 "$E"
A=$NS_PID A_NAME=$NS_NAME
ns_run "$LIVE_TMP/b.out" "$LIVE_TMP/b.err" -q -t 8 "$E"
B=$NS_PID B_NAME=$NS_NAME
ready "$A_NAME" && ra=ok || ra=no
ready "$B_NAME" && rb=ok || rb=no
check "two containers' runs both set up, as $A_NAME and $B_NAME (ready: $ra $rb)" \
	bash -c "[ $ra/$rb = ok/ok ] && [ '$A_NAME' != '$B_NAME' ]"
cp /bin/true "$LIVE_TMP/pidns_mark"
for i in 1 2 3; do "$LIVE_TMP/pidns_mark"; done

# 2. While B runs: a third container's --cleanup and the host's leave it alone.
unshare --pid --fork --mount-proc "$ST" --cleanup >"$LIVE_TMP/c.out" 2>&1
check "a container's --cleanup does not touch another container's live run" \
	bash -c "[ -e '$TRACEFS/instances/$B_NAME' ] && ! grep -q '$B_NAME' '$LIVE_TMP/c.out'"
"$ST" --cleanup >"$LIVE_TMP/h.out" 2>&1
check "the host's --cleanup does not touch a live container's run" \
	bash -c "[ -e '$TRACEFS/instances/$B_NAME' ] && ! grep -q '$B_NAME' '$LIVE_TMP/h.out'"

wait $A; rca=$?
wait $B; rcb=$?
na=$(grep -c 'pidns_mark' "$LIVE_TMP/a.out")
nb=$(grep -c 'pidns_mark' "$LIVE_TMP/b.out")
check "both exit 0 (rc $rca $rcb) and each saw the 3 execs ($na, $nb); no 'File exists'" \
	bash -c "[ $rca/$rcb = 0/0 ] && [ $na = 3 ] && [ $nb = 3 ] && ! grep -q 'File exists' '$LIVE_TMP/a.err' '$LIVE_TMP/b.err'"
check "nothing of either run left" bash -c "$(declare -f gone); TRACEFS=$TRACEFS; gone $A_NAME && gone $B_NAME"

# 3. A SIGKILLed container (its pid 1 killed, the namespace gone) is swept by the host.
ns_run "$LIVE_TMP/k.out" "$LIVE_TMP/k.err" -q "$E"
K_NAME=$NS_NAME
ready "$K_NAME"
kill -KILL $NS_INIT; wait $NS_PID 2>/dev/null
left=$([ -e "$TRACEFS/instances/$K_NAME" ] && echo yes || echo no)
"$ST" --cleanup >"$LIVE_TMP/k.clean" 2>&1
check "SIGKILLed container run (left: $left) swept by the host's --cleanup" \
	bash -c "[ $left = yes ] && grep -q 'removed instance $K_NAME' '$LIVE_TMP/k.clean' && [ ! -e '$TRACEFS/instances/$K_NAME' ]"

# 4. An instance already there under the exact name a run is about to take, made just
#    now by the live process that becomes the run (pid 1 of its namespace makes it, then
#    execs surftrace): the run refuses with one line and leaves it alone, since its maker
#    may be alive; it is not swept on EEXIST.
unshare --pid --fork --mount-proc sh -c '
	n=surftrace_1_n$(stat -L -c %i /proc/self/ns/pid)
	echo $n >'"$LIVE_TMP"'/x.name
	mkdir '"$TRACEFS"'/instances/$n || exit 9
	exec "$0" -q -t 1 "e sched/sched_process_exec"' "$ST" >/dev/null 2>"$LIVE_TMP/x.err"
xrc=$?
X_NAME=$(cat "$LIVE_TMP/x.name")
xkept=$([ -d "$TRACEFS/instances/$X_NAME" ] && echo kept || echo swept)
rmdir "$TRACEFS/instances/$X_NAME" 2>/dev/null
check "existing fresh instance under our own name: refused (rc $xrc: $(head -1 "$LIVE_TMP/x.err" | cut -c1-60)...), $xkept" \
	bash -c "[ '$xrc' = 1 ] && [ '$xkept' = kept ] && [ \$(wc -l <'$LIVE_TMP/x.err') = 1 ] && grep -q 'already exists' '$LIVE_TMP/x.err'"

# 5. The -o script names its instance the same way inside a container.
"$ST" -o "$LIVE_TMP/run.sh" "$E" 2>/dev/null
unshare --pid --fork --mount-proc sh "$LIVE_TMP/run.sh" >"$LIVE_TMP/s.out" 2>&1 &
U=$!
PIDS="$PIDS $U"
for ((i = 0; i < 100; i++)); do
	S_INIT=$(cat /proc/$U/task/$U/children 2>/dev/null | awk '{print $1}')
	[ -n "$S_INIT" ] && break
	sleep 0.02
done
S_NAME=surftrace_1_n$(stat -L -c %i /proc/$S_INIT/ns/pid 2>/dev/null)
ready "$S_NAME" && sr=ok || sr=no
kill -TERM "$S_INIT"; wait $U
check "-o script in a container: instance $S_NAME (ready: $sr), removed on SIGTERM" \
	bash -c "[ $sr = ok ] && [ ! -e '$TRACEFS/instances/$S_NAME' ]"

tap_done
