/* SPDX-License-Identifier: MIT */
/* The project's number writers: decimal two digits at a time and hex, without printf.
 * Every per-event line uses them (surftrace's output stage, lbc's printer). Each writes
 * at p, which must have room, and returns the end. */
#ifndef ST_UTIL_NUMFMT_H
#define ST_UTIL_NUMFMT_H
#include <stdbool.h>

/* v in decimal at p, at least `width` wide (<= 24), padded with `pad` on the left, or
 * with spaces on the right when `left`; returns the end. At most max(width, 20) bytes. */
char *st_fmt_u(char *p, unsigned long long v, int width, char pad, bool left);
/* v in decimal with a '-' when negative ("%lld"); at most 20 bytes. */
static inline char *st_fmt_i(char *p, long long v)
{
	if (v >= 0)
		return st_fmt_u(p, (unsigned long long)v, 0, ' ', false);
	*p++ = '-';
	return st_fmt_u(p, 0 - (unsigned long long)v, 0, ' ', false);
}
/* "00" .. "99": digit pairs for the formatters of every line's numbers. */
extern const char st_digit_pairs[201];
/* v (< 100) as two digits at p; returns the end. */
static inline char *st_fmt_2(char *p, unsigned int v)
{
	p[0] = st_digit_pairs[2 * v];
	p[1] = st_digit_pairs[2 * v + 1];
	return p + 2;
}
/* v (< 1000000) as six digits with leading zeros ("%06u": the microseconds). */
static inline char *st_fmt_6(char *p, unsigned int v)
{
	p = st_fmt_2(p, v / 10000);
	p = st_fmt_2(p, v / 100 % 100);
	return st_fmt_2(p, v % 100);
}
/* v as 0x<lowercase hex> at p ("0x%llx"); returns the end (at most 18 bytes). */
char *st_fmt_hex(char *p, unsigned long long v);

#endif
