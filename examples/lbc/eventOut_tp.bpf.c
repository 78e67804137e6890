// SPDX-License-Identifier: MIT
/* eventOut on tp_btf/sched_process_fork: the new task arrives as a typed pointer, so its
 * fields are read directly (BTF-checked by the verifier). c_* is the forking process,
 * p_* the new task, as in the original. */
#include "lbc.h"
#define TASK_COMM_LEN 16

struct data_t {
	u32 c_pid;
	u32 p_pid;
	char c_comm[TASK_COMM_LEN];
	char p_comm[TASK_COMM_LEN];
};

LBC_PERF_OUTPUT(e_out, struct data_t, 128);

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
