// SPDX-License-Identifier: MIT
/* libsurftrace: translate -> session -> reader -> output, behind one small handle. */
#include "api/api_int.h"
#include "util/json.h"
#include "session/script.h"
#include "session/sweep.h"
#include "record/meta.h"
#include <event-parse.h>
#include "util/clock.h"
#include "util/stopsig.h"
#include "util/msg.h"
#include "session/tracefs.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void st_api_err(struct surftrace_err *out, const struct st_err *in, int expr, bool runtime)
{
	if (!out)
		return;
	out->expr = expr;
	out->col = in ? in->col : 0;
	out->runtime = runtime || (in && in->env);
	snprintf(out->msg, sizeof(out->msg), "%s", in ? in->msg : "unknown error");
}

static int fail(struct surftrace_err *out, bool runtime, const char *msg)
{
	struct st_err e = { 0 };

	st_err_set(&e, 0, "%s", msg);
	st_api_err(out, &e, -1, runtime);
	return -1;
}

/* The caller's pid and CPU arrays may go away after surftrace_new: keep copies. */
static int copy_scope(struct surftrace *st)
{
	if (st->o.npids && st->o.pids) {
		st->pids = malloc(st->o.npids * sizeof(*st->pids));
		if (!st->pids)
			return -1;
		memcpy(st->pids, st->o.pids, st->o.npids * sizeof(*st->pids));
	} else {
		st->o.npids = 0;
	}
	st->o.pids = st->pids;
	if (st->o.ncpus && st->o.cpus) {
		st->cpus = malloc(st->o.ncpus * sizeof(*st->cpus));
		if (!st->cpus) {
			free(st->pids);
			return -1;
		}
		memcpy(st->cpus, st->o.cpus, st->o.ncpus * sizeof(*st->cpus));
	} else {
		st->o.ncpus = 0;
	}
	st->o.cpus = st->cpus;
	return 0;
}

/* The handle without types: its copy of the options and of the scope. */
static struct surftrace *handle_new(const struct surftrace_opts *opts, struct surftrace_err *err)
{
	struct surftrace *st = calloc(1, sizeof(*st));

	if (!st) {
		fail(err, true, "out of memory");
		return NULL;
	}
	/* Copy only what the caller's version of the struct has. */
	if (opts)
		memcpy(&st->o, opts, opts->sz && opts->sz < sizeof(st->o) ? opts->sz : sizeof(st->o));
	st->o.sz = sizeof(st->o);
	if (copy_scope(st) < 0) {
		fail(err, true, "out of memory");
		free(st);
		return NULL;
	}
	return st;
}

struct surftrace *surftrace_new(const struct surftrace_opts *opts, struct surftrace_err *err)
{
	struct st_translator_opts to = { 0 };
	struct st_err e = { 0 };
	struct surftrace *st = handle_new(opts, err);

	if (!st)
		return NULL;
	to.arch = st->o.arch;
	to.btf_path = st->o.btf;
	to.vmlinux = st->o.vmlinux;
	to.tracefs = st->o.tracefs ? st->o.tracefs : st->o.btf ? NULL : st_tracefs_find();
	st->tr = st_translator_new(&to, &e);
	if (!st->tr) {
		st_api_err(err, &e, -1, false);
		surftrace_free(st);
		return NULL;
	}
	return st;
}

struct surftrace *st_api_new_translated(const struct surftrace_opts *opts,
					struct surftrace_err *err)
{
	return handle_new(opts, err);
}

#define KERNEL_COMM_ARG "__comm"

/* opts.kernel_comm: one more fetch argument, $comm, unless the probe has it already. */
static int add_comm_arg(struct st_probe *p)
{
	struct st_probe_arg *na;
	size_t i;

	if (!strchr("prPR", p->type))
		return 0;
	for (i = 0; i < p->nargs; i++)
		if (!strcmp(p->args[i].name, KERNEL_COMM_ARG))
			return 0;
	na = realloc(p->args, (p->nargs + 1) * sizeof(*na));
	if (!na)
		return -1;
	p->args = na;
	memset(&na[p->nargs], 0, sizeof(*na));
	na[p->nargs].name = strdup(KERNEL_COMM_ARG);
	na[p->nargs].fetch = strdup("$comm");
	if (!na[p->nargs].name || !na[p->nargs].fetch) {
		free(na[p->nargs].name);
		free(na[p->nargs].fetch);
		return -1;
	}
	p->nargs++;
	return 0;
}

