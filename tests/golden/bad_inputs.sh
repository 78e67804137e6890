#!/bin/bash
# SPDX-License-Identifier: MIT
# Bad input: each line must fail with exit status 2, one message line on stderr naming the
# column of the offending token and the expected message, followed by the expression and a
# caret under that column (as clang and bpftrace do), and leave tracefs untouched.
source "$(dirname "$0")/../lib.sh"
T=$(mktemp -d /tmp/st_bad.XXXXXX); trap 'rm -rf "$T"' EXIT
pids=()
n=0
while IFS='|' read -r expr col re; do
  [ -z "$expr" ] || [ "${expr:0:1}" = "#" ] && continue
  n=$((n+1))
  "$ST" -S "$expr" >/dev/null 2>"$T/err" & pids+=($!); wait $!; rc=$?
  err=$(cat "$T/err")
  lines=$(printf '%s\n' "$err" | wc -l)
  first=$(head -1 <<<"$err")
  # like a compiler: the message, the expression echoed, a caret under the column
  echo_ok=0; cpos=$(sed -n 3p <<<"$err" | awk '{ print index($0, "^") }')
  [ "$(sed -n 2p <<<"$err")" = "$expr" ] && [ "$cpos" = "$col" ] && echo_ok=1
  if [ $rc -eq 2 ] && [ "$lines" -eq 3 ] && [ $echo_ok = 1 ] && grep -q "column $col:" <<<"$first" && grep -Eq -- "$re" <<<"$first"; then
    ok "$expr -> $first"
  else
    fail "$expr: rc=$rc lines=$lines err=[$err] wanted column $col /$re/ and a caret at $col"
  fi
