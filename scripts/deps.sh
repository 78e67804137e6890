#!/bin/bash
# SPDX-License-Identifier: MIT
# Installs what surftrace needs (Debian 12, as root), by group; safe to run again.
#   bash scripts/deps.sh                 every group
#   bash scripts/deps.sh build run       only building and running (scripts/demo.sh)
# Groups: build (compile, man pages; the README lists it and debian/control's
# Build-Depends must hold it: tests/packaging/deb.sh checks both), run (what the commands
# call at run time), test, lab (kernel lab: static linking, QEMU), bench (benchmark peers).
set -e
export DEBIAN_FRONTEND=noninteractive
declare -A GROUP
GROUP[build]="make gcc pkg-config libbpf-dev libtraceevent-dev libtracecmd-dev libdw-dev libelf-dev
  zlib1g-dev libreadline-dev libcapstone-dev libarchive-dev libssl-dev scdoc"
# lbc compiles BPF C with clang at run time; surftrace dlopen()s libcapstone4 (-F),
# libarchive13 (hive add of a package) and libssl3's libcrypto (SHA-256 of big inputs)
GROUP[run]="clang libcapstone4 libarchive13 libssl3"
GROUP[test]="clang llvm libcmocka-dev libclang-rt-14-dev valgrind tmux python3 jq bpftool dwarves
  binutils procps iproute2 file libtracefs-dev strace
  rpm librsvg2-bin
  debhelper dh-python lintian dpkg-dev
  python3-dev python3-setuptools python3-pytest python3-venv python3-pip"
# python3-*: the Python layer (make python, tests/python: pytest, the pip install check);
# llvm: llvm-dwarfdump for the ABI oracle (tests/abi); rpm: rpmbuild packages a synthetic kernel-debuginfo rpm for the hive tests;
# librsvg2-bin: rsvg-convert renders the SVG flame graphs in tests/answers;
# strace: which files a run opens (golden/btf_cache: no DWARF on a cache hit;
# read/lazy_formats: formats read on the first record, not at start);
# debhelper, dh-python, lintian: tests/packaging/deb.sh builds and checks the .debs
# (python3-surftrace: dh-python, python3-dev, python3-setuptools)
GROUP[lab]="liblzma-dev libbz2-dev libzstd-dev
  qemu-system-x86 busybox-static cpio apt-utils lz4 xz-utils zstd file bsdextrautils
  qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
# liblzma/bz2/zstd: static linking of libdw for the lab's binaries; qemu-system-arm
# (qemu-system-aarch64) and the cross compiler: the arm64 guest (its libraries are :arm64
# .debs extracted into a sysroot in the lab cache, not installed: tests/lab/_fetch_arm64.sh)
GROUP[bench]="bpftrace trace-cmd linux-perf hyperfine python3-bpfcc time"

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build run test lab bench)
PKGS=()
for g in "${groups[@]}"; do
  [ -n "${GROUP[$g]+x}" ] || { echo "deps.sh: unknown group '$g' (build run test lab bench)" >&2; exit 2; }
  read -r -a p <<<"$(echo ${GROUP[$g]})"
  PKGS+=("${p[@]}")
done
[ "${DEPS_LIST:-}" = 1 ] && { printf '%s\n' "${PKGS[@]}" | sort -u; exit 0; }
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends $(printf '%s\n' "${missing[@]}" | sort -u)
fi
# tracefs for live runs
[ -e /sys/kernel/tracing/README ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
