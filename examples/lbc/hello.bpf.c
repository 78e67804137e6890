// SPDX-License-Identifier: MIT
/* The original hello (seed 6.3.1): a kprobe on wake_up_new_task printing through
 * bpf_printk. Needs kprobes (the kernel lab runs it); hello_tp.bpf.c runs anywhere. */
#include "lbc.h"

SEC("kprobe/wake_up_new_task")
int j_wake_up_new_task(struct pt_regs *ctx)
{
	struct task_struct *parent = (struct task_struct *)PT_REGS_PARM1(ctx);

	bpf_printk("hello lcc, parent: %d\n", _(parent->tgid));
	return 0;
}

char _license[] SEC("license") = "GPL";
