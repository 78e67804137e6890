#!/bin/bash
# SPDX-License-Identifier: MIT
# Scaling cases of issue 16, side by side in one run (root). Not a test: nothing asserts a
# timing. ST_BEFORE=path/to/an/older/surftrace adds a "before" column.
#   B=build bash bench/scale_bench.sh            env: SCALE_N functions for -S (10000)
# 1. -S -f of SCALE_N distinct kernel functions (BTF FUNC and traceable): wall, RSS.
# 2. Start of 'e syscalls/sys_enter_*' (-t 1): setup syscalls from strace -c -f (read and
#    poll, the reading itself, left out).
# 3. A uprobe with one typed argument on libc (DWARF from libc6-dbg when installed): wall,
#    RSS; bpftrace's --dry-run of the same probe as the peer.
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
timed() { /usr/bin/time -f "%e s, %M KB" "$@" 2>&1 >/dev/null | tail -1; }

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
	strace -c -f -o "$T/strace" "${p#*:}" -q -t 1 'e syscalls/sys_enter_*' >/dev/null 2>&1
	s=$(awk '$NF !~ /^(read|poll|total|syscall)$/ && $4 ~ /^[0-9]+$/ {n+=$4} END{print n}' "$T/strace")
	ev=$(ls -d /sys/kernel/tracing/events/syscalls/sys_enter_* | wc -l)
	echo "| start of $ev syscall events: setup syscalls | ${p%%:*} | $s ($(awk "BEGIN{printf \"%.1f\", $s/$ev}") per event) |"
done
U='P libc:_IO_fflush f=%0->_flags'
for p in "${peers[@]}"; do
	echo "| \`-S '$U'\` | ${p%%:*} | $(timed "${p#*:}" -S "$U") |"
done
LIBC=$(ldconfig -p | sed -n 's/.*libc.so.6 (libc6,x86-64) => //p' | head -1)
command -v bpftrace >/dev/null && [ -n "$LIBC" ] &&
	echo "| same probe, \`bpftrace --dry-run\` | bpftrace | $(timed bpftrace --dry-run -e "uprobe:$LIBC:_IO_fflush { printf(\"%d\\n\", ((struct _IO_FILE *)arg0)->_flags); }") |"
if [ -x "$B/lbc" ] && [ -f tests/lbc/lost.sh ]; then
	out=$(LBC_LOST_N=300000 bash tests/lbc/lost.sh 2>/dev/null | grep 'printed .* == produced')
	while read -r line; do
		echo "| lbc $(echo "$line" | sed 's/^ok [0-9]* - //; s/^not ok [0-9]* - //') | lbc | $(echo "$line" | grep -q '^ok' && echo exact || echo MISMATCH) |"
	done <<<"$out"
fi
