// SPDX-License-Identifier: MIT
/* The lbc command: run, build, vmlinux. One small function per command; the work is in
 * liblbc. Exit status: 0 ok, 1 runtime failure (load, verifier, attach), 2 bad input
 * (usage, compile error, unknown section). */
#include "types/hive.h"
#include "liblbc.h"
#include "util/numarg.h"
#include <bpf/libbpf.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "util/stopio.h"
#include "util/stopsig.h"
#include "version.h"

#define MAX_SETS 64
#define MAX_INC 16

/* st_stopsig levels: 1 = stop (output drained within ST_STOPIO_DRAIN_MS), 2 = now. */
static volatile sig_atomic_t stop_flag;

struct run_opts {
	struct lbc_opts lo;
	const char *sets[MAX_SETS];
	int nsets;
	const char *incs[MAX_INC];
	const char *cflags[MAX_INC];
	const char *out;
	double timeout;
	long count;
	bool json, percpu, no_maps, quiet, attach_only;
};

static void usage(FILE *f)
{
	fputs("usage: lbc run [options] PROG.bpf.c|PROG.bpf.o   compile (cached), load, attach, "
	      "print events\n"
	      "       lbc build [options] PROG.bpf.c [-o PROG.bpf.o]\n"
	      "       lbc vmlinux [--btf FILE] [-o vmlinux.h]\n"
	      "       lbc --version\n"
	      "options:\n"
	      "  --set NAME=VALUE  set a `const volatile` global before load (repeatable)\n"
	      "  -t SECONDS        stop after SECONDS      -n COUNT   stop after COUNT events\n"
	      "  --json            one JSON object per event, printk line and map\n"
	      "  --percpu          list per-CPU values in the map dump (default: summed)\n"
	      "  --no-maps         do not print maps on exit\n"
	      "  --attach-only     exit right after attaching (benchmarks, checks)\n"
	      "  --btf FILE        kernel BTF for vmlinux.h    --cache-dir DIR   compile cache\n"
	      "  --hive DIR        types of a kernel without BTF (also SURFTRACE_HIVE=DIR)\n"
	      "  --kernel RELEASE  that kernel's types from the hive (lbc vmlinux, build)\n"
	      "  --no-cache        always run clang    -I DIR   include dir    --cflag FLAG\n"
	      "  --freq HZ         SEC(\"perf_event\") sampling rate (default 49)\n"
	      "  -q                no status lines on stderr\n"
	      "examples:\n"
	      "  lbc run examples/lbc/eventOut_tp.bpf.c -t 5\n"
	      "  lbc run examples/lbc/dynamicVar_tp.bpf.c --set filter_pid=1234\n"
	      "  lbc build examples/lbc/hello.bpf.c -o hello.bpf.o\n", f);
}

