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

# memcheck checks the whole buffer of every read() call. libbpf reads the 5 MB
# /sys/kernel/btf/vmlinux with one fread and sysfs answers 4 KB per read(), so each BTF load
# cost ~8 s of checking under valgrind (milliseconds natively). Each run here sees the same
# bytes from a regular-file copy bind-mounted over that path in a private mount namespace:
# same path, size (lbc's cache key) and parser, answered in one read.
VGNS=()
SYSBTF=/sys/kernel/btf/vmlinux
if [ -r "$SYSBTF" ] && cp "$SYSBTF" "$T/vmlinux.btf" && command -v unshare >/dev/null &&
   unshare -m sh -c 'mount --bind "$1" "$2" && cmp -s "$1" "$2"' _ "$T/vmlinux.btf" "$SYSBTF"; then
	VGNS=(unshare -m sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' _ "$T/vmlinux.btf" "$SYSBTF")
else
	echo "# $SYSBTF read directly (no private mount namespace): slow under memcheck"
fi
# lbc_start (tests/lbc/_lib.sh) runs lbc under valgrind too: unshare, sh and valgrind exec,
# so the pid it records is lbc's and lbc_stop's SIGINT reaches lbc.
LBC_WRAP=("${VGNS[@]}" "${VG[@]}")

# vg_rc NAME EXPECTED_RC RC STDERR: ok when lbc's own exit status is the expected one
# (99 = valgrind found errors).
vg_rc() {
	local name=$1 want=$2 rc=$3 err=$4
	if grep -q 'debuginfo reader: Possibly corrupted' "$err"; then
		# valgrind 3.19 cannot read clang 14's DWARF 5: not a finding about lbc.
		skip "valgrind: $name: valgrind cannot read this build's DWARF (clang: use -gdwarf-4)"
	elif [ "$rc" = "$want" ]; then ok "valgrind: $name (rc $rc)"; else
		fail "valgrind: $name (rc $rc, want $want)"; grep '==' "$err" | head -20 | sed 's/^/# /'; fi
}
# vg NAME EXPECTED_RC ARGS...: runs lbc ARGS under valgrind in the foreground.
vg() {
	local name=$1 want=$2; shift 2
	"${LBC_WRAP[@]}" "$LBC" "$@" >"$T/vg.out" 2>"$T/vg.err"
	vg_rc "$name" "$want" $? "$T/vg.err"
}
# vg_events NAME CHECK ARGS...: `lbc run ARGS` under valgrind; once it is attached the forker
# makes 3 forks, then SIGINT (the user's Ctrl-C) stops the run. One result for lbc's exit
# status (0, no valgrind error), one for CHECK, a shell condition on $T/ev.out, $FORKER_PID
# and $T/kids: the events really went through the code under test.
vg_events() {
	local name=$1 cond=$2; shift 2
	if lbc_start ev "$@"; then
		forker_run 3
		lbc_stop
		vg_rc "$name" 0 $? "$T/ev.err"
		expect "valgrind: $name: the forker's events in the output" "$cond"
	else
		fail "valgrind: $name: lbc did not attach: $(tail -3 "$T/ev.err" | tr '\n' ' ')"
	fi
}

# Compiles happen natively first (clang never runs under valgrind: it is a child), so the
# runs below take the cache-hit path. The compile-and-store path runs under valgrind in the
# hashMap run (success), the cold build and the compile error path.
printf '#include "lbc.h"\nSEC("lbcnosuch")\nint p(void *c) { return 0; }\nchar _license[] SEC("license") = "GPL";\n' >"$T/sec.bpf.c"
cat >"$T/ver.bpf.c" <<'C'
#include "lbc.h"
LBC_HASH(m, u32, u64, 4);
SEC("tracepoint/sched/sched_process_fork")
int p(void *c) { u32 k = 0; u64 *v = bpf_map_lookup_elem(&m, &k); return *v; }
char _license[] SEC("license") = "GPL";
C
"$LBC" build -q "$EX/callStack_tp.bpf.c" -o "$T/cs.bpf.o"
for f in "$EX/hello_tp.bpf.c" "$EX/dynamicVar_tp.bpf.c" "$EX/hello.bpf.c" "$T/sec.bpf.c" \
	"$T/ver.bpf.c"; do
	"$LBC" build -q "$f" -o "$T/warm.o"
done

vg_events "run callStack (perf events, stacks)" \
	'n=0; for k in $(cat "$T/kids"); do grep -q "^c_pid=$FORKER_PID p_pid=$k " "$T/ev.out" && n=$((n+1)); done
	 [ $n = 3 ] && grep -q "^    .*+0x" "$T/ev.out"' \
	"$EX/callStack_tp.bpf.c"
vg_events "run hashMap --json --percpu (compiled: cache miss)" \
	'grep -q "\"key\": *$FORKER_PID, *\"value\": *3\b" "$T/ev.out"' \
	--json --percpu "$EX/hashMap_tp.bpf.c"
vg_events "run hello (printk instance)" \
	'grep -q "hello lcc, parent: $FORKER_PID child: $(head -1 "$T/kids")\$" "$T/ev.out"' \
	"$EX/hello_tp.bpf.c"
vg "run dynamicVar --set -t 1" 0 run -t 1 --set filter_pid=1 "$EX/dynamicVar_tp.bpf.c"
vg "run prebuilt .bpf.o" 0 run --attach-only "$T/cs.bpf.o"
vg "cold build (clang, vmlinux.h cached)" 0 build -q --no-cache "$EX/eventOut_tp.bpf.c" -o "$T/e.o"
printf '#include "lbc.h"\nint x = ;\n' >"$T/syn.bpf.c"
vg "compile error path" 2 run "$T/syn.bpf.c"
vg "unknown SEC path" 2 run "$T/sec.bpf.c"
vg "verifier rejection path" 1 run "$T/ver.bpf.c"
if [ ! -e "$TRACEFS/kprobe_events" ]; then
	vg "attach failure path (kprobe, no kprobes)" 1 run "$EX/hello.bpf.c"
fi
vg "--set error path" 2 run --set nope=1 "$EX/hello_tp.bpf.c"
vg "vmlinux" 0 vmlinux -o "$T/vmlinux.h"

tap_done
