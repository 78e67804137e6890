#!/bin/bash
# SPDX-License-Identifier: MIT
# `surftrace EXPR | cat` and `surftrace --bundle F | cat` are one run (src/cli/cmd_run.c
# st_cli_run over the public API): the same start line, the same buffering into a pipe
# (a write per burst, not per line: strace counts the write(2)s to fd 1), events reach the
# pipe while the run goes on, a signal stops both with exit 0 and nothing left, -n, -t and
# a failing -o give the same exit codes, and losses are reported the same way (the
# "surftrace: lost" line, {"lost":M} records in --json, events + lost == calls made).
# Oracle: a program of ours calling tick() a number of times we choose.
. "$(dirname "$0")/../lib.sh"
if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "bundle vs expression pipe: needs root, tracefs and $ST"
	tap_done; exit 0
fi
T=$(mktemp -d /tmp/st_bpipe.XXXXXX)
spids=()
trap 'for p in "${spids[@]}"; do kill -CONT "$p" 2>/dev/null; kill -9 "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
cat >"$T/prod.c" <<'C'
#include <stdlib.h>
#include <unistd.h>
volatile long sink;
__attribute__((noinline)) void tick(long n) { sink += n; }
int main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 1;

	for (i = 0; i < n; i++)
		tick(i);
	return 0;
}
C
cc -O1 -o "$T/prod" "$T/prod.c" || { fail "build the producer"; tap_done; exit 1; }
EXPR="P $T/prod:tick n=%0"
"$ST" -q --bundle-out "$T/b" "$EXPR" 2>"$T/mk.err" ||
	{ fail "make the bundle: $(head -1 "$T/mk.err")"; tap_done; exit 1; }

# start NAME CMD...: CMD writing into a fifo read by cat; sets $sp and waits for its start
start() {
	local name=$1 i; shift
	rm -f "$T/$name.fifo"; mkfifo "$T/$name.fifo"
	cat <"$T/$name.fifo" >"$T/$name.out" &
	"$@" >"$T/$name.fifo" 2>"$T/$name.err" &
	sp=$!; spids+=($sp)
	for i in $(seq 100); do grep -q '^Tracing' "$T/$name.err" && break; sleep 0.1; done
}
# the lost total of a run's stderr, 0 when none
lost_total() { local n; n=$(sed -n 's/^surftrace: lost \([0-9]*\) events.*/\1/p' "$1"); echo "${n:-0}"; }

N=${BPIPE_N:-200000}
for mode in expr bundle; do
	if [ $mode = expr ]; then run=("$EXPR"); else run=(--bundle "$T/b"); fi

	# 1. start line, events reach the pipe while it runs, SIGINT stops it
	start $mode.live "$ST" "${run[@]}"
	head -1 "$T/$mode.live.err" >"$T/$mode.start"
	"$T/prod" 30
	for _ in $(seq 100); do [ "$(grep -c ' n=' "$T/$mode.live.out")" = 30 ] && break; sleep 0.1; done
	lines=$(grep -c ' n=' "$T/$mode.live.out")
	alive=0; kill -0 $sp 2>/dev/null && alive=1
	kill -INT $sp; wait $sp; rc=$?
	expect "$mode | cat: the 30 events reach the pipe while the run goes on ($lines)" \
		'[ "$lines" = 30 ] && [ $alive = 1 ]'
	expect "$mode | cat: SIGINT stops it with exit 0 ($rc)" '[ $rc = 0 ]'
	run_gone "$mode | cat: nothing left in tracefs after the stop" $sp

	# 2. buffering into a pipe: the writes to fd 1 for -n 40 events (a burst)
	rm -f "$T/$mode.st"
	start $mode.n strace -f -qq -e trace=write -o "$T/$mode.st" "$ST" -n 40 -t 20 "${run[@]}"
	"$T/prod" 40
	wait $sp; rc=$?
	sleep 0.2
	writes=$(grep -c '^[0-9]* *write(1,' "$T/$mode.st")
	lines=$(grep -c ' n=' "$T/$mode.n.out")
	echo "# $mode: $lines lines in $writes writes"
	eval "w_$mode=$writes"
	expect "$mode -n 40 | cat: exit 0, 40 lines, written per burst (not per line)" \
		'[ $rc = 0 ] && [ "$lines" = 40 ] && [ "$writes" -ge 1 ] && [ "$writes" -le 4 ]'

	# 3. -t: exit 0; -o to a directory that does not exist: exit 1, one line
	"$ST" -t 0.3 "${run[@]}" >/dev/null 2>"$T/$mode.t.err"; rc_t=$?
	"$ST" -o "$T/no/such/x.sh" "${run[@]}" >/dev/null 2>"$T/$mode.o.err"; rc_o=$?
	expect "$mode: -t exits 0 ($rc_t), a failing -o exits 1 ($rc_o) saying why" \
		'[ $rc_t = 0 ] && [ $rc_o = 1 ] && [ "$(wc -l <"$T/$mode.o.err")" = 1 ] && grep -q "cannot write" "$T/$mode.o.err"'
	sed "s|$T/no/such/x.sh||" "$T/$mode.o.err" >"$T/$mode.o.msg"

	# 4. losses: a 4 KB buffer, a pipe that reads nothing for 2 s, N calls made while the
	# run is stopped (SIGSTOP): nothing reads, not even the read-ahead thread (which
	# would otherwise keep a stalled pipe from losing anything), so the kernel loses
	rm -f "$T/$mode.lost.fifo"; mkfifo "$T/$mode.lost.fifo"
	( sleep 2; cat ) <"$T/$mode.lost.fifo" >"$T/$mode.lost.out" &
	"$ST" --buffer-kb 4 --json "${run[@]}" >"$T/$mode.lost.fifo" 2>"$T/$mode.lost.err" &
	sp=$!; spids+=($sp)
	for _ in $(seq 100); do grep -q '^Tracing' "$T/$mode.lost.err" && break; sleep 0.1; done
	kill -STOP $sp
	"$T/prod" "$N"
	kill -CONT $sp
	sleep 3
	kill -INT $sp; wait $sp; rc=$?
	wait
	total=$(lost_total "$T/$mode.lost.err")
	ev=$(grep -c '"event":"p0"' "$T/$mode.lost.out")
	inl=$(python3 -c '
import json, sys
s = 0
for l in open(sys.argv[1]):
    r = json.loads(l)
    if "lost" in r and "event" not in r: s += r["lost"]
print(s)' "$T/$mode.lost.out")
	echo "# $mode: $ev events, lost $total (records: $inl) of $N"
	expect "$mode --json | slow pipe: exit 0, it lost events ($total) and says so in {\"lost\"} records ($inl)" \
		'[ $rc = 0 ] && [ "$total" -gt 0 ] && [ "$inl" = "$total" ]'
	expect "$mode: events $ev + lost $total == calls $N" '[ $((ev + total)) = "$N" ]'
	run_gone "$mode: nothing left in tracefs after the lossy run" $sp
done
expect "the same start line for both ($(cat "$T/expr.start"))" \
	'[ -s "$T/expr.start" ] && cmp -s "$T/expr.start" "$T/bundle.start"'
expect "the same buffering into a pipe (writes: expr $w_expr, bundle $w_bundle)" \
	'[ "$w_expr" -le 4 ] && [ "$w_bundle" -le 4 ]'
expect "the same failing -o message" 'cmp -s "$T/expr.o.msg" "$T/bundle.o.msg"'
tap_done
