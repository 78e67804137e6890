#!/bin/bash
# SPDX-License-Identifier: MIT
# Bad input: clang's diagnostics with file and line, the verifier log's tail, an unknown
# SEC() named, an unattachable kprobe (no kprobes here) named; always a non-zero exit and
# nothing of ours left loaded.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/_lib.sh"
need_lbc || { fail "build forker"; tap_done; exit 1; }

# Objects named only in this suite, so "left loaded" is judged by name (the programs die
# before a snapshot could be taken while running).
count_named() { # regex
	{ bpftool prog show; bpftool map show; } 2>/dev/null | grep -cE "name ($1)( |$)"
}
# None of NAMES may be loaded after the run (bounded re-checks: frees are deferred).
check_gone() { # test-name regex
	local i n
	for i in $(seq 50); do n=$(count_named "$2"); [ "$n" = 0 ] && break; sleep 0.1; done
	check "$1: nothing left loaded" [ "$n" = 0 ]
}

# 1. Compile error: clang's own diagnostic, naming file and line; exit 2.
cat >"$T/bad_syntax.bpf.c" <<'C'
#include "lbc.h"

SEC("tracepoint/sched/sched_process_fork")
int lbcerr_syn(void *ctx)
{
	int x = undeclared_thing + 1;
	return x;
}
char _license[] SEC("license") = "GPL";
C
"$LBC" run "$T/bad_syntax.bpf.c" >"$T/e1.out" 2>"$T/e1.err"; rc=$?
check "compile error: exit 2 (got $rc)" [ $rc = 2 ]
check "compile error: clang diagnostic with file:line:col" \
	grep -q "bad_syntax.bpf.c:6:[0-9]*: error: use of undeclared identifier 'undeclared_thing'" "$T/e1.err"

# 2. Verifier rejection: a map value used without the NULL check.
cat >"$T/bad_verifier.bpf.c" <<'C'
#include "lbc.h"
LBC_HASH(lbcerr_map, u32, u64, 16);

SEC("tracepoint/sched/sched_process_fork")
int lbcerr_ver(void *ctx)
{
	u32 k = 1;
	u64 *v = bpf_map_lookup_elem(&lbcerr_map, &k);
	*v += 1;    /* no NULL check: the verifier must refuse */
	return 0;
}
char _license[] SEC("license") = "GPL";
C
"$LBC" run "$T/bad_verifier.bpf.c" >"$T/e2.out" 2>"$T/e2.err"; rc=$?
check "verifier rejection: exit 1 (got $rc)" [ $rc = 1 ]
check "verifier rejection: tail of the verifier log (invalid mem access)" \
	grep -q "invalid mem access 'map_value_or_null'" "$T/e2.err"
check "verifier rejection: names the program" grep -q "lbcerr_ver" "$T/e2.err"
check_gone "verifier rejection" "lbcerr_ver|lbcerr_map"

# 3. Unknown section: named in the message; exit 2.
cat >"$T/bad_sec.bpf.c" <<'C'
#include "lbc.h"
SEC("lbcnosuch/section")
int lbcerr_sec(void *ctx)
{
	return 0;
}
char _license[] SEC("license") = "GPL";
C
"$LBC" run "$T/bad_sec.bpf.c" >"$T/e3.out" 2>"$T/e3.err"; rc=$?
check "unknown SEC: exit 2 (got $rc)" [ $rc = 2 ]
check "unknown SEC: names the section and the program" \
	grep -q "program 'lbcerr_sec' has an unknown section SEC(\"lbcnosuch/section\")" "$T/e3.err"
check_gone "unknown SEC" "lbcerr_sec"

# 4. A kprobe on a kernel without kprobes: loads, attach fails, names the section, unloads.
if [ -e "$TRACEFS/kprobe_events" ]; then
	skip "kernel has kprobes: the attach-failure case needs a kernel without them"
else
	cp "$EX/hashMap.bpf.c" "$T/lbckp.bpf.c"
	sed -i 's/pid_cnt/lbckp_cnt/g; s/j_wake_up_new_task/lbckp_prog/' "$T/lbckp.bpf.c"
	"$LBC" run "$T/lbckp.bpf.c" >"$T/e4.out" 2>"$T/e4.err"; rc=$?
	check "kprobe without kprobes: exit 1 (got $rc)" [ $rc = 1 ]
	check "kprobe without kprobes: names program and section" \
		grep -q "cannot attach program 'lbckp_prog' at SEC(\"kprobe/wake_up_new_task\")" "$T/e4.err"
	check_gone "kprobe without kprobes" "lbckp_prog|lbckp_cnt"
fi

# 5. --set of a global that does not exist, and of a non-integer value.
"$LBC" run "$EX/dynamicVar_tp.bpf.c" --set no_such_var=1 >"$T/e5.out" 2>"$T/e5.err"; rc=$?
check "--set unknown global: exit 2 and named" \
	bash -c "[ $rc = 2 ] && grep -q 'no_such_var: no such global' '$T/e5.err'"
"$LBC" run "$EX/dynamicVar_tp.bpf.c" --set filter_pid=abc >"$T/e6.out" 2>"$T/e6.err"; rc=$?
check "--set non-integer: exit 2" bash -c "[ $rc = 2 ] && grep -q 'not an integer' '$T/e6.err'"

# 6. Missing program and usage errors.
"$LBC" run "$T/missing.bpf.c" >/dev/null 2>"$T/e7.err"; rc=$?
check "missing file: non-zero exit with the path named" \
	bash -c "[ $rc != 0 ] && grep -q missing.bpf.c '$T/e7.err'"
"$LBC" frobnicate x >/dev/null 2>&1; rc=$?
check "unknown command: exit 2" [ $rc = 2 ]

# 7. Without root: one clear line saying loading needs root, exit 1, nothing loaded.
if as_nobody test -x "$LBC" 2>/dev/null; then
	NB=$(mktemp -d /tmp/lbc-nobody.XXXXXX); chmod 755 "$NB"
	"$LBC" build -o "$NB/hello.bpf.o" "$EX/hello_tp.bpf.c" 2>/dev/null && chmod 644 "$NB/hello.bpf.o"
	as_nobody env HOME="$NB" \
		"$LBC" run "$NB/hello.bpf.o" >"$T/e8.out" 2>"$T/e8.err"; rc=$?
	check "no root: exit 1 (got $rc)" [ $rc = 1 ]
	check "no root: one line naming root: $(head -1 "$T/e8.err")" \
		bash -c "[ \$(wc -l <'$T/e8.err') = 1 ] && grep -q 'needs root' '$T/e8.err'"
	rm -rf "$NB"
else
	skip "no-root run: uid 65534 cannot reach $LBC"
fi

tap_done
