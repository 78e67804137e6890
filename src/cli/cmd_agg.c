// SPDX-License-Identifier: MIT
/* surftrace --count/--hist/--lhist/--sum/--min/--max/--avg/--latency/--folded/--svg:
 * answers instead of event lines. The run's events feed the aggregation maps of
 * src/aggregate (user-space engine, every delivered event counted); the maps print at the
 * end, and every -i SECONDS (then cleared, like bpftrace's interval + clear). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "surftrace.h"
#include "aggregate/agg.h"
#include "aggregate/feed.h"
#include "aggregate/flame.h"
#include "aggregate/khist.h"
#include "aggregate/usyms.h"
#include "cli/cli.h"
#include "output/output.h"
#include "util/json.h"
#include "session/tracefs.h"

#define MAX_FEEDS 18

struct agg_run {
	const struct st_cli_opts *o;
	struct st_feed *feeds[MAX_FEEDS];
	struct st_feed *twins[MAX_FEEDS]; /* --engine both: the kernel's copy of each feed */
	bool both;
	int nfeeds;
	struct st_latency *lat;
	struct st_addrsyms *syms;
	struct st_err err;
	bool failed;
	int interval;
	int implicit;          /* the feed --folded/--svg added (count by stack), -1 = none */
	struct st_khist *kernel; /* the kernel engine (hist triggers), NULL = user space */
	struct st_feed *klat;    /* --latency in the kernel: histogram of the synthetic event */
	struct st_usyms *usyms;  /* names of user stack frames (ustack keys) */
};

static const char *const opt_names[] = { "count", "hist", "lhist", "sum", "min", "max", "avg" };

bool st_cli_aggregating(const struct st_cli_opts *o)
{
	return o->naggs || o->latency || o->folded || o->svg;
}

