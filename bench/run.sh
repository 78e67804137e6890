#!/bin/bash
# SPDX-License-Identifier: MIT
# surftrace benchmarks, every peer side by side in ONE run (root, tracefs). Prints markdown
# tables for docs/PERFORMANCE.md. Not a test: nothing here asserts a timing.
#
#   make bench                       (builds, then runs this)
#   B=build bash bench/run.sh        env: BENCH_N events per loss run (3000000),
#                                    BENCH_REPEAT runs per peer (3), BENCH_SMOKE=1 tiny mode,
#                                    BENCH_ONLY="loss start show" to pick parts
#                                    (also: peak syscalls lbc, issue 16's cases),
#                                    ST_BEFORE=OLD_SURFTRACE adds "before" rows to them,
#                                    BENCH_PEAK_N calls per producer in them (1000000)
#
# 1. loss: a tight getppid(2) loop (bench/getppid_loop) against `e syscalls/sys_enter_getppid`
#    read by: surftrace (CLI), st_readbench (reader+output stages alone), cat trace_pipe,
#    trace-cmd record. Every peer writes to a file in its own instance with the same
#    (default) buffer size; received = lines in its output from getppid_loop (counted
#    here, not taken from the tool), loss = 1 - received / calls made.
# 2. start: time from exec to the first event line and peak RSS (wait4) while a slow
#    getppid loop runs: surftrace, st_readbench, bpftrace, perf trace.
# 3. show: surftrace -S of every README expression (bench/readme_exprs.txt): per
#    expression time, BTF-only baseline, peak RSS.
# 4. peak: producers held until every peer is attached, then BENCH_PEAK_N getppid calls each
#    at full rate: two producers (one per CPU) and --json with one, read by surftrace (and
#    ST_BEFORE), bpftrace (printf) and perf record (binary, counted by perf script), each
#    scoped to the producers' pids; received, lost, the tool's CPU time per event (user+sys
#    from /usr/bin/time over what it received), the producers' rate.
# 5. syscalls: `-t 2 'e syscalls/sys_enter_*'` (every syscall of the machine) while a
#    producer runs: wall time to exit, lines, lines of the tracer itself; bpftrace beside.
# 5b. show10k: -S -f of 10,000 kernel functions (BENCH_SHOW_N), before/after, bpftrace -d
#    of the same probe list as context (it cannot resolve kprobes here).
# 6. lbc: BENCH_PEAK_N records through a ring buffer (256 KB) and a perf buffer (64 pages per
#    CPU) from one producer: printed, lost, producer rate, beside bpftrace's printf. The
#    program is tests/fixtures/getppid_rec.bpf.c (tests/lbc/lost.sh runs it too). Then a
#    128 MiB ring (nothing lost), whose CPU column is lbc's cost per record without its
#    start (each run minus a run of 1 record with the same ring); LBC_BEFORE=OTHER_LBC adds
#    that row for another lbc binary (before/after of its printer).
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
BB=$B/bench
ST=$B/surftrace
TRACEFS=/sys/kernel/tracing
N=${BENCH_N:-3000000}
R=${BENCH_REPEAT:-3}
ONLY=${BENCH_ONLY:-loss start show show10k peak syscalls lbc}
if [ -n "${BENCH_SMOKE:-}" ]; then N=20000; R=1; fi
EV=syscalls/sys_enter_getppid
TMP=$(mktemp -d /tmp/st_bench.XXXXXX)
GEN_PID=
MADE_INST=()

cleanup() {
  [ -n "$GEN_PID" ] && kill "$GEN_PID" 2>/dev/null && wait "$GEN_PID" 2>/dev/null
  local i
  for i in "${MADE_INST[@]}"; do
    [ -d "$i" ] || continue
    echo 0 > "$i/events/${EV}/enable" 2>/dev/null
    rmdir "$i" 2>/dev/null
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 1; }
[ -e $TRACEFS/README ] || mount -t tracefs nodev $TRACEFS
for b in "$BB/getppid_loop" "$BB/st_readbench" "$BB/first_event"; do
  [ -x "$b" ] || { echo "bench: $b missing (make B=$B bench-bins)" >&2; exit 1; }
