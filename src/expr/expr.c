// SPDX-License-Identifier: MIT
/* One argument value: [!(ctype) | @(struct hdr *)[l2|l3|l4]] base { ->m | .m | [i] }.
 * Only syntax is checked here; whether a register exists, a member belongs to the type or
 * an index is in bounds is the compiler's call (it has the BTF). */
#include "expr/parse_priv.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define DESC 64

void st_expr_clear(struct st_expr *e)
{
	size_t i;

	free(e->cast_type);
	free(e->base_type);
	free(e->name);
	for (i = 0; i < e->nacc; i++)
		free(e->acc[i].member);
	free(e->acc);
	memset(e, 0, sizeof(*e));
}

/* Normalise "struct  file*" to "struct file *": words joined by one space, then one space
 * and the stars with nothing between them, so the compiler can look types up by text. */
static int parse_cast_type(struct st_cur *c, const char **pp, char **out)
{
	const char *open = *pp, *p = open + 1;
	char *buf, d[DESC];
	size_t o = 0, stars = 0, words = 0;

	/* The result is never longer than the source plus one inserted space. */
	buf = malloc(strlen(p) + 2);
	if (!buf)
		return st_oom(c->err);
	for (;;) {
		while (st_is_space((unsigned char)*p))
			p++;
		if (*p == ')')
			break;
		if (!*p) {
			free(buf);
			return st_err_set(c->err, st_col(c, open), "missing ')' after cast type");
		}
		if (*p == '*') {
			stars++;
			p++;
			continue;
		}
		if (st_is_ident_start((unsigned char)*p)) {
			size_t n = st_ident_len(p);

			if (stars) {
				free(buf);
				return st_err_at(c, p, "unexpected %s after '*' in cast type",
					      st_span_desc(p, n, d, sizeof(d)));
			}
			if (words++)
				buf[o++] = ' ';
			memcpy(buf + o, p, n);
			o += n;
			p += n;
			continue;
		}
		free(buf);
		return st_err_at(c, p, "unexpected %s in cast type (expected a C type and ')')",
			      st_tok_desc(p, d, sizeof(d)));
	}
	if (!words) {
		free(buf);
		return st_err_set(c->err, st_col(c, open), "empty cast type");
	}
	if (stars)
		buf[o++] = ' ';
	while (stars--)
		buf[o++] = '*';
	buf[o] = '\0';
	*out = buf;
	*pp = p + 1;
	return 0;
}

/* After "@(struct iphdr *)": an optional l2/l3/l4 tells where skb->data points. */
static int parse_skb_layer(struct st_cur *c, const char **pp, int *layer)
{
	const char *p = *pp;
	size_t n;
	char d[DESC];

	if (*p != 'l' && *p != 'L')
		return 0;
	n = st_ident_len(p);
	if (n == 2 && p[0] == 'l' && p[1] >= '2' && p[1] <= '4') {
		*layer = p[1] - '0';
		*pp = p + 2;
		return 0;
	}
	if (n == 2 && p[1] >= '2' && p[1] <= '4')
		return st_err_set(c->err, st_col(c, p),
				  "unknown skb layer %s (expected l2, l3 or l4); did you mean 'l%c'?",
				  st_span_desc(p, n, d, sizeof(d)), p[1]);
	return st_err_at(c, p, "unknown skb layer %s (expected l2, l3 or l4)",
		      st_span_desc(p, n, d, sizeof(d)));
}

static int parse_cast(struct st_cur *c, const char **pp, struct st_expr *e)
{
	const char *p = *pp;
	char d[DESC];

	e->cast_col = st_col(c, p);
	if (*p == '!') {
		e->cast = ST_CAST_TYPE;
		p++;
		if (*p != '(')
			return st_err_at(c, p, "expected '(' after '!' (a cast is written !(type)), got %s",
				      st_tok_desc(p, d, sizeof(d)));
		if (parse_cast_type(c, &p, &e->cast_type))
			return -1;
	} else {
		e->cast = ST_CAST_SKB;
		p++;
		if (parse_cast_type(c, &p, &e->cast_type) || parse_skb_layer(c, &p, &e->skb_layer))
			return -1;
		/* optional !(type) typing the base: @(struct iphdr *)l3!(struct sk_buff *)%bx */
		if (*p == '!') {
			e->base_type_col = st_col(c, p);
			p++;
			if (*p != '(')
				return st_err_at(c, p, "expected '(' after '!' (a cast is written "
						 "!(type)), got %s", st_tok_desc(p, d, sizeof(d)));
			if (parse_cast_type(c, &p, &e->base_type))
				return -1;
		}
	}
	*pp = p;
	return 0;
}

