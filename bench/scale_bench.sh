#!/bin/bash
# SPDX-License-Identifier: MIT
# Scaling cases of issue 16, side by side in one run (root). Not a test: nothing asserts a
# timing. ST_BEFORE=path/to/an/older/surftrace adds a "before" column.
#   B=build bash bench/scale_bench.sh            env: SCALE_N functions for -S (10000)
# 1. -S -f of SCALE_N distinct kernel functions (BTF FUNC and traceable): wall, RSS.
# 2. Start of 'e syscalls/sys_enter_*' (-t 1): syscalls from strace -f (read and poll, the
#    reading itself, left out) over the whole run and before the reading starts (the first
#    poll), and how many event format / id files were opened.
# 3. A uprobe with one typed argument on libc (DWARF from libc6-dbg when installed): wall,
#    RSS, first run (empty BTF cache) and cached run, medians of 3; bpftrace -d (0.17's dry
#    run) of the same probe as the peer.
# 3b. The same on generated binaries with 0.5-25 MB of DWARF (SCALE_DWARF: structs in a
#    header every one of 9 units includes; the probed function's unit holds all of them).
# 4. lbc: records through a 4 KB ring buffer and a perf buffer, printed + lost vs made.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
ST=$B/surftrace
N=${SCALE_N:-10000}
T=$(mktemp -d /tmp/st_scale.XXXXXX)
trap 'rm -rf "$T"' EXIT
[ "$(id -u)" = 0 ] || { echo "scale_bench: needs root" >&2; exit 1; }
peers=("after:$ST")
[ -n "${ST_BEFORE:-}" ] && peers=("before:$ST_BEFORE" "${peers[@]}")
timed() { /usr/bin/time -f "%e s, %M KB, exit %x" "$@" 2>&1 >/dev/null | tail -1 | sed 's/, exit 0$//'; }
# med3 PREP CMD...: PREP (a shell command: empties a cache) then CMD, three times; the run
# with the median wall time.
med3() {
	local prep=$1 i; shift
	for i in 1 2 3; do eval "$prep"; timed "$@"; done | sort -n | sed -n 2p
}

echo "### Scaling run $(date -u +%FT%RZ) on $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$ST" -l '*' 2>/dev/null | awk '{print $1}' | sort -u >"$T/traceable"
bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | sed -n "s/.*\] FUNC '\([^']*\)'.*/\1/p" |
	sort -u | comm -12 - "$T/traceable" | head -"$N" | sed 's/^/p /' >"$T/funcs"
echo "| case | peer | result |"
echo "|---|---|---|"
for p in "${peers[@]}"; do
	echo "| -S -f of $(wc -l <"$T/funcs") kernel functions | ${p%%:*} | $(timed "${p#*:}" -S -f "$T/funcs") |"
done
for p in "${peers[@]}"; do
	strace -f -o "$T/strace" "${p#*:}" -q -t 1 'e syscalls/sys_enter_*' >/dev/null 2>&1
	calls() { grep -v ' read(\| poll(\|resumed>' | grep -c '^[0-9]* [a-z_0-9]*('; }
	all=$(calls <"$T/strace")
	first=$(grep -n ' poll(' "$T/strace" | head -1 | cut -d: -f1)
	setup=$(head -n "${first:-0}" "$T/strace" | calls)
	fmts=$(grep -c '/events/syscalls/[a-z0-9_]*/format"' "$T/strace")
	ids=$(grep -c '/events/syscalls/[a-z0-9_]*/id"' "$T/strace")
	ev=$(ls -d /sys/kernel/tracing/events/syscalls/sys_enter_* | wc -l)
	echo "| -t 1 of $ev syscall events: syscalls (no read/poll), whole run | ${p%%:*} | $all ($(awk "BEGIN{printf \"%.1f\", $all/$ev}") per event) |"
	echo "| same, before the reading starts | ${p%%:*} | $setup ($(awk "BEGIN{printf \"%.1f\", $setup/$ev}") per event); formats opened $fmts, id files $ids |"
done
# uprobe_rows LABEL BINARY:SYMBOL EXPR-ARGS BPFTRACE-EXPR: first run (empty cache), cached
# run, and bpftrace -d, wall and peak RSS.
uprobe_rows() {
	local label=$1 target=$2 args=$3 bt=$4 p
	for p in "${peers[@]}"; do
		echo "| $label | ${p%%:*}, first run (empty cache) | $(SURFTRACE_CACHE_DIR=$T/cache med3 'rm -rf "$T/cache"' "${p#*:}" -S "P $target $args") |"
		echo "| $label | ${p%%:*}, second run | $(SURFTRACE_CACHE_DIR=$T/cache med3 : "${p#*:}" -S "P $target $args") |"
	done
	command -v bpftrace >/dev/null &&
		echo "| $label | bpftrace -d | $(med3 : bpftrace -d -e "uprobe:$target { printf(\"%ld\\n\", $bt); }") |"
}
LIBC=$(ldconfig -p | sed -n 's/.*libc.so.6 (libc6,x86-64) => //p' | head -1)
[ -n "$LIBC" ] && uprobe_rows "\`P libc:_IO_fflush f=%0->_flags\`" "$LIBC:_IO_fflush" \
	'f=%0->_flags' '((struct _IO_FILE *)arg0)->_flags'
# Generated binaries: S structs in a header that 9 units include.
for S in ${SCALE_DWARF:-550 2800 11000 28000}; do
	mkdir -p "$T/dw$S"
	awk -v S="$S" 'BEGIN { for (i = 0; i < S; i++) printf "struct s%d { int a%d; long b%d; " \
		"char c%d[8]; struct s%d *n; unsigned short d; void *e; double f; };\n", i, i, i, i,
		i ? i - 1 : 0 }' >"$T/dw$S/big.h"
	for k in 1 2 3 4 5 6 7 8; do
		printf '#include "big.h"\nstruct s0 *keep%d(struct s0 *p) { return p; }\n' "$k" >"$T/dw$S/cu$k.c"
	done
	printf '#include "big.h"\nint target(struct s0 *p) { return (int)p->b0; }\nint main(void) { struct s0 x = { 0 }; return target(&x); }\n' >"$T/dw$S/main.c"
	(cd "$T/dw$S" && gcc -g -O0 -fno-eliminate-unused-debug-types -o bin main.c cu*.c) || continue
	mb=$(size -A "$T/dw$S/bin" | awk '/^\.debug/ { s += $2 } END { printf "%.1f", s / 1e6 }')
	uprobe_rows "$mb MB of DWARF ($S structs x 9 units) \`P bin:target v=%0->b0\`" \
		"$T/dw$S/bin:target" 'v=%0->b0' '((struct s0 *)arg0)->b0'
done
if [ -x "$B/lbc" ] && [ -f tests/lbc/lost.sh ]; then
	out=$(LBC_LOST_N=300000 bash tests/lbc/lost.sh 2>/dev/null | grep 'printed .* == produced')
	while read -r line; do
		echo "| lbc $(echo "$line" | sed 's/^ok [0-9]* - //; s/^not ok [0-9]* - //') | lbc | $(echo "$line" | grep -q '^ok' && echo exact || echo MISMATCH) |"
	done <<<"$out"
fi
