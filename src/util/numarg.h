/* SPDX-License-Identifier: MIT */
/* Strict parsing of numbers given on command lines (-t, -n, --buffer-kb, -p, --cpu, lbc's
 * options): the whole text must be the number; nan, inf, hex floats, signs where none are
 * allowed, overflow and trailing junk are refused with a reason the CLI can print. */
#ifndef ST_UTIL_NUMARG_H
#define ST_UTIL_NUMARG_H
#include <stddef.h>

/* Seconds as plain decimal ("2", "0.5", "1e3"), finite, > 0 and <= max.
 * Returns 0, or -1 with *why set to a static reason ("not a number", "too large"...). */
int st_numarg_seconds(const char *s, double max, double *out, const char **why);

/* A whole number in decimal digits only, within [min, max]. */
int st_numarg_ulong(const char *s, unsigned long min, unsigned long max,
		    unsigned long *out, const char **why);

/* A comma-separated list of whole numbers, each within [0, max]; with `ranges`, items may
 * be "A-B" (A <= B) as in cpu lists ("0-3,6"). *out is malloc'ed (free it), *n entries,
 * in the order given, duplicates dropped. */
int st_numarg_list(const char *s, unsigned long max, int ranges, unsigned long **out,
		   size_t *n, const char **why);

#endif
