# SPDX-License-Identifier: MIT
# Answers in the lab (the kernels here have function_graph and, but for 5.10, hist triggers,
# which the development machine lacks). Ground truth: what the check itself made the kernel do.

# surfGraph: the call tree of do_filp_open while this check opens files. path_openat is
# what do_filp_open calls (the baseline's callsite check proves it with objdump): it must
# be in the tree as a callee with calls >= 1 and a duration > 0; the flame chart is an SVG
# naming it; the tracer and the instance are gone afterwards.
# The same run also reads set_ftrace_notrace_pid for ans/graph_notrace (below): every
# function_graph run costs ~25 s of patching under TCG.
NOTRACE_PIDS='cat $T/set_ftrace_notrace_pid $T/instances/surftrace_*/set_ftrace_notrace_pid 2>/dev/null'
a_graph() {
  # switching function_graph off patches every traced site: slow under TCG, so allow time
  TRIES=300 st_live "trig_open lab_graph_x; $NOTRACE_PIDS" graph do_filp_open --depth 2 -t 2 -q --svg $W/g.svg
  mkdir -p /tmp/graph_run && cp $W/trig $W/stpid /tmp/graph_run/ && echo "$ST_RC" >/tmp/graph_run/rc &&
    echo "$ST_LEAK" >/tmp/graph_run/leak
  st_ok || return
  local top callee
  top=$(grep -E '^do_filp_open ' $W/out | head -1)
  callee=$(grep -E '^  path_openat ' $W/out | head -1)
  [ -n "$top" ] || { fail "no do_filp_open root line: $(head -2 $W/out | tr '\n' ' ')"; return; }
  [ -n "$callee" ] || { fail "path_openat not under do_filp_open: $(head -4 $W/out | tr '\n' ' ')"; return; }
  echo "$callee" | awk '{ exit !($3 >= 1 && $5 > 0) }' ||
    { fail "path_openat calls/duration not > 0: $callee"; return; }
  echo "$top" | awk '{ exit !($3 >= 1 && $5 > 0) }' ||
    { fail "do_filp_open calls/duration not > 0: $top"; return; }
  grep -q '<title>path_openat (' $W/g.svg || { fail "flame chart has no path_openat frame"; return; }
  [ "$(cat $T/current_tracer)" = nop ] || { fail "current_tracer left as $(cat $T/current_tracer)"; return; }
  grep -q '^#### all functions' $T/set_graph_function 2>/dev/null ||
    [ ! -s $T/set_graph_function ] || { fail "set_graph_function left: $(head -1 $T/set_graph_function)"; return; }
  pass "$(echo "$top" | awk '{ print $1, "calls", $3 }'); $(echo "$callee" | awk '{ print $1, "calls", $3, "total", $5, "us" }')"
}

# --depth 1 keeps only the first level of callees.
a_graph_depth() {
  TRIES=300 st_live 'trig_open lab_graph_d' graph do_filp_open --depth 1 -t 2 -q
  st_ok || return
  grep -qE '^    [a-z_]' $W/out && { fail "a second level printed with --depth 1: $(grep -E '^    ' $W/out | head -1)"; return; }
  grep -qE '^  path_openat ' $W/out || { fail "path_openat missing at depth 1"; return; }
  pass "only depth 1 under do_filp_open"
}

# Never graph ourselves (issue 16 item 2): while it runs, surftrace's pid is in the
# set_ftrace_notrace_pid of wherever it traces (its instance, or the top level); afterwards
# the top level's is empty again. The run is ans/graph's when that one ran (its trigger
# read the files too), else one of its own.
a_graph_notrace() {
  if [ -s /tmp/graph_run/stpid ]; then
    cp /tmp/graph_run/trig /tmp/graph_run/stpid $W/; ST_RC=$(cat /tmp/graph_run/rc); ST_LEAK=$(cat /tmp/graph_run/leak)
    note "ans/graph's run: surftrace pid $(cat $W/stpid), rc=$ST_RC"
  else
    TRIES=300 st_live "$NOTRACE_PIDS" graph do_filp_open -t 2 -q
  fi
  st_ok || return
  local stp; stp=$(cat $W/stpid)
  grep -qx "$stp" $W/trig || { fail "pid $stp never in set_ftrace_notrace_pid: $(sort -u $W/trig | head -3 | tr '\n' ' ')"; return; }
  grep -q '^no pid' $T/set_ftrace_notrace_pid || [ ! -s $T/set_ftrace_notrace_pid ] ||
    { fail "top-level set_ftrace_notrace_pid left: $(head -1 $T/set_ftrace_notrace_pid)"; return; }
  pass "surftrace ($stp) excluded from its own graph, restored afterwards"
}

