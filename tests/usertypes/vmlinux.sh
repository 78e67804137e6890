#!/bin/bash
# SPDX-License-Identifier: MIT
# btfgen on a whole debuginfo vmlinux. Oracle: the .BTF section Debian's build put in the
# same vmlinux (pahole's work at kernel build time): every named struct, union, enum,
# typedef and function there must be in ours with the same layout/prototype. Skips when
# no debuginfo vmlinux is around: set ST_DBG_VMLINUX, install linux-image-$(uname -r)-dbg,
# or run tests/usertypes/_fetch_dbg.sh (USERTYPES_DBG=1 makes this suite run it).
. "$(dirname "$0")/../lib.sh"
FIX="$ROOT/$B/fixtures"
[ -n "${USERTYPES_DBG:-}" ] && bash "$ROOT/tests/usertypes/_fetch_dbg.sh" >&2
V=${ST_DBG_VMLINUX:-}
for c in "/usr/lib/debug/boot/vmlinux-$(uname -r)" "$ROOT"/.cache/usertypes/vmlinux-*; do
  [ -z "$V" ] && [ -f "$c" ] && V=$c
done
if [ -z "$V" ]; then skip "no debuginfo vmlinux (see tests/usertypes/_fetch_dbg.sh)"; tap_done; exit; fi
T=$(mktemp -d /tmp/st_vmlinux.XXXXXX)
trap 'rm -rf "$T"' EXIT

start=$(date +%s.%N)
if "$ST" btfgen "$V" -o "$T/v.btf" 2>"$T/err"; then ok "btfgen $(basename "$V")"; else fail "btfgen $(basename "$V"): $(cat "$T/err")"; tap_done; exit; fi
end=$(date +%s.%N)
echo "# btfgen took $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}') s, output $(stat -c %s "$T/v.btf") bytes"
check "bpftool reads the vmlinux BTF" bash -c "bpftool btf dump file '$T/v.btf' format raw >/dev/null"

if readelf -S "$V" | grep -q ' \.BTF '; then
  res=$("$FIX/btfcmp" "$V" "$T/v.btf")
  last=$(tail -1 <<<"$res")
  if [[ $last =~ ^compared\ ([0-9]+)\ mismatched\ 0$ ]] && [ "${BASH_REMATCH[1]}" -ge 10000 ]; then
    ok "same layouts and prototypes as the kernel's own BTF ($last)"
  else
    fail "differs from the kernel's own BTF"; echo "$res" | head -20 | sed 's/^/# /'
  fi
else
  skip "this vmlinux has no .BTF section to compare with"
fi
# A module (ET_REL: libdwfl applies its .rela.debug_* first). Oracle: the module's split
# .BTF on top of the vmlinux BTF.
KO=${ST_DBG_KO:-$(dirname "$V")/fat.ko}
if [ -f "$KO" ] && readelf -S "$KO" | grep -q ' \.BTF '; then
  if "$ST" btfgen "$KO" -o "$T/ko.btf" 2>"$T/err"; then ok "btfgen $(basename "$KO")"; else fail "btfgen $KO: $(cat "$T/err")"; fi
  res=$("$FIX/btfcmp" "$KO" "$T/ko.btf" "$V")
  last=$(tail -1 <<<"$res")
  if [[ $last =~ ^compared\ ([0-9]+)\ mismatched\ 0$ ]] && [ "${BASH_REMATCH[1]}" -ge 10 ]; then
    ok "module: same layouts as its own split BTF ($last)"
  else
    fail "module differs from its split BTF"; echo "$res" | head -20 | sed 's/^/# /'
  fi
else
  skip "no debuginfo module next to the vmlinux"
fi
# task_struct.comm: pahole reading the DWARF directly is the second oracle.
want=$(pahole -C task_struct "$V" 2>/dev/null | awk '$1=="char" && $2 ~ /^comm\[/ { print $(NF-2); exit }')
got=$(bpftool btf dump file "$T/v.btf" format raw |
      awk "/^\[[0-9]+\] STRUCT 'task_struct' /{on=1; next} /^\[/{on=0} on && \$1==\"'comm'\" { sub(/bits_offset=/, \"\", \$3); print \$3/8; exit }")
if [ -n "$want" ] && [ "$want" = "$got" ]; then ok "task_struct.comm at $got (pahole says $want)"; else fail "task_struct.comm: ours '$got', pahole '$want'"; fi
tap_done
