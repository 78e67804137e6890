#!/bin/bash
# SPDX-License-Identifier: MIT
# The benches still run: bench/run.sh in its tiny mode (BENCH_SMOKE=1: 20000 events, one
# run per peer). Checks that every part printed its table with real numbers, that the
# reader received every event the generator made (counted by the bench from the output
# file), and that nothing the bench created is left in tracefs. No timing is asserted.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1

if ! need_root_tracefs; then
  skip "bench smoke: needs root and tracefs"; tap_done; exit
fi
for b in getppid_loop st_readbench first_event; do
  if [ ! -x "$B/bench/$b" ]; then
    fail "bench tool $B/bench/$b not built (make B=$B bench-bins)"; tap_done; exit
  fi
done

before=$(ls $TRACEFS/instances | grep -E '^st_bench_' | sort)
out=$(BENCH_SMOKE=1 B=$B bash bench/run.sh 2>&1); rc=$?
after=$(ls $TRACEFS/instances | grep -E '^st_bench_' | sort)

check "bench/run.sh exits 0" [ $rc -eq 0 ]

# loss row: | name | rate | received | lost |
if [[ $(grep -F 'calls/s' -A3 <<<"$out" | grep -F st_readbench) =~ \|\ ([0-9]+)\ \|\ ([0-9]+)\ \|\ ([0-9.]+)%\ \| ]]; then
  ok "loss row for the reader: rate ${BASH_REMATCH[1]}/s, received ${BASH_REMATCH[2]}"
  check "reader received all 20000 events of the smoke run" [ "${BASH_REMATCH[2]}" -eq 20000 ]
else
  fail "no loss row for st_readbench in: $out"
fi
if grep -F 'calls/s' -A6 <<<"$out" | grep -F 'cat instances' | grep -Eq '\| [0-9]+ \| [0-9]+ \| [0-9.]+% \|'; then
  ok "loss row for cat trace_pipe"
else
  fail "no loss row for cat trace_pipe"
fi
# issue 16's rows: two producers, --json, every syscall event, lbc (numbers, no timing)
if grep -F 'two producers (both CPUs)' <<<"$out" | grep -F '| surftrace |' |
   grep -Eq '\| [0-9]+ \| [0-9.]+% \| [0-9]+ \| [0-9]+ \|$'; then
  ok "peak row: two producers read by surftrace"
else
  fail "no peak row for surftrace in: $out"
fi
check "peak row: --json with one producer" grep -qE '^\| --json, one producer \| surftrace --json \| [0-9]+ ' <<<"$out"
check "syscalls row: every sys_enter_* event for 2 s" grep -qE '^\| surftrace \(after\) \| [0-9.]+ \| [0-9]+ \| [0-9]+ \|$' <<<"$out"
if [ -x "$B/lbc" ]; then
  check "lbc rows: ring (256 KB and the lossless 128 MiB) and perf buffers" \
    [ "$(grep -cE '^\| lbc, (ring buffer (256 KB|128 MiB)|perf buffer) ' <<<"$out")" = 3 ]
fi
if grep -F 'first event (ms)' -A8 <<<"$out" | grep -F st_readbench | grep -Eq '\| [0-9.]+ \| [0-9.]+ \|$'; then
  ok "start row for the reader"
else
  fail "no start row for st_readbench in: $out"
fi
if [ -x "$ST" ] && "$ST" -S "e syscalls/sys_enter_getppid" >/dev/null 2>&1; then
  if grep -Eq '^\| per expression .* \| -?[0-9]+ us \|$' <<<"$out"; then
    ok "show (-S) table printed"
  else
    fail "show table missing although surftrace -S works"
  fi
else
  skip "surftrace -S not built: show table"
fi
check "no st_bench_* instance left behind" [ "$before" = "$after" ]
tap_done
