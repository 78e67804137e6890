#!/bin/bash
# SPDX-License-Identifier: MIT
# Functions the running kernel knows only as compiler clones (foo.isra.0, .constprop.N,
# .part.N): -S must emit a name the kernel accepts. Oracles: the function list of the
# kernel's BTF (bpftool) and the text symbols of /proc/kallsyms; never surftrace's output.
# Also: padding symbols (__pfx_/__cfi_) are neither listed nor traceable.
source "$(dirname "$0")/../lib.sh"
BTF=/sys/kernel/btf/vmlinux
if [ ! -r "$BTF" ] || ! command -v bpftool >/dev/null; then
  skip "no kernel BTF or bpftool"; tap_done; exit
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
awk '$2 ~ /^[tT]$/ && NF == 3 { print $3 }' /proc/kallsyms | sort -u > "$tmp/text"
bpftool btf dump file "$BTF" | awk '$2 == "FUNC" { gsub(/\047/, "", $3); print $3 }' |
  sort -u > "$tmp/btf"
# BTF functions absent from kallsyms by their plain name, present with a clone suffix
comm -23 "$tmp/btf" "$tmp/text" > "$tmp/missing"
grep -E '\.(isra|constprop|part)\.[0-9]' "$tmp/text" | sed -E 's/\.(isra|constprop|part|llvm|cold)\..*$//; s/\.cold$//' |
  sort -u | comm -12 - "$tmp/missing" > "$tmp/all"
# 40 spread over the alphabet rather than the first 40 (one subsystem)
awk -v n="$(wc -l < "$tmp/all")" 'NR % int(n / 40 + 1) == 0' "$tmp/all" > "$tmp/cases"
n=$(wc -l < "$tmp/cases")
if [ "$n" -eq 0 ]; then
  skip "this kernel has no function that exists only as a clone"
else
  bad=0
  while read -r f; do
    out=$("$ST" -S "p $f" 2>"$tmp/err"); rc=$?
    tgt=$(awk '{ print $2 }' <<<"$out")
    if [ $rc -ne 0 ] || ! grep -qxF -- "$tgt" "$tmp/text" || [ "${tgt%%.*}" != "$f" ]; then
      echo "# $f -> rc=$rc '$tgt' $(cat "$tmp/err")"; bad=$((bad+1))
    fi
  done < "$tmp/cases"
  check "$n clone-only functions translate to a kallsyms name of that function ($bad wrong)" [ $bad -eq 0 ]
fi
# several clones of one function: the pick is named, with the others, on stderr
multi=$(grep -E '\.(isra|constprop|part)\.[0-9]+$' "$tmp/text" | sed -E 's/\.(isra|constprop|part)\..*$//' |
  sort | uniq -d | comm -12 - "$tmp/missing" | head -1)
if [ -n "$multi" ]; then
  err=$("$ST" -S "p $multi" 2>&1 >/dev/null)
  nclones=$(grep -cE "^$multi\.(isra|constprop|part)\." "$tmp/text")
  named=$(grep -oE "$multi\.[a-z0-9.]+" <<<"$err" | sort -u | wc -l)
  check "'$multi' has $nclones clones: all named on stderr ($named)" [ "$named" -eq "$nclones" ]
else
  skip "no function with several clones here"
fi
# padding: -l lists no __pfx_/__cfi_ name; the oracle count shows there were some to hide
npfx=$(grep -c '^__pfx_' "$tmp/text")
listed=$("$ST" -l '*' | grep -cE '(^|__pi_)__(pfx|cfi)_')
check "-l '*' lists none of the $npfx __pfx_ symbols ($listed listed)" [ "$npfx" -gt 0 -a "$listed" -eq 0 ]
f=$(head -1 "$tmp/btf")
err=$("$ST" -S "p __pfx_$f" 2>&1 >/dev/null); rc=$?
pfxok=no; [ $rc -eq 2 ] && grep -q "trace '$f'" <<<"$err" && pfxok=yes
check "p __pfx_$f refused naming '$f'" [ $pfxok = yes ]
tap_done
