/* SPDX-License-Identifier: MIT */
/* The user-space engine: turns each delivered event (the public record stream of
 * libsurftrace) into a key and a value and adds it to an aggregation map. Exact: every
 * event the reader delivers is counted, nothing is sampled.
 *
 * Keys are a comma list of names: comm, pid (the thread id, as ftrace records it), cpu,
 * event ("p0", "sys_enter_openat"), stack (the kernel stack, needs opts.stack), ustack
 * (the user stack, needs opts.ustack), or any
 * field of the event (probe arguments, trace event fields). Values are a numeric field,
 * or pid/cpu. */
#ifndef ST_AGGREGATE_FEED_H
#define ST_AGGREGATE_FEED_H
#include "surftrace.h"
#include "aggregate/agg.h"
#include "util/err.h"

struct st_feed_spec {
	enum st_agg_kind kind;
	const char *keys;          /* comma list, NULL/"" = one total */
	const char *field;         /* the value; NULL for ST_AGG_COUNT */
	long long lmin, lmax, lstep;
	const char *name;          /* printed name; NULL = "<kind>_<field>" / "count" */
};

/* What a key part is (the kernel engine maps them to hist trigger keys). */
enum st_feed_key_kind { ST_KEY_COMM, ST_KEY_PID, ST_KEY_CPU, ST_KEY_EVENT, ST_KEY_STACK,
			ST_KEY_FIELD, ST_KEY_USTACK };

struct st_feed;
int st_feed_nkeys(const struct st_feed *f);
enum st_feed_key_kind st_feed_key(const struct st_feed *f, int i, const char **name);
/* The value field, NULL for counts. */
const char *st_feed_field(const struct st_feed *f);
/* NULL with err (the offending key name) on bad input. */
struct st_feed *st_feed_new(const struct st_feed_spec *s, struct st_err *err);
void st_feed_free(struct st_feed *f);
struct st_agg *st_feed_agg(struct st_feed *f);
/* True when a key part is the stack (kernel or user). */
bool st_feed_wants_stack(const struct st_feed *f);
/* Where ustack keys remember each task's modules (borrowed; required for ustack keys). */
struct st_usyms;
void st_feed_set_usyms(struct st_feed *f, struct st_usyms *u);

/* Add one event. An event without one of the key fields or the value field is skipped
 * (another expression of the run may have them: `--hist v 'P a v=%0' 'R a'`). -1 only on
 * out of memory. */
int st_feed_event(struct st_feed *f, const struct surftrace_event *ev, struct st_err *err);
/* After the run: -1 with err (naming the field) when events came but none had what the
 * aggregation needs (a typo in a field name). */
int st_feed_check(const struct st_feed *f, struct st_err *err);

/* Latency between two probes: a start event (expression index `start`) remembers its
 * time under the match key (default: pid, the thread), the next end event with the same
 * match value adds end - start in ns to a log2 histogram keyed by `keys` (read from the
 * start event). Unmatched ends are counted, not added. */
struct st_latency;
struct st_latency *st_latency_new(int start, int end, const char *match, const char *keys,
				  struct st_err *err);
void st_latency_free(struct st_latency *l);
struct st_agg *st_latency_agg(struct st_latency *l);
int st_latency_event(struct st_latency *l, const struct surftrace_event *ev,
		     struct st_err *err);

#endif
