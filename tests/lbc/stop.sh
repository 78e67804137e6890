#!/bin/bash
# SPDX-License-Identifier: MIT
# lbc stops like surftrace: not held by stdout (a reader that never reads, a second
# signal), on every terminating signal, with output errors as errors, and -n counts
# bpf_printk lines. After each run none of its programs (by name, loaded since the
# snapshot) and no lbc_PID instance may remain.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/_lib.sh"
need_lbc || { fail "build forker"; tap_done; exit 1; }

cat >"$T/sw.bpf.c" <<'C'
#include "lbc.h"
struct sw_ev { u32 pid; u32 cpu; };
LBC_PERF_OUTPUT(sw_events, struct sw_ev, 128);
SEC("tracepoint/sched/sched_switch")
int lbcstop_sw(void *ctx)
{
	struct sw_ev ev = { bpf_get_current_pid_tgid() >> 32, bpf_get_smp_processor_id() };
	bpf_perf_event_output(ctx, &sw_events, BPF_F_CURRENT_CPU, &ev, sizeof(ev));
	return 0;
}
char _license[] SEC("license") = "GPL";
C
cat >"$T/pk.bpf.c" <<'C'
#include "lbc.h"
SEC("tracepoint/sched/sched_process_fork")
int lbcstop_pk(void *ctx)
{
	char comm[16];

	/* only the suite's own forker: other processes fork all the time */
	bpf_get_current_comm(comm, sizeof(comm));
	if (comm[0] != 'l' || comm[1] != 'b' || comm[2] != 'c' || comm[3] != '_' ||
	    comm[4] != 'f' || comm[5] != 'o' || comm[6] != 'r' || comm[7] != 'k')
		return 0;
	bpf_printk("fork seen");
	return 0;
}
char _license[] SEC("license") = "GPL";
C
"$LBC" build -q "$T/sw.bpf.c" -o "$T/sw.o" && "$LBC" build -q "$T/pk.bpf.c" -o "$T/pk.o" ||
	{ fail "build the test programs"; tap_done; exit 1; }
now() { date +%s.%N; }
READER=""
trap 'kill $READER 2>/dev/null; lbc_cleanup' EXIT

# lbc_bg OUT ERR ARGS...: lbc run in the background (stdout to OUT), until attached.
lbc_bg() {
	local out=$1 err=$2 i; shift 2
	: >"$err"     # before the fork: the child truncates it only when it gets to run
	"$LBC" run "$@" >"$out" 2>"$err" &
	LBC_PID=$!
	for i in $(seq 300); do
		grep -q '^lbc: attached' "$err" && return 0
		kill -0 $LBC_PID 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
# wait_exit PID MAX: ST_RC = status, or "alive" (then SIGKILLed).
wait_exit() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
	if kill -0 "$1" 2>/dev/null; then kill -KILL "$1"; wait "$1" 2>/dev/null; ST_RC=alive
	else wait "$1"; ST_RC=$?; fi
}

# 1. stdout never read: SIGTERM ends the run within a few seconds.
mkfifo "$T/fifo"
sleep 600 <"$T/fifo" &
READER=$!
snap_before
if lbc_bg "$T/fifo" "$T/never.err" "$T/sw.o"; then
	snap_during lbcstop_sw
	sleep 1.5
	t0=$(now); kill -TERM $LBC_PID; wait_exit $LBC_PID 20; t1=$(now)
	check "stdout never read: SIGTERM ends lbc in $(awk -v a=$t0 -v b=$t1 'BEGIN{printf "%.1f", b-a}') s (<= 5), rc $ST_RC" \
		bash -c "[ '$ST_RC' = 0 ] && awk 'BEGIN { exit !($t1 - $t0 <= 5) }'"
	check_nothing_left "stdout never read"
else
	fail "stdout never read: lbc did not attach: $(head -2 "$T/never.err")"
fi
kill $READER 2>/dev/null; wait $READER 2>/dev/null; READER=""

# 1b. A second signal means now: no 2 s drain.
sleep 600 <"$T/fifo" &
READER=$!
snap_before
if lbc_bg "$T/fifo" "$T/twice.err" "$T/sw.o"; then
	snap_during lbcstop_sw
	sleep 1.5
	t0=$(now); kill -TERM $LBC_PID; sleep 0.2; kill -TERM $LBC_PID; wait_exit $LBC_PID 20; t1=$(now)
	check "second SIGTERM: lbc gone in $(awk -v a=$t0 -v b=$t1 'BEGIN{printf "%.1f", b-a}') s (<= 1.5), rc $ST_RC" \
		bash -c "[ '$ST_RC' = 0 ] && awk 'BEGIN { exit !($t1 - $t0 <= 1.5) }'"
	check_nothing_left "second SIGTERM"
