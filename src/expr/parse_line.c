// SPDX-License-Identifier: MIT
/* st_parse_line: TYPE target {name=value} [f:filter]. Items are separated by whitespace,
 * but the line is parsed with a cursor rather than split, because casts ("!(struct file *)")
 * and filter strings may contain spaces. */
#include "expr/expr.h"
#include "expr/parse_priv.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define DESC 64

void st_line_free(struct st_line *l)
{
	size_t i;

	if (!l)
		return;
	free(l->func);
	free(l->binary);
	free(l->group);
	free(l->event);
	for (i = 0; i < l->nargs; i++) {
		free(l->args[i].name);
		st_expr_clear(&l->args[i].expr);
	}
	free(l->args);
	if (l->has_filter)
		st_filter_clear(&l->filter);
	free(l);
}

static void skip_space(struct st_cur *c)
{
	while (st_is_space((unsigned char)*c->p))
		c->p++;
}

static const char *item_end(const char *p)
{
	while (*p && !st_is_space((unsigned char)*p))
		p++;
	return p;
}

static int parse_type(struct st_cur *c, struct st_line *l)
{
	const char *p, *e;
	char d[DESC];

	skip_space(c);
	p = c->p;
	if (!*p)
		return st_err_set(c->err, 0, "empty expression");
	e = item_end(p);
	l->type_col = st_col(c, p);
	if (e - p != 1 || !strchr("prePR", *p))
		return st_err_at(c, p, "unknown probe type %s (expected p, r, e, P or R)",
				 st_span_desc(p, (size_t)(e - p), d, sizeof(d)));
	l->type = (enum st_line_type)*p;
	c->p = e;
	return 0;
}

/* name[+off] filling [p, e) exactly. Kernel names may carry compiler suffixes
 * (".isra.0", ".cold"), so '.' is allowed after the first character. */
static int parse_sym_off(struct st_cur *c, const char *p, const char *e, const char *what,
			 char **name, long *off)
{
	const char *s = p;
	unsigned long long v;
	size_t len;
	char d[DESC];
	int r;

	if (p >= e || !st_is_ident_start((unsigned char)*p))
		return st_err_at(c, p, "expected %s, got %s", what,
				 p >= e ? "end of target" : st_span_desc(p, (size_t)(e - p), d, sizeof(d)));
	while (p < e && (st_is_ident_char((unsigned char)*p) || *p == '.'))
		p++;
	if (p < e && *p == '+') {
		r = p + 1 < e ? st_scan_uint(p + 1, &v, &len) : 0;
		if (r == 0)
			return st_err_at(c, p + 1, "expected an offset (decimal or 0x hex) after '+', got %s",
					 p + 1 < e ? st_span_desc(p + 1, (size_t)(e - p - 1), d, sizeof(d))
					 : "end of target");
		if (r < 0 || v > LONG_MAX)
			return st_err_at(c, p + 1, "offset %s is too large",
					 st_span_desc(p + 1, len, d, sizeof(d)));
		*off = (long)v;
		if (len == 1 && p + 2 < e && (p[2] == 'x' || p[2] == 'X'))
			return st_err_at(c, p + 1, "expected hex digits after '0x', got %s",
					 st_span_desc(p + 1, (size_t)(e - p - 1), d, sizeof(d)));
		if (p + 1 + len < e)
			return st_err_at(c, p + 1 + len, "unexpected %s after offset",
					 st_span_desc(p + 1 + len, (size_t)(e - p - 1 - len), d, sizeof(d)));
		*name = st_strndup(s, (size_t)(p - s));
		return *name ? 0 : st_oom(c->err);
	}
	if (p < e) {
		char n[DESC];

		return st_err_at(c, p, "unexpected %s after %s %s",
				 st_span_desc(p, (size_t)(e - p), d, sizeof(d)), what,
				 st_span_desc(s, (size_t)(p - s), n, sizeof(n)));
	}
	*name = st_strndup(s, (size_t)(p - s));
	return *name ? 0 : st_oom(c->err);
}

/* One side of group/event: identifier characters and the glob characters * ? [ ]
 * (with '-', '!' and '^' allowed inside a bracket expression). */