/* Queue p (translated) with its text; on failure p stays the caller's. */
static int queue_probe(struct surftrace *st, const char *expr, struct st_probe *p,
		       struct surftrace_err *err)
{
	int idx = (int)st->nprobes;

	if (st->sess)
		return fail(err, false, "expressions must be added before surftrace_start");
	if (st->nprobes == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 8;
		struct st_probe **np;
		char **nx;

		np = realloc(st->probes, cap * sizeof(*np));
		if (!np)
			return fail(err, true, "out of memory");
		st->probes = np;
		nx = realloc(st->exprs, cap * sizeof(*nx));
		if (!nx)
			return fail(err, true, "out of memory");
		st->exprs = nx;
		st->cap = cap;
	}
	if (st->o.kernel_comm && add_comm_arg(p) < 0)
		return fail(err, true, "out of memory");
	st->exprs[st->nprobes] = strdup(expr);
	if (!st->exprs[st->nprobes])
		return fail(err, true, "out of memory");
	st->probes[st->nprobes++] = p;
	return idx;
}

int surftrace_add(struct surftrace *st, const char *expr, struct surftrace_err *err)
{
	struct st_probe *p = NULL;
	struct st_err e = { 0 };
	int idx;

	if (st->sess)
		return fail(err, false, "expressions must be added before surftrace_start");
	if (!st->tr)
		return fail(err, false, "this handle runs translated probes only");
	if (st_translate(st->tr, expr, (int)st->nprobes, &p, &e)) {
		st_api_err(err, &e, (int)st->nprobes, false);
		return -1;
	}
	idx = queue_probe(st, expr, p, err);
	if (idx < 0)
		st_probe_free(p);
	return idx;
}

int st_api_add_probe(struct surftrace *st, const char *expr, struct st_probe *p,
		     struct surftrace_err *err)
{
	return queue_probe(st, expr, p, err);
}

static int on_record(const struct st_event *ev, void *ctx);

/* The comm the kernel fetched with the event (opts.kernel_comm), else the reader's. */
static const char *event_comm(const struct surftrace *st, const struct st_event *ev,
			      char *buf, size_t n)
{
	const char *data;
	int len = 0;

	if (!st->o.kernel_comm || !ev->tev || !tep_find_field(ev->tev, KERNEL_COMM_ARG))
		return ev->comm;
	data = tep_get_field_raw(NULL, ev->tev, KERNEL_COMM_ARG, ev->rec, &len, 0);
	if (!data || len <= 0)
		return ev->comm;
	if ((size_t)len >= n)
		len = (int)n - 1;
	memcpy(buf, data, (size_t)len);
	buf[len] = '\0';
	return buf;
}

/* The reader ran dry: write out what the output stage collected, so a pipe reader sees
 * events promptly without a write per line at high rates. */
static void flush_idle(void *ctx)
{
	struct surftrace *st = ctx;

	/* A stream that fails here would otherwise only be noticed at the next event. */
	if (st->out && st_output_flush(st->out) < 0)
		st_stopsig_raise(&st->stop);
}

/* The reader saw the stop: record nothing more, so its last drain has an end. */
static void pause_at_stop(void *ctx)
{
	struct surftrace *st = ctx;

	st_session_pause(st->sess, NULL);
}

