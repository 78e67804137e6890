# SPDX-License-Identifier: MIT
# Guest-side helpers for the lab suites (busybox sh). Sourced by /init.
#
# A check is one shell function that ends by calling pass/fail; run_check runs it in a
# subshell under a watchdog and prints exactly one "@@RESULT name PASS|FAIL detail" line.
# Checks compare probe output with ground truth the check itself created (pids it forked,
# files it opened, packets it sent, sysctl values it wrote, offsets pahole read on the host).

T=/sys/kernel/tracing
ST=/lab/bin/surftrace
# LAB_BREAK=comm: surftrace reads types from a BTF with task_struct.comm one byte off,
# to show that the checks then fail.
if [ "${LAB_BREAK:-}" = comm ] && [ -f /lab/broken.btf ] && [ -x $ST ]; then
  printf '#!/bin/sh\nexec /lab/bin/surftrace --btf /lab/broken.btf "$@"\n' >/lab/bin/st_broken
  chmod +x /lab/bin/st_broken
  ST=/lab/bin/st_broken
fi
# No-BTF mode (90_nobtf.sh): the first pass records every surftrace call (st_rec) to
# replay it with -S once the BTF is hidden.
if [ -d /lab/hive ] && [ "$ST" = /lab/bin/surftrace ] && [ -x /lab/bin/st_rec ]; then
  ST=/lab/bin/st_rec
fi
# The architecture as the shared checks need it: R0 is the first argument's register at
# function entry, RV the return value's right after a call, ENTRY_OFF what an entry probe
# reports as its offset (x86_64 6.12 is built with IBT: after endbr64). The arm64 guest (TCG
# emulates it several times slower than x86_64) runs the README's kprobe examples only:
# LAB_SET, a regex of check names like LAB_ONLY, plus its own 21_arm64.sh.
case $(uname -m) in
  aarch64)
    R0=%x0 RV=%x0 ENTRY_OFF=0x0
    LAB_SET='^(a64/|st/(show_comm|show_nested|entry_return|child_pid|mm_users|nested_member|dfd_hex|filename|argname|retval_enoent|retval_fpos|callsite_ax|callsite_fpos|byval_struct|skb_readme|udp_b16|cleanup_all)$)' ;;
  *) R0=%di RV=%ax ENTRY_OFF='0x[04]' LAB_SET= ;;
esac
W=/tmp/w                        # per-check scratch dir, emptied before each check
CHECK_TIMEOUT=${CHECK_TIMEOUT:-120}
TRIES=${TRIES:-60}

pass() { echo "@@V PASS $*"; }
fail() { echo "@@V FAIL $*"; }
# skip REASON: the kernel lacks what the check is about (reported as "ok N - ... # SKIP").
skip() { echo "@@V SKIP $*"; }
# readme_has TEXT: the kernel's own tracefs README (what its tracefs takes) names TEXT,
# e.g. 'hist:keys=' (hist triggers), 'synthetic_events' (synthetic events).
readme_has() { grep -qF -- "$1" $T/README; }
note() { echo "# $*"; }

# Everything a run could leave behind: compared before/after each probe session.
tracefs_snapshot() {
  cat $T/kprobe_events $T/uprobe_events $T/dynamic_events 2>/dev/null
  echo --; ls $T/instances; echo --; ls $T/events
}

