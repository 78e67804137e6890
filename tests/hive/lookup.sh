#!/bin/bash
# SPDX-License-Identifier: MIT
# Where types come from when the kernel has no /sys/kernel/btf: a kernel without BTF is
# simulated with SURFTRACE_SYSFS_BTF=<empty dir>, its build id with SURFTRACE_KERNEL_NOTES.
# The hive's answers must equal the real /sys/kernel/btf's (-S, --struct, -L, lbc
# vmlinux.h) or pahole's reading of a synthetic kernel's DWARF (--kernel, build id).
. "$(dirname "$0")/_common.sh"
H="$T/hive"
REL=$(uname -r)
mkdir -p "$T/nobtf"
NOBTF=(env SURFTRACE_SYSFS_BTF="$T/nobtf")
EXPRS=('p wake_up_new_task comm=%0->comm f:comm=="bash"'
       'p wake_up_new_task uesrs=S%0->mm->mm_users'
       'p wake_up_new_task node=%0->se.run_node.rb_left'
       'p do_filp_open+121 pos=X!(struct file*)%ax->f_pos'
       'r do_filp_open pos=$retval->f_pos'
       'p do_filp_open n=$pathname->name'
       'p __netif_receive_skb proto=@(struct iphdr *)l3%0->protocol ip_src=@(struct iphdr *)%0->saddr f:proto==1&&ip_src==127.0.0.1'
       'e sched/sched_switch f:prev_pid>0')

if [ ! -r /sys/kernel/btf/vmlinux ]; then skip "this machine has no kernel BTF to compare with"; tap_done; exit 0; fi

# No hive: one line naming this release and the hive add command, exit 1.
out=$("${NOBTF[@]}" SURFTRACE_HIVE= "$ST" -S "${EXPRS[0]}" 2>&1); rc=$?
expect "no BTF, no hive: exit 1, one line naming $REL and 'surftrace hive add'" \
  '[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *"$REL"* ]] && [[ $out == *"surftrace hive add"* ]]'
out=$("${NOBTF[@]}" "$ST" -S 'e sched/sched_switch' 2>&1); rc=$?
expect "no BTF: trace events need no types and still translate" '[ $rc = 0 ] && [ "$out" = "e sched/sched_switch" ]'

# A hive without this kernel: exit 1 naming the hive and the release.
mk_kernel "$T/k1" 6.1.0-99-fake
"$ST" hive add "$H" "$T/k1" >/dev/null
out=$("${NOBTF[@]}" "$ST" --hive "$H" -S "${EXPRS[0]}" 2>&1); rc=$?
expect "hive without this kernel: exit 1, one line naming $REL and 'hive add $H'" \
  '[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *"$REL"* ]] && [[ $out == *"hive add $H"* ]]'

# This kernel's entry (its BTF file, by release): -S identical to the real BTF's.
"$ST" hive add "$H" /sys/kernel/btf/vmlinux --release "$REL" >/dev/null
"$ST" -S "${EXPRS[@]}" >"$T/want" 2>&1
"${NOBTF[@]}" "$ST" --hive "$H" -S "${EXPRS[@]}" >"$T/got" 2>&1; rc=$?
expect "-S of the README examples: --hive output = /sys/kernel/btf output" '[ $rc = 0 ] && [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"'
"${NOBTF[@]}" SURFTRACE_HIVE="$H" "$ST" -S --json "${EXPRS[@]}" >"$T/gotj" 2>&1
"$ST" -S --json "${EXPRS[@]}" >"$T/wantj" 2>&1
expect "SURFTRACE_HIVE=DIR works the same (-S --json)" 'cmp -s "$T/wantj" "$T/gotj"'
"$ST" --struct task_struct >"$T/want" 2>&1
"${NOBTF[@]}" "$ST" --hive "$H" --struct task_struct >"$T/got" 2>&1
expect "--struct task_struct from the hive = from sysfs" '[ -s "$T/want" ] && cmp -s "$T/want" "$T/got"'
"$ST" -L 'do_filp_*' >"$T/want" 2>&1
"${NOBTF[@]}" "$ST" --hive "$H" -L 'do_filp_*' >"$T/got" 2>&1
expect "-L from the hive = from sysfs" '[ -s "$T/want" ] && cmp -s "$T/want" "$T/got"'

# By build id: a kernel whose release the hive does not know but whose build id it has.
objcopy --dump-section .note.gnu.build-id="$T/notes" "$T/k1"
out=$("${NOBTF[@]}" SURFTRACE_KERNEL_NOTES="$T/notes" "$ST" --hive "$H" --struct fake_task 2>&1); rc=$?
echo "$out" >"$T/st.txt"; pahole -C fake_task "$T/k1" >"$T/pahole.txt"
expect "found by build id (/sys/kernel/notes stand-in) before the release: fake_task = pahole" \
  '[ $rc = 0 ] && cmp -s <(python3 "$LAYOUT" "$T/pahole.txt") <(python3 "$LAYOUT" "$T/st.txt")'

