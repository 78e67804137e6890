// SPDX-License-Identifier: MIT
/* The line builder: appends into one preallocated buffer and marks (never overruns) when
 * a line is longer than it. JSON strings go through the project's one writer (util/json). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "output/output_int.h"
#include "util/json.h"

void st_sb_put(struct st_sb *b, const char *s, size_t n)
{
	size_t room = b->cap - b->len;
	if (n > room) {
		n = room;
		b->trunc = true;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void st_sb_puts(struct st_sb *b, const char *s)
{
	st_sb_put(b, s, strlen(s));
}

void st_sb_printf(struct st_sb *b, const char *fmt, ...)
{
	size_t room = b->cap - b->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		/* vsnprintf wrote room-1 chars and a NUL we do not keep */
		b->len += room ? room - 1 : 0;
		b->trunc = true;
		return;
	}
	b->len += (size_t)n;
}

static void put_sb(void *ctx, const char *s, size_t n)
{
	st_sb_put(ctx, s, n);
}

void st_sb_json_str(struct st_sb *b, const char *s, size_t n)
{
	st_json_escape(put_sb, b, s, n);
}

/* Decimal digits of v into the end of tmp; returns the start. */
static char *utoa_end(unsigned long long v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void st_sb_u(struct st_sb *b, unsigned long long v, int width, char pad, bool left)
{
	char tmp[24];
	char *s = utoa_end(v, tmp + sizeof(tmp));
	int n = (int)(tmp + sizeof(tmp) - s);
	static const char spaces[] = "                        ";
	static const char zeros[] = "000000000000000000000000";
	int fill = width > n ? width - n : 0;
	if (fill > 24)
		fill = 24;
	if (!left && fill)
		st_sb_put(b, pad == '0' ? zeros : spaces, (size_t)fill);
	st_sb_put(b, s, (size_t)n);
	if (left && fill)
		st_sb_put(b, spaces, (size_t)fill);
}

void st_sb_pad_str(struct st_sb *b, const char *s, int width)
{
	static const char spaces[] = "                ";
	size_t n = strlen(s);
	if ((int)n < width && width <= 16)
		st_sb_put(b, spaces, (size_t)width - n);
	st_sb_put(b, s, n);
}
