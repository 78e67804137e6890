#!/bin/bash
# SPDX-License-Identifier: MIT
# Fetches the two lab kernels (Debian 12's 6.1 cloud kernel, 6.12 from bookworm-backports)
# into the shared lab cache (_cache.sh: /var/cache/surftrace/lab), through a PRIVATE apt
# source list, lists dir and cache dir so the machine's apt state is untouched.
# Idempotent: a kernel already extracted is not fetched again.
set -eu
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
. tests/lab/_cache.sh
# One fetch at a time in the shared cache (several clones may run the lab at once).
exec 8>"$C/fetch.lock"
flock 8

# The real image package behind the meta package, from a given release (policy picks the
# highest version; for 6.12 we pin the backports candidate with -t).
image_pkg() { # release
  apt_private ${1:+-t "$1"} -s install linux-image-cloud-amd64 2>/dev/null \
    | sed -n 's/^Inst \(linux-image-[0-9][^ ]*-cloud-amd64\) .*/\1/p' | head -1
}

# vmlinux BTF: decompress the bzImage payload, then let bpftool read the ELF's .BTF.
extract_btf() { # dir
  local d=$1 vmz
  vmz=$(ls "$d"/boot/vmlinuz-* | head -1)
  bash "$ROOT/tests/lab/_vmlinux.sh" "$vmz" "$d/vmlinux"
  bpftool btf dump file "$d/vmlinux" format raw >/dev/null   # sanity: BTF is readable
  # Keep only the .BTF section as a raw BTF blob (what --btf accepts).
  objcopy -O binary --only-section=.BTF "$d/vmlinux" "$d/vmlinux.btf"
}

# One module for the module-BTF checks: veth (no dependencies; its own structs such as
# struct veth_rq live only in its split BTF). Stored uncompressed for busybox insmod.
extract_mod() { # dir deb
  local d=$1 deb=$2 t ko
  t=$(mktemp -d)
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$t" --wildcards '*/kernel/drivers/net/veth.ko*'
  ko=$(find "$t" -name 'veth.ko*' | head -1)
  mkdir -p "$d/mod"
  case $ko in
    *.xz) xz -dc "$ko" >"$d/mod/veth.ko" ;;
    *.zst) zstd -qdc "$ko" >"$d/mod/veth.ko" ;;
    *.ko) cp "$ko" "$d/mod/veth.ko" ;;
    *) echo "lab: no veth module in $deb" >&2 ;;
  esac
  rm -rf "$t"
}

fetch_one() { # short-version release
  local ver=$1 rel=$2 pkg deb d="$C/$1"
  if [ -s "$d/vmlinuz" ] && [ -s "$d/vmlinux.btf" ]; then
    echo "lab: $ver cached ($d)"
    deb=$(ls -t "$C/debs/$(cat "$d/package" 2>/dev/null)"_*.deb 2>/dev/null | head -1)
    [ -s "$d/mod/veth.ko" ] || [ -z "$deb" ] || extract_mod "$d" "$deb"
    return 0
  fi
  pkg=$(image_pkg "$rel")
  [ -n "$pkg" ] || { echo "lab: no image package found for $rel" >&2; return 1; }
  echo "lab: $ver -> $pkg"
  (cd "$C/debs" && apt_private download "$pkg")
  deb=$(ls -t "$C/debs/${pkg}"_*.deb | head -1)
  rm -rf "$d"; mkdir -p "$d"
  dpkg-deb -x "$deb" "$d/root"
  mkdir -p "$d/boot"
  mv "$d"/root/boot/* "$d/boot/"
  rm -rf "$d/root"                       # the initramfs is built-in only, but for one module:
  extract_mod "$d" "$deb"
  cp "$d"/boot/vmlinuz-* "$d/vmlinuz"
  cp "$d"/boot/config-* "$d/config" 2>/dev/null || true
  echo "$pkg" >"$d/package"
  extract_btf "$d"
}

main() {
  write_sources
  if [ ! -s "$C/.updated" ] || [ -n "${LAB_REFRESH:-}" ]; then
    apt_private update
    date -u +%FT%TZ >"$C/.updated"
  fi
  fetch_one 6.1 ""
  fetch_one 6.12 bookworm-backports
}
main "$@"
