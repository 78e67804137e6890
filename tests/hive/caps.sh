#!/bin/bash
# SPDX-License-Identifier: MIT
# What each kernel's tracefs accepts: a hive entry records its kernel's README (--readme,
# or the live one for the running kernel); -S for that kernel refuses fetch syntax the
# README does not list, in one line naming it, and accepts it when the README lists it.
. "$(dirname "$0")/_common.sh"
H="$T/hive"
R=6.1.0-99-fake
mk_kernel "$T/k" "$R"
# An older kernel's README: this machine's without ustring, arrays and hex types.
README=/sys/kernel/tracing/README
[ -r $README ] || README=/sys/kernel/debug/tracing/README
if [ ! -r $README ]; then skip "no tracefs README here"; tap_done; exit 0; fi
sed -e 's/, ustring,/,/; s/<type>\\\[<array-size>\\\]//; s/x8\/16\/32\/64, //' $README >"$T/old.README"
expect "the test README lacks what it should" '! grep -q "ustring\|array-size\|x8/16" "$T/old.README"'
"$ST" hive add "$H" "$T/k" --readme "$T/old.README" >/dev/null
expect "hive add --readme records it beside the entry" 'cmp -s "$T/old.README" "$H/x86_64/readme/debian/$R"'

KS=("$ST" --hive "$H" --kernel "$R" -S)
out=$("${KS[@]}" 'p fake_wake pr=%0->prio' 2>&1); rc=$?
expect "array fetch refused: exit 2, names array fetches and the argument's column" \
  '[ $rc = 2 ] && [[ $(echo "$out" | head -1) == *"column 16"*"array fetches"* ]]'
out=$("${KS[@]}" 'p fake_wake par=%0->parent' 2>&1); rc=$?
expect "x64 refused without x8/16/32/64" '[ $rc = 2 ] && [[ $out == *"hexadecimal types"* ]]'
out=$("${KS[@]}" 'p fake_wake par=U%0->parent' 2>&1); rc=$?
expect "the same read as a number (U) is accepted" '[ $rc = 0 ] && [[ $out == *"par=+0x28(%di):u64"* ]]'
out=$("${KS[@]}" 'p fake_wake pid=%0->pid fl=%0->flags c=%0->comm p1=%0->prio[1]' 2>&1); rc=$?
expect "what the README lists is accepted (bitfield, string, one element)" \
  '[ $rc = 0 ] && [[ $out == *"fl=+0x4(%di):b3@0/32"* ]] && [[ $out == *"p1=+0x42(%di):s16"* ]]'
# With the full README the same expression translates.
"$ST" hive add "$H" "$T/k" --readme $README --release "$R-new" >/dev/null
out=$("$ST" --hive "$H" --kernel "$R-new" -S 'p fake_wake pr=%0->prio' 2>&1); rc=$?
expect "a kernel whose README lists arrays gets the array fetch" '[ $rc = 0 ] && [[ $out == *"pr=+0x40(%di):s16[3]"* ]]'
# The running kernel's own entry records its live README by itself.
if [ -r /sys/kernel/btf/vmlinux ]; then
  "$ST" hive add "$H" /sys/kernel/btf/vmlinux --release "$(uname -r)" >/dev/null
  expect "the running kernel's entry records the live README" \
    'diff -q $README "$H/x86_64/readme/linux/$(uname -r)" >/dev/null'
else skip "no /sys/kernel/btf/vmlinux"; fi

"$ST" hive rm "$H" "$R" >/dev/null
expect "hive rm removes the README too" '[ ! -e "$H/x86_64/readme/debian/$R" ]'
tap_done
