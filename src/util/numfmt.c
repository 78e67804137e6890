// SPDX-License-Identifier: MIT
#include "util/numfmt.h"

const char st_digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Decimal digits of v into the end of tmp, two at a time; returns the start. */
static char *utoa_end(unsigned long long v, char *end)
{
	const char *pairs = st_digit_pairs;

	while (v >= 100) {
		unsigned int r = (unsigned int)(v % 100);

		v /= 100;
		*--end = pairs[2 * r + 1];
		*--end = pairs[2 * r];
	}
	if (v >= 10) {
		*--end = pairs[2 * v + 1];
		*--end = pairs[2 * v];
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

char *st_fmt_u(char *p, unsigned long long v, int width, char pad, bool left)
{
	int n = 1, fill;

	for (unsigned long long t = v; t >= 10; t /= 10)
		n++;
	fill = width > n ? width - n : 0;
	if (fill > 24)
		fill = 24;
	if (!left)
		for (; fill > 0; fill--)
			*p++ = pad;
	utoa_end(v, p + n);
	p += n;
	for (; fill > 0; fill--)
		*p++ = ' ';
	return p;
}

char *st_fmt_hex(char *p, unsigned long long v)
{
	static const char hex[] = "0123456789abcdef";
	int n = 1;

	while (n < 16 && v >> (4 * n))
		n++;
	*p++ = '0';
	*p++ = 'x';
	for (int i = n - 1; i >= 0; i--)
		*p++ = hex[(v >> (4 * i)) & 15];
	return p;
}