static int parse(int argc, char **argv, struct run_opts *o)
{
	static const struct option lopts[] = {
		{ "set", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
		{ "percpu", no_argument, NULL, 'P' }, { "no-maps", no_argument, NULL, 'M' },
		{ "attach-only", no_argument, NULL, 'A' }, { "btf", required_argument, NULL, 'b' },
		{ "cache-dir", required_argument, NULL, 'c' }, { "no-cache", no_argument, NULL, 'N' },
		{ "cflag", required_argument, NULL, 'f' }, { "freq", required_argument, NULL, 'F' },
		{ "hive", required_argument, NULL, 'H' }, { "kernel", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	unsigned long num;
	const char *why, *kernel = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:n:o:I:qh", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (o->nsets == MAX_SETS || !strchr(optarg, '='))
				return fprintf(stderr, "lbc: --set wants NAME=VALUE\n"), -1;
			o->sets[o->nsets++] = optarg;
			break;
		case 't':
			if (st_numarg_seconds(optarg, 366.0 * 86400, &o->timeout, &why))
				return fprintf(stderr, "lbc: -t '%s': %s (seconds, at most a year)\n",
					       optarg, why), -1;
			break;
		case 'n':
			if (st_numarg_ulong(optarg, 1, LONG_MAX, &num, &why))
				return fprintf(stderr, "lbc: -n '%s': %s (a count of events)\n",
					       optarg, why), -1;
			o->count = (long)num;
			break;
		case 'o': o->out = optarg; break;
		case 'I':
			if (o->lo.nincdirs == MAX_INC)
				return -1;
			o->incs[o->lo.nincdirs++] = optarg;
			break;
		case 'f':
			if (o->lo.ncflags == MAX_INC)
				return -1;
			o->cflags[o->lo.ncflags++] = optarg;
			break;
		case 'q': o->quiet = true; break;
		case 'j': o->json = true; break;
		case 'P': o->percpu = true; break;
		case 'M': o->no_maps = true; break;
		case 'A': o->attach_only = true; break;
		case 'b': o->lo.btf_path = optarg; break;
		case 'H': setenv("SURFTRACE_HIVE", optarg, 1); break;
		case 'K': kernel = optarg; break;
		case 'c': o->lo.cache_dir = optarg; break;
		case 'N': o->lo.no_cache = true; break;
		case 'F':
			if (st_numarg_ulong(optarg, 1, 1000000, &num, &why))
				return fprintf(stderr, "lbc: --freq '%s': %s (samples per second)\n",
					       optarg, why), -1;
			o->lo.perf_freq = (int)num;
			break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (kernel) {
		static char kbtf[PATH_MAX];
		struct st_err err = { 0 };

		if (st_hive_resolve(o->lo.btf_path, kernel, NULL, kbtf, sizeof(kbtf), &err))
			return fprintf(stderr, "lbc: error: %s\n", err.msg), -1;
		o->lo.btf_path = kbtf;
	}
	o->lo.incdirs = o->incs;
	o->lo.cflags = o->cflags;
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static bool has_buffers(struct lbc *l)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, lbc_bpf_object(l))
		if (bpf_map__type(m) == BPF_MAP_TYPE_PERF_EVENT_ARRAY ||
		    bpf_map__type(m) == BPF_MAP_TYPE_RINGBUF)
			return true;
	return false;
}

struct print_ctx { struct lbc *l; FILE *out; bool json; long n, max; };

/* Printk lines count as events for -n. */
static void drain_printk(struct lbc *l, struct print_ctx *pc)
{
	long left = pc->max ? pc->max - pc->n : -1;

	if (left)
		pc->n += lbc_printk_drain_max(l, pc->out, pc->json, left);
}

static void print_cb(void *ctx, const struct lbc_event *ev)
{
	struct print_ctx *p = ctx;

	if (p->max && p->n >= p->max)
		return;   /* -n: one poll may bring more than were asked for */
	lbc_print_event(p->l, ev, p->out, p->json);
	p->n++;
}

static int setup(struct lbc *l, const char *prog, struct run_opts *o, double t0,
		 struct print_ctx *pc)
{
	int err, i;

	err = lbc_open_file(l, prog);
	if (err)
		return fprintf(stderr, "lbc: %s\n", lbc_errmsg(l)), err == -EINVAL ? 2 : 1;
	for (i = 0; i < o->nsets; i++) {
		char name[256];
		const char *eq = strchr(o->sets[i], '=');

		snprintf(name, sizeof(name), "%.*s", (int)(eq - o->sets[i]), o->sets[i]);
		if (lbc_set(l, name, eq + 1))
			return fprintf(stderr, "lbc: %s\n", lbc_errmsg(l)), 2;
	}
	if (lbc_load(l))
		return fprintf(stderr, "lbc: %s\n", lbc_errmsg(l)), 1;
	/* Buffers and the printk instance are open before the programs run: an event fired
	 * right after "attached" must not find nobody listening. */
	if (!o->attach_only && has_buffers(l) && lbc_on_event(l, NULL, print_cb, pc))
		return fprintf(stderr, "lbc: %s\n", lbc_errmsg(l)), 1;
	if (!o->attach_only && lbc_uses_printk(l) && lbc_printk_open(l) < 0)
		fprintf(stderr, "lbc: warning: no bpf_printk output: %s\n", lbc_errmsg(l));
	if (lbc_attach(l))
		return fprintf(stderr, "lbc: %s\n", lbc_errmsg(l)), 1;
	if (!o->quiet)
		fprintf(stderr, "lbc: attached %s (%s, %.1f ms)\n", prog,
			lbc_cache_hit(l) ? "cache hit" : prog[strlen(prog) - 1] == 'o' ?
			"prebuilt" : "compiled", now_ms() - t0);
	return 0;
}

static int cmd_run(struct run_opts *o, const char *prog, double t0)
{
	struct lbc *l;
	struct print_ctx pc = { NULL, NULL, o->json, 0, o->count };
	struct st_stopio *out;
	double deadline;
	int rc, e;

	/* Every terminating signal stops the run (one table); stdout is stop-aware, so a
	 * reader that reads slowly or never cannot keep a stopped run loaded. */
	st_stopsig_install(&stop_flag, NULL);
	fflush(stdout);
	out = st_stopio_new(STDOUT_FILENO, &stop_flag, 0);
	l = out ? lbc_new(&o->lo) : NULL;
	if (!l) {
		st_stopio_close(out);
		return 1;
	}
	pc.l = l;
	pc.out = st_stopio_file(out);
	rc = setup(l, prog, o, t0, &pc);
	if (rc || o->attach_only)
		goto out;
	deadline = o->timeout > 0 ? now_ms() + o->timeout * 1e3 : 0;
	while (!stop_flag && !st_stopio_error(out)) {
		int wait = 200;

		if (deadline) {
			double left = deadline - now_ms();

			if (left <= 0)
				break;
			if (left < wait)
				wait = (int)left + 1;
		}
		if (lbc_poll(l, wait) < 0 && errno != EINTR)
			break;
		drain_printk(l, &pc);
		fflush(pc.out);
		if (o->count && pc.n >= o->count)
			break;
	}
	/* Stopping (-t, -n or a signal): what is left is written within the drain bound. */
	if (!stop_flag)
		stop_flag = 1;
	if (stop_flag < 2 && !st_stopio_error(out)) {
		/* What arrived before the stop still counts. */
		lbc_poll(l, 0);
		drain_printk(l, &pc);
		if (!o->no_maps)
			lbc_print_maps(l, pc.out, o->json, o->percpu);
	}
	if (lbc_lost_events(l))
		fprintf(stderr, "lbc: lost %llu events\n", lbc_lost_events(l));
	fflush(pc.out);
out:
	lbc_free(l);
	e = st_stopio_close(out);
	if (e == ECANCELED)
		fprintf(stderr, "lbc: stdout did not take the output within %d s of the stop\n",
			ST_STOPIO_DRAIN_MS / 1000);
	else if (e && e != EPIPE) {
		fprintf(stderr, "lbc: error: cannot write the output: %s\n", strerror(e));
		rc = rc ? rc : 1;
	}
	return rc;
}

static int cmd_build(struct run_opts *o, const char *src)
{
	struct lbc *l = lbc_new(&o->lo);
	char out[4096];
	size_t len = strlen(src);
	int rc = 0;

	if (!l)
		return 1;
	if (o->out)
		snprintf(out, sizeof(out), "%s", o->out);
	else if (len > 2 && !strcmp(src + len - 2, ".c"))
		snprintf(out, sizeof(out), "%.*s.o", (int)(len - 2), src);
	else
		snprintf(out, sizeof(out), "%s.o", src);
	if (lbc_build(l, src, out)) {
		fprintf(stderr, "lbc: %s\n", lbc_errmsg(l));
		rc = 2;
	} else if (!o->quiet) {
		fprintf(stderr, "lbc: wrote %s (%s)\n", out, lbc_cache_hit(l) ? "cache hit" : "compiled");
	}
	lbc_free(l);
	return rc;
}

static int cmd_vmlinux(struct run_opts *o)
{
	struct lbc *l = lbc_new(&o->lo);
	int rc = 0;

	if (!l)
		return 1;
	if (lbc_write_vmlinux_h(l, o->out ? o->out : "vmlinux.h")) {
		fprintf(stderr, "lbc: %s\n", lbc_errmsg(l));
		rc = 1;
	}
	lbc_free(l);
	return rc;
}

/* Output errors are errors: what went to stdout through stdio must have arrived (a
 * reader that went away, EPIPE, is how pipelines end). */
static int check_stdout(int rc)
{
	int e = st_stopio_stdout_error();

	if (!e || e == EPIPE)
		return rc;
	fprintf(stderr, "lbc: error: cannot write to stdout: %s\n", strerror(e));
	return rc ? rc : 1;
}

int main(int argc, char **argv)
{
	struct run_opts o = { .lo = { .perf_freq = 0 } };
	double t0 = now_ms();
	const char *cmd;
	int rc;

	if (st_stopio_guard_std_fds()) {
		fprintf(stderr, "lbc: error: stdout is closed (redirect it, e.g. >/dev/null)\n");
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		puts("lbc " ST_VERSION);
		return 0;
	}
	if (parse(argc - 1, argv + 1, &o)) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(cmd, "vmlinux"))
		return check_stdout(cmd_vmlinux(&o));
	if (optind + 2 != argc) {
		fprintf(stderr, "lbc: %s wants exactly one program\n", cmd);
		return 2;
	}
	if (!strcmp(cmd, "run"))
		rc = cmd_run(&o, argv[optind + 1], t0);
	else if (!strcmp(cmd, "build"))
		rc = cmd_build(&o, argv[optind + 1]);
	else {
		fprintf(stderr, "lbc: unknown command '%s'\n", cmd);
		usage(stderr);
		rc = 2;
	}
	return check_stdout(rc);
}
