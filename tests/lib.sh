# SPDX-License-Identifier: MIT
# Shared helpers for shell test suites: TAP output, root/tracefs checks, tracefs snapshots.
# Source it; call ok/fail/skip; finish with tap_done.
TAP_N=0
TAP_FAILS=0
B=${B:-build}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ST="$ROOT/$B/surftrace"
TRACEFS=/sys/kernel/tracing

ok()   { TAP_N=$((TAP_N+1)); echo "ok $TAP_N - $*"; }
fail() { TAP_N=$((TAP_N+1)); TAP_FAILS=$((TAP_FAILS+1)); echo "not ok $TAP_N - $*"; }
skip() { TAP_N=$((TAP_N+1)); echo "ok $TAP_N - # SKIP $*"; }
# check NAME COMMAND...: ok when the command succeeds.
check() { local n=$1; shift; if "$@"; then ok "$n"; else fail "$n"; fi; }
# expect NAME 'SHELL CONDITION': ok when the whole condition (with && / ||) holds.
expect() { local _expect_name=$1; if eval "$2"; then ok "$_expect_name"; else fail "$_expect_name"; fi; }
tap_done() { echo "1..$TAP_N"; [ "$TAP_FAILS" -eq 0 ]; }

# as_nobody CMD...: run without root (uid/gid 65534, no groups).
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

need_root_tracefs() {
  [ "$(id -u)" = 0 ] || return 1
  [ -e $TRACEFS/README ] || mount -t tracefs nodev $TRACEFS 2>/dev/null
  [ -e $TRACEFS/README ]
}

# Snapshot of every piece of tracefs state surftrace may create, for before/after compares.
tracefs_state() {
  { ls $TRACEFS/instances; echo ---; cat $TRACEFS/dynamic_events; echo ---;
    cat $TRACEFS/uprobe_events; echo ---; cat $TRACEFS/kprobe_events 2>/dev/null;
    echo ---; ls $TRACEFS/events; } 2>/dev/null
}

# Own names. Suites that run at the same time as others assert only on what they made:
# runs whose pid they know (own_pid PID...; every run of "$ST" once own_runs has wrapped it)
# and probes on files under their own scratch dirs (own_dir DIR..., mktemp names: only '.'
# is escaped for the pattern).
OWN_PIDS=
OWN_DIRS=
OWN_LOG=
own_pid() { OWN_PIDS+=" $*"; }
own_dir() { OWN_DIRS+=" $*"; }
# own_runs: from now on "$ST" is a wrapper that logs its pid and execs surftrace (same pid,
# so surftrace_$ST_PID names stay right). The wrapper dir is world-readable so the no-root
# checks (as_nobody "$ST") can still run it; it is removed at exit by own_runs_done.
own_runs() {
	local d
	d=$(mktemp -d /tmp/st_own.XXXXXX) || return 1
	chmod 755 "$d"
	OWN_LOG=$d/pids
	: >"$OWN_LOG"
	chmod 666 "$OWN_LOG"
	printf '#!/bin/sh\necho $$ >>%s\nexec %s "$@"\n' "'$OWN_LOG'" "'$ST'" >"$d/surftrace"
	chmod 755 "$d/surftrace"
	ST_REAL=$ST
	ST=$d/surftrace
	OWN_RUNS_DIR=$d
}
own_runs_done() { [ -n "${OWN_RUNS_DIR:-}" ] && rm -rf "$OWN_RUNS_DIR"; }

# own_state: the lines of tracefs_state that belong to this suite: instances and event
# groups named surftrace_PID or lbc_PID (optionally _suffix) for an own pid, and probe
# definitions of those groups or on a file under an own dir. Compare it before and after
# (same_state in lib_live.sh): it fails on a leftover of the suite's own runs, never on
# another suite's.
own_state() {
	local p pids=$OWN_PIDS re= dre= d
	[ -n "$OWN_LOG" ] && pids+=" $(tr '\n' ' ' <"$OWN_LOG")"
	for p in $pids; do re+="${re:+|}$p"; done
	for d in $OWN_DIRS; do dre+="${dre:+|}$(printf '%s' "$d" | sed 's/\./\\./g')/"; done
	[ -n "$re" ] || re=NO_PID_YET
	[ -n "$dre" ] || dre=NO_DIR_YET
	local name="(surftrace|lbc)_($re)(_[A-Za-z0-9_]*)?"
	{ ls $TRACEFS/instances | grep -E "^$name\$" | sed 's/^/instance /'
	  ls $TRACEFS/events | grep -E "^$name\$" | sed 's/^/group /'
	  cat $TRACEFS/dynamic_events $TRACEFS/uprobe_events $TRACEFS/kprobe_events |
		grep -E "^[^ ]*:$name/| ($dre)" | sort -u; } 2>/dev/null
}

# run_gone NAME PID...: ok when nothing of the runs surftrace_PID is left in tracefs (their
# instance, event group, probe definitions). Asserts only on the suite's own runs (their
# pids), so other suites running at the same time cannot make it fail.
run_gone() {
	local name=$1 p left=
	shift
	for p in "$@"; do
		[ -e "$TRACEFS/instances/surftrace_$p" ] && left+=" instance surftrace_$p"
		[ -e "$TRACEFS/events/surftrace_$p" ] && left+=" group surftrace_$p"
		grep -q "^[a-z]:surftrace_$p/" "$TRACEFS/dynamic_events" 2>/dev/null &&
			left+=" probes of surftrace_$p"
	done
	if [ -z "$left" ]; then ok "$name"; else fail "$name:$left"; fi
}

# build_held_getppid OUT: a program that waits for one byte on stdin (the go signal: the
# tracer is attached), then calls getppid(2) argv[1] times; the events it makes are known.
build_held_getppid() {
	printf '%s\n' '#include <stdlib.h>' '#include <sys/syscall.h>' '#include <unistd.h>' \
		'int main(int argc, char **argv)' '{' '	char c;' '	long i, n = argc > 1 ? atol(argv[1]) : 0;' \
		'	if (read(0, &c, 1) != 1)' '		return 1;' '	for (i = 0; i < n; i++)' \
		'		syscall(SYS_getppid);' '	return 0;' '}' >"$1.c" && cc -O2 -o "$1" "$1.c"
}
