// SPDX-License-Identifier: MIT
/* callStack on tp_btf/sched_process_fork: the kernel stack of every fork (kernel_clone and
 * the syscall entry below it), symbolized by lbc through /proc/kallsyms. */
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
