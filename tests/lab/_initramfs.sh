#!/bin/bash
# SPDX-License-Identifier: MIT
# Builds a lab initrd: a cached busybox-static base cpio (built once) followed by a payload
# cpio made from a staging directory. The kernel unpacks concatenated archives in order,
# so `cat base.cpio.gz payload.cpio > initrd` layers the payload over the base.
# Usage: _initramfs.sh PAYLOAD_DIR OUT_INITRD
set -eu
cd "$(dirname "$0")/../.." || exit 1
payload=$1 out=$2
C=$PWD/.cache/lab
base=$C/${LAB_BASE:-base}.cpio.gz      # one per BUSYBOX (the arm64 guest: base-arm64)
BUSYBOX=${BUSYBOX:-/bin/busybox}

build_base() {
  local s
  s=$(mktemp -d)
  mkdir -p "$s"/{bin,sbin,dev,proc,sys,tmp,run,etc,root,usr/bin,usr/sbin}
  cp "$BUSYBOX" "$s/bin/busybox"
  # The kernel opens /dev/console for init before anything is mounted.
  mknod -m 600 "$s/dev/console" c 5 1
  mknod -m 666 "$s/dev/null" c 1 3
  (cd "$s" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) | gzip -9 >"$base.$$.tmp"
  mv "$base.$$.tmp" "$base"
  rm -rf "$s"
}

# Rebuild the base only when busybox changes. Both kernels' initrds are made in parallel:
# the check, the build and taking a private copy happen under one lock, so one run never
# pads for one base and appends to another.
stamp=$(stat -c '%s %Y' "$BUSYBOX")
mkdir -p "$C"
exec 9>"$base.lock"
flock 9
if [ ! -s "$base" ] || [ "$(cat "$base.stamp" 2>/dev/null)" != "$stamp" ]; then
  build_base; echo "$stamp" >"$base.stamp.$$"; mv "$base.stamp.$$" "$base.stamp"
fi
cp "$base" "$out.base"
flock -u 9
exec 9>&-
(cd "$payload" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) >"$out.payload"
# The kernel only takes a new uncompressed archive at a 4-byte aligned offset (it skips
# zero bytes in between): pad the compressed base with zeros.
pad=$(( (4 - $(stat -c %s "$out.base") % 4) % 4 ))
{ cat "$out.base"; head -c "$pad" /dev/zero; cat "$out.payload"; } >"$out"
rm -f "$out.payload" "$out.base"
