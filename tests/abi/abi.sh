#!/bin/bash
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
tap_done
