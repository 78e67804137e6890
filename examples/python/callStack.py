#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""callStack (seed 6.3.5): the kernel stack of every new task, symbolized.

struct data_t carries a stack id from LBC_STACK(call_stack); getStacks(id) gives frames.
  sudo PYTHONPATH=build/python python3 examples/python/callStack.py -t 5
"""
import ctypes as ct

from pylcc.lbcBase import ClbcBase

from _pylcc_common import parser, until

DATA = r"""
#include "lbc.h"
#define TASK_COMM_LEN 16
struct data_t {
    u32 c_pid;
    u32 p_pid;
    char c_comm[TASK_COMM_LEN];
    char p_comm[TASK_COMM_LEN];
    u32 stack_id;
};

LBC_PERF_OUTPUT(e_out, struct data_t, 128);
LBC_STACK(call_stack, 1024);
"""

KPROBE = DATA + r"""
SEC("kprobe/wake_up_new_task")
int j_wake_up_new_task(struct pt_regs *ctx)
{
    struct task_struct* parent = (struct task_struct *)PT_REGS_PARM1(ctx);
    struct data_t data = {};

    data.c_pid = bpf_get_current_pid_tgid() >> 32;
    bpf_get_current_comm(&data.c_comm, TASK_COMM_LEN);
    data.p_pid = BPF_CORE_READ(parent, pid);
    bpf_core_read(&data.p_comm[0], TASK_COMM_LEN, &parent->comm[0]);
    data.stack_id = bpf_get_stackid(ctx, &call_stack, KERN_STACKID_FLAGS);
    bpf_perf_event_output(ctx, &e_out, BPF_F_CURRENT_CPU, &data, sizeof(data));
    return 0;
}

char _license[] SEC("license") = "GPL";
"""

TRACEPOINT = DATA + r"""
SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
    struct data_t data = {};

    data.c_pid = bpf_get_current_pid_tgid() >> 32;
    bpf_get_current_comm(&data.c_comm, TASK_COMM_LEN);
    data.p_pid = child->pid;
    bpf_probe_read_kernel_str(data.p_comm, TASK_COMM_LEN, child->comm);
    data.stack_id = bpf_get_stackid(ctx, &call_stack, KERN_STACKID_FLAGS);
    bpf_perf_event_output(ctx, &e_out, BPF_F_CURRENT_CPU, &data, sizeof(data));
    return 0;
}

char _license[] SEC("license") = "GPL";
"""


class CcallStack(ClbcBase):
    def __init__(self, kprobe=False):
        super(CcallStack, self).__init__("callStack", bpf_str=KPROBE if kprobe else TRACEPOINT)

    def _cb(self, cpu, data, size):
        e = self.maps['e_out'].event(ct.string_at(data, size))
        print("current pid:%d, comm:%s. wake_up_new_task pid: %d, common: %s" % (
            e.c_pid, e.c_comm, e.p_pid, e.p_comm))
        stacks = self.maps['call_stack'].getStacks(e.stack_id)
        print("call trace:")
        for s in stacks:
            print(s)
        print("", flush=True)

    def loop(self, args):
        self.maps['e_out'].open_perf_buffer(self._cb)
        try:
            while until(args):
                self.maps['e_out'].perf_buffer_poll(100)
        except KeyboardInterrupt:
            print("key interrupt.")
        self.maps['e_out'].perf_buffer_poll(0)   # what the last wait left in the buffers


if __name__ == "__main__":
    args = parser(__doc__).parse_args()
    CcallStack(args.kprobe).loop(args)
