#!/bin/bash
# SPDX-License-Identifier: MIT
# The demo: install dependencies, build, and trace for real. This kernel may lack kprobes, so
# the demo traces a trace event (every exec) and a uprobe on bash's readline-free path
# (bash's `main`), while it starts a few processes itself.
set -e
cd "$(dirname "$0")/.."
bash scripts/deps.sh build run   # only what building and running need (no lab, no benchmark peers)
make -j"$(nproc)"
echo "== surftrace -S (translation only) of the README's first example:"
./build/surftrace -S 'p wake_up_new_task comm=%0->comm f:comm=="bash"' || true
echo "== live: every exec for 3 seconds, with a filter, while we start some processes"
( sleep 0.5; for i in 1 2 3; do /bin/true; ls / >/dev/null; done ) &
./build/surftrace -t 3 'e sched/sched_process_exec f:filename~"*bin*"' "P /bin/bash:main argc=%0"  &
st=$!
( sleep 1; bash -c 'exit 0' ) &
wait $st
echo "== tracefs after the run (nothing of ours left):"
ls /sys/kernel/tracing/instances
