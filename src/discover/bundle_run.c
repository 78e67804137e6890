// SPDX-License-Identifier: MIT
#include "discover/bundle_run.h"
#include <errno.h>
#include <string.h>
#include "compile/compile.h"
#include "discover/bundle.h"
#include "output/output.h"
#include "read/read.h"
#include "session/session.h"
#include "session/sweep.h"
#include "util/stopsig.h"

struct run {
	struct st_output *out;
	struct st_session *s;
	volatile sig_atomic_t *stop;
	long count, seen;
};

static int on_event(const struct st_event *ev, void *ctx)
{
	struct run *r = ctx;

	if (st_output_event(r->out, ev) < 0)
		return 1;                   /* the stream is gone: stop like a signal */
	return r->count > 0 && ++r->seen >= r->count;
}

static void on_idle(void *ctx)
{
	struct run *r = ctx;

	if (st_output_flush(r->out) < 0 && r->stop)
		st_stopsig_raise(r->stop);    /* the stream failed: stop, run reports it */
}

/* Record nothing more once stopping, so the reader's last drain has an end. */
static void on_stop(void *ctx)
{
	st_session_pause(((struct run *)ctx)->s, NULL);
}

int st_bundle_run(const struct st_bundle_entry *e, const struct st_bundle_run_opts *o,
		  struct st_err *err)
{
	struct st_session_opts so = { .tracefs = o->tracefs, .stack = o->stack,
				      .buffer_kb = o->buffer_kb, .stop = o->stop };
	struct st_reader *rd = NULL;
	struct st_session *s;
	struct st_tracefs t;
	struct run r = { .count = o->count, .stop = o->stop };
	struct st_err terr = { 0 };
	size_t i;
	int rc = -1;

	/* A uprobe offset is only right for the build it was translated for. */
	if (st_bundle_check_binaries(e, err))
		return -1;
	/* Same start as a normal run: leftovers of dead runs go first. */
	if (st_tracefs_open(&t, o->tracefs, NULL) == 0)
		st_sweep_dead(&t, NULL, NULL, NULL);
	s = st_session_new(&so, err);
	if (!s)
		return -1;
	r.s = s;
	for (i = 0; i < e->n; i++) {
		if (o->stop && *o->stop) {
			st_err_set(err, 0, "stopped by a signal during setup (%zu of %zu "
				   "expressions set up, all removed)", i, e->n);
			goto out;
		}
		if (st_session_add(s, e->probes[i], err) < 0)
			goto out;
	}
	{
		struct st_reader_opts ro = {
			.instance_dir = st_session_instance_dir(s),
			.tracefs_root = st_session_tracefs(s)->root,
			.stacks = o->stack, .stop = o->stop, .wake_percent = 0,
			.on_idle = on_idle, .on_stop = on_stop,
		};
		struct st_output_opts oo = {
			.mode = o->json ? ST_OUT_JSON : ST_OUT_TEXT, .out = o->out,
			.probes = (const struct st_probe *const *)e->probes, .nprobes = e->n,
			.group = st_session_name(s), .line_buffered = o->line_buffered,
		};

		rd = st_reader_new(&ro, err);
		if (!rd)
			goto out;
		for (i = 0; i < st_session_nevents(s); i++) {
			const struct st_session_event *ev = st_session_event_at(s, i);

			if (st_reader_add_event(rd, ev->system, ev->event, err) <= 0)
				goto out;
		}
		r.out = st_output_new(&oo, err);
		if (!r.out)
			goto out;
	}
	if (st_session_start(s, err) < 0 || st_reader_run(rd, on_event, &r, err) < 0)
		goto out;
	rc = 0;
out:
	if (r.out) {
		int e_out = st_output_flush(r.out) < 0 ? st_output_error(r.out) : 0;

		/* Output errors are errors; a reader gone (EPIPE) or a drain cut short at a
		 * stop (ECANCELED) are ends of the run. */
		if (e_out && e_out != EPIPE && e_out != ECANCELED && rc == 0) {
			st_err_set(err, 0, "cannot write the output: %s", strerror(e_out));
			rc = -1;
		}
		if (rd)
			st_output_lost_summary(NULL, rd);
		st_output_free(r.out);
	}
	st_reader_free(rd);
	if (st_session_teardown(s, &terr) < 0 && rc == 0) {
		*err = terr;
		rc = -1;
	}
	st_session_free(s);
	return rc;
}
