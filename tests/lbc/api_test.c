// SPDX-License-Identifier: MIT
/* liblbc C API test (built and run by api.sh): a program from a string, a constant set
 * before load, auto-attach, events decoded by field name, map iteration with per-CPU
 * values, stack ids, and the error path of a string that does not compile. The process
 * forks N children itself, so the expected numbers are its own doing.
 * Prints TAP. */
#include "liblbc.h"
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int n_ok, n_fail;

static void check(int cond, const char *what)
{
	printf("%s %d - %s\n", cond ? "ok" : "not ok", n_ok + n_fail + 1, what);
	if (cond)
		n_ok++;
	else
		n_fail++;
}

static const char *prog =
	"#include \"lbc.h\"\n"
	"struct ev { u32 pid; u32 child; char comm[16]; s32 kstack; };\n"
	"const volatile u32 only_pid = 0;\n"
	"LBC_PERF_OUTPUT(evs, struct ev, 64);\n"
	"LBC_PERCPU_HASH(forks, u32, u64, 128);\n"
	"LBC_STACK(st, 64);\n"
	"SEC(\"tp_btf/sched_process_fork\")\n"
	"int BPF_PROG(api_fork, struct task_struct *parent, struct task_struct *child)\n"
	"{\n"
	"	struct ev e = {};\n"
	"	u64 one = 1, *c;\n"
	"	e.pid = bpf_get_current_pid_tgid() >> 32;\n"
	"	if (e.pid != only_pid) return 0;\n"
	"	e.child = child->pid;\n"
	"	bpf_get_current_comm(e.comm, sizeof(e.comm));\n"
	"	e.kstack = bpf_get_stackid(ctx, &st, KERN_STACKID_FLAGS);\n"
	"	bpf_perf_event_output(ctx, &evs, BPF_F_CURRENT_CPU, &e, sizeof(e));\n"
	"	c = bpf_map_lookup_elem(&forks, &e.pid);\n"
	"	if (c) *c += 1; else bpf_map_update_elem(&forks, &e.pid, &one, BPF_NOEXIST);\n"
	"	return 0;\n"
	"}\n"
	"char _license[] SEC(\"license\") = \"GPL\";\n";

#define N 3
static pid_t kids[N];
static int nev, child_match, comm_match, stack_ok;

static void on_ev(void *ctx, const struct lbc_event *ev)
{
	struct lbc *l = ctx;
	uint64_t pid = 0, child = 0, ks = 0, ips[64];
	char comm[16] = "";
	int i;

	nev++;
	lbc_field_u64(l, ev, "pid", &pid);
	lbc_field_u64(l, ev, "child", &child);
	lbc_field_str(l, ev, "comm", comm, sizeof(comm));
	lbc_field_u64(l, ev, "kstack", &ks);
	for (i = 0; i < N; i++)
		if ((pid_t)child == kids[i] && (pid_t)pid == getpid())
			child_match++;
	if (!strcmp(comm, "api_test"))
		comm_match++;
	if (lbc_stack_ips(l, "st", (int32_t)ks, ips, 64) > 2)
		stack_ok++;
}

static uint64_t map_total;
static int map_entries, percpu_sum_ok;

static int on_entry(void *ctx, const void *key, const void *value, const void *percpu,
		    int ncpu)
{
	uint64_t v, s = 0;
	int c;

	(void)ctx;
	memcpy(&v, value, 8);
	if (*(const uint32_t *)key == (uint32_t)getpid()) {
		map_total = v;
		for (c = 0; c < ncpu; c++)
			s += ((const uint64_t *)percpu)[c];
		percpu_sum_ok = percpu && s == v;
	}
	map_entries++;
	return 0;
}

