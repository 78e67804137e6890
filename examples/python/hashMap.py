#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""hashMap (seed 6.3.4): count new tasks per parent pid in LBC_HASH(pid_cnt, u32, u32).

On exit (Ctrl-C or -t) prints the map as a dict: {parent_pid: count}.
  sudo PYTHONPATH=build/python python3 examples/python/hashMap.py -t 5
"""
import time

from pylcc.lbcBase import ClbcBase

from _pylcc_common import parser, until

KPROBE = r"""
#include "lbc.h"
LBC_HASH(pid_cnt, u32, u32, 1024);

SEC("kprobe/wake_up_new_task")
int j_wake_up_new_task(struct pt_regs *ctx)
{
    struct task_struct* parent = (struct task_struct *)PT_REGS_PARM1(ctx);
    u32 pid = BPF_CORE_READ(parent, tgid);
    u32 *pcnt, cnt;

    pcnt = bpf_map_lookup_elem(&pid_cnt, &pid);
    cnt = pcnt ? *pcnt + 1 : 1;
    bpf_map_update_elem(&pid_cnt, &pid, &cnt, BPF_ANY);
    return 0;
}

char _license[] SEC("license") = "GPL";
"""

TRACEPOINT = r"""
#include "lbc.h"
LBC_HASH(pid_cnt, u32, u32, 1024);

SEC("tracepoint/sched/sched_process_fork")
int on_fork(struct trace_event_raw_sched_process_fork *ctx)
{
    u32 pid = ctx->parent_pid;
    u32 *pcnt, cnt;

    pcnt = bpf_map_lookup_elem(&pid_cnt, &pid);
    cnt = pcnt ? *pcnt + 1 : 1;
    bpf_map_update_elem(&pid_cnt, &pid, &cnt, BPF_ANY);
    return 0;
}

char _license[] SEC("license") = "GPL";
"""


class ChashMap(ClbcBase):
    def __init__(self, kprobe=False):
        super(ChashMap, self).__init__("hashMap", bpf_str=KPROBE if kprobe else TRACEPOINT)

    def loop(self, args):
        try:
            while until(args):
                time.sleep(0.1)
        except KeyboardInterrupt:
            pass
        dMap = self.maps['pid_cnt']
        print(dMap.get(), flush=True)


if __name__ == "__main__":
    args = parser(__doc__).parse_args()
    ChashMap(args.kprobe).loop(args)
