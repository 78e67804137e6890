#!/bin/bash
# SPDX-License-Identifier: MIT
# Where surftrace reads each argument, against the compiler: fixture.c (structs passed by
# value, a double, arguments past the registers) is compiled with clang -O2 -g for x86_64
# and aarch64; dwarf_oracle.py takes every parameter's location at function entry from
# llvm-dwarfdump; surftrace -S, given the types only (pahole -J BTF of the same file), must
# read the same register, stack slot or memory, or refuse what probes cannot read.
. "$(dirname "$0")/../lib.sh"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for t in clang pahole llvm-dwarfdump python3; do
  command -v $t >/dev/null || { skip "abi: $t missing"; tap_done; exit 0; }
done
src="$ROOT/tests/abi/fixture.c"
clang -g -O2 -c "$src" -o "$T/x86_64.o" &&
  clang --target=aarch64-linux-gnu -g -O2 -c "$src" -o "$T/aarch64.o" &&
  cp "$T/x86_64.o" "$T/types.o" && pahole -J --btf_gen_floats "$T/types.o" ||
  { fail "cannot build the fixture"; tap_done; exit 1; }

for arch in x86_64 aarch64; do
  llvm-dwarfdump --debug-info "$T/$arch.o" >"$T/$arch.dump"
  python3 "$ROOT/tests/abi/dwarf_oracle.py" "$T/$arch.dump" $arch >"$T/$arch.want" ||
    { fail "$arch: oracle failed"; continue; }
  [ "$(wc -l <"$T/$arch.want")" -ge 20 ] || fail "$arch: the oracle found only $(wc -l <"$T/$arch.want") locations"
  while read -r fn idx expr want; do
    out=$("$ST" -S --btf "$T/types.o" -a $arch "p $fn v=$expr" 2>&1)
    case $want in
      error:*)
        words=${want#error:}
        if [[ $out == *"error:"*"${words//_/ }"* ]]; then ok "$arch $fn %$idx ($expr): refused, $words"
        else fail "$arch $fn %$idx ($expr): want a refusal naming '$words', got: $out"; fi ;;
      *)
        got=$(echo "$out" | sed -nE 's/^p:p0 [^ ]+ v=([^:]+):.*/\1/p')
        if [ "$got" = "$want" ]; then ok "$arch $fn %$idx ($expr) = $want"
        else fail "$arch $fn %$idx ($expr): surftrace $got${got:+ }(${out}), compiler $want"; fi ;;
    esac
  done <"$T/$arch.want"
done
# Returned structs (DWARF does not locate return values; the psABI text is the oracle): over
# 16 bytes x86_64 returns the caller's buffer address in %ax; up to 16 bytes they come back
# in a register pair (%ax:%dx, x0:x1).
out=$("$ST" -S --btf "$T/types.o" -a x86_64 'r f8 c=$retval.c' 2>&1)
[ "$out" = 'r:r0 f8 c=+0x10($retval):s64' ] && ok "x86_64 f8 \$retval.c at +0x10(\$retval)" || fail "x86_64 f8: $out"
out=$("$ST" -S --btf "$T/types.o" -a aarch64 'r f8 c=$retval.c' 2>&1)
[[ $out == *"error:"*"through memory"* ]] && ok "aarch64 f8 \$retval.c refused (x8's buffer address is gone)" || fail "aarch64 f8: $out"
out=$("$ST" -S --btf "$T/types.o" -a x86_64 'r f9 a=$retval.a b=$retval.b' 2>&1)
[ "$out" = 'r:r0 f9 a=$retval:s64 b=%dx:s64' ] && ok "x86_64 f9 \$retval.a/.b in %ax/%dx" || fail "x86_64 f9: $out"
out=$("$ST" -S --btf "$T/types.o" -a aarch64 'r f9 a=$retval.a b=$retval.b' 2>&1)
[ "$out" = 'r:r0 f9 a=$retval:s64 b=%x1:s64' ] && ok "aarch64 f9 \$retval.a/.b in x0/x1" || fail "aarch64 f9: $out"
tap_done
