#!/bin/bash
# SPDX-License-Identifier: MIT
# Lazy event formats (src/read/formats.c): a run over every syscall entry event reads at
# start the format of one event only; the others are read when their first record comes
# (their id found from the events' id files in directory order). Oracles: strace (which
# format and id files were opened, and when), and the arguments the workload passed
# itself (umask 0123, lseek offset 4242, dup2 to fd 77, kill of its own pid), each decoded
# from an event whose format was read lazily; a second system in the same run (sched)
# decodes too, and --json agrees.
. "$(dirname "$0")/../lib.sh"
ST="$ROOT/$B/surftrace"
need_root_tracefs || { skip "needs root and tracefs"; tap_done; exit 0; }
[ -x "$ST" ] || { skip "no $ST"; tap_done; exit 0; }
command -v strace >/dev/null || { skip "no strace"; tap_done; exit 0; }
T=$(mktemp -d /tmp/st_lazy_fmt.XXXXXX)
trap 'rm -rf "$T"' EXIT
cat >"$T/work.c" <<'C'
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void)
{
	getppid();
	umask(0123);
	kill(getpid(), 0);
	lseek(0, 4242, SEEK_SET);
	dup2(1, 77);
	close(77);
	alarm(0);
	return 0;
}
C
cc -O0 -o "$T/work" "$T/work.c" || { fail "build the workload"; tap_done; exit 1; }
NEV=$(ls -d $TRACEFS/events/syscalls/sys_enter_* | wc -l)

strace -f -e trace=openat,execve -o "$T/strace" "$ST" -c "$T/work" 'e syscalls/sys_enter_*' \
	>"$T/out" 2>"$T/err"
rc=$?
wpid=$(sed -n 's/^ *work-\([0-9]*\) .*sys_getppid().*/\1/p' "$T/out" | head -1)
expect "the run ends and decodes the workload's events (rc $rc)" \
	'[ "$rc" = 0 ] && [ -n "$wpid" ]'
# the workload's own arguments, decoded through formats read on their first record
line() { grep "^ *work-$wpid .*: $1(" "$T/out" | head -1; }
expect "umask(0123) decoded: mask 0x53" '[[ "$(line sys_umask)" == *"mask: 0x53)"* ]]'
expect "lseek(0, 4242, SEEK_SET) decoded: offset 0x1092, whence 0" \
	'[[ "$(line sys_lseek)" == *"fd: 0, offset: 0x1092, whence: 0)"* ]]'
expect "dup2(1, 77) and close(77) decoded" \
	'[[ "$(line sys_dup2)" == *"oldfd: 0x1, newfd: 0x4d)"* ]] && [[ "$(line sys_close | tail -1)" == *"fd: 0x"* ]] &&
	 grep -q "^ *work-$wpid .*sys_close(fd: 0x4d)" "$T/out"'
expect "kill(own pid, 0) decoded: the pid the event line names" \
	'[[ "$(line sys_kill)" == *"pid: $(printf "0x%x" "$wpid"), sig: 0)"* ]]'

# What was read, and when: setup is done before the workload is started (its execve).
formats=$(grep -c '/events/syscalls/[a-z0-9_]*/format"' "$T/strace")
ids=$(grep -c '/events/syscalls/[a-z0-9_]*/id"' "$T/strace")
distinct=$(grep -o ': sys_[a-z0-9_]*(' "$T/out" | sort -u | wc -l)
start=$(grep -n "execve(\"$T/work\"" "$T/strace" | head -1 | cut -d: -f1)
early=$(head -n "${start:-0}" "$T/strace" | grep -c '/events/syscalls/[a-z0-9_]*/format"')
enables=$(head -n "${start:-0}" "$T/strace" | grep -c '/sys_enter_[a-z0-9_]*/enable"')
expect "at start ($enables enables done) one format of $NEV is read: $early" \
	'[ "$enables" -ge "$NEV" ] && [ "$early" = 1 ]'
expect "formats read: $formats, for $distinct distinct events seen (at most one more)" \
	'[ "$formats" -ge 1 ] && [ "$formats" -le $((distinct + 1)) ] && [ "$formats" -lt $((NEV / 4)) ]'
expect "id files read: $ids (a few per event seen, not a scan of $NEV)" \
	'[ "$ids" -le $((4 * distinct + 2)) ]'

# A second system in the same run, and --json.
"$ST" --json -c "$T/work" 'e sched/sched_process_exec' 'e syscalls/sys_enter_*' >"$T/json" 2>"$T/jerr"
expect "--json with two systems: sched_process_exec's filename and lseek's offset decoded" \
	'grep -q "\"event\":\"sched_process_exec\".*\"filename\":\"$T/work\"" "$T/json" &&
	 grep "\"event\":\"sys_enter_lseek\"" "$T/json" | grep -q "4242"'
tap_done