done
have() { command -v "$1" >/dev/null 2>&1; }
st_works() { [ -x "$ST" ] && "$ST" -S "e $EV" >/dev/null 2>&1; }

median() { sort -n | awk '{v[NR]=$1} END{ if (NR) print v[int((NR+1)/2)]; else print "n/a" }'; }
max() { sort -n | tail -1; }

# wait_enabled DIR_GLOB: until some instance matching it has the event enabled (5 s)
wait_enabled() {
  local i f
  for i in $(seq 100); do
    for f in $1/events/$EV/enable; do
      [ -f "$f" ] && [ "$(cat "$f" 2>/dev/null)" = 1 ] && return 0
    done
    sleep 0.05
  done
  return 1
}

# The generator runs under a comm of its own (a copy named stb<pid>), so that a concurrent
# run of getppid_loop elsewhere never counts as ours.
GCOMM=stb$$
cp "$BB/getppid_loop" "$TMP/$GCOMM"
GEN=$TMP/$GCOMM
count_gen() { grep -c -- "$GCOMM-" "$1" 2>/dev/null || true; }

# run_gen: the generator; prints "calls rate"
run_gen() {
  "$GEN" "$N" | sed -E 's/calls=([0-9]+) secs=[0-9.]+ rate=([0-9]+)/\1 \2/'
}

# ---- loss peers: each sets up, runs the generator, stops, prints "calls rate received"
loss_surftrace() {
  local out=$TMP/st.txt pid
  "$ST" -q "e $EV" > "$out" 2>"$TMP/st.err" & pid=$!
  loss_wait_st $pid "$out"
}
loss_surftrace16m() {
  local out=$TMP/st.txt pid
  "$ST" -q --buffer-kb 16384 "e $EV" > "$out" 2>"$TMP/st.err" & pid=$!
  loss_wait_st $pid "$out"
}
loss_wait_st() {
  local pid=$1 out=$2
  wait_enabled "$TRACEFS/instances/surftrace_$pid" || { kill $pid; wait $pid; echo "n/a"; return; }
  local g; g=$(run_gen)
  sleep 0.5; kill -INT $pid; wait $pid
  echo "$g $(count_gen "$out")"
}
loss_readbench() {
  local out=$TMP/rb.txt pid
  "$BB/st_readbench" -e $EV -o "$out" -r "$TMP/rb.ready" 2>"$TMP/rb.err" & pid=$!
  wait_enabled "$TRACEFS/instances/st_bench_$pid" || { kill $pid; wait $pid; echo "n/a"; return; }
  local g; g=$(run_gen)
  sleep 0.5; kill -INT $pid; wait $pid
  echo "$g $(count_gen "$out")"
}
# inst_on NAME [BUFFER_KB] [PIDS]: an instance of our own with $EV enabled (path in INST,
# removed by cleanup if the bench dies); inst_off DIR disables and removes it.
inst_on() {
  INST=$TRACEFS/instances/$1
  mkdir "$INST" && MADE_INST+=("$INST")
  [ -n "${2:-}" ] && echo "$2" > "$INST/buffer_size_kb"
  [ -n "${3:-}" ] && echo "${3//,/ }" > "$INST/set_event_pid"
  echo 1 > "$INST/events/$EV/enable"
}
inst_off() { echo 0 > "$1/events/$EV/enable"; rmdir "$1"; }
loss_cat16m() { loss_cat 16384; }
loss_cat() {
  local inst out=$TMP/cat.txt pid
  inst_on st_bench_cat_$$ "${1:-}"; inst=$INST
  cat "$inst/trace_pipe" > "$out" & pid=$!
  sleep 0.2
  local g; g=$(run_gen)
  sleep 0.5; kill $pid; wait $pid 2>/dev/null
  inst_off "$inst"
  echo "$g $(count_gen "$out")"
}
loss_tracecmd() {
  # trace-cmd runs the generator itself (record stops when it exits). Where the kernel
  # refuses function-tracer files (EPERM on set_ftrace_filter, as on this lab machine)
  # trace-cmd gives up: the row says n/a.
  local inst=st_bench_tc_$$ dat=$TMP/tc.dat rc
  MADE_INST+=("$TRACEFS/instances/$inst")
  timeout -s KILL 120 trace-cmd record -q -d -B "$inst" -e "${EV/\//:}" -o "$dat" \
    "$GEN" "$N" >"$TMP/tc.log" 2>&1; rc=$?
  [ -d "$TRACEFS/instances/$inst" ] && inst_off "$TRACEFS/instances/$inst"
  local g; g=$(sed -nE 's/.*calls=([0-9]+) secs=[0-9.]+ rate=([0-9]+).*/\1 \2/p' "$TMP/tc.log")
  if [ $rc -ne 0 ] || [ -z "$g" ]; then
    rm -f "$dat"*
    grep -m1 -iE 'not permitted|error|cannot|can.t' "$TMP/tc.log" | tr -d '|' > "$TMP/tc.why"
    echo "n/a"; return
  fi
  trace-cmd report -i "$dat" 2>/dev/null > "$TMP/tc.txt"
  rm -f "$dat"*
  echo "$g $(count_gen "$TMP/tc.txt")"
}

