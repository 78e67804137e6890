#!/bin/bash
# SPDX-License-Identifier: MIT
# liblbc features beyond the seed's examples, run for real: a uprobe with a ring buffer,
# log2 and linear histograms, user stacks symbolized through ELF symbols, a perf_event
# sampler, per-CPU listing, JSON map dumps, and stopping by -t, -n and SIGTERM.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/_lib.sh"
need_lbc || { fail "build forker"; tap_done; exit 1; }

# The uprobe target path is part of SEC(), so the program is written for this run's forker.
cat >"$T/uprobe.bpf.c" <<C
#include "lbc.h"
struct tick_ev {
	u32 pid;
	s32 i;
	s32 ustack_id;
};
LBC_RINGBUF(ticks, struct tick_ev, 1 << 16);
LBC_STACK(stacks, 256);
LBC_HIST_LOG2(i_log2);
LBC_HIST_LINEAR(i_lin, 10, 2);

SEC("uprobe/$T/lbc_forker:lbc_forker_tick")
int BPF_KPROBE(on_tick, int i)
{
	struct tick_ev ev = {};

	ev.pid = bpf_get_current_pid_tgid() >> 32;
	ev.i = i;
	ev.ustack_id = bpf_get_stackid(ctx, &stacks, USER_STACKID_FLAGS);
	lbc_ringbuf_output(&ticks, &ev);
	lbc_hist_log2_inc(&i_log2, (u64)i);
	lbc_hist_linear_inc(&i_lin, (u64)i, 2, 10);
	return 0;
}
char _license[] SEC("license") = "GPL";
C
snap_before
if lbc_start up "$T/uprobe.bpf.c"; then
	snap_during on_tick
	# The forker stays alive until lbc has read (and symbolized) its stacks.
	rm -f "$T/go" "$T/end"
	"$T/lbc_forker" 6 "$T/go" "$T/end" >"$T/kids" &
	FORKER_PID=$!
	touch "$T/go"
	for i in $(seq 100); do [ "$(grep -c '^pid=' "$T/up.out")" -ge 6 ] && break; sleep 0.1; done
	lbc_stop; rc=$?
	touch "$T/end"; wait $FORKER_PID
	check "uprobe: exit 0 after SIGINT (got $rc)" [ $rc = 0 ]
	n=0
	for i in 0 1 2 3 4 5; do
		grep -q "^pid=$FORKER_PID i=$i ustack_id=[0-9]*$" "$T/up.out" && n=$((n+1))
	done
	check "uprobe+ringbuf: one record per call, i=0..5 from pid $FORKER_PID ($n/6)" [ $n = 6 ]
	# At function entry the frame-pointer walk sees the probed function, then (its caller's
	# frame not being set up yet) the caller's caller in libc.
	check "user stack: first frame symbolized from the forker's ELF symbols" \
		grep -q '^    lbc_forker_tick+0x0 (lbc_forker)$' "$T/up.out"
	check "user stack: outer frame mapped to libc through /proc/PID/maps" \
		grep -q '^    .* (libc\.so\.6)$' "$T/up.out"
	# log2: bucket 0 holds 0, bucket k holds [2^(k-1), 2^k): 0 | 1 | 2,3 | 4,5
	awk '/^i_log2:/{f=1;next} /^[a-z_]+:$/{f=0} f' "$T/up.out" >"$T/log2"
	check "log2 histogram: 0->0:1, 1->1:1, 2->3:2, 4->7:2" bash -c "
		grep -qE '^ +0 -> 0 +: 1 ' '$T/log2' && grep -qE '^ +1 -> 1 +: 1 ' '$T/log2' &&
		grep -qE '^ +2 -> 3 +: 2 ' '$T/log2' && grep -qE '^ +4 -> 7 +: 2 ' '$T/log2'"
	awk '/^i_lin:/{f=1;next} /^[a-z_]+:$/{f=0} f' "$T/up.out" >"$T/lin"
	check "linear histogram (step 2): 0->1:2, 2->3:2, 4->5:2" bash -c "
		grep -qE '^ +0 -> 1 +: 2 ' '$T/lin' && grep -qE '^ +2 -> 3 +: 2 ' '$T/lin' &&
		grep -qE '^ +4 -> 5 +: 2 ' '$T/lin'"
	check_nothing_left uprobe
else
	fail "uprobe: lbc did not attach: $(cat "$T/up.err")"
fi

# JSON map dump and per-CPU listing: the per-CPU values add up to the summed value.
if lbc_start hmj "$EX/hashMap_tp.bpf.c" --json --percpu; then
	forker_run 4
	lbc_stop
	check "JSON dump: pid_cnt has {key:$FORKER_PID, value:4}; comm_cnt per-CPU values sum to 4" \
		python3 -c '
import json, sys
maps = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "entries" in o: maps[o["map"]] = o["entries"]
pid = int(sys.argv[2])
a = [e for e in maps["pid_cnt"] if e["key"] == pid and e["value"] == 4]
b = [e for e in maps["comm_cnt"] if e["key"] == {"comm": "lbc_forker"}]
sys.exit(0 if a and b and b[0]["value"] == 4 and sum(b[0]["percpu"]) == 4 else 1)' \
		"$T/hmj.out" "$FORKER_PID"
fi

