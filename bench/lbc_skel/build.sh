#!/bin/sh
# SPDX-License-Identifier: MIT
# The plain clang + libbpf skeleton build of forkcount: vmlinux.h (bpftool), BPF object
# (clang), skeleton (bpftool gen skeleton), loader (cc). OUT=dir; VMLINUX_H=1 regenerates
# vmlinux.h as a cold build must.
set -e
OUT=${OUT:-/tmp/lbc-skel}
SRC=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
if [ ! -f "$OUT/vmlinux.h" ] || [ -n "${VMLINUX_H:-}" ]; then
	bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$OUT/vmlinux.h"
fi
clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$OUT" -c "$SRC/forkcount.bpf.c" -o "$OUT/forkcount.bpf.o"
bpftool gen skeleton "$OUT/forkcount.bpf.o" >"$OUT/forkcount.skel.h"
cc -O2 -I"$OUT" "$SRC/forkcount.c" -o "$OUT/forkcount" -lbpf -lelf -lz
