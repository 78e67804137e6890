// SPDX-License-Identifier: MIT
/* surfGraph: function_graph set up in tracefs, its raw records turned into a call tree. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event-parse.h>
#include "graph/graph.h"
#include "output/output.h"
#include "read/read.h"
#include "session/session.h"

#define MAX_DEPTH 128
#define NTASKS 1024            /* power of two */
#define NSAVED 12

struct frame {
	struct st_graph_node *node;
	int depth;
};

struct task {
	int pid;                   /* 0 = free slot */
	struct frame st[MAX_DEPTH];
	int n;
};

struct saved {
	char rel[256];
	char *old;                 /* what the file held before (top level only) */
};

struct st_graph {
	struct st_graph_opts o;
	struct st_tracefs t;
	struct st_session *sess;
	struct st_reader *rd;
	struct st_addrsyms *syms;
	char base[200];            /* "instances/surftrace_1/" or "" (top level) */
	char where[96];
	bool started, top;
	struct saved saved[NSAVED];
	int nsaved;
	struct st_graph_node root;
	struct task *tasks;
	struct tep_format_field *e_func, *e_depth, *x_func, *x_depth, *x_call, *x_ret;
	int entry_id, exit_id;
	struct st_flame_rect *rects;
	unsigned long long *rect_t;  /* absolute calltime of each rect */
	int nrects, caprects;
	unsigned long long t0;
};

