// SPDX-License-Identifier: MIT
/* The reader's second source: a trace.dat file (surftrace -w, trace-cmd record) through
 * libtracecmd, delivered as the same st_events the live reader produces, in time order
 * across CPUs: comm from the file's saved cmdlines, latency flags as live, and (stacks)
 * the ftrace/kernel_stack record that follows an event attached to it. */
#include "read/read_int.h"
#ifndef ST_NO_LIBTRACECMD
#include <stdlib.h>
#include <string.h>
#include <trace-cmd.h>

struct pend {
	bool has;
	struct tep_record rec;   /* a copy: data points to buf */
	char *buf;
	size_t cap;
};

struct tdat {
	struct tep_handle *tep;
	struct tep_event *stack_ev;
	struct tep_format_field *caller;
	bool stacks;
	st_reader_cb cb;
	void *ctx;
	int stop;
	struct pend *pend;        /* by CPU (stacks only) */
	int npend;
	unsigned long long frames[512];
};

static int deliver(struct tdat *t, struct tep_record *rec, const unsigned long long *stack,
		   int nstack)
{
	struct tep_event *tev = tep_find_event_by_record(t->tep, rec);
	struct st_event ev;

	if (!tev)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.cpu = rec->cpu;
	ev.ts = rec->ts;
	ev.system = tev->system;
	ev.name = tev->name;
	ev.id = tev->id;
	ev.tep = t->tep;
	ev.tev = tev;
	ev.rec = rec;
	ev.stack = stack;
	ev.nstack = nstack;
	ev.pid = tep_data_pid(t->tep, rec);
	ev.comm = ev.pid ? tep_data_comm_from_pid(t->tep, ev.pid) : "<idle>";
	st_lat_flags((unsigned int)tep_data_flags(t->tep, rec),
		     (unsigned int)tep_data_preempt_count(t->tep, rec), ev.flags);
	return t->cb(&ev, t->ctx);
}

static int flush(struct tdat *t, int cpu, const unsigned long long *stack, int nstack)
{
	struct pend *p = &t->pend[cpu];

	if (!p->has)
		return 0;
	p->has = false;
	return deliver(t, &p->rec, stack, nstack);
}

/* The return addresses of a kernel_stack record (its "caller" array). */
static int frames_of(struct tdat *t, struct tep_record *rec)
{
	struct tep_format_field *f = t->caller;
	int n, k = 0;

	if (!f || f->offset >= rec->size)
		return 0;
	n = (rec->size - f->offset) / 8;
	for (int i = 0; i < n && k < (int)(sizeof(t->frames) / sizeof(t->frames[0])); i++) {
		unsigned long long a = tep_read_number(t->tep, (char *)rec->data + f->offset + i * 8, 8);

		if (!a || a == ~0ULL)
			break;
		t->frames[k++] = a;
	}
	return k;
}

static int hold(struct pend *p, struct tep_record *rec)
{
	if ((size_t)rec->size > p->cap) {
		char *nb = realloc(p->buf, (size_t)rec->size);

		if (!nb)
			return -1;
		p->buf = nb;
		p->cap = (size_t)rec->size;
	}
	memcpy(p->buf, rec->data, (size_t)rec->size);
	p->rec = *rec;
	p->rec.data = p->buf;
	p->has = true;
	return 0;
}

static int on_record(struct tracecmd_input *in, struct tep_record *rec, int cpu, void *data)
{
	struct tdat *t = data;
	bool is_stack;

	(void)in;
	if (t->stop)
		return 1;
	is_stack = t->stack_ev && tep_data_type(t->tep, rec) == t->stack_ev->id;
	if (!t->stacks) {
		if (!is_stack)
			t->stop = deliver(t, rec, NULL, 0);
		return t->stop;
	}
	if (cpu < 0 || cpu > 65535)
		return 0;
	if (cpu >= t->npend) {
		struct pend *np = realloc(t->pend, (size_t)(cpu + 1) * sizeof(*np));

		if (!np)
			return t->stop = -1;
		memset(np + t->npend, 0, (size_t)(cpu + 1 - t->npend) * sizeof(*np));
		t->pend = np;
		t->npend = cpu + 1;
	}
	if (is_stack) {
		t->stop = flush(t, cpu, t->frames, frames_of(t, rec));
	} else {
		t->stop = flush(t, cpu, NULL, 0);
		if (!t->stop && hold(&t->pend[cpu], rec) < 0)
			t->stop = -1;
	}
	return t->stop;
}

struct st_tracedat {
	struct tracecmd_input *in;
};

struct st_tracedat *st_tracedat_open(const char *path, struct st_err *err)
{
	struct st_tracedat *td = calloc(1, sizeof(*td));

	if (!td) {
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	tracecmd_set_loglevel(TEP_LOG_NONE);
	td->in = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!td->in) {
		st_err_set(err, 0, "cannot open '%s' as a trace.dat file", path);
		free(td);
		return NULL;
	}
	return td;
}

void st_tracedat_name(struct st_tracedat *td, int pid, const char *comm)
{
	struct tep_handle *tep = tracecmd_get_tep(td->in);

	if (pid > 0 && !tep_is_pid_registered(tep, pid))
		tep_register_comm(tep, comm, pid);
}

void st_tracedat_close(struct st_tracedat *td)
{
	if (!td)
		return;
	tracecmd_close(td->in);
	free(td);
}

int st_tracedat_run(struct st_tracedat *td, bool stacks, st_reader_cb cb, void *ctx,
		    struct st_err *err)
{
	struct tdat t = { .cb = cb, .ctx = ctx, .stacks = stacks };
	int rc = 0, i;

	t.tep = tracecmd_get_tep(td->in);
	for (i = 0; i < tep_get_events_count(t.tep); i++)
		st_tep_sign_symbols(tep_get_event(t.tep, i));
	t.stack_ev = tep_find_event_by_name(t.tep, "ftrace", "kernel_stack");
	t.caller = t.stack_ev ? tep_find_field(t.stack_ev, "caller") : NULL;
	tracecmd_iterate_events(td->in, NULL, 0, on_record, &t);
	/* events still waiting for a stack that never came, in time order */
	while (t.stacks && !t.stop) {
		int best = -1;

		for (i = 0; i < t.npend; i++)
			if (t.pend[i].has && (best < 0 || t.pend[i].rec.ts < t.pend[best].rec.ts))
				best = i;
		if (best < 0)
			break;
		t.stop = flush(&t, best, NULL, 0);
	}
	if (t.stop < 0)
		rc = st_err_set(err, 0, "out of memory");
	for (i = 0; i < t.npend; i++)
		free(t.pend[i].buf);
	free(t.pend);
	return rc;
}
#else
/* The kernel lab's static build: Debian ships libtracecmd only as a shared object. */
struct st_tracedat *st_tracedat_open(const char *path, struct st_err *err)
{
	st_err_set(err, 0, "%s: this build of surftrace cannot read trace.dat (built without "
		   "libtracecmd)", path);
	return NULL;
}

int st_tracedat_run(struct st_tracedat *td, bool stacks, st_reader_cb cb, void *ctx,
		    struct st_err *err)
{
	(void)td; (void)stacks; (void)cb; (void)ctx;
	return st_err_set(err, 0, "built without libtracecmd");
}

void st_tracedat_name(struct st_tracedat *td, int pid, const char *comm)
{
	(void)td; (void)pid; (void)comm;
}

void st_tracedat_close(struct st_tracedat *td)
{
	(void)td;
}
#endif
