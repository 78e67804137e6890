#!/bin/bash
# SPDX-License-Identifier: MIT
# The reader batches while events come fast and stays prompt when they do not:
#  - two producers (one per CPU, held on a FIFO until surftrace traces them) make N getppid
#    calls each with the default buffer: events + lost == produced exactly, in text and, with
#    one producer, in --json; while they run the instance's wake-up mark
#    (buffer_percent) is the batching one and surftrace's reader runs at nice -20 (root),
#    and 0 and its own nice (and policy) again once they stopped; where raising is not
#    permitted (CAP_SYS_NICE dropped) nothing changes and the count is still exact;
#  - after such a burst, one lone getppid still shows up while surftrace runs (bound: the
#    batching nap, ST_READ_BATCH_NAP_MS; asserted loosely, within 2 s);
#  - output that stalls for 0.4 s (a slow pipe; mid-burst in text, from the start in --json)
#    loses nothing: the pages are read ahead into memory meanwhile;
#  - -t 1 and SIGINT end the run promptly after a burst (within 3 s).
. "$(dirname "$0")/../lib.sh"
ST="$ROOT/$B/surftrace"
need_root_tracefs || { skip "needs root and tracefs"; tap_done; exit 0; }
[ -x "$ST" ] || { skip "no $ST"; tap_done; exit 0; }
T=$(mktemp -d /tmp/st_batch.XXXXXX)
SP=
# a -p run ends once its processes are gone: this one keeps the runs going
sleep 600 & KEEP=$!
trap '[ -n "$SP" ] && kill -INT $SP 2>/dev/null; kill $KEEP; rm -rf "$T"' EXIT
N=${BATCH_N:-1000000}
MARK=$(sed -n 's/^#define ST_READ_BATCH_PERCENT \([0-9]*\).*/\1/p' "$ROOT/src/read/read.h")
build_held_getppid "$T/prod" || { fail "build producer"; tap_done; exit 1; }
ncpu=$(nproc)

