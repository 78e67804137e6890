// SPDX-License-Identifier: MIT
/* The original hashMap (seed 6.3.4): forks counted per process in a hash map, printed
 * by `lbc run` on exit with keys and values decoded from BTF. kprobe: kernel lab. */
#include "lbc.h"

LBC_HASH(pid_cnt, u32, u32, 1024);

SEC("kprobe/wake_up_new_task")
int j_wake_up_new_task(struct pt_regs *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	u32 *pcnt, cnt;

	pcnt = bpf_map_lookup_elem(&pid_cnt, &pid);
	cnt = pcnt ? *pcnt + 1 : 1;
	bpf_map_update_elem(&pid_cnt, &pid, &cnt, BPF_ANY);
	return 0;
}

char _license[] SEC("license") = "GPL";
