// SPDX-License-Identifier: MIT
/* lbc's errors (the message of the last failure, kept on the object) and its messages for
 * a user, which go to the callback set with lbc_set_print (default: stderr). */
#include "lbc_int.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int print_stderr(enum lbc_print_level level, const char *fmt, va_list ap)
{
	if (level == LBC_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static lbc_print_fn_t print_fn = print_stderr;

lbc_print_fn_t lbc_set_print(lbc_print_fn_t fn)
{
	lbc_print_fn_t old = print_fn;

	print_fn = fn;
	return old;
}

void lbc_vprint(enum lbc_print_level level, const char *fmt, va_list ap)
{
	lbc_print_fn_t fn = print_fn;

	if (fn)
		fn(level, fmt, ap);
}

void lbc_print(enum lbc_print_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lbc_vprint(level, fmt, ap);
	va_end(ap);
}

int lbc_fail(struct lbc *l, int err_no, const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	free(l->err);
	l->err = m;
	return err_no > 0 ? -err_no : (err_no ? err_no : -EINVAL);
}

void lbc_err_add_log_tail(struct lbc *l, int max_lines)
{
	const char *start;
	char *m = NULL;
	int lines = 0;

	if (!l->log || !l->loglen)
		return;
	start = l->log + l->loglen;
	while (start > l->log) {
		if (start[-1] == '\n' && start != l->log + l->loglen && ++lines > max_lines)
			break;
		start--;
	}
	if (asprintf(&m, "%s\n%s%s", l->err ? l->err : "error",
		     start > l->log ? "...\n" : "", start) >= 0) {
		free(l->err);
		l->err = m;
	}
}

const char *lbc_errmsg(const struct lbc *l)
{
	return l && l->err ? l->err : "no error";
}
