// SPDX-License-Identifier: MIT
/* One perf buffer record per getppid() of filter_pid: the lbc half of the Python
 * binding benchmark (bench/python). */
#include "lbc.h"

struct ev {
	u32 pid;
	u32 n;
};

LBC_PERF_OUTPUT(out, struct ev, 128);
const volatile u32 filter_pid = 0;

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	struct ev e = { .pid = bpf_get_current_pid_tgid() >> 32 };

	if (e.pid != filter_pid)
		return 0;
	bpf_perf_event_output(ctx, &out, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

char _license[] SEC("license") = "GPL";
