#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""eventOut (seed 6.3.2): a perf buffer of struct data_t, decoded by its BTF type.

Prints "current pid:%d, comm:%s. wake_up_new_task pid: %d, comm: %s" per new task.
  sudo PYTHONPATH=build/python python3 examples/python/eventOut.py -t 5
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
};

LBC_PERF_OUTPUT(e_out, struct data_t, 128);
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
    bpf_perf_event_output(ctx, &e_out, BPF_F_CURRENT_CPU, &data, sizeof(data));
    return 0;
}

char _license[] SEC("license") = "GPL";
"""


class CeventOut(ClbcBase):
    def __init__(self, kprobe=False):
        super(CeventOut, self).__init__("eventOut", bpf_str=KPROBE if kprobe else TRACEPOINT)

    def _cb(self, cpu, data, size):
        stream = ct.string_at(data, size)
        e = self.maps['e_out'].event(stream)
        print("current pid:%d, comm:%s. wake_up_new_task pid: %d, comm: %s" % (
            e.c_pid, e.c_comm, e.p_pid, e.p_comm), flush=True)

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
    CeventOut(args.kprobe).loop(args)
