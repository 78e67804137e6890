/* SPDX-License-Identifier: MIT */
/* Filter compilation: validated tokens -> the text written to an event's filter file. */
#ifndef ST_COMPILE_FILTER_H
#define ST_COMPILE_FILTER_H
#include <stdbool.h>
#include "expr/ast.h"
#include "util/err.h"

/* A variable a filter may name: a probe argument or an event field. */
struct st_fvar {
	const char *name;
	int kind;            /* 0 number, 1 string, -1 unknown */
};

/* vars == NULL: names are not checked (event format unreadable). common_* always pass. */
int st_filter_compile(const struct st_filter *f, const struct st_fvar *vars, size_t nvars,
		      bool check, char **out, struct st_err *err);

/* Fields of a trace event from its format file, as filter variables. Returns the count
 * (names heap-allocated in *vars, free with st_fvars_free) or -1 when unreadable. */
int st_event_fields(const char *tracefs, const char *group, const char *event,
		    struct st_fvar **vars);
void st_fvars_free(struct st_fvar *vars, int n);

#endif