static int open_reader(struct surftrace *st, struct st_err *e)
{
	struct st_reader_opts ro = {
		.instance_dir = st_session_instance_dir(st->sess),
		.tracefs_root = st_session_tracefs(st->sess)->root,
		.stacks = st->o.stack,
		.ustacks = st->o.ustack,
		.stop = &st->stop,
		.wake_percent = ST_READ_WAKE_AUTO,
		.batch_nice = st->o.reader_nice,
		.on_idle = flush_idle,
		.cpus = st->o.cpus, .ncpus = st->o.ncpus,
		.on_page = st->rec ? st_recorder_page : NULL, .page_ctx = st->rec,
		.on_stop = pause_at_stop,
	};
	size_t i;

	st->rd = st_reader_new(&ro, e);
	if (!st->rd)
		return -1;
	if (st->rec)
		st_recorder_set_page_size(st->rec, st_reader_page_size(st->rd));
	for (i = 0; i < st_session_nevents(st->sess); i++) {
		const struct st_session_event *ev = st_session_event_at(st->sess, i);

		/* the session made and enabled it: its format is read when it first fires */
		if (st_reader_add_event_lazy(st->rd, ev->system, ev->event, e) <= 0)
			return -1;
	}
	return 0;
}

static int open_output(struct surftrace *st, struct st_err *e)
{
	struct st_output_opts oo = {
		.mode = st->o.json ? ST_OUT_JSON : ST_OUT_TEXT,
		.out = st->o.print,
		.probes = (const struct st_probe *const *)st->probes,
		.nprobes = st->nprobes,
		.group = st_session_name(st->sess),
		.line_buffered = st->o.line_buffered,
	};

	if (!st->o.print)
		return 0;
	st->out = st_output_new(&oo, e);
	return st->out ? 0 : -1;
}

static void sweep_quietly(const struct st_session_opts *so)
{
	struct st_tracefs t;

	if (st_tracefs_open(&t, so->tracefs, NULL) == 0)
		st_sweep_dead(&t, NULL, NULL, NULL);
}

/* opts.kernel_comm: p/r/P/R probes fetch $comm themselves; a trace event's comm is the
 * reader's pid -> comm, which cannot name a task that exited before its events were read.
 * As perf's COMM records do, the kernel's own task_newtask (a new task, its comm) and
 * task_rename (exec and prctl name changes) are enabled after the user's events: read in
 * time order with them, they name every task before its next event. Not counted, not
 * delivered; skipped where the events do not exist or the user traces task/ events. */
static const char *const comm_events[2] = { "task_newtask", "task_rename" };

static void add_comm_tracking(struct surftrace *st)
{
	struct st_err e = { 0 };
	size_t i, before;

	if (!st->o.kernel_comm || st->o.record)
		return;
	for (i = 0; i < st->nprobes; i++) {
		const struct st_probe *p = st->probes[i];

		if (p->type == 'e' && (!strcmp(p->group, "task") || strpbrk(p->group, "*?[")))
			return;
	}
	for (i = 0; i < st->nprobes && st->probes[i]->type != 'e'; i++)
		;
	if (i == st->nprobes)
		return;
	for (i = 0; i < 2; i++) {
		struct st_probe *p = calloc(1, sizeof(*p));

		if (!p)
			return;
		p->type = 'e';
		p->index = -1;
		p->group = strdup("task");
		p->event = strdup(comm_events[i]);
		before = st_session_nevents(st->sess);
		if (!p->group || !p->event || st_session_add(st->sess, p, &e) < 0 ||
		    st_session_nevents(st->sess) != before + 1) {
			st_probe_free(p);
			continue;
		}
		st->comm_probes[st->ncomm_probes++] = p;
		st->nhidden++;
	}
}

/* A task/ event of add_comm_tracking: note the name it gives. */
static void note_comm(struct surftrace *st, const struct st_event *ev)
{
	const char *field = !strcmp(ev->name, comm_events[0]) ? "comm" :
			    !strcmp(ev->name, comm_events[1]) ? "newcomm" : NULL;
	unsigned long long pid;
	char comm[16];
	const char *data;
	int len = 0;

	if (!field || !ev->tev ||
	    tep_get_field_val(NULL, ev->tev, "pid", ev->rec, &pid, 0) ||
	    !(data = tep_get_field_raw(NULL, ev->tev, field, ev->rec, &len, 0)) || len <= 0)
		return;
	if ((size_t)len >= sizeof(comm))
		len = (int)sizeof(comm) - 1;
	memcpy(comm, data, (size_t)len);
	comm[len] = '\0';
	st_reader_note_comm(st->rd, (int)pid, comm);
}

