#!/bin/bash
# SPDX-License-Identifier: MIT
# The hive (docs/HIVE.md): `surftrace hive add --dwarf` on a distribution -dbg vmlinux
# against `pahole -J` (--btf_encode_detached) on the same file, wall time, CPU time and peak
# RSS (GNU time); `hive add` of the whole .deb, again (skipped by SHA-256), and of its
# modules (--modules); the cost the hive lookup adds at start (-S of one expression with
# /sys/kernel/btf vs with the BTF hidden and the running kernel's entry found in a hive) as
# instruction counts (valgrind --tool=callgrind: what the shared machine's load does not
# change), system calls and page faults, and perf stat task-clock. Uses the lab's Debian 6.1
# -dbg package (tests/lab/_fetch_dbg.sh), or HIVE_BENCH_DEB=FILE.
# A module function's lookup with the entry's name -> module index and without it.
# usage: bench/hive_bench.sh [BUILD_DIR]     (HIVE_BENCH_LOOKUP_ONLY=1: only the lookup parts;
#        HIVE_BENCH_MODULES=DIR: the module lookup on that hive instead of the one built)
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
B=${1:-${B:-build}}
ST="$ROOT/$B/surftrace"
[ -x "$ST" ] || { echo "build $ST first"; exit 1; }
W=$(mktemp -d /tmp/hive_bench.XXXXXX)
trap 'rm -rf "$W"' EXIT

# measure LABEL CMD...: wall seconds, CPU seconds (user+sys) and peak RSS of one run.
measure() {
  local label=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$W/t" "$@" >"$W/out" 2>"$W/err" || { echo "| $label | failed: $(tail -1 "$W/err") | | |"; return; }
  read -r s u y kb <"$W/t"
  printf '| %s | %.1f | %.1f | %d |\n' "$label" "$s" "$(echo "$u + $y" | bc)" $((kb / 1024))
}

if [ -z "${HIVE_BENCH_LOOKUP_ONLY:-}" ]; then
  . tests/lab/_cache.sh
  deb=${HIVE_BENCH_DEB:-}
  if [ -z "$deb" ]; then
    deb=$(ls -t "$C"/debs/linux-image-6.1.*-dbg_*.deb 2>/dev/null | head -1)
    [ -n "$deb" ] || bash tests/lab/_fetch_dbg.sh "$ST" 6.1 >/dev/null
    deb=$(ls -t "$C"/debs/linux-image-6.1.*-dbg_*.deb | head -1)
  fi
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
  echo '| what | wall s | CPU s | peak RSS MB |'
  echo '|---|---:|---:|---:|'
  measure "surftrace hive add --dwarf (the vmlinux)" "$ST" hive add --dwarf "$W/h1" "$vm"
  measure "surftrace btfgen (DWARF to BTF only)" "$ST" btfgen "$vm" -o "$W/st.btf"
  measure "pahole -J --btf_encode_detached (same vmlinux)" pahole -J --btf_encode_detached="$W/pahole.btf" "$vm"
  measure "surftrace hive add --dwarf (the whole .deb)" "$ST" hive add --dwarf "$W/h2" "$deb"
  measure "surftrace hive add (the .deb again: skipped by SHA-256)" "$ST" hive add --dwarf "$W/h2" "$deb"
  measure "surftrace hive add --modules veth (kernel there: one module from DWARF, whole pass)" "$ST" hive add "$W/h2" "$deb" --modules veth
  measure "surftrace hive add --modules '*' (kernel there, made from DWARF: every module from DWARF)" "$ST" hive add "$W/h2" "$deb" --modules '*'
  echo "  ($(grep '^modules of' "$W/out"))"
  measure "surftrace hive add --modules '*' (new hive: the kernel's and every module's own .BTF)" "$ST" hive add "$W/h5" "$deb" --modules '*'
  echo "  ($(grep '^modules of' "$W/out"))"
  echo "  hive sizes: $(du -sh "$W/h2" | cut -f1) (kernel from DWARF, all modules), module files $(du -sh "$W"/h2/*/kmod | cut -f1)"
  echo "BTF sizes: surftrace $(stat -c %s "$W/st.btf") bytes, pahole $(stat -c %s "$W/pahole.btf" 2>/dev/null || echo ?) bytes"
  HIVE_BENCH_MODULES=${HIVE_BENCH_MODULES:-$W/h5}
fi

