#!/bin/bash
# SPDX-License-Identifier: MIT
# Discovery speed: `surftrace -l GLOB` over the kernel's function list (whole process:
# read the list, match, print), `-L` with BTF prototypes, `--struct`, and -F on the
# Debian 6.1 vmlinux (kallsyms decoded from the image). Uses hyperfine when present.
# usage: bench/list_bench.sh [BUILD_DIR]     (default: build)
set -u
cd "$(dirname "$0")/.."
B=${1:-${B:-build}}
ST="$PWD/$B/surftrace"
[ -x "$ST" ] || { echo "build $ST first (make B=$B)"; exit 1; }
src=available_filter_functions
head -c1 /sys/kernel/tracing/available_filter_functions >/dev/null 2>&1 || src="/proc/kallsyms text symbols"
echo "function list: $src"
echo "matches: -l '*' $("$ST" -l '*' | wc -l), -l 'tcp_*' $("$ST" -l 'tcp_*' | wc -l), -L 'vfs_*' $("$ST" -L 'vfs_*' | wc -l)"
cmds=("$ST -l '*'" "$ST -l '*sys_*'" "$ST -l 'tcp_*'" "$ST -L 'vfs_*'" "$ST -L '*'" "$ST --struct task_struct")
[ -s .cache/lab/6.1/vmlinux ] && cmds+=("$ST -F do_filp_open -v .cache/lab/6.1/vmlinux")
if command -v hyperfine >/dev/null; then
  j=$(mktemp); trap 'rm -f "$j"' EXIT
  hyperfine -N --warmup 3 --runs ${RUNS:-20} --export-json "$j" "${cmds[@]}" >/dev/null 2>&1
  # wall time (mean, min) and CPU time (user+sys): CPU time is what a loaded machine
  # inflates least.
  python3 - "$j" "$PWD/" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))['results']
print('| command | mean ms | min ms | user+sys ms |')
print('|---|---:|---:|---:|')
for x in r:
    c = x['command'].replace(sys.argv[2], '')
    print('| `%s` | %.1f | %.1f | %.1f |' % (c, x['mean'] * 1e3, x['min'] * 1e3,
          (x['user'] + x['system']) * 1e3))
PY
else
  for c in "${cmds[@]}"; do
    s=$(date +%s%N); for i in 1 2 3 4 5 6 7 8 9 10; do eval "$c" >/dev/null; done; e=$(date +%s%N)
    echo "$c: $(( (e - s) / 10000000 )) ms"
  done
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
# The listing alone, on the already loaded list (no kernel or sort cost).
if [ -x "$B/bench/list_match" ]; then
  "$B/bench/list_match" '*'
  "$B/bench/list_match" 'tcp_*'
  "$B/bench/list_match" '*sys_*'
fi