int surftrace_start(struct surftrace *st, surftrace_event_fn cb, void *ctx,
		    struct surftrace_err *err)
{
	struct st_session_opts so = {
		.tracefs = st->o.tracefs, .stack = st->o.stack, .ustack = st->o.ustack,
		.buffer_kb = st->o.buffer_kb,
		.pids = st->o.pids, .npids = st->o.npids, .follow = st->o.follow,
		.cpus = st->o.cpus, .ncpus = st->o.ncpus,
		.stop = &st->stop, .trace_self = st->o.trace_self,
	};
	struct st_err e = { 0 };
	size_t i;

	if (st->sess)
		return fail(err, false, "already started");
	if (!st->nprobes)
		return fail(err, false, "no expression to trace");
	st->cb = cb;
	st->cb_ctx = ctx;
	if (!st->o.no_sweep)
		sweep_quietly(&so);
	if (st->o.record && !(st->rec = st_recorder_new(st->o.record, &e))) {
		st_api_err(err, &e, -1, true);
		return -1;
	}
	st->sess = st_session_new(&so, &e);
	if (!st->sess) {
		st_api_err(err, &e, -1, true);
		return -1;
	}
	for (i = 0; i < st->nprobes; i++) {
		/* A stop during a long setup (thousands of probes) ends it here: only what
		 * was set up so far must be removed. */
		if (st->stop) {
			st_err_set(&e, 0, "stopped by a signal during setup (%zu of %zu "
				   "expressions set up, all removed)", i, st->nprobes);
			st_api_err(err, &e, -1, true);
			goto undo;
		}
		if (st_session_add(st->sess, st->probes[i], &e) < 0) {
			st_api_err(err, &e, st->stop ? -1 : (int)i, true);
			goto undo;
		}
	}
	add_comm_tracking(st);
	if (open_reader(st, &e) < 0 || open_output(st, &e) < 0 ||
	    st_session_start(st->sess, &e) < 0) {
		st_api_err(err, &e, -1, true);
		goto undo;
	}
	st->started = true;
	return 0;
undo:
	surftrace_stop(st, NULL);
	return -1;
}

/* Event type id -> expression index, filled on first sight of each id. */
static int expr_of(struct surftrace *st, const struct st_event *ev)
{
	size_t i;
	int idx = -1;

	if (ev->id >= 0 && ev->id < st->nids && st->expr_by_id[ev->id] != -2)
		return st->expr_by_id[ev->id];
	for (i = 0; i < st_session_nevents(st->sess); i++) {
		const struct st_session_event *se = st_session_event_at(st->sess, i);

		if (!strcmp(se->event, ev->name) && !strcmp(se->system, ev->system)) {
			idx = se->probe ? se->probe->index : -1;
			break;
		}
	}
	if (ev->id >= 0 && ev->id < 65536) {
		if (ev->id >= st->nids) {
			int n = ev->id + 64, *v = realloc(st->expr_by_id, (size_t)n * sizeof(*v));

			if (!v)
				return idx;
			while (st->nids < n)
				v[st->nids++] = -2;
			st->expr_by_id = v;
		}
		st->expr_by_id[ev->id] = idx;
	}
	return idx;
}

