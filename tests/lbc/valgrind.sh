#!/bin/bash
# SPDX-License-Identifier: MIT
# The lbc command's paths under valgrind memcheck: no leak (definite/indirect), no invalid
# access, on success and on every error path. tests/lbc/valgrind.supp holds libbpf's own
# uninitialised-attribute reports (not ours) and nothing else.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/_lib.sh"
command -v valgrind >/dev/null || { skip "valgrind not installed"; tap_done; exit 0; }
need_lbc || { fail "build forker"; tap_done; exit 1; }
VG=(valgrind -q --suppressions="$ROOT/tests/lbc/valgrind.supp" --leak-check=full
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99)

# vg NAME EXPECTED_RC ARGS...: runs lbc under valgrind; ok when lbc's own exit status is
# the expected one (99 = valgrind found errors).
vg() {
	local name=$1 want=$2 rc; shift 2
	"${VG[@]}" "$LBC" "$@" >"$T/vg.out" 2>"$T/vg.err"; rc=$?
	if grep -q 'debuginfo reader: Possibly corrupted' "$T/vg.err"; then
		# valgrind 3.19 cannot read clang 14's DWARF 5: not a finding about lbc.
		skip "valgrind: $name: valgrind cannot read this build's DWARF (clang: use -gdwarf-4)"
	elif [ $rc = "$want" ]; then ok "valgrind: $name (rc $rc)"; else
		fail "valgrind: $name (rc $rc, want $want)"; grep '==' "$T/vg.err" | head -20 | sed 's/^/# /'; fi
}

"$LBC" build -q "$EX/callStack_tp.bpf.c" -o "$T/cs.bpf.o"   # warm the cache
# A run with events, stacks, printk, maps: events come from the forker meanwhile.
( sleep 2; forker_run 3 ) &
vg "run callStack (events, stacks) -t 4" 0 run -t 4 "$EX/callStack_tp.bpf.c"
wait
( sleep 2; forker_run 3 ) &
vg "run hashMap --json --percpu -t 4" 0 run -t 4 --json --percpu "$EX/hashMap_tp.bpf.c"
wait
( sleep 2; forker_run 2 ) &
vg "run hello (printk instance) -t 4" 0 run -t 4 "$EX/hello_tp.bpf.c"
wait
vg "run dynamicVar --set -t 1" 0 run -t 1 --set filter_pid=1 "$EX/dynamicVar_tp.bpf.c"
vg "run prebuilt .bpf.o" 0 run --attach-only "$T/cs.bpf.o"
vg "cold build (clang, vmlinux.h cached)" 0 build -q --no-cache "$EX/eventOut_tp.bpf.c" -o "$T/e.o"
printf '#include "lbc.h"\nint x = ;\n' >"$T/syn.bpf.c"
vg "compile error path" 2 run "$T/syn.bpf.c"
printf '#include "lbc.h"\nSEC("lbcnosuch")\nint p(void *c) { return 0; }\nchar _license[] SEC("license") = "GPL";\n' >"$T/sec.bpf.c"
vg "unknown SEC path" 2 run "$T/sec.bpf.c"
cat >"$T/ver.bpf.c" <<'C'
#include "lbc.h"
LBC_HASH(m, u32, u64, 4);
SEC("tracepoint/sched/sched_process_fork")
int p(void *c) { u32 k = 0; u64 *v = bpf_map_lookup_elem(&m, &k); return *v; }
char _license[] SEC("license") = "GPL";
C
vg "verifier rejection path" 1 run "$T/ver.bpf.c"
if [ ! -e "$TRACEFS/kprobe_events" ]; then
	vg "attach failure path (kprobe, no kprobes)" 1 run "$EX/hello.bpf.c"
fi
vg "--set error path" 2 run --set nope=1 "$EX/hello_tp.bpf.c"
vg "vmlinux" 0 vmlinux -o "$T/vmlinux.h"

tap_done
