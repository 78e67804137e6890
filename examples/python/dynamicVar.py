#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""dynamicVar (seed 6.3.3): report only the new tasks of one parent process.

The original substituted FILTER_PID in the source text (one compile per pid); here the
pid is a `const volatile` global set before load (set={"filter_pid": PID}), so the
compiled object, and its cache entry, is the same for every pid.
  sudo PYTHONPATH=build/python python3 examples/python/dynamicVar.py $(pgrep -o bash)
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

const volatile u32 filter_pid = 0;
LBC_PERF_OUTPUT(e_out, struct data_t, 128);
"""

KPROBE = DATA + r"""
SEC("kprobe/wake_up_new_task")
int j_wake_up_new_task(struct pt_regs *ctx)
{
    struct task_struct* parent = (struct task_struct *)PT_REGS_PARM1(ctx);
    struct data_t data = {};
    u32 pid = BPF_CORE_READ(parent, tgid);

    if (pid != filter_pid)
        return 0;
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
SEC("raw_tp/sched_process_fork")
int on_fork(struct bpf_raw_tracepoint_args *ctx)
{
    struct task_struct *child = (struct task_struct *)ctx->args[1];
    struct data_t data = {};

    data.c_pid = bpf_get_current_pid_tgid() >> 32;
    if (filter_pid && data.c_pid != filter_pid)
        return 0;
    bpf_get_current_comm(&data.c_comm, TASK_COMM_LEN);
    data.p_pid = BPF_CORE_READ(child, pid);
    bpf_core_read_str(data.p_comm, TASK_COMM_LEN, &child->comm);
    bpf_perf_event_output(ctx, &e_out, BPF_F_CURRENT_CPU, &data, sizeof(data));
    return 0;
}

char _license[] SEC("license") = "GPL";
"""


class CdynamicVar(ClbcBase):
    def __init__(self, pid, kprobe=False):
        super(CdynamicVar, self).__init__("dynamicVar", bpf_str=KPROBE if kprobe else TRACEPOINT,
                                          set={"filter_pid": pid})

    def _cb(self, cpu, data, size):
        e = self.maps['e_out'].event(ct.string_at(data, size))
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
    ap = parser(__doc__)
    ap.add_argument("pid", type=int, help="parent process whose new tasks are reported")
    args = ap.parse_args()
    CdynamicVar(args.pid, args.kprobe).loop(args)