static int check_event_part(struct st_cur *c, const char *p, const char *e, const char *what)
{
	const char *open = NULL;
	char d[DESC];

	if (p == e)
		return st_err_at(c, p, "empty %s in 'group/event'", what);
	for (; p < e; p++) {
		if (st_is_ident_char((unsigned char)*p) || *p == '*' || *p == '?')
			continue;
		if (*p == '[' && !open) {
			open = p;
			continue;
		}
		if (*p == ']' && open) {
			open = NULL;
			continue;
		}
		if (open && (*p == '-' || *p == '!' || *p == '^'))
			continue;
		return st_err_at(c, p, "unexpected %s in event %s", st_tok_desc(p, d, sizeof(d)), what);
	}
	if (open)
		return st_err_at(c, open, "unclosed '[' in event %s", what);
	return 0;
}

static int parse_event(struct st_cur *c, struct st_line *l, const char *p, const char *e)
{
	const char *slash = memchr(p, '/', (size_t)(e - p));
	char d[DESC];

	if (!slash)
		return st_err_at(c, p, "expected 'group/event' after 'e', got %s",
				 st_span_desc(p, (size_t)(e - p), d, sizeof(d)));
	if (check_event_part(c, p, slash, "group") || check_event_part(c, slash + 1, e, "name"))
		return -1;
	l->group = st_strndup(p, (size_t)(slash - p));
	l->event = st_strndup(slash + 1, (size_t)(e - slash - 1));
	return l->group && l->event ? 0 : st_oom(c->err);
}

/* The part after the binary's ':' : 0xaddr or symbol[+off]. */
static int parse_usym(struct st_cur *c, struct st_line *l, const char *p, const char *e)
{
	unsigned long long v;
	size_t len;
	char d[DESC];
	int r;

	if (p[0] == '0' && p + 1 < e && (p[1] == 'x' || p[1] == 'X')) {
		r = st_scan_uint(p, &v, &len);
		if (r == 0 || len < 3 || p + len != e)
			return st_err_at(c, p, "bad address %s (expected binary:0xaddr)",
					 st_span_desc(p, (size_t)(e - p), d, sizeof(d)));
		if (r < 0)
			return st_err_at(c, p, "address %s is too large",
					 st_span_desc(p, len, d, sizeof(d)));
		if (!v)
			return st_err_at(c, p, "address 0 is not a valid probe address");
		l->uaddr = v;
		return 0;
	}
	return parse_sym_off(c, p, e, "a symbol name or 0x address", &l->func, &l->off);
}

/* binary:symbol[+off] | binary:0xaddr. The binary is everything before the last ':' that
 * is followed by a valid symbol or address, so paths containing ':' still work. */
static int parse_uprobe(struct st_cur *c, struct st_line *l, const char *p, const char *e)
{
	struct st_err scratch;
	struct st_cur try = *c;
	const char *q, *last = NULL;
	char d[DESC];

	try.err = &scratch;
	for (q = e; q-- > p;) {
		if (*q != ':')
			continue;
		if (!last)
			last = q;
		if (parse_usym(&try, l, q + 1, e) == 0) {
			if (q == p)
				return st_err_at(c, p, "missing binary before ':'");
			l->binary = st_strndup(p, (size_t)(q - p));
			return l->binary ? 0 : st_oom(c->err);
		}
		free(l->func);
		l->func = NULL;
		l->off = 0;
		l->uaddr = 0;
	}
	if (!last)
		return st_err_at(c, p, "expected 'binary:symbol' or 'binary:0xaddr', got %s",
				 st_span_desc(p, (size_t)(e - p), d, sizeof(d)));
	if (last == p)
		return st_err_at(c, p, "missing binary before ':'");
	/* Report what is wrong after the last ':' (the likeliest intended split). */
	return parse_usym(c, l, last + 1, e);
}

static int parse_target(struct st_cur *c, struct st_line *l)
{
	const char *p, *e;
	int r;

	skip_space(c);
	p = c->p;
	if (!*p)
		return st_err_at(c, p, "missing probe target after '%c'", (char)l->type);
	e = item_end(p);
	l->target_col = st_col(c, p);
	switch (l->type) {
	case ST_LINE_EVENT:
		r = parse_event(c, l, p, e);
		break;
	case ST_LINE_UPROBE:
	case ST_LINE_URETPROBE:
		r = parse_uprobe(c, l, p, e);
		break;
	default:
		r = parse_sym_off(c, p, e, "a kernel function name", &l->func, &l->off);
		break;
	}
	c->p = e;
	return r;
}

