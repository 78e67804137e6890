# SPDX-License-Identifier: MIT
# Helpers for the lbc suites (sourced after tests/lib.sh). Each test starts lbc in the
# background, waits until it reports "attached" on stderr, then runs the forker workload,
# whose own output (the pids it forked) is the oracle the events are checked against.
LBC="$ROOT/$B/lbc"
EX="$ROOT/examples/lbc"
T=$(mktemp -d /tmp/lbc-test.XXXXXX)
# A private cache per suite: runs do not depend on (or disturb) /var/cache/lbc.
export LBC_CACHE_DIR="$T/cache"
trap 'lbc_cleanup' EXIT
LBC_PIDS=""

lbc_cleanup() {
	local p
	for p in $LBC_PIDS; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}

need_lbc() {
	[ -x "$LBC" ] || { skip "lbc not built ($LBC)"; tap_done; exit 0; }
	need_root_tracefs || { skip "needs root and tracefs"; tap_done; exit 0; }
	command -v bpftool >/dev/null || { skip "needs bpftool"; tap_done; exit 0; }
	if [ ! -x "$T/lbc_forker" ]; then
		cc -O1 -g -fno-omit-frame-pointer -o "$T/lbc_forker" "$ROOT/tests/lbc/forker.c" || return 1
	fi
}

# lbc_start NAME ARGS...: runs `lbc run ARGS` in the background with stdout in
# $T/NAME.out, stderr in $T/NAME.err; returns once attached (0) or lbc died (1).
# LBC_WRAP=(cmd...) runs it under a command that execs lbc in the same process (valgrind).
LBC_WRAP=()
lbc_start() {
	local name=$1 i; shift
	: >"$T/$name.err"
	"${LBC_WRAP[@]}" "$LBC" run "$@" >"$T/$name.out" 2>"$T/$name.err" &
	LBC_PID=$!
	LBC_PIDS="$LBC_PIDS $LBC_PID"
	for i in $(seq 1200); do   # cold compiles take a second or two (under valgrind: ~10); 120 s at most
		grep -q '^lbc: attached' "$T/$name.err" && return 0
		kill -0 "$LBC_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# lbc_stop: SIGINT (the user's Ctrl-C) and wait; returns lbc's exit status.
lbc_stop() {
	kill -INT "$LBC_PID" 2>/dev/null
	wait "$LBC_PID"
}

# forker_run N: starts the forker, releases it, waits; its pid in FORKER_PID and the
# pids it forked in $T/kids.
forker_run() {
	rm -f "$T/go"
	"$T/lbc_forker" "$1" "$T/go" >"$T/kids" &
	FORKER_PID=$!
	touch "$T/go"
	wait "$FORKER_PID"
}

# BPF objects by id and name, to find what a run created and check it is gone after.
bpf_ids() { # prog|map
	bpftool "$1" show 2>/dev/null | sed -n 's/^\([0-9]*\): .* name \([^ ]*\).*/\1 \2/p' | sort
}
snap_before() { bpf_ids prog >"$T/prog.before"; }
# While lbc runs: the programs that appeared since snap_before whose name matches REGEX
# (ours: other tools may load programs meanwhile), and the maps those programs use.
snap_during() { # prog-name-regex
	bpf_ids prog | comm -13 "$T/prog.before" - | awk -v re="^($1)\$" '$2 ~ re' >"$T/prog.ours"
	bpftool -j prog show 2>/dev/null | python3 -c '
import json, sys
ids = {int(l.split()[0]) for l in open(sys.argv[1]) if l.strip()}
maps = set()
for p in json.load(sys.stdin):
    if p["id"] in ids:
        maps.update(p.get("map_ids", []))
names = {}
for m in json.loads(sys.argv[2] or "[]"):
    names[m["id"]] = m.get("name", "")
for m in sorted(maps):
    print(m, names.get(m, "?"))' "$T/prog.ours" "$(bpftool -j map show 2>/dev/null)" | sort >"$T/map.ours"
}
# After exit: none of those ids may remain. The kernel frees programs and maps after the
# last reference drops (RCU, a work queue): re-check a bounded number of times.
check_nothing_left() { # test-name
	local i left
	for i in $(seq 50); do
		left=$( { bpf_ids prog | comm -12 "$T/prog.ours" -; bpf_ids map | comm -12 "$T/map.ours" -; } )
		[ -z "$left" ] && break
		sleep 0.1
	done
	if [ -s "$T/prog.ours" ] && [ -z "$left" ]; then
		ok "$1: no program or map of ours left ($(wc -l <"$T/prog.ours") progs, $(wc -l <"$T/map.ours") maps seen)"
	elif [ ! -s "$T/prog.ours" ]; then
		fail "$1: saw no program of ours while running"
	else
		fail "$1: still loaded after exit: $(echo $left)"
	fi
	if ls "$TRACEFS/instances" 2>/dev/null | grep -qx "lbc_$LBC_PID"; then
		fail "$1: ftrace instance lbc_$LBC_PID left behind"
	fi
}
