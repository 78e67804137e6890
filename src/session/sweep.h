/* SPDX-License-Identifier: MIT */
/* Sweep what dead runs left in tracefs: surftrace's instances and probe groups and lbc's
 * printk instances, named by util/runname (surftrace_<pid>[_n<pidns>][_<seq>], lbc_<pid>...),
 * whose holder is gone: no process has the pid in that pid namespace, or the one that has
 * it started after the run's instance was made (a recycled pid). A live run's names, names
 * whose holder this process cannot see (another container's), and every name not of that
 * form (other tools' probes) are never touched. */
#ifndef ST_SESSION_SWEEP_H
#define ST_SESSION_SWEEP_H
#include <stdbool.h>
#include "session/tracefs.h"
#include "util/err.h"

/* Told about each removed thing: kind "instance" or "probe", name "surftrace_9/p0". */
typedef void (*st_sweep_cb)(const char *kind, const char *name, void *ctx);

/* Remove the leftovers of every dead run. Returns the number of things removed, or -1
 * with err when something could not be removed (the rest is still swept). */
int st_sweep_dead(const struct st_tracefs *t, st_sweep_cb cb, void *ctx, struct st_err *err);

/* Remove instance `name` and every probe of group `name`, whoever owns it: only for a
 * name known to be stale. Returns the number removed, -1 when something stayed. */
int st_sweep_name(const struct st_tracefs *t, const char *name, st_sweep_cb cb, void *ctx);

/* True when probe list file `defs` (kprobe_events/uprobe_events) still has group/event. */
bool st_sweep_defined(const struct st_tracefs *t, const char *defs, const char *group,
		      const char *event);

#endif
