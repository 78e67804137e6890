#!/bin/bash
# SPDX-License-Identifier: MIT
# -w FILE records raw pages into trace-cmd's trace.dat (libtracecmd): trace-cmd report opens
# it and shows the recorded events; `surftrace report FILE` prints exactly what the same run
# printed live (--tee), in text and JSON, with the name-prefix conversions and stacks.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../live/lib_live.sh"
if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "record: needs root, tracefs and $ST"
	tap_done; exit 0
fi
build_target || { fail "cannot build the target"; tap_done; exit 1; }
N=4
EXPRS=("P $TARGET:st_target ip_a=%0 b=%1 B32_x=%2->x nm=%2->name"
       "R $TARGET:st_target ret=\$retval" 'e sched/sched_process_exit')
pids=()

# same_as_live LIVE REPORT: equal line for line, except that where the live run could not
# name an exited task ("<...>", saved_cmdlines caught up only later) the report, reading the
# file's saved cmdlines at the end, may name it.
same_as_live() {
	python3 - "$1" "$2" <<'PY'
import re, sys
a = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()
b = open(sys.argv[2], encoding="utf-8", errors="replace").read().splitlines()
def norm(x, y):
    m = re.match(r"^( *)<\.\.\.>-(\d+) ", x)
    if m and re.match(r"^ *\S+-%s " % m.group(2), y):
        return y
    return x
ok = len(a) == len(b) and all(norm(x, y) == y for x, y in zip(a, b))
sys.exit(0 if ok and a else 1)
PY
}

# run_rec NAME ARGS...: a -c run of the target with -w and --tee; live text in NAME.live
run_rec() {
	local name=$1; shift
	"$ST" -q -w "$LIVE_TMP/$name.dat" --tee "$@" -c "sh -c '\"$TARGET\" $N >\"$LIVE_TMP/$name.prog\"'" \
		"${EXPRS[@]}" >"$LIVE_TMP/$name.live" 2>"$LIVE_TMP/$name.err" & pids+=($!)
	wait $!
}

# 1. text: report == live, byte for byte
run_rec t; rc=$?
check "-w --tee run exits with the command's status (0, got $rc)$( [ $rc = 0 ] || echo ": $(head -2 "$LIVE_TMP/t.err" | tr '\n' ' ')")" [ $rc = 0 ]
n=$(grep -c ' p0: ' "$LIVE_TMP/t.live")
check "the live run saw the $N calls ($n)" [ "$n" = $N ]
check "the conversions are in the live text (ip_a dotted, B32_x hex)" \
	grep -q ' ip_a=0\.0\.0\.0 .* B32_x=0x1000000 ' "$LIVE_TMP/t.live"
"$ST" report "$LIVE_TMP/t.dat" >"$LIVE_TMP/t.rep" 2>"$LIVE_TMP/t.reperr"; rc=$?
check "surftrace report exits 0" [ $rc = 0 ]
if same_as_live "$LIVE_TMP/t.live" "$LIVE_TMP/t.rep"; then ok "report prints exactly the live text ($(wc -l <"$LIVE_TMP/t.rep") lines)"
else fail "report differs from live"; diff "$LIVE_TMP/t.live" "$LIVE_TMP/t.rep" | head -6 | sed 's/^/# /'; fi

# 2. trace-cmd report opens the file and shows the same events
if command -v trace-cmd >/dev/null; then
	trace-cmd report "$LIVE_TMP/t.dat" >"$LIVE_TMP/t.tc" 2>/dev/null; rc=$?
	check "trace-cmd report opens it (rc $rc)" [ $rc = 0 ]
	if [ "$(grep -c ' p0: ' "$LIVE_TMP/t.tc")" = $N ] && [ "$(grep -c ' r1: ' "$LIVE_TMP/t.tc")" = $N ]; then ok "trace-cmd report shows the $N uprobe hits and $N returns"; else fail "trace-cmd report shows the $N uprobe hits and $N returns"; fi
	# the same timestamps, in the same order
	ts_live=$(grep -oE ' [0-9]+\.[0-9]{6}: (p0|r1|sched_process_exit):' "$LIVE_TMP/t.live" | tr -d ' ')
	ts_tc=$(grep -oE ' [0-9]+\.[0-9]{6}: (p0|r1|sched_process_exit):' "$LIVE_TMP/t.tc" | tr -d ' ')
	expect "trace-cmd report: same events at the same timestamps" \
		'[ -n "$ts_live" ] && [ "$ts_live" = "$ts_tc" ]'
else
	skip "trace-cmd not installed"; skip "trace-cmd"; skip "trace-cmd"
fi

