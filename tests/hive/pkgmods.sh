#!/bin/bash
# SPDX-License-Identifier: MIT
# Modules out of a whole package (`hive add DIR PKG --modules GLOB`): a synthetic -dbg .deb
# and kernel-debuginfo .rpm holding a vmlinux and two modules (tests/hive/fakemod.c, one
# file named with '-'); each chosen module becomes split BTF over the kernel's entry in
# the same pass. Offsets against pahole on the .ko itself; default (no --modules) takes
# none; re-adding skips what is there; a bad module fails alone; a module's own .BTF is
# not laid over a kernel entry made from DWARF.
. "$(dirname "$0")/_common.sh"
R=6.1.0-98-fake
mk_kernel "$T/k" "$R"
mk_mod "$T/fakemod.ko" "$R" fakemod
mk_mod "$T/fake-two.ko" "$R" fake_two 20
# fake-two.ko also carries a .BTF of its own (pahole -J), numbered without the hive's
# kernel BTF (made from DWARF here): its DWARF must be used, not that .BTF.
pahole -J "$T/fake-two.ko" 2>/dev/null
mk_deb "$T/k.deb" "$T/k" "$R" "$T/fakemod.ko" "$T/fake-two.ko"
K="x86_64/kmod/debian/$R"
# tmp_clean HIVE: nothing left in the hive's scratch directory.
tmp_clean() { [ -z "$(ls -A "$1/.tmp" 2>/dev/null)" ]; }
# mod_layout NAME HIVE STRUCT KO: --kernel --struct from the hive equals pahole on the .ko.
mod_layout() {
  pahole -C "$3" "$4" >"$T/pahole.txt" 2>/dev/null
  "$ST" --hive "$2" --kernel "$R" --struct "$3" >"$T/st.txt" 2>&1
  python3 "$LAYOUT" "$T/pahole.txt" >"$T/want"
  python3 "$LAYOUT" "$T/st.txt" >"$T/got"
  if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then ok "$1"
  else fail "$1: $(diff "$T/want" "$T/got" | head -4 | tr '\n' ' ')"; fi
}

# Default: the kernel only.
H="$T/h1"
out=$("$ST" hive add "$H" "$T/k.deb" 2>&1); rc=$?
expect "package without --modules: the kernel only, no module taken" \
  '[ $rc = 0 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == "added $R x86_64 debian "* ]] && [ ! -e "$H/$K" ]'

# --modules '*': both, in the same pass as the kernel.
H2="$T/h2"
out=$("$ST" hive add "$H2" "$T/k.deb" --modules '*' 2>&1); rc=$?
expect "--modules '*': kernel and 2 modules added in one run" \
  '[ $rc = 0 ] && [[ $out == *"added $R x86_64 debian"* ]] && [[ $out == *"modules of $R x86_64 debian: 2 added, 0 already in the hive, 0 failed"* ]]'
expect "module files under kmod/, named as the kernel names them (fake-two.ko -> fake_two)" \
  '[ -s "$H2/$K/fakemod" ] && [ -s "$H2/$K/fake_two" ]'
B2="$H2/x86_64/btf/debian/$R"
base_lh=$(bpftool btf dump file "$B2" | sed -n "s/^\[\([0-9]*\)\] STRUCT 'list_head'.*/\1/p")
node=$(bpftool btf -B "$B2" dump file "$H2/$K/fake_two" | sed -n "/STRUCT 'fake_two_dev'/,/^\[/s/.*'node' type_id=\([0-9]*\).*/\1/p")
expect "split BTF over the package's kernel: fake_two_dev.node is its list_head (id $base_lh)" \
  '[ -n "$base_lh" ] && [ "$node" = "$base_lh" ]'
mod_layout "fakemod_dev from the package = pahole on fakemod.ko" "$H2" fakemod_dev "$T/fakemod.ko"
mod_layout "fake_two_dev from the package = pahole on fake-two.ko" "$H2" fake_two_dev "$T/fake-two.ko"
pahole -C fake_two_dev "$T/fake-two.ko" >"$T/pahole.txt"
q=$(python3 "$LAYOUT" "$T/pahole.txt" | awk '$1=="queues"{print $2}')
out=$("$ST" --hive "$H2" --kernel "$R" -S 'p fake_two_xmit q=%0->queues' 2>&1); rc=$?
expect "-S p fake_two_xmit q=%0->queues at pahole's offset $q" \
  '[ $rc = 0 ] && [ -n "$q" ] && [[ $out == *"q=+$(printf 0x%x "$q")(%di):u32"* ]]'
expect "nothing left in DIR/.tmp" 'tmp_clean "$H2"'
out=$("$ST" --hive "$H2" --kernel "$R" -L 'fake*' 2>&1); rc=$?
expect "-L with --kernel lists module functions with their module and prototype (fakemod.c's)" \
  '[ $rc = 0 ] && grep -qx "int fake_two_xmit(struct fake_two_dev \*dev, int len) \[fake_two\]" <<<"$out" && grep -qx "int fakemod_xmit(struct fakemod_dev \*dev, int len) \[fakemod\]" <<<"$out" && grep -q "^[^[]*fake_wake([^[]*$" <<<"$out"'