static int on_record(const struct st_event *ev, void *ctx)
{
	struct surftrace *st = ctx;

	if (st->ncomm_probes && !strcmp(ev->system, "task")) {
		note_comm(st, ev);
		if (expr_of(st, ev) < 0)
			return 0;     /* ours, not the user's */
	}

	if (st->out && st_output_event(st->out, ev) < 0)
		return 1;   /* the stream is gone: stop (read_with reports why) */
	if (st->cb) {
		struct st_api_event priv = { st, ev };
		char comm[32];
		struct surftrace_event pub = {
			.time = (double)ev->ts / 1e9, .cpu = ev->cpu, .pid = ev->pid,
			.comm = event_comm(st, ev, comm, sizeof(comm)), .system = ev->system, .event = ev->name,
			.expr = expr_of(st, ev), .stack = ev->stack, .nstack = ev->nstack,
			.priv = &priv, .ts_ns = ev->ts,
			.ustack = ev->ustack, .nustack = ev->nustack,
		};

		if (st->cb(&pub, st->cb_ctx))
			return 1;
	}
	st->delivered++;
	return st->o.max_events > 0 && st->delivered >= (unsigned long long)st->o.max_events;
}

static bool output_failed(struct surftrace *st, struct surftrace_err *err);

/* wait: block until stopped (or until deadline_ns, CLOCK_MONOTONIC, when not 0). */
static int read_with(struct surftrace *st, bool wait, long long deadline_ns,
		     struct surftrace_err *err)
{
	struct st_err e = { 0 };
	int rc;

	if (!st->rd)
		return fail(err, false, "not started");
	rc = wait ? st_reader_run_until(st->rd, deadline_ns, on_record, st, &e)
		  : st_reader_drain(st->rd, on_record, st, &e);
	if (st->out)
		st_output_flush(st->out);
	if (rc < 0) {
		st_api_err(err, &e, -1, true);
		return -1;
	}
	return output_failed(st, err) ? -1 : rc;
}

/* Output errors are errors (a full disk, a closed stream), except the ends a stop
 * explains: a reader that went away (EPIPE) or a drain cut short (ECANCELED). */
static bool output_failed(struct surftrace *st, struct surftrace_err *err)
{
	int e = st_output_error(st->out);
	struct st_err se = { 0 };

	if (!e || e == EPIPE || e == ECANCELED)
		return false;
	st_err_set(&se, 0, "cannot write the output: %s", strerror(e));
	st_api_err(err, &se, -1, true);
	return true;
}

int surftrace_run(struct surftrace *st, struct surftrace_err *err)
{
	return read_with(st, true, 0, err) < 0 ? -1 : 0;
}

int surftrace_run_for(struct surftrace *st, double seconds, struct surftrace_err *err)
{
	long long deadline = st_mono_ns() + (long long)(seconds * 1e9);
	int rc;

	rc = read_with(st, true, deadline ? deadline : 1, err);
	return rc < 0 ? -1 : rc == 2 ? 1 : 0;
}

int surftrace_poll(struct surftrace *st, struct surftrace_err *err)
{
	int rc = read_with(st, false, 0, err);

	return rc < 0 ? -1 : (rc > 0 || st->stop) ? 1 : 0;
}

int surftrace_wait(struct surftrace *st, int timeout_ms, struct surftrace_err *err)
{
	struct st_err e = { 0 };
	int rc;

	if (!st->rd)
		return fail(err, false, "not started");
	rc = st_reader_wait(st->rd, timeout_ms, &e);
	if (rc < 0)
		st_api_err(err, &e, -1, true);
	return rc;
}

void surftrace_request_stop(struct surftrace *st)
{
	st_stopsig_raise(&st->stop);
}

unsigned long long surftrace_delivered(const struct surftrace *st)
{
	return st->delivered;
}

unsigned long long surftrace_lost(struct surftrace *st)
{
	unsigned long long n = 0;
	int cpu;

	for (cpu = 0; st->rd && cpu < st_reader_ncpus(st->rd); cpu++)
		n += st_reader_lost(st->rd, st_reader_cpu_at(st->rd, cpu));
	return n;
}

void surftrace_set_lost_advice(const char *advice)
{
	st_output_set_lost_advice(advice);
}

