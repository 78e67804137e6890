// SPDX-License-Identifier: MIT
/* surftrace EXPR... (live trace, or -o FILE script) and surftrace --cleanup, on the
 * public libsurftrace API. Every exit path goes through surftrace_free, which removes
 * what the run created; signals only ask the run to stop (a second one: at once). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include "surftrace.h"
#include "cli/cli.h"
#include "session/tracefs.h"   /* st_buffer_kb */
#include "util/err.h"
#include "util/stopio.h"
#include "util/stopsig.h"

#define READER_NICE (-20)

static struct surftrace *run_st;
/* st_stopsig levels: 1 = stop and drain (bounded), 2 = a second signal, tear down now. */
static volatile sig_atomic_t stop_level;

static void on_stop_signal(void)
{
	if (run_st)
		surftrace_request_stop(run_st);
}

/* Every terminating signal stops the run (one table, util/stopsig); no SA_RESTART, so a
 * blocked poll/read/write returns and the stop is seen. */
void st_cli_catch_signals(struct surftrace *st)
{
	run_st = st;
	st_stopsig_install(&stop_level, on_stop_signal);
	if (st && stop_level)       /* a signal came during translation */
		surftrace_request_stop(st);
}

void st_cli_arm_timeout(double seconds)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };

	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
	if (seconds > 0 && !it.it_value.tv_sec && !it.it_value.tv_usec)
		it.it_value.tv_usec = 1;
	setitimer(ITIMER_REAL, &it, NULL);
}

void st_cli_print_err(const struct surftrace_err *e)
{
	struct st_err se = { .col = e->col };

	if (e->expr < 0) {
		st_cli_error("%s", e->msg);
		return;
	}
	snprintf(se.msg, sizeof(se.msg), "%s", e->msg);
	st_cli_expr_error(e->expr, NULL, &se);
}

static int write_script(struct surftrace *st, const char *path)
{
	struct surftrace_err err = { 0 };
	FILE *f = fopen(path, "w");
	int rc;

	if (!f) {
		st_cli_error("cannot write '%s': %s", path, strerror(errno));
		return 1;
	}
	rc = surftrace_write_script(st, f, &err);
	if (fclose(f) != 0 && rc == 0) {
		snprintf(err.msg, sizeof(err.msg), "cannot write '%s': %s", path, strerror(errno));
		err.expr = -1;
		rc = -1;
	}
	if (rc < 0) {
		st_cli_print_err(&err);
		return 1;
	}
	chmod(path, 0755);
	return 0;
}

void st_cli_request_stop(void)
{
	st_stopsig_raise(&stop_level);
	on_stop_signal();
}

static void on_child_exit(int sig)
{
	(void)sig;
	st_cli_request_stop();
}

/* -c: the command's end ends the run. */
static void stop_when_child_exits(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child_exit;
	sa.sa_flags = SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
}

int st_cli_live_start(struct surftrace *st, struct st_cli_child *child,
		      int (*cb)(const struct surftrace_event *ev, void *ctx), void *ctx)
{
	struct surftrace_err err = { 0 };

	st_cli_catch_signals(st);
	if (child)
		stop_when_child_exits();
	if (surftrace_start(st, cb, ctx, &err) < 0) {
		st_cli_print_err(&err);
		return 1;
	}
	return 0;
}

void st_cli_live_go(const struct st_cli_opts *o, struct st_cli_child *child)
{
	st_cli_child_go(child);
	if (o->timeout > 0)
		st_cli_arm_timeout(o->timeout);
	if (st_cli_pidwatch_start(o->pids, (size_t)o->npids) < 0)
		st_cli_error("-p: cannot watch the processes for their exit: %s", strerror(errno));
}

void st_cli_live_halt(void)
{
	st_cli_pidwatch_stop();
	st_cli_arm_timeout(0);
}

static int trace_live(struct surftrace *st, const struct st_cli_opts *o,
		      struct st_cli_child *child)
{
	struct surftrace_err err = { 0 };
	int rc = 0;

