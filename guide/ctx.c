// SPDX-License-Identifier: MIT
/* Completion context: a forgiving left-to-right scan of the text before the cursor.
 * It follows the grammar of docs/GRAMMAR.md loosely on purpose: the line is usually
 * incomplete while the user types, so nothing here reports errors (translation does). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctx.h"

static bool is_ident(int ch)
{
	return isalnum(ch) || ch == '_';
}

static void set_str(char *dst, size_t n, const char *src)
{
	size_t len = strnlen(src, n - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

static void copy_span(char *dst, size_t n, const char *s, int from, int to)
{
	size_t len = to > from ? (size_t)(to - from) : 0;

	if (len >= n)
		len = n - 1;
	memcpy(dst, s + from, len);
	dst[len] = '\0';
}

/* End of a whitespace-separated item; parentheses may hold spaces: "!(struct file *)". */
static int item_end(const char *s, int i, int point)
{
	int depth = 0;

	for (; i < point; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth > 0)
			depth--;
		else if (isspace((unsigned char)s[i]) && depth == 0)
			break;
	}
	return i;
}

static int skip_space(const char *s, int i, int point)
{
	while (i < point && isspace((unsigned char)s[i]))
		i++;
	return i;
}

static void scan_target(const char *s, int ts, int te, bool at_cursor, struct g_ctx *c)
{
	char word[256];
	char *colon, *plus;

	copy_span(word, sizeof(word), s, ts, te);
	if (c->type == 'e') {
		copy_span(c->event, sizeof(c->event), s, ts, te);
		if (at_cursor) {
			c->kind = G_EVENT;
			c->start = ts;
		}
		return;
	}
	if (c->type == 'P' || c->type == 'R') {
		colon = strrchr(word, ':');
		if (!colon) {
			set_str(c->binary, sizeof(c->binary), word);
			if (at_cursor) {
				c->kind = G_UBIN;
				c->start = ts;
			}
			return;
		}
		*colon = '\0';
		set_str(c->binary, sizeof(c->binary), word);
		set_str(c->func, sizeof(c->func), colon + 1);
		if (at_cursor) {
			c->kind = G_USYM;
			c->start = ts + (int)(colon - word) + 1;
		}
	} else {
		set_str(c->func, sizeof(c->func), word);
		if (at_cursor) {
			c->kind = G_FUNC;
			c->start = ts;
		}
	}
	plus = strchr(c->func, '+');
	if (plus)
		*plus = '\0';
}

/* Inside a cast's parentheses: the word being typed and the keyword before it. */
static void scan_ctype(const char *s, int from, int point, struct g_ctx *c)
{
	int k = point, p;

	while (k > from && is_ident((unsigned char)s[k - 1]))
		k--;
	c->kind = G_CTYPE;
	c->start = k;
	p = k;
	while (p > from && s[p - 1] == ' ')
		p--;
	if (p - from >= 4) {
		int w = p;

		while (w > from && is_ident((unsigned char)s[w - 1]))
			w--;
		copy_span(c->ctype_kw, sizeof(c->ctype_kw), s, w, p);
		if (strcmp(c->ctype_kw, "struct") && strcmp(c->ctype_kw, "union") &&
		    strcmp(c->ctype_kw, "enum"))
			c->ctype_kw[0] = '\0';
	}
}

static int read_ident(const char *s, int i, int point)
{
	while (i < point && is_ident((unsigned char)s[i]))
		i++;
	return i;
}