bench_loss() {
  echo "### Events lost: tight getppid loop, $N calls per run, median of $R runs"
  echo
  echo "| reader (to a file) | calls/s while traced | received | lost |"
  echo "|---|---:|---:|---:|"
  local peers="readbench cat tracecmd" p i
  st_works && peers="surftrace $peers surftrace16m"
  [ -z "${BENCH_SMOKE:-}" ] && peers="$peers cat16m"
  have trace-cmd || peers=${peers/tracecmd/}
  for p in $peers; do
    : > "$TMP/loss.$p"
  done
  # interleave peers per round so machine noise hits all of them alike
  for i in $(seq "$R"); do
    for p in $peers; do loss_$p >> "$TMP/loss.$p"; done
  done
  for p in $peers; do
    local name=$p rate recv lost
    case $p in
      surftrace) name="surftrace 'e $EV'";;
      surftrace16m) name="surftrace --buffer-kb 16384 'e $EV'";;
      cat16m) name="cat trace_pipe, buffer_size_kb 16384";;
      readbench) name="st_readbench (reader+output stages)";;
      cat) name="cat instances/X/trace_pipe";;
      tracecmd) name="trace-cmd record -B (splice, binary)";;
    esac
    rate=$(awk 'NF==3{print $2}' "$TMP/loss.$p" | median)
    recv=$(awk 'NF==3{print $3}' "$TMP/loss.$p" | median)
    lost=$(awk 'NF==3 && $1>0 {printf "%.2f\n", 100*($1-$3)/$1}' "$TMP/loss.$p" | median)
    [ "$recv" = n/a ] && { echo "| $name | n/a | n/a | n/a (trace-cmd failed: $(cat "$TMP/tc.why" 2>/dev/null)) |"; continue; }
    echo "| $name | $rate | $recv | ${lost}% |"
  done
  echo
}

# ---- start to first event, peak RSS
start_row() { # name match cmd...
  local name=$1 match=$2; shift 2
  local i
  : > "$TMP/start"
  for i in $(seq "$R"); do
    "$BB/first_event" -w 10 "$match" -- "$@" >> "$TMP/start" 2>/dev/null
  done
  local ms rss
  ms=$(sed -nE 's/.*first_ms=([0-9.]+).*/\1/p' "$TMP/start" | median)
  rss=$(sed -nE 's/.*maxrss_kb=([0-9]+).*/\1/p' "$TMP/start" | max)
  echo "| $name | $ms | $((${rss:-0} / 1024)).$(( (${rss:-0} % 1024) * 10 / 1024 )) |"
}

