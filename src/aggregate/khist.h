/* SPDX-License-Identifier: MIT */
/* The kernel engine: the same aggregations as feed.c, counted by the kernel's hist
 * triggers on the run's own events (in its instance), so no event record is copied to
 * user space. Each trigger keys on the aggregation's keys plus its value field (the exact
 * value, hitcount as the count), so reading the hist file gives the same (key, value, n)
 * triples the user-space engine adds one by one: both print the same. Intervals are the
 * difference between two readings, so nothing is lost between read and clear.
 *
 * Keys it maps: comm (the __comm argument that kernel_comm adds to p/r/P/R), pid
 * (common_pid), event (one trigger per event), fields. cpu and stack keys, and 'e' events
 * keyed by comm, stay with the user-space engine (st_khist_supports says why). */
#ifndef ST_AGGREGATE_KHIST_H
#define ST_AGGREGATE_KHIST_H
#include <stdbool.h>
#include "aggregate/feed.h"
#include "util/err.h"

/* True when the kernel at tracefs_root has hist triggers. */
bool st_khist_available(const char *tracefs_root);   /* NULL: false */
/* Whether feed f can run in the kernel on events of kind `dynamic` (p/r/P/R) or not;
 * false with the reason in err. */
bool st_khist_supports(const struct st_feed *f, bool dynamic, struct st_err *err);

struct st_khist;
struct st_khist *st_khist_new(const char *instance_dir, struct st_err *err);
/* Attach feed f (its map is filled by st_khist_collect) to event system/event. */
int st_khist_add(struct st_khist *k, struct st_feed *f, const char *system,
		 const char *event, struct st_err *err);
/* Latency in the kernel: a synthetic event "<run>_lat" (u64 lat; <run> = the instance's
 * name, e.g. surftrace_123, so that --cleanup can tell a dead run's) made by the
 * END event's trigger from the START event's common_timestamp saved per common_pid, and a
 * hist trigger on it feeding f (a ST_AGG_HIST feed of field "lat"). The synthetic event is
 * global: st_khist_stop deletes it. */
int st_khist_latency(struct st_khist *k, const char *start_sys, const char *start_ev,
		     const char *end_sys, const char *end_ev, struct st_feed *f,
		     struct st_err *err);
/* Leave the events' own recording on (both engines in one run, for comparisons). */
void st_khist_keep_records(struct st_khist *k);
/* Write every trigger, then switch the events' own recording off (the triggers keep
 * them firing: the kernel's soft mode). */
int st_khist_start(struct st_khist *k, struct st_err *err);
/* Read every hist file and add what came since the last reading to the feeds' maps.
 * Returns 0, -1 with err. */
int st_khist_collect(struct st_khist *k, struct st_err *err);
/* Entries the kernel could not add (its table was full), summed over the triggers. */
unsigned long long st_khist_dropped(const struct st_khist *k);
/* Remove the triggers. Idempotent. */
int st_khist_stop(struct st_khist *k, struct st_err *err);
void st_khist_free(struct st_khist *k);

#endif
