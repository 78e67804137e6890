// SPDX-License-Identifier: MIT
/* The line builder: appends into one preallocated buffer and marks (never overruns) when
 * a line is longer than it. JSON strings go through the project's one writer (util/json). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "output/output_int.h"
#include "util/json.h"

void st_sb_put_slow(struct st_sb *b, const char *s, size_t n)
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

void st_sb_u(struct st_sb *b, unsigned long long v, int width, char pad, bool left)
{
	char tmp[48];
	char *p = st_sb_room(b, 48);

	if (p) {
		b->len += (size_t)(st_fmt_u(p, v, width, pad, left) - p);
		return;
	}
	st_sb_put(b, tmp, (size_t)(st_fmt_u(tmp, v, width, pad, left) - tmp));
}

void st_sb_pad_str(struct st_sb *b, const char *s, int width)
{
	static const char spaces[] = "                ";
	size_t n = strlen(s);
	if ((int)n < width && width <= 16)
		st_sb_put(b, spaces, (size_t)width - n);
	st_sb_put(b, s, n);
}