bench_start() {
  echo "### Start to first event and peak RSS, median of $R runs (a getppid every ~0.2 ms)"
  echo
  echo "| command | first event (ms) | peak RSS (MB) |"
  echo "|---|---:|---:|"
  "$GEN" 0 200 >/dev/null & GEN_PID=$!
  st_works && start_row "surftrace 'e $EV'" "sys_getppid()" "$ST" -q "e $EV"
  start_row "st_readbench (reader+output stages)" "sys_getppid()" "$BB/st_readbench" -e $EV
  have bpftrace && start_row "bpftrace -e 'tracepoint:syscalls:sys_enter_getppid {printf}'" \
    "getppid " bpftrace -e 'tracepoint:syscalls:sys_enter_getppid { printf("getppid %d\n", pid); }'
  have perf && start_row "perf trace -e syscalls:sys_enter_getppid" "sys_enter_getppid" \
    perf trace --no-syscalls -e syscalls:sys_enter_getppid
  kill "$GEN_PID"; wait "$GEN_PID" 2>/dev/null; GEN_PID=
  echo
}

# ---- -S of the README
bench_show() {
  st_works || { echo "(surftrace -S not available: show bench skipped)"; echo; return; }
  local f=bench/readme_exprs.txt n i t0 t1
  n=$(grep -cvE '^\s*(#|$)' "$f")
  # which README lines translate on this kernel (the rest name functions it lacks)
  local okf=$TMP/ok.txt; : > "$okf"
  while IFS= read -r l; do
    case $l in ''|\#*) continue;; esac
    "$ST" -S "$l" >/dev/null 2>&1 && printf '%s\n' "$l" >> "$okf"
  done < "$f"
  local nok; nok=$(wc -l < "$okf")
  : > "$TMP/all"; : > "$TMP/one"
  for i in $(seq $((R * 3))); do
    t0=$(date +%s%N); "$ST" -S -f "$okf" >/dev/null 2>&1; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 )) >> "$TMP/all"
    t0=$(date +%s%N); "$ST" -S "e $EV" >/dev/null 2>&1; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 )) >> "$TMP/one"
  done
  local all one rss
  all=$(median < "$TMP/all"); one=$(median < "$TMP/one")
  rss=$( { /usr/bin/time -f '%M' "$ST" -S -f "$okf" >/dev/null; } 2>&1 | tail -1)
  echo "### surftrace -S of the README ($nok of $n expressions translate on $(uname -r))"
  echo
  echo "| what | value |"
  echo "|---|---:|"
  echo "| whole file, one process (median of $((R * 3))) | $((all / 1000)).$(( (all % 1000) / 100 )) ms |"
  echo "| per expression ((whole - baseline) / $nok) | $(( (all - one) / (nok > 0 ? nok : 1) )) us |"
  echo "| baseline: one trivial expression (process start + BTF load) | $((one / 1000)).$(( (one % 1000) / 100 )) ms |"
  echo "| peak RSS, whole file | $((rss / 1024)).$(( (rss % 1024) * 10 / 1024 )) MB |"
  echo
}