	if (st_cli_live_start(st, child, NULL, NULL))
		return 1;
	if (!o->quiet)
		fprintf(stderr, "Tracing %zu probe%s... Hit Ctrl-C to end.\n",
			surftrace_nevents(st), surftrace_nevents(st) == 1 ? "" : "s");
	st_cli_live_go(o, child);
	if (surftrace_run(st, &err) < 0) {
		st_cli_print_err(&err);
		rc = 1;
	}
	st_cli_live_halt();
	surftrace_print_lost(st, stderr);
	if (surftrace_stop(st, &err) < 0) {
		fprintf(stderr, "surftrace: %s\n", err.msg);
		rc = 1;
	}
	return rc;
}

/* What became of stdout, once everything is written (or given up). */
static int close_stdout_stream(struct st_stopio *out, int rc)
{
	unsigned long long dropped;
	int e;

	if (!out)
		return rc;
	dropped = st_stopio_dropped(out);
	e = st_stopio_close(out);
	if (e == ECANCELED)
		fprintf(stderr, "surftrace: stdout did not take the output within %d s of the "
			"stop: %llu bytes dropped\n", ST_STOPIO_DRAIN_MS / 1000, dropped);
	else if (e && e != EPIPE && !rc)
		st_cli_error("cannot write the output: %s", strerror(e));
	return e && e != EPIPE && e != ECANCELED ? 1 : rc;
}

/* -c: once tracing is over, the command's status is the run's. A command still running
 * then (the run ended by -t, -n or a signal to surftrace alone) gets SIGTERM, as perf
 * record does with its workload. */
static int finish_child(struct st_cli_child *c, int rc)
{
	int status;

	if (c->pid <= 0)
		return rc;
	if (c->go_fd >= 0) {          /* never released: setup failed */
		st_cli_child_abort(c);
		return rc;
	}
	if (!st_cli_child_exited(c))
		kill(c->pid, SIGTERM);
	status = st_cli_child_wait(c);
	return rc ? rc : status;
}

/* A terminal gets every line at once; pipes and files are flushed whenever the reader
 * runs dry (see flush_idle in src/api/api.c), one write per burst instead of per line.
 * The one decision for every live run (expressions and bundles). */
bool st_cli_line_buffered(FILE *f)
{
	return isatty(fileno(f));
}

/* The one run of the CLI, for expressions (st_cmd_run) and bundles (cmd_bundle.c): scope
 * (-p, -c), the stdout stream, signals, then open() makes the handle with everything
 * queued, and it traces live, aggregates or writes the -o script. */