# 2b. the names the live run printed travel with the recording: in a copy whose kernel
# cmdlines no longer name the exiting shell (its pid there changed to another of the same
# length, as when saved_cmdlines lost it; or the file as it is when they already lost it),
# the report still prints it as live did
pid_sh=$(sed -nE 's/.*sched_process_exit: comm=sh pid=([0-9]+) .*/\1/p' "$LIVE_TMP/t.live" | head -1)
live_sh=$(sed -nE "s/^ *(.*)-$pid_sh +\[.*sched_process_exit.*/\1/p" "$LIVE_TMP/t.live" | head -1)
if [ -z "$pid_sh" ]; then
	fail "no sched_process_exit of the shell in the live text"
elif [ "$live_sh" != sh ]; then
	skip "the live run could not name the exiting shell itself ($live_sh-$pid_sh): nothing to carry"
elif python3 - "$LIVE_TMP/t.dat" "$LIVE_TMP/t2.dat" "$pid_sh" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
pid = sys.argv[3].encode()
other = str(10 ** (len(pid) - 1) + (int(pid) + 1) % (9 * 10 ** (len(pid) - 1))).encode()
key = b'\n' + pid + b' sh\n'
if d.count(key) > 1 or other == pid:
    sys.exit(1)
open(sys.argv[2], 'wb').write(d.replace(key, b'\n' + other + b' sh\n'))
PY
then
	"$ST" report "$LIVE_TMP/t2.dat" >"$LIVE_TMP/t2.rep" 2>/dev/null
	check "a task the file's cmdlines lost is named as live did (sh-$pid_sh: $(grep -oE "[^ ]+-$pid_sh " "$LIVE_TMP/t2.rep" | head -1))" \
		grep -qE "^ *sh-$pid_sh " "$LIVE_TMP/t2.rep"
else
	fail "the shell's pid $pid_sh is in the file's cmdlines more than once"
fi

# 3. JSON: report --json == live --json
run_rec j --json
"$ST" report --json "$LIVE_TMP/j.dat" >"$LIVE_TMP/j.rep" 2>/dev/null
jsame=$(python3 - "$LIVE_TMP/j.live" "$LIVE_TMP/j.rep" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
# as for text: a task the live run could not name ("<...>") may be named by the report
for x, y in zip(a, b):
    if x.get("comm") == "<...>" and x.get("pid") == y.get("pid"):
        x["comm"] = y.get("comm")
print(int(bool(a) and a == b))
PY
)
check "report --json prints the live JSON records ($(wc -l <"$LIVE_TMP/j.rep") records)" [ "$jsame" = 1 ]

# 4. stacks (-s) come back attached to their events
run_rec s -s
"$ST" report "$LIVE_TMP/s.dat" >"$LIVE_TMP/s.rep" 2>/dev/null
if [ "$(grep -c '  => ' "$LIVE_TMP/s.live")" -gt 0 ] && same_as_live "$LIVE_TMP/s.live" "$LIVE_TMP/s.rep"; then ok "-s: report prints the live text with its stack frames ($(grep -c '  => ' "$LIVE_TMP/s.rep") frames)"; else fail "-s: report prints the live text with its stack frames ($(grep -c '  => ' "$LIVE_TMP/s.rep") frames)"; fi

# 5. -w alone prints nothing while tracing, leaves no temporary files
"$ST" -q -w "$LIVE_TMP/q.dat" -c "$TARGET 2" "${EXPRS[0]}" >"$LIVE_TMP/q.live" 2>&1 & pids+=($!); wait $!
if [ "$(grep -c ' p0: ' "$LIVE_TMP/q.live")" = 0 ] && ! grep -q "recorded at offset" "$LIVE_TMP/q.live"; then ok "-w without --tee: only the command's own output (no events, no library chatter)"; else fail "-w without --tee: only the command's own output (no events, no library chatter)"; fi
check "-w: report finds the 2 calls" [ "$("$ST" report "$LIVE_TMP/q.dat" | grep -c ' p0: ')" = 2 ]
check "-w: no temporary per-CPU files left" [ -z "$(ls "$LIVE_TMP" | grep 'q.dat.cpu')" ]

# 6. bad input: one line, exit 1
echo junk >"$LIVE_TMP/junk.dat"
"$ST" report "$LIVE_TMP/junk.dat" >/dev/null 2>"$LIVE_TMP/junk.err"; rc=$?
expect "report of a non-trace.dat file: exit 1, one line" \
	'[ $rc = 1 ] && [ "$(wc -l <"$LIVE_TMP/junk.err")" = 1 ]'
"$ST" -w /nonexistent/dir/x.dat 'e sched/sched_process_exit' >/dev/null 2>"$LIVE_TMP/nw.err" & pids+=($!); wait $!; rc=$?
if [ $rc = 1 ] && grep -q "cannot write '/nonexistent/dir/x.dat'" "$LIVE_TMP/nw.err"; then ok "-w into an unwritable path: exit 1 before tracing"; else fail "-w into an unwritable path: exit 1 before tracing"; fi

run_gone "nothing left of the runs" "${pids[@]}"
tap_done
