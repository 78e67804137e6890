#!/bin/bash
# SPDX-License-Identifier: MIT
# lbc start-up benchmark. One program (forks counted per pid on sched_process_fork,
# bench/lbc_skel/forkcount.bpf.c; plain libbpf C so every tool runs the same thing):
#  1. start to attached, measured from outside (bench/lbc_attach_time.py: spawn, time to
#     the tool's "attached" line, which each prints after attaching; teardown not counted):
#     lbc cached / prebuilt .o / cold compile / cold with vmlinux.h generation, the plain
#     clang + libbpf skeleton binary, bpftrace (BEGIN prints once attached), bcc
#     (python3-bpfcc: it cannot compile here, measured until it fails).
#  2. build times: lbc build (cold) against clang + bpftool gen skeleton + cc (hyperfine).
#  3. peak RSS while attached.
# Needs root, clang, bpftool, hyperfine; bpftrace and python3-bpfcc optional.
#   B=build bash bench/lbc_bench.sh      (RUNS=N samples per row, default 20)
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
LBC="$PWD/$B/lbc"
RUNS=${RUNS:-20}
PY=/usr/bin/python3
W=$(mktemp -d /tmp/lbc-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
PROG="$PWD/bench/lbc_skel/forkcount.bpf.c"
BT='tracepoint:sched:sched_process_fork { @[args->parent_pid] = count(); } BEGIN { printf("attached\n"); }'
cat >"$W/bcc_fork.py" <<'PY'
from bcc import BPF
BPF(text="""
BPF_HASH(fork_cnt, u32, u64, 10240);
TRACEPOINT_PROBE(sched, sched_process_fork) {
    u32 pid = args->parent_pid;
    fork_cnt.increment(pid);
    return 0;
}
""")
print("attached", flush=True)
PY
[ -x "$LBC" ] || { echo "build lbc first: make B=$B $B/lbc" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 1; }
export LBC_CACHE_DIR="$W/cache"

# attach LABEL RUNS REGEX CMD...: one row of table 1.
attach() {
	local label=$1 runs=$2 re=$3 r; shift 3
	r=$($PY bench/lbc_attach_time.py "$runs" "$re" -- "$@")
	if [ "$r" = failed ] || [ -z "$r" ]; then
		echo "| $label | never attached | | |"
	else
		set -- $r
		echo "| $label | $1 ± $2 | $3 | $4 |"
	fi
}
# build LABEL RUNS [hyperfine options] -- CMD: one row of table 2 (whole command).
build() {
	local label=$1 runs=$2 opts=() cmd; shift 2
	while [ "$1" != "--" ]; do opts+=("$1"); shift; done; shift
	cmd=$1
	if hyperfine --style none --runs "$runs" "${opts[@]}" --export-json "$W/h.json" "$cmd" \
		>/dev/null 2>"$W/h.err"; then
		$PY -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("| %s | %.1f ± %.1f | %.1f | %d |" % (sys.argv[2], r["mean"]*1e3, (r["stddev"] or 0)*1e3, r["min"]*1e3, len(r["times"])))' \
			"$W/h.json" "$label"
	else
		echo "| $label | failed: $(tail -1 "$W/h.err") | | |"
	fi
}

echo "machine: $(nproc) CPUs, kernel $(uname -r), $(clang --version | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| start to attached | mean ± sd (ms) | min (ms) | runs |"
echo "|---|---|---|---|"
"$LBC" run -q --attach-only "$PROG" || exit 1      # fills the cache (and vmlinux.h)
"$LBC" build -q "$PROG" -o "$W/forkcount.bpf.o"
OUT="$W/skel" sh bench/lbc_skel/build.sh
attach "lbc run, cached" "$RUNS" '^lbc: attached' "$LBC" run "$PROG"
attach "lbc run, prebuilt .bpf.o" "$RUNS" '^lbc: attached' "$LBC" run "$W/forkcount.bpf.o"
attach "clang + libbpf skeleton binary" "$RUNS" '^attached' "$W/skel/forkcount"
attach "lbc run, cold: clang (vmlinux.h cached)" 5 '^lbc: attached' "$LBC" run --no-cache "$PROG"
PREPARE="rm -rf $W/cache" attach "lbc run, cold: vmlinux.h + clang" 3 '^lbc: attached' "$LBC" run "$PROG"
if command -v bpftrace >/dev/null; then
	attach "bpftrace $(bpftrace --version | cut -d' ' -f2)" 10 '^attached' bpftrace -B line -e "$BT"
else
	echo "| bpftrace | not installed | | |"
fi
if $PY -c 'import bcc' 2>/dev/null; then
	if $PY "$W/bcc_fork.py" >"$W/bcc.out" 2>&1; then
		attach "bcc (python3-bpfcc)" 5 '^attached' $PY "$W/bcc_fork.py"
	else
		echo "| bcc (python3-bpfcc) | cannot compile: see below | | |"
	fi
else
	echo "| bcc | python3-bpfcc not installed | | |"
fi
echo
echo "| build (no run) | mean ± sd (ms) | min (ms) | runs |"
echo "|---|---|---|---|"
build "lbc build, cold (clang; vmlinux.h cached)" 5 -- "$LBC build -q --no-cache $PROG -o $W/x.o"
build "clang + bpftool gen skeleton + cc (vmlinux.h cached)" 5 -- "env OUT=$W/skel sh bench/lbc_skel/build.sh"
build "lbc build, cold with vmlinux.h (btf_dump)" 3 --prepare "rm -rf $W/cache" -- "$LBC build -q $PROG -o $W/x.o"
build "same skeleton build with vmlinux.h (bpftool)" 3 -- "env OUT=$W/skel VMLINUX_H=1 sh bench/lbc_skel/build.sh"
if [ -s "$W/bcc.out" ] && ! grep -q '^attached' "$W/bcc.out"; then
	build "bcc: python3 until the compile error" 5 -i -- "$PY $W/bcc_fork.py"
	echo
	echo "bcc: $(grep -m1 -i 'kernel headers' "$W/bcc.out") ($(grep -m1 chdir "$W/bcc.out"))"
fi

# Peak resident memory of the tool while attached (kB, GNU time %M).
echo
echo "| peak RSS, attached for 1 s | kB |"
echo "|---|---|"
rss() { /usr/bin/time -f %M -o "$W/rss" "$@" >/dev/null 2>&1; echo "| $LABEL | $(tail -1 "$W/rss") |"; }
LABEL="lbc run -t 1 (cached)" rss "$LBC" run -q -t 1 --no-maps "$PROG"
LABEL="skeleton binary (attach, exit)" rss "$W/skel/forkcount"
if command -v bpftrace >/dev/null; then
	LABEL="bpftrace (exits after 1 s)" rss bpftrace -e \
		'tracepoint:sched:sched_process_fork { @[args->parent_pid] = count(); } interval:s:1 { exit(); }'
fi
