# SPDX-License-Identifier: MIT
# arm64 only: surftrace's AAPCS64 register table (src/compile/arch.c) on a live arm64
# kernel. %0..%7 are x0..x7 (do_mmap's eight arguments, each equal to what labtool passed to
# mmap), %fp/%lr are x29/x30 (lr equal to the return address the kernel's own kretprobe
# reports, fp a frame record on the task's stack), $retval is x0, and x86 names are
# refused. The shared README checks (20_surftrace.sh, LAB_SET in lib.sh) run here too.
[ "$(uname -m)" = aarch64 ] || return 0

# -S: the translation names the AAPCS64 registers, offsets are pahole's.
a_show_regs() {
  local out err rc
  out=$("$ST" -S 'p do_mmap f=X%0 a=%1 len=%2 prot=%3 fl=%4 pg=%5 pop=X%6 uf=X%7' \
          'p do_filp_open n=%1->name fp=X%fp lr=X%lr sp=X%sp x9=X%x9' \
          'p wake_up_new_task comm=%0->comm' 'r do_filp_open filp=$retval' 2>&1)
  note "$out"
  echo "$out" | grep -qxE 'p:p0 do_mmap f=%x0:x64 a=%x1:u64 len=%x2:u64 prot=%x3:u64 fl=%x4:u64 pg=%x5:u64 pop=%x6:x64 uf=%x7:x64' ||
    { fail "do_mmap %0..%7 not x0..x7: $(echo "$out" | grep do_mmap)"; return; }
  echo "$out" | grep -qxE "p:p1 do_filp_open n=\+0\(\+$(printf 0x%x $OFF_FILENAME_NAME)\(%x1\)\):string fp=%x29:x64 lr=%x30:x64 sp=%sp:x64 x9=%x9:x64" ||
    { fail "fp/lr/sp/%1: $(echo "$out" | grep do_filp_open | head -1)"; return; }
  echo "$out" | grep -qE "^p:p2 wake_up_new_task comm=\+$(printf 0x%x $OFF_COMM)\(%x0\):string$" ||
    { fail "comm not +$(printf 0x%x $OFF_COMM)(%x0): $(echo "$out" | grep wake_up_new_task)"; return; }
  echo "$out" | grep -qxF 'r:r3 do_filp_open filp=$retval:x64' || { fail "retval: $(echo "$out" | grep '^r:')"; return; }
  # x86_64 register names are not arm64's: one line with the column, exit 2
  err=$("$ST" -S 'p do_filp_open filp=X!(u64)%ax' 2>&1); rc=$?
  [ $rc = 2 ] && echo "$err" | grep -q "'%ax' is not a register of aarch64" ||
    { fail "%ax: exit $rc: $err"; return; }
  pass "%0..%7 -> x0..x7, %fp/%lr -> x29/x30, sp, \$retval; %ax refused"
}

# do_mmap(file, addr, len, prot, flags, pgoff, populate, uf): every argument register read
# live, compared with the mmap labtool made (its own executable, named lab_mmap). The filter
# on len keeps out the mappings exec made of the same file before (it also reads x2).
a_args8() {
  local len=20000 pg=3 name
  st_live "/lab/bin/lab_mmap mmap $len $pg" -q -n 1 \
    'p do_mmap c=$comm f=X%0 name=%0->f_path.dentry->d_name.name a=%1 len=%2 prot=%3 fl=%4 pg=%5 pop=X%6 uf=X%7 sp=X%sp f:c=="lab_mmap"&&len==20000'
  st_ok || return
  want_line p0 || return
  grep -qx "$(echo "$L" | task_pid | cut -d' ' -f2)" $W/trig || { fail "not our mmap: $L"; return; }
  name=$(echo "$L" | argval name)
  [ "$name" = lab_mmap ] || { fail "%0->f_path.dentry->d_name.name='$name', want lab_mmap"; return; }
  [ "$(echo "$L" | argval a)/$(echo "$L" | argval len)/$(echo "$L" | argval prot)/$(echo "$L" | argval fl)/$(echo "$L" | argval pg)" = "0/$len/1/2/$pg" ] ||
    { fail "addr/len/prot/flags/pgoff want 0/$len/1/2/$pg: $L"; return; }
  # populate and uf point at vm_mmap_pgoff's locals: the task's kernel stack, above sp
  local sp pop uf
  sp=$(( $(echo "$L" | argval sp) )); pop=$(( $(echo "$L" | argval pop) )); uf=$(( $(echo "$L" | argval uf) ))
  [ $((pop - sp)) -gt 0 ] && [ $((pop - sp)) -lt 16384 ] && [ $((uf - sp)) -gt 0 ] && [ $((uf - sp)) -lt 16384 ] ||
    { fail "x6/x7 not on the stack above sp: $L"; return; }
  pass "x0..x7 = lab_mmap, 0, $len, PROT_READ, MAP_PRIVATE, $pg, &populate, &uf"
}