# --kernel RELEASE: another kernel's entry for -S, -L and --struct.
off=$(python3 "$LAYOUT" "$T/pahole.txt" | awk '$1=="u"{print $2}')
out=$("$ST" --hive "$H" --kernel 6.1.0-99-fake -S 'p fake_open t=$t->u.start' 2>&1); rc=$?
expect "--kernel: -S uses that kernel's types (u at pahole's $off: +$(printf 0x%x "$off")(%dx))" \
  '[ $rc = 0 ] && [[ $out == *"t=+$(printf 0x%x "$off")(%dx):s64"* ]]'
out=$("$ST" --hive "$H" --kernel 6.1.0-99-fake -L 'fake_*' 2>&1)
expect "--kernel: -L lists its functions with the fixture's prototypes" \
  '[ "$out" = "$(printf "long int fake_open(int dfd, const char *name, struct fake_task *t)\nint fake_wake(struct fake_task *p, int flags)")" ]'
same_layout "--kernel: --struct fake_task = pahole" "$T/k1" "$H/x86_64/btf/debian/6.1.0-99-fake" fake_task
out=$("$ST" --hive "$H" --kernel 9.9.9-nope -S 'p fake_open' 2>&1); rc=$?
expect "--kernel not in the hive: exit 1, one line naming hive list" \
  '[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *"hive list"* ]]'
out=$("$ST" --kernel 6.1.0-99-fake -S 'p fake_open' 2>&1); rc=$?
expect "--kernel without a hive: exit 1 naming --hive" '[ $rc = 1 ] && [[ $out == *"--hive"* ]]'
out=$("$ROOT/$B/surfguide" --hive "$H" --kernel 9.9.9-nope </dev/null 2>&1); rc=$?
expect "surfguide --kernel not in the hive: exit 1 naming hive list" '[ $rc = 1 ] && [[ $out == *"hive list"* ]]'

# lbc: vmlinux.h from the hive = from sysfs; without a hive, one line and exit 1.
LBC="$ROOT/$B/lbc"
export LBC_CACHE_DIR="$T/lbccache"
"$LBC" vmlinux -o "$T/v_sys.h" 2>/dev/null
"${NOBTF[@]}" "$LBC" vmlinux --hive "$H" -o "$T/v_hive.h" 2>"$T/lerr"; rc=$?
expect "lbc vmlinux from the hive = from sysfs" '[ $rc = 0 ] && [ -s "$T/v_sys.h" ] && cmp -s "$T/v_sys.h" "$T/v_hive.h"'
out=$("${NOBTF[@]}" SURFTRACE_HIVE= "$LBC" vmlinux -o "$T/v_none.h" 2>&1); rc=$?
expect "lbc without BTF or hive: exit 1 naming 'surftrace hive add'" '[ $rc != 0 ] && [[ $out == *"surftrace hive add"* ]]'
"$LBC" vmlinux --hive "$H" --kernel 6.1.0-99-fake -o "$T/v_fake.h" 2>/dev/null
printf '#include "%s"\n_Static_assert(__builtin_offsetof(struct fake_task, u) == %s, "u");\n' "$T/v_fake.h" "$off" >"$T/h.c"
expect "lbc vmlinux --kernel: that kernel's header (offsetof u = pahole's $off)" 'clang -target bpf -fsyntax-only "$T/h.c"'

# Live (root): lbc loads and relocates (CO-RE) a program against the hive's BTF when the
# kernel has none; the events carry the pids of children this test forked.
if need_root_tracefs; then
  "${NOBTF[@]}" "$LBC" run --hive "$H" "$ROOT/examples/lbc/eventOut_tp.bpf.c" -t 20 --json \
    >"$T/lbc.out" 2>"$T/lbc.err" &
  lpid=$!
  for _ in $(seq 600); do grep -q '^lbc: attached' "$T/lbc.err" && break; kill -0 $lpid 2>/dev/null || break; sleep 0.1; done
  kids=()
  for _ in 1 2 3; do /bin/true & kids+=($!); wait $!; done
  sleep 0.5
  kill -INT $lpid 2>/dev/null; wait $lpid
  seen=0
  for k in "${kids[@]}"; do grep -q "\"p_pid\":$k," "$T/lbc.out" && seen=$((seen+1)); done
  expect "lbc run without kernel BTF, CO-RE from the hive: fork events of our 3 children" '[ $seen = 3 ]'
else
  skip "live lbc check needs root and tracefs"
fi
tap_done
