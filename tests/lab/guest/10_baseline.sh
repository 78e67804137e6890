# SPDX-License-Identifier: MIT
# Baseline: kprobes written by hand into kprobe_events, with offsets pahole read from this
# kernel's BTF on the host (env: OFF_*). Proves the lab itself (guest, triggers, parsing)
# independently of surftrace; LAB_BREAK=comm shifts the comm offset to show checks fail.

# Fork: the event's task is the forking lab_fork, %di the new task (child pid, comm copied).
b_fork_comm() {
  base_run trig_fork 3 'comm=="lab_fork"' \
    "p:lab/b0 wake_up_new_task comm=+${OFF_COMM}(%di):string pid=+${OFF_PID}(%di):s32" || return
  local l tp
  l=$(events b0 $W/bout | head -1)
  [ -n "$l" ] || { fail "no b0 event for lab_fork"; return; }
  [ "$(echo "$l" | argval comm)" = lab_fork ] || { fail "comm='$(echo "$l" | argval comm)'"; return; }
  tp=$(echo "$l" | task_pid)
  grep -qx "${tp#* } $(echo "$l" | argval pid)" $W/trig ||
    { fail "parent/child '$tp' $(echo "$l" | argval pid) not among forks: $(tr '\n' ' ' <$W/trig)"; return; }
  pass "comm=lab_fork, parent ${tp#* } child $(echo "$l" | argval pid) match the fork"
}

b_mm_users() {
  base_run trig_fork 2 'c=="lab_fork"' \
    "p:lab/b0 wake_up_new_task c=+${OFF_COMM}(%di):string u=+${OFF_MM_USERS}(+${OFF_MM}(%di)):s32" || return
  local v; v=$(events b0 $W/bout | head -1 | argval u)
  # A forked single-threaded process gets a fresh mm whose only user is the child.
  [ "$v" = 1 ] && pass "mm_users=1" || fail "mm_users='$v', want 1"
}

b_open_dfd_name() {
  echo x >lab_rel_b
  base_run 'trig_open lab_rel_b' 2 'c=="lab_open"' \
    "p:lab/b0 do_filp_open c=\$comm dfd=%di:s32 name=+${OFF_FILENAME_NAME}(+0(%si)):string" || return
  local l; l=$(events b0 $W/bout | head -1)
  [ "$(echo "$l" | argval dfd)" = -100 ] || { fail "dfd='$(echo "$l" | argval dfd)', want -100 (AT_FDCWD)"; return; }
  [ "$(echo "$l" | argval name)" = lab_rel_b ] || { fail "name='$(echo "$l" | argval name)'"; return; }
  pass "dfd=-100 name=lab_rel_b"
}

b_ret_enoent() {
  base_run 'trig_open lab_missing_b' 2 'c=="lab_open"' 'r:lab/b0 do_filp_open c=$comm ret=$retval:x64' || return
  local l; l=$(events b0 $W/bout | head -1)
  [ "$(echo "$l" | argval ret)" = 0xfffffffffffffffe ] || { fail "ret='$(echo "$l" | argval ret)', want ERR_PTR(-ENOENT)"; return; }
  echo "$l" | grep -q '<- do_filp_open)' || { fail "no '<- do_filp_open' in: $l"; return; }
  pass "retval=ERR_PTR(-ENOENT)"
}

b_ret_fpos() {
  echo x >lab_rel_p
  base_run 'trig_open lab_rel_p' 2 'c=="lab_open"' \
    "r:lab/b0 do_filp_open c=\$comm ret=\$retval:x64 pos=+${OFF_F_POS}(\$retval):s64" || return
  local l; l=$(events b0 $W/bout | head -1)
  case $(echo "$l" | argval ret) in 0xffff[89a-f]*) ;; *) fail "ret='$(echo "$l" | argval ret)' not a kernel pointer"; return ;; esac
  [ "$(echo "$l" | argval pos)" = 0 ] && pass "f_pos=0 of a fresh file" || fail "pos='$(echo "$l" | argval pos)'"
}

b_callsite_ax() {
  local off l
  off=$(labtool callsite do_filp_open path_openat) || { fail "no call to path_openat found"; return; }
  base_run 'trig_open lab_missing_c' 2 'c=="lab_open"' "p:lab/b0 do_filp_open+$off c=\$comm ax=%ax:x64" || return
  l=$(events b0 $W/bout | head -1)
  echo "$l" | grep -q "(do_filp_open+$(printf 0x%x "$off")/" || { fail "event not at do_filp_open+$off: $l"; return; }
  [ "$(echo "$l" | argval ax)" = 0xfffffffffffffffe ] && pass "%ax after path_openat = ERR_PTR(-ENOENT) at +$off" ||
    fail "ax='$(echo "$l" | argval ax)' at +$off"
}