/* %N or %reg. Register names are letters then digits (ax, r12, x0); the arch table in the
 * compiler decides which exist. */
static int parse_percent(struct st_cur *c, const char **pp, struct st_expr *e)
{
	const char *p = *pp + 1;
	size_t n = 0;
	char d[DESC];

	while (st_is_ident_char((unsigned char)p[n]) && p[n] != '_')
		n++;
	if (!n)
		return st_err_at(c, p, "expected argument number or register after '%%', got %s",
			      st_tok_desc(p, d, sizeof(d)));
	if (p[0] >= '0' && p[0] <= '9') {
		long v = 0;
		size_t i;

		for (i = 0; i < n; i++) {
			if (p[i] < '0' || p[i] > '9')
				return st_err_at(c, *pp, "bad argument number %s (expected %%0, %%1, ...)",
					      st_span_desc(*pp, n + 1, d, sizeof(d)));
			if (v > (INT_MAX - (p[i] - '0')) / 10)
				return st_err_at(c, *pp, "argument number %s is too large",
					      st_span_desc(*pp, n + 1, d, sizeof(d)));
			v = v * 10 + (p[i] - '0');
		}
		e->base = ST_BASE_ARGN;
		e->num = v;
	} else {
		e->base = ST_BASE_REG;
		e->name = st_strndup(p, n);
		if (!e->name)
			return st_oom(c->err);
	}
	*pp = p + n;
	return 0;
}

/* $retval, $comm, $stack, $stackN, or $name (a prototype argument name). */
static int parse_dollar(struct st_cur *c, const char **pp, struct st_expr *e)
{
	const char *p = *pp + 1;
	size_t n = st_ident_len(p), i;
	char d[DESC];

	if (!n)
		return st_err_at(c, p, "expected a name after '$' ($retval, $comm, $stack or an "
			      "argument name), got %s", st_tok_desc(p, d, sizeof(d)));
	*pp = p + n;
	if (n == 6 && !strncmp(p, "retval", 6)) {
		e->base = ST_BASE_RETVAL;
		return 0;
	}
	if (n == 4 && !strncmp(p, "comm", 4)) {
		e->base = ST_BASE_COMM;
		return 0;
	}
	if (n >= 5 && !strncmp(p, "stack", 5)) {
		for (i = 5; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i == n) {
			unsigned long long v = 0;
			size_t len;

			e->base = ST_BASE_STACK;
			e->num = -1;
			if (n == 5)
				return 0;
			if (st_scan_uint(p + 5, &v, &len) < 0 || v > INT_MAX)
				return st_err_at(c, p - 1, "stack slot %s is too large",
					      st_span_desc(p - 1, n + 1, d, sizeof(d)));
			e->num = (long)v;
			return 0;
		}
	}
	e->base = ST_BASE_ARGNAME;
	e->name = st_strndup(p, n);
	return e->name ? 0 : st_oom(c->err);
}

/* @symbol[+-off] or @0xaddr. Symbol names stop at '.', which is member access. */
static int parse_at(struct st_cur *c, const char **pp, struct st_expr *e)
{
	const char *p = *pp + 1;
	unsigned long long v;
	size_t len, n;
	char d[DESC];
	int r;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		r = st_scan_uint(p, &v, &len);
		if (r == 0 || len < 3)
			return st_err_at(c, p, "bad address %s after '@'",
				      st_tok_desc(p, d, sizeof(d)));
		if (r < 0)
			return st_err_at(c, p, "address %s is too large",
				      st_span_desc(p, len, d, sizeof(d)));
		e->base = ST_BASE_ADDR;
		e->addr = v;
		*pp = p + len;
		return 0;
	}
	n = st_ident_len(p);
	if (!n)
		return st_err_at(c, p, "expected a symbol name or 0x address after '@', got %s",
			      st_tok_desc(p, d, sizeof(d)));
	e->base = ST_BASE_SYMBOL;
	e->name = st_strndup(p, n);
	if (!e->name)
		return st_oom(c->err);
	p += n;
	if ((*p == '+' || *p == '-') && p[1] >= '0' && p[1] <= '9') {
		r = st_scan_uint(p + 1, &v, &len);
		if (r < 0 || v > LONG_MAX)
			return st_err_at(c, p + 1, "symbol offset %s is too large",
				      st_span_desc(p + 1, len, d, sizeof(d)));
		e->num = *p == '-' ? -(long)v : (long)v;
		p += 1 + len;
	}
	*pp = p;
	return 0;
}

