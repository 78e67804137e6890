#!/bin/bash
# SPDX-License-Identifier: MIT
# Answers bench: exact aggregation vs bpftrace on the same workload, one run. Prints a
# markdown table for docs/PERFORMANCE.md. Not a test: nothing here asserts a timing.
#
#   B=build bash bench/answers_bench.sh     env: ANS_N calls (2000000), ANS_KEYS (100000)
#
# 1. count: a getppid(2) loop of ANS_N calls (tests/answers/workload.c, own comm) with
#    `surftrace --count comm 'e syscalls/sys_enter_getppid'` and bpftrace's
#    `tracepoint:syscalls:sys_enter_getppid /comm == "X"/ { @[comm] = count(); }`.
#    Reported: the count each printed for the loop's comm (must be ANS_N: exact, 0 lost),
#    the loop's events/s while traced, the tool's own CPU (user+sys from wait4) per event,
#    peak RSS.
# 2. keys: ANS_KEYS distinct keys through a uprobe (`--count v 'P wl:agg_value v=%0'`,
#    bpftrace `@[arg0] = count()` with BPFTRACE_MAP_KEYS_MAX raised): keys printed, CPU
#    per event, peak RSS.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
ST=$B/surftrace
N=${ANS_N:-2000000}
K=${ANS_KEYS:-100000}
TMP=$(mktemp -d /tmp/st_ansbench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 1; }
WNAME=ansb$$
WL=$TMP/$WNAME
cc -O2 -fno-omit-frame-pointer -o "$WL" tests/answers/workload.c || exit 1
TIME=/usr/bin/time

# timed OUT CMD...: CMD in the background under /usr/bin/time (user sys maxrss_kb -> OUT.t).
timed() { local out=$1; shift; $TIME -f '%U %S %M' -o "$out.t" "$@" >"$out" 2>"$out.err" & TPID=$!; }
# tool_pid: the traced tool under /usr/bin/time.
tool_pid() { pgrep -P "$TPID" | head -1; }
# ready_st PID: surftrace's instance is enabled and on.
ready_st() {
	local i I=/sys/kernel/tracing/instances/surftrace_$1
	for ((i = 0; i < 400; i++)); do
		[ "$(cat "$I/tracing_on" 2>/dev/null)" = 1 ] &&
			grep -q 1 "$I"/events/*/*/enable 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
ready_bt() { local i; for ((i = 0; i < 400; i++)); do grep -q Attaching "$1" "$1.err" 2>/dev/null && sleep 1 && return 0; sleep 0.05; done; return 1; }
# loop_rate CMD...: events/s of the workload (N calls over its wall time).
run_loop() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t0 $t1"; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.2f M/s", n / (b - a) / 1e6 }'; }
cpu_per() { awk -v n="$2" '{ printf "%.3f us", ($1 + $2) / n * 1e6 }' "$1.t"; }
rss() { awk '{ printf "%.1f MB", $3 / 1024 }' "$1.t"; }
stop() { kill -INT "$(tool_pid)" 2>/dev/null; wait "$TPID" 2>/dev/null; }

base=$(run_loop "$WL" loop "$N")
echo "### Answers bench $(date -u +%Y-%m-%dT%H:%MZ) on $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Untraced loop: $(rate "$N" $base)."
echo
echo "| workload | tool | answer for the loop | loop rate while traced | tool CPU per event | peak RSS |"
echo "|---|---|---|---|---|---|"

# 1. exact counts
timed "$TMP/st1" "$ST" -q --count comm 'e syscalls/sys_enter_getppid'
sleep 0.3
if ready_st "$(tool_pid)"; then
	t=$(run_loop "$WL" loop "$N"); stop
	got=$(awk -v k="@count[$WNAME]:" '$1 == k { print $2 }' "$TMP/st1")
	lost=$(grep -o 'lost [0-9]*' "$TMP/st1.err" || echo "0 lost")
	echo "| getppid x $N | surftrace --count comm | $got ($lost) | $(rate "$N" $t) | $(cpu_per "$TMP/st1" "$N") | $(rss "$TMP/st1") |"
else
	stop; echo "| getppid x $N | surftrace | did not start: $(head -1 "$TMP/st1.err") | | | |"
fi
if command -v bpftrace >/dev/null; then
	timed "$TMP/bt1" bpftrace -e "tracepoint:syscalls:sys_enter_getppid /comm == \"$WNAME\"/ { @[comm] = count(); }"
	if ready_bt "$TMP/bt1"; then
		t=$(run_loop "$WL" loop "$N"); stop
		got=$(awk -v k="@[$WNAME]:" '$1 == k { print $2 }' "$TMP/bt1")
		echo "| getppid x $N | bpftrace count() | $got (lost: not reported) | $(rate "$N" $t) | $(cpu_per "$TMP/bt1" "$N") | $(rss "$TMP/bt1") |"
	else
		stop; echo "| getppid x $N | bpftrace | did not start | | | |"
	fi
fi

# 2. many distinct keys through a uprobe
timed "$TMP/st2" "$ST" -q --count v "P $WL:agg_value v=%0"
sleep 0.3
if ready_st "$(tool_pid)"; then
	t=$(run_loop "$WL" keys "$K"); stop
	keys=$(grep -c '^@count\[' "$TMP/st2")
	echo "| $K distinct keys (uprobe) | surftrace --count v | $keys keys | $(rate "$K" $t) | $(cpu_per "$TMP/st2" "$K") | $(rss "$TMP/st2") |"
else
	stop; echo "| $K keys | surftrace | did not start: $(head -1 "$TMP/st2.err") | | | |"
fi
if command -v bpftrace >/dev/null; then
	BPFTRACE_MAP_KEYS_MAX=$((K * 2)) timed "$TMP/bt2" bpftrace -e "uprobe:$WL:agg_value { @[arg0] = count(); }"
	if ready_bt "$TMP/bt2"; then
		t=$(run_loop "$WL" keys "$K"); stop
		keys=$(grep -c '^@\[' "$TMP/bt2")
		echo "| $K distinct keys (uprobe) | bpftrace count() | $keys keys | $(rate "$K" $t) | $(cpu_per "$TMP/bt2" "$K") | $(rss "$TMP/bt2") |"
	else
		stop; echo "| $K keys | bpftrace | did not start | | | |"
	fi
fi
