# SPDX-License-Identifier: MIT
# Helpers for the live suites (sourced after tests/lib.sh): a scratch dir, the uprobe
# target binary, starting surftrace in the background and waiting until it traces.
# Readiness is observed in tracefs (see wait_ready), never guessed with sleeps.
LIVE_TMP=$(mktemp -d /tmp/st_live.XXXXXX)
TARGET=$LIVE_TMP/target
# KEEP=1 keeps the scratch dir for a look after a failure.
live_cleanup() { [ -n "${KEEP:-}" ] || rm -rf "$LIVE_TMP"; own_runs_done; }
trap live_cleanup EXIT
# Every "$ST" run is logged (own_runs), so the state checks look only at this suite's names.
own_runs
own_dir "$LIVE_TMP"

build_target() {
	cc -g -O1 -o "$TARGET" "$ROOT/tests/live/target.c"
}

# st_bg OUT ERR ARGS...: start surftrace in the background; ST_PID is its pid.
st_bg() {
	local out=$1 err=$2
	shift 2
	"$ST" "$@" >"$out" 2>"$err" &
	ST_PID=$!
}

# wait_ready PID [SYSTEM/EVENT]: until the run is fully set up (at most ~20 s, so a
# broken build fails instead of hanging; fails at once when the process is gone).
# tracing_on alone is not enough: a new instance starts with tracing_on 1 and the run
# sets it to 0 before its first probe. The run's event enable (default: its own group
# surftrace_PID) reads 1 only after that, and tracing_on goes back to 1 last.
wait_ready() {
	local pid=$1 i I=$TRACEFS/instances/surftrace_$1
	local en=$I/events/${2:-surftrace_$1}/enable
	for ((i = 0; i < 400; i++)); do
		[ "$(cat "$en" 2>/dev/null)$(cat "$I/tracing_on" 2>/dev/null)" = 11 ] && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# stop_wait PID SIGNAL: send it, wait for the exit status (in ST_RC).
stop_wait() {
	kill -"$2" "$1" 2>/dev/null
	wait "$1"
	ST_RC=$?
}

# wait_gone PID: wait for a process that ends by itself; ST_RC = its status.
wait_gone() {
	wait "$1"
	ST_RC=$?
}

# same_state NAME BEFORE: ok when own_state (what tracefs holds of this suite's runs) equals
# BEFORE (taken with own_state); else the diff as comments.
same_state() {
	local now
	now=$(own_state)
	if [ "$now" = "$2" ]; then
		ok "$1"
	else
		fail "$1"
		diff <(echo "$2") <(echo "$now") | head -8 | sed 's/^/# /'
	fi
}
