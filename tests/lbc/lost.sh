#!/bin/bash
# SPDX-License-Identifier: MIT
# Nothing vanishes silently: a producer makes a known number of records (getppid calls of
# one pid) faster than lbc reads them, through a small ring buffer and through a perf
# buffer; every record is either printed or counted in "lbc: lost N events", exactly
# (printed + lost == produced). The drops are counted in the BPF program by
# lbc_ringbuf_output and lbc_perf_output (lbc.h). Both buffers wake lbc at a mark (a
# quarter full), not per record: a lone record below it is still printed within lbc's nap
# (100 ms), while the run goes on.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/_lib.sh"
need_lbc || { fail "build forker"; tap_done; exit 1; }
N=${LBC_LOST_N:-300000}

build_held_getppid "$T/prod" || { fail "build producer"; tap_done; exit 1; }

# The program: tests/fixtures/getppid_rec.bpf.c, its buffer chosen by the --cflag given.
# produce NAME CFLAG CALLS: lbc attached, then the producer's CALLS records made (PP: its
# pid); 1 when lbc did not attach (failed).
produce() {
	mkfifo "$T/$1.go"
	"$T/prod" "$3" <"$T/$1.go" &
	PP=$!
	exec 7<>"$T/$1.go"   # keeps the fifo open: the producer waits for one byte
	if ! lbc_start "$1" "$ROOT/tests/fixtures/getppid_rec.bpf.c" --cflag "$2" --no-maps \
		--set target=$PP; then
		fail "$1: lbc did not attach: $(tail -3 "$T/$1.err")"
		kill $PP; exec 7>&-; return 1
	fi
	echo x >&7
	wait $PP
	exec 7>&-
}

run_case() { # name cflag
	local name=$1 i rc printed lost prev=-1
	produce "$name" "$2" "$N" || return
	local pp=$PP
	# until the output stops growing (the reader has caught up with what is left)
	for i in $(seq 100); do
		printed=$(grep -c '^pid=' "$T/$name.out")
		[ "$printed" = "$prev" ] && break
		prev=$printed; sleep 0.3
	done
	lbc_stop; rc=$?
	printed=$(grep -c '^pid=' "$T/$name.out")
	lost=$(sed -n 's/^lbc: lost \([0-9]*\) events$/\1/p' "$T/$name.err")
	lost=${lost:-0}
	check "$name: exit 0 (got $rc)" [ "$rc" = 0 ]
	check "$name: printed $printed + lost $lost == produced $N" \
		[ $((printed + lost)) = "$N" ]
	check "$name: every printed record is the producer's ($(grep -vc "^pid=$pp n=" "$T/$name.out") other lines)" \
		[ "$(grep -c "^pid=$pp n=" "$T/$name.out")" = "$printed" ]
	LOST_SEEN=$lost
}

run_case ring -DRING_BYTES=4096
check "ring: the 4 KB ring buffer overflowed (lost $LOST_SEEN), so the count was exercised" \
	[ "$LOST_SEEN" -gt 0 ]
run_case perf -DPERF_ENTRIES=128

# lone KIND CFLAG: one record, far below the mark: printed within 1 s, lbc still running.
lone() {
	local name=lone_$1 i n=0 alive pp
	produce "$name" "$2" 1 || return
	pp=$PP
	for i in $(seq 10); do
		n=$(grep -c "^pid=$pp n=" "$T/$name.out")
		[ "$n" = 1 ] && break
		sleep 0.1
	done
	kill -0 "$LBC_PID" 2>/dev/null && alive=yes || alive=no
	lbc_stop
	check "$1: a lone record is printed within 1 s while lbc runs (printed $n, running $alive)" \
		[ "$n" = 1 -a $alive = yes ]
}
lone ring -DRING_BYTES=262144
lone perf -DPERF_ENTRIES=128
tap_done