# ---- issue 16: peak rates, side by side
PN=${BENCH_PEAK_N:-1000000}
[ -n "${BENCH_SMOKE:-}" ] && PN=20000
tool_cpu() { # TIMEFILE: user+sys seconds of /usr/bin/time -f '%U %S'
  tail -1 "$1" | awk '{print $1 + $2}'
}
# stop_timed PID SIG: PID is /usr/bin/time (which ignores SIGINT): signal its child, wait
stop_timed() {
  local c i; c=$(pgrep -P "$1" 2>/dev/null)
  kill -"$2" ${c:-$1} 2>/dev/null
  # a tool still starting may not take SIGINT yet: again each second, KILL after 20 s
  # (gone is noticed within 50 ms: most stop at once)
  for i in $(seq 400); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.05
    [ $((i % 20)) = 0 ] && kill -"$2" ${c:-$1} 2>/dev/null
  done
  kill -0 "$1" 2>/dev/null && kill -KILL ${c:-$1} 2>/dev/null
  wait "$1" 2>/dev/null
}
# held NAME CPU: a producer of PN calls (comm $GCOMM) pinned to CPU, held by its shell's
# open of a fifo (an open for reading waits for a writer); release opens each fifo for
# writing, which waits for that reader in turn, so the two always meet (a read-write open
# that came before the producer's open met nobody and left it waiting forever).
held() { # NAME CPU [CALLS (default BENCH_PEAK_N)]
  rm -f "$TMP/$1.go"; mkfifo "$TMP/$1.go"
  taskset -c "$2" "$GEN" "${3:-$PN}" <"$TMP/$1.go" >"$TMP/$1.rate" &
  HELD+=($!)
}
# (The producer's shell makes that open before it runs anything that could fail.)
release() { local f fd; for f in "$@"; do exec {fd}>"$TMP/$f.go"; exec {fd}>&-; done; }
wait_line() { # FILE REGEX: until FILE has a line matching (20 s)
  local i; for i in $(seq 400); do grep -qE "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1
}
# peak_peer PEER NPROD JSON: one run; prints "received lost_pct cpu_ns_per_event rate"
peak_peer() {
  local peer=$1 np=$2 json=$3 k pids out=$TMP/peak.out tm=$TMP/peak.time pid st ok=1 names=()
  HELD=()
  rm -f "$TMP"/p*.rate        # a run with fewer producers must not read an earlier one's
  for k in $(seq "$np"); do held "p$k" $(( (k - 1) % $(nproc) )); names+=("p$k"); done
  pids=$(IFS=,; echo "${HELD[*]}")
  : >"$out"; : >"$TMP/peak.err"
  case $peer in
    after|before)
      st=$ST; [ $peer = before ] && st=$ST_BEFORE
      /usr/bin/time -f '%U %S' -o "$tm" "$st" ${json:+--json} -p "$pids" "e $EV" >"$out" 2>"$TMP/peak.err" & pid=$!
      wait_line "$TMP/peak.err" '^Tracing' || ok=;;
    bpftrace)
      local cond; cond=$(echo "$pids" | sed 's/,/ || pid == /g; s/^/pid == /')
      if [ -n "$json" ]; then
        /usr/bin/time -f '%U %S' -o "$tm" bpftrace -f json -e "tracepoint:syscalls:sys_enter_getppid /$cond/ { printf(\"%s-%d\\n\", comm, pid); }" >"$out" 2>"$TMP/peak.err" & pid=$!
        wait_line "$out" 'attached_probes' || ok=
      else
        /usr/bin/time -f '%U %S' -o "$tm" bpftrace -e "tracepoint:syscalls:sys_enter_getppid /$cond/ { printf(\"%s-%d\\n\", comm, pid); }" >"$out" 2>"$TMP/peak.err" & pid=$!
        wait_line "$out" '^Attaching' || ok=
      fi;;
    perf)
      /usr/bin/time -f '%U %S' -o "$tm" perf record -q -e syscalls:sys_enter_getppid -p "$pids" -o "$TMP/perf.data" >/dev/null 2>"$TMP/peak.err" & pid=$!
      sleep 1;;
    untraced) pid=; echo "0 0" >"$tm";;
    kernel)   # the event written into its own instance by the kernel, nobody reading
      pid=; echo "0 0" >"$tm"
      local ki
      inst_on stbk$$ "" "$pids"; ki=$INST;;
  esac
  release "${names[@]}"
  wait "${HELD[@]}" 2>/dev/null
  sleep 0.5
  [ -n "$pid" ] && stop_timed $pid INT
  local recv
  if [ $peer = kernel ]; then
    # what the kernel wrote: kept entries plus those the full ring overwrote
    recv=$(cat "$ki"/per_cpu/cpu*/stats | awk '/^(entries|overrun):/ { n += $2 } END { print n + 0 }')
    inst_off "$ki"
  elif [ $peer = untraced ]; then
    recv=$((PN * np))
  elif [ $peer = perf ]; then
    recv=$(perf script -i "$TMP/perf.data" -F comm 2>/dev/null | grep -c "$GCOMM")
    rm -f "$TMP/perf.data"*
  else
    recv=$(grep -c -- "$GCOMM" "$out")
  fi
  local rate; rate=$(cat "$TMP"/p*.rate | sed -nE 's/.*rate=([0-9]+).*/\1/p' | median)
  local total=$((PN * np))
  [ -n "$ok" ] && [ -s "$tm" ] || { echo "n/a"; return; }
  awk -v r="$recv" -v t="$total" -v c="$(tool_cpu "$tm")" -v rate="$rate" \
    'BEGIN { printf "%d %.2f %.0f %d\n", r, 100 * (t - r) / t, r ? c * 1e9 / r : 0, rate }'
}
peak_rows() { # TITLE NPROD JSON PEERS...
  local title=$1 np=$2 json=$3 p i; shift 3
  for p in "$@"; do : >"$TMP/pk.$p"; done
  for i in $(seq "$R"); do for p in "$@"; do peak_peer "$p" "$np" "$json" >>"$TMP/pk.$p"; done; done
  for p in "$@"; do
    local name
    case $p in
      after) name="surftrace${json:+ --json}";;
      before) name="surftrace${json:+ --json} (before)";;
      bpftrace) name="bpftrace${json:+ -f json} printf";;
      perf) name="perf record (binary)";;
      untraced) name="no tracing (the producers' own rate)";;
      kernel) name="kernel only (event on, no reader)";;
    esac
    awk -v n="$name" -v t="$title" 'NF == 4 { r[++k] = $1; l[k] = $2; c[k] = $3; q[k] = $4 }
      function med(a,   i, j, x, m) { m = k; for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x } return a[int((m + 1) / 2)] }
      END { if (!k) { printf "| %s | %s | n/a | n/a | n/a | n/a |\n", t, n; exit }
            printf "| %s | %s | %d | %.2f%% | %.0f | %d |\n", t, n, med(r), med(l), med(c), med(q) }' "$TMP/pk.$p"
  done
}
bench_peak() {
  echo "### Peak rates: producers held until the reader is attached, $PN getppid calls each, median of $R runs"
  echo
  echo "| case | reader | received | lost | tool CPU ns/event | calls/s per producer |"
  echo "|---|---|---:|---:|---:|---:|"
  local peers="after"
  [ -n "${ST_BEFORE:-}" ] && peers="before $peers"
  have bpftrace && peers="$peers bpftrace"
  peak_rows "two producers (both CPUs), default buffer" 2 "" $peers $(have perf && echo perf)
  peak_rows "--json, one producer" 1 1 $peers
  echo
  # How much a traced program is slowed: the producer's rate untraced, with the event
  # written by the kernel alone (its own cost), and read by surftrace.
  echo "### Traced program's slowdown: one producer, $PN getppid calls, median of $R runs"
  echo
  echo "| case | reader | received | lost | tool CPU ns/event | calls/s per producer |"
  echo "|---|---|---:|---:|---:|---:|"
  peak_rows "one producer" 1 "" untraced kernel after
  echo
}

