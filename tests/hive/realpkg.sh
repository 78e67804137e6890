#!/bin/bash
# SPDX-License-Identifier: MIT
# A real distribution package (opt-in: ST_DBG_DEB=linux-image-<R>-dbg_*.deb, e.g. the lab's
# Debian 6.1 cloud -dbg from tests/lab/_fetch_dbg.sh; about 80 s of CPU): `hive add
# --modules veth,dummy,tun` takes veth.ko (and two others) out of it in the pass that adds the kernel, from DWARF
# (--dwarf) and from the kernel's and module's own .BTF; struct veth_rq as the hive has it
# equals pahole's reading of that veth.ko, and -S on a veth function fetches at pahole's
# offsets, and opens veth's file alone of the modules (the entry's name -> module index).
# The oracle's copy of veth.ko comes out through dpkg-deb and tar.
. "$(dirname "$0")/_common.sh"
DEB=${ST_DBG_DEB:-}
if [ -z "$DEB" ] || [ ! -r "$DEB" ]; then
  skip "set ST_DBG_DEB to a Debian linux-image-*-dbg .deb to run this suite"
  tap_done; exit 0
fi
dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$T" --wildcards '*/kernel/drivers/net/veth.ko' 2>/dev/null
KO=$(find "$T" -name veth.ko | head -1)
R=$(basename "$(dirname "$(dirname "$(dirname "$(dirname "$KO")")")")")
expect "the package holds veth.ko (release $R)" '[ -s "$KO" ] && [ -n "$R" ]'
pahole -C veth_rq "$KO" >"$T/pahole.txt" 2>/dev/null
python3 "$LAYOUT" "$T/pahole.txt" >"$T/want"
ring=$(awk '$1=="xdp_ring"{print $2}' "$T/want")
size=$(pahole -C ptr_ring "$KO" 2>/dev/null | python3 "$LAYOUT" /dev/stdin | awk '$1=="size"{print $2}')

for mode in dwarf btf; do
  H="$T/h.$mode" flag=
  [ $mode = dwarf ] && flag=--dwarf
  out=$("$ST" hive add $flag "$H" "$DEB" --modules veth,dummy,tun 2>&1); rc=$?
  expect "$mode: kernel, veth (and dummy, tun) added in one pass" \
    '[ $rc = 0 ] && [[ $out == *"added $R "* ]] && [[ $out == *"modules of $R "*": 3 added, 0 already in the hive, 0 failed"* ]]'
  "$ST" --hive "$H" --kernel "$R" --struct veth_rq >"$T/st.txt" 2>&1
  python3 "$LAYOUT" "$T/st.txt" >"$T/got"
  expect "$mode: struct veth_rq from the hive = pahole on veth.ko ($(wc -l <"$T/want") members)" \
    '[ -s "$T/want" ] && cmp -s "$T/want" "$T/got"'
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -e trace=open,openat \
    -o "$T/trace" "$ST" --hive "$H" --kernel "$R" -S 'p veth_xdp_rcv_skb ring=%0->xdp_ring.size' >"$T/out" 2>&1
  rc=$?; out=$(cat "$T/out")
  files=$(grep -o "/kmod/[^\"]*/$R/[^\"]*" "$T/trace" | sed 's|.*/||' | sort | tr '\n' ' ')
  expect "$mode: -S p veth_xdp_rcv_skb ring=%0->xdp_ring.size at pahole's $ring + $size" \
    '[ $rc = 0 ] && [ -n "$ring" ] && [ -n "$size" ] && [[ $out == *"ring=+$(printf 0x%x $((ring + size)))(%di):s32"* ]]'
  expect "$mode: ... of the 3 modules only veth's file opened, through the index ($files)" \
    '[ "$files" = "veth " ] && [ -s "$H/x86_64/kmodidx/debian/$R" ]'
done
tap_done
