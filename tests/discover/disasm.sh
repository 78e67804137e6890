#!/bin/bash
# SPDX-License-Identifier: MIT
# -F: symbols decoded from a stripped distribution vmlinux (checked against the image's
# __ksymtab, an independent table), instruction offsets against objdump -d of the same
# file, source lines against addr2line on a test program built with -g.
. "$(dirname "$0")/_common.sh"

# ours_addrs OUT: instruction addresses of a -F listing ("FUNC+off\taddr:\t...").
ours_addrs() { awk -F'\t' '$2 ~ /^[0-9a-f]+:$/ {sub(/:$/, "", $2); print $2}'; }
# objdump_addrs FILE START STOP: instruction addresses objdump decodes in [START, STOP).
objdump_addrs() {
  objdump -d --insn-width=16 --start-address=0x$2 --stop-address=0x$3 "$1" |
    awk -F'\t' '/^ *[0-9a-f]+:\t/ && NF >= 3 {a=$1; gsub(/[ :]/, "", a); print a}'
}

# check_objdump NAME VMLINUX FUNC [SPEC]: our offsets equal objdump's instruction starts,
# and every FUNC+off is address - start. With SPEC the listing is -F SPEC (BIN:SYM) instead
# of -F FUNC -v VMLINUX.
check_objdump() {
  local tag=$1 vm=$2 fn=$3 spec=${4:-} hdr start size stop
  if [ -n "$spec" ]; then
    "$ST" -F "$spec" >"$T/d" 2>"$T/e" || { fail "$tag -F $spec: $(cat "$T/e")"; return; }
  else
    "$ST" -F "$fn" -v "$vm" >"$T/d" 2>"$T/e" || { fail "$tag -F $fn: $(cat "$T/e")"; return; }
  fi
  hdr=$(head -1 "$T/d")
  start=$(echo "$hdr" | sed -n 's/^[^:]*: 0x\([0-9a-f]*\), \([0-9]*\) bytes.*/\1/p')
  size=$(echo "$hdr" | sed -n 's/^[^:]*: 0x\([0-9a-f]*\), \([0-9]*\) bytes.*/\2/p')
  [ -n "$start" ] && [ -n "$size" ] || { fail "$tag -F $fn: header '$hdr'"; return; }
  stop=$(printf '%x' $((0x$start + size)))
  ours_addrs <"$T/d" >"$T/ours"
  objdump_addrs "$vm" "$start" "$stop" >"$T/objd"
  if [ -s "$T/objd" ] && diff -q "$T/ours" "$T/objd" >/dev/null; then
    ok "$tag -F $fn: $(wc -l <"$T/ours") instruction offsets match objdump -d"
  else
    fail "$tag -F $fn: offsets differ from objdump: $(diff "$T/ours" "$T/objd" | head -4 | tr '\n' ' ')"
  fi
  local fo a rest badoff=0
  while IFS=$'\t' read -r fo a rest; do
    [[ $a == *: ]] || continue
    [ "${fo##*+}" = $((0x${a%:} - 0x$start)) ] || badoff=$((badoff+1))
  done <"$T/d"
  expect "$tag -F $fn: every FUNC+off is address minus start" '[ $badoff = 0 ]'
}

# check_ksymtab TAG VMLINUX: the decoded address of exported functions = __ksymtab's.
check_ksymtab() {
  local tag=$1 vm=$2 name addr got bad=0 n=0
  while read -r name addr; do
    n=$((n+1))
    got=$("$ST" -F "$name" -v "$vm" 2>&1 | head -1 | sed -n 's/^[^:]*: 0x\([0-9a-f]*\),.*/\1/p')
    if [ "$got" != "$addr" ]; then bad=$((bad+1)); echo "# $name: ours '$got' ksymtab $addr"; fi
  done < <(python3 "$ROOT/tests/discover/_ksymtab.py" "$vm" 12)
  expect "$tag: kallsyms-in-image addresses of $n exported functions equal __ksymtab" '[ $n -ge 10 ] && [ $bad = 0 ]'
}

for ver in 6.1 6.12; do
  vm="$ROOT/.cache/lab/$ver/vmlinux"
  if [ $ver = 6.1 ]; then have_lab61 || vm=; fi
  if [ -z "$vm" ] || [ ! -s "$vm" ]; then skip "Debian $ver vmlinux not available"; continue; fi
  check_ksymtab "$ver" "$vm"
  for fn in do_filp_open vfs_read wake_up_new_task filp_open; do
    check_objdump "$ver" "$vm" "$fn"
  done
  "$ST" -F no_such_function_x -v "$vm" >/dev/null 2>"$T/e"; rc=$?
  expect "$ver -F unknown function: exit 2 with a message" '[ $rc = 2 ] && grep -q "no function" "$T/e"'
  "$ST" --line fs/namei.c:100 -v "$vm" >/dev/null 2>"$T/e"; rc=$?
  expect "$ver --line without DWARF: exit 2, says DWARF is needed" '[ $rc = 2 ] && grep -q DWARF "$T/e"'
  # with -F too: refused before anything is printed (no listing, then an error)
  "$ST" -F do_filp_open --line fs/namei.c:100 -v "$vm" >"$T/o" 2>"$T/e"; rc=$?
  expect "$ver -F FUNC --line without DWARF: exit 2, nothing on stdout" \
    '[ $rc = 2 ] && [ ! -s "$T/o" ] && [ "$(wc -l <"$T/e")" = 1 ] && grep -q DWARF "$T/e"'