# The ninth argument is on the stack ($stack0, AAPCS64): ip6_make_skb(sk, getfrag, from,
# length, transhdrlen, ipc6, rt, flags, cork), called by udpv6_sendmsg with its local cork,
# whose flow holds the destination port. labtool sends 3 bytes to [::1]:PORT with
# MSG_DONTWAIT|MSG_NOSIGNAL (0x4040): length = 3 + 8 (UDP header), transhdrlen 8.
a_stack_arg9() {
  local port=$((20000 + $$ % 10000)) out
  out=$("$ST" -S 'p ip6_make_skb cork=X%8' 2>&1)
  echo "$out" | grep -qxF 'p:p0 ip6_make_skb cork=$stack0:x64' || { fail "%8 is not \$stack0: $out"; return; }
  st_live "/lab/bin/lab_udp udp6 $port" -q -n 1 \
    "p ip6_make_skb c=\$comm len=%3 th=%4 fl=X%7 b16_port=%8->fl.u.ip6.uli.ports.dport f:c==\"lab_udp\""
  st_ok || return
  want_line p0 || return
  [ "$(echo "$L" | argval len)/$(echo "$L" | argval th)/$(echo "$L" | argval fl)/$(echo "$L" | argval b16_port)" = "11/8/0x4040/$port" ] ||
    { fail "len/transhdrlen/flags/port want 11/8/0x4040/$port: $L"; return; }
  pass "x3 = 11, x4 = 8, x7 = 0x4040, \$stack0 (%8) = &cork: dport $port"
}

# %lr at do_filp_open's entry is the return address into do_sys_openat2: the address just
# after its BL do_filp_open (labtool decodes the live text; kallsyms gives the address).
# %fp is the caller's frame record: on the same kernel stack, above %sp. (A kretprobe on the
# same function would show its trampoline in x30 instead: its handler swaps the LR first.)
a_fp_lr() {
  local lr fp sp off base
  off=$(labtool callsite do_sys_openat2 do_filp_open) || { fail "no BL do_filp_open in do_sys_openat2"; return; }
  base=$(awk '$3 == "do_sys_openat2" { print $1; exit }' /proc/kallsyms)
  st_live 'trig_open lab_missing_l' -q -n 1 'p do_filp_open c=$comm fp=X%fp lr=X%lr sp=X%sp f:c=="lab_open"'
  st_ok || return
  want_line p0 || return
  lr=$(( $(echo "$L" | argval lr) )); fp=$(( $(echo "$L" | argval fp) )); sp=$(( $(echo "$L" | argval sp) ))
  [ $((0x$base + off)) = $lr ] ||
    { fail "lr=$(printf 0x%x $lr), want do_sys_openat2+$off = $(printf 0x%x $((0x$base + off)))"; return; }
  [ $((fp - sp)) -ge 0 ] && [ $((fp - sp)) -lt 16384 ] || { fail "fp=$(printf 0x%x $fp) not above sp=$(printf 0x%x $sp)"; return; }
  pass "lr = do_sys_openat2+$off (after its BL do_filp_open); fp - sp = $((fp - sp))"
}

run_check a64/show_regs a_show_regs
run_check a64/args8 a_args8
run_check a64/stack_arg9 a_stack_arg9
run_check a64/fp_lr a_fp_lr