int st_cli_run(const struct st_cli_opts *o, st_cli_open_fn open, void *ctx)
{
	struct surftrace_opts so = {
		.sz = sizeof(so), .btf = o->btf, .vmlinux = o->vmlinux, .arch = o->arch, .stack = o->stack,
		.buffer_kb = st_buffer_kb(o->buffer_kb, ST_BUF_TRACE), .json = o->json,
		.max_events = o->count, .timeout = o->timeout,
		.line_buffered = st_cli_line_buffered(stdout),
		/* the reader competes for CPUs with what it traces: while events come fast
		 * (batching), as root it runs at nice READER_NICE so a wake-up at the
		 * buffer's mark is served before the buffer fills (not real-time: a
		 * SCHED_FIFO reader stays on the CPU it woke on, the traced task's too) */
		.reader_nice = geteuid() == 0 ? READER_NICE : 0,
		.follow = o->follow || o->command, .cpus = o->cpus, .ncpus = o->ncpus,
		.record = o->record,
	};
	struct st_cli_child child = { .pid = -1, .go_fd = -1, .ex_fd = -1 };
	struct st_stopio *out = NULL;
	struct surftrace *st;
	int *pids, npids = 0, i, rc;

	pids = calloc((size_t)o->npids + 1, sizeof(*pids));
	if (!pids)
		return 1;
	for (i = 0; i < o->npids; i++)
		pids[npids++] = o->pids[i];
	/* -c: forked (held) first, so that its pid is in the scope from the start */
	if (o->command && (rc = st_cli_child_fork(o->command, o->json, &child)) != 0) {
		free(pids);
		return rc;
	}
	if (st_cli_aggregating(o)) {
		/* answers instead of lines: nothing printed per event */
		so.print = NULL;
		so.kernel_comm = true;   /* comm keys exact for short-lived tasks too */
		so.stack = (o->stack && !st_cli_agg_needs_ustack(o)) || st_cli_agg_needs_stack(o);
		so.ustack = st_cli_agg_needs_ustack(o);
		so.buffer_kb = st_buffer_kb(o->buffer_kb, ST_BUF_AGGREGATE);
	} else if (!o->output) {
		/* Events go through a stop-aware stream: a reader that reads slowly or not
		 * at all cannot keep a stopped run (and its probes) alive. */
		fflush(stdout);
		out = st_stopio_new(STDOUT_FILENO, &stop_level, 0);
		if (!out) {
			free(pids);
			finish_child(&child, 1);
			st_cli_error("out of memory");
			return 1;
		}
		so.print = st_stopio_file(out);
	}
	if (!o->output)
		st_cli_catch_signals(NULL);   /* from here: a signal is a stop, not death */
	if (o->command)
		pids[npids++] = child.pid;
	if (o->record && !o->tee)
		so.print = NULL;           /* -w: raw pages only, nothing formatted */
	so.pids = npids ? pids : NULL;
	so.npids = (size_t)npids;
	st = open(&so, ctx, &rc);
	free(pids);
	if (!st) {
		finish_child(&child, rc);
		close_stdout_stream(out, 1);
		return rc;
	}
	run_st = st;
	if (o->output)
		rc = write_script(st, o->output);
	else if (st_cli_aggregating(o))
		rc = st_cmd_aggregate(st, o, o->command ? &child : NULL);
	else
		rc = trace_live(st, o, o->command ? &child : NULL);
	run_st = NULL;
	surftrace_free(st);
	return close_stdout_stream(out, finish_child(&child, rc));
}

/* Translate everything first: a bad expression writes nothing at all. */
static struct surftrace *open_exprs(const struct surftrace_opts *so, void *ctx, int *rc)
{
	const struct st_cli_opts *o = ctx;
	struct surftrace_err err = { 0 };
	struct surftrace *st;
	int i;

	st = surftrace_new(so, &err);
	if (!st) {
		st_cli_print_err(&err);
		*rc = err.runtime ? 1 : 2;
		return NULL;
	}
	run_st = st;
	for (i = 0; i < o->nexprs; i++) {
		if (surftrace_add(st, o->exprs[i], &err) < 0) {
			struct st_err e = { .col = err.col, .env = err.runtime };

			snprintf(e.msg, sizeof(e.msg), "%s", err.msg);
			st_cli_expr_error(i, o->exprs[i], &e);
			run_st = NULL;
			surftrace_free(st);
			*rc = err.runtime ? 1 : 2;
			return NULL;
		}
		if (surftrace_notice(st, i))
			st_cli_expr_notice(i, surftrace_notice(st, i));
	}
	return st;
}

int st_cmd_run(const struct st_cli_opts *o)
{
	if (!o->nexprs)
		return st_cli_usage_error("no expression given");
	return st_cli_run(o, open_exprs, (void *)o);
}

static void report_removed(const char *kind, const char *name, void *ctx)
{
	(*(int *)ctx)++;
	printf("removed %s %s\n", kind, name);
}

int st_cmd_cleanup(const struct st_cli_opts *o)
{
	struct surftrace_err err = { 0 };
	int n = 0, rc;

	(void)o;
	rc = surftrace_cleanup(NULL, report_removed, &n, &err);
	if (rc < 0) {
		st_cli_print_err(&err);
		return 1;
	}
	if (!n)
		printf("nothing to clean up\n");
	return 0;
}