# ---- every syscall event
bench_syscalls() {
  echo "### Every syscall event for 2 s (\`-t 2 'e syscalls/sys_enter_*'\`) while a producer runs"
  echo
  echo "| tracer | wall s to exit | lines | lines of the tracer itself |"
  echo "|---|---:|---:|---:|"
  "$GEN" 0 200 >/dev/null & GEN_PID=$!
  local p st t0 t1 pid
  for p in before after; do
    st=$ST; [ $p = before ] && { [ -n "${ST_BEFORE:-}" ] || continue; st=$ST_BEFORE; }
    t0=$(date +%s%N)
    "$st" -t 2 'e syscalls/sys_enter_*' >"$TMP/sc.out" 2>/dev/null & pid=$!
    wait $pid; t1=$(date +%s%N)
    echo "| surftrace ($p) | $(awk -v d=$((t1 - t0)) 'BEGIN{printf "%.2f", d / 1e9}') | $(wc -l <"$TMP/sc.out") | $(grep -c -- "-$pid " "$TMP/sc.out") |"
  done
  if have bpftrace && [ -z "${BENCH_SMOKE:-}" ]; then   # attaching 700 probes: ~40 s here
    t0=$(date +%s%N)
    bpftrace -e 'tracepoint:syscalls:sys_enter_* { printf("%s-%d %s\n", comm, pid, probe); } interval:s:2 { exit(); }' >"$TMP/sc.out" 2>/dev/null & pid=$!
    wait $pid; t1=$(date +%s%N)
    echo "| bpftrace (printf; its own 2 s interval, after attaching) | $(awk -v d=$((t1 - t0)) 'BEGIN{printf "%.2f", d / 1e9}') | $(wc -l <"$TMP/sc.out") | $(grep -c -- "-$pid " "$TMP/sc.out") |"
  fi
  kill "$GEN_PID"; wait "$GEN_PID" 2>/dev/null; GEN_PID=
  echo
}

