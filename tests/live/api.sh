#!/bin/bash
# SPDX-License-Identifier: MIT
# The libsurftrace example program (examples/api) on a uprobe: the per-expression
# count and the sum of a field read with surftrace_event_num() must equal what the
# target program says it passed; tracefs is restored after SIGINT.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_live.sh"

EX=$ROOT/$B/examples/api_example
if ! need_root_tracefs || [ ! -x "$EX" ]; then
	skip "api example: needs root, tracefs and $EX"
	tap_done; exit 0
fi
if ! build_target; then
	fail "cannot build the target program"
	tap_done; exit 1
fi
before=$(own_state)
N=6
mkfifo "$LIVE_TMP/f"
cat "$LIVE_TMP/f" >"$LIVE_TMP/o" & catpid=$!
"$EX" -f a "P $TARGET:st_target a=%0 b=%1" >"$LIVE_TMP/f" 2>"$LIVE_TMP/e" & pid=$!
own_pid $pid
if wait_ready $pid; then
	"$TARGET" $N >"$LIVE_TMP/prog"
	kill -INT $pid; wait $pid; rc=$?; wait $catpid
	check "example exits 0 (got $rc)" [ $rc -eq 0 ]
	calls=$(wc -l <"$LIVE_TMP/prog")
	sum=$(awk '{ s += $1 } END { print s }' "$LIVE_TMP/prog")
	check "count = the program's calls ($calls)" \
		grep -qx "# expression 1: $calls events" "$LIVE_TMP/o"
	check "sum of a via surftrace_event_num = the program's sum ($sum)" \
		grep -qx "# sum of a: $sum" "$LIVE_TMP/o"
	check "events printed in surftrace's line format" \
		[ "$(grep -c ' p0: (.*) a=[0-9]* b=' "$LIVE_TMP/o")" -eq $calls ]
else
	fail "example never became ready: $(head -3 "$LIVE_TMP/e")"
	kill $pid 2>/dev/null; wait $pid; wait $catpid
fi
same_state "state restored after the example" "$before"
tap_done
