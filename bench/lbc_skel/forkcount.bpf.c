// SPDX-License-Identifier: MIT
/* The benchmark program: forks counted per pid on the sched_process_fork tracepoint.
 * Plain libbpf C (no lbc.h), so the same file is built by lbc and by the clang +
 * bpftool-skeleton baseline; bench/lbc_bench.sh states it for bpftrace and bcc too. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, u32);
	__type(value, u64);
	__uint(max_entries, 10240);
} fork_cnt SEC(".maps");

SEC("tracepoint/sched/sched_process_fork")
int count_fork(struct trace_event_raw_sched_process_fork *ctx)
{
	u32 pid = ctx->parent_pid;
	u64 one = 1, *c = bpf_map_lookup_elem(&fork_cnt, &pid);

	if (c)
		__sync_fetch_and_add(c, 1);
	else
		bpf_map_update_elem(&fork_cnt, &pid, &one, BPF_NOEXIST);
	return 0;
}

char _license[] SEC("license") = "GPL";
