#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""hello (seed 6.3.1): bpf_printk a line for every new task.

The program's bpf_printk lines are read from lbc's private ftrace instance and printed.
  sudo PYTHONPATH=build/python python3 examples/python/hello.py -t 5
"""
from pylcc.lbcBase import ClbcBase

from _pylcc_common import parser, until

KPROBE = r"""
#include "lbc.h"

SEC("kprobe/wake_up_new_task")
int j_wake_up_new_task(struct pt_regs *ctx)
{
    struct task_struct* parent = (struct task_struct *)PT_REGS_PARM1(ctx);

    bpf_printk("hello lcc, parent: %d\n", _(parent->tgid));
    return 0;
}

char _license[] SEC("license") = "GPL";
"""

TRACEPOINT = r"""
#include "lbc.h"

SEC("tracepoint/sched/sched_process_fork")
int hello(struct trace_event_raw_sched_process_fork *ctx)
{
    bpf_printk("hello lcc, parent: %d child: %d\n", ctx->parent_pid, ctx->child_pid);
    return 0;
}

char _license[] SEC("license") = "GPL";
"""


class Chello(ClbcBase):
    def __init__(self, kprobe):
        super(Chello, self).__init__("hello", bpf_str=KPROBE if kprobe else TRACEPOINT)


if __name__ == "__main__":
    args = parser(__doc__).parse_args()
    hello = Chello(args.kprobe)
    try:
        while until(args):
            hello.poll(100)          # prints the bpf_printk lines
    except KeyboardInterrupt:
        pass
    hello.poll(0)                    # what the last wait left in the buffer
