#!/bin/bash
# SPDX-License-Identifier: MIT
# Filters typed by their field: for every (field, operator, value) below, the kernel is the
# oracle. The filter is written to the event's filter file in an instance of our own; surftrace
# -S must accept exactly what the kernel accepts, and refuse the rest at translation with
# the column of the offending token.
. "$(dirname "$0")/../lib.sh"

if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "filter types: needs root, tracefs and $ST"
	tap_done; exit 0
fi
INST=$TRACEFS/instances/st_ftype_$$
mkdir "$INST" || { fail "cannot create $INST"; tap_done; exit 1; }
trap 'rmdir "$INST" 2>/dev/null' EXIT
EV=sched/sched_switch   # prev_comm: char[16] (string); prev_pid: pid_t (number)
F=$INST/events/$EV/filter
agree=0; n=0
while IFS='|' read -r field op val; do
	[ -z "$field" ] && continue
	n=$((n + 1))
	filt="$field$op$val"
	if echo "$filt" >"$F" 2>/dev/null; then kernel=accept; else kernel=refuse; fi
	echo 0 >"$F" 2>/dev/null
	expr="e $EV f:$filt"
	err=$("$ST" -S "$expr" 2>&1 >/dev/null); rc=$?
	if [ $rc -eq 0 ]; then st=accept; else st=refuse; fi
	col=$(( ${#EV} + 6 + ${#field} ))       # 1-based column of the operator
	if [ $kernel = $st ] && { [ $st = accept ] || grep -q "column $col:" <<<"$err"; }; then
		agree=$((agree + 1))
	else
		echo "# $filt: kernel $kernel, surftrace $st ($err; operator at column $col)"
	fi
done <<'CASES'
prev_comm|==|"bash"
prev_comm|!=|"bash"
prev_comm|~|"ba*"
prev_comm|>|"x"
prev_comm|<|"x"
prev_comm|>=|"x"
prev_comm|<=|"x"
prev_comm|&|"x"
prev_pid|==|1
prev_pid|!=|1
prev_pid|<|1
prev_pid|<=|1
prev_pid|>|1
prev_pid|>=|1
prev_pid|&|1
prev_pid|~|"1*"
prev_pid|~|1
CASES
check "surftrace agrees with the kernel on $agree of $n typed filters" [ "$agree" -eq "$n" ]
rmdir "$INST"
check "instance removed" [ ! -d "$INST" ]
tap_done
