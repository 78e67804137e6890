#!/bin/bash
# SPDX-License-Identifier: MIT
# The kernel lab: boots stock Debian kernels (5.10 bullseye cloud, 6.1 cloud, 6.12
# bookworm-backports cloud, and "arm64": 6.1 cloud arm64 under qemu-system-aarch64) under
# QEMU/TCG with a busybox initramfs holding the static surftrace, runs the guest suite
# (tests/lab/guest/NN_*.sh) and turns its "@@RESULT name PASS|FAIL|SKIP detail" lines
# into TAP: "ok N - 6.1/name" / "not ok N - 6.1/name: detail". Kernels boot in parallel.
# A guest that never prints @@DONE is an infrastructure failure: retried once, then failed.
#
# Environment: B (build dir, default build), LAB_KERNELS ("5.10 6.1 6.12 arm64"), LAB_ST (static
# surftrace, default build-static/surftrace), LAB_ONLY (regex of check names),
# LAB_BREAK=comm (baseline reads comm at a wrong offset: its checks must fail),
# LAB_VERBOSE=1 (guest logs of failed checks), LAB_LBC=0 (skip the lbc kprobe examples),
# LAB_MIN_CHECKS (default 25 per kernel), LAB_TIMEOUT (seconds per boot, default 280).
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
B=${B:-build}
OUT=$ROOT/$B/lab
KERNELS=${LAB_KERNELS:-5.10 6.1 6.12 arm64}
# arm64: its own fetch (_fetch_arm64.sh), cross-built binaries (make lab-static-arm64),
# busybox and QEMU; the README subset of the checks (LAB_SET in guest/lib.sh).
ARM64=; case " $KERNELS " in *" arm64 "*) ARM64=1 ;; esac
X86_KERNELS=$(echo $KERNELS | tr ' ' '\n' | grep -vx arm64 | tr '\n' ' ')
LAB_ST=${LAB_ST:-$ROOT/build-static/surftrace}
LAB_LBC_BIN=${LAB_LBC_BIN:-$ROOT/build-static/lbc}
# Per boot: the guests share the 2 cores; at load 8-10 a 6.1 guest with both passes took
# 1026 s beside three others (2026-12-07), so 1800 leaves room before a retry doubles it.
TIMEOUT=${LAB_TIMEOUT:-$([ "${LAB_NOBTF:-1}" != 0 ] && echo 1800 || echo 280)}
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
[ -z "$ARM64" ] || for t in qemu-system-aarch64 aarch64-linux-gnu-gcc; do
  command -v "$t" >/dev/null || missing="$missing $t"
done
file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || missing="$missing busybox-static"
if [ -n "$missing" ]; then nok "lab/host-tools: missing$missing"; echo "1..$N"; exit 1; fi

if ! bash tests/lab/_fetch.sh $X86_KERNELS >"$OUT/fetch.log" 2>&1; then
  nok "lab/fetch: kernels not available (see $OUT/fetch.log)"; tail -3 "$OUT/fetch.log" | sed 's/^/# /'
  echo "1..$N"; exit 1
fi
# arm64: kernel, sysroot and the cross-built static binaries, made while the rest is prepared.
A64_PREP="make -s lab-static-arm64"; [ -n "${LAB_NO_BUILD:-}" ] && A64_PREP="bash tests/lab/_fetch_arm64.sh"
[ -z "$ARM64" ] || { $A64_PREP >"$OUT/arm64-build.log" 2>&1 & A64_PID=$!; }

# No-BTF mode (LAB_NOBTF=0 turns it off): each kernel's -dbg package, downloaded once, and
# a hive made once from its DWARF by the host's surftrace (tests/lab/_fetch_dbg.sh).
if [ "${LAB_NOBTF:-1}" != 0 ]; then
  if ! bash tests/lab/_fetch_dbg.sh "$ROOT/$B/surftrace" $X86_KERNELS >"$OUT/fetch_dbg.log" 2>&1; then
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
  local ver=$1 d=$2 tool=$LABTOOL st=$LAB_ST vml=$C/$1/vmlinux lbc=${LAB_LBC:-1}
  rm -rf "$d"; mkdir -p "$d/lab/bin"
  cp tests/lab/guest/init "$d/init"
  if [ "$ver" = arm64 ]; then
    tool=$ROOT/build-arm64/lab/labtool st=$ROOT/build-arm64/surftrace vml=$C/arm64/vmlinux.btf lbc=0
    cp tests/lab/guest/lib.sh tests/lab/guest/2[01]_*.sh "$d/lab/"
  else
    cp tests/lab/guest/lib.sh tests/lab/guest/[0-9][0-9]_*.sh "$d/lab/"
  fi
  for n in labtool lab_fork lab_open lab_udp lab_sel lab_loop lab_write lab_mmap; do cp "$tool" "$d/lab/bin/$n"; done
  # No-BTF mode: this kernel's hive (index, BTF, modules and their name -> module index)
  # and the call recorder.
  if [ "${LAB_NOBTF:-1}" != 0 ] && [ -s "$C/hive/$ver/index" ]; then
    (cd "$C/hive/$ver" && find index */btf */kmod */kmodidx -type f 2>/dev/null |
       cpio -pdm --quiet "$d/lab/hive")
    cp tests/lab/guest/st_rec "$d/lab/bin/st_rec"
  fi
  if [ -s "$C/$ver/mod/veth.ko" ]; then mkdir -p "$d/lab/mod"; cp "$C/$ver/mod/veth.ko" "$d/lab/mod/"; fi
  if [ -x "$st" ]; then
    if file -L "$st" | grep -q 'statically linked'; then cp "$st" "$d/lab/bin/surftrace"
    else echo "lab: $st is not static; surftrace checks will fail" >&2; fi
  fi
  # The kprobe variants of the lbc examples (unless LAB_LBC=0), compiled here against this
  # kernel's BTF (the guest has no clang) and run in the guest by the static lbc.
  if [ "$lbc" != 0 ] && [ ! -x "$LAB_LBC_BIN" ]; then
    echo "lab: $LAB_LBC_BIN missing: the lbc checks cannot run" >&2; return 1
  elif [ "$lbc" != 0 ]; then
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
      "$OUT/btfshift.$ver" "$vml" "$d/lab/broken.btf" task_struct comm 1 || return 1
  fi
  {
    echo "KVER=$ver"
    bash tests/lab/_offsets.sh "$vml" "$C/$ver/mod/veth.ko"
    for v in LAB_ONLY LAB_BREAK LAB_VERBOSE LAB_LBC LAB_NOBTF CHECK_TIMEOUT TRIES; do
      [ -n "${!v:-}" ] && printf "%s='%s'\n" "$v" "${!v}"
    done
  } >"$d/lab/env"
  chmod +x "$d/init" "$d/lab/bin/"*
}

