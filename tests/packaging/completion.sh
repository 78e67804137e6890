#!/bin/bash
# SPDX-License-Identifier: MIT
# Bash completion (completion/surftrace.bash): bash with the script sourced, the completion
# functions called as bash calls them (COMP_WORDS, COMP_CWORD, $1 $2 $3), COMPREPLY
# compared with independent sources: the commands' --help, tracefs events/, the binary's
# own dynamic symbols (nm -D), the kernel's BTF (bpftool), the file system. One check
# drives a real interactive bash in tmux.
source "$(dirname "$0")/../lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"; tmux -L "pk$$" kill-server 2>/dev/null' EXIT
ST=$ROOT/$B/surftrace SG=$ROOT/$B/surfguide LBC=$ROOT/$B/lbc
# comp FUNC WORD...: complete the last WORD; prints COMPREPLY one per line, sorted.
comp() {
  local fn=$1; shift
  bash --norc --noprofile -c '
    source "$1"; fn=$2; shift 2
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    prev=""; [ $COMP_CWORD -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
    "$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "$prev"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$ROOT/completion/surftrace.bash" "$fn" "$@" | sed '/^$/d' | sort
}
helpopts() { "$1" --help 2>&1 | grep -oE '(^|[][ ,(])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[][ ,(]*//' | sort -u; }

# Options: exactly what --help lists.
for pair in "$ST:_surftrace" "$SG:_surftrace"; do
  cmd=${pair%%:*} fn=${pair##*:}
  got=$(comp "$fn" "$cmd" -); want=$(helpopts "$cmd")
  if [ -n "$got" -a "$got" = "$want" ]; then ok "$(basename "$cmd") -<Tab>: the $(wc -l <<<"$got") options of --help"
  else fail "$(basename "$cmd") options: $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | head -5 | tr '\n' ' ')"; fi
done
got=$(comp _surftrace "$ST" --vers)
check "surftrace --vers<Tab> -> --version ($got)" [ "$got" = "--version" ]
got=$(comp _lbc "$LBC" run --j)
check "lbc run --j<Tab> -> --json ($got)" [ "$got" = "--json" ]
got=$(comp _lbc "$LBC" "" | tr '\n' ' ')
check "lbc <Tab>: the commands ($got)" [ "$got" = "--help --version build run vmlinux " ]
got=$(comp _surftrace "$ST" --count "comm,p" | tr '\n' ' ')
check "--count comm,p<Tab> -> comm,pid ($got)" [ "$got" = "comm,pid " ]
got=$(comp _surftrace "$ST" -a "" | tr '\n' ' ')
check "-a <Tab>: architectures ($got)" [ "$got" = "aarch64 x86_64 " ]

# Files after options that take one, BPF programs for lbc.
mkdir -p "$t/d/sub"; touch "$t/d/exprs.surf" "$t/d/prog.bpf.c" "$t/d/prog.bpf.o" "$t/d/notes.txt"
got=$(comp _surftrace "$ST" -f "$t/d/ex")
check "-f <Tab>: files ($got)" [ "$got" = "$t/d/exprs.surf" ]
got=$(comp _surftrace "$ST" --btf "$t/d/n")
check "--btf <Tab>: files ($got)" [ "$got" = "$t/d/notes.txt" ]
got=$(comp _lbc "$LBC" run "$t/d/" | tr '\n' ' ')
check "lbc run <Tab>: .bpf.c/.bpf.o and directories only ($got)" \
  [ "$got" = "$t/d/prog.bpf.c $t/d/prog.bpf.o $t/d/sub/ " ]

# Kernel functions (-l, -F, and a 'p' target): the kernel's own list, via surftrace -l.
got=$(comp _surftrace "$ST" -S "p do_filp_o")
check "'p do_filp_o<Tab> -> 'p do_filp_open' ($got)" [ "$got" = "p do_filp_open" ]
got=$(comp _surftrace "$ST" -F "vfs_rea")
want=$(grep -E ' [tT] vfs_rea' /proc/kallsyms | awk '{print $3}' | grep -vE '\.' | sort -u)
missing=$(comm -23 <(echo "$want") <(echo "$got") | tr '\n' ' ')
check "-F vfs_rea<Tab>: every vfs_rea* text symbol of /proc/kallsyms ($(echo $got))${missing:+; missing $missing}" \
  [ -n "$want" -a -z "$missing" ]
# Events: tracefs events/ is the oracle.
if [ -d $TRACEFS/events/sched ]; then
  got=$(comp _surftrace "$ST" "e sched/sched_s")
  want=$(ls $TRACEFS/events/sched | grep '^sched_s' | sed 's|^|e sched/|' | sort)
  check "'e sched/sched_s<Tab>: the events in tracefs ($(wc -l <<<"$got"))" [ -n "$got" -a "$got" = "$want" ]
  got=$(comp _surftrace "$ST" "e sch")
  check "'e sch<Tab> (one group): its events ($(wc -l <<<"$got"))" \
    [ "$got" = "$(ls $TRACEFS/events/sched | grep -v -e enable -e filter | sed 's|^|e sched/|' | sort)" ]
else
  skip "event completion (no tracefs)"; skip "group completion (no tracefs)"
fi
# A binary's symbols: nm -D of the binary is the oracle.
got=$(comp _surftrace "$ST" "P /bin/bash:readline_internal_")
want=$(nm -D --defined-only /bin/bash | awk '{print $3}' | grep '^readline_internal_' | sed 's|^|P /bin/bash:|' | sort -u)
missing=$(comm -23 <(echo "$want") <(echo "$got") | tr '\n' ' ')
check "'P /bin/bash:readline_internal_<Tab>: bash's symbols ($(wc -l <<<"$got"))${missing:+; missing $missing}" \
  [ -n "$want" -a -z "$missing" ]
got=$(comp _surftrace "$ST" "R /bin/bas")
check "'R /bin/bas<Tab>: binaries, ':' appended ($(echo $got | head -c 80))" grep -qx "R /bin/bash:" <<<"$got"
# Struct names: bpftool's dump of the kernel BTF is the oracle.
got=$(comp _surftrace "$ST" --struct "task_st")
if command -v bpftool >/dev/null; then
  want=$(bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | sed -nE "s/^\[[0-9]+\] (STRUCT|UNION) '(task_st[^']*)'.*/\2/p" | sort -u)
  missing=$(comm -23 <(echo "$want") <(echo "$got") | tr '\n' ' ')
  if [ -n "$want" -a -z "$missing" ] && grep -qx task_struct <<<"$got"; then
    ok "--struct task_st<Tab>: the kernel's struct names ($(echo $got))"
  else
    fail "--struct task_st<Tab>: the kernel's struct names ($(echo $got))${missing:+; missing $missing}"
  fi
else
  check "--struct task_st<Tab> includes task_struct" grep -qx task_struct <<<"$got"
fi
got=$(comp _surftrace "$ST" hi)
check "surftrace hi<Tab> -> hive ($got)" [ "$got" = "hive" ]
got=$(comp _surftrace "$ST" graph vfs_rea | tr '\n' ' ')
check "surftrace graph vfs_rea<Tab>: functions ($got)" grep -q "vfs_read " <<<"$got"
got=$(comp _surftrace "$ST" -w "$t/d/no")
check "-w <Tab>: files ($got)" [ "$got" = "$t/d/notes.txt" ]
got=$(comp _surftrace "$ST" hive "" | tr '\n' ' ')
check "surftrace hive <Tab>: add list rm ($got)" [ "$got" = "add list rm " ]
got=$(comp _surftrace "$ST" btfgen "$t/d/pr" | tr '\n' ' ')
check "surftrace btfgen <Tab>: files ($got)" [ "$got" = "$t/d/prog.bpf.c $t/d/prog.bpf.o " ]
got=$(comp _surftrace "$ST" "" | tr '\n' ' ')
check "first word <Tab>: the probe types ($got)" [ "$got" = "P R e p r " ]
# Real bash, real keys: the quoted expression completes in place.
if command -v tmux >/dev/null && [ -d $TRACEFS/events/sched/sched_switch ]; then
  S="pk$$"
  tmux -L "$S" new-session -d -s t -x 200 -y 20 "bash --norc --noprofile"
  tmux -L "$S" send-keys -t t "source $ROOT/completion/surftrace.bash; PS1='> '; cd $ROOT/$B" Enter
  sleep 0.3
  tmux -L "$S" send-keys -t t "./surftrace -S 'e sched/sched_swi" Tab
  for i in 1 2 3 4 5 6 7 8 9 10; do
    line=$(tmux -L "$S" capture-pane -p -t t | grep '^> ./surftrace' | tail -1)
    [[ $line == *sched_switch* ]] && break; sleep 0.2
  done
  check "interactive bash: ./surftrace -S 'e sched/sched_swi<Tab> -> '$line'" \
    [ "$line" = "> ./surftrace -S 'e sched/sched_switch'" ]
  tmux -L "$S" kill-server
else
  skip "interactive completion (no tmux or tracefs)"
fi
tap_done
