#!/bin/bash
# SPDX-License-Identifier: MIT
# The hive (docs/HIVE.md): `surftrace hive add --dwarf` on a distribution -dbg vmlinux
# against `pahole -J` (--btf_encode_detached) on the same file, wall time and peak RSS
# (GNU time); `hive add` of the whole .deb; the cost the hive lookup adds at start (-S of one
# expression with /sys/kernel/btf vs with the BTF hidden and the running kernel's entry found
# in a hive). Uses the lab's Debian 6.1 -dbg package (tests/lab/_fetch_dbg.sh).
# usage: bench/hive_bench.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
B=${1:-${B:-build}}
ST="$ROOT/$B/surftrace"
[ -x "$ST" ] || { echo "build $ST first"; exit 1; }
. tests/lab/_cache.sh
W=$(mktemp -d /tmp/hive_bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
deb=$(ls -t "$C"/debs/linux-image-6.1.*-dbg_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || bash tests/lab/_fetch_dbg.sh "$ST" 6.1 >/dev/null
deb=$(ls -t "$C"/debs/linux-image-6.1.*-dbg_*.deb | head -1)
# The vmlinux alone, for the like-for-like comparison (dpkg-deb: bench tooling only), kept
# in the lab cache (ST_DBG_VMLINUX for tests/usertypes/vmlinux.sh).
mkdir -p "$C/dbg"
vm=$(ls "$C"/dbg/vmlinux-6.1.* 2>/dev/null | head -1)
if [ -z "$vm" ]; then
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$W" --wildcards './usr/lib/debug/boot/vmlinux-*' 2>/dev/null || true
  mv "$W"/usr/lib/debug/boot/vmlinux-* "$C/dbg/"
  vm=$(ls "$C"/dbg/vmlinux-6.1.* | head -1)
fi
echo "package: $(basename "$deb") ($(( $(stat -c %s "$deb") / 1048576 )) MB), vmlinux $(( $(stat -c %s "$vm") / 1048576 )) MB"

# measure LABEL CMD...: wall seconds and peak RSS of one run.
measure() {
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$W/t" "$@" >/dev/null 2>"$W/err" || { echo "| $label | failed: $(tail -1 "$W/err") |"; return; }
  read -r s kb <"$W/t"
  printf '| %s | %.1f | %d |\n' "$label" "$s" $((kb / 1024))
}
echo '| what | wall s | peak RSS MB |'
echo '|---|---:|---:|'
measure "surftrace hive add --dwarf (the vmlinux)" "$ST" hive add --dwarf "$W/h1" "$vm"
measure "surftrace btfgen (DWARF to BTF only)" "$ST" btfgen "$vm" -o "$W/st.btf"
measure "pahole -J --btf_encode_detached (same vmlinux)" pahole -J --btf_encode_detached="$W/pahole.btf" "$vm"
measure "surftrace hive add --dwarf (the whole .deb)" "$ST" hive add --dwarf "$W/h2" "$deb"
measure "surftrace hive add (the .deb again: skipped by SHA-256)" "$ST" hive add --dwarf "$W/h2" "$deb"
echo "BTF sizes: surftrace $(stat -c %s "$W/st.btf") bytes, pahole $(stat -c %s "$W/pahole.btf" 2>/dev/null || echo ?) bytes"

# Lookup cost at start: the same -S with the kernel's BTF and from the hive, as CPU time
# (user+sys) of 100 runs each, alternating, three rounds: on a shared machine CPU time is
# what load inflates least.
if [ -r /sys/kernel/btf/vmlinux ]; then
  "$ST" hive add "$W/h3" /sys/kernel/btf/vmlinux --release "$(uname -r)" >/dev/null
  mkdir -p "$W/nobtf"
  e='p wake_up_new_task comm=%0->comm'
  cpu100() { /usr/bin/time -f '%U %S' -o "$W/c" bash -c "for i in \$(seq 100); do $* -S '$e' >/dev/null; done"; awk '{printf "%.2f", ($1 + $2) * 10}' "$W/c"; }
  echo '| -S start, CPU ms per run | round 1 | round 2 | round 3 |'
  echo '|---|---:|---:|---:|'
  a=(); b=()
  for r in 1 2 3; do
    a+=("$(cpu100 "$ST")")
    b+=("$(cpu100 env SURFTRACE_SYSFS_BTF="$W/nobtf" SURFTRACE_HIVE="$W/h3" "$ST")")
  done
  echo "| types from /sys/kernel/btf | ${a[0]} | ${a[1]} | ${a[2]} |"
  echo "| types from the hive (BTF hidden, entry by build id/release) | ${b[0]} | ${b[1]} | ${b[2]} |"
fi
