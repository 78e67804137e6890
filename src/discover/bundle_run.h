/* SPDX-License-Identifier: MIT */
/* Running one bundle entry live: its probes are already translated, so this goes straight
 * to the session (define, filter, enable in our own instance), the reader and the output
 * stage; nothing needs the kernel's BTF here. Everything is removed before returning. */
#ifndef ST_DISCOVER_BUNDLE_RUN_H
#define ST_DISCOVER_BUNDLE_RUN_H
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include "util/err.h"

struct st_bundle_entry;

struct st_bundle_run_opts {
	FILE *out;                      /* events go here (text or JSON lines) */
	bool json, stack, line_buffered;
	long buffer_kb;                 /* 0 = kernel default */
	long count;                     /* stop after this many events, 0 = no limit */
	volatile sig_atomic_t *stop;    /* set from a signal handler / timer to stop */
	const char *tracefs;            /* NULL = find it */
};

/* Returns 0 when stopped normally, -1 with err (nothing is left in tracefs either way;
 * a teardown problem is reported in err too). */
int st_bundle_run(const struct st_bundle_entry *e, const struct st_bundle_run_opts *o,
		  struct st_err *err);

#endif