/* The value after '=': [S|U|X] [cast] base {accessor}. */
static void scan_value(const char *s, int v, int point, struct g_ctx *c)
{
	int be, k;

	if (v + 1 < point && strchr("SUX", s[v]) && strchr("%$@!", s[v + 1]))
		v++;
	if (v + 1 < point && (s[v] == '!' || s[v] == '@') && s[v + 1] == '(') {
		const char *close = memchr(s + v + 2, ')', (size_t)(point - v - 2));

		if (!close) {
			scan_ctype(s, v + 2, point, c);
			return;
		}
		copy_span(c->cast, sizeof(c->cast), s, v + 2, (int)(close - s));
		bool skb = s[v] == '@';
		v = (int)(close - s) + 1;
		if (skb && v + 1 < point && s[v] == 'l' && isdigit((unsigned char)s[v + 1]))
			v += 2;
	}
	if (v == point || (v + 1 == point && strchr("%$@", s[v]))) {
		c->kind = G_VALUE;
		c->start = v;
		return;
	}
	be = read_ident(s, v + 1, point);
	if (be == point) {
		c->kind = G_VALUE;
		c->start = v;
		return;
	}
	copy_span(c->name, sizeof(c->name), s, v + 1, be);
	switch (s[v]) {
	case '%':
		c->base = isdigit((unsigned char)s[v + 1]) ? GB_ARGN : GB_REG;
		c->num = c->base == GB_ARGN ? strtol(c->name, NULL, 10) : 0;
		break;
	case '$':
		if (!strcmp(c->name, "retval"))
			c->base = GB_RETVAL;
		else if (!strcmp(c->name, "comm") || !strncmp(c->name, "stack", 5))
			c->base = GB_OTHER;
		else
			c->base = GB_ARGNAME;
		break;
	case '@':
		c->base = GB_SYMBOL;
		break;
	default:
		return;
	}
	for (k = be; k < point && c->nacc < G_MAXACC;) {
		struct g_acc *a = &c->acc[c->nacc];
		int ms;

		if (s[k] == '-' && k + 1 < point && s[k + 1] == '>') {
			a->kind = '>';
			ms = k + 2;
		} else if (s[k] == '.') {
			a->kind = '.';
			ms = k + 1;
		} else if (s[k] == '[') {
			const char *close = memchr(s + k, ']', (size_t)(point - k));

			if (!close)
				return;
			a->kind = '[';
			a->member[0] = '\0';
			c->nacc++;
			k = (int)(close - s) + 1;
			continue;
		} else {
			return;
		}
		k = read_ident(s, ms, point);
		if (k == point) {
			c->kind = G_MEMBER;
			c->start = ms;
			return;
		}
		copy_span(a->member, sizeof(a->member), s, ms, k);
		c->nacc++;
	}
}

/* In the filter only a word where a variable may stand is completed: at the start, after
 * '(', '!', '&&' or '||'. Constants after a comparison are left alone. */
static void scan_filter(const char *s, int fs, int point, struct g_ctx *c)
{
	int k = point, p;
	char prev;

	while (k > fs && is_ident((unsigned char)s[k - 1]))
		k--;
	if (k < point && isdigit((unsigned char)s[k]))
		return;
	p = k;
	while (p > fs && isspace((unsigned char)s[p - 1]))
		p--;
	prev = p > fs ? s[p - 1] : '\0';
	if (prev == '\0' || prev == '(' || (prev == '!' && k == p) ||
	    (prev == '&' && p - 2 >= fs && s[p - 2] == '&') ||
	    (prev == '|' && p - 2 >= fs && s[p - 2] == '|')) {
		c->kind = G_FVAR;
		c->start = k;
	}
}

static void add_argname(const char *s, int ws, int we, struct g_ctx *c)
{
	const char *eq = memchr(s + ws, '=', (size_t)(we - ws));

	if (!eq || c->nargnames >= G_MAXARGS)
		return;
	copy_span(c->argnames[c->nargnames++], sizeof(c->argnames[0]), s, ws, (int)(eq - s));
}

void g_ctx_scan(const char *line, int point, struct g_ctx *c)
{
	int len = (int)strlen(line), i, ws, we;

	memset(c, 0, sizeof(*c));
	if (point > len)
		point = len;
	i = skip_space(line, 0, point);
	we = item_end(line, i, point);
	if (we == point) {
		c->kind = G_TYPE;
		c->start = i;
		return;
	}
	if (we - i != 1 || !strchr("preRP", line[i]))
		return;
	c->type = line[i];
	ws = skip_space(line, we, point);
	we = item_end(line, ws, point);
	scan_target(line, ws, we, we == point, c);
	if (we == point)
		return;
	for (;;) {
		ws = skip_space(line, we, point);
		if (ws + 1 < point && line[ws] == 'f' && line[ws + 1] == ':') {
			scan_filter(line, ws + 2, point, c);
			return;
		}
		we = item_end(line, ws, point);
		if (we < point) {
			add_argname(line, ws, we, c);
			continue;
		}
		const char *eq = memchr(line + ws, '=', (size_t)(we - ws));

		if (!eq) {
			c->kind = G_ARGNAME;
			c->start = ws;
			return;
		}
		scan_value(line, (int)(eq - line) + 1, point, c);
		return;
	}
}