static int parse_base(struct st_cur *c, const char **pp, struct st_expr *e)
{
	char d[DESC];

	e->base_col = st_col(c, *pp);
	switch (**pp) {
	case '%':
		return parse_percent(c, pp, e);
	case '$':
		return parse_dollar(c, pp, e);
	case '@':
		return parse_at(c, pp, e);
	}
	return st_err_at(c, *pp, e->cast ? "expected '%%', '$' or '@' after the cast, got %s"
		      : "expected '%%N', '%%reg', '$name' or '@symbol' as the value, got %s",
		      st_tok_desc(*pp, d, sizeof(d)));
}

static struct st_access *push_access(struct st_cur *c, struct st_expr *e)
{
	struct st_access *a = realloc(e->acc, (e->nacc + 1) * sizeof(*a));

	if (!a) {
		st_oom(c->err);
		return NULL;
	}
	e->acc = a;
	a = &e->acc[e->nacc++];
	memset(a, 0, sizeof(*a));
	return a;
}

static int parse_member(struct st_cur *c, const char **pp, struct st_access *a, size_t oplen)
{
	const char *p = *pp + oplen;
	size_t n = st_ident_len(p);
	char d[DESC];

	a->name_col = st_col(c, p);
	if (!n)
		return st_err_set(c->err, st_col(c, p), "expected member name after '%s', got %s",
				  a->kind == ST_ACC_ARROW ? "->" : ".",
				  st_tok_desc(p, d, sizeof(d)));
	a->member = st_strndup(p, n);
	if (!a->member)
		return st_oom(c->err);
	*pp = p + n;
	return 0;
}

/* [i]: decimal or hex, possibly negative (the compiler rejects negative indexes with a
 * better message than a syntax error could give). */
static int parse_index(struct st_cur *c, const char **pp, struct st_access *a)
{
	const char *open = *pp, *p = open + 1;
	unsigned long long v;
	size_t len;
	bool neg = false;
	char d[DESC];
	int r;

	a->name_col = st_col(c, p);
	if (*p == '-') {
		neg = true;
		p++;
	}
	r = st_scan_uint(p, &v, &len);
	if (r == 0)
		return st_err_at(c, p, "expected an index after '[', got %s",
			      st_tok_desc(p, d, sizeof(d)));
	if (r < 0 || v > (unsigned long long)LONG_MAX)
		return st_err_at(c, p, "index %s is too large", st_span_desc(p, len, d, sizeof(d)));
	p += len;
	if (*p != ']')
		return st_err_at(c, p, "expected ']' to close the index, got %s",
			      st_tok_desc(p, d, sizeof(d)));
	a->index = neg ? -(long)v : (long)v;
	*pp = p + 1;
	return 0;
}

static int parse_chain(struct st_cur *c, const char **pp, struct st_expr *e, const char **last)
{
	const char *p = *pp;
	struct st_access *a;

	for (;;) {
		enum st_access_kind kind;
		int r;

		if (p[0] == '-' && p[1] == '>')
			kind = ST_ACC_ARROW;
		else if (p[0] == '.')
			kind = ST_ACC_DOT;
		else if (p[0] == '[')
			kind = ST_ACC_INDEX;
		else
			break;
		a = push_access(c, e);
		if (!a)
			return -1;
		a->kind = kind;
		a->col = st_col(c, p);
		*last = kind == ST_ACC_INDEX ? p : p + (kind == ST_ACC_ARROW ? 2 : 1);
		if (kind == ST_ACC_INDEX)
			r = parse_index(c, &p, a);
		else
			r = parse_member(c, &p, a, kind == ST_ACC_ARROW ? 2 : 1);
		if (r)
			return -1;
	}
	*pp = p;
	return 0;
}

int st_parse_expr(struct st_cur *c, struct st_expr *e)
{
	const char *p = c->p, *last;
	char d[DESC], l[DESC];

	if (*p == '!' || (*p == '@' && p[1] == '('))
		if (parse_cast(c, &p, e))
			return -1;
	last = p;
	if (parse_base(c, &p, e) || parse_chain(c, &p, e, &last))
		return -1;
	if (*p && !st_is_space((unsigned char)*p)) {
		st_span_desc(last, (size_t)(p - last), l, sizeof(l));
		if (p[0] == '-' && p[1] != '>')
			return st_err_set(c->err, st_col(c, p),
					  "unexpected '-' after %s; did you mean '->'?", l);
		return st_err_set(c->err, st_col(c, p), "unexpected %s after %s",
				  st_tok_desc(p, d, sizeof(d)), l);
	}
	c->p = p;
	return 0;
}
