// SPDX-License-Identifier: MIT
/* hello on the sched_process_fork tracepoint: every fork prints a line through
 * bpf_printk, which `lbc run` shows from its private ftrace instance. */
#include "lbc.h"

SEC("tracepoint/sched/sched_process_fork")
int hello(struct trace_event_raw_sched_process_fork *ctx)
{
	bpf_printk("hello lcc, parent: %d child: %d\n", ctx->parent_pid, ctx->child_pid);
	return 0;
}

char _license[] SEC("license") = "GPL";
