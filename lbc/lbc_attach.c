// SPDX-License-Identifier: MIT
/* Attaching beyond SEC(): kprobes, uprobes, tracepoints and perf events named by the
 * caller (bindings, tools), plus the link bookkeeping lbc_attach shares. Every link
 * belongs to the lbc object and goes with lbc_detach/lbc_free. */
#include "lbc_int.h"
#include "session/tracefs.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int lbc_add_link(struct lbc *l, struct bpf_link *link)
{
	struct bpf_link **n = realloc(l->links, sizeof(*n) * (size_t)(l->nlinks + 1));

	if (!n) {
		bpf_link__destroy(link);
		return -ENOMEM;
	}
	l->links = n;
	l->links[l->nlinks++] = link;
	return 0;
}

static struct bpf_program *prog_by_name(struct lbc *l, const char *name, int *err)
{
	struct bpf_program *p = l->loaded ? bpf_object__find_program_by_name(l->obj, name)
					  : NULL;

	*err = 0;
	if (!l->loaded)
		*err = lbc_fail(l, EINVAL, "load before attach");
	else if (!p)
		*err = lbc_fail(l, ENOENT, "no program named '%s'", name);
	return p;
}

/* One link or its failure, worded with what was asked. */
static int keep(struct lbc *l, struct bpf_link *link, const char *prog, const char *what)
{
	int err = link ? 0 : -errno;

	if (!link)
		return lbc_fail(l, -err, "cannot attach program '%s' to %s: %s", prog, what,
				strerror(-err));
	return lbc_add_link(l, link);
}

bool lbc_kprobe_events(void)
{
	const char *root = st_tracefs_find();
	char p[128];

	snprintf(p, sizeof(p), "%s/kprobe_events", root ? root : "");
	return root && access(p, F_OK) == 0;
}

int lbc_attach_kprobe(struct lbc *l, const char *prog, const char *func, bool retprobe)
{
	int err;
	struct bpf_program *p = prog_by_name(l, prog, &err);
	char what[300];

	if (!p)
		return err;
	snprintf(what, sizeof(what), "%s %s", retprobe ? "kretprobe" : "kprobe", func);
	err = keep(l, bpf_program__attach_kprobe(p, retprobe, func), prog, what);
	if (err == -ENOENT && !lbc_kprobe_events())
		lbc_fail(l, ENOENT, "cannot attach program '%s' to %s: this kernel has no kprobe "
			 "events (use a tracepoint, raw_tp, tp_btf or uprobe)", prog, what);
	return err;
}

int lbc_attach_uprobe(struct lbc *l, const char *prog, const char *binary, const char *func,
		      size_t offset, int pid, bool retprobe)
{
	LIBBPF_OPTS(bpf_uprobe_opts, o, .retprobe = retprobe, .func_name = func);
	int err;
	struct bpf_program *p = prog_by_name(l, prog, &err);
	char what[600];

	if (!p)
		return err;
	snprintf(what, sizeof(what), "%s %s:%s", retprobe ? "uretprobe" : "uprobe", binary,
		 func ? func : "");
	return keep(l, bpf_program__attach_uprobe_opts(p, pid, binary, offset, &o), prog, what);
}

int lbc_attach_tracepoint(struct lbc *l, const char *prog, const char *category,
			  const char *name)
{
	int err;
	struct bpf_program *p = prog_by_name(l, prog, &err);
	char what[300];

	if (!p)
		return err;
	snprintf(what, sizeof(what), "tracepoint %s/%s", category, name);
	return keep(l, bpf_program__attach_tracepoint(p, category, name), prog, what);
}

int lbc_attach_raw_tracepoint(struct lbc *l, const char *prog, const char *name)
{
	int err;
	struct bpf_program *p = prog_by_name(l, prog, &err);
	char what[300];

	if (!p)
		return err;
	snprintf(what, sizeof(what), "raw tracepoint %s", name);
	return keep(l, bpf_program__attach_raw_tracepoint(p, name), prog, what);
}

static int perf_one(struct lbc *l, struct bpf_program *p, const struct lbc_perf_opts *o,
		    int cpu)
{
	struct perf_event_attr a = {
		.type = o->type,
		.size = sizeof(a),
		.config = o->config,
	};
	struct bpf_link *link;
	int fd;

	if (o->freq) {
		a.sample_freq = o->freq;
		a.freq = 1;
	} else {
		a.sample_period = o->period ? o->period : 1;
	}
	fd = (int)syscall(SYS_perf_event_open, &a, o->pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	link = bpf_program__attach_perf_event(p, fd);
	if (!link) {
		int err = -errno;

		close(fd);
		return err;
	}
	return lbc_add_link(l, link);
}

int lbc_perf_attach(struct lbc *l, struct bpf_program *p, const struct lbc_perf_opts *o)
{
	int ncpu = libbpf_num_possible_cpus(), cpu, n = 0, err = 0;

	if (o->cpu >= 0 || o->pid >= 0)    /* one CPU, or one task wherever it runs */
		return perf_one(l, p, o, o->cpu);
	for (cpu = 0; cpu < ncpu; cpu++) {
		err = perf_one(l, p, o, cpu);
		if (err == -ENODEV) {      /* offline CPU */
			err = 0;
			continue;
		}
		if (err)
			break;
		n++;
	}
	if (!err && !n)
		err = -ENODEV;
	return err;
}

int lbc_attach_perf_event(struct lbc *l, const char *prog, const struct lbc_perf_opts *o)
{
	int err;
	struct bpf_program *p = prog_by_name(l, prog, &err);

	if (!p)
		return err;
	err = lbc_perf_attach(l, p, o);
	if (err)
		return lbc_fail(l, -err, "cannot attach program '%s' to a perf event "
				"(type %u config %llu pid %d cpu %d): %s", prog, o->type,
				(unsigned long long)o->config, o->pid, o->cpu, strerror(-err));
	return 0;
}

/* Calls of bpf_trace_printk or bpf_trace_vprintk (helper calls: src_reg 0, imm the id). */
bool lbc_uses_printk(struct lbc *l)
{
	struct bpf_program *p;

	if (!l->obj)
		return false;
	bpf_object__for_each_program(p, l->obj) {
		const struct bpf_insn *in = bpf_program__insns(p);
		size_t i, n = bpf_program__insn_cnt(p);

		for (i = 0; i < n; i++)
			if (in[i].code == (BPF_JMP | BPF_CALL) && in[i].src_reg == 0 &&
			    (in[i].imm == BPF_FUNC_trace_printk ||
			     in[i].imm == BPF_FUNC_trace_vprintk))
				return true;
	}
	return false;
}
