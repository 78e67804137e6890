#!/bin/bash
# SPDX-License-Identifier: MIT
# ASan + UBSan build of the library, CLI and unit tests; every unit test run under it, and
# the CLI's -S path over the golden cases with leak checking on.
source "$(dirname "$0")/../lib.sh"
AB="$ROOT/build-asan"
log=$(mktemp); trap 'rm -f "$log"' EXIT
if ! make -C "$ROOT" -j"$(nproc)" B=build-asan \
    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -O1" \
    EXTRA_LDFLAGS="-fsanitize=address,undefined" all unit >"$log" 2>&1; then
  fail "asan build: $(grep -m3 -E 'error:|warning:|undefined reference' "$log" | tr '\n' ' ')"
  tap_done; exit 1
fi
ok "asan+ubsan build"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "$AB"/tests/test_*; do
  [ -x "$t" ] || continue
  if CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1 && ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error' "$log"; then
    ok "asan $(basename "$t") ($(grep -c '^ok' "$log") cases)"
  else
    fail "asan $(basename "$t"): $(grep -m3 -E 'not ok|Sanitizer|runtime error' "$log" | tr '\n' ' ')"
  fi
done
cases="$ROOT/tests/golden/offsets.cases"
if grep -v '^#' "$cases" | grep . | "$AB/surftrace" -S -f /dev/stdin >/dev/null 2>"$log" && ! grep -q Sanitizer "$log"; then
  ok "asan surftrace -S over the golden cases, no leaks"
else
  fail "asan surftrace -S: $(head -3 "$log" | tr '\n' ' ')"
fi
if "$AB/surftrace" -S 'p wake_up_new_task c=%0->comn' >/dev/null 2>"$log"; [ $? -eq 2 ] && ! grep -q Sanitizer "$log"; then
  ok "asan surftrace error path, no leaks"
else
  fail "asan error path: $(head -3 "$log" | tr '\n' ' ')"
fi
# the live path (session, reader, output, teardown) under ASan/LSan, when root can trace
if need_root_tracefs; then
  before=$(own_state)
  ( sleep 0.5; for i in 1 2 3; do /bin/true; done ) &
  "$AB/surftrace" -t 1.5 -s --json 'e sched/sched_process_exec' >/dev/null 2>"$log" & apid=$!
  own_pid $apid
  if wait $apid && ! grep -qE 'Sanitizer|runtime error' "$log"; then
    ok "asan live run (-t, -s, --json), no leaks"
  else
    fail "asan live run: $(head -3 "$log" | tr '\n' ' ')"
  fi
  wait
  check "asan live run left nothing of its own in tracefs" [ "$before" = "$(own_state)" ]
  # a burst: batching starts the read-ahead thread, output that stalls fills its queue,
  # and the stop ends it with pages still queued
  bt=$(mktemp -d /tmp/st_asan.XXXXXX)
  if build_held_getppid "$bt/prod"; then
    mkfifo "$bt/go" "$bt/pipe"
    "$bt/prod" 300000 <"$bt/go" & bp=$!
    { dd bs=64k count=8 iflag=fullblock status=none; sleep 0.3; cat; } <"$bt/pipe" >"$bt/out" & rp=$!
    "$AB/surftrace" --json -p $bp 'e syscalls/sys_enter_getppid' >"$bt/pipe" 2>"$log" & apid=$!
    own_pid $apid
    for i in $(seq 100); do grep -q '^Tracing' "$log" && break; sleep 0.1; done
    echo x >"$bt/go"
    wait $bp; wait $apid; arc=$?; wait $rp
    n=$(grep -c '"event":"sys_enter_getppid"' "$bt/out")
    if [ $arc = 0 ] && ! grep -qE 'Sanitizer|runtime error' "$log"; then
      ok "asan burst read ahead through stalled output ($n of 300000 events), no leaks"
    else
      fail "asan burst: $(grep -m3 -E 'Sanitizer|runtime error|lost' "$log" | tr '\n' ' ')"
    fi
  else
    fail "asan burst: cannot build the producer"
  fi
  rm -rf "$bt"
  check "asan burst left nothing of its own in tracefs" [ "$before" = "$(own_state)" ]
fi
tap_done