# ---- -S of 10,000 kernel functions
bench_show10k() {
  local n=${BENCH_SHOW_N:-10000} p st
  [ -n "${BENCH_SMOKE:-}" ] && n=200
  "$ST" -l '*' 2>/dev/null | awk '{print $1}' | sort -u >"$TMP/traceable"
  bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | sed -n "s/.*\] FUNC '\([^']*\)'.*/\1/p" |
    sort -u | comm -12 - "$TMP/traceable" | head -"$n" >"$TMP/f10k"
  n=$(wc -l <"$TMP/f10k")
  echo "### -S of $n kernel functions (BTF FUNC and traceable, first in name order), median of $R (bpftrace: 1)"
  echo
  echo "| tool | wall s | peak RSS MB | exit |"
  echo "|---|---:|---:|---:|"
  sed 's/^/p /' "$TMP/f10k" >"$TMP/f10k.st"
  for p in before after; do
    st=$ST; [ $p = before ] && { [ -n "${ST_BEFORE:-}" ] || continue; st=$ST_BEFORE; }
    show10k_row "surftrace -S -f ($p)" "$st" -S -f "$TMP/f10k.st"
  done
  # bpftrace has no dry run that resolves kprobes without attaching (0.17's -d prints its
  # passes); this kernel has no kprobes, so its row is the cost of parsing and resolving
  # the same probe list up to its failure: context, not a like-for-like peer.
  if have bpftrace && [ -z "${BENCH_SMOKE:-}" ]; then
    { sed 's/^/kprobe:/' "$TMP/f10k" | paste -sd,; echo '{ @[probe] = count(); }'; } >"$TMP/f10k.bt"
    show10k_row "bpftrace -d, same $n kprobes (no kprobes here; stopped after 60 s: exit 124)" \
      timeout 60 bpftrace -d "$TMP/f10k.bt"
  fi
  echo
}
show10k_row() { # NAME CMD...
  local name=$1 i n=$R; shift
  [ "$1" = timeout ] && n=1
  for i in $(seq "$n"); do
    rm -f "$TMP/s10.t"
    /usr/bin/time -f '%e %M %x' -o "$TMP/s10.t" "$@" >/dev/null 2>&1
    tail -1 "$TMP/s10.t" 2>/dev/null
  done >"$TMP/s10.all"
  echo "| $name | $(awk '{print $1}' "$TMP/s10.all" | median) | $(awk '{print $2}' "$TMP/s10.all" | median | awk '{printf "%.1f", $1 / 1024}') | $(awk '{print $3}' "$TMP/s10.all" | sort -u | paste -sd/) |"
}