b_icmp() {
  local p="+${OFF_SKB_DATA}(+0(%di))" l
  [ -n "$NETIF" ] || { fail "__netif_receive_skb_core not in kallsyms"; return; }
  # Since 5.x the first argument is struct sk_buff **pskb: one more dereference.
  BF_b1='proto==1&&src==117967114' base_run trig_ping 2 "proto==1&&src==$IP_LO_U32" \
    "p:lab/b0 $NETIF proto=+${OFF_IPH_PROTOCOL}($p):u8 src=+${OFF_IPH_SADDR}($p):u32 dst=+${OFF_IPH_DADDR}($p):u32" \
    "p:lab/b1 $NETIF proto=+${OFF_IPH_PROTOCOL}($p):u8 src=+${OFF_IPH_SADDR}($p):u32" || return
  l=$(events b0 $W/bout | head -1)
  [ -n "$l" ] || { fail "no ICMP from 127.0.0.1 seen"; return; }
  [ "$(echo "$l" | argval dst)" = "$IP_LO_U32" ] || { fail "dst='$(echo "$l" | argval dst)'"; return; }
  [ -z "$(events b1 $W/bout)" ] || { fail "filter src==10.9.8.7 let events through"; return; }
  pass "proto=1 src=dst=127.0.0.1, src==10.9.8.7 dropped"
}

b_udp_port() {
  local port=$((20000 + $$ % 20000)) l
  base_run "trig_udp $port" 2 "proto==17&&dport==$(swap16 $port)" \
    "p:lab/b0 ip_rcv proto=+${OFF_IPH_PROTOCOL}(+${OFF_SKB_DATA}(%di)):u8 dport=+$((20 + OFF_UDPH_DEST))(+${OFF_SKB_DATA}(%di)):u16" || return
  l=$(events b0 $W/bout | head -1)
  [ -n "$l" ] && pass "udp dport $port seen as $(echo "$l" | argval dport)" || fail "no UDP datagram to port $port seen"
}

b_global() {
  local old; old=$(cat /proc/sys/kernel/pid_max)
  echo 54321 >/proc/sys/kernel/pid_max
  base_run trig_fork 2 'c=="lab_fork"' "p:lab/b0 wake_up_new_task c=+${OFF_COMM}(%di):string pm=@pid_max:s32"
  echo "$old" >/proc/sys/kernel/pid_max
  local v; v=$(events b0 $W/bout | head -1 | argval pm)
  [ "$v" = 54321 ] && pass "@pid_max=54321 as written" || fail "pm='$v', want 54321"
}

b_stack() {
  BASE_STACK=1 base_run 'trig_open lab_missing_s' 1 'c=="lab_open"' 'p:lab/b0 do_filp_open c=$comm' || return
  grep -q '=> do_sys_openat2' $W/bout && pass "stack has do_sys_openat2" || fail "no do_sys_openat2 in the stack"
}

b_kretprobe() {
  base_run trig_fork 2 '' "r:lab/b0 wake_up_new_task" || return
  grep -qE ' b0: \(kernel_clone\+0x[0-9a-f]+/0x[0-9a-f]+ <- wake_up_new_task\)' $W/bout &&
    pass "returns to kernel_clone" || fail "no 'kernel_clone+.. <- wake_up_new_task' line"
}

b_cleanup() {
  [ "$(tracefs_snapshot)" = "$SNAP0" ] && pass "tracefs as at boot" || fail "tracefs changed: $(tracefs_snapshot | grep -vxF -e "$SNAP0" | head -3 | tr '\n' ' ')"
}

if [ "${LAB_BREAK:-}" = comm ]; then OFF_COMM=$((OFF_COMM + 1)); note "LAB_BREAK: comm offset $OFF_COMM"; fi
run_check base/fork_comm_pid b_fork_comm
run_check base/mm_users b_mm_users
run_check base/open_dfd_name b_open_dfd_name
run_check base/ret_enoent b_ret_enoent
run_check base/ret_fpos b_ret_fpos
run_check base/callsite_ax b_callsite_ax
run_check base/icmp_filter b_icmp
run_check base/udp_port b_udp_port
run_check base/global_pid_max b_global
run_check base/stack b_stack
run_check base/kretprobe_caller b_kretprobe
run_check base/cleanup b_cleanup
if [ "${LAB_BREAK:-}" = comm ]; then OFF_COMM=$((OFF_COMM - 1)); fi