else
	fail "second SIGTERM: lbc did not attach: $(head -2 "$T/twice.err")"
fi
kill $READER 2>/dev/null; wait $READER 2>/dev/null; READER=""

# 2. Terminating signals beyond INT/TERM: each stops lbc (rc 0) and unloads it.
for sig in USR1 USR2 XCPU XFSZ VTALRM PROF ALRM RTMIN SEGV; do
	snap_before
	if lbc_bg "$T/sig.out" "$T/sig.err" "$T/pk.o"; then
		snap_during lbcstop_pk
		kill -s "$sig" $LBC_PID
		wait_exit $LBC_PID 10
		check "SIG$sig: lbc stops, rc $ST_RC" [ "$ST_RC" = 0 ]
		check_nothing_left "SIG$sig"
	else
		fail "SIG$sig: lbc did not attach: $(head -2 "$T/sig.err")"
	fi
done

# 3. Output errors: events to /dev/full are an error, exit 1, one line. The run ends at
#    the first failed write, too fast to snapshot: it said "attached" (so it loaded) and
#    no lbcstop_sw program may remain afterwards.
n_sw() { bpf_ids prog | grep -c ' lbcstop_sw$'; }
n0=$(n_sw)
"$LBC" run -t 2 "$T/sw.o" >/dev/full 2>"$T/full.err"; rc=$?
check "stdout /dev/full: rc $rc, one line naming the error ($(grep -v '^lbc: attached' "$T/full.err" | head -1))" \
	bash -c "[ $rc = 1 ] && [ \$(grep -vc '^lbc: attached' '$T/full.err') = 1 ] && grep -q 'No space left on device' '$T/full.err'"
for i in $(seq 50); do [ "$(n_sw)" = "$n0" ] && break; sleep 0.1; done
check "stdout /dev/full: it had attached, and no lbcstop_sw program is left ($(n_sw) vs $n0 before)" \
	bash -c "grep -q '^lbc: attached' '$T/full.err' && [ $(n_sw) = $n0 ]"
"$LBC" run -t 1 "$T/sw.o" >&- 2>"$T/closed.err"; rc=$?
check "stdout closed: rc $rc, one line" \
	bash -c "[ $rc = 1 ] && [ \$(wc -l <'$T/closed.err') = 1 ] && grep -q 'stdout is closed' '$T/closed.err'"

# 4. -n counts bpf_printk lines: -n 3 prints exactly three and ends by itself.
snap_before
if lbc_bg "$T/pk.out" "$T/pk.err" -n 3 --no-maps "$T/pk.o"; then
	snap_during lbcstop_pk
	forker_run 8
	wait_exit $LBC_PID 10
	n=$(grep -c '^printk: .*fork seen' "$T/pk.out")
	check "-n 3 with 8 forks: exactly 3 printk lines ($n), exit 0 by itself ($ST_RC)" \
		[ "$n/$ST_RC" = 3/0 ]
	check_nothing_left "-n 3 printk"
else
	fail "-n printk: lbc did not attach: $(head -2 "$T/pk.err")"
fi

# 5. A SIGKILLed lbc leaves its printk instance lbc_PID: `surftrace --cleanup` sweeps it
#    (the same liveness rules as for surftrace's runs), and nothing else of lbc's.
snap_before
if lbc_bg "$T/k.out" "$T/k.err" "$T/pk.o"; then
	snap_during lbcstop_pk
	kill -KILL $LBC_PID; wait $LBC_PID 2>/dev/null
	left=$([ -d "$TRACEFS/instances/lbc_$LBC_PID" ] && echo yes || echo no)
	"$ST" --cleanup >"$T/k.clean" 2>&1
	check "SIGKILLed lbc: instance lbc_$LBC_PID (left: $left) removed by surftrace --cleanup" \
		bash -c "[ $left = yes ] && grep -qx 'removed instance lbc_$LBC_PID' '$T/k.clean' && [ ! -d '$TRACEFS/instances/lbc_$LBC_PID' ]"
	check_nothing_left "SIGKILLed lbc"
else
	fail "SIGKILL: lbc did not attach: $(head -2 "$T/k.err")"
fi

tap_done