static int check_duplicate(struct st_cur *c, const struct st_line *l, const char *name,
			   size_t n)
{
	size_t i;
	char d[DESC];

	for (i = 0; i < l->nargs; i++)
		if (strlen(l->args[i].name) == n && !strncmp(l->args[i].name, name, n))
			return st_err_at(c, name, "duplicate argument name %s (first defined at column %d)",
					 st_span_desc(name, n, d, sizeof(d)), l->args[i].name_col);
	return 0;
}

/* S/U/X is a format only when a value follows, so a value like "Sdata" is not split. */
static bool starts_value(int ch)
{
	return ch == '%' || ch == '$' || ch == '@' || ch == '!';
}

static int parse_value(struct st_cur *c, struct st_arg *a)
{
	const char *p = c->p;
	char d[DESC];

	a->col = st_col(c, p);
	if (!*p || st_is_space((unsigned char)*p))
		return st_err_at(c, p, "missing value after '%s='", a->name);
	if ((*p == 'S' || *p == 'U' || *p == 'X') && starts_value((unsigned char)p[1])) {
		a->fmt = *p;
		c->p = ++p;
	} else if ((*p == 's' || *p == 'u' || *p == 'x') && starts_value((unsigned char)p[1])) {
		return st_err_at(c, p, "unknown format %s (expected S, U or X); did you mean '%c'?",
				 st_span_desc(p, 1, d, sizeof(d)), *p - 'a' + 'A');
	}
	return st_parse_expr(c, &a->expr);
}

static int parse_arg(struct st_cur *c, struct st_line *l)
{
	const char *p = c->p;
	size_t n = st_ident_len(p);
	struct st_arg *a;
	char d[DESC];

	if (!n)
		return st_err_at(c, p, "expected an argument 'name=value' or 'f:filter', got %s",
				 st_span_desc(p, (size_t)(item_end(p) - p), d, sizeof(d)));
	if (p[n] != '=') {
		st_span_desc(p, n, d, sizeof(d));
		/* "comm" alone or "comm%0": point at the name, the token the user must fix. */
		if (!p[n] || st_is_space((unsigned char)p[n]) || strchr("%$@!", p[n]))
			return st_err_at(c, p, "missing '=' after argument name %s", d);
		return st_err_at(c, p + n, "unexpected '%c' in argument name %s (expected '=')",
				 p[n], d);
	}
	if (check_duplicate(c, l, p, n))
		return -1;
	a = realloc(l->args, (l->nargs + 1) * sizeof(*a));
	if (!a)
		return st_oom(c->err);
	l->args = a;
	a = &l->args[l->nargs++];
	memset(a, 0, sizeof(*a));
	a->name_col = st_col(c, p);
	a->name = st_strndup(p, n);
	if (!a->name)
		return st_oom(c->err);
	c->p = p + n + 1;
	return parse_value(c, a);
}

static int parse_items(struct st_cur *c, struct st_line *l)
{
	for (;;) {
		skip_space(c);
		if (!*c->p)
			return 0;
		if (c->p[0] == 'f' && c->p[1] == ':') {
			/* The filter runs to the end of the line, spaces included. */
			l->has_filter = true;
			l->filter.col = st_col(c, c->p);
			c->p += 2;
			return st_parse_filter(c, &l->filter);
		}
		if (parse_arg(c, l))
			return -1;
	}
}

int st_parse_line(const char *text, struct st_line **out, struct st_err *err)
{
	struct st_cur c = { .text = text, .p = text, .err = err };
	struct st_line *l;

	*out = NULL;
	if (!text)
		return st_err_set(err, 0, "empty expression");
	l = calloc(1, sizeof(*l));
	if (!l)
		return st_oom(err);
	if (parse_type(&c, l) || parse_target(&c, l) || parse_items(&c, l)) {
		st_line_free(l);
		return -1;
	}
	*out = l;
	return 0;
}
