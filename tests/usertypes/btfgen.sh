#!/bin/bash
# SPDX-License-Identifier: MIT
# surftrace btfgen: DWARF -> raw BTF file. Oracles: bpftool reads the file, pahole -J on
# the same objects gives the same layouts (btfcmp), and error paths leave no file behind.
. "$(dirname "$0")/../lib.sh"
FIX="$ROOT/$B/fixtures"
T=$(mktemp -d /tmp/st_btfgen.XXXXXX)
trap 'rm -rf "$T"' EXIT

for obj in types_gcc.o types_clang.o types_dwarf2.o types_gcc.so app; do
  out="$T/$obj.btf"
  if "$ST" btfgen "$FIX/$obj" -o "$out" 2>"$T/err"; then ok "btfgen $obj exits 0"; else fail "btfgen $obj: $(cat "$T/err")"; continue; fi
  check "bpftool reads $obj.btf" bash -c "bpftool btf dump file '$out' format raw >/dev/null"
  cp "$FIX/$obj" "$T/oracle.$obj"
  if pahole -J --btf_gen_floats "$T/oracle.$obj" >/dev/null 2>&1; then
    res=$("$FIX/btfcmp" "$T/oracle.$obj" "$out")
    last=$(tail -1 <<<"$res")
    if [[ $last =~ ^compared\ ([0-9]+)\ mismatched\ 0$ ]] && [ "${BASH_REMATCH[1]}" -ge 3 ]; then
      ok "$obj: same layouts as pahole -J ($last)"
    else
      fail "$obj: differs from pahole -J"; echo "$res" | head -20 | sed 's/^/# /'
    fi
  else
    skip "pahole -J failed on $obj"
  fi
done

# The fixture structs are in the C view of the file, with their members.
c=$(bpftool btf dump file "$T/types_gcc.o.btf" format c 2>/dev/null)
for s in 'struct fx_bits {' 'struct fx_node {' 'struct fx_nested {' 'struct fx_arrays {' \
         'union fx_union {' 'unsigned int a: 3;' 'int grid[2][3];' 'unsigned char data[0];' \
         'struct fx_node **pprev;' 'typedef const char *cstr_t;'; do
  if grep -qF "$s" <<<"$c"; then ok "C dump has '$s'"; else fail "C dump lacks '$s'"; fi
done
# Function prototypes with parameter names (what `P ./app:func a=%1->a` resolves against).
raw=$(bpftool btf dump file "$T/app.btf" format raw)
fid=$(awk '/^\[[0-9]+\] FUNC .app_work. /{ sub(/.*type_id=/, ""); print $1; exit }' <<<"$raw")
params=$(awk -v id="[$fid]" '$1==id {on=1; next} /^\[/ {on=0} on {print $1}' <<<"$raw" | tr -d "'" | tr '\n' ' ')
if [ "$params" = "r v " ]; then ok "app_work prototype has params r, v"; else fail "app_work params: '$params'"; fi

# Errors: usage -> 2; no DWARF -> 1 and no output file; unwritable output -> 1.
"$ST" btfgen >/dev/null 2>&1; check "btfgen without args exits 2" test $? = 2
"$ST" btfgen "$FIX/app" >/dev/null 2>&1; check "btfgen without -o exits 2" test $? = 2
"$ST" btfgen "$FIX/app_nodebug" -o "$T/none.btf" 2>"$T/err"; rc=$?
check "btfgen on a binary without DWARF exits 1" test $rc = 1
check "... with a message naming DWARF" grep -q "DWARF" "$T/err"
check "... and writes no file" test ! -e "$T/none.btf"
"$ST" btfgen "$FIX/app" -o /nonexistent/dir/x.btf >/dev/null 2>&1; check "btfgen to an unwritable path exits 1" test $? = 1

# --btf on a file with DWARF but no BTF: one line, before any expression, naming btfgen
for mode in -S ""; do
  "$ST" $mode --btf "$FIX/app" 'p app_work' >/dev/null 2>"$T/err"; rc=$?
  check "--btf DWARF-only file${mode:+ ($mode)}: exit 2, one line saying no BTF and naming btfgen, no expression blamed" \
    test $rc = 2 -a "$(wc -l <"$T/err")" = 1 -a -n "$(grep "has no BTF.*surftrace btfgen" "$T/err")" \
    -a -z "$(grep -i "expression\|No such file" "$T/err")"
done

# Leak check on the CLI path (valgrind, when present).
if command -v valgrind >/dev/null; then
  if valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
       "$ST" btfgen "$FIX/types_gcc.o" -o "$T/vg.btf" >/dev/null 2>"$T/vg"; then
    ok "btfgen is valgrind clean"
  elif grep -q "debuginfo reader" "$T/vg"; then
    skip "valgrind cannot read this build's debug info (clang 14 DWARF 5)"
  else
    fail "btfgen under valgrind"; grep -v '^--' "$T/vg" | grep -v '^###' | head -20 | sed 's/^/# /'
  fi
else
  skip "valgrind not installed"
fi
tap_done