static bool word_in(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p = text;

	while (p && (p = strstr(p, word))) {
		if ((p == text || p[-1] == ' ' || p[-1] == '\n') &&
		    (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

static bool has_tracer(const struct st_tracefs *t, const char *dir)
{
	char rel[256];
	char *txt;
	bool yes;

	snprintf(rel, sizeof(rel), "%savailable_tracers", dir);
	txt = st_tracefs_read(t, rel);
	yes = txt && word_in(txt, "function_graph");
	free(txt);
	return yes;
}

/* Write base+name; at the top level remember the old content first. */
static int put(struct st_graph *g, const char *name, const char *text, struct st_err *err)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "%s%s", g->base, name);
	if (g->top && g->nsaved < NSAVED) {
		struct saved *s = &g->saved[g->nsaved];
		char *old = st_tracefs_read(&g->t, rel);

		if (!old)
			return st_err_set(err, 0, "cannot read %s", rel);
		/* Empty lists read "#### all functions enabled ####" / "no pid"; numbers and
		 * options are the first word ("1408 (expanded: ...)" for buffer_size_kb). */
		if (old[0] == '#' || !strncmp(old, "no pid", 6))
			old[0] = '\0';
		old[strcspn(old, " \n")] = '\0';
		snprintf(s->rel, sizeof(s->rel), "%s", rel);
		s->old = old;
		g->nsaved++;
	}
	return st_tracefs_write(&g->t, rel, text, false, g->top ? NULL : st_session_name(g->sess),
				err) < 0 ? -1 : 0;
}

static int restore(struct st_graph *g, struct st_err *err)
{
	int i, rc = 0;
	struct st_err e = { 0 };

	for (i = g->nsaved - 1; i >= 0; i--) {
		struct saved *s = &g->saved[i];
		const char *v = s->old;

		/* an empty list is cleared by truncating, a number or option written back */
		if (st_tracefs_write(&g->t, s->rel, *v ? v : "", false, NULL, &e) < 0 && !rc) {
			*err = e;
			rc = -1;
		}
		free(s->old);
	}
	g->nsaved = 0;
	return rc;
}

/* Top level is usable only when no one is tracing there. */
static int top_idle(struct st_graph *g, struct st_err *err)
{
	char *cur = st_tracefs_read(&g->t, "current_tracer");
	char *gf = st_tracefs_read(&g->t, "set_graph_function");
	bool idle = cur && !strncmp(cur, "nop", 3) && gf && (gf[0] == '#' || !gf[0]);

	if (!idle)
		st_err_set(err, 0, "function_graph cannot be confined to an instance on this kernel "
			   "and the top level is in use (current_tracer %.*s%s): try again when "
			   "it is free", cur ? (int)strcspn(cur, "\n") : 1, cur ? cur : "?",
			   gf && gf[0] != '#' && gf[0] ? ", set_graph_function set" : "");
	free(cur);
	free(gf);
	return idle ? 0 : -1;
}

static int configure(struct st_graph *g, struct st_err *err)
{
	char num[32], rel[256];

	if (put(g, "set_graph_function", g->o.func, err))
		return -1;
	snprintf(rel, sizeof(rel), "%smax_graph_depth", g->base);
	if (g->o.depth > 0 && st_tracefs_exists(&g->t, rel)) {
		snprintf(num, sizeof(num), "%d", g->o.depth + 1);
		if (put(g, "max_graph_depth", num, err))
			return -1;
	}
	snprintf(rel, sizeof(rel), "%soptions/funcgraph-irqs", g->base);
	if (st_tracefs_exists(&g->t, rel) && put(g, "options/funcgraph-irqs", "0", err))
		return -1;
	if (g->o.pid > 0) {
		snprintf(num, sizeof(num), "%d", g->o.pid);
		if (put(g, "set_ftrace_pid", num, err))
			return -1;
	}
	/* Never graph ourselves: the reader's own read(2)s run through the kernel's code
	 * too (kernels before 5.8 lack the file). */
	snprintf(rel, sizeof(rel), "%sset_ftrace_notrace_pid", g->base);
	if (g->o.pid != (int)getpid() && st_tracefs_exists(&g->t, rel)) {
		snprintf(num, sizeof(num), "%d", (int)getpid());
		if (put(g, "set_ftrace_notrace_pid", num, err))
			return -1;
	}
	if (put(g, "current_tracer", "function_graph", err))
		return -1;
	g->started = true;
	return 0;
}

static struct tep_format_field *field(struct tep_event *e, const char *name)
{
	return e ? tep_find_field(e, name) : NULL;
}

static int open_reader(struct st_graph *g, struct st_err *err)
{
	char dir[512];
	struct tep_event *en, *ex;
	struct st_reader_opts ro = {
		.tracefs_root = g->t.root, .stop = g->o.stop,
		.wake_percent = g->top ? -1 : 0,
	};

	snprintf(dir, sizeof(dir), "%s/%s", g->t.root, g->base);
	ro.instance_dir = dir;
	g->rd = st_reader_new(&ro, err);
	if (!g->rd)
		return -1;
	if (st_reader_add_event(g->rd, "ftrace", "funcgraph_entry", err) <= 0 ||
	    st_reader_add_event(g->rd, "ftrace", "funcgraph_exit", err) <= 0)
		return -1;
	en = tep_find_event_by_name(st_reader_tep(g->rd), "ftrace", "funcgraph_entry");
	ex = tep_find_event_by_name(st_reader_tep(g->rd), "ftrace", "funcgraph_exit");
	g->e_func = field(en, "func");
	g->e_depth = field(en, "depth");
	g->x_func = field(ex, "func");
	g->x_depth = field(ex, "depth");
	g->x_call = field(ex, "calltime");
	g->x_ret = field(ex, "rettime");
	if (!g->e_func || !g->e_depth || !g->x_func || !g->x_depth || !g->x_call || !g->x_ret)
		return st_err_set(err, 0, "unexpected funcgraph_entry/exit record format");
	g->entry_id = en->id;
	g->exit_id = ex->id;
	return 0;
}

struct st_graph *st_graph_new(const struct st_graph_opts *o, bool *runtime,
			      struct st_err *err)
{
	struct st_session_opts so = { .tracefs = o->tracefs };
	struct st_graph *g = calloc(1, sizeof(*g));
	char rel[256], kb[32];

	*runtime = true;
	if (!g) {
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	g->o = *o;
	so.buffer_kb = st_buffer_kb(o->buffer_kb, ST_BUF_GRAPH);
	g->tasks = calloc(NTASKS, sizeof(*g->tasks));
	g->syms = st_addrsyms_new(NULL);
	if (!g->tasks || !g->syms) {
		st_err_set(err, 0, "out of memory");
		goto fail;
	}
	if (st_tracefs_open(&g->t, o->tracefs, err) < 0)
		goto fail;
	if (!has_tracer(&g->t, "")) {
		st_err_set(err, 0, "this kernel has no function_graph tracer (it is not in "
			   "available_tracers: CONFIG_FUNCTION_GRAPH_TRACER); nothing was changed");
		goto fail;
	}
	g->sess = st_session_new(&so, err);
	if (!g->sess)
		goto fail;
	snprintf(g->base, sizeof(g->base), "instances/%s/", st_session_name(g->sess));
	snprintf(rel, sizeof(rel), "%sset_graph_function", g->base);
	/* 6.12 allows function_graph in instances but has no set_graph_function there */
	if (has_tracer(&g->t, g->base) && st_tracefs_exists(&g->t, rel)) {
		snprintf(g->where, sizeof(g->where), "instance %s", st_session_name(g->sess));
	} else {
		/* 6.1: function_graph only at the top level */
		st_session_free(g->sess);
		g->sess = NULL;
		g->base[0] = '\0';
		g->top = true;
		snprintf(g->where, sizeof(g->where), "the top-level buffer (restored afterwards)");
		snprintf(kb, sizeof(kb), "%ld", st_buffer_kb(0, ST_BUF_GRAPH));
		if (top_idle(g, err) || put(g, "tracing_on", "0", err) ||
		    put(g, "buffer_size_kb", kb, err) ||
		    st_tracefs_write(&g->t, "trace", "", false, NULL, err) < 0)
			goto fail;
	}
	/* The tracer is set before the reader opens trace_pipe_raw: the kernel refuses to
	 * change it (EBUSY) while a pipe reader holds the buffer. */
	if (configure(g, err) || open_reader(g, err) || put(g, "tracing_on", "1", err))
		goto fail;
	return g;
fail:
	st_graph_free(g);
	return NULL;
}

static struct task *task_of(struct st_graph *g, int pid)
{
	unsigned int h = ((unsigned int)pid * 2654435761u) & (NTASKS - 1), i;

	for (i = 0; i < NTASKS; i++) {
		struct task *t = &g->tasks[(h + i) & (NTASKS - 1)];

		if (t->pid == pid || !t->pid) {
			t->pid = pid;
			return t;
		}
	}
	return NULL;
}

static struct st_graph_node *child(struct st_graph *g, struct st_graph_node *p,
				   unsigned long long addr)
{
	struct st_graph_node *n, **nk;
	unsigned long long start, size;
	const char *name;
	char buf[40];
	int i;

	for (i = 0; i < p->nkids; i++)
		if (p->kids[i]->addr == addr)
			return p->kids[i];
	if (p->nkids == p->cap) {
		int cap = p->cap ? p->cap * 2 : 4;

		nk = realloc(p->kids, (size_t)cap * sizeof(*nk));
		if (!nk)
			return NULL;
		p->kids = nk;
		p->cap = cap;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	if (!st_addrsyms_find(g->syms, addr, &name, &start, &size)) {
		snprintf(buf, sizeof(buf), "0x%llx", addr);
		name = buf;
	}
	n->name = strdup(name);
	n->addr = addr;
	if (!n->name) {
		free(n);
		return NULL;
	}
	p->kids[p->nkids++] = n;
	return n;
}

static unsigned long long num(const struct st_event *ev, struct tep_format_field *f)
{
	unsigned long long v = 0;

	tep_read_number_field(f, ev->rec->data, &v);
	return v;
}

static int add_rect(struct st_graph *g, const char *name, int depth,
		    unsigned long long call, unsigned long long dur)
{
	if (g->nrects == g->caprects) {
		int cap = g->caprects ? g->caprects * 2 : 256;
		struct st_flame_rect *nr = realloc(g->rects, (size_t)cap * sizeof(*nr));
		unsigned long long *nt;

		if (!nr)
			return -1;
		g->rects = nr;
		nt = realloc(g->rect_t, (size_t)cap * sizeof(*nt));
		if (!nt)
			return -1;
		g->rect_t = nt;
		g->caprects = cap;
	}
	if (!g->nrects || call < g->t0)
		g->t0 = call;
	g->rects[g->nrects] = (struct st_flame_rect){ 0, (double)dur, depth, name };
	g->rect_t[g->nrects++] = call;
	return 0;
}

static int on_event(const struct st_event *ev, void *ctx)
{
	struct st_graph *g = ctx;
	struct task *t = task_of(g, ev->pid);
	int depth;

	if (!t)
		return 0;
	if (ev->id == g->entry_id) {
		struct st_graph_node *parent, *n;

		depth = (int)(int32_t)num(ev, g->e_depth);
		if (depth < 0 || depth >= MAX_DEPTH || (g->o.depth > 0 && depth > g->o.depth))
			return 0;
		while (t->n > 0 && t->st[t->n - 1].depth >= depth)
			t->n--;            /* an exit we never saw */
		parent = t->n ? t->st[t->n - 1].node : &g->root;
		if (depth > 0 && !t->n)
			return 0;          /* started reading inside a call: no parent to hang on */
		n = child(g, parent, num(ev, g->e_func));
		if (!n)
			return 1;
		t->st[t->n++] = (struct frame){ n, depth };
	} else if (ev->id == g->exit_id) {
		unsigned long long call = num(ev, g->x_call), ret = num(ev, g->x_ret);
		struct st_graph_node *n;

		depth = (int)(int32_t)num(ev, g->x_depth);
		while (t->n > 0 && t->st[t->n - 1].depth > depth)
			t->n--;
		if (!t->n || t->st[t->n - 1].depth != depth)
			return 0;
		n = t->st[--t->n].node;
		if (n->addr != num(ev, g->x_func))
			return 0;
		n->calls++;
		n->total_ns += ret - call;
		if (ret - call > n->max_ns)
			n->max_ns = ret - call;
		if (add_rect(g, n->name, depth, call, ret - call))
			return 1;
	}
	return 0;
}

int st_graph_run(struct st_graph *g, struct st_err *err)
{
	return st_reader_run(g->rd, on_event, g, err) < 0 ? -1 : 0;
}

int st_graph_stop(struct st_graph *g, struct st_err *err)
{
	struct st_err e = { 0 };
	int rc = 0;

	if (g->started)
		put(g, "tracing_on", "0", &e);
	/* the pipe readers go before the tracer can change back (EBUSY otherwise) */
	st_reader_free(g->rd);
	g->rd = NULL;
	if (g->started && g->top)
		st_tracefs_write(&g->t, "current_tracer", "nop", false, NULL, &e);
	g->started = false;
	if (g->top && restore(g, &e) < 0) {
		*err = e;
		rc = -1;
	}
	if (g->sess && st_session_teardown(g->sess, &e) < 0) {
		*err = e;
		rc = -1;
	}
	return rc;
}

static void free_node(struct st_graph_node *n, bool self)
{
	int i;

	for (i = 0; i < n->nkids; i++)
		free_node(n->kids[i], true);
	free(n->kids);
	free(n->name);
	if (self)
		free(n);
}

void st_graph_free(struct st_graph *g)
{
	struct st_err e;

	if (!g)
		return;
	st_graph_stop(g, &e);
	st_session_free(g->sess);
	st_addrsyms_free(g->syms);
	free_node(&g->root, false);
	free(g->tasks);
	free(g->rects);
	free(g->rect_t);
	free(g);
}

const struct st_graph_node *st_graph_tree(const struct st_graph *g)
{
	return &g->root;
}

const struct st_flame_rect *st_graph_rects(const struct st_graph *g, int *n, double *span)
{
	struct st_graph *w = (struct st_graph *)g;
	double end = 0;
	int i;

	for (i = 0; i < g->nrects; i++) {
		w->rects[i].x = (double)(g->rect_t[i] - g->t0);
		if (w->rects[i].x + w->rects[i].w > end)
			end = w->rects[i].x + w->rects[i].w;
	}
	*n = g->nrects;
	*span = end;
	return g->rects;
}

const char *st_graph_where(const struct st_graph *g)
{
	return g->where;
}

unsigned long long st_graph_lost(struct st_graph *g)
{
	unsigned long long n = 0;
	int cpu;

	for (cpu = 0; g->rd && cpu < st_reader_ncpus(g->rd); cpu++)
		n += st_reader_lost(g->rd, cpu);
	return n;
}
