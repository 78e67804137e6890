// SPDX-License-Identifier: MIT
/* independ_tp.bpf.c: the BPF half of codeSeparate (seed 6.3.6) on tp_btf: the C program
 * codeSeparate.c loads it through liblbc and prints each record by field name. */
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
