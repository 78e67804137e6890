#!/bin/bash
# SPDX-License-Identifier: MIT
# Fetches a debuginfo vmlinux (Debian's linux-image-*-dbg, ~280 MB download) into
# .cache/usertypes/ for vmlinux.sh. Only the vmlinux (~590 MB) and one module's debug file
# (fat.ko, 2 MB) are extracted. Picks the -dbg package of the lab's 6.1 kernel when the lab has fetched it,
# else of the current linux-image-cloud-amd64. Idempotent.
set -eu
cd "$(dirname "$0")/../.."
C=.cache/usertypes
mkdir -p "$C"
if ls "$C"/vmlinux-* >/dev/null 2>&1; then echo "usertypes: $(ls "$C"/vmlinux-* | head -1) cached"; exit 0; fi
pkg=
[ -s .cache/lab/6.1/package ] && pkg="$(cat .cache/lab/6.1/package)-dbg"
if [ -z "$pkg" ]; then
  pkg=$(apt-get -s install linux-image-cloud-amd64 2>/dev/null |
        sed -n 's/^Inst \(linux-image-[0-9][^ ]*-cloud-amd64\) .*/\1-dbg/p' | head -1)
fi
[ -n "$pkg" ] || { echo "usertypes: cannot tell which -dbg package to fetch" >&2; exit 1; }
echo "usertypes: fetching $pkg"
(cd "$C" && apt-get download -q "$pkg")
deb=$(ls -t "$C/${pkg}"_*.deb | head -1)
# tar stops reading once the member is out; the broken pipe that causes is expected.
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$C" --occurrence=1 --wildcards \
  './usr/lib/debug/boot/vmlinux-*' './usr/lib/debug/lib/modules/*/kernel/fs/fat/fat.ko' || true
mv "$C"/usr/lib/debug/lib/modules/*/kernel/fs/fat/fat.ko "$C/" || true
mv "$C"/usr/lib/debug/boot/vmlinux-* "$C/"
rm -rf "$C/usr" "$deb"
ls "$C"/vmlinux-*
