#!/bin/bash
# SPDX-License-Identifier: MIT
# The kernel lab: boots stock Debian kernels (6.1 cloud, 6.12 bookworm-backports cloud)
# under QEMU/TCG with a busybox initramfs holding the static surftrace, runs the guest
# suite (tests/lab/guest/NN_*.sh) and turns its "@@RESULT name PASS|FAIL detail" lines
# into TAP: "ok N - 6.1/name" / "not ok N - 6.1/name: detail". Kernels boot in parallel.
# A guest that never prints @@DONE is an infrastructure failure: retried once, then failed.
#
# Environment: B (build dir, default build), LAB_KERNELS ("6.1 6.12"), LAB_ST (static
# surftrace, default build-static/surftrace), LAB_ONLY (regex of check names),
# LAB_BREAK=comm (baseline reads comm at a wrong offset: its checks must fail),
# LAB_VERBOSE=1 (guest logs of failed checks), LAB_LBC=0 (skip the lbc kprobe examples),
# LAB_MIN_CHECKS (default 25 per kernel), LAB_TIMEOUT (seconds per boot, default 280).
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
B=${B:-build}
OUT=$ROOT/$B/lab
KERNELS=${LAB_KERNELS:-6.1 6.12}
LAB_ST=${LAB_ST:-$ROOT/build-static/surftrace}
LAB_LBC_BIN=${LAB_LBC_BIN:-$ROOT/build-static/lbc}
TIMEOUT=${LAB_TIMEOUT:-$([ "${LAB_NOBTF:-1}" != 0 ] && echo 1200 || echo 280)}
MIN=${LAB_MIN_CHECKS:-25}
C=$ROOT/.cache/lab
mkdir -p "$OUT"
N=0; FAILS=0
ok()   { N=$((N + 1)); echo "ok $N - $*"; }
nok()  { N=$((N + 1)); FAILS=$((FAILS + 1)); echo "not ok $N - $*"; }

# Host tools (Debian packages): qemu-system-x86, busybox-static, cpio, pahole (dwarves),
# bpftool, binutils, lz4/xz-utils/zstd (kernel payload), apt (private fetch).
missing=
for t in qemu-system-x86_64 pahole bpftool objcopy cpio lz4 xz zstd apt-get dpkg-deb; do
  command -v "$t" >/dev/null || missing="$missing $t"
done
file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || missing="$missing busybox-static"
if [ -n "$missing" ]; then nok "lab/host-tools: missing$missing"; echo "1..$N"; exit 1; fi

if ! bash tests/lab/_fetch.sh >"$OUT/fetch.log" 2>&1; then
  nok "lab/fetch: kernels not available (see $OUT/fetch.log)"; tail -3 "$OUT/fetch.log" | sed 's/^/# /'
  echo "1..$N"; exit 1
fi

# No-BTF mode (LAB_NOBTF=0 turns it off): each kernel's -dbg package, downloaded once, and
# a hive made once from its DWARF by the host's surftrace (tests/lab/_fetch_dbg.sh).
if [ "${LAB_NOBTF:-1}" != 0 ]; then
  if ! bash tests/lab/_fetch_dbg.sh "$ROOT/$B/surftrace" $KERNELS >"$OUT/fetch_dbg.log" 2>&1; then
    nok "lab/nobtf-fetch: no hive for the no-BTF mode (see $OUT/fetch_dbg.log)"
    tail -3 "$OUT/fetch_dbg.log" | sed 's/^/# /'
  fi
  sed 's/^/# /' "$OUT/fetch_dbg.log"
fi

# The static surftrace and lbc: (re)built here unless LAB_NO_BUILD (make is a no-op when they
# are up to date; a stale binary would test old code).
if [ -z "${LAB_NO_BUILD:-}" ]; then
  make -s lab-static >"$OUT/static-build.log" 2>&1 || echo "# lab: make lab-static failed (see $OUT/static-build.log)"
fi

