#!/bin/bash
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
  # -o: the bundle's entry as a standalone script, run for real.
  "$ST" --bundle "$T/live" -o "$T/live.sh" -t 4 2>"$T/e"; rc=$?
  expect "--bundle -o writes a valid shell script" '[ $rc = 0 ] && sh -n "$T/live.sh"'
  sh "$T/live.sh" >"$T/sout" 2>&1 &
  spid=$!
  for _ in $(seq 100); do grep -q "surftrace_$spid/p0" $TRACEFS/uprobe_events 2>/dev/null && break; sleep 0.1; done
  "$T/up" a b c
  wait $spid
  expect "the script traces the uprobe (a=44 b=7)" 'grep -q "p0: .* a=44 b=7" "$T/sout"'
  expect "the script left nothing in tracefs" '! tracefs_state | grep -q "surftrace_$spid"'
else
  skip "live bundle run needs root, tracefs and a C compiler"
fi
tap_done
