#!/bin/bash
# SPDX-License-Identifier: MIT
# The name -> module index of a hive entry (DIR/<arch>/kmodidx/..., types/kmodidx.h): a
# module's function or struct is looked up in that module's split BTF only (strace: no
# other module file is opened), at pahole's offsets on the .ko; a miss opens none; an entry
# without the index (written by an older surftrace) still works by reading every module,
# and any later `hive add` meeting the entry writes the index; a module the index does not
# cover is still found; a function name two modules define is said (one prototype) or
# refused (different prototypes) naming the modules; -l lists module functions from the
# index alone, -L gives each module's function its own module's prototype.
. "$(dirname "$0")/_common.sh"
R=6.1.0-97-fake
K="x86_64/kmod/debian/$R"
IDX="x86_64/kmodidx/debian/$R"
if ! command -v strace >/dev/null; then
  skip "strace is not installed (scripts/deps.sh)"; tap_done; exit 0
fi
# mod KO NAME [LABEL_LEN] [SHARED_ARG]: tests/hive/fakemod.c built as module NAME for R.
mod() {
  gcc -g -O1 -c -DRELEASE="\"$R\"" -DMODNAME="$2" ${3:+-DLABEL_LEN=$3} \
    ${4:+"-DSHARED_ARG=$4"} -o "$1" "$ROOT/tests/hive/fakemod.c"
}
mk_kernel "$T/k" "$R"
mod "$T/fakemod.ko" fakemod
mod "$T/fake-two.ko" fake_two 20
mod "$T/dup_a.ko" dup_a "" 'struct list_head *'
mod "$T/dup_b.ko" dup_b 28 'struct list_head *'
mod "$T/dup_c.ko" dup_c "" 'long'
mod "$T/late.ko" late 36
fills=()
for i in 01 02 03 04 05 06 07 08; do mod "$T/fill$i.ko" "fill$i" $((8 + ${i#0})); fills+=("$T/fill$i.ko"); done
mk_deb "$T/k.deb" "$T/k" "$R" "$T/fakemod.ko" "$T/fake-two.ko" "$T/dup_a.ko" "$T/dup_b.ko" "${fills[@]}"
NMODS=12

# opened HIVE ARGS...: the module files of the entry the run opened, sorted, one line.
opened() {
  local h=$1; shift
  # (LeakSanitizer cannot run under ptrace: an ASan build's leak check is off here)
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    strace -f -qq -e trace=open,openat -o "$T/trace" "$ST" --hive "$h" --kernel "$R" "$@" >"$T/out" 2>&1
  grep -o "\"$h/$K/[^\"]*\"" "$T/trace" | sed "s|.*/||; s|\"||" | sort | tr '\n' ' '
}
# pahole_off KO STRUCT MEMBER: the member's offset as pahole reads the .ko's DWARF.
pahole_off() { pahole -C "$2" "$1" 2>/dev/null | python3 "$LAYOUT" /dev/stdin | awk -v m="$3" '$1==m{print $2}'; }

H="$T/h"
out=$("$ST" hive add "$H" "$T/k.deb" --modules '*' 2>&1); rc=$?
expect "hive add --modules '*': $NMODS modules and the index written" \
  '[ $rc = 0 ] && [[ $out == *": $NMODS added, 0 already in the hive, 0 failed"* ]] && [ -s "$H/$IDX" ]'
expect "the index covers every module of kmod/ (header: $NMODS 'm NAME SIZE' lines, sizes as on disk)" \
  '[ "$(grep -c "^m " "$H/$IDX")" = $NMODS ] && [ "$(grep "^m fake_two " "$H/$IDX" | cut -d" " -f3)" = "$(stat -c %s "$H/$K/fake_two")" ]'

q=$(pahole_off "$T/fake-two.ko" fake_two_dev queues)
files=$(opened "$H" -S 'p fake_two_xmit q=%0->queues'); out=$(cat "$T/out")
expect "-S p fake_two_xmit q=%0->queues: pahole's offset $q on fake-two.ko" \
  '[ -n "$q" ] && [[ $out == *"q=+$(printf 0x%x "$q")(%di):u32"* ]]'
expect "... and of the $NMODS module files only fake_two's is opened (opened: $files)" \
  '[ "$files" = "fake_two " ]'
files=$(opened "$H" -S 'p fake_nosuch_xmit x=%0'); out=$(cat "$T/out")
expect "a function no module has: the hive's one-line error, no module file opened ($files)" \
  '[[ $out == *"no function '"'fake_nosuch_xmit'"' in the type information of the hive $H;"* ]] && [ -z "$files" ]'
files=$(opened "$H" --struct fake_two_dev)
python3 "$LAYOUT" "$T/out" >"$T/got"
pahole -C fake_two_dev "$T/fake-two.ko" 2>/dev/null | python3 "$LAYOUT" /dev/stdin >"$T/want"
expect "--struct fake_two_dev = pahole on fake-two.ko, only fake_two opened ($files)" \
  '[ -s "$T/want" ] && cmp -s "$T/want" "$T/got" && [ "$files" = "fake_two " ]'

# Same-named functions: dup_a and dup_b both define fake_rx(struct list_head *, int).
files=$(opened "$H" -S 'p fake_rx n=%1'); out=$(cat "$T/out")
expect "fake_rx in dup_a and dup_b with one prototype: translated, one note naming both" \
  '[[ $out == *"p:p0 fake_rx n=%si:s32"* ]] && [ "$(grep -c "is a function of 2 modules (dup_a, dup_b) with one prototype: types from dup_a" <<<"$out")" = 1 ]'
expect "... only dup_a and dup_b opened ($files)" '[ "$files" = "dup_a dup_b " ]'
out=$("$ST" hive add "$H" "$T/dup_c.ko" 2>&1); rc=$?
expect "a module added on its own (dup_c, fake_rx(long, int)) is indexed" \
  '[ $rc = 0 ] && grep -q "^fake_rx	f	dup_c$" "$H/$IDX" && [ "$(grep -c "^m " "$H/$IDX")" = $((NMODS + 1)) ]'
out=$("$ST" --hive "$H" --kernel "$R" -S 'p fake_rx n=%1' 2>&1); rc=$?
expect "fake_rx with different prototypes, read by %1: refused in one line naming the 3 modules" \
  '[ $rc = 2 ] && [[ $out == *"'"'fake_rx'"' is a function of 3 modules with different prototypes (dup_a, dup_b, dup_c)"* ]] && [ "$(grep -c error <<<"$out")" = 1 ]'
out=$("$ST" --hive "$H" --kernel "$R" -S 'p fake_rx' 2>&1); rc=$?
expect "... a probe reading no argument: translated, the note names them" \
  '[ $rc = 0 ] && [[ $out == *"is a function of 3 modules (dup_a, dup_b, dup_c) with different prototypes"* ]]'

files=$(opened "$H" -L 'fake_rx'); out=$(cat "$T/out")
expect "-L fake_rx: each module's own prototype (dup_c's long), only the 3 opened ($files)" \
  'grep -qx "int fake_rx(struct list_head \*x, int n) \[dup_a\]" <<<"$out" && grep -qx "int fake_rx(struct list_head \*x, int n) \[dup_b\]" <<<"$out" && grep -qx "int fake_rx(long int x, int n) \[dup_c\]" <<<"$out" && [ "$files" = "dup_a dup_b dup_c " ]'
files=$(opened "$H" -l 'fake*'); out=$(cat "$T/out")
expect "-l 'fake*' lists module functions from the index alone: no module file opened ($files)" \
  'grep -qx "fake_two_xmit \[fake_two\]" <<<"$out" && grep -qx "fakemod_xmit \[fakemod\]" <<<"$out" && [ "$(grep -c "^fake_rx " <<<"$out")" = 3 ] && [ -z "$files" ]'

# An entry written before the index: the same answers, every module read.
cp "$H/$IDX" "$T/idx.saved"
want=$("$ST" --hive "$H" --kernel "$R" -S 'p fake_two_xmit q=%0->queues' 2>&1)
wantl=$("$ST" --hive "$H" --kernel "$R" -L '*' 2>&1)
rm "$H/$IDX"
expect "without the index: -L '*' the same ($(wc -l <<<"$wantl") lines)" \
  '[ "$("$ST" --hive "$H" --kernel "$R" -L "*" 2>&1)" = "$wantl" ]'
files=$(opened "$H" -S 'p fake_two_xmit q=%0->queues'); out=$(cat "$T/out")
expect "without the index: the same translation ($want)" '[ -n "$want" ] && [ "$out" = "$want" ]'
expect "... by reading the modules (fill01 too)" '[[ $files == *"fill01 "* ]]'
out=$("$ST" hive add "$H" "$T/k.deb" 2>&1); rc=$?
expect "hive add of the same package (kernel skipped) writes the missing index" \
  '[ $rc = 0 ] && [[ $out == "skipped $R"* ]] && cmp -s "$T/idx.saved" "$H/$IDX"'
files=$(opened "$H" -S 'p fake_two_xmit q=%0->queues')
expect "... and lookups use it again (opened: $files)" '[ "$files" = "fake_two " ]'

# A module the index does not cover (added by an older surftrace): still found, alone.
out=$("$ST" hive add "$H" "$T/late.ko" 2>&1)
cp "$T/idx.saved" "$H/$IDX"
q=$(pahole_off "$T/late.ko" late_dev queues)
files=$(opened "$H" -S 'p late_xmit q=%0->queues'); out=$(cat "$T/out")
expect "a module outside a stale index: found at pahole's $q, only it opened ($files)" \
  '[ -n "$q" ] && [[ $out == *"q=+$(printf 0x%x "$q")(%di):u32"* ]] && [ "$files" = "late " ]'
files=$(opened "$H" -S 'p fake_two_xmit q=%0->queues')
expect "... the modules it covers still looked up through it ($files)" '[ "$files" = "fake_two late " ]'

# An index naming a module that lacks the name (hand-edited, or a module replaced
# outside surftrace): not trusted, the answer comes from the modules themselves.
sed -i 's/^fake_two_xmit\tf\tfake_two$/fake_two_xmit\tf\tfill01/' "$H/$IDX"
q=$(pahole_off "$T/fake-two.ko" fake_two_dev queues)
out=$("$ST" --hive "$H" --kernel "$R" -S 'p fake_two_xmit q=%0->queues' 2>&1)
expect "an index that is wrong about a module: still fake_two's offset $q" \
  '[[ $out == *"q=+$(printf 0x%x "$q")(%di):u32"* ]]'
expect "hive rm removes the index with the entry" \
  '"$ST" hive rm "$H" "$R" >/dev/null 2>&1 && [ ! -e "$H/$IDX" ] && [ ! -e "$H/$K" ]'
tap_done
