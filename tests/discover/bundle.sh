#!/bin/bash
# SPDX-License-Identifier: MIT
# Bundles: made for the running kernel and the Debian 6.1 BTF, the right entry is picked
# here (its offsets checked against bpftool), a kernel it lacks is refused with the list of
# kernels it has, damaged or hostile files are refused, and a live run from a bundle sees
# the values a test program passes (uprobe + trace event), leaving tracefs as it was.
. "$(dirname "$0")/_common.sh"

have_lab61 || { skip "Debian 6.1 BTF not available: bundle suite needs it"; tap_done; exit; }
BTF61="$LAB61/vmlinux.btf"
REL61=$(python3 -c "import re,sys; d=open(sys.argv[1],'rb').read(); print(re.search(rb'Linux version (\S+) ', d).group(1).decode())" "$LAB61/vmlinux")
E1='p wake_up_new_task comm=%0->comm f:comm=="bash"'
E2='e sched/sched_process_exec f:pid>0'

"$ST" --bundle-out "$T/b" --btf "$BTF61@$REL61" "$E1" "$E2" 2>"$T/e"; rc=$?
expect "--bundle-out for this kernel and 6.1 exits 0" '[ $rc = 0 ] && [ -s "$T/b" ]'
# The digest line is SHA-256 of everything before it (sha256sum is the oracle).
want=$(head -n -1 "$T/b" | sha256sum | cut -c1-64)
expect "last line is the SHA-256 of the rest" '[ "$(tail -1 "$T/b")" = "sha256 $want" ]'

# Offsets in each entry against bpftool dumps of that kernel's BTF.
raw_dump /sys/kernel/btf/vmlinux "$T/raw"; raw_dump "$BTF61" "$T/raw61"
off_here=$(python3 "$ORACLE" member "$T/raw" task_struct comm | awk '{printf "0x%x", $1/8}')
off_61=$(python3 "$ORACLE" member "$T/raw61" task_struct comm | awk '{printf "0x%x", $1/8}')
entry_comm() { awk -v k="$1" '$1=="kernel"{cur=$2} cur==k && $1=="arg" && $2=="comm" {print $3}' "$T/b"; }
expect "running kernel's entry: comm at $off_here (bpftool)" '[ "$(entry_comm "$(uname -r)")" = "+$off_here(%di)" ]'
expect "6.1 entry: comm at $off_61 (bpftool)" '[ "$(entry_comm "$REL61")" = "+$off_61(%di)" ] && [ "$off_61" != "$off_here" ]'

"$ST" --bundle "$T/b" --list >"$T/l" 2>&1; rc=$?
expect "--list names both kernels, marks this one" '[ $rc = 0 ] && grep -q "^\* $(uname -r) " "$T/l" && grep -q "^  $REL61 " "$T/l"'
"$ST" --bundle "$T/b" -S >"$T/s" 2>&1; rc=$?
expect "-S shows this kernel's entry" '[ $rc = 0 ] && grep -qx "p:p0 wake_up_new_task comm=+$off_here(%di):string" "$T/s" && grep -qx "e sched/sched_process_exec" "$T/s"'
"$ST" --bundle "$T/b" -S --json >"$T/j" 2>&1
expect "-S --json is JSON with the filter" 'python3 -c "import json,sys; l=[json.loads(x) for x in open(sys.argv[1])]; assert l[0][\"filter\"]==\"comm==\\\"bash\\\"\" and l[1][\"type\"]==\"e\"" "$T/j"'

# A bundle without this kernel: drop its entry, re-sum, and it must be refused by name.
awk -v k="$(uname -r)" '$1=="kernel"{skip=($2==k)} $1=="sha256"{exit} !skip{print} $1=="end"{skip=0}' "$T/b" >"$T/only61"
echo "sha256 $(sha256sum <"$T/only61" | cut -c1-64)" >>"$T/only61"
"$ST" --bundle "$T/only61" -t 1 >/dev/null 2>"$T/e"; rc=$?
expect "a kernel the bundle lacks is refused (exit 1) naming $REL61" '[ $rc = 1 ] && grep -q "no entry for this kernel" "$T/e" && grep -q "$REL61" "$T/e"'
"$ST" --bundle "$T/only61" --list >"$T/l" 2>&1
expect "--list of it still lists 6.1, nothing marked" 'grep -q "^  $REL61 " "$T/l" && ! grep -q "^\*" "$T/l"'