void surftrace_print_lost(struct surftrace *st, FILE *f)
{
	if (!st->rd)
		return;
	if (st->out)
		st_output_lost_records(st->out, st->rd);
	st_output_lost_summary(f, st->rd);
	if (st_reader_drain_cut(st->rd))
		fprintf(f, "surftrace: the last read after the stop was cut short (%d s / %u MiB, "
			"or a second signal): events still buffered in the kernel were not read\n",
			ST_READ_DRAIN_MS / 1000, ST_READ_DRAIN_BYTES >> 20);
}

struct comm_list {
	struct st_meta_comm *v;
	size_t n, cap;
};

static int add_comm(int pid, const char *comm, void *ctx)
{
	struct comm_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		struct st_meta_comm *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return 1;   /* fewer names: the file's own cmdlines still name most */
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].pid = pid;
	snprintf(l->v[l->n].comm, sizeof(l->v->comm), "%s", comm);
	l->n++;
	return 0;
}

/* What surftrace_report needs to print the recording like this run (record/meta.h). */
static char *record_meta(struct surftrace *st)
{
	struct comm_list comms = { 0 };
	int n = st_reader_ncpus(st->rd), max = -1, i;
	unsigned long long *lost;
	char *text;

	for (i = 0; i < n; i++)
		if (st_reader_cpu_at(st->rd, i) > max)
			max = st_reader_cpu_at(st->rd, i);
	lost = calloc((size_t)max + 2, sizeof(*lost));
	if (!lost)
		return NULL;
	for (i = 0; i < n; i++)
		lost[st_reader_cpu_at(st->rd, i)] =
			st_reader_lost(st->rd, st_reader_cpu_at(st->rd, i));
	st_reader_each_comm(st->rd, add_comm, &comms);
	text = st_meta_text(st_session_name(st->sess), (const char *const *)st->exprs,
			    (const struct st_probe *const *)st->probes, st->nprobes, lost, max + 1,
			    st->o.stack, comms.v, comms.n);
	free(lost);
	free(comms.v);
	return text;
}

/* -w: the file with the formats of exactly the run's events. */
static int finish_record(struct surftrace *st, const char *meta, struct st_err *e)
{
	size_t n = st_session_nevents(st->sess), i;
	char **ev = calloc(n + 1, sizeof(*ev));
	int rc = -1;

	if (!ev)
		return st_err_set(e, 0, "out of memory");
	for (i = 0; i < n; i++) {
		const struct st_session_event *se = st_session_event_at(st->sess, i);

		if (asprintf(&ev[i], "%s/%s", se->system, se->event) < 0) {
			ev[i] = NULL;
			st_err_set(e, 0, "out of memory");
			goto out;
		}
	}
	rc = st_recorder_finish(st->rec, st_session_tracefs(st->sess)->root,
				(const char *const *)ev, n, meta, e);
out:
	for (i = 0; i < n; i++)
		free(ev[i]);
	free(ev);
	return rc;
}

int surftrace_stop(struct surftrace *st, struct surftrace_err *err)
{
	struct st_err e = { 0 };
	int rc = 0;

	if (!st)
		return 0;
	/* The output borrows the reader's tep: it goes first. The reader holds the
	 * instance's files open: the instance cannot go before it. */
	if (st->out && !st_output_error(st->out) && st_output_flush(st->out) < 0 &&
	    output_failed(st, err))
		rc = -1;          /* new here: an earlier failure was reported by run/poll */
	char *meta = st->rec && st->rd && st->started ? record_meta(st) : NULL;

	st_output_free(st->out);
	st->out = NULL;
	st_api_render_free(st);
	st_reader_free(st->rd);
	st->rd = NULL;
	/* -w: the file is written while our probes (and so their formats) still exist */
	if (meta && st->sess && finish_record(st, meta, &e) < 0) {
		st_api_err(err, &e, -1, true);
		rc = -1;
	}
	free(meta);
	st_recorder_free(st->rec);
	st->rec = NULL;
	if (st->sess && st_session_teardown(st->sess, &e) < 0) {
		st_api_err(err, &e, -1, true);   /* the more important message */
		st->teardown_reported |= err != NULL;
		rc = -1;
	}
	return rc;
}