# Stack ids inside a hash key (offcputime style): frames printed under each entry.
cat >"$T/keystack.bpf.c" <<'C'
#include "lbc.h"
struct key_t {
	u32 pid;
	s32 kstack_id;
};
LBC_HASH(lbcks_counts, struct key_t, u64, 1024);
LBC_STACK(lbcks_stacks, 1024);
SEC("tp_btf/sched_process_fork")
int BPF_PROG(lbcks_prog, struct task_struct *parent, struct task_struct *child)
{
	struct key_t k = { bpf_get_current_pid_tgid() >> 32 };
	u64 one = 1, *c;

	k.kstack_id = bpf_get_stackid(ctx, &lbcks_stacks, KERN_STACKID_FLAGS);
	c = bpf_map_lookup_elem(&lbcks_counts, &k);
	if (c)
		__sync_fetch_and_add(c, 1);
	else
		bpf_map_update_elem(&lbcks_counts, &k, &one, BPF_NOEXIST);
	return 0;
}
char _license[] SEC("license") = "GPL";
C
if lbc_start ks "$T/keystack.bpf.c"; then
	forker_run 3
	lbc_stop
	grep -A30 "^  key={pid=$FORKER_PID kstack_id=[0-9]*} value=3$" "$T/ks.out" | sed -n '2,30p' |
		sed '/^  key=/,$d' >"$T/ks.frames"
	check "struct key with a stack id: entry for the forker counts 3, frames include kernel_clone" \
		grep -q '^    kernel_clone+0x' "$T/ks.frames"
else
	fail "key stacks: lbc did not attach: $(cat "$T/ks.err")"
fi

# perf_event: a CPU-clock sampler; a busy loop must be sampled at least once.
cat >"$T/perf.bpf.c" <<'C'
#include "lbc.h"
LBC_HASH(lbcperf_samples, u32, u64, 1024);
SEC("perf_event")
int lbcperf_prog(struct bpf_perf_event_data *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	u64 one = 1, *c = bpf_map_lookup_elem(&lbcperf_samples, &pid);

	if (c)
		__sync_fetch_and_add(c, 1);
	else
		bpf_map_update_elem(&lbcperf_samples, &pid, &one, BPF_NOEXIST);
	return 0;
}
char _license[] SEC("license") = "GPL";
C
snap_before
if lbc_start perf "$T/perf.bpf.c" --freq 199; then
	snap_during lbcperf_prog
	# Busy until this shell itself has been sampled (bounded: 20 s of CPU at most).
	bash -c 'end=$((SECONDS+20)); while [ $SECONDS -lt $end ]; do :; done' &
	busy=$!
	# bpftool prints the key as a number when the map has BTF (lbc's maps do), else as bytes
	hex=$(printf '%02x %02x' $((busy & 255)) $(((busy >> 8) & 255)))
	for i in $(seq 200); do
		bpftool map dump name lbcperf_samples 2>/dev/null |
			grep -qE "\"key\": $busy,|key: $hex " && break
		sleep 0.1
	done
	kill $busy 2>/dev/null; wait $busy 2>/dev/null
	lbc_stop
	check "perf_event: the busy process was sampled (key=$busy in the dump)" \
		grep -qE "^  key=$busy value=[1-9][0-9]*$" "$T/perf.out"
	check_nothing_left perf_event
else
	fail "perf_event: lbc did not attach: $(cat "$T/perf.err")"
fi

# -n COUNT stops after COUNT events; -t stops on time; SIGTERM stops like SIGINT.
if lbc_start cnt "$EX/dynamicVar_tp.bpf.c" -n 2; then
	forker_run 5
	wait "$LBC_PID"; rc=$?
	check "-n 2: exits 0 by itself after 2 events (rc $rc, $(grep -c '^c_pid=' "$T/cnt.out") printed)" \
		[ "$rc/$(grep -c '^c_pid=' "$T/cnt.out")" = 0/2 ]
fi
if lbc_start tmo "$EX/hashMap_tp.bpf.c" -t 1; then
	wait "$LBC_PID"; rc=$?
	check "-t 1: exits 0 by itself and dumps maps (rc $rc)" \
		bash -c "[ $rc = 0 ] && grep -q '^pid_cnt:' '$T/tmo.out'"
fi
snap_before
if lbc_start term "$EX/hello_tp.bpf.c"; then
	snap_during hello
	kill -TERM "$LBC_PID"; wait "$LBC_PID"; rc=$?
	check "SIGTERM: clean exit 0 (rc $rc)" [ $rc = 0 ]
	check_nothing_left SIGTERM
fi
# kill -9 leaves an ftrace instance; the next run sweeps it.
if lbc_start k9 "$EX/hello_tp.bpf.c"; then
	dead=$LBC_PID
	kill -9 "$dead"; wait "$dead" 2>/dev/null
	had=$(ls "$TRACEFS/instances" | grep -cx "lbc_$dead")
	if lbc_start k9b "$EX/hello_tp.bpf.c"; then
		lbc_stop
	fi
	check "kill -9: instance lbc_$dead swept by the next run (was there: $had)" \
		bash -c "[ $had = 1 ] && ! ls '$TRACEFS/instances' | grep -qx 'lbc_$dead'"
fi

# A recycled pid: lbc_<pid> of a live process that started long after the instance was
# made (mtime an hour back) is swept; one of a live process made just now is not.
sleep 120 & rp=$!
mkdir "$TRACEFS/instances/lbc_$rp" && touch -m -d '-1 hour' "$TRACEFS/instances/lbc_$rp"
sleep 120 & lp=$!
mkdir "$TRACEFS/instances/lbc_$lp"
if lbc_start rec "$EX/hello_tp.bpf.c"; then
	lbc_stop
fi
check "recycled pid: stale lbc_$rp swept, live lbc_$lp kept" \
	bash -c "! [ -d '$TRACEFS/instances/lbc_$rp' ] && [ -d '$TRACEFS/instances/lbc_$lp' ]"
kill $rp $lp; wait $rp $lp 2>/dev/null
rmdir "$TRACEFS/instances/lbc_$rp" "$TRACEFS/instances/lbc_$lp" 2>/dev/null

tap_done
