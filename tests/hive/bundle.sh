#!/bin/bash
# SPDX-License-Identifier: MIT
# Bundles from the hive: --bundle-out B --hive DIR --kernel GLOB translates for every
# matching kernel (offsets checked against pahole), reports each kernel that fails and why,
# writes the rest; a kernel without BTF (simulated) runs its entry, found through the hive.
. "$(dirname "$0")/_common.sh"
H="$T/hive"
for r in 6.1.0-1-fake 6.1.0-2-fake 6.12.0-1-fake; do mk_kernel "$T/k-$r" "$r"; done
# 6.1.0-3 lacks fake_open (renamed): the expression cannot translate there.
gcc -g -O0 -Wl,--build-id=sha1 -DRELEASE='"6.1.0-3-fake"' -Dfake_open=fake_open2 -o "$T/k-6.1.0-3-fake" "$FK"
"$ST" hive add "$H" "$T"/k-* >/dev/null
off=$(python3 "$LAYOUT" <(pahole -C fake_task "$T/k-6.1.0-1-fake") | awk '$1=="u"{print $2}')

"$ST" --hive "$H" --kernel '6.1.*' --bundle-out "$T/b" 'p fake_open t=$t->u.start n=$name' 2>"$T/err"; rc=$?
"$ST" --bundle "$T/b" --list >"$T/list" 2>&1
expect "glob 6.1.*: exit 2 (one kernel failed), the two others written" \
  '[ $rc = 2 ] && [ "$(grep -c fake "$T/list")" = 2 ] && grep -q "6.1.0-1-fake x86_64" "$T/list" && grep -q "6.1.0-2-fake x86_64" "$T/list"'
expect "the kernel that failed is named with the reason" \
  'grep -q "for 6.1.0-3-fake x86_64" "$T/err" && grep -q "did you mean .fake_open2." "$T/err" && grep -q "2 of 3 kernels written" "$T/err"'
expect "6.12 not matched by 6.1.*" '! grep -q 6.12.0 "$T/list"'
expect "each entry's offset is pahole's ($off)" \
  '[ "$(grep -c "^arg t +$(printf 0x%x "$off")(%dx) s64" "$T/b")" = 2 ]'
"$ST" --hive "$H" --kernel '*' --bundle-out "$T/all" 'p fake_wake pid=%0->pid' 2>/dev/null; rc=$?
expect "glob *: all 4 kernels (no fixed cap)" '[ $rc = 0 ] && [ "$("$ST" --bundle "$T/all" --list | grep -c fake)" = 4 ]'
out=$("$ST" --hive "$H" --kernel '9.*' --bundle-out "$T/none" 'p fake_wake' 2>&1); rc=$?
expect "no kernel matches: exit 1 naming hive list, no file" '[ $rc = 1 ] && [[ $out == *"hive list"* ]] && [ ! -e "$T/none" ]'

# The running kernel without BTF: its entry in the hive (by release), a bundle made from the
# hive for it, run live with a uprobe on a program of ours.
REL=$(uname -r)
mkdir -p "$T/nobtf"
if [ -r /sys/kernel/btf/vmlinux ] && need_root_tracefs && cc -O1 -o "$T/up" -x c - <<'C'
volatile int sink;
__attribute__((noinline)) int foo_alpha(int a, long b) { sink = a; return a + (int)b; }
int main(int argc, char **argv) { (void)argv; sink = foo_alpha(argc + 40, 7); return 0; }
C
then
  "$ST" hive add "$H" /sys/kernel/btf/vmlinux --release "$REL" >/dev/null
  "$ST" --hive "$H" --kernel "$REL" --bundle-out "$T/kp" 'p wake_up_new_task comm=%0->comm' 2>"$T/err"; rc=$?
  expect "bundle for this kernel from the hive" '[ $rc = 0 ]'
  out=$(SURFTRACE_SYSFS_BTF="$T/nobtf" "$ST" --hive "$H" --bundle "$T/kp" --list 2>&1)
  expect "without BTF the run side finds this kernel's entry (marked *)" '[[ $out == "* $REL x86_64"* ]]'
  SURFTRACE_SYSFS_BTF="$T/nobtf" "$ST" --hive "$H" --bundle "$T/kp" -S >"$T/s" 2>&1
  "$ST" -S 'p wake_up_new_task comm=%0->comm' >"$T/want" 2>&1
  expect "its kprobe is the one -S makes with /sys/kernel/btf" '[ -s "$T/want" ] && cmp -s "$T/want" "$T/s"'
  # This machine has no kprobes: the live part is a uprobe (its build id checked at run time).
  "$ST" --hive "$H" --kernel "$REL" --bundle-out "$T/live" "P $T/up:foo_alpha a=%0 b=%1" 2>>"$T/err"
  SURFTRACE_SYSFS_BTF="$T/nobtf" "$ST" --hive "$H" --bundle "$T/live" -n 2 -t 20 --json >"$T/out" 2>"$T/e" &
  pid=$!
  for _ in $(seq 100); do grep -q "surftrace_$pid/p0 $T/up:" $TRACEFS/uprobe_events 2>/dev/null && break; sleep 0.1; done
  "$T/up"; "$T/up" x
  wait $pid; rc=$?
  expect "live run of the uprobe entry on a kernel without BTF: a=41,42 b=7" \
    '[ $rc = 0 ] && [ "$(grep -o "\"a\":\"\?[0-9]*" "$T/out" | grep -o "[0-9]*$" | sort | tr "\n" " ")" = "41 42 " ]'
  expect "nothing of the run is left in tracefs" '! tracefs_state | grep -q "surftrace_$pid"'
else
  skip "live hive bundle needs root, tracefs, kernel BTF to copy and a C compiler"
fi
tap_done
