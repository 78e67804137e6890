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
