#!/bin/bash
# Installs everything surftrace needs to build, test, run the kernel lab and the benchmarks
# (Debian 12, as root). Safe to run again.
set -e
export DEBIAN_FRONTEND=noninteractive
PKGS=(
  # build
  make gcc clang llvm pkg-config libbpf-dev libtraceevent-dev libtracefs-dev libdw-dev
  libelf-dev zlib1g-dev libreadline-dev libcapstone-dev libarchive-dev
  # static linking for the kernel lab (libdw's compressors)
  liblzma-dev libbz2-dev libzstd-dev
  # tests
  libcmocka-dev libclang-rt-14-dev valgrind tmux python3 jq bpftool dwarves binutils procps iproute2
  rpm   # rpmbuild: the hive tests package a synthetic kernel-debuginfo rpm
  librsvg2-bin   # rsvg-convert renders the SVG flame graphs in tests/answers
  # kernel lab
  qemu-system-x86 busybox-static cpio apt-utils lz4 xz-utils zstd file bsdextrautils
  # benchmark peers
  bpftrace trace-cmd linux-perf hyperfine python3-bpfcc time
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# tracefs for live runs
[ -e /sys/kernel/tracing/README ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