# labtool: the guest's trigger/oracle helper, static.
LABTOOL=${LAB_TOOL:-$ROOT/build-static/lab/labtool}
if [ ! -x "$LABTOOL" ] || [ "$LABTOOL" -ot tests/lab/helpers/labtool.c ]; then
  mkdir -p "$(dirname "$LABTOOL")"
  ${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror -static -o "$LABTOOL" tests/lab/helpers/labtool.c ||
    { nok "lab/labtool: static build failed"; echo "1..$N"; exit 1; }
fi

# payload VER DIR: stage the second cpio (init, suites, binaries, per-kernel env).
make_payload() {
  local ver=$1 d=$2
  rm -rf "$d"; mkdir -p "$d/lab/bin"
  cp tests/lab/guest/init "$d/init"
  cp tests/lab/guest/lib.sh tests/lab/guest/[0-9][0-9]_*.sh "$d/lab/"
  for n in labtool lab_fork lab_open lab_udp lab_sel lab_loop lab_write; do cp "$LABTOOL" "$d/lab/bin/$n"; done
  # No-BTF mode: this kernel's hive (index and BTF only) and the call recorder.
  if [ "${LAB_NOBTF:-1}" != 0 ] && [ -s "$C/hive/$ver/index" ]; then
    (cd "$C/hive/$ver" && find index */btf -type f | cpio -pdm --quiet "$d/lab/hive")
    cp tests/lab/guest/st_rec "$d/lab/bin/st_rec"
  fi
  if [ -s "$C/$ver/mod/veth.ko" ]; then mkdir -p "$d/lab/mod"; cp "$C/$ver/mod/veth.ko" "$d/lab/mod/"; fi
  if [ -x "$LAB_ST" ]; then
    if file -L "$LAB_ST" | grep -q 'statically linked'; then cp "$LAB_ST" "$d/lab/bin/surftrace"
    else echo "lab: $LAB_ST is not static; surftrace checks will fail" >&2; fi
  fi
  # The kprobe variants of the lbc examples (unless LAB_LBC=0), compiled here against this
  # kernel's BTF (the guest has no clang) and run in the guest by the static lbc.
  if [ "${LAB_LBC:-1}" != 0 ] && [ ! -x "$LAB_LBC_BIN" ]; then
    echo "lab: $LAB_LBC_BIN missing: the lbc checks cannot run" >&2; return 1
  elif [ "${LAB_LBC:-1}" != 0 ]; then
    cp "$LAB_LBC_BIN" "$d/lab/bin/lbc"
    mkdir -p "$d/lab/lbc"
    for x in hello eventOut callStack hashMap dynamicVar; do
      "$LAB_LBC_BIN" build --btf "$C/$ver/vmlinux.btf" --cache-dir "$OUT/lbc-cache" \
        "examples/lbc/$x.bpf.c" -o "$d/lab/lbc/$x.bpf.o" >>"$OUT/$ver/lbc-build.log" 2>&1
    done
  fi
  # LAB_BREAK=comm: surftrace gets a BTF with task_struct.comm one byte off (--btf).
  if [ "${LAB_BREAK:-}" = comm ]; then
    # one build per kernel: the two payloads are made in parallel
    ${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror -o "$OUT/btfshift.$ver" tests/lab/helpers/btfshift.c -lbpf &&
      "$OUT/btfshift.$ver" "$C/$ver/vmlinux" "$d/lab/broken.btf" task_struct comm 1 || return 1
  fi
  {
    echo "KVER=$ver"
    bash tests/lab/_offsets.sh "$C/$ver/vmlinux" "$C/$ver/mod/veth.ko"
    for v in LAB_ONLY LAB_BREAK LAB_VERBOSE LAB_LBC LAB_NOBTF CHECK_TIMEOUT TRIES; do
      [ -n "${!v:-}" ] && printf "%s='%s'\n" "$v" "${!v}"
    done
  } >"$d/lab/env"
  chmod +x "$d/init" "$d/lab/bin/"*
}

# boot VER LOG: one guest run; the console (serial) goes to LOG.
boot() {
  local ver=$1 log=$2 rc
  timeout --foreground -k 5 "$TIMEOUT" qemu-system-x86_64 \
    -accel tcg,thread=multi -cpu qemu64,-cx16 -smp 1 -m 512M -nodefaults \
    -kernel "$C/$ver/vmlinuz" -initrd "$OUT/$ver/initrd" \
    -append "console=ttyS0 oops=panic panic=-1 quiet nokaslr" \
    -display none -serial stdio -monitor none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >"$log" 2>&1
  rc=$?
  echo "lab: $ver qemu exit $rc" >>"$log.status"
}

# run_kernel VER: build payload + initrd, boot, retry once when the guest never finished.
run_kernel() {
  local ver=$1 try t0 t1
  mkdir -p "$OUT/$ver"
  rm -f "$OUT/$ver"/console*.log* "$OUT/$ver"/seconds.*
  make_payload "$ver" "$OUT/$ver/payload" >"$OUT/$ver/payload.log" 2>&1 ||
    { echo "@@SETUP payload could not be made: $(tail -1 "$OUT/$ver/payload.log")" >"$OUT/$ver/console.log"; return 1; }
  bash tests/lab/_initramfs.sh "$OUT/$ver/payload" "$OUT/$ver/initrd" >>"$OUT/$ver/payload.log" 2>&1 ||
    { echo "@@SETUP initramfs could not be made: $(tail -1 "$OUT/$ver/payload.log")" >"$OUT/$ver/console.log"; return 1; }
  for try in 1 2; do
    t0=$(date +%s.%N)
    boot "$ver" "$OUT/$ver/console.$try.log"
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{ printf "%.1f\n", $2 - $1 }' >"$OUT/$ver/seconds.$try"
    tr -d '\r' <"$OUT/$ver/console.$try.log" >"$OUT/$ver/console.log"
    grep -q '^@@DONE' "$OUT/$ver/console.log" && return 0
  done
  return 1
}

# check_callsite VER LOG: the guest found the offset after do_filp_open's call to
# path_openat by scanning live kernel text for E8 rel32; objdump on the host's vmlinux (an
# independent disassembler) must show a call to path_openat right before that offset.
check_callsite() {
  local ver=$1 log=$2 f c off fa ca dis
  read -r _ f c off fa ca < <(grep '^@@CALLSITE ' "$log" 2>/dev/null | head -1)
  if [ -z "${ca:-}" ]; then nok "$ver/callsite_objdump: guest reported no call site"; return; fi
  dis=$(objdump -d --no-show-raw-insn --start-address=$((0x$fa + off - 5)) \
          --stop-address=$((0x$fa + off)) "$C/$ver/vmlinux" | grep -E '^ *[0-9a-f]+:' | head -1)
  if echo "$dis" | grep -qE "call[q]? +(0x)?0*${ca#0x}( |$)"; then ok "$ver/callsite_objdump: $f+$off follows 'call $c'"
  else nok "$ver/callsite_objdump: objdump at $f+$((off - 5)) shows '$dis', not a call to $c ($ca)"; fi
}

t_start=$(date +%s)
for ver in $KERNELS; do run_kernel "$ver" & done
wait
for ver in $KERNELS; do
  log=$OUT/$ver/console.log
  tries=$(ls "$OUT/$ver"/seconds.* 2>/dev/null | wc -l)
  echo "# $ver: $(sed -n 's/^@@BOOT //p' "$log" 2>/dev/null | head -1), boots=$tries, seconds=$(cat "$OUT/$ver"/seconds.* 2>/dev/null | tr '\n' ' ')"
  if grep -q '^@@SETUP ' "$log" 2>/dev/null; then
    nok "$ver/setup: $(sed -n 's/^@@SETUP //p' "$log" | head -1)"
  elif ! grep -q '^@@DONE' "$log" 2>/dev/null; then
    nok "$ver/guest: never printed @@DONE (twice); last console lines:"
    tail -8 "$log" 2>/dev/null | sed 's/^/#   /'
  fi
  n=0
  while read -r _ name verdict detail; do
    n=$((n + 1))
    if [ "$verdict" = PASS ]; then ok "$ver/$name"; else nok "$ver/$name: $detail"; fi
  done < <(grep '^@@RESULT ' "$log" 2>/dev/null)
  grep '^#   ' "$log" 2>/dev/null | head -200
  check_callsite "$ver" "$log"
  if [ "$n" -lt "$MIN" ] && [ -z "${LAB_ONLY:-}" ]; then nok "$ver/count: only $n checks ran (want >= $MIN)"; fi
done
echo "# lab wall time: $(( $(date +%s) - t_start )) s"
echo "1..$N"
[ "$FAILS" -eq 0 ]