static bool has_key(const char *keys, const char *word)
{
	const char *p = keys;
	size_t n = strlen(word);

	while (p && (p = strstr(p, word))) {
		if ((p == keys || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

/* Only uprobes (P/R): their kernel stack is the breakpoint trap, the user one matters. */
static bool only_uprobes(const struct st_cli_opts *o)
{
	int i;

	for (i = 0; i < o->nexprs; i++) {
		const char *e = o->exprs[i] + strspn(o->exprs[i], " \t");

		if (*e != 'P' && *e != 'R')
			return false;
	}
	return o->nexprs > 0;
}

/* The key --folded/--svg count by when no aggregation names a stack. */
static const char *folded_key(const struct st_cli_opts *o)
{
	return only_uprobes(o) ? "ustack" : "stack";
}

static bool any_key(const struct st_cli_opts *o, const char *word)
{
	int i;

	if (has_key(o->by, word))
		return true;
	for (i = 0; i < o->naggs; i++)
		if (o->aggs[i].kind == ST_AGG_COUNT && has_key(o->aggs[i].arg, word))
			return true;
	return false;
}

bool st_cli_agg_needs_stack(const struct st_cli_opts *o)
{
	return any_key(o, "stack") ||
	       ((o->folded || o->svg) && !any_key(o, "ustack") && !only_uprobes(o));
}

bool st_cli_agg_needs_ustack(const struct st_cli_opts *o)
{
	return any_key(o, "ustack") ||
	       ((o->folded || o->svg) && !any_key(o, "stack") && only_uprobes(o));
}

static int bad(const char *opt, const char *arg, const struct st_err *e)
{
	if (e->col > 0)
		fprintf(stderr, "surftrace: --%s '%s', column %d: %s\n", opt, arg, e->col, e->msg);
	else
		fprintf(stderr, "surftrace: --%s '%s': %s\n", opt, arg, e->msg);
	return 2;
}

/* "FIELD,MIN,MAX,STEP" */
static int parse_lhist(const char *arg, struct st_feed_spec *s, char *field, size_t n,
		       struct st_err *e)
{
	const char *c = strchr(arg, ',');
	long long *dst[3] = { &s->lmin, &s->lmax, &s->lstep };
	const char *p;
	char *end;
	int i;

	if (!c || (size_t)(c - arg) >= n || c == arg)
		return st_err_set(e, 1, "expected FIELD,MIN,MAX,STEP (e.g. --lhist len,0,1000,100)");
	snprintf(field, n, "%.*s", (int)(c - arg), arg);
	p = c + 1;
	for (i = 0; i < 3; i++) {
		errno = 0;
		*dst[i] = strtoll(p, &end, 0);
		if (errno || end == p || (i < 2 && *end != ',') || (i == 2 && *end))
			return st_err_set(e, (int)(p - arg) + 1, "expected a whole number here "
					  "(FIELD,MIN,MAX,STEP)");
		p = end + 1;
	}
	if (s->lmax <= s->lmin || s->lstep <= 0)
		return st_err_set(e, (int)(c - arg) + 2, "needs MIN < MAX and STEP > 0");
	if ((s->lmax - s->lmin) / s->lstep > 100000)
		return st_err_set(e, (int)(c - arg) + 2, "more than 100000 buckets: use a larger "
				  "STEP");
	return 0;
}

/* KEYS and --by joined: "comm" + "pid" -> "comm,pid". */
static void join_keys(char *buf, size_t n, const char *a, const char *b)
{
	snprintf(buf, n, "%s%s%s", a ? a : "", a && *a && b && *b ? "," : "", b ? b : "");
}

static int add_feed(struct agg_run *r, const struct st_cli_agg *ca)
{
	const struct st_cli_opts *o = r->o;
	struct st_feed_spec s = { .kind = (enum st_agg_kind)ca->kind };
	struct st_err e = { 0 };
	char keys[512], field[128];

	if (s.kind == ST_AGG_COUNT) {
		join_keys(keys, sizeof(keys), ca->arg, o->by);
	} else {
		join_keys(keys, sizeof(keys), NULL, o->by);
		if (s.kind == ST_AGG_LHIST) {
			if (parse_lhist(ca->arg, &s, field, sizeof(field), &e))
				return bad(opt_names[s.kind], ca->arg, &e);
			s.field = field;
		} else {
			s.field = ca->arg;
		}
	}
	s.keys = keys;
	r->feeds[r->nfeeds] = st_feed_new(&s, &e);
	if (!r->feeds[r->nfeeds])
		return bad(opt_names[s.kind], ca->arg, &e);
	st_feed_set_usyms(r->feeds[r->nfeeds], r->usyms);
	if (r->both) {
		char name[160];

		snprintf(name, sizeof(name), "%s_kernel", st_agg_name(st_feed_agg(r->feeds[r->nfeeds])));
		s.name = name;
		r->twins[r->nfeeds] = st_feed_new(&s, &e);
		if (!r->twins[r->nfeeds]) {
			st_feed_free(r->feeds[r->nfeeds]);
			return bad(opt_names[s.kind], ca->arg, &e);
		}
	}
	r->nfeeds++;
	return 0;
}

static int setup(struct agg_run *r)
{
	const struct st_cli_opts *o = r->o;
	struct st_cli_agg stacks = { ST_AGG_COUNT, folded_key(o) };
	struct st_err e = { 0 };
	bool have_stack = false;
	int i, rc;

	r->usyms = st_usyms_new();
	if (!r->usyms)
		return 1;
	for (i = 0; i < o->naggs; i++) {
		if ((rc = add_feed(r, &o->aggs[i])))
			return rc;
		have_stack |= st_feed_wants_stack(r->feeds[r->nfeeds - 1]);
	}
	r->implicit = -1;
	if ((o->folded || o->svg) && !have_stack) {
		if ((rc = add_feed(r, &stacks)))
			return rc;
		r->implicit = r->nfeeds - 1;
	}
	if (o->latency) {
		if (o->nexprs != 2) {
			fprintf(stderr, "surftrace: --latency takes exactly two expressions, START "
				"and END (e.g. 'P /bin/bash:readline' 'R /bin/bash:readline'), "
				"got %d\n", o->nexprs);
			return 2;
		}
		r->lat = st_latency_new(0, 1, o->match, o->by, &e);
		if (!r->lat)
			return bad(o->match ? "match" : "by", o->match ? o->match : o->by, &e);
	}
	return 0;
}

static int on_event(const struct surftrace_event *ev, void *ctx)
{
	struct agg_run *r = ctx;
	int i;

	if (r->kernel && !r->both)
		return 0;   /* the hist triggers count; records before them are not counted */
	for (i = 0; i < r->nfeeds; i++) {
		if (st_feed_event(r->feeds[i], ev, &r->err) < 0)
			goto fail;
	}
	if (r->lat && st_latency_event(r->lat, ev, &r->err) < 0)
		goto fail;
	return 0;
fail:
	r->failed = true;
	return 1;
}

static void name_frame(unsigned long long pc, bool with_off, char *buf, size_t n, void *ctx)
{
	struct agg_run *r = ctx;
	unsigned long long start, size;
	const char *name;

	if (!r->syms)
		r->syms = st_addrsyms_new(NULL);
	if (!r->syms || !st_addrsyms_find(r->syms, pc, &name, &start, &size))
		snprintf(buf, n, "0x%llx", pc);
	else if (with_off)
		snprintf(buf, n, "%s+0x%llx", name, pc - start);
	else
		snprintf(buf, n, "%s", name);
}

static void name_uframe(int pid, unsigned long long pc, bool ret, bool with_off, char *buf,
			size_t n, void *ctx)
{
	st_usyms_name(ctx, pid, pc, ret, with_off, buf, n);
}

static int write_svg(struct agg_run *r, struct st_agg *a, const struct st_agg_print *p)
{
	const char *path = r->o->svg;
	struct st_folded *v;
	int n = st_agg_folded(a, p, &v), rc = 0;
	FILE *f;

	if (n < 0)
		return -1;
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "surftrace: cannot write '%s': %s\n", path, strerror(errno));
		st_folded_free(v, n);
		return -1;
	}
	struct st_flame_opts fo = { .title = "surftrace flame graph" };
	if (st_flame_svg(f, v, n, &fo) < 0)
		rc = -1;
	if (fclose(f) && !rc)
		rc = -1;
	if (rc)
		fprintf(stderr, "surftrace: cannot write '%s': %s\n", path, strerror(errno));
	else if (!r->o->quiet)
		fprintf(stderr, "surftrace: wrote %s (%d stacks)\n", path, n);
	st_folded_free(v, n);
	return rc;
}

/* Print every map (text, or one JSON object for the interval), then clear them. */
static int print_all(struct agg_run *r, struct surftrace *st, bool last)
{
	const struct st_cli_opts *o = r->o;
	struct st_agg_print p = { .f = stdout, .top = (size_t)o->top, .sym = name_frame,
				  .sym_ctx = r, .usym = name_uframe, .usym_ctx = r->usyms };
	struct st_agg *maps[2 * MAX_FEEDS + 2];
	int i, n = 0, rc = 0;

	for (i = 0; i < r->nfeeds; i++)
		maps[n++] = st_feed_agg(r->feeds[i]);
	if (r->lat)
		maps[n++] = r->klat && !r->both ? st_feed_agg(r->klat) : st_latency_agg(r->lat);
	for (i = 0; r->both && i < r->nfeeds; i++)
		maps[n++] = st_feed_agg(r->twins[i]);
	if (r->both && r->klat)
		maps[n++] = st_feed_agg(r->klat);
	if (o->json) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		printf("{\"interval\":%d,\"v\":%d,\"time\":%.6f,\"final\":%s,\"lost\":%llu,"
		       "\"aggregates\":[", r->interval, ST_JSON_V,
		       (double)now.tv_sec + (double)now.tv_nsec / 1e9,
		       last ? "true" : "false", surftrace_lost(st));
		for (i = 0; i < n; i++) {
			if (i)
				putchar(',');
			rc |= st_agg_print_json(maps[i], &p);
		}
		puts("]}");
	} else {
		for (i = 0; i < n; i++) {
			bool stacks = i < r->nfeeds && st_feed_wants_stack(r->feeds[i]);

			if (o->folded && stacks)
				rc |= st_agg_print_folded(maps[i], &p) < 0;
			else if (i != r->implicit)
				rc |= st_agg_print_text(maps[i], &p);
		}
	}
	for (i = 0; last && o->svg && i < r->nfeeds; i++) {
		if (st_feed_wants_stack(r->feeds[i])) {
			rc |= write_svg(r, maps[i], &p);
			break;
		}
	}
	fflush(stdout);
	for (i = 0; i < n; i++)
		st_agg_clear(maps[i]);
	r->interval++;
	return rc ? -1 : 0;
}

/* Can the kernel count all of it? NULL = yes, else why not. */
static const char *kernel_refusal(struct agg_run *r, struct surftrace *st, struct st_err *e)
{
	const char *sys, *ev, *name = surftrace_name(st);
	size_t i;
	int f, expr;

	if (!st_khist_available(st_tracefs_find()))
		return "this kernel has no hist triggers";
	if (r->o->latency && ((r->o->match && strcmp(r->o->match, "pid")) || r->o->by))
		return "--latency with --match or --by is paired in user space";
	if (r->o->latency && surftrace_nevents(st) != 2)
		return "--latency over more than two events is paired in user space";
	for (i = 0; surftrace_event_info(st, i, &sys, &ev, &expr) == 0; i++)
		for (f = 0; f < r->nfeeds; f++)
			if (!st_khist_supports(r->feeds[f], !strcmp(sys, name), e))
				return e->msg;
	return NULL;
}

/* --engine: kernel (hist triggers) where it can, else user space. -1 when the kernel
 * engine was demanded and cannot be had (or failed to start). */
static int pick_engine(struct agg_run *r, struct surftrace *st)
{
	const char *eng = r->o->engine ? r->o->engine : "auto", *why, *sys, *ev;
	bool need = !strcmp(eng, "kernel") || r->both;
	struct st_err e = { 0 };
	size_t i;
	int f, expr;

	if (!strcmp(eng, "user"))
		return 0;
	why = kernel_refusal(r, st, &e);
	if (why) {
		if (need) {
			fprintf(stderr, "surftrace: --engine kernel: %s\n", why);
			return -1;
		}
		return 0;
	}
	r->kernel = st_khist_new(surftrace_instance_dir(st), &e);
	for (i = 0; r->kernel && surftrace_event_info(st, i, &sys, &ev, &expr) == 0; i++)
		for (f = 0; f < r->nfeeds; f++)
			if (st_khist_add(r->kernel, r->both ? r->twins[f] : r->feeds[f], sys, ev, &e) < 0)
				goto fail;
	if (r->kernel && r->both)
		st_khist_keep_records(r->kernel);
	if (r->kernel && r->o->latency) {
		struct st_feed_spec ls = { .kind = ST_AGG_HIST, .field = "lat",
					   .name = r->both ? "latency_ns_kernel" : "latency_ns" };
		const char *s0, *e0, *s1, *e1;
		int x0, x1;

		r->klat = st_feed_new(&ls, &e);
		if (!r->klat || surftrace_event_info(st, 0, &s0, &e0, &x0) ||
		    surftrace_event_info(st, 1, &s1, &e1, &x1) ||
		    st_khist_latency(r->kernel, x0 == 0 ? s0 : s1, x0 == 0 ? e0 : e1,
				     x0 == 0 ? s1 : s0, x0 == 0 ? e1 : e0, r->klat, &e) < 0)
			goto fail;
	}
	if (r->kernel && st_khist_start(r->kernel, &e) == 0)
		return 0;
fail:
	if (need || !r->o->quiet)     /* else a note: the user-space engine takes over (-q) */
		fprintf(stderr, "surftrace: hist triggers: %s\n", e.msg);
	st_khist_free(r->kernel);
	r->kernel = NULL;
	st_feed_free(r->klat);
	r->klat = NULL;
	return need ? -1 : 0;
}

static int collect(struct agg_run *r)
{
	struct st_err e = { 0 };

	if (r->kernel && st_khist_collect(r->kernel, &e) < 0) {
		fprintf(stderr, "surftrace: hist triggers: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int run(struct agg_run *r, struct surftrace *st, struct st_cli_child *child)
{
	const struct st_cli_opts *o = r->o;
	struct surftrace_err err = { 0 };
	int rc = 0, k;

	if (st_cli_live_start(st, child, on_event, r))
		return 1;
	if (pick_engine(r, st) < 0) {
		surftrace_stop(st, &err);
		return 1;
	}
	if (!o->quiet)
		fprintf(stderr, "Tracing %zu probe%s (%s)... Hit Ctrl-C to end.\n",
			surftrace_nevents(st), surftrace_nevents(st) == 1 ? "" : "s",
			r->kernel ? "counted by the kernel's hist triggers" : "counted in user space");
	/* -c: the command runs once everything counts, its end ends the run */
	st_cli_live_go(o, child);
	for (;;) {
		k = o->interval > 0 ? surftrace_run_for(st, o->interval, &err)
				    : surftrace_run(st, &err);
		if (k < 0) {
			st_cli_print_err(&err);
			rc = 1;
			break;
		}
		if (k == 0 || r->failed)
			break;
		if (collect(r) < 0 || print_all(r, st, false) < 0)
			break;
	}
	st_cli_live_halt();
	for (k = 0; !r->failed && k < r->nfeeds; k++)
		if (st_feed_check(r->feeds[k], &r->err) < 0)
			r->failed = true;
	if (r->failed) {
		fprintf(stderr, "surftrace: error: %s\n", r->err.msg);
		rc = 2;
	} else if (collect(r) < 0 || print_all(r, st, true) < 0) {
		rc = 1;
	}
	if (r->kernel && st_khist_dropped(r->kernel))
		fprintf(stderr, "surftrace: lost %llu events (the kernel's hist table was full)\n",
			st_khist_dropped(r->kernel));
	if (r->kernel) {
		struct st_err e = { 0 };

		if (st_khist_stop(r->kernel, &e) < 0)
			fprintf(stderr, "surftrace: cleanup: %s\n", e.msg);
	}
	surftrace_print_lost(st, stderr);
	if (surftrace_stop(st, &err) < 0) {
		fprintf(stderr, "surftrace: cleanup: %s\n", err.msg);
		rc = 1;
	}
	st_cli_catch_signals(NULL);
	return rc;
}

int st_cmd_aggregate(struct surftrace *st, const struct st_cli_opts *o,
		     struct st_cli_child *child)
{
	struct agg_run r = { .o = o, .both = o->engine && !strcmp(o->engine, "both") };
	int rc, i;

	rc = setup(&r);
	if (!rc)
		rc = run(&r, st, child);
	for (i = 0; i < r.nfeeds; i++) {
		st_feed_free(r.feeds[i]);
		st_feed_free(r.twins[i]);
	}
	st_latency_free(r.lat);
	st_khist_free(r.kernel);
	st_feed_free(r.klat);
	st_addrsyms_free(r.syms);
	st_usyms_free(r.usyms);
	return rc;
}