# Damage: a changed byte, a truncated file, a missing digest.
sed '3s/wake_up_new_task/wake_up_new_tasK/' "$T/b" >"$T/bad1"
"$ST" --bundle "$T/bad1" -S >/dev/null 2>"$T/e"; rc=$?
expect "a changed byte: refused (checksum), exit 2" '[ $rc = 2 ] && grep -q checksum "$T/e"'
head -c -30 "$T/b" >"$T/bad2"
"$ST" --bundle "$T/bad2" -S >/dev/null 2>"$T/e"; rc=$?
expect "a truncated file: refused, exit 2" '[ $rc = 2 ] && grep -qi "damaged\|truncated" "$T/e"'
head -n -1 "$T/b" >"$T/bad3"
"$ST" --bundle "$T/bad3" -S >/dev/null 2>"$T/e"; rc=$?
expect "no digest line: refused, exit 2" '[ $rc = 2 ]'

# Hostile but correctly summed: the validator refuses before anything is written.
resum() { head -n -1 "$1" >"$1.x"; echo "sha256 $(sha256sum <"$1.x" | cut -c1-64)" >>"$1.x"; mv "$1.x" "$1"; }
i=0
for subst in 's/^arg comm \(.*\) string 0$/arg comm \1 string;-:kprobes\/x 0/' \
             's/^arg comm +0x[0-9a-f]*(%di)/arg comm +0(%di/' \
             's/^probe 0 p p0 /probe 0 p p0\/..\/x /' \
             's/^filter comm=="bash"$/filter comm=="bash"\x1b[2J/'; do
  i=$((i+1))
  sed "$subst" "$T/b" >"$T/h$i"; resum "$T/h$i"
  if cmp -s "$T/h$i" "$T/b"; then fail "hostile edit $i did not apply"; continue; fi
  "$ST" --bundle "$T/h$i" -t 1 >/dev/null 2>"$T/e" & hpid=$!; wait $hpid; rc=$?
  echo "# $(head -1 "$T/e")"
  expect "hostile bundle $i refused (exit 2)" '[ $rc = 2 ] && grep -q "refusing bundle\|damaged bundle" "$T/e"'
  expect "hostile bundle $i created nothing in tracefs" '! tracefs_state | grep -q "surftrace_$hpid"'
done

# Live: a uprobe with arguments and a trace event, from a bundle.
if need_root_tracefs && cc -O1 -o "$T/up" -x c - <<'C'
volatile int sink;
__attribute__((noinline)) int foo_alpha(int a, long b) { sink = a; return a + (int)b; }
int main(int argc, char **argv) { (void)argv; sink = foo_alpha(argc + 40, 7); return 0; }
C
then
  "$ST" --bundle-out "$T/live" --btf "$BTF61@$REL61" "P $T/up:foo_alpha a=%0 b=%1" \
    "e sched/sched_process_exec f:filename~\"*/up\"" 2>"$T/e"
  "$ST" --bundle "$T/live" -n 4 -t 20 --json >"$T/out" 2>"$T/err" &
  pid=$!
  seen=0
  for _ in $(seq 100); do
    grep -q "surftrace_$pid/p0 $T/up:" $TRACEFS/uprobe_events 2>/dev/null && [ -d $TRACEFS/instances/surftrace_$pid ] && { seen=1; break; }
    sleep 0.1
  done
  expect "the run defined its uprobe in its own group and instance" '[ $seen = 1 ]'
  "$T/up"; "$T/up" x y
  wait $pid; rc=$?
  expect "live bundle run exits 0" '[ $rc = 0 ]'
  expect "uprobe values are what the program passed (a=41,43 b=7)" 'python3 -c "
