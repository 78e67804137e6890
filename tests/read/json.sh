#!/bin/bash
# SPDX-License-Identifier: MIT
# --json output of the reader + output stages, parsed back with python3's json module.
# Events are caused here (a getppid loop, an exec of a binary whose path needs escaping)
# and checked against what the test knows: the generator's pid, its call count, the
# syscall number from the kernel headers, the exact path it executed.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
RB=$B/bench/st_readbench
GEN=$B/bench/getppid_loop

if ! need_root_tracefs; then skip "json: needs root and tracefs"; tap_done; exit; fi
if [ ! -x "$RB" ] || [ ! -x "$GEN" ]; then fail "bench tools not built ($RB)"; tap_done; exit; fi
command -v python3 >/dev/null || { skip "json: no python3"; tap_done; exit; }
TMP=$(mktemp -d /tmp/st_json.XXXXXX)
RBPID=
trap '[ -n "$RBPID" ] && kill $RBPID 2>/dev/null; rm -rf "$TMP"' EXIT

# start_reader ARGS...: st_readbench in the background, waits until its event is on
start_reader() {
  rm -f "$TMP/ready"
  "$RB" "$@" -r "$TMP/ready" 2>"$TMP/rb.err" & RBPID=$!
  for _ in $(seq 100); do [ -e "$TMP/ready" ] && return 0; sleep 0.05; done
  return 1
}
stop_reader() { sleep 0.3; kill -INT $RBPID; wait $RBPID; local rc=$?; RBPID=; return $rc; }

# The generator under a name of its own: other runs of getppid_loop (a bench, another
# suite) must not land in our filter.
GCOMM=stj$$
cp "$GEN" "$TMP/$GCOMM"; GEN=$TMP/$GCOMM

# 1. getppid: N events of the generator, every line a JSON object with the right values
N=500
NR=$(sed -nE 's/^#define __NR_getppid ([0-9]+).*/\1/p' /usr/include/x86_64-linux-gnu/asm/unistd_64.h)
start_reader -j -e syscalls/sys_enter_getppid -f "comm == \"$GCOMM\"" -o "$TMP/g.json" \
  || fail "reader did not start: $(cat "$TMP/rb.err")"
"$GEN" $N >/dev/null & gpid=$!; wait $gpid
check "reader stops cleanly" stop_reader
out=$(python3 - "$TMP/g.json" "$gpid" "$N" "${NR:-110}" "$GCOMM" <<'PY'
import json, sys
path, pid, n, nr, comm = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
bad = 0; good = 0; last = {}
for line in open(path, encoding="utf-8"):
    o = json.loads(line)                        # raises on any malformed line
    ok = (o["v"] == 1 and isinstance(o["time"], float) and isinstance(o["cpu"], int) and o["pid"] == pid
          and o["comm"] == comm and o["event"] == "sys_enter_getppid"
          and o["args"] == {"__syscall_nr": nr} and "stack" not in o)
    good += ok; bad += not ok
    if not ok and bad == 1: print(line.strip(), file=sys.stderr)
    if o["time"] < last.get(o["cpu"], 0): bad += 1   # per-CPU order is time order
    last[o["cpu"]] = o["time"]
print(good, bad)
PY
)
check "all $N getppid events parse as JSON with pid/comm/event/args right (got: $out)" [ "$out" = "$N 0" ]

# 2. strings that need escaping: exec a copy of the generator under an awkward path
dir="$TMP/a \"quoted\" \\dir é"
mkdir -p "$dir"; cp "$GEN" "$dir/getppid_loop"   # exec'ed by path: its comm is getppid_loop
start_reader -j -e sched/sched_process_exec -o "$TMP/e.json" || fail "reader did not start (exec)"
"$dir/getppid_loop" 1 >/dev/null & epid=$!; wait $epid
check "reader stops cleanly (exec)" stop_reader
out=$(python3 - "$TMP/e.json" "$epid" "$dir/getppid_loop" <<'PY'
import json, sys
path, pid, exe = sys.argv[1], int(sys.argv[2]), sys.argv[3]
hits = 0
for line in open(path, encoding="utf-8"):
    o = json.loads(line)
    if o["args"].get("pid") == pid:
        # valid UTF-8 passes through unchanged
        want = exe
        hits += o["args"]["filename"] == want and o["pid"] == pid
print(hits)
PY
)
check "exec path with quotes, backslash and UTF-8 round-trips through JSON" [ "$out" = 1 ]

# 3. stacks: every event carries a "stack" list of "sym+0xoff/0xsize" strings
start_reader -j -s -e syscalls/sys_enter_getppid -f "comm == \"$GCOMM\"" -o "$TMP/s.json" \
  || fail "reader did not start (stacks)"
"$GEN" 20 >/dev/null
check "reader stops cleanly (stacks)" stop_reader
out=$(python3 - "$TMP/s.json" <<'PY'
import json, re, sys
n = good = 0
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line); n += 1
    st = o.get("stack", [])
    good += bool(st) and all(re.fullmatch(r"[A-Za-z0-9_.$]+\+0x[0-9a-f]+/0x[0-9a-f]+", f) for f in st)
print(n, good)
PY
)
check "20 events with symbolized stacks (got: $out)" [ "$out" = "20 20" ]
tap_done