run_check ans/graph a_graph
run_check ans/graph_notrace a_graph_notrace
run_check ans/graph_depth a_graph_depth

# ---- the two engines: the kernel's hist triggers and user space, same answers ----------
# eng_start OUT ARGS...: surftrace ARGS in the background (stdout OUT, stderr OUT.err),
# its pid in EPID (a child of this shell, so that eng_stop can wait for it).
# eng_ready OUT: until its start line is there (the engine is counting).
eng_start() { local out=$1; shift; labtool sigdfl "$ST" "$@" >"$out" 2>"$out.err" & EPID=$!; }
eng_ready() {
  local i=0
  while ! grep -q '^Tracing' "$1.err" 2>/dev/null; do
    [ $i -ge 300 ] && return 1; usleep 100000; i=$((i + 1))
  done
}
eng_stop() { kill -INT "$1" 2>/dev/null; wait "$1"; echo "# exit $?"; }
# rows: histogram lines as "LABEL COUNT" (the bar may hold spaces: not a field to count on)
rows() { sed -E 's/ +([0-9]+) \|.*$/ \1/'; }
# block NAME FILE: the lines of histogram @NAME.
block() { awk -v h="@$1: " '$0 == h { on = 1; next } on && /^$/ { exit } on' "$2"; }

# The kernel engine needs hist triggers. A kernel whose own README has none (Debian 11's
# 5.10 cloud kernel: no CONFIG_HIST_TRIGGERS) must get surftrace's one-line refusal for
# --engine kernel/both; the user engine's answers are then checked alone against the same
# ground truth (run_pair copies them where the kernel's would be compared).
HIST=1
readme_has 'hist:keys=' || HIST=
ENG_NOTE=
# eng_refused ARGS...: surftrace ARGS (asking for the kernel engine) exits non-zero with one
# line naming the missing hist triggers and leaves tracefs as it was.
eng_refused() {
  local before rc
  before=$(tracefs_snapshot)
  timeout 60 "$ST" "$@" >$W/ref.out 2>$W/ref.err </dev/null; rc=$?
  note "refused run: rc=$rc err=$(head -2 $W/ref.err | tr '\n' ' ')"
  [ $rc != 0 ] && [ $rc != 124 ] || { fail "--engine kernel without hist triggers: exit $rc"; return 1; }
  [ "$(wc -l <$W/ref.err)" = 1 ] && grep -q 'no hist triggers' $W/ref.err ||
    { fail "refusal not one line naming hist triggers: $(head -2 $W/ref.err | tr '\n' ' ')"; return 1; }
  [ "$(tracefs_snapshot)" = "$before" ] || { fail "tracefs changed by the refused run"; return 1; }
  ENG_NOTE="; no hist triggers: user engine only, kernel engine refused ($(cat $W/ref.err))"
}

# run_pair WORKLOAD ARGS...: the same aggregation by --engine user and --engine kernel at
# the same time over one run of WORKLOAD (its output, the pid, goes to $W/pid).
run_pair() {
  local work=$1 up kp
  shift
  [ -n "$HIST" ] || eng_refused --engine kernel "$@" || return 1
  before=$(tracefs_snapshot)
  eng_start $W/user --engine user "$@"; up=$EPID
  [ -z "$HIST" ] || { eng_start $W/kern --engine kernel "$@"; kp=$EPID; }
  eng_ready $W/user && { [ -z "$HIST" ] || eng_ready $W/kern; } || {
    eng_stop $up; [ -z "$HIST" ] || eng_stop $kp
    fail "not ready: $(head -1 $W/user.err) / $(head -1 $W/kern.err 2>/dev/null)"; return 1; }
  eval "$work" >$W/pid
  usleep 500000
  eng_stop $up; [ -z "$HIST" ] || eng_stop $kp
  [ -n "$HIST" ] || cp $W/user $W/kern
  sed 's/^/# user: /' $W/user | head -30; sed 's/^/# kern: /' $W/kern | head -30
  sed 's/^/# user err: /' $W/user.err | head -5; sed 's/^/# kern err: /' $W/kern.err 2>/dev/null | head -5
  [ -z "$HIST" ] || grep -q 'hist triggers' $W/kern.err || { fail "kernel engine did not run: $(head -2 $W/kern.err)"; return 1; }
  local after=$(tracefs_snapshot)
  [ "$after" = "$before" ] ||
    { fail "tracefs not restored: $(printf '%s\n' "$after" | grep -vxF -e "$before" | head -3 | tr '\n' ' ')"; return 1; }
}

