# SPDX-License-Identifier: MIT
# lbc kprobe programs (optional: only when the payload has /lab/bin/lbc, i.e. LAB_LBC=1).
# The .bpf.o files were compiled on the host against this kernel's BTF; lbc loads them,
# attaches SEC("kprobe/...") and decodes events. Values are checked against our own forks.

# lbc_live OBJ TRIGGER N ARGS...: runs `lbc run OBJ ARGS`, waits for "lbc: attached",
# runs TRIGGER N times, stops lbc with SIGINT (it dumps maps on exit). Output: $W/out, $W/err.
lbc_live() {
  local obj=$1 trig=$2 n=$3 i=0
  shift 3
  : >$W/trig
  rm -f $W/rc
  ( labtool sigdfl lbc run "/lab/lbc/$obj" "$@" >$W/out 2>$W/err & echo $! >$W/stpid; wait $!; echo $? >$W/rc ) &
  while ! grep -q '^lbc: attached' $W/err 2>/dev/null; do
    [ -e $W/rc ] || [ $i -ge 600 ] && { fail "lbc did not attach: $(head -2 $W/err | tr '\n' ' ')"; st_stop; return 1; }
    usleep 100000; i=$((i + 1))
  done
  i=0
  while [ $i -lt "$n" ]; do ( eval "$trig" ) >>$W/trig 2>&1; i=$((i + 1)); done
  # let output settle: stop once it has not grown for 0.5 s (at most 3 s)
  local last=-1 size i=0
  while [ $i -lt 6 ]; do
    usleep 500000; size=$(wc -c <$W/out); [ "$size" = "$last" ] && break; last=$size; i=$((i + 1))
  done
  st_stop
  sed 's/^/# out: /' $W/out | head -20
  sed 's/^/# err: /' $W/err | head -5
}

l_hello() {
  lbc_live hello.bpf.o trig_fork 2 || return
  # either of our two forks must show up with its pid (under TCG a printk may trail)
  local p c
  while read -r p c; do
    grep -q "hello lcc, parent: $c\$" $W/out && { pass "printk line for child $c"; return; }
  done <$W/trig
  fail "no 'hello lcc, parent: <pid>' for our forks: $(tr '\n' ' ' <$W/trig)"
}

l_event_out() {
  lbc_live eventOut.bpf.o trig_fork 3 || return
  local p c n=0
  while read -r p c; do
    grep -q "^c_pid=$p p_pid=$c c_comm=\"lab_fork\" p_comm=\"lab_fork\"" $W/out && n=$((n + 1))
  done <$W/trig
  [ $n = 3 ] && pass "3 forks decoded with our pids and comm" || fail "$n of 3 forks decoded"
}

l_call_stack() {
  lbc_live callStack.bpf.o trig_fork 1 || return
  grep -qE '^ +kernel_clone\+0x[0-9a-f]+$' $W/out && pass "stack frames include kernel_clone" || fail "no kernel_clone frame"
}

l_hash_map() {
  lbc_live hashMap.bpf.o trig_fork 3 || return
  local p c n=0
  while read -r p c; do grep -qx "  key=$p value=1" $W/out && n=$((n + 1)); done <$W/trig
  [ $n = 3 ] && pass "each lab_fork counted once in pid_cnt" || fail "$n of 3 keys with value=1"
}

# filter_pid set before load: a shell whose pid we know forks twice; only its forks count
# ("exit 0" last, so the shell does not exec the second command in place of a fork).
l_dynamic_var() {
  mkfifo $W/go
  sh -c 'echo $$ >'$W'/spid; read x <'$W'/go; /bin/true; /bin/true; exit 0' &
  local sp i=0
  while [ ! -s $W/spid ] && [ $i -lt 50 ]; do usleep 100000; i=$((i + 1)); done
  sp=$(cat $W/spid)
  lbc_live dynamicVar.bpf.o "echo go >$W/go; wait" 1 --set filter_pid=$sp || return
  local all mine
  all=$(grep -c '^c_pid=' $W/out); mine=$(grep -c "^c_pid=$sp " $W/out)
  [ "$all" = 2 ] && [ "$mine" = 2 ] && pass "2 events, both from pid $sp" || fail "$mine of $all events from pid $sp (want 2 of 2)"
}

l_cleanup() {
  [ "$(tracefs_snapshot)" = "$SNAP0" ] && pass "tracefs as at boot" || fail "tracefs differs: $(tracefs_snapshot | grep -vxF -e "$SNAP0" | head -3 | tr '\n' ' ')"
}

if [ -x /lab/bin/lbc ]; then
  run_check lbc/hello l_hello
  run_check lbc/eventOut l_event_out
  run_check lbc/callStack l_call_stack
  run_check lbc/hashMap l_hash_map
  run_check lbc/dynamicVar l_dynamic_var
  run_check lbc/cleanup l_cleanup
fi