# A module's function and a missing function in a hive holding every module of a kernel
# (HIVE_BENCH_MODULES=DIR: an existing one, e.g. after `hive add DIR PKG --modules '*'`),
# with the entry's name -> module index and without it (an entry from before the index):
# instructions (callgrind), module files opened (strace), CPU and peak RSS (GNU time).
if [ -n "${HIVE_BENCH_MODULES:-}" ]; then
  mh=$HIVE_BENCH_MODULES
  idx=$(ls -d "$mh"/*/kmodidx/*/* 2>/dev/null | head -1)
  rel=$(basename "$idx")
  if [ -z "$idx" ]; then
    echo "module lookup: no kmodidx in $mh (run 'surftrace hive add $mh PACKAGE' once)"
  else
    echo "module lookup, kernel $rel: $(ls "$mh"/*/kmod/*/"$rel" | wc -l) modules, index $(stat -c %s "$idx") bytes"
    echo '| -S | index | instructions | module files opened | CPU s | peak RSS MB |'
    echo '|---|---|---:|---:|---:|---:|'
    cp "$idx" "$W/kmodidx.saved"
    for with in yes no; do
      [ $with = no ] && rm "$idx"
      for e in 'p veth_xmit x=%0->len' 'p no_such_function x=%0'; do
        valgrind --tool=callgrind --callgrind-out-file="$W/cg" "$ST" --hive "$mh" --kernel "$rel" -S "$e" >/dev/null 2>"$W/vg"
        strace -f -qq -e trace=open,openat -o "$W/st" "$ST" --hive "$mh" --kernel "$rel" -S "$e" >/dev/null 2>&1
        /usr/bin/time -f '%U %S %M' -o "$W/t" "$ST" --hive "$mh" --kernel "$rel" -S "$e" >/dev/null 2>&1
        read -r u y kb < <(tail -1 "$W/t")   # after "Command exited with ..." when it failed
        printf '| `%s` | %s | %s | %s | %.2f | %d |\n' "$e" $with "$(sed -n 's/.*Collected : //p' "$W/vg")" \
          "$(grep -c "/kmod/[^\"]*/$rel/" "$W/st")" "$(echo "$u + $y" | bc)" $((kb / 1024))
      done
    done
    cp "$W/kmodidx.saved" "$idx"
  fi
fi

# Lookup cost at start: the same -S with the kernel's BTF and from the hive (BTF hidden
# through SURFTRACE_SYSFS_BTF, the entry found by release: a raw BTF entry has no build
# id), once in a one-entry hive and once behind 2000 other kernels (a fleet's index).
if [ -r /sys/kernel/btf/vmlinux ]; then
  "$ST" hive add "$W/h3" /sys/kernel/btf/vmlinux --release "$(uname -r)" >/dev/null
  cp -a "$W/h3" "$W/h4"
  { head -1 "$W/h3/index"
    for i in $(seq 2000); do
      printf '5.%d.0-%d-fake x86_64 debian %040x %064x fake-%d.deb\n' $((i % 20)) "$i" "$i" "$i" "$i"
    done
    tail -n +2 "$W/h3/index"; } >"$W/h4/index.new" && mv "$W/h4/index.new" "$W/h4/index"
  mkdir -p "$W/nobtf"
  e='p wake_up_new_task comm=%0->comm'
  # each variant: the environment it runs surftrace with (the tools below see surftrace
  # itself, not env(1))
  declare -A ENVS=([sys]="" [hive1]="SURFTRACE_SYSFS_BTF=$W/nobtf SURFTRACE_HIVE=$W/h3"
                   [hive2k]="SURFTRACE_SYSFS_BTF=$W/nobtf SURFTRACE_HIVE=$W/h4")
  for v in sys hive1 hive2k; do
    env ${ENVS[$v]} "$ST" -S "$e" >"$W/out.$v" || echo "lookup: $v failed"
  done
  cmp -s "$W/out.sys" "$W/out.hive1" && cmp -s "$W/out.sys" "$W/out.hive2k" || echo "lookup: -S outputs differ"
  # V TOOL...: run TOOL... "$ST" -S "$e" in variant V's environment
  ir() {
    env ${ENVS[$1]} valgrind --tool=callgrind --callgrind-out-file="$W/cg" "$ST" -S "$e" >/dev/null 2>"$W/vg"
    sed -n 's/.*Collected : //p' "$W/vg"
  }
  nsys() { env ${ENVS[$1]} strace -c -o "$W/sc" "$ST" -S "$e" >/dev/null 2>&1; awk '/ total$/{print $4}' "$W/sc"; }
  clk() { env ${ENVS[$1]} perf stat -r 50 -x, -e task-clock,page-faults "$ST" -S "$e" 2>&1 >/dev/null | awk -F, '{printf "%s ", $1}'; }
  echo '| -S start | instructions | syscalls | task-clock ms, page faults (perf stat -r 50) |'
  echo '|---|---:|---:|---|'
  for v in sys hive1 hive2k; do
    case $v in sys) l="types from /sys/kernel/btf";; hive1) l="from a 1-entry hive (BTF hidden)";; hive2k) l="from a 2001-entry hive (BTF hidden)";; esac
    printf '| %s | %s | %s | %s|\n' "$l" "$(command -v valgrind >/dev/null && ir $v)" \
      "$(command -v strace >/dev/null && nsys $v)" "$(command -v perf >/dev/null && clk $v)"
  done
fi