# write(2) of 1..1000 bytes: hist/lhist/sum/min/max/avg of the syscall's count by pid.
a_engines_write() {
  run_pair 'lab_write writes 1000' --by pid --hist count --lhist count,0,1000,100 --sum count \
    --min count --max count --avg count 'e syscalls/sys_enter_write' || return
  local p=$(cat $W/pid) m
  for m in hist_count lhist_count; do
    [ -n "$(block "$m[$p]" $W/kern)" ] || { fail "no @$m[$p] from the kernel engine"; return; }
    [ "$(block "$m[$p]" $W/user)" = "$(block "$m[$p]" $W/kern)" ] ||
      { fail "@$m[$p] differs between the engines"; return; }
  done
  # lab_write also writes its pid line ("NNN\n") to stdout: one more write of ${#p}+1 bytes
  for m in sum_count:$((500500 + ${#p} + 1)) min_count:1 max_count:1000 avg_count:500; do
    [ "$(grep -x "@${m%%:*}\[$p\]: ${m#*:}" $W/user)" ] && [ "$(grep -x "@${m%%:*}\[$p\]: ${m#*:}" $W/kern)" ] ||
      { fail "@${m%%:*}[$p] is not ${m#*:} in both: $(grep "@${m%%:*}\[$p\]" $W/user $W/kern | tr '\n' ' ')"; return; }
  done
  block "hist_count[$p]" $W/kern | awk '$1 == "[512," { exit !($3 == 489) } END {}' ||
    { fail "[512, 1K) is not 489"; return; }
  pass "pid $p: hist, lhist, sum $((500500 + ${#p} + 1)), min 1, max 1000, avg 500 identical$ENG_NOTE"
}

# getppid x 3000: exact count by pid.
a_engines_count() {
  run_pair 'lab_loop loop 3000' --count pid 'e syscalls/sys_enter_getppid' || return
  local p=$(cat $W/pid)
  grep -qx "@count\[$p\]: 3000" $W/user && grep -qx "@count\[$p\]: 3000" $W/kern ||
    { fail "count of pid $p not 3000 in both: $(grep "\[$p\]" $W/user $W/kern | tr '\n' ' ')"; return; }
  pass "pid $p: 3000 getppid in both engines$ENG_NOTE"
}

# A kprobe keyed by comm (the kernel fetches it with the event): vfs_write's count.
a_engines_kprobe() {
  run_pair 'lab_write writes 300' --hist n --by comm 'p vfs_write n=%2' || return
  [ -n "$(block 'hist_n[lab_write]' $W/kern)" ] || { fail "no @hist_n[lab_write] from the kernel"; return; }
  [ "$(block 'hist_n[lab_write]' $W/user)" = "$(block 'hist_n[lab_write]' $W/kern)" ] ||
    { fail "@hist_n[lab_write] differs between the engines"; return; }
  pass "@hist_n[lab_write] identical ($(block 'hist_n[lab_write]' $W/kern | rows | awk '{ n += $NF } END { print n }') writes)$ENG_NOTE"
}

# -i with the kernel engine: intervals are differences, they add up to the total.
a_engines_interval() {
  local kp eng=kernel
  [ -n "$HIST" ] || { eng_refused --engine kernel --json -i 1 --count pid 'e syscalls/sys_enter_getppid' || return; eng=user; }
  before=$(tracefs_snapshot)
  eng_start $W/kern --engine $eng --json -i 1 --count pid 'e syscalls/sys_enter_getppid'; kp=$EPID
  eng_ready $W/kern || { eng_stop $kp; fail "not ready: $(head -1 $W/kern.err)"; return; }
  lab_loop loop 1000 >$W/pid; sleep 1; lab_loop loop 1000 >$W/pid2; sleep 1
  eng_stop $kp
  local p=$(cat $W/pid) q=$(cat $W/pid2) n
  n=$(grep -o "\"key\":\[\($p\|$q\)\],\"value\":[0-9]*" $W/kern | awk -F: '{ s += $NF } END { print s + 0 }')
  [ "$n" = 2000 ] || { fail "intervals add up to $n, not 2000: $(head -c 300 $W/kern)"; return; }
  [ "$(tracefs_snapshot)" = "$before" ] || { fail "tracefs not restored"; return; }
  pass "$(grep -c '^{' $W/kern) intervals, 2000 in all$ENG_NOTE"
}

# Latency: select() with a 20 ms timeout, three times, between a kprobe and a kretprobe on
# core_sys_select, with --engine both: ONE run (one instance, so the same ring-buffer
# timestamps; two runs would each stamp the events a few us apart) pairs them in user space
# (@latency_ns) and in the kernel with a synthetic event (@latency_ns_kernel). The two
# histograms must be identical, every duration >= 20 ms (nothing below [16M, 32M)).
a_engines_latency() {
  local bp u k n first eng=both
  [ -n "$HIST" ] || { eng_refused --engine both --latency 'p core_sys_select' 'r core_sys_select' || return; eng=user; }
  before=$(tracefs_snapshot)
  eng_start $W/both --engine $eng --latency 'p core_sys_select' 'r core_sys_select'; bp=$EPID
  eng_ready $W/both || { eng_stop $bp; fail "not ready: $(head -1 $W/both.err)"; return; }
  for i in 1 2 3; do lab_sel select 20000; done >/dev/null
  usleep 500000
  eng_stop $bp
  sed 's/^/# both: /' $W/both | head -30; sed 's/^/# err: /' $W/both.err | head -3
  u=$(block latency_ns $W/both); k=$(block latency_ns_kernel $W/both)
  [ -n "$HIST" ] || k=$u
  [ -n "$k" ] || { fail "no @latency_ns_kernel: $(head -2 $W/both.err | tr '\n' ' ')"; return; }
  [ "$u" = "$k" ] || { fail "@latency_ns and @latency_ns_kernel differ"; return; }
  n=$(echo "$k" | rows | awk '{ n += $NF } END { print n }')
  first=$(echo "$k" | rows | awk '$NF > 0 { print $1 $2; exit }')
  [ "$n" -ge 3 ] || { fail "only $n durations"; return; }
  # other tasks may select too (short timeouts): our three are the ones >= 16M
  [ "$(echo "$k" | rows | awk '$1 ~ /M,|G,/ && $1 !~ /^\[(1|2|4|8)M,/ { n += $NF } END { print n + 0 }')" -ge 3 ] ||
    { fail "fewer than 3 durations >= 16 ms"; return; }
  grep -q surftrace_ $T/synthetic_events 2>/dev/null && { fail "synthetic event left behind"; return; }
  [ "$(tracefs_snapshot)" = "$before" ] || { fail "tracefs not restored"; return; }
  pass "$n durations, @latency_ns = @latency_ns_kernel, first non-empty bucket $first$ENG_NOTE"
}

run_check ans/engines_write a_engines_write
run_check ans/engines_latency a_engines_latency
run_check ans/engines_count a_engines_count
run_check ans/engines_kprobe a_engines_kprobe
run_check ans/engines_interval a_engines_interval

# --cleanup removes the latency synthetic event of a dead run (surftrace_<pid>_lat, left by
# a run killed with SIGKILL) and keeps a live run's.
a_sweep_synth() {
  local dp
  # A kernel without synthetic events (README): nothing to sweep, and --cleanup must not
  # stumble over the missing file.
  if ! readme_has synthetic_events; then
    "$ST" --cleanup >$W/out 2>&1 || { fail "--cleanup exit $? without synthetic events: $(head -1 $W/out)"; return; }
    grep -qi 'synthetic' $W/out && { fail "--cleanup mentions synthetic events: $(head -1 $W/out)"; return; }
    skip "no synthetic events in this kernel's README (--cleanup ran clean without them)"; return
  fi
  dp=$(sh -c 'echo $$')
  echo "surftrace_${dp}_lat u64 lat" >>$T/synthetic_events || { fail "cannot make a synthetic event"; return; }
  echo "surftrace_$$_lat u64 lat" >>$T/synthetic_events
  "$ST" --cleanup >$W/out 2>&1
  sed 's/^/# /' $W/out | head -5
  if grep -q "^surftrace_${dp}_lat" $T/synthetic_events; then
    echo "!surftrace_${dp}_lat" >>$T/synthetic_events; echo "!surftrace_$$_lat" >>$T/synthetic_events
    fail "the dead run's synthetic event is still there"; return
  fi
  grep -q "^surftrace_$$_lat" $T/synthetic_events || { fail "a live run's synthetic event was removed"; return; }
  echo "!surftrace_$$_lat" >>$T/synthetic_events
  grep -q "synthetic event surftrace_${dp}_lat" $W/out || { fail "not reported: $(head -2 $W/out | tr '\n' ' ')"; return; }
  pass "surftrace_${dp}_lat removed, the live one kept"
}

run_check ans/sweep_synth a_sweep_synth
