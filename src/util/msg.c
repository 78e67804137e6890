// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>

#include "util/msg.h"

static int print_stderr(enum surftrace_print_level level, const char *fmt, va_list ap)
{
	if (level == SURFTRACE_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static surftrace_print_fn_t print_fn = print_stderr;

surftrace_print_fn_t surftrace_set_print(surftrace_print_fn_t fn)
{
	surftrace_print_fn_t old = print_fn;

	print_fn = fn;
	return old;
}

void st_print(enum surftrace_print_level level, const char *fmt, ...)
{
	surftrace_print_fn_t fn = print_fn;
	va_list ap;

	if (!fn)
		return;
	va_start(ap, fmt);
	fn(level, fmt, ap);
	va_end(ap);
}
