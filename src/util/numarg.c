// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "util/numarg.h"

static int refuse(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -1;
}

int st_numarg_seconds(const char *s, double max, double *out, const char **why)
{
	char *end;
	double v;

	/* strtod also takes "nan", "inf", "0x1p3" and leading blanks: allow only the
	 * characters of a plain decimal number. */
	if (!s || !*s || strspn(s, "0123456789.eE+-") != strlen(s) || *s == '+')
		return refuse(why, *s == '-' ? "must be positive" : "not a number");
	if (*s == '-')
		return refuse(why, "must be positive");
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end)
		return refuse(why, "not a number");
	if (errno == ERANGE || !isfinite(v) || v > max)
		return refuse(why, "too large");
	if (!(v > 0))
		return refuse(why, "must be positive");
	*out = v;
	return 0;
}

int st_numarg_ulong(const char *s, unsigned long min, unsigned long max,
		    unsigned long *out, const char **why)
{
	unsigned long v;
	char *end;

	if (!s || !*s)
		return refuse(why, "not a number");
	if (*s == '-')
		return refuse(why, min ? "must be positive" : "must not be negative");
	if (strspn(s, "0123456789") != strlen(s))
		return refuse(why, "not a whole number");
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno == ERANGE || v > max)
		return refuse(why, "too large");
	if (v < min)
		return refuse(why, min == 1 ? "must be positive" : "too small");
	*out = v;
	return 0;
}

static int push(unsigned long **v, size_t *n, size_t *cap, unsigned long x)
{
	unsigned long *nv;

	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == x)
			return 0;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		nv = realloc(*v, *cap * sizeof(**v));
		if (!nv)
			return -1;
		*v = nv;
	}
	(*v)[(*n)++] = x;
	return 0;
}

int st_numarg_list(const char *s, unsigned long max, int ranges, unsigned long **out,
		   size_t *n, const char **why)
{
	unsigned long *v = NULL, lo, hi;
	size_t cnt = 0, cap = 0;
	char item[32], *dash;
	const char *p = s, *e;

	*out = NULL;
	*n = 0;
	if (!s || !*s)
		return refuse(why, "empty list");
	for (;;) {
		e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		if ((size_t)(e - p) >= sizeof(item) || e == p)
			goto bad;
		memcpy(item, p, (size_t)(e - p));
		item[e - p] = '\0';
		dash = ranges ? strchr(item, '-') : NULL;
		if (dash && dash != item) {
			*dash = '\0';
			if (st_numarg_ulong(item, 0, max, &lo, why) ||
			    st_numarg_ulong(dash + 1, 0, max, &hi, why))
				goto fail;
			if (lo > hi) {
				refuse(why, "range goes backwards");
				goto fail;
			}
		} else if (st_numarg_ulong(item, 0, max, &lo, why)) {
			goto fail;
		} else {
			hi = lo;
		}
		for (unsigned long x = lo; x <= hi; x++)
			if (push(&v, &cnt, &cap, x)) {
				refuse(why, "out of memory");
				goto fail;
			}
		if (!*e)
			break;
		p = e + 1;
	}
	*out = v;
	*n = cnt;
	return 0;
bad:
	refuse(why, "malformed list");
fail:
	free(v);
	return -1;
}
