/* SPDX-License-Identifier: MIT */
/* Trace events as tracefs lists them: for `e group/event` and for the fields an `e` line's
 * filter may name. */
#ifndef ST_GUIDE_EVENTS_H
#define ST_GUIDE_EVENTS_H
#include "complete.h"

/* prefix without '/': groups ("sched/"); with '/': that group's events ("sched/x"). */
int g_add_events(const char *tracefs, const char *prefix, struct g_cands *out);
/* Fields of events/<event>/format starting with prefix, with their C declarations. */
int g_add_event_fields(const char *tracefs, const char *event, const char *prefix,
		       struct g_cands *out);

#endif
