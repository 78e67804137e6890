#!/bin/bash
# SPDX-License-Identifier: MIT
# The no-BTF lab mode's types: for each lab kernel VER, its Debian -dbg package (~280-320 MB,
# downloaded once into the shared lab cache, _cache.sh) and a hive made from its DWARF
# (`surftrace hive add --dwarf`, not the image's .BTF) in $C/hive/VER. The hive is made
# once per package: `hive add` skips a package whose SHA-256 it has recorded, and a stamp
# (name, size, mtime of the .deb, HIVE_GEN) skips even the hashing on later runs. Bump
# HIVE_GEN when the conversion changes: the hive is then made again.
HIVE_GEN=2
# Usage: _fetch_dbg.sh SURFTRACE VER...      (prints one line per kernel)
set -eu
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
ST=$1; shift
. tests/lab/_cache.sh

dbg_one() { # ver
  local ver=$1 pkg deb stamp h=$C/hive/$1 t0 KDIST KSEL
  lab_kernel "$ver"
  apt_use "$KDIST"
  pkg="$(cat "$C/$ver/package")-dbg"
  deb=$(ls -t "$C/debs/${pkg}"_*.deb 2>/dev/null | head -1)
  if [ -z "$deb" ]; then
    t0=$(date +%s)
    (exec 8>"$C/fetch.lock"; flock 8; write_sources; apt_update >/dev/null
     cd "$C/debs" && apt_private download "$pkg" >/dev/null)
    deb=$(ls -t "$C/debs/${pkg}"_*.deb | head -1)
    echo "lab: $ver: downloaded $(basename "$deb") ($(( $(stat -c %s "$deb") / 1048576 )) MB, $(( $(date +%s) - t0 )) s)"
  fi
  stamp="$(basename "$deb") $(stat -c '%s %Y' "$deb") gen$HIVE_GEN"
  if [ "$(cat "$h/.stamp" 2>/dev/null)" = "$stamp" ] && [ -s "$h/index" ]; then
    echo "lab: $ver: hive cached ($h)"
  else
    t0=$(date +%s)
    rm -rf "$h"; mkdir -p "$h"
    "$ST" hive add --dwarf "$h" "$deb" </dev/null
    echo "$stamp" >"$h/.stamp"
    echo "lab: $ver: hive made from $(basename "$deb")'s DWARF in $(( $(date +%s) - t0 )) s"
  fi
  # veth (the module checks, 25_, again without BTF) from the same package's DWARF, once:
  # the kernel is skipped, the package read whole (~22 s of CPU). Not for a kernel without
  # module BTF (5.10: the module checks expect none there).
  if [ -z "$(ls "$h"/*/kmod/*/*/veth 2>/dev/null)" ] && grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$C/$ver/config" 2>/dev/null; then
    t0=$(date +%s)
    "$ST" hive add "$h" "$deb" --modules veth </dev/null
    echo "lab: $ver: veth added to the hive in $(( $(date +%s) - t0 )) s"
  fi
}

for ver in "$@"; do dbg_one "$ver"; done
