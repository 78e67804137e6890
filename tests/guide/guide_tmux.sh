#!/bin/bash
# SPDX-License-Identifier: MIT
# surfguide driven through tmux (send-keys, capture-pane): Tab completion of functions,
# members, arguments and events, the live translation line, an error shown with its
# column, a live run of a trace event, .surf save/load, surftrace -i.
# Expected values come from the kernel (kallsyms, bpftool's BTF dump, tracefs), never from
# surfguide itself. Runs on a private tmux server that the suite kills at the end.
. "$(dirname "$0")/../lib.sh"
SG="$ROOT/$B/surfguide"
TM="tmux -L surfguide_test_$$ -f /dev/null"
TMP=$(mktemp -d)
BTF=/sys/kernel/btf/vmlinux
cleanup() { $TM kill-server 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

if ! command -v tmux >/dev/null || [ ! -x "$SG" ]; then
  fail "tmux or $SG missing"; tap_done; exit 1
fi

pane() { $TM capture-pane -p -J -t g 2>/dev/null; }
# The input line: the last prompt on screen.
input() { pane | grep '^surfguide> ' | tail -1; }
# Poll the screen for a pattern; the bound only stops a hung test.
wait_for() { local i; for i in $(seq 1 150); do pane | grep -qE -- "$1" && return 0; sleep 0.1; done; return 1; }
wait_input() { local i; for i in $(seq 1 150); do input | grep -qE -- "$1" && return 0; sleep 0.1; done; return 1; }
keys() { $TM send-keys -t g "$@"; }
start() { $TM new-session -d -s g -x 250 -y 60 "$*"; wait_for '^surfguide> '; }
# The BTF as bpftool dumps it (the independent oracle), once.
bpftool btf dump file $BTF format raw > "$TMP/btf.txt" 2>/dev/null
# Lines of the members/parameters of the type whose header matches KIND 'NAME'.
type_body() { awk -v k="$1" -v n="'$2'" '$2 == k && $3 == n { on = 1; next } on && /^\t/ { print; next } on { exit }' "$TMP/btf.txt"; }
by_id() { awk -v id="[$1]" '$1 == id { on = 1; next } on && /^\t/ { print; next } on { exit }' "$TMP/btf.txt"; }
names_of() { awk '{ n = $1; gsub("\047", "", n); print n }'; }
members() { type_body STRUCT "$1" | names_of; }
member_off() { type_body STRUCT "$1" | awk -v m="'$2'" '$1 == m { sub("bits_offset=", "", $3); print $3 / 8 }'; }
func_params() {
  local id
  id=$(awk -v n="'$1'" '$2 == "FUNC" && $3 == n { sub("type_id=", "", $4); print $4; exit }' "$TMP/btf.txt")
  [ -n "$id" ] && by_id "$id" | names_of
}

check "surfguide starts and prompts" start "$SG"

# 1. function name completion
if grep -qE ' do_filp_open$' /proc/kallsyms; then
  keys 'p do_filp_op' Tab
  check "Tab completes do_filp_op to do_filp_open" wait_input '^surfguide> p do_filp_open ?$'
else
  skip "do_filp_open not in kallsyms"
fi

# 2. member completion after ->: the unique member of struct filename starting with "na"
want=$(members filename | grep '^na' )
if [ "$(echo "$want" | wc -l)" = 1 ] && [ -n "$want" ]; then
  keys ' dfd=%0 name=%1->na' Tab
  check "Tab completes %1->na to ->$want" wait_input "name=%1->$want ?\$"
  # 3. the status line under the input shows the translation, with the BTF offset
  off=$(member_off filename "$want")
  offx=$(printf '0x%x' "$off")
  check "status line shows the translated probe line" \
    wait_for "=> p:p0 do_filp_open dfd=%di:s32 name=\+0\(\+($off|$offx)\(%si\)\):string"
else
  skip "struct filename has no unique 'na' member in this BTF"
fi

# 4. an error is shown in place with its column (computed here from the text)
keys C-u
line='p do_filp_open name=%1->nam'
col=$(( $(awk -v s="$line" 'BEGIN { print index(s, "->nam") }') + 2 ))
keys "$line"
check "error shown with its column ($col)" wait_for "!! col $col: .*nam"
keys C-u

# 5. argument list with types after %: names from the BTF prototype
keys 'p do_filp_open x=%' Tab Tab
names=$(func_params do_filp_open | tr "\n" " ")
okn=0; for n in $names; do wait_for "^  %[0-9]+ .*\b$n\$" && okn=$((okn+1)); done
[ -n "$names" ] && [ "$okn" = "$(echo $names | wc -w)" ] && ok "Tab Tab lists %N with argument names ($names)" || fail "argument list: wanted $names"
keys C-u

# 6. trace event completion against tracefs
if need_root_tracefs && [ -d $TRACEFS/events/sched/sched_process_exec ]; then
  keys 'e sched/sched_process_exe' Tab
  check "Tab completes the event sched/sched_process_exec" wait_input '^surfguide> e sched/sched_process_exec ?$'
  keys C-u
  # 7. Enter runs it live; a marker binary we exec shows up; Ctrl-C stops, nothing left
  mark="guidemark$$"
  cp /bin/true "$TMP/$mark"
  keys "e sched/sched_process_exec f:filename~\"*$mark*\"" Enter
  if wait_for 'running 1 expression'; then
    # the run is surfguide's child: its instance is named after its pid
    sgpid=$($TM list-panes -t g -F '#{pane_pid}')
    kid=""
    for i in $(seq 1 50); do
      kid=$(pgrep -P "$sgpid" -x surftrace || pgrep -P "$(pgrep -P "$sgpid" | head -1)" -x surftrace)
      [ -n "$kid" ] && [ -d "$TRACEFS/instances/surftrace_$kid" ] && break
      sleep 0.1
    done
    check "the run has its own instance surftrace_$kid" test -n "$kid" -a -d "$TRACEFS/instances/surftrace_$kid"
    seen=1
    for i in $(seq 1 50); do
      "$TMP/$mark"
      pane | grep -q "sched_process_exec: filename=$TMP/$mark" && { seen=0; break; }
      sleep 0.1
    done
    check "Enter runs the expression and shows live events" test $seen = 0
  else
    fail "Enter did not start a run"
  fi
  keys C-c
  check "Ctrl-C ends the run and the prompt returns" wait_input '^surfguide> $'
  gone=1
  for i in $(seq 1 50); do
    [ ! -e "$TRACEFS/instances/surftrace_$kid" ] && ! grep -q "surftrace_$kid" $TRACEFS/dynamic_events && { gone=0; break; }
    sleep 0.1
  done
  check "its instance is gone after Ctrl-C" test -n "$kid" -a $gone = 0
  # :run runs the whole list in one surftrace: two events of a second marker
  m2="gm2_$$"
  cp /bin/true "$TMP/$m2"
  keys ":clear" Enter ":add e sched/sched_process_exec f:filename~\"*$m2*\"" Enter
  keys ":add e sched/sched_process_exit f:comm~\"$m2*\"" Enter ":run" Enter
  if wait_for 'running 2 expressions'; then
    seen=1
    for i in $(seq 1 50); do
      "$TMP/$m2"
      pane | grep -q "sched_process_exec: filename=$TMP/$m2" &&
        pane | grep -q "sched_process_exit: comm=$m2" && { seen=0; break; }
      sleep 0.1
    done
    check ":run shows the events of both expressions" test $seen = 0
  else
    fail ":run did not start"
  fi
  keys C-c
  check "Ctrl-C ends the :run" wait_input '^surfguide> $'
  keys ":clear" Enter
else
  skip "no root/tracefs: event completion"; skip "instance"; skip "live run"; skip "Ctrl-C"; skip "tracefs clean"; skip ":run"; skip ":run Ctrl-C"
fi

# 8. uprobe lines: symbols of a binary and members from its DWARF; the struct is
# declared right here, so the expected members are known without asking surfguide
cat > "$TMP/app.c" <<'CEOF'
struct point { int x, y; const char *label; };
struct shape { struct point *origin; struct point corner; unsigned flags:3; };
int __attribute__((noinline)) shape_area(struct shape *s, int scale)
{ return s->corner.x * s->corner.y * scale; }
int main(void) { struct point p = { 1, 2, "p" }; struct shape s = { &p, { 3, 4, "c" }, 1 };
  return shape_area(&s, 2) == 0; }
CEOF
if gcc -g -O0 -o "$TMP/app" "$TMP/app.c" 2>/dev/null; then
  keys C-u "P $TMP/app:shape_ar" Tab
  check "Tab completes a symbol of the binary" wait_input "P $TMP/app:shape_area ?\$"
  keys ' a=%0->' Tab
  if wait_for '^  corner +struct point corner$' && pane | grep -qE '^  flags +unsigned int flags:3$' &&
     pane | grep -qE '^  origin +struct point \*origin$'; then
    ok "Tab lists the DWARF members origin, corner, flags with their types"
  else
    fail "Tab lists the DWARF members origin, corner, flags with their types"
  fi
  keys 'origin->la' Tab
  check "member of a member completes (origin->label)" wait_input 'a=%0->origin->label ?$'
  keys C-u
else
  skip "no gcc: uprobe completion"; skip "uprobe members"; skip "nested member"
fi

# 9. .surf save and load; the file is checked as text, the list after :load on screen
keys C-u ":clear" Enter ":add e sched/sched_switch f:prev_pid==1" Enter
keys ":add p do_filp_open dfd=%0" Enter
keys ":save $TMP/a.surf" Enter
check ":save reports" wait_for "saved 2 expressions to $TMP/a.surf"
check ".surf file holds the expressions, one a line" \
  test "$(grep -v '^#' "$TMP/a.surf")" = "$(printf '%s\n' 'e sched/sched_switch f:prev_pid==1' 'p do_filp_open dfd=%0')"
printf '# hand written\ne sched/sched_wakeup\n\np wake_up_new_task comm=%%0->comm f:comm=="a b#c"\n' > "$TMP/b.surf"
keys ":clear" Enter ":load $TMP/b.surf" Enter
check ":load reads a hand-written file" wait_for "loaded 2 expressions from $TMP/b.surf"
check ":load lists expression 1 with '#' in a string kept" wait_for '^\[1\] p wake_up_new_task comm=%0->comm f:comm=="a b#c"$'
keys ":clear" Enter ":load $TMP/a.surf" Enter ":list" Enter
check "reload of the saved file lists it" wait_for '^\[1\] p do_filp_open dfd=%0$'

# Ctrl-C at the prompt drops the line; the next prompt starts on a clean row
keys 'p do_fil'
wait_input 'p do_fil$' >/dev/null
keys C-c
check "Ctrl-C at the prompt gives an empty prompt" wait_input "^surfguide> \$"
keys ':list' Enter
check "the next line is drawn clean" wait_for '^surfguide> :list$'

# 10. :quit ends the program
keys ":quit" Enter
for i in $(seq 1 50); do $TM has-session -t g 2>/dev/null || break; sleep 0.1; done
! $TM has-session -t g 2>/dev/null && ok ":quit leaves" || fail ":quit did not leave"

# 11. surftrace -i is the same guide
if [ -x "$ST" ]; then
  check "surftrace -i starts the guide" start "$ST -i"
  keys 'e sched/sched_process_exe' Tab
  if [ -d $TRACEFS/events/sched ]; then
    check "surftrace -i completes events" wait_input 'e sched/sched_process_exec ?$'
  else
    skip "no tracefs"
  fi
  keys C-u C-d
fi
tap_done