done <<'CASES'
x wake_up_new_task|1|unknown probe type 'x'
p|2|missing probe target
p wake_up_new_tsk|3|not a traceable kernel function; did you mean 'wake_up_new_task'
p wake_up_new_task comm|20|missing '=' after argument name 'comm'
p wake_up_new_task comm=%0->comn|29|no member 'comn'; did you mean 'comm'
p wake_up_new_task c=%0.comm|24|is a pointer: use '->comm'
p wake_up_new_task c=%0->se->vruntime|28|is not a pointer: use '.vruntime'
p wake_up_new_task c=%5|22|%5 is past the arguments of wake_up_new_task, which has 1
p wake_up_new_task c=%zz|22|'%zz' is not a register of x86_64
p wake_up_new_task c=%dii|22|did you mean '%di'
p wake_up_new_task c=$retval|22|\$retval exists only in return probes
r wake_up_new_task c=%0|22|arguments are not available at return
p wake_up_new_task c=%0->comm[16]|31|index 16 is out of bounds: the array has 16 elements
p wake_up_new_task c=%0->comm[-1]|31|negative index
p wake_up_new_task c=%0->comm f:com=="x"|33|unknown variable 'com' in filter; did you mean 'c'
p wake_up_new_task c=%0->comm f:c==1|36|'c' is a string
p wake_up_new_task c=%0->pid f:c=="x"|35|'c' is a number
p wake_up_new_task c=%0->pid f:c==1.2.3.4|35|only ip_ variables take dotted addresses
p wake_up_new_task ip_c=%0->pid f:ip_c==1.2.3.400|41|bad IPv4 address '1.2.3.400'
p wake_up_new_task c=%0->pid f:(c==1|32|unbalanced '\('
p wake_up_new_task c=%0->pid f:c==|35|missing value after '=='
p wake_up_new_task c=!(struct nosuch *)%0->x|22|unknown type 'struct nosuch'
p wake_up_new_task c=%0->se|22|cannot be printed as one value; pick a member
p do_filp_open n=$pathnam|18|no argument '\$pathnam'; did you mean '\$pathname'
p wake_up_new_task c=%0->pid c=%0->tgid|30|duplicate argument name 'c'
p wake_up_new_task common_pid=%0|20|'common_pid' is reserved
p __netif_receive_skb c=@(struct ethhdr *)l3%0->h_proto|25|layer 2 header but the mark l3
p __netif_receive_skb c=@(struct sk_buff *)%0->len|25|must name a packet header pointer
p __netif_receive_skb c=@(struct iphdr *)l5%0->ttl|42|unknown skb layer 'l5'
p __netif_receive_skb c=@(struct iphdr *)%0->sdata|25|packet data needs an index
p __netif_receive_skb_core c=@(struct iphdr *)%0->ttl|47|needs a 'struct sk_buff \*' but this argument is 'struct sk_buff \*\*'
e sched/nosuch|3|no trace event matches 'sched/nosuch'
e sched/sched_swich|3|no trace event matches 'sched/sched_swich'; did you mean 'sched/sched_switch'\?
e sched/sched_switch x=%0|22|trace events print their own fields
e sched/sched_switch f:prev_pidd>0|24|did you mean 'prev_pid'
p wake_up_new_task c="%0|22|expected '%N', '%reg', '\$name' or '@symbol'
r wake_up_new_task+4|3|a return probe cannot have an offset
p wake_up_new_task f:b16_x==1|22|unknown variable 'b16_x'
p wake_up_new_task b16_x=%0->pid f:b16_x==70000|43|does not fit the 16 bits
P /nonexistent/bin:main|3|no such file
P /bin/true:no_such_symbol_x|3|no symbol 'no_such_symbol_x'
R /bin/true:main+4|3|a return probe cannot have an offset \(\+4\); use 'P /bin/true:main\+4'
p do_filp_open n=$pathname[4444444444444444444]->name|28|index 4444444444444444444 is too large: a fetch offset must fit in 32 bits
p wake_up_new_task c=%0[|25|expected an index after '\['
p wake_up_new_task c=%0->pid->x|29|needs a pointer to a struct
p wake_up_new_task c=%0->comm->x|30|needs a pointer to a struct
p __pfx_wake_up_new_task|3|is the padding in front of 'wake_up_new_task', not a function; trace 'wake_up_new_task'
p wake_up_new_task c=%0->comm f:c>"x"|34|'c' is a string: it takes ==, != or ~ \(glob\), not '>'
p wake_up_new_task c=%0->comm f:c&1|34|'c' is a string: it takes ==, != or ~
p wake_up_new_task a=%0->pid f:a~1|33|'a' is a number: ~ \(glob\) is for strings
p wake_up_new_task ip_c=%0->comm f:ip_c==1.2.3.4|42|'ip_c' is a string; an address \(1.2.3.4\) compares with a 32-bit number
e sched/sched_switch f:prev_comm>="x"|33|'prev_comm' is a string: it takes ==, != or ~
e sched/sched_switch f:prev_pid~"x*"|32|'prev_pid' is a number: ~ \(glob\) is for strings
p do_filp_open+121 n=$pathname->name|22|at do_filp_open\+121 the arguments are no longer in their entry registers and there is no DWARF to locate them \(give a debuginfo vmlinux with --vmlinux FILE\); read a register \(%ax, %bx, ...\) and see 'surftrace -F do_filp_open'
p do_filp_open+121 d=%0|22|at do_filp_open\+121 the arguments are no longer in their entry registers
p do_filp_open a=X$comm|18|'X' formats a number, and \$comm is a string: drop the 'X'
r synchronize_rcu a=$retval|21|synchronize_rcu returns void: there is no \$retval
p do_filp_open a=@init_task.comm|28|'@init_task' has no type .*cast it to its type: !\(struct NAME\)@init_task.comm
p ip_rcv a=@(struct iphdr *)l3%bx->saddr|31|this value has no type; give it one after the layer: @\(struct iphdr \*\)l3!\(struct sk_buff \*\)
CASES
# -S writes nothing: none of these runs left an instance, group or probe of its own (checked
# on their own names: other suites may change tracefs meanwhile)
if need_root_tracefs; then run_gone "tracefs has nothing of the $n bad inputs" "${pids[@]}"
else skip "tracefs check needs root"; fi
tap_done
