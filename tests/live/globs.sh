#!/bin/bash
# SPDX-License-Identifier: MIT
# `e` globs must not pin other runs: with run A tracing a uprobe (group surftrace_A), run
# B's `e surftrace_A/*` or `e surftrace_A/p0` is refused at translation, `e surf*/*` never
# reaches A's group, `e */*` works and leaves A alone; A then tears down cleanly. A probe
# pinned by some other instance is reported once, naming that instance.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_live.sh"

if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "live globs: needs root, tracefs and $ST"
	tap_done; exit 0
fi
if ! build_target; then
	fail "cannot build the target program"
	tap_done; exit 1
fi
PIN=""
trap '[ -n "$PIN" ] && rmdir "$PIN" 2>/dev/null; kill $A 2>/dev/null; wait 2>/dev/null; live_cleanup' EXIT
# a_pinned: whether any other instance has A's probe enabled.
a_pinned() { grep -l 1 "$TRACEFS"/instances/*/events/surftrace_$A/p0/enable 2>/dev/null | grep -v "/surftrace_$A/events/" | head -1; }

st_bg "$LIVE_TMP/a.out" "$LIVE_TMP/a.err" -q "P $TARGET:st_target a=%0"
A=$ST_PID
wait_ready $A || fail "run A never got ready"

# 1-2. Another run's group named exactly: refused with the column, nothing enabled.
for e in "e surftrace_$A/*" "e surftrace_$A/p0"; do
	"$ST" -q -t 1 "$e" >/dev/null 2>"$LIVE_TMP/b.err"; rc=$?
	check "'$e' refused (rc $rc): $(head -1 "$LIVE_TMP/b.err" | cut -c1-80)" \
		bash -c "[ $rc = 2 ] && grep -q 'probe group of a surftrace/lbc run' '$LIVE_TMP/b.err' && [ -z '$(a_pinned)' ]"
done

# 3. A glob over groups never reaches runs' groups.
"$ST" -q -t 1 "e surf*/*" >/dev/null 2>"$LIVE_TMP/c.err"; rc=$?
check "'e surf*/*' matches no run's group (rc $rc): $(head -1 "$LIVE_TMP/c.err" | cut -c1-90)" \
	bash -c "[ $rc = 1 ] && grep -q 'groups of surftrace/lbc runs are never matched' '$LIVE_TMP/c.err' && [ -z '$(a_pinned)' ]"

# 4. `e */*`: every other enableable event, not A's (checked while it runs).
"$ST" -q -t 3 "e */*" >/dev/null 2>"$LIVE_TMP/d.err" &
D=$!
for i in $(seq 100); do [ "$(cat "$TRACEFS/instances/surftrace_$D/tracing_on" 2>/dev/null)" = 1 ] && break; sleep 0.05; done
dpin=$(cat "$TRACEFS/instances/surftrace_$D/events/surftrace_$A/p0/enable" 2>/dev/null || echo absent)
nen=$(cat "$TRACEFS"/instances/surftrace_$D/events/sched/*/enable 2>/dev/null | grep -c 1)
wait $D; rc=$?
check "'e */*' runs (rc $rc, $nen sched events on) without A's probe (its enable in D: $dpin)" \
	bash -c "[ $rc = 0 ] && [ $nen -gt 5 ] && [ '$dpin' = 0 ]"

# 5. A still tears down cleanly after all that.
"$TARGET" 2 >/dev/null
stop_wait $A INT
check "run A stops with rc $ST_RC and no error line" \
	bash -c "[ $ST_RC = 0 ] && [ ! -s '$LIVE_TMP/a.err' ]"
run_gone "run A: nothing left" $A

# 6. Pinned by another instance (as an old run's glob or another tool would): the
#    teardown failure is printed once, naming that instance; --cleanup removes the probe
#    once the instance lets go.
st_bg "$LIVE_TMP/e.out" "$LIVE_TMP/e.err" -q "P $TARGET:st_target"
A=$ST_PID
wait_ready $A
PIN=$TRACEFS/instances/pin_$$
mkdir "$PIN" && echo 1 >"$PIN/events/surftrace_$A/p0/enable"
stop_wait $A INT
lines=$(wc -l <"$LIVE_TMP/e.err")
check "pinned probe: rc $ST_RC, $lines line(s): $(head -1 "$LIVE_TMP/e.err" | cut -c1-110)" \
	bash -c "[ $ST_RC = 1 ] && [ $lines = 1 ] && grep -q \"cannot remove probe surftrace_$A/p0: .*enabled in ftrace instance 'pin_$$'\" '$LIVE_TMP/e.err'"
echo 0 >"$PIN/events/surftrace_$A/p0/enable"; rmdir "$PIN"; PIN=""
"$ST" --cleanup >"$LIVE_TMP/e.clean" 2>&1
check "--cleanup removes it once the pin is gone" grep -q "removed probe surftrace_$A/p0" "$LIVE_TMP/e.clean"
run_gone "pinned run: nothing left after --cleanup" $A

# 7. The -o script skips runs' groups in a group glob the same way.
"$ST" -o "$LIVE_TMP/s.sh" "e sch*/sched_switch" 2>/dev/null
check "-o script: a group glob skips surftrace_*/lbc_* groups" \
	grep -q 'surftrace_\[0-9\]\*|lbc_\[0-9\]\*) continue' "$LIVE_TMP/s.sh"

tap_done
