#!/bin/bash
# SPDX-License-Identifier: MIT
# Prints the struct member offsets the guest checks need, as shell assignments, read with
# pahole from the kernel's own BTF (an oracle independent of surftrace's BTF code).
# Usage: _offsets.sh VMLINUX [MODULE.ko]  (an ELF with .BTF; the module's split BTF is read
# on top of it with pahole --btf_base)
set -eu
vml=$1 ko=${2:-}
# off STRUCT MEMBER: byte offset of MEMBER (members of anonymous structs/unions that start
# at offset 0 of STRUCT show their offset within STRUCT, which is all we use here).
off() {
  if [ -n "${IN_KO:-}" ]; then pahole -F btf --btf_base "$vml" -C "$1" "$IN_KO"; else pahole -F btf -C "$1" "$vml"; fi |
    awk -v m="$2" '{
      line = $0; sub(/\/\*.*/, "", line)
      if (line ~ ("[ *]" m "(\\[[0-9]*\\])?;[ \t]*$")) {
        if (match($0, /\/\*[ \t]*[0-9]+/)) { s = substr($0, RSTART + 2, RLENGTH - 2); gsub(/[ \t]/, "", s); print s; exit }
      }
    }'
}
need() { local v; v=$(off "$1" "$2"); [ -n "$v" ] || { echo "_offsets: $1.$2 not found" >&2; exit 1; }; echo "$v"; }
echo "OFF_COMM=$(need task_struct comm)"
echo "OFF_PID=$(need task_struct pid)"
echo "OFF_TGID=$(need task_struct tgid)"
echo "OFF_MM=$(need task_struct mm)"
echo "OFF_MM_USERS=$(need mm_struct mm_users)"
echo "OFF_SE=$(need task_struct se)"
echo "OFF_RUN_NODE=$(need sched_entity run_node)"
echo "OFF_RB_LEFT=$(need rb_node rb_left)"
echo "OFF_F_POS=$(need file f_pos)"
echo "OFF_FILENAME_NAME=$(need filename name)"
echo "OFF_SKB_DATA=$(need sk_buff data)"
echo "OFF_IPH_PROTOCOL=$(need iphdr protocol)"
echo "OFF_IPH_SADDR=$(need iphdr saddr)"
echo "OFF_IPH_DADDR=$(need iphdr daddr)"
echo "OFF_UDPH_DEST=$(need udphdr dest)"
echo "OFF_SKB_LEN=$(need sk_buff len)"
if [ -n "$ko" ] && [ -s "$ko" ]; then
  IN_KO=$ko
  echo "OFF_VETH_RQ_DEV=$(need veth_rq dev)"
  echo "OFF_VETH_RQ_XDP_PROG=$(need veth_rq xdp_prog)"
  echo "OFF_VETH_RQ_NOTIFY=$(need veth_rq rx_notify_masked)"
fi