# held NAME CPU COUNT: a producer on CPU, waiting on FIFO $T/NAME.go; sets HP
held() {
	mkfifo "$T/$1.go"
	taskset -c "$2" "$T/prod" "$3" <"$T/$1.go" &
	HP=$!
}
wait_tracing() { # ERRFILE
	local i
	for i in $(seq 100); do grep -q '^Tracing' "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

# burst NAME NPROD surftrace-options...: NPROD producers of N calls; $WRAP (words) runs
# surftrace. Records the marks and the reader's "nice/policy/rt_priority" while they run.
burst() {
	local name=$1 np=$2 k pids=() fds=() marks= nices=
	shift 2
	for k in $(seq "$np"); do
		held "$name$k" $(( (k - 1) % ncpu )) "$N"
		pids+=("$HP")
	done
	$WRAP "$ST" -p "$(IFS=,; echo "${pids[*]}"),$KEEP" "$@" 'e syscalls/sys_enter_getppid' \
		>"$T/$name.out" 2>"$T/$name.err" &
	SP=$!
	wait_tracing "$T/$name.err"
	for k in $(seq "$np"); do exec {fd}<>"$T/$name$k.go"; fds+=("$fd"); echo x >&"$fd"; done
	# the mark while they run
	while kill -0 "${pids[0]}" 2>/dev/null; do
		marks+=" $(cat "$TRACEFS/instances/surftrace_$SP/buffer_percent" 2>/dev/null)"
		nices+=" $(prio_of $SP)"
		sleep 0.05
	done
	wait "${pids[@]}"
	for fd in "${fds[@]}"; do exec {fd}>&-; done
	echo "$marks" >"$T/$name.marks"
	echo "$nices" >"$T/$name.nices"
}
lost_of() { sed -n 's/^surftrace: lost \([0-9]*\) events.*/\1/p' "$1" | head -1; }
# "nice/policy/rt_priority" of a process (its main thread reads; policy 1 = SCHED_FIFO)
prio_of() { awk '{print $19 "/" $41 "/" $40}' "/proc/$1/stat" 2>/dev/null; }

burst two 2
sleep 1.5
# back to waking on any data once the burst is over
idle_mark=$(cat "$TRACEFS/instances/surftrace_$SP/buffer_percent" 2>/dev/null)
idle_prio=$(prio_of $SP)
own_prio=$(prio_of $$)
kill -INT $SP; wait $SP; SP=
ev=$(grep -c ' sys_getppid()$' "$T/two.out")
lost=$(lost_of "$T/two.err"); lost=${lost:-0}
check "two producers, default buffer: events $ev + lost $lost == produced $((2 * N))" \
	[ $((ev + lost)) = $((2 * N)) ]
expect "while they ran the wake-up mark was $MARK% (seen:$(cat "$T/two.marks"))" \
	"grep -qw '$MARK' '$T/two.marks'"
check "after the burst the mark is 0 again (wake on any data): $idle_mark" [ "$idle_mark" = 0 ]
expect "while batching the reader ran at nice -20 (nice/policy/prio seen:$(cat "$T/two.nices"))" \
	"grep -q -- '-20/0/0' '$T/two.nices'"
check "after the burst its policy and nice are its own again ($idle_prio, the shell's $own_prio)" \
	[ "$idle_prio" = "$own_prio" ]

# where raising is not permitted (no CAP_SYS_NICE, RLIMIT_NICE 0, as for a user): the
# reader keeps its nice and policy, and still counts everything exactly
if command -v capsh >/dev/null && [ $(prlimit --pid $$ --noheadings --output SOFT --nice) = 0 ]; then
	printf '#!/bin/sh\nexec capsh --drop=cap_sys_nice -- -c %s "$@"\n' \
		"'exec \"\$0\" \"\$@\"'" >"$T/capless"
	chmod +x "$T/capless"
	WRAP=$T/capless burst capless 2
	sleep 1.5
	idle_prio=$(prio_of $SP)
	kill -INT $SP; wait $SP; SP=
	ev=$(grep -c ' sys_getppid()$' "$T/capless.out")
	lost=$(lost_of "$T/capless.err"); lost=${lost:-0}
	seen=$(wc -w <"$T/capless.nices")
	other=$(tr ' ' '\n' <"$T/capless.nices" | grep -v '^$' | grep -cvxF -- "$own_prio")
	check "not permitted (no CAP_SYS_NICE): policy and nice unchanged while batching ($other of $seen samples differ: $(cat "$T/capless.nices"))" \
		[ "$seen" -gt 0 -a "$other" = 0 ]
	check "not permitted: afterwards $idle_prio (the shell's $own_prio); events $ev + lost $lost == $((2 * N))" \
		[ "$idle_prio" = "$own_prio" -a $((ev + lost)) = $((2 * N)) ]
else
	skip "no capsh, or RLIMIT_NICE allows raising: the not-permitted case"
	skip "the not-permitted case"
fi

burst json 1 --json
jev=$(grep -c '"event":"sys_enter_getppid"' "$T/json.out")
jl=$(sed -n 's/.*"lost":\([0-9]*\).*/\1/p' "$T/json.out" | awk '{s+=$1} END{print s+0}')
kill -INT $SP; wait $SP; SP=
check "--json, one producer: events $jev + lost $jl == produced $N" [ $((jev + jl)) = "$N" ]

# output that stalls: the pipe's reader sleeps 0.4 s, in text after taking 2 MiB (batching
# has begun by then), in --json before it takes anything, then reads on. The kernel's
# buffer (1.4 MiB a CPU) lasts 20-30 ms at full rate; once batching starts (two whole pages
# in one wake-up, even mid-round) the reader's own thread reads the pages ahead into memory
# (ST_READ_AHEAD_BYTES), so the stalled output loses nothing (before it: ~90% lost).
for mode in text json; do
	held "stall$mode" 0 "$N"
	sp_=$HP
	rm -f "$T/pipe"; mkfifo "$T/pipe"
	take=32; [ $mode = json ] && take=0
	{ dd bs=64k count=$take iflag=fullblock status=none; sleep 0.4; cat; } <"$T/pipe" \
		>"$T/stall$mode.out" & rp=$!
	"$ST" $([ $mode = json ] && echo --json) -p $sp_,$KEEP 'e syscalls/sys_enter_getppid' \
		>"$T/pipe" 2>"$T/stall$mode.err" &
	SP=$!
	wait_tracing "$T/stall$mode.err"
	exec {sfd}<>"$T/stall$mode.go"; echo x >&$sfd
	wait $sp_; exec {sfd}>&-
	sleep 0.5
	kill -INT $SP; wait $SP; SP=; wait $rp
	ev=$(grep -c 'sys_getppid()$\|"event":"sys_enter_getppid"' "$T/stall$mode.out")
	lost=$(lost_of "$T/stall$mode.err")
	check "$mode output stalled 0.4 s ($([ $take = 0 ] && echo from the start || echo mid-burst)): all $ev of $N events, none lost (${lost:-0})" \
		[ "$ev" = "$N" -a "${lost:-0}" = 0 ]
done

# a lone event after a burst: one run traces the burst's producer, then a lone producer
cp "$T/prod" "$T/stlone$$"
mkfifo "$T/b.go" "$T/l.go"
"$T/stlone$$" "$N" <"$T/b.go" & bp=$!
"$T/stlone$$" 1 <"$T/l.go" & lp=$!
"$ST" -p $bp,$lp,$KEEP 'e syscalls/sys_enter_getppid' \
	>"$T/lone.out" 2>"$T/lone.err" &
SP=$!
wait_tracing "$T/lone.err"
exec {bfd}<>"$T/b.go"; echo x >&$bfd
seen_mark=
while kill -0 $bp 2>/dev/null; do
	[ "$(cat "$TRACEFS/instances/surftrace_$SP/buffer_percent" 2>/dev/null)" = "$MARK" ] && seen_mark=1
	sleep 0.05
done
wait $bp; exec {bfd}>&-
sleep 0.2
exec {lfd}<>"$T/l.go"; echo x >&$lfd; wait $lp; exec {lfd}>&-
t0=$(date +%s%N)
# matched by pid: the lone producer exits right after its one call, so its name may already
# be gone when the line is formatted ("<...>", as in trace_pipe); the check is about delay
while ! grep -qE -- "-$lp +\[" "$T/lone.out" && [ $(( $(date +%s%N) - t0 )) -lt 2000000000 ]; do
	sleep 0.01
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect "a lone event after a burst (mark ${seen_mark:+was }set) shows up while tracing (${ms} ms)" \
	"grep -qE -- '-$lp +\[' '$T/lone.out'"
t0=$(date +%s%N); kill -INT $SP; wait $SP; SP=
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "SIGINT after a burst ends the run in ${ms} ms (< 3000)" [ "$ms" -lt 3000 ]

# -t 1 with a producer running all along
cp "$T/prod" "$T/sttime$$"
mkfifo "$T/t.go"
"$T/sttime$$" 100000000 <"$T/t.go" & tp=$!
exec {tfd}<>"$T/t.go"; echo x >&$tfd
t0=$(date +%s%N)
"$ST" -t 1 -p $tp 'e syscalls/sys_enter_getppid' >"$T/t.out" 2>"$T/t.err"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
kill $tp; wait $tp 2>/dev/null; exec {tfd}>&-
check "-t 1 under a full-rate producer exits in ${ms} ms (< 4000)" [ "$ms" -lt 4000 ]
check "-t 1 printed events ($(grep -c ' sys_getppid()$' "$T/t.out"))" \
	[ "$(grep -c ' sys_getppid()$' "$T/t.out")" -gt 0 ]
tap_done
