#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs every tracepoint/raw_tp/tp_btf port of the seed's lbc examples for real and checks
# the outcomes against the workload the test caused (tests/lbc/forker.c prints the pids of
# the children it forks). After each run no program or map of ours may stay loaded.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/_lib.sh"
need_lbc || { fail "build forker"; tap_done; exit 1; }

# hello: bpf_printk text through lbc's private ftrace instance.
snap_before
if lbc_start hello "$EX/hello_tp.bpf.c" -t 30; then
	snap_during hello
	forker_run 2
	lbc_stop
	kid=$(head -1 "$T/kids")
	check "hello: bpf_printk line for the forked child $kid" \
		grep -q "bpf_trace_printk: hello lcc, parent: $FORKER_PID child: $kid" "$T/hello.out"
	check_nothing_left hello
else
	fail "hello: lbc did not attach: $(cat "$T/hello.err")"
fi

# hello --json: printk lines as objects, split into comm, pid, cpu, time and the text.
if lbc_start helloj "$EX/hello_tp.bpf.c" --json; then
	forker_run 1
	lbc_stop
	kid=$(head -1 "$T/kids")
	check "hello --json: printk object with the forker's comm and pid" python3 -c '
import json, sys
ok = any(o.get("v") == 1 and o.get("printk") == "hello lcc, parent: %s child: %s" % (sys.argv[2], sys.argv[3])
         and o.get("pid") == int(sys.argv[2]) and o.get("comm") == "lbc_forker"
         for o in map(json.loads, open(sys.argv[1])))
sys.exit(0 if ok else 1)' "$T/helloj.out" "$FORKER_PID" "$kid"
fi

# eventOut: decoded perf records with the forker's pid and comm and each child's pid.
snap_before
if lbc_start ev "$EX/eventOut_tp.bpf.c"; then
	snap_during on_fork
	forker_run 3
	lbc_stop
	n=0
	for kid in $(cat "$T/kids"); do
		grep -q "^c_pid=$FORKER_PID p_pid=$kid c_comm=\"lbc_forker\" p_comm=\"lbc_forker\"$" \
			"$T/ev.out" && n=$((n+1))
	done
	check "eventOut: all 3 forks reported with pid $FORKER_PID, comm lbc_forker and the child pids ($n/3)" \
		[ "$n" = 3 ]
	check_nothing_left eventOut
else
	fail "eventOut: lbc did not attach: $(cat "$T/ev.err")"
fi

# eventOut --json: the same records as JSON lines.
if lbc_start evj "$EX/eventOut_tp.bpf.c" --json; then
	forker_run 2
	lbc_stop
	kid=$(head -1 "$T/kids")
	check "eventOut --json: valid JSON lines with the child's pid" python3 -c '
import json, sys
hits = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    e = o.get("event", {})
    if o.get("v") == 1 and o.get("map") == "e_out" and e.get("c_pid") == int(sys.argv[2]) and e.get("p_pid") == int(sys.argv[3]) and e.get("c_comm") == "lbc_forker":
        hits += 1
sys.exit(0 if hits == 1 else 1)' "$T/evj.out" "$FORKER_PID" "$kid"
fi

# dynamicVar: --set filter_pid=PID before load; only that process's forks appear. The
# forker is started first (it waits for go) so its pid is known.
rm -f "$T/go"
"$T/lbc_forker" 4 "$T/go" >"$T/kids" &
FORKER_PID=$!
snap_before
if lbc_start dv "$EX/dynamicVar_tp.bpf.c" --set filter_pid=$FORKER_PID; then
	snap_during on_fork
	# Unrelated forks while attached: these must be filtered out in the kernel.
	/bin/true; sh -c '/bin/true; /bin/true'
	touch "$T/go"
	wait $FORKER_PID
	lbc_stop
	total=$(grep -c '^c_pid=' "$T/dv.out")
	mine=$(grep -c "^c_pid=$FORKER_PID " "$T/dv.out")
	check "dynamicVar: --set filter_pid: 4 events, all from pid $FORKER_PID (got $mine of $total)" \
		[ "$total/$mine" = 4/4 ]
	check "dynamicVar: reported child pids are the forked ones" \
		bash -c "for k in \$(cat $T/kids); do grep -q \"p_pid=\$k \" $T/dv.out || exit 1; done"
	check_nothing_left dynamicVar
else
	fail "dynamicVar: lbc did not attach: $(cat "$T/dv.err")"
	touch "$T/go"; wait $FORKER_PID
fi

# hashMap: the exit dump's count for the forker equals the forks it made.
snap_before
if lbc_start hm "$EX/hashMap_tp.bpf.c"; then
	snap_during on_fork
	forker_run 5
	lbc_stop
	check "hashMap: pid_cnt key=$FORKER_PID value=5 in the exit dump" \
		grep -qx "  key=$FORKER_PID value=5" "$T/hm.out"
	check "hashMap: per-CPU comm_cnt summed: key={comm=\"lbc_forker\"} value=5" \
		grep -qx '  key={comm="lbc_forker"} value=5' "$T/hm.out"
	check_nothing_left hashMap
else
	fail "hashMap: lbc did not attach: $(cat "$T/hm.err")"
fi

# callStack: frames under each event, including kernel_clone (the fork path, known to
# exist from /proc/kallsyms independently of lbc).
snap_before
if lbc_start cs "$EX/callStack_tp.bpf.c"; then
	snap_during on_fork
	forker_run 1
	lbc_stop
	kid=$(head -1 "$T/kids")
	grep -A40 "^c_pid=$FORKER_PID p_pid=$kid " "$T/cs.out" | sed -n '2,40p' |
		sed '/^c_pid=/,$d' >"$T/cs.frames"
	if grep -qw kernel_clone /proc/kallsyms; then
		check "callStack: symbolized frames include kernel_clone" \
			grep -q '^    kernel_clone+0x[0-9a-f]*$' "$T/cs.frames"
	else
		skip "callStack: kernel_clone not in kallsyms"
	fi
	check "callStack: frames include the syscall entry" grep -q '^    .*do_syscall_64+0x' "$T/cs.frames"
	check_nothing_left callStack
else
	fail "callStack: lbc did not attach: $(cat "$T/cs.err")"
fi

# codeSeparate: a C program on liblbc printing the original's line per fork.
CS="$ROOT/$B/examples/lbc/codeSeparate"
if [ -x "$CS" ]; then
	snap_before
	(cd "$EX" && exec "$CS" independ_tp.bpf.c 30) >"$T/sep.out" 2>"$T/sep.err" &
	LBC_PID=$!; LBC_PIDS="$LBC_PIDS $LBC_PID"
	for i in $(seq 600); do grep -q attached "$T/sep.err" && break; kill -0 $LBC_PID 2>/dev/null || break; sleep 0.1; done
	snap_during on_fork
	forker_run 2
	kill -INT $LBC_PID; wait $LBC_PID; rc=$?
	kid=$(head -1 "$T/kids")
	check "codeSeparate: exits 0 on SIGINT" [ $rc = 0 ]
	check "codeSeparate: original line format with the forker and its child" \
		grep -qx "current pid:$FORKER_PID, comm:lbc_forker. wake_up_new_task pid: $kid, comm: lbc_forker" "$T/sep.out"
	check_nothing_left codeSeparate
else
	skip "codeSeparate not built"
fi

tap_done
