#!/bin/bash
# SPDX-License-Identifier: MIT
# Fetches the lab kernels (Debian 11's 5.10 and Debian 12's 6.1 cloud kernels, 6.12 from
# bookworm-backports)
# into the shared lab cache (_cache.sh: /var/cache/surftrace-lab), through a PRIVATE apt
# source list, lists dir and cache dir so the machine's apt state is untouched.
# Idempotent: a kernel already extracted is not fetched again. Usage: _fetch.sh [VER...]
# (default: all).
set -eu
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
. tests/lab/_cache.sh
# One fetch at a time in the shared cache (several clones may run the lab at once).
exec 8>"$C/fetch.lock"
flock 8

# The real image package behind the meta package of the selected apt state (_cache.sh
# lab_kernel): "" the policy's candidate, SUITE pinned with -t (bookworm-backports, whose
# priority is lowered), both through a simulated install; =SUITE the highest version that
# very suite offers (apt-cache madison lists versions newest first), read from the meta
# package's Depends (another release's packages cannot be installed here, not even
# simulated: the machine's own libraries are newer).
image_pkg() { # selector
  local meta=linux-image-cloud-amd64 v
  case $1 in
    =*) v=$(apt_private_cache madison "$meta" |
            awk -F' [|] ' -v s="${1#=}" 'index($3, " " s "/") { print $2; exit }')
        [ -n "$v" ] || return 0
        apt_private_cache show "$meta=$v" 2>/dev/null | sed -n 's/^Depends: //p' |
          grep -o 'linux-image-[0-9][^ ,]*-cloud-amd64' | head -1
        return ;;
    ?*) set -- -t "$1" "$meta" ;;
    *) set -- "$meta" ;;
  esac
  apt_private -s install "$@" 2>/dev/null \
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

fetch_one() { # short-version
  local ver=$1 pkg deb d="$C/$1" KDIST KSEL
  lab_kernel "$ver" || return 1
  if [ -s "$d/vmlinuz" ] && [ -s "$d/vmlinux.btf" ]; then
    echo "lab: $ver cached ($d)"
    deb=$(ls -t "$C/debs/$(cat "$d/package" 2>/dev/null)"_*.deb 2>/dev/null | head -1)
    [ -s "$d/mod/veth.ko" ] || [ -z "$deb" ] || extract_mod "$d" "$deb"
    return 0
  fi
  apt_use "$KDIST"
  write_sources
  apt_update
  pkg=$(image_pkg "$KSEL")
  [ -n "$pkg" ] || { echo "lab: no image package found for $ver ($KDIST $KSEL)" >&2; return 1; }
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
  local ver
  [ $# -gt 0 ] || set -- 5.10 6.1 6.12
  for ver in "$@"; do fetch_one "$ver" || return 1; done
}
main "$@"