import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
a=sorted(int(e[\"args\"][\"a\"]) for e in ev if e[\"event\"]==\"p0\")
b={int(e[\"args\"][\"b\"]) for e in ev if e[\"event\"]==\"p0\"}
x=[e for e in ev if e[\"event\"]==\"sched_process_exec\"]
assert a==[41,43] and b=={7} and len(x)==2, (a,b,len(x))" "$T/out"'
  expect "after the live run nothing of it is left in tracefs" '! tracefs_state | grep -q "surftrace_$pid"'
  # -c scopes a bundle's run as it scopes expressions: the command's events, its status
  "$ST" --bundle "$T/live" --json -q -c "sh -c '$T/up x; exit 3'" >"$T/outc" 2>"$T/errc" &
  pid=$!; wait $pid; rc=$?
  expect "--bundle -c: the command's exit status 3 (got $rc: $(head -1 "$T/errc"))" '[ $rc = 3 ]'
  expect "--bundle -c: its uprobe hit with a=42 b=7" 'python3 -c "
import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
assert [(e[\"args\"][\"a\"], e[\"args\"][\"b\"]) for e in ev if e[\"event\"]==\"p0\"]==[(42,7)], ev" "$T/outc"'
  expect "--bundle -c: nothing of it left in tracefs" '! tracefs_state | grep -q "surftrace_$pid"'
  # -o: the bundle's entry as a standalone script, run for real.
  "$ST" --bundle "$T/live" -o "$T/live.sh" -t 4 2>"$T/e"; rc=$?
  expect "--bundle -o writes a valid shell script" '[ $rc = 0 ] && sh -n "$T/live.sh"'
  sh "$T/live.sh" >"$T/sout" 2>&1 &
  spid=$!
  # ready = the probe enabled and the instance on (defined alone is too early)
  I=$TRACEFS/instances/surftrace_$spid
  for _ in $(seq 100); do
    [ "$(cat "$I/events/surftrace_$spid/p0/enable" "$I/tracing_on" 2>/dev/null | tr -d '\n')" = 11 ] && break
    sleep 0.1
  done
  "$T/up" a b c
  wait $spid
  expect "the script traces the uprobe (a=44 b=7)" 'grep -q "p0: .* a=44 b=7" "$T/sout"'
  expect "the script left nothing in tracefs" '! tracefs_state | grep -q "surftrace_$spid"'
else
  skip "live bundle run needs root, tracefs and a C compiler"
fi

# Identity of user binaries (issue 15 item 3). A bundle records which build of each uprobe's
# binary it was made for (readelf -n's build id, else size + sha256sum) and refuses another
# build: here the rebuilt binary lost a 1-byte function before foo_alpha, so the old offset
# is foo_alpha+1, inside a 10-byte movabs: run anyway, the program would die.
if need_root_tracefs && cc -O1 -fno-align-functions -DPAD -o "$T/idb" "$ROOT/tests/discover/idtarget.c"; then
  "$T/idb" 3 >"$T/id_want"
  bid1=$(readelf -n "$T/idb" | awk '/Build ID:/ { print $3 }')
  "$ST" --bundle-out "$T/idbundle" "P $T/idb:foo_alpha a=%0" 2>"$T/e"; rc=$?
  expect "bundle records the binary's build id (readelf -n) and offset 0 from foo_alpha" \
    '[ $rc = 0 ] && grep -qx "binary build-id:$bid1 0" "$T/idbundle" && [ "$(head -1 "$T/idbundle")" = "surftrace-bundle 2" ]'
  "$ST" --bundle "$T/idbundle" -n 3 -t 20 >"$T/id_out" 2>"$T/e" & pid=$!
  for _ in $(seq 100); do grep -q "surftrace_$pid/p0 $T/idb:" $TRACEFS/uprobe_events 2>/dev/null && break; sleep 0.1; done
  "$T/idb" 3 >/dev/null; wait $pid; rc=$?
  expect "same build: the bundle runs and traces a=0,1,2" '[ $rc = 0 ] && [ "$(grep -o "a=[0-9]*" "$T/id_out" | tr "\n" " ")" = "a=0 a=1 a=2 " ]'
  cc -O1 -fno-align-functions -o "$T/idb" "$ROOT/tests/discover/idtarget.c"
  bid2=$(readelf -n "$T/idb" | awk '/Build ID:/ { print $3 }')
  "$ST" --bundle "$T/idbundle" -t 3 >/dev/null 2>"$T/e" & pid=$!
  for _ in $(seq 30); do kill -0 $pid 2>/dev/null || break; grep -q "surftrace_$pid/p0" $TRACEFS/uprobe_events 2>/dev/null && break; sleep 0.1; done
  "$T/idb" 3 >"$T/id_got"; prc=$?
  wait $pid; rc=$?
  echo "# $(head -1 "$T/e")"
  expect "rebuilt binary: refused (exit 2) in one line naming it and both build ids" \
    '[ $rc = 2 ] && [ $(wc -l <"$T/e") = 1 ] && grep -q "$T/idb is not the build it was made for (bundle: build-id:$bid1, here: build-id:$bid2)" "$T/e"'
  expect "rebuilt binary: the program ran unharmed (exit $prc), output intact" '[ $prc = 0 ] && cmp -s "$T/id_want" "$T/id_got"'
  expect "rebuilt binary: nothing of the run in tracefs" '! tracefs_state | grep -q "surftrace_$pid"'
  "$ST" --bundle "$T/idbundle" -o "$T/id.sh" 2>"$T/e"; rc=$?
  expect "rebuilt binary: --bundle -o refused too, no script" '[ $rc = 2 ] && [ ! -e "$T/id.sh" ]'

  # No build id: size and SHA-256 of the file (stat and sha256sum are the oracle).
  cc -O1 -Wl,--build-id=none -o "$T/idn" "$ROOT/tests/discover/idtarget.c"
  "$ST" --bundle-out "$T/idnb" "P $T/idn:foo_alpha" 2>"$T/e"
  sum1="sha256:$(stat -c %s "$T/idn"):$(sha256sum <"$T/idn" | cut -c1-64)"
  expect "without a build id: size and sha256 recorded" 'grep -qx "binary $sum1 0" "$T/idnb"'
  printf 'x' >>"$T/idn"
  sum2="sha256:$(stat -c %s "$T/idn"):$(sha256sum <"$T/idn" | cut -c1-64)"
  "$ST" --bundle "$T/idnb" -t 1 >/dev/null 2>"$T/e"; rc=$?
  expect "without a build id: a changed file is refused naming both" \
    '[ $rc = 2 ] && grep -q "(bundle: $sum1, here: $sum2)" "$T/e"'

  # A summed bundle whose identity line was edited is refused the same way.
  cc -O1 -fno-align-functions -DPAD -o "$T/idb" "$ROOT/tests/discover/idtarget.c"
  sed "s/^binary build-id:$bid1 /binary build-id:$bid2 /" "$T/idbundle" >"$T/idedit"; resum "$T/idedit"
  "$ST" --bundle "$T/idedit" -t 1 >/dev/null 2>"$T/e"; rc=$?
  expect "an edited identity is refused" '[ $rc = 2 ] && grep -q "not the build it was made for" "$T/e"'

  # The same build but an edited offset from the symbol: it goes through the translator's
  # checks again (foo_alpha+1 is inside its first instruction).
  sed "s/^binary build-id:$bid1 0$/binary build-id:$bid1 1/" "$T/idbundle" >"$T/idoff"; resum "$T/idoff"
  "$ST" --bundle "$T/idoff" -t 1 >/dev/null 2>"$T/e"; rc=$?
  expect "an edited symbol offset is checked again (inside an instruction: refused)" \
    '[ $rc = 2 ] && grep -q "foo_alpha+1 is inside an instruction" "$T/e"'

  # Format 1 (before identities): uprobes refused with the reason, kernel probes still load.
  sed '1s/.*/surftrace-bundle 1/; /^binary /d' "$T/idbundle" >"$T/idv1"; resum "$T/idv1"
  "$ST" --bundle "$T/idv1" -S >/dev/null 2>"$T/e"; rc=$?
  expect "format 1 bundle with a uprobe: refused (exit 2) saying why" \
    '[ $rc = 2 ] && grep -q "format 1" "$T/e" && grep -q -- "--bundle-out" "$T/e"'
  sed '1s/.*/surftrace-bundle 1/' "$T/b" >"$T/kv1"; resum "$T/kv1"
  "$ST" --bundle "$T/kv1" -S >/dev/null 2>"$T/e"; rc=$?
  expect "format 1 bundle of kernel probes only: still loads" '[ $rc = 0 ]'

  # As root, only files no other user could have written.
  cp "$T/idbundle" "$T/perm"; chmod 664 "$T/perm"
  "$ST" --bundle "$T/perm" -S >/dev/null 2>"$T/e"; rc=$?
  expect "group-writable bundle refused as root" '[ $rc = 2 ] && grep -q "writable by group or others" "$T/e" && [ $(wc -l <"$T/e") = 1 ]'
  chmod 644 "$T/perm"; chown 65534 "$T/perm"
  "$ST" --bundle "$T/perm" -S >/dev/null 2>"$T/e"; rc=$?
  expect "bundle owned by another user refused as root" '[ $rc = 2 ] && grep -q "owned by uid 65534" "$T/e"'
  chown 0 "$T/perm"
  mkdir -p "$T/open/sub"; chmod 777 "$T/open"; cp "$T/perm" "$T/open/sub/b"
  "$ST" --bundle "$T/open/sub/b" -S >/dev/null 2>"$T/e"; rc=$?
  expect "bundle under a directory others can write refused as root" '[ $rc = 2 ] && grep -q "$T/open" "$T/e"'
  chmod 1777 "$T/open"
  "$ST" --bundle "$T/open/sub/b" -S >/dev/null 2>"$T/e"; rc=$?
  expect "a sticky shared directory (like /tmp) above it is fine" '[ $rc = 0 ]'
  ln -s "$T/perm" "$T/plink"
  "$ST" --bundle "$T/plink" -S >/dev/null 2>"$T/e"; rc=$?
  expect "a bundle reached through a symbolic link is refused as root" '[ $rc = 2 ] && grep -q "symbolic link" "$T/e"'
else
  skip "bundle identities need root, tracefs and a C compiler"
fi
tap_done