/* Two buffers registered by name in two calls: each callback gets its own map's records. */
static const char *prog2 =
	"#include \"lbc.h\"\n"
	"struct a { u32 pid; }; struct b { u32 pid; u32 tag; };\n"
	"const volatile u32 only_pid = 0;\n"
	"LBC_PERF_OUTPUT(ev_a, struct a, 64);\n"
	"LBC_RINGBUF(ev_b, struct b, 1 << 14);\n"
	"SEC(\"tracepoint/sched/sched_process_fork\")\n"
	"int api_two(void *ctx)\n"
	"{\n"
	"	struct a x = { bpf_get_current_pid_tgid() >> 32 };\n"
	"	struct b y = { x.pid, 7 };\n"
	"	if (x.pid != only_pid) return 0;\n"
	"	bpf_perf_event_output(ctx, &ev_a, BPF_F_CURRENT_CPU, &x, sizeof(x));\n"
	"	lbc_ringbuf_output(&ev_b, &y);\n"
	"	return 0;\n"
	"}\n"
	"char _license[] SEC(\"license\") = \"GPL\";\n";
static int got_a, got_b;

static void on_a(void *ctx, const struct lbc_event *ev)
{
	(void)ctx;
	got_a += !strcmp(ev->map, "ev_a") && ev->cpu >= 0;
}

static void on_b(void *ctx, const struct lbc_event *ev)
{
	uint64_t tag = 0;

	lbc_field_u64(ctx, ev, "tag", &tag);
	got_b += !strcmp(ev->map, "ev_b") && tag == 7;
}

static void two_buffers(void)
{
	struct lbc *l = lbc_new(NULL);
	char pidbuf[32];
	int i;

	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)getpid());
	if (lbc_open_string(l, "api_two.bpf.c", prog2) || lbc_set(l, "only_pid", pidbuf) ||
	    lbc_load(l) || lbc_attach(l) || lbc_on_event(l, "ev_a", on_a, l) ||
	    lbc_on_event(l, "ev_b", on_b, l)) {
		printf("# %s\n", lbc_errmsg(l));
		check(0, "two buffers: open, load, attach, register");
		lbc_free(l);
		return;
	}
	for (i = 0; i < N; i++) {
		pid_t p = fork();

		if (p == 0)
			_exit(0);
		waitpid(p, NULL, 0);
	}
	for (i = 0; i < 50 && (got_a < N || got_b < N); i++)
		lbc_poll(l, 100);
	check(got_a == N && got_b == N,
	      "perf buffer and ring buffer registered in two calls: each gets its records");
	lbc_free(l);
}

int main(void)
{
	struct lbc *l = lbc_new(NULL);
	char pidbuf[32];
	int i, err;

	err = lbc_open_string(l, "api_string.bpf.c", prog);
	check(!err, "lbc_open_string compiles a program given as text");
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)getpid());
	check(!lbc_set(l, "only_pid", pidbuf), "lbc_set sets a const volatile before load");
	check(lbc_set(l, "nope", "1") < 0 && strstr(lbc_errmsg(l), "nope"),
	      "lbc_set of an unknown name fails and names it");
	check(!lbc_load(l), "lbc_load");
	check(!lbc_attach(l), "lbc_attach (tp_btf by its SEC)");
	check(!lbc_on_event(l, NULL, on_ev, l), "lbc_on_event on every buffer");
	for (i = 0; i < N; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(0);
		waitpid(kids[i], NULL, 0);
	}
	for (i = 0; i < 50 && nev < N; i++)
		lbc_poll(l, 100);
	check(nev == N, "one event per fork of ours (the filter dropped everyone else's)");
	check(child_match == N, "events carry our pid and each child's pid, by field name");
	check(comm_match == N, "char[] field read by name");
	check(stack_ok == N, "kernel stack ids resolve through the stack map");
	check(!lbc_map_foreach(l, "forks", on_entry, NULL) && map_total == N && map_entries == 1,
	      "map iteration: per-CPU hash summed to our fork count");
	check(percpu_sum_ok, "per-CPU values listed, adding up to the sum");
	lbc_free(l);

	l = lbc_new(NULL);
	err = lbc_open_string(l, "broken_text.bpf.c", "#include \"lbc.h\"\nint f( {\n");
	check(err < 0 && strstr(lbc_errmsg(l), "broken_text.bpf.c:2:"),
	      "a string that does not compile: clang's diagnostic names it and the line");
	lbc_free(l);
	two_buffers();
	printf("1..%d\n", n_ok + n_fail);
	return n_fail ? 1 : 0;
}