done

# --- a binary with symbols and DWARF: source lines ----------------------------------------
cat >"$T/prog.c" <<'C'
int g;
__attribute__((noinline)) int foo_alpha(int a, long b)
{
	int r = a * 3;
	if (b > 10)
		r += g;
	return r + (int)b;
}
int main(int argc, char **argv) { (void)argv; return foo_alpha(argc, 2); }
C
if cc -g -O1 -no-pie -o "$T/prog" "$T/prog.c"; then
  check_objdump "prog" "$T/prog" foo_alpha
  # every "; file:line" note names the line addr2line gives for the next instruction
  awk -F'\t' '/^\t; / {sub(/^\t; /, ""); note=$0; next} note != "" && $2 ~ /:$/ {a=$2; sub(/:$/, "", a); print a, note; note=""}' "$T/d" >"$T/notes"
  bad=0; n=0
  while read -r a note; do
    n=$((n+1))
    want=$(addr2line -e "$T/prog" "0x$a" | sed 's/ (discriminator.*//')
    [ "$(basename "${want%%:*}"):${want##*:}" = "$(basename "${note%%:*}"):${note##*:}" ] || { bad=$((bad+1)); echo "# $a: ours $note, addr2line $want"; }
  done <"$T/notes"
  expect "-F source lines agree with addr2line ($n notes)" '[ $n -ge 2 ] && [ $bad = 0 ]'
  "$ST" -v "$T/prog" --line prog.c:6 >"$T/lines" 2>"$T/e"; rc=$?
  bad=0; n=0
  while IFS=$'\t' read -r fo a src; do
    n=$((n+1))
    want=$(addr2line -e "$T/prog" "0x$a" | sed 's/ (discriminator.*//')
    [ "${want##*:}" = 6 ] && [[ $fo == foo_alpha+* ]] || { bad=$((bad+1)); echo "# $fo $a: addr2line $want"; }
  done <"$T/lines"
  expect "--line prog.c:6 gives addresses addr2line maps to line 6 ($n)" '[ $rc = 0 ] && [ $n -ge 1 ] && [ $bad = 0 ]'
else
  skip "no C compiler"
fi

# --- user code: -F BIN:SYM, BIN found as P BIN:SYM finds it ------------------------------
if [ -x "$T/prog" ]; then
  "$ST" -F foo_alpha -v "$T/prog" >"$T/d_v" 2>&1
  "$ST" -F "$T/prog:foo_alpha" >"$T/d_bin" 2>&1
  expect "-F BIN:SYM lists what -F SYM -v BIN lists" '[ -s "$T/d_v" ] && cmp -s "$T/d_v" "$T/d_bin"'
fi
libc=$(ldconfig -p | awk '/libc\.so\.6 .*x86-64/ {print $NF; exit}')
if [ -n "$libc" ] && [ -r "$libc" ] && command -v nm >/dev/null; then
  # a stripped library: its exported functions (.dynsym), where nm -D puts them
  want=$(nm -D --defined-only "$libc" | awk '$3 == "malloc" || $3 ~ /^malloc@/ {sub(/^0+/, "", $1); print $1; exit}')
  got=$("$ST" -F libc:malloc 2>&1 | head -1 | sed -n 's/^malloc: 0x\([0-9a-f]*\), .*(symbols: dynsym.*/\1/p')
  expect "-F libc:malloc starts at nm -D's address ($want, got '$got')" '[ -n "$want" ] && [ "$got" = "$want" ]'
  check_objdump "libc" "$libc" malloc libc:malloc
else
  skip "no libc.so.6 in ld.so.cache or no nm"
fi
"$ST" -F true:main >/dev/null 2>"$T/e"; rc=$?
expect "-F of a stripped program's unexported function: exit 1, says stripped" \
  '[ $rc = 1 ] && grep -q "no function symbols (stripped" "$T/e"'
"$ST" -F no_such_binary_x:main >/dev/null 2>"$T/e"; rc=$?
expect "-F with an unknown binary: exit 1 naming it" '[ $rc = 1 ] && grep -q "no_such_binary_x" "$T/e"'

# --- the running kernel through /proc/kcore ---------------------------------------------
if [ -r /proc/kcore ] && [ "$(id -u)" = 0 ]; then
  want=$(awk '$3 == "vfs_read" && $2 ~ /[tT]/ {print $1; exit}' /proc/kallsyms)
  got=$("$ST" -F vfs_read | head -1 | sed -n 's/^[^:]*: 0x\([0-9a-f]*\),.*/\1/p')
  expect "-F vfs_read from /proc/kcore at its kallsyms address" '[ -n "$got" ] && [ "$got" = "$want" ]'
else
  "$ST" -F vfs_read >/dev/null 2>"$T/e"; rc=$?
  expect "-F without /proc/kcore: exit 1 saying to pass -v" '[ $rc = 1 ] && grep -q -- "-v VMLINUX" "$T/e"'
fi
"$ST" -F foo -v /etc/hostname >/dev/null 2>"$T/e"; rc=$?
expect "-F -v on a non-ELF file: exit 1 with a message" '[ $rc = 1 ] && grep -q "not a 64-bit ELF" "$T/e"'
tap_done
