// SPDX-License-Identifier: MIT
/* hashMap on the sched_process_fork tracepoint: forks per parent pid. The dump on exit
 * prints `key=PID value=COUNT`; a second, per-CPU map counts per comm (string keys). */
#include "lbc.h"
#define TASK_COMM_LEN 16

struct comm_key {
	char comm[TASK_COMM_LEN];
};

LBC_HASH(pid_cnt, u32, u32, 1024);
LBC_PERCPU_HASH(comm_cnt, struct comm_key, u64, 1024);

SEC("tracepoint/sched/sched_process_fork")
int on_fork(struct trace_event_raw_sched_process_fork *ctx)
{
	u32 pid = ctx->parent_pid;
	struct comm_key k = {};
	u32 *pcnt, cnt;
	u64 one = 1, *c;

	pcnt = bpf_map_lookup_elem(&pid_cnt, &pid);
	cnt = pcnt ? *pcnt + 1 : 1;
	bpf_map_update_elem(&pid_cnt, &pid, &cnt, BPF_ANY);

	bpf_get_current_comm(k.comm, TASK_COMM_LEN);
	c = bpf_map_lookup_elem(&comm_cnt, &k);
	if (c)
		*c += 1;
	else
		bpf_map_update_elem(&comm_cnt, &k, &one, BPF_NOEXIST);
	return 0;
}

char _license[] SEC("license") = "GPL";
