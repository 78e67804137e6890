/* SPDX-License-Identifier: MIT */
/* surfGraph: the function_graph tracer under one kernel function, read from the raw
 * buffers (ftrace/funcgraph_entry and funcgraph_exit records), as a call tree with call
 * counts and durations, and the calls as laid-out frames for a flame chart (time on x).
 *
 * Where it runs: the run's own instance (surftrace_<pid>, like every surftrace run) when
 * the kernel allows function_graph in instances (6.12); else the top-level buffer, but
 * only when nobody uses it (current_tracer nop, no set_graph_function), and every file
 * written there is restored on stop (6.1). A kernel without function_graph is refused
 * before anything is written. */
#ifndef ST_GRAPH_GRAPH_H
#define ST_GRAPH_GRAPH_H
#include <signal.h>
#include <stdbool.h>
#include "aggregate/flame.h"
#include "util/err.h"

struct st_graph_opts {
	const char *tracefs;            /* NULL: find it */
	const char *func;               /* the function whose calls are graphed */
	int depth;                      /* levels below func, 0 = all */
	int pid;                        /* only this task, 0 = all */
	long buffer_kb;                 /* 0 = 8192 per CPU */
	volatile sig_atomic_t *stop;    /* reading ends when it becomes non-zero */
};

/* One node of the merged call tree: every call of `name` under the same path. */
struct st_graph_node {
	char *name;
	unsigned long long addr;
	unsigned long long calls, total_ns, max_ns;
	struct st_graph_node **kids;    /* in first-call order */
	int nkids, cap;
};

struct st_graph;
/* Check support, set up and start tracing. NULL with err (runtime: *runtime = true). */
struct st_graph *st_graph_new(const struct st_graph_opts *o, bool *runtime,
			      struct st_err *err);
/* Read until *stop; returns 0 or -1 with err. */
int st_graph_run(struct st_graph *g, struct st_err *err);
/* Stop tracing, restore, remove the instance. Idempotent. */
int st_graph_stop(struct st_graph *g, struct st_err *err);
void st_graph_free(struct st_graph *g);

/* The tree: a root without name whose kids are the traced function's calls. */
const struct st_graph_node *st_graph_tree(const struct st_graph *g);
/* Completed calls as flame-chart frames (x, w in ns from the first call; depth 0 = the
 * traced function). Valid until st_graph_free. */
const struct st_flame_rect *st_graph_rects(const struct st_graph *g, int *n, double *span);
/* Where it ran: "instance surftrace_123" or "top level (restored)". */
const char *st_graph_where(const struct st_graph *g);
unsigned long long st_graph_lost(struct st_graph *g);

#endif
