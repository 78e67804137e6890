// SPDX-License-Identifier: MIT
/* dynamicVar on raw_tp/sched_process_fork: only forks by process filter_pid are reported
 * (`--set filter_pid=PID`; 0 reports all). raw_tp hands over untyped pointers, so fields
 * are read with BPF_CORE_READ. */
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