# Again: the kernel (same source) and both modules are there.
out=$("$ST" hive add "$H2" "$T/k.deb" --modules '*' 2>&1); rc=$?
expect "re-add with --modules: kernel skipped, 2 modules already in the hive" \
  '[ $rc = 0 ] && [[ $out == "skipped $R"* ]] && [[ $out == *": 0 added, 2 already in the hive, 0 failed"* ]]'

# Modules later, into the hive that has the kernel: by name, '-' and '_' alike.
out=$("$ST" hive add "$H" "$T/k.deb" --modules 'fake-two' 2>&1); rc=$?
expect "--modules fake-two on a hive holding the kernel: kernel skipped, only fake_two added" \
  '[ $rc = 0 ] && [[ $out == "skipped $R"* ]] && [[ $out == *": 1 added, 0 already in the hive, 0 failed"* ]] && [ -s "$H/$K/fake_two" ] && [ ! -e "$H/$K/fakemod" ]'
out=$("$ST" --hive "$H" --kernel "$R" -S 'p fakemod_xmit q=%0->queues' 2>&1); rc=$?
expect "a function of a module not taken: the error names the hive and --modules" \
  '[ $rc = 2 ] && [[ $out == *"no function '"'fakemod_xmit'"' in the type information of the hive $H; "*"surftrace hive add $H PACKAGE --modules NAME"* ]]'
out=$("$ST" hive add "$H" "$T/k.deb" --modules 'nosuch*' 2>&1); rc=$?
expect "--modules matching nothing: exit 1, one line naming the glob" \
  '[ $rc = 1 ] && [[ $out == *"no module matches --modules '"'"'nosuch*'"'"'"* ]] && [ "$(echo "$out" | grep -c error)" = 1 ]'

# A module built for another kernel fails alone; the others are added, exit 1.
mk_mod "$T/stray.ko" 6.1.0-1-other stray
mk_deb "$T/k3.deb" "$T/k" "$R" "$T/stray.ko" "$T/fakemod.ko"
H3="$T/h3"
out=$("$ST" hive add "$H3" "$T/k3.deb" --modules '*' 2>&1); rc=$?
expect "a module for another kernel: one error line naming it, the rest added, exit 1" \
  '[ $rc = 1 ] && [[ $out == *"module stray: built for kernel 6.1.0-1-other, not $R"* ]] && [[ $out == *": 1 added, 0 already in the hive, 1 failed"* ]] && [ -s "$H3/$K/fakemod" ] && [ ! -e "$H3/$K/stray" ]'
expect "nothing left in DIR/.tmp after a failed module" 'tmp_clean "$H3"'

# A kernel with its own .BTF and a module whose .BTF is split over it (pahole --btf_base,
# as distributions build them): both used as they are, the module's types on the kernel's.
cp "$T/k" "$T/kb"; pahole -J "$T/kb" 2>/dev/null
mk_mod "$T/m3.ko" "$R" fake_three
pahole -J --btf_base "$T/kb" "$T/m3.ko" 2>/dev/null
mk_deb "$T/kb.deb" "$T/kb" "$R" "$T/m3.ko"
objcopy --dump-section .BTF="$T/kb.btf" "$T/kb"
H5="$T/h5"
out=$("$ST" hive add "$H5" "$T/kb.deb" --modules '*' 2>&1); rc=$?
B5="$H5/x86_64/btf/debian/$R"
lh5=$(bpftool btf dump file "$B5" | sed -n "s/^\[\([0-9]*\)\] STRUCT 'list_head'.*/\1/p")
node5=$(bpftool btf -B "$B5" dump file "$H5/$K/fake_three" 2>/dev/null | sed -n "/STRUCT 'fake_three_dev'/,/^\[/s/.*'node' type_id=\([0-9]*\).*/\1/p")
expect "kernel and module from their own .BTF: fake_three_dev.node is the kernel's list_head (id $lh5)" \
  '[ $rc = 0 ] && cmp -s "$B5" "$T/kb.btf" && [ -n "$lh5" ] && [ "$node5" = "$lh5" ]'
mod_layout "fake_three_dev from its .BTF = pahole on m3.ko" "$H5" fake_three_dev "$T/m3.ko"

# RPM: modules (NAME.ko.debug) come before lib/modules/R/vmlinux in the payload.
if mk_rpm "$T/k.rpm" "$T/k" "$R" "$T/fakemod.ko" "$T/fake-two.ko"; then
  H4="$T/h4"
  out=$("$ST" hive add "$H4" "$T/k.rpm" --modules 'fake*' 2>&1); rc=$?
  expect "rpm --modules 'fake*': kernel and both .ko.debug modules (met before the vmlinux)" \
    '[ $rc = 0 ] && [[ $out == *"modules of $R x86_64 "*": 2 added, 0 already in the hive, 0 failed"* ]]'
  KR=$(ls -d "$H4"/x86_64/kmod/*/"$R" 2>/dev/null)
  expect "rpm: module files in place, DIR/.tmp empty" '[ -s "$KR/fakemod" ] && [ -s "$KR/fake_two" ] && tmp_clean "$H4"'
  mod_layout "rpm: fake_two_dev = pahole on fake-two.ko" "$H4" fake_two_dev "$T/fake-two.ko"
else
  skip "rpmbuild not available"
fi
tap_done