# ---- lbc buffers
bench_lbc() {
  local LBC=$B/lbc
  [ -x "$LBC" ] || { echo "(no $LBC: lbc bench skipped)"; echo; return; }
  echo "### lbc buffers: $PN records from one producer (getppid), median of $R runs"
  echo
  echo "| consumer | printed | lost | calls/s while traced | tool CPU ns/record (lbc: with its start but in the 128 MiB rows) |"
  echo "|---|---:|---:|---:|---:|"
  local kind i
  for kind in ring perf bpftrace big big_before; do
    [ $kind = bpftrace ] && ! have bpftrace && continue
    [ $kind = big_before ] && [ -z "${LBC_BEFORE:-}" ] && continue
    local lbc=$LBC; [ $kind = big_before ] && lbc=$LBC_BEFORE
    : >"$TMP/lbc.$kind"
    for i in $(seq "$R"); do
      local start=0 calls pp pid out=$TMP/lbc.out buf=-DRING_BYTES=262144
      [ $kind = perf ] && buf=-DPERF_ENTRIES=64
      case $kind in big*) buf=-DRING_BYTES=134217728;; esac
      # big: first lbc's start alone (1 record), then the run
      for calls in 1 "$PN"; do
        [ "$calls" = 1 ] && case $kind in big*) ;; *) continue;; esac
        HELD=(); held l1 0 "$calls"; pp=${HELD[0]}
        : >"$out"; : >"$TMP/lbc.err"
        if [ $kind = bpftrace ]; then
          /usr/bin/time -f '%U %S' -o "$TMP/lbc.time" bpftrace -e "tracepoint:syscalls:sys_enter_getppid /pid == $pp/ { printf(\"pid=%d n=%d\\n\", pid, cpu); }" >"$out" 2>"$TMP/lbc.err" & pid=$!
          wait_line "$out" '^Attaching'
        else
          /usr/bin/time -f '%U %S' -o "$TMP/lbc.time" "$lbc" run tests/fixtures/getppid_rec.bpf.c --cflag $buf --no-maps --set target=$pp >"$out" 2>"$TMP/lbc.err" & pid=$!
          wait_line "$TMP/lbc.err" '^lbc: attached'
        fi
        release l1; wait $pp
        sleep 1
        stop_timed $pid INT
        [ "$calls" = 1 ] && start=$(tool_cpu "$TMP/lbc.time")
      done
      local printed lost rate
      printed=$(grep -c '^pid=' "$out")
      lost=$(sed -n 's/^lbc: lost \([0-9]*\) events$/\1/p; s/^Lost \([0-9]*\) events.*/\1/p' "$TMP/lbc.err" "$out" | awk '{s+=$1} END{print s+0}')
      rate=$(sed -nE 's/.*rate=([0-9]+).*/\1/p' "$TMP/l1.rate")
      echo "$printed $lost $rate $(awk -v c="$(tool_cpu "$TMP/lbc.time")" -v s="$start" -v n="$printed" 'BEGIN{printf "%.0f", n ? (c - s) * 1e9 / n : 0}')" >>"$TMP/lbc.$kind"
    done
    local name=$kind
    case $kind in
      ring) name="lbc, ring buffer 256 KB";; perf) name="lbc, perf buffer 64 pages/CPU";;
      bpftrace) name="bpftrace printf (lost: its 'Lost N events')";;
      big) name="lbc, ring buffer 128 MiB (lossless; CPU without lbc's start)";;
      big_before) name="lbc before ($LBC_BEFORE), ring buffer 128 MiB (same)";;
    esac
    echo "| $name | $(awk '{print $1}' "$TMP/lbc.$kind" | median) | $(awk '{print $2}' "$TMP/lbc.$kind" | median) | $(awk '{print $3}' "$TMP/lbc.$kind" | median) | $(awk '{print $4}' "$TMP/lbc.$kind" | median) |"
  done
  echo
}

echo "## Bench run $(date -u +%Y-%m-%dT%H:%MZ) on $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), CPU pressure $(sed -nE 's/^some avg10=([0-9.]+) avg60=([0-9.]+).*/\1% (10 s) \2% (60 s)/p' /proc/pressure/cpu 2>/dev/null)"
echo
for part in $ONLY; do bench_$part; done