# boot VER LOG: one guest run; the console (serial) goes to LOG.
boot() {
  local ver=$1 log=$2 rc m t=$TIMEOUT
  # arm64: the virt board's PL011 console; the guest powers off through PSCI
  m=(qemu-system-x86_64 -cpu qemu64,-cx16 -device isa-debug-exit,iobase=0xf4,iosize=0x04 -append
     "console=ttyS0 oops=panic panic=-1 quiet nokaslr")
  # (TCG emulates arm64 slower: 21 checks took 110-310 s, up to 280 s for 15 on a busy machine)
  [ "$ver" = arm64 ] && m=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on -append
     "console=ttyAMA0 oops=panic panic=-1 quiet nokaslr") t=${LAB_TIMEOUT:-900}
  timeout --foreground -k 5 "$t" "${m[@]}" \
    -accel tcg,thread=multi -smp 1 -m 512M -nodefaults \
    -kernel "$C/$ver/vmlinuz" -initrd "$OUT/$ver/initrd" \
    -display none -serial stdio -monitor none -no-reboot </dev/null >"$log" 2>&1
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
  [ "$ver" = arm64 ] && export BUSYBOX=$C/arm64-sysroot/bin/busybox LAB_BASE=base-arm64
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
# path_openat by scanning live kernel text (E8 rel32; arm64: BL); objdump on the host's
# vmlinux (an independent disassembler) must show a call to path_openat right before that
# offset. arm64 has no vmlinux ELF: the raw Image, placed by the guest's primary_entry.
check_callsite() {
  local ver=$1 log=$2 f c off fa ca dis od=(objdump -d) img=$C/$1/vmlinux il=5 call='call[q]?' pe t
  read -r _ f c off fa ca < <(grep '^@@CALLSITE ' "$log" 2>/dev/null | head -1)
  if [ -z "${ca:-}" ]; then nok "$ver/callsite_objdump: guest reported no call site"; return; fi
  if [ "$ver" = arm64 ]; then
    pe=$(sed -n 's/^@@ENTRY //p' "$log" | head -1) img=$C/arm64/Image il=4 call=bl
    od=(aarch64-linux-gnu-objdump -D -b binary -m aarch64)
    t=$("${od[@]}" --start-address=4 --stop-address=8 "$img" | sed -nE 's/.*[[:space:]]b[[:space:]]+0x([0-9a-f]+).*/\1/p')
    [ -n "$pe" ] && [ -n "$t" ] || { nok "$ver/callsite_objdump: no primary_entry ('$pe') or Image branch ('$t')"; return; }
    od+=(--adjust-vma=$(printf 0x%x $((0x$pe - 0x$t))))
  fi
  dis=$("${od[@]}" --no-show-raw-insn --start-address=$(printf 0x%x $((0x$fa + off - il))) \
          --stop-address=$(printf 0x%x $((0x$fa + off))) "$img" | grep -E '^ *[0-9a-f]+:' | head -1)
  if echo "$dis" | grep -qE "$call[[:space:]]+(0x)?0*${ca#0x}([[:space:]]|$)"; then ok "$ver/callsite_objdump: $f+$off follows '${call%%[*} $c'"
  else nok "$ver/callsite_objdump: objdump at $f+$((off - il)) shows '$dis', not a call to $c ($ca)"; fi
}

if [ -n "$ARM64" ] && ! wait "$A64_PID"; then
  nok "lab/arm64-build: no arm64 kernel or static surftrace (see $OUT/arm64-build.log)"
  grep -v 'warning: Using\|in function' "$OUT/arm64-build.log" | tail -3 | sed 's/^/# /'
fi
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
    case $verdict in
      PASS) ok "$ver/$name" ;;
      SKIP) ok "$ver/$name # SKIP $detail" ;;
      *) nok "$ver/$name: $detail" ;;
    esac
  done < <(grep '^@@RESULT ' "$log" 2>/dev/null)
  grep '^#   ' "$log" 2>/dev/null | head -200
  check_callsite "$ver" "$log"
  min=$MIN; [ "$ver" = arm64 ] && min=${LAB_MIN_ARM64:-20}
  if [ "$n" -lt "$min" ] && [ -z "${LAB_ONLY:-}" ]; then nok "$ver/count: only $n checks ran (want >= $min)"; fi
done
echo "# lab wall time: $(( $(date +%s) - t_start )) s"
echo "1..$N"
[ "$FAILS" -eq 0 ]