void surftrace_free(struct surftrace *st)
{
	struct surftrace_err err;
	bool reported;
	size_t i;

	if (!st)
		return;
	reported = st->teardown_reported;
	/* once: a caller that got the error from surftrace_stop has shown it */
	if (surftrace_stop(st, &err) < 0 && !reported)
		st_print(SURFTRACE_WARN, "surftrace: cleanup: %s\n", err.msg);
	st_session_free(st->sess);
	st_api_render_free(st);
	for (i = 0; i < st->ncomm_probes; i++)
		st_probe_free(st->comm_probes[i]);
	for (i = 0; i < st->nprobes; i++) {
		st_probe_free(st->probes[i]);
		free(st->exprs[i]);
	}
	for (i = 0; i < st->nshows; i++)
		free(st->shows[i]);
	free(st->shows);
	free(st->probes);
	free(st->exprs);
	free(st->expr_by_id);
	st_translator_free(st->tr);
	free(st->pids);
	free(st->cpus);
	free(st);
}

size_t surftrace_nevents(const struct surftrace *st)
{
	return st->sess ? st_session_nevents(st->sess) - st->nhidden : 0;
}

int surftrace_event_info(const struct surftrace *st, size_t i, const char **system,
			 const char **event, int *expr)
{
	const struct st_session_event *se;

	if (!st->sess || i >= surftrace_nevents(st))
		return -1;
	se = st_session_event_at(st->sess, i);
	*system = se->system;
	*event = se->event;
	*expr = se->probe ? se->probe->index : -1;
	return 0;
}

const char *surftrace_instance_dir(const struct surftrace *st)
{
	return st->sess ? st_session_instance_dir(st->sess) : NULL;
}

const char *surftrace_notice(const struct surftrace *st, int idx)
{
	if (!st || idx < 0 || (size_t)idx >= st->nprobes)
		return NULL;
	return st->probes[idx]->notice;
}

_Static_assert(SURFTRACE_JSON_V == ST_JSON_V, "one JSON schema version");

int surftrace_translation(struct surftrace *st, int idx, struct surftrace_translation *out)
{
	const struct st_probe *p;

	if (idx < 0 || (size_t)idx >= st->nprobes)
		return -1;
	if ((size_t)idx >= st->nshows) {
		char **n = realloc(st->shows, st->nprobes * sizeof(*n));

		if (!n)
			return -1;
		memset(n + st->nshows, 0, (st->nprobes - st->nshows) * sizeof(*n));
		st->shows = n;
		st->nshows = st->nprobes;
	}
	p = st->probes[idx];
	if (!st->shows[idx] && !(st->shows[idx] = st_probe_show_fxpr(p)))
		return -1;
	out->type = p->type;
	out->fxpr = st->shows[idx];
	out->filter = p->filter ? p->filter : "";
	return 0;
}

const char *surftrace_name(const struct surftrace *st)
{
	return st->sess ? st_session_name(st->sess) : NULL;
}

int surftrace_write_script(struct surftrace *st, FILE *f, struct surftrace_err *err)
{
	struct st_script_opts so = {
		.stack = st->o.stack, .buffer_kb = st->o.buffer_kb, .timeout = st->o.timeout,
		.count = st->o.max_events,
		.exprs = (const char *const *)st->exprs,
	};
	struct st_err e = { 0 };

	if (st_session_script(f, (const struct st_probe *const *)st->probes, st->nprobes, &so,
			      &e) < 0) {
		st_api_err(err, &e, -1, true);
		return -1;
	}
	return 0;
}

int surftrace_cleanup(const char *tracefs,
		      void (*cb)(const char *kind, const char *name, void *ctx), void *ctx,
		      struct surftrace_err *err)
{
	struct st_tracefs t;
	struct st_err e = { 0 };
	int n;

	if (st_tracefs_open(&t, tracefs, &e) < 0) {
		st_api_err(err, &e, -1, true);
		return -1;
	}
	n = st_sweep_dead(&t, cb, ctx, &e);
	if (n < 0)
		st_api_err(err, &e, -1, true);
	return n;
}
