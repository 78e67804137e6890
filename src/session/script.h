/* SPDX-License-Identifier: MIT */
/* `surftrace -o FILE`: the session as a standalone POSIX shell script. It creates its
 * own instance and group surftrace_$$ (so a killed script is swept like a killed run),
 * writes the same lines in the same order, reads the instance's trace_pipe, and removes
 * everything from a trap on EXIT/INT/TERM/HUP/QUIT/PIPE. */
#ifndef ST_SESSION_SCRIPT_H
#define ST_SESSION_SCRIPT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "util/err.h"

struct st_probe;

struct st_script_opts {
	bool stack;        /* options/stacktrace */
	long buffer_kb;    /* 0 = default */
	double timeout;    /* stop after SECONDS, 0 = none */
	long count;        /* stop after COUNT events, 0 = none */
	const char *const *exprs; /* the expressions as written (comments), or NULL */
};

int st_session_script(FILE *f, const struct st_probe *const *probes, size_t n,
		      const struct st_script_opts *o, struct st_err *err);

#endif
