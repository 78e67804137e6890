// SPDX-License-Identifier: MIT
/* Character classes, number scanning and token quoting shared by the expr parsers. Plain
 * ASCII tests instead of <ctype.h>: the locale must not change what parses. */
#include "expr/parse_priv.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool st_is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

bool st_is_ident_start(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

bool st_is_ident_char(int ch)
{
	return st_is_ident_start(ch) || (ch >= '0' && ch <= '9');
}

size_t st_ident_len(const char *p)
{
	size_t n = 0;

	if (!st_is_ident_start((unsigned char)p[0]))
		return 0;
	while (st_is_ident_char((unsigned char)p[n]))
		n++;
	return n;
}

static int hex_value(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int st_scan_uint(const char *p, unsigned long long *v, size_t *len)
{
	unsigned long long acc = 0;
	unsigned base = 10;
	size_t i = 0;
	bool overflow = false;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && hex_value((unsigned char)p[2]) >= 0) {
		base = 16;
		i = 2;
	} else if (!(p[0] >= '0' && p[0] <= '9')) {
		return 0;
	}
	for (;; i++) {
		int d = hex_value((unsigned char)p[i]);

		if (d < 0 || (base == 10 && d > 9))
			break;
		if (acc > (~0ULL - (unsigned)d) / base)
			overflow = true;
		acc = acc * base + (unsigned)d;
	}
	*len = i;
	*v = acc;
	return overflow ? -1 : 1;
}

char *st_strndup(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

int st_err_at(struct st_cur *c, const char *at, const char *fmt, ...)
{
	char msg[sizeof(c->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return st_err_set(c->err, st_col(c, at), "%s", msg);
}

int st_oom(struct st_err *err)
{
	return st_err_set(err, 0, "out of memory");
}

/* Two-character operators are described whole so messages say '->' rather than '-'. */
static const char *const two_char_ops[] = { "->", "==", "!=", "<=", ">=", "&&", "||" };

const char *st_tok_desc(const char *p, char *buf, size_t n)
{
	size_t len, i;

	if (!*p)
		return "end of line";
	len = st_ident_len(p);
	if (!len && p[0] >= '0' && p[0] <= '9')
		while (st_is_ident_char((unsigned char)p[len]))
			len++;
	if (!len)
		for (i = 0; i < sizeof(two_char_ops) / sizeof(two_char_ops[0]); i++)
			if (!strncmp(p, two_char_ops[i], 2))
				len = 2;
	if (!len)
		len = 1;
	return st_span_desc(p, len, buf, n);
}
