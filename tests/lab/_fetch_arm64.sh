#!/bin/bash
# SPDX-License-Identifier: MIT
# Fetches what the arm64 lab guest needs into the shared lab cache (_cache.sh), without
# touching the machine's dpkg architecture: a private apt state for arm64 (own source list,
# lists and package cache under $C/apt/arm64; APT::Architecture=arm64), `apt-get download`
# of :arm64 packages and `dpkg-deb -x`:
#   $C/arm64/           Debian 12's arm64 cloud kernel: vmlinuz (what QEMU boots), Image (the
#                       same, uncompressed: run.sh disassembles it), config, vmlinux.btf (the
#                       raw .BTF cut out of the Image), package
#   $C/arm64-sysroot/   the -dev packages the static aarch64 surftrace links against
#                       (tests/lab/_build_arm64.sh) and busybox-static (bin/busybox)
# Idempotent: what is extracted already (a stamp names the packages) is not fetched again.
set -eu
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
. tests/lab/_cache.sh
exec 8>"$C/fetch.lock"
flock 8

A=$APT/arm64
K=$C/arm64
S=$C/arm64-sysroot
DEBS=$C/debs/arm64
mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$DEBS"
: >>"$A/status"
# The lab's private apt (apt_private), pointed at arm64 lists of its own so the amd64
# kernels' lists are left alone (apt-get update drops lists its source list does not name),
# and an empty dpkg status (the machine's own packages are amd64).
apt_arm64() {
  apt_private -o Dir::Etc::SourceList="$A/sources.list" -o Dir::State::Lists="$A/lists" \
    -o Dir::Cache="$A/cache" -o Dir::Cache::pkgcache="$A/cache/pkgcache.bin" \
    -o Dir::Cache::srcpkgcache="$A/cache/srcpkgcache.bin" -o Dir::State::status="$A/status" \
    -o APT::Architecture=arm64 -o APT::Architectures=arm64 "$@"
}

# Static libraries for src/ and the CLI (the x86 lab-static set: libbpf, libtraceevent,
# libdw/libelf and their compressors, capstone, readline/tinfo) and busybox for the initramfs.
SYSROOT_PKGS="libbpf-dev libelf-dev libdw-dev zlib1g-dev liblzma-dev libbz2-dev libzstd-dev
  libcapstone-dev libtraceevent-dev libreadline-dev libncurses-dev busybox-static"

lists() {
  local m=${LAB_MIRROR:-http://deb.debian.org/debian}
  cat >"$A/sources.list.$$" <<SRC
deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $m bookworm main
deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $m bookworm-updates main
deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
SRC
  mv "$A/sources.list.$$" "$A/sources.list"
  if [ ! -s "$A/.updated" ] || [ -n "${LAB_REFRESH:-}" ]; then
    apt_arm64 update
    date -u +%FT%TZ >"$A/.updated"
  fi
}

# download PKG...: the candidate .debs into $DEBS (kept: a later run extracts from there).
download() { (cd "$DEBS" && apt_arm64 download "$@"); }
deb_of() { ls -t "$DEBS/$1"_*_arm64.deb 2>/dev/null | head -1; }

# The raw BTF blob inside the Image: the header (magic 0xeb9f, version 1, flags 0, hdr_len
# 24) is found by its bytes; hdr_len + str_off + str_len is its size.
image_btf() { # Image OUT
  local img=$1 out=$2 at str_off str_len
  at=$(LC_ALL=C grep -obUaP '\x9f\xeb\x01\x00\x18\x00\x00\x00' "$img" | head -1 | cut -d: -f1)
  [ -n "$at" ] || { echo "lab: no BTF header in $img" >&2; return 1; }
  str_off=$(od -An -tu4 -j $((at + 16)) -N4 "$img" | tr -d ' ')
  str_len=$(od -An -tu4 -j $((at + 20)) -N4 "$img" | tr -d ' ')
  dd if="$img" of="$out" bs=1M iflag=skip_bytes,count_bytes skip="$at" count=$((24 + str_off + str_len)) status=none
  bpftool btf dump file "$out" format raw >/dev/null   # sanity: the blob parses
}

kernel() {
  local pkg deb t
  if [ -s "$K/vmlinuz" ] && [ -s "$K/Image" ] && [ -s "$K/vmlinux.btf" ]; then echo "lab: arm64 kernel cached ($K)"; return 0; fi
  pkg=$(apt_arm64 -s install linux-image-cloud-arm64 2>/dev/null |
          sed -n 's/^Inst \(linux-image-[0-9][^ ]*-cloud-arm64\) .*/\1/p' | head -1)
  [ -n "$pkg" ] || { echo "lab: no arm64 image package found" >&2; return 1; }
  echo "lab: arm64 -> $pkg"
  [ -n "$(deb_of "$pkg")" ] || download "$pkg"
  deb=$(deb_of "$pkg")
  t=$(mktemp -d)
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$t" --wildcards './boot/*'
  rm -rf "$K"; mkdir -p "$K"
  cp "$t"/boot/vmlinuz-* "$K/vmlinuz"
  cp "$t"/boot/config-* "$K/config" 2>/dev/null || true
  if gzip -t "$K/vmlinuz" 2>/dev/null; then gzip -dc "$K/vmlinuz" >"$K/Image"; else cp "$K/vmlinuz" "$K/Image"; fi
  image_btf "$K/Image" "$K/vmlinux.btf"
  rm -rf "$t"
  echo "$pkg" >"$K/package"
}

sysroot() {
  local want p deb
  want=$(echo $SYSROOT_PKGS)
  if [ "$(cat "$S/.pkgs" 2>/dev/null)" = "$want" ]; then echo "lab: arm64 sysroot cached ($S)"; return 0; fi
  for p in $want; do [ -n "$(deb_of "$p")" ] || download "$p"; done
  rm -rf "$S.tmp"; mkdir -p "$S.tmp"
  for p in $want; do
    deb=$(deb_of "$p")
    [ -n "$deb" ] || { echo "lab: $p:arm64 not downloaded" >&2; return 1; }
    dpkg-deb -x "$deb" "$S.tmp"
  done
  echo "$want" >"$S.tmp/.pkgs"
  rm -rf "$S"; mv "$S.tmp" "$S"
  echo "lab: arm64 sysroot in $S"
}

lists
kernel
sysroot
