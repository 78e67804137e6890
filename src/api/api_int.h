/* SPDX-License-Identifier: MIT */
/* Private state of a libsurftrace handle, shared by the files in src/api. */
#ifndef ST_API_API_INT_H
#define ST_API_API_INT_H
#include <signal.h>
#include "surftrace.h"
#include "compile/compile.h"
#include "output/output.h"
#include "read/read.h"
#include "record/record.h"
#include "session/session.h"

struct surftrace {
	struct surftrace_opts o;         /* o.pids / o.cpus point to the copies below */
	int *pids;
	unsigned long *cpus;
	struct st_translator *tr;
	struct st_probe **probes;
	char **exprs;                    /* the text of each probe's expression */
	size_t nprobes, cap;
	struct st_session *sess;
	struct st_reader *rd;
	struct st_output *out;           /* opts.print */
	struct st_recorder *rec;         /* opts.record */
	bool started;                    /* tracing went on: a recording has something */
	surftrace_event_fn cb;
	void *cb_ctx;
	volatile sig_atomic_t stop;
	bool teardown_reported;          /* a teardown error went to a caller already */
	unsigned long long delivered;
	int *expr_by_id;                 /* event type id -> expression index, lazily */
	int nids;
	/* surftrace_event_format: one renderer per mode into a memory stream */
	struct st_output *render[2];
	FILE *render_f[2];
	char *render_buf[2];
	size_t render_len[2];
	char **shows;                    /* surftrace_translation's fxpr per probe, lazily */
	size_t nshows;
	struct st_value val;             /* surftrace_event_field's TEXT values */
	/* opts.kernel_comm with trace events: task/task_newtask and task/task_rename enabled
	 * after the user's events (not counted, not delivered) name the tasks (api.c) */
	struct st_probe *comm_probes[2];
	size_t ncomm_probes;
	size_t nhidden;                  /* session events of comm_probes (the last ones) */
};

/* What surftrace_event.priv points to. */
struct st_api_event {
	struct surftrace *st;
	const struct st_event *ev;
};

/* Probes translated elsewhere (a bundle's entry) run through the same handle: a handle
 * opened without types (so on a kernel without BTF too; surftrace_add refuses), and
 * st_api_add_probe queueing one with its expression's text. The handle takes p when it
 * returns the index; on -1, p stays the caller's. */
struct surftrace *st_api_new_translated(const struct surftrace_opts *opts,
					struct surftrace_err *err);
int st_api_add_probe(struct surftrace *st, const char *expr, struct st_probe *p,
		     struct surftrace_err *err);

void st_api_err(struct surftrace_err *out, const struct st_err *in, int expr, bool runtime);
void st_api_render_free(struct surftrace *st);

#endif
