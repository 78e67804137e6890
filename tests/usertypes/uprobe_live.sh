#!/bin/bash
# SPDX-License-Identifier: MIT
# Live uprobes at the offsets st_usym_offset computes, with a member offset from our
# DWARF->BTF. Oracles are the values this test causes: `app once` calls app_work(&r, 0)
# once with r.id = 42, r.name = "req", and app_static(0, 2) once; so each run must give
# exactly one hit per probe with those values. libc's malloc must fire in the app's pid.
# Uses its own group/instance surftrace_<pid> and removes them; nothing of them may remain.
. "$(dirname "$0")/../lib.sh"
FIX="$ROOT/$B/fixtures"
TOOL="$FIX/usym_tool"
if ! need_root_tracefs || [ ! -w $TRACEFS/uprobe_events ]; then
  skip "needs root, tracefs and uprobe_events"; tap_done; exit
fi
G=surftrace_$$
I=$TRACEFS/instances/$G
T=$(mktemp -d /tmp/st_uprobe.XXXXXX)
own_pid $$
before=$(own_state)

cleanup() {
  local e
  for e in p0 p1 p2; do
    [ -e "$I/events/$G/$e/enable" ] && echo 0 >"$I/events/$G/$e/enable"
  done
  [ -d "$I" ] && rmdir "$I"
  for e in p0 p1 p2; do
    grep -q "^p:$G/$e " $TRACEFS/uprobe_events 2>/dev/null && echo "-:$G/$e" >>$TRACEFS/uprobe_events
  done
  rm -rf "$T"
}
trap cleanup EXIT

# Byte offset of a member of a struct in our BTF of a binary.
member_off() { # btf struct member
  bpftool btf dump file "$1" format raw |
    awk -v s="'$2'" -v m="'$3'" '/^\[/ { on = ($2=="STRUCT" && $3==s); next }
      on && $1==m { sub(/bits_offset=/, "", $3); print $3/8; exit }'
}

run_case() { # binary-name
  local app="$FIX/$1" off soff noff lines n
  rm -f "$T/app.btf"
  "$ST" btfgen "$app" -o "$T/app.btf" >/dev/null 2>&1 || { fail "$1: btfgen"; return; }
  noff=$(member_off "$T/app.btf" app_req name)
  off=$("$TOOL" offset "$app" app_work) || { fail "$1: offset of app_work"; return; }
  soff=$("$TOOL" offset "$app" app_static) || { fail "$1: offset of app_static"; return; }
  mkdir "$I"
  echo "p:$G/p0 $app:$off id=+0(%di):s32 name=+$noff(%di):string" >>$TRACEFS/uprobe_events &&
  echo "p:$G/p1 $app:$soff a=%di:s64 b=%si:s64" >>$TRACEFS/uprobe_events ||
    { fail "$1: kernel rejected the uprobes at $off/$soff"; cleanup_case; return; }
  echo 1 >"$I/events/$G/p0/enable"; echo 1 >"$I/events/$G/p1/enable"
  for n in 1 2 3; do "$app" once >/dev/null; done
  echo 0 >"$I/events/$G/p0/enable"; echo 0 >"$I/events/$G/p1/enable"
  lines=$(cat "$I/trace")
  n=$(grep -c ' p0: ' <<<"$lines")
  if [ "$n" = 3 ]; then ok "$1: app_work uprobe at $off fired 3 times for 3 runs"; else fail "$1: app_work fired $n times"; fi
  n=$(grep ' p0: ' <<<"$lines" | grep -c 'id=42 name="req"')
  if [ "$n" = 3 ]; then ok "$1: args read through the BTF offset of app_req.name ($noff)"; else fail "$1: args wrong: $(grep -m1 ' p0: ' <<<"$lines")"; fi
  n=$(grep ' p1: ' <<<"$lines" | grep -c 'a=0 b=2')
  if [ "$n" = 3 ]; then ok "$1: static app_static (.symtab only) at $soff fired with a=0 b=2"; else fail "$1: app_static hits: $(grep -m1 ' p1: ' <<<"$lines")"; fi
  cleanup_case
}

cleanup_case() {
  local e
  for e in p0 p1 p2; do
    [ -e "$I/events/$G/$e/enable" ] && echo 0 >"$I/events/$G/$e/enable"
  done
  rmdir "$I" 2>/dev/null
  for e in p0 p1 p2; do
    grep -q "^p:$G/$e " $TRACEFS/uprobe_events && echo "-:$G/$e" >>$TRACEFS/uprobe_events
  done
}

run_case app
run_case app_nopie

# libc by library name, malloc by .dynsym: the app's printf allocates its stdout buffer.
LIBC=$("$TOOL" find libc) && off=$("$TOOL" offset "$LIBC" malloc)
if [ -n "$off" ]; then
  mkdir "$I"
  if echo "p:$G/p2 $LIBC:$off size=%di:u64" >>$TRACEFS/uprobe_events; then
    echo 1 >"$I/events/$G/p2/enable"
    "$FIX/app" once >/dev/null & pid=$!
    wait $pid
    echo 0 >"$I/events/$G/p2/enable"
    n=$(grep -c -- "-$pid *\[.*p2: " "$I/trace")
    if [ "$n" -ge 1 ]; then ok "libc malloc uprobe at $off fired in the app ($n hits)"; else fail "libc malloc: no hit from pid $pid"; fi
  else
    fail "kernel rejected uprobe $LIBC:$off"
  fi
  cleanup_case
else
  fail "libc/malloc offset"
fi

after=$(own_state)
if [ "$before" = "$after" ]; then ok "tracefs holds nothing of $G"; else fail "tracefs still holds parts of $G"; diff <(echo "$before") <(echo "$after") | head | sed 's/^/# /'; fi
tap_done