# Removes whatever a failed check left so one failure does not cascade into the next check.
# Only our own names: lab_base (baseline instance), lab/ (baseline group), surftrace_*.
sweep_tracefs() {
  local i e
  for i in $T/instances/*; do
    [ -d "$i" ] || continue
    echo 0 >"$i/tracing_on"
    for e in "$i"/events/lab/*/enable "$i"/events/surftrace_*/*/enable; do
      [ -f "$e" ] && echo 0 >"$e"
    done
    rmdir "$i" 2>/dev/null
  done
  for e in $T/events/lab/*/enable $T/events/surftrace_*/*/enable; do [ -f "$e" ] && echo 0 >"$e"; done
  grep -oE '^[a-z]:[a-z_0-9]+/[a-z_0-9]+' $T/dynamic_events 2>/dev/null | sed 's/^.:/-:/' |
    while read -r d; do echo "$d" >>$T/dynamic_events; done
}

# CHECK_PREFIX: "nobtf/" in the no-BTF pass; CHECK_SAME: a regex of checks that pass is not
# to repeat (they read no types, see 90_nobtf.sh).
run_check() { # NAME FUNCTION [ARGS...]
  local name=${CHECK_PREFIX:-}$1 log=/tmp/log.$(echo "${CHECK_PREFIX:-}$1" | tr / _) v wd
  shift
  if [ -n "${LAB_ONLY:-}" ] && ! echo "$name" | grep -qE "$LAB_ONLY"; then return 0; fi
  if [ -n "$LAB_SET" ] && ! echo "$name" | grep -qE "$LAB_SET"; then return 0; fi
  if [ -n "${CHECK_SAME:-}" ] && echo "${name#"${CHECK_PREFIX:-}"}" | grep -qE "$CHECK_SAME"; then return 0; fi
  rm -rf $W; mkdir -p $W
  local t0; t0=$(cut -d' ' -f1 /proc/uptime)
  ( cd $W && "$@" ) >"$log" 2>&1 &
  local cp=$!
  ( sleep "$CHECK_TIMEOUT"; kill -9 $cp ) >/dev/null 2>&1 &
  wd=$!
  wait $cp
  kill $wd 2>/dev/null
  v=$(grep '^@@V ' "$log" | head -1)
  case $v in
    "@@V PASS"*) echo "@@RESULT $name PASS ${v#@@V PASS }" ;;
    "@@V FAIL"*) echo "@@RESULT $name FAIL ${v#@@V FAIL }" ;;
    "@@V SKIP"*) echo "@@RESULT $name SKIP ${v#@@V SKIP }" ;;
    *) echo "@@RESULT $name FAIL no verdict (killed after ${CHECK_TIMEOUT}s or crashed): $(tail -1 "$log")" ;;
  esac
  echo "@@TIME $name $t0 $(cut -d' ' -f1 /proc/uptime)"
  case $v in "@@V PASS"*|"@@V SKIP"*) ;; *) [ -n "${LAB_VERBOSE:-}" ] && sed 's/^/#   /' "$log" | tail -30 ;; esac
  # A check must leave tracefs as it found it; that is asserted inside the probe checks.
  # Here we only restore, so that the next check starts clean.
  [ "$(tracefs_snapshot)" = "$SNAP0" ] || sweep_tracefs
}

# ---- parsing trace lines -------------------------------------------------------------
# argval NAME < lines: value of NAME=... in the first line (quotes kept off strings).
argval() { sed -nE "s/.* $1=(\"[^\"]*\"|[^ ]*).*/\\1/p" | head -1 | sed -E 's/^"(.*)"$/\1/'; }
# task_pid < line: "comm pid" from the " comm-pid [cpu]" head of a trace line.
task_pid() { sed -nE 's/^ *(.*)-([0-9]+) +\[[0-9]+\].*/\1 \2/p' | head -1; }
# events EVENT FILE: the lines of one event ("p0:", "b0:") from a trace text file.
events() { grep -E " $1: \(" "$2"; }
# json_field KEY < line: a top-level scalar from one JSON line (strings without quotes);
# nested objects ("args":{...}) are cut out first so their keys do not shadow the top level.
json_field() {
  sed -E 's/"[a-z_]+":\{[^}]*\}//g' | sed -nE "s/.*\"$1\":(\"[^\"]*\"|[-0-9.a-zA-Z]+).*/\\1/p" | head -1 |
    sed -E 's/^"(.*)"$/\1/'
}

# ---- triggers: each prints the ground truth it caused ---------------------------------
trig_fork() { /lab/bin/lab_fork fork; }                       # "PARENT CHILD"
trig_open() { /lab/bin/lab_open open "$1"; }                  # "PID"
trig_udp()  { /lab/bin/lab_udp udp "$1" 1; }                  # "PID"
trig_sel()  { /lab/bin/lab_sel select "$1"; }                  # "PID"
trig_ping() { ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1; echo ping; }

# ---- surftrace runs --------------------------------------------------------------------
# st_live TRIGGER ARGS...: starts surftrace ARGS in the background (stdout $W/out, stderr
# $W/err) and runs the shell command TRIGGER every 0.1 s (its output collects in $W/trig)
# until surftrace exits on its own (-n/-t) or TRIES triggers ran; then it is stopped with
# SIGINT. Sets ST_RC (exit status), ST_STOPPED (1 if we had to stop it) and ST_LEAK
# (what tracefs has that it had not before, empty if nothing).
st_live() {
  local trig=$1 i=0 before after stp
  shift
  before=$(tracefs_snapshot)
  : >$W/trig
  rm -f $W/rc $W/stpid
  [ -x "$ST" ] || { ST_RC=missing; ST_LEAK=; ST_STOPPED=; : >$W/out; echo "no surftrace" >$W/err; return; }
  ( labtool sigdfl "$ST" "$@" >$W/out 2>$W/err & echo $! >$W/stpid; wait $!; echo $? >$W/rc ) &
  while [ ! -e $W/rc ] && [ $i -lt "$TRIES" ]; do
    ( eval "$trig" ) >>$W/trig 2>&1
    i=$((i + 1))
    usleep 100000
  done
  st_stop
  after=$(tracefs_snapshot)
  ST_LEAK=
  [ "$before" = "$after" ] || ST_LEAK=$(printf '%s\n' "$after" | grep -vxF -e "$before" | head -3 | tr '\n' ' ')
  [ "$before" = "$after" ] || [ -n "$ST_LEAK" ] || ST_LEAK="something was removed"
  note "surftrace $* -> rc=$ST_RC leak='$ST_LEAK'"
  sed 's/^/# out: /' $W/out | head -20
  sed 's/^/# err: /' $W/err | head -5
}

# st_stop: SIGINT to a surftrace still running, then waits for it (SIGKILL as last resort).
st_stop() {
  local i=0 stp
  stp=$(cat $W/stpid 2>/dev/null)
  ST_STOPPED=
  if [ ! -e $W/rc ] && [ -n "$stp" ]; then ST_STOPPED=1; kill -INT "$stp" 2>/dev/null; fi
  while [ ! -e $W/rc ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
  if [ ! -e $W/rc ] && [ -n "$stp" ]; then kill -9 "$stp" 2>/dev/null; sleep 1; fi
  ST_RC=$(cat $W/rc 2>/dev/null || echo killed)
}

# st_ok: fails the check (and returns 1) when surftrace is missing, failed or leaked.
st_ok() {
  [ -x "$ST" ] || { fail "no surftrace binary in the payload"; return 1; }
  [ "$ST_RC" = 0 ] || { fail "surftrace exit $ST_RC: $(head -1 $W/err)"; return 1; }
  [ -z "$ST_LEAK" ] || { fail "tracefs not restored: $ST_LEAK"; return 1; }
}

# ---- baseline: kprobes by hand in our own instance lab_base, group lab -----------------
BI=$T/instances/lab_base
# base_begin "FILTER" DEF...: defines DEFs (p:lab/bN ...) and enables them in lab_base with
# FILTER (every event's filter, may be empty; BF_<event> overrides it for one event).
# Returns 1 (after fail) if the kernel rejected a definition or filter.
base_begin() {
  local filter=$1 d ev f
  shift
  BASE_DEF_LIST=$(printf '%s\n' "$@")
  mkdir $BI || { fail "mkdir lab_base"; return 1; }
  [ -n "${BASE_STACK:-}" ] && echo 1 >$BI/options/stacktrace
  for d in "$@"; do
    if ! echo "$d" >>$T/kprobe_events; then fail "kernel rejected '$d'"; return 1; fi
    ev=${d#*/}; ev=${ev%% *}
    eval "f=\${BF_$ev-\$filter}"
    if [ -n "$f" ] && ! echo "$f" >$BI/events/lab/$ev/filter; then
      fail "kernel rejected filter '$f'"; return 1
    fi
    echo 1 >$BI/events/lab/$ev/enable
  done
}

# base_end: stops lab_base, copies its trace to $W/bout, removes the instance and probes.
base_end() {
  local ev d
  [ -d $BI ] || return 0
  echo 0 >$BI/tracing_on
  cat $BI/trace >$W/bout
  for ev in $BI/events/lab/*/enable; do [ -f "$ev" ] && echo 0 >"$ev"; done
  rmdir $BI
  printf '%s\n' "$BASE_DEF_LIST" | while read -r d; do
    [ -n "$d" ] || continue
    ev=${d#*:}; ev=${ev%% *}; echo "-:$ev" >>$T/kprobe_events 2>/dev/null
  done
  grep -v '^#' $W/bout | head -20 | sed 's/^/# bout: /'
}

# base_run TRIGGER N "FILTER" DEF...: base_begin, TRIGGER run N times, base_end.
base_run() {
  local trig=$1 n=$2 i=0 rc=0
  shift 2
  : >$W/trig
  base_begin "$@" || rc=1
  if [ $rc = 0 ]; then
    while [ $i -lt "$n" ]; do ( eval "$trig" ) >>$W/trig 2>&1; i=$((i + 1)); done
  fi
  base_end
  return $rc
}

# The addresses the ground truth names: 127.0.0.1 as the u32 the kernel stores (network
# order read little-endian), and b16 conversions.
IP_LO_U32=16777343                         # 0x0100007f
swap16() { echo $(( (($1 & 0xff) << 8) | (($1 >> 8) & 0xff) )); }
