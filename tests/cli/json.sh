#!/bin/bash
# SPDX-License-Identifier: MIT
# --json for scripts, on live output: a 64-bit pointer survives jq as a "0x..." string equal
# to what the traced program passed; valid UTF-8 (comm and string argument "café") passes
# through unchanged; invalid bytes become \u00XX of the byte alone; every record has "v":1;
# lost events are {"v":1,"lost":N,"cpu":C} records in the same stream, and add up with the
# delivered events to what the generator caused. Ground truth: the programs' own output.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../live/lib_live.sh"
if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "live json: needs root, tracefs and $ST"
	tap_done; exit 0
fi
command -v jq >/dev/null || { skip "jq not installed (scripts/deps.sh)"; tap_done; exit 0; }
JT=$LIVE_TMP/jt
cc -g -O1 -o "$JT" "$ROOT/tests/cli/jsontarget.c" || { fail "cannot build jsontarget"; tap_done; exit 1; }

# 1. pointers, UTF-8, invalid bytes, in arguments and in comm
st_bg "$LIVE_TMP/o1" "$LIVE_TMP/e1" --json -q "P $JT:st_json_target p=%0 s=%1" "R $JT:st_json_target r=\$retval"
if wait_ready $ST_PID; then
	"$JT" 0 >"$LIVE_TMP/p0"
	"$JT" 1 >"$LIVE_TMP/p1"
	stop_wait $ST_PID INT
	run1=$ST_PID
	read -r ptr0 hex0 comm0 ret0 <"$LIVE_TMP/p0"
	read -r ptr1 hex1 comm1 ret1 <"$LIVE_TMP/p1"
	if [ "$(jq -c 'select(.v != 1)' "$LIVE_TMP/o1" | wc -l)" -eq 0 ] && [ "$(jq -c . "$LIVE_TMP/o1" | wc -l)" -eq 4 ]; then ok "every line is JSON with \"v\":1 (jq)"; else fail "every line is JSON with \"v\":1 (jq)"; fi
	got=$(jq -r 'select(.event=="p0") | .args.p' "$LIVE_TMP/o1" | head -1)
	check "64-bit pointer through jq equals the program's $ptr0 (got $got)" [ "$got" = "$ptr0" ]
	check "the pointer is a JSON string, not a lossy number" \
		[ "$(jq -r 'select(.event=="p0") | .args.p | type' "$LIVE_TMP/o1" | sort -u)" = string ]
	expect "the program passed café as UTF-8 bytes (oracle sanity)" \
		'[ "$hex0" = 636166c3a9 ] && [ "$comm0" = 636166c3a9 ]'
	check "string argument café passes through unchanged" grep -qF '"s":"café"' "$LIVE_TMP/o1"
	check "comm café passes through unchanged" \
		[ "$(grep -cF '"comm":"café"' "$LIVE_TMP/o1")" -eq 2 ]
	check "the program passed bad\\xff\\xfeb\\x01t (oracle sanity)" [ "$hex1" = 626164fffe620174 ]
	check "invalid bytes and control chars are \\u00XX of the byte alone (argument)" \
		grep -qF '"s":"bad\u00ff\u00feb\u0001t"' "$LIVE_TMP/o1"
	check "invalid bytes in comm escaped the same way" \
		[ "$(grep -cF '"comm":"bad\u00ff\u00feb\u0001t"' "$LIVE_TMP/o1")" -eq 2 ]
	check "\$retval is a number equal to the program's ($ret0, $ret1)" \
		[ "$(jq -c 'select(.event=="r1") | .args.r' "$LIVE_TMP/o1" | tr '\n' ' ')" = "$ret0 $ret1 " ]
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e1")"
	run1=$ST_PID
fi
run_gone "nothing left of the json run" $run1

# 1b. --json -c CMD: what CMD prints goes to stderr, stdout is records only (a strict
#     parser reads all of it); the events of CMD are there.
"$ST" --json -q -c "sh -c 'echo not-json; exec $JT 0'" "P $JT:st_json_target p=%0" \
	>"$LIVE_TMP/o1b" 2>"$LIVE_TMP/e1b" & c1b=$!
own_pid $c1b
wait $c1b; rc=$?
check "--json -c: exit 0 (got $rc)" [ $rc = 0 ]
check "--json -c: stdout is JSON records only ($(grep -vc '^{' "$LIVE_TMP/o1b") other lines)" \
	python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]' "$LIVE_TMP/o1b"
check "--json -c: the command's event is there" [ "$(jq -r .event "$LIVE_TMP/o1b")" = p0 ]
check "--json -c: the command's output went to stderr" grep -qx 'not-json' "$LIVE_TMP/e1b"
run_gone "nothing left of the json -c run" $c1b

# 2. lost events as records in the stream: a 4 KiB buffer, a stdout nobody reads for 2 s,
# and surftrace stopped (SIGSTOP) while the generator runs
GEN=$LIVE_TMP/stjl$$
cp "$ROOT/$B/bench/getppid_loop" "$GEN" 2>/dev/null || { skip "bench/getppid_loop not built"; tap_done; exit 0; }
N=200000
mkfifo "$LIVE_TMP/go"
( read -r _ <"$LIVE_TMP/go"; exec "$GEN" $N >/dev/null ) & gpid=$!
( "$ST" --json --buffer-kb 4 "e syscalls/sys_enter_getppid f:common_pid==$gpid" 2>"$LIVE_TMP/e2" &
  echo $! >"$LIVE_TMP/stpid"; wait $! ) | { sleep 2; cat >"$LIVE_TMP/o2"; } &
pipe=$!
for _ in $(seq 100); do [ -s "$LIVE_TMP/stpid" ] && break; sleep 0.05; done
spid=$(cat "$LIVE_TMP/stpid")
if wait_ready "$spid" syscalls/sys_enter_getppid; then
	# stopped while the generator runs: nothing reads (not even the read-ahead thread)
	kill -STOP "$spid"
	echo go >"$LIVE_TMP/go"; wait $gpid
	kill -CONT "$spid"
	sleep 2.5                       # the reader drains into the pipe once cat reads it
	kill -INT "$spid"; wait $pipe
	ev=$(jq -c 'select(.event=="sys_enter_getppid")' "$LIVE_TMP/o2" | wc -l)
	lost=$(jq -s 'map(select(.lost != null) | .lost) | add // 0' "$LIVE_TMP/o2")
	nrec=$(jq -c 'select(.lost != null) | select(.v == 1 and (.cpu|type) == "number")' "$LIVE_TMP/o2" | wc -l)
	summary=$(sed -nE 's/^surftrace: lost ([0-9]+) events.*/\1/p' "$LIVE_TMP/e2")
	expect "events were lost and reported as records ($nrec records, $lost lost, $ev seen)" \
		'[ "$lost" -gt 0 ] && [ "$nrec" -ge 1 ]'
	check "lost records add up to the stderr summary ($summary)" [ "$lost" = "$summary" ]
	check "seen + lost = the $N calls the generator made ($ev + $lost)" [ $((ev + lost)) -eq $N ]
else
	fail "surftrace (lost) never became ready: $(head -3 "$LIVE_TMP/e2")"
	kill "$gpid" 2>/dev/null
fi
run_gone "nothing left of the lost run" $spid
tap_done
