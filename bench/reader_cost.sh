#!/bin/bash
# SPDX-License-Identifier: MIT
# The reader's own cost per event in instructions (robust on a shared, loaded machine where
# times are not): record N getppid events' raw pages once (a private instance, a buffer big
# enough to lose nothing), then replay them through st_readbench -I under
# valgrind --tool=callgrind, text and --json, minus an empty replay (process start, format
# parsing). Not a test: prints a markdown table.
#   B=build bash bench/reader_cost.sh        env: COST_N events (200000),
#                                            COST_BEFORE=OTHER_BUILD_DIR adds its column
# COST_BEFORE is another tree's build dir (its libsurftrace.a): this st_readbench.c is
# linked against it, so the replay runs that tree's reader and output stages.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
N=${COST_N:-200000}
TRACEFS=/sys/kernel/tracing
EV=syscalls/sys_enter_getppid
T=$(mktemp -d /tmp/st_cost.XXXXXX)
INST=$TRACEFS/instances/st_cost_$$
cleanup() {
  [ -d "$INST" ] && { echo 0 > "$INST/events/$EV/enable"; rmdir "$INST"; }
  [ -n "${COST_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" = 0 ] || { echo "reader_cost: needs root" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "reader_cost: needs valgrind" >&2; exit 1; }
RB=$B/bench/st_readbench
[ -x "$RB" ] && [ -x "$B/bench/getppid_loop" ] || { echo "reader_cost: make B=$B bench-bins" >&2; exit 1; }

# record: N events into a buffer that holds them all (~20 bytes each, x4 for headroom)
mkdir "$INST"
echo $(( N * 80 / 1024 + 1024 )) > "$INST/buffer_size_kb"
echo 1 > "$INST/events/$EV/enable"
"$B/bench/getppid_loop" "$N" >/dev/null
echo 0 > "$INST/events/$EV/enable"
mk_dir() { # dir full|empty
  local d=$1 c
  mkdir -p "$d/events/${EV%/*}/${EV#*/}"
  cp "$TRACEFS/events/header_page" "$d/events/"
  cp "$INST/events/$EV/format" "$d/events/$EV/"
  cp "$TRACEFS/saved_cmdlines" "$d/" 2>/dev/null
  cat "$INST/buffer_subbuf_size_kb" > "$d/buffer_subbuf_size_kb" 2>/dev/null
  for c in "$INST"/per_cpu/cpu*; do
    mkdir -p "$d/per_cpu/${c##*/}"
    : > "$d/per_cpu/${c##*/}/stats"
    : > "$d/per_cpu/${c##*/}/trace_pipe_raw"
    [ "$2" = full ] && dd if="$c/trace_pipe_raw" of="$d/per_cpu/${c##*/}/trace_pipe_raw" \
      iflag=nonblock bs=1M 2>/dev/null
  done
}
mk_dir "$T/full" full
mk_dir "$T/empty" empty
rmdir "$INST"

# instructions of one replay: ir BINARY DIR [-j]
ir() {
  local bin=$1 dir=$2; shift 2
  valgrind --tool=callgrind --callgrind-out-file="$T/cg.out" "$bin" -I "$dir" -e $EV \
    -o "$T/out.txt" "$@" 2>"$T/vg.err" >/dev/null
  sed -n 's/^summary: //p;s/^totals: //p' "$T/cg.out" | head -1
}
delivered() { # BINARY [-j]
  local bin=$1; shift
  "$bin" -I "$T/full" -e $EV -o "$T/out.txt" "$@" 2>&1 | sed -n 's/.*delivered=\([0-9]*\).*/\1/p'
}
peers="after:$RB"
if [ -n "${COST_BEFORE:-}" ]; then
  cc -O2 -g -std=gnu11 -D_GNU_SOURCE -DNO_BATCH_NICE -Iinclude -I"$COST_BEFORE/../src" -Isrc \
    -I/usr/include/traceevent -I/usr/include/trace-cmd -I/usr/include/tracefs \
    -o "$T/rb_before" bench/st_readbench.c "$COST_BEFORE/libsurftrace.a" \
    $(pkg-config --libs libbpf libdw libelf libarchive libtracecmd libtracefs libtraceevent 2>/dev/null || echo -lbpf -ldw -lelf -larchive -ltracecmd -ltracefs -ltraceevent) -lz -lcrypto \
    && peers="before:$T/rb_before $peers"
fi
echo "### Reader + output instructions per event ($N getppid events replayed, callgrind)"
echo
echo "| build | mode | events | instructions/event |"
echo "|---|---|---:|---:|"
for p in $peers; do
  name=${p%%:*} bin=${p#*:}
  for mode in text json; do
    j=; [ $mode = json ] && j=-j
    n=$(delivered "$bin" $j)
    full=$(ir "$bin" "$T/full" $j); empty=$(ir "$bin" "$T/empty" $j)
    echo "| $name | $mode | $n | $(( (full - empty) / (n > 0 ? n : 1) )) |"
  done
done
echo
