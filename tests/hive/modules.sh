#!/bin/bash
# SPDX-License-Identifier: MIT
# Kernel modules in the hive: a module's DWARF becomes split BTF over its kernel's entry
# (deduplicated against it, as /sys/kernel/btf/<module> is), and module types resolve with
# --kernel and for the running kernel found in the hive. Offsets against pahole.
. "$(dirname "$0")/_common.sh"
H="$T/hive"
R=6.1.0-99-fake
mk_kernel "$T/k" "$R"
gcc -g -O1 -c -DRELEASE="\"$R\"" -o "$T/fakemod.ko" "$ROOT/tests/hive/fakemod.c"

out=$("$ST" hive add "$H" "$T/fakemod.ko" 2>&1); rc=$?
expect "a module before its kernel: exit 1, one line saying to add the kernel first" \
  '[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *"add that kernel first"* ]]'
"$ST" hive add "$H" "$T/k" >/dev/null
out=$("$ST" hive add "$H" "$T/fakemod.ko" 2>&1); rc=$?
expect "module added for the kernel its vermagic names" '[ $rc = 0 ] && [ "$out" = "added module fakemod for $R x86_64 debian" ]'
M="$H/x86_64/kmod/debian/$R/fakemod"
B="$H/x86_64/btf/debian/$R"
base_lh=$(bpftool btf dump file "$B" | sed -n "s/^\[\([0-9]*\)\] STRUCT 'list_head'.*/\1/p")
node=$(bpftool btf -B "$B" dump file "$M" | sed -n "/STRUCT 'fakemod_dev'/,/^\[/s/.*'node' type_id=\([0-9]*\).*/\1/p")
expect "split BTF: fakemod_dev.node is the kernel's struct list_head (id $base_lh), not a copy" \
  '[ -n "$base_lh" ] && [ "$node" = "$base_lh" ]'
expect "no second list_head in the module's BTF" '! bpftool btf -B "$B" dump file "$M" | grep -q "STRUCT .list_head."'

pahole -C fakemod_dev "$T/fakemod.ko" >"$T/pahole.txt"
python3 "$LAYOUT" "$T/pahole.txt" >"$T/want"
q=$(awk '$1=="queues"{print $2}' "$T/want")
out=$("$ST" --hive "$H" --kernel "$R" -S 'p fakemod_xmit q=%0->queues l=%0->label' 2>&1); rc=$?
expect "--kernel: p fakemod_xmit q=%0->queues at pahole's offset $q" \
  '[ $rc = 0 ] && [[ $out == *"q=+$(printf 0x%x "$q")(%di):u32"* ]] && [[ $out == *":string"* ]]'
"$ST" --hive "$H" --kernel "$R" --struct fakemod_dev >"$T/st.txt" 2>&1
expect "--kernel: --struct fakemod_dev = pahole" 'cmp -s "$T/want" <(python3 "$LAYOUT" "$T/st.txt")'
# The running kernel found in the hive (by build id) gets its modules too.
mkdir -p "$T/nobtf"
objcopy --dump-section .note.gnu.build-id="$T/notes" "$T/k"
SURFTRACE_SYSFS_BTF="$T/nobtf" SURFTRACE_KERNEL_NOTES="$T/notes" "$ST" --hive "$H" --struct fakemod_dev >"$T/st2.txt" 2>&1
expect "running kernel from the hive: module struct = pahole" 'cmp -s "$T/want" <(python3 "$LAYOUT" "$T/st2.txt")'
"$ST" hive rm "$H" "$R" >/dev/null
expect "hive rm removes the kernel's modules" '[ ! -e "$M" ] && [ ! -d "$H/x86_64/kmod/debian/$R" ]'
tap_done
