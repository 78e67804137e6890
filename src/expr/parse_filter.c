// SPDX-License-Identifier: MIT
/* The filter after "f:". It is tokenized, not split on spaces, so quoted strings may hold
 * spaces and operators, and the structure is checked here so the user gets a column
 * instead of the kernel's bare EINVAL:
 *   expr  := term { ('&&' | '||') term }
 *   term  := '!' term | '(' expr ')' | IDENT CMP value
 *   value := NUMBER | STRING | IPADDR | bare word (kept as ST_FT_STRING)
 * The token list is what the compiler rewrites (constants by the variable they meet). */
#include "expr/parse_priv.h"
#include <stdlib.h>
#include <string.h>

#define DESC 64
/* Deep enough for any hand-written filter, shallow enough that the recursion is safe. */
#define MAX_DEPTH 64

struct fp {
	struct st_cur *c;
	struct st_filter *f;
	const char *p;
	int depth;
};

void st_filter_clear(struct st_filter *f)
{
	size_t i;

	for (i = 0; i < f->ntoks; i++)
		free(f->toks[i].text);
	free(f->toks);
	f->toks = NULL;
	f->ntoks = 0;
}

/* Append a token; `text` is heap memory the list takes over (freed here on failure). */
static int push_owned(struct fp *fp, enum st_ftok_kind kind, char *text, const char *at)
{
	struct st_ftok *t;

	if (!text)
		return st_oom(fp->c->err);
	t = realloc(fp->f->toks, (fp->f->ntoks + 1) * sizeof(*t));
	if (!t) {
		free(text);
		return st_oom(fp->c->err);
	}
	fp->f->toks = t;
	t[fp->f->ntoks].kind = kind;
	t[fp->f->ntoks].text = text;
	t[fp->f->ntoks].col = st_col(fp->c, at);
	fp->f->ntoks++;
	return 0;
}

static int push(struct fp *fp, enum st_ftok_kind kind, const char *at, size_t len)
{
	return push_owned(fp, kind, st_strndup(at, len), at);
}

static void skip_space(struct fp *fp)
{
	while (st_is_space((unsigned char)*fp->p))
		fp->p++;
}

/* Comparison operators as ftrace spells them; "&&" is not '&'. */
static size_t cmp_len(const char *p)
{
	if ((p[0] == '=' || p[0] == '!' || p[0] == '<' || p[0] == '>') && p[1] == '=')
		return 2;
	if (p[0] == '<' || p[0] == '>' || p[0] == '~')
		return 1;
	if (p[0] == '&' && p[1] != '&')
		return 1;
	return 0;
}

/* Operators people write from other languages; the message names the ftrace spelling. */
static const char *cmp_suggest(const char *p)
{
	if (p[0] == '=' && p[1] == '>')
		return ">=";
	if (p[0] == '=' && p[1] == '<')
		return "<=";
	if (p[0] == '<' && p[1] == '>')
		return "!=";
	if (p[0] == '=')
		return "==";
	return NULL;
}

static bool is_bare_char(int ch)
{
	return ch && !st_is_space(ch) && !strchr("()&|=<>!~\"'", ch);
}

static int lex_string(struct fp *fp)
{
	const char *open = fp->p, *p = open + 1;
	char q = *open, *buf, *o;

	buf = malloc(strlen(p) + 1);
	if (!buf)
		return st_oom(fp->c->err);
	o = buf;
	/* Only \<quote> and \\ are escapes; any other backslash is kept, so patterns such
	 * as "a\*" reach the kernel as written. */
	while (*p && *p != q) {
		if (p[0] == '\\' && (p[1] == q || p[1] == '\\'))
			p++;
		*o++ = *p++;
	}
	if (!*p) {
		free(buf);
		return st_err_set(fp->c->err, st_col(fp->c, open), "unterminated string in filter");
	}
	*o = '\0';
	fp->p = p + 1;
	return push_owned(fp, ST_FT_STRING, buf, open);
}

static bool is_number(const char *p, size_t len)
{
	unsigned long long v;
	size_t n;

	if (*p == '-') {
		p++;
		len--;
	}
	return len && st_scan_uint(p, &v, &n) != 0 && n == len;
}

/* Digits and dots only: it is meant as an address, so a malformed one is an error rather
 * than a string the kernel would reject later with no position. */
static int classify_dotted(struct fp *fp, const char *p, size_t len, bool *is_ip)
{
	size_t i, parts = 0, digits = 0;
	unsigned val = 0;
	char d[DESC];

	*is_ip = false;
	for (i = 0; i < len; i++)
		if (!(p[i] == '.' || (p[i] >= '0' && p[i] <= '9')))
			return 0;
	if (!memchr(p, '.', len))
		return 0;
	for (i = 0; i <= len; i++) {
		if (i == len || p[i] == '.') {
			if (!digits || val > 255)
				break;
			parts++;
			digits = 0;
			val = 0;
			continue;
		}
		if (++digits > 3)
			break;
		val = val * 10 + (unsigned)(p[i] - '0');
	}
	if (i <= len || parts != 4)
		return st_err_at(fp->c, p, "bad IPv4 address %s in filter (expected a.b.c.d, each 0-255)",
				 st_span_desc(p, len, d, sizeof(d)));
	*is_ip = true;
	return 0;
}

static int lex_value(struct fp *fp, const char *op, size_t oplen)
{
	const char *p;
	size_t len = 0;
	bool ip;
	char d[DESC], o[DESC];

	skip_space(fp);
	p = fp->p;
	if (*p == '"' || *p == '\'')
		return lex_string(fp);
	while (is_bare_char((unsigned char)p[len]))
		len++;
	st_span_desc(op, oplen, o, sizeof(o));
	if (!len) {
		if (!*p || *p == ')' || (p[0] == '&' && p[1] == '&') || (p[0] == '|' && p[1] == '|'))
			return st_err_at(fp->c, p, "missing value after %s in filter", o);
		return st_err_at(fp->c, p, "expected a value after %s in filter, got %s", o,
			    st_tok_desc(p, d, sizeof(d)));
	}
	fp->p = p + len;
	if (classify_dotted(fp, p, len, &ip))
		return -1;
	if (ip)
		return push(fp, ST_FT_IPADDR, p, len);
	if (is_number(p, len))
		return push(fp, ST_FT_NUMBER, p, len);
	return push(fp, ST_FT_STRING, p, len);
}

static int parse_compare(struct fp *fp)
{
	const char *name = fp->p, *op;
	size_t n = st_ident_len(name), oplen;
	char d[DESC], v[DESC];
	const char *sugg;

	if (push(fp, ST_FT_IDENT, name, n))
		return -1;
	fp->p += n;
	skip_space(fp);
	op = fp->p;
	oplen = cmp_len(op);
	st_span_desc(name, n, v, sizeof(v));
	if (!oplen) {
		sugg = cmp_suggest(op);
		if (sugg) {
			char s[DESC];

			st_tok_desc(op, d, sizeof(d));
			st_err_set(fp->c->err, st_col(fp->c, op),
				   "unknown operator %s in filter; did you mean '%s'?",
				   st_span_desc(op, (op[1] == '>' || op[1] == '<') ? 2 : 1,
						s, sizeof(s)), sugg);
			return -1;
		}
		if (!*op)
			return st_err_at(fp->c, op, "missing comparison operator after %s in filter", v);
		return st_err_at(fp->c, op, "expected a comparison operator (== != < <= > >= & ~) "
			    "after %s, got %s", v, st_tok_desc(op, d, sizeof(d)));
	}
	if (push(fp, ST_FT_CMP, op, oplen))
		return -1;
	fp->p += oplen;
	return lex_value(fp, op, oplen);
}

static int parse_expr(struct fp *fp, const char *after);

/* `after` names what came before, so a missing condition says where it was expected. */
static int parse_term(struct fp *fp, const char *after)
{
	const char *p, *open;
	char d[DESC];

	skip_space(fp);
	p = fp->p;
	if (!*p || *p == ')' || (p[0] == '&' && p[1] == '&') || (p[0] == '|' && p[1] == '|')) {
		if (!*p && !strcmp(after, "'f:'"))
			return st_err_at(fp->c, p, "empty filter after 'f:'");
		return st_err_at(fp->c, p, "missing condition after %s in filter, got %s", after,
			    st_tok_desc(p, d, sizeof(d)));
	}
	if (fp->depth >= MAX_DEPTH)
		return st_err_at(fp->c, p, "filter nested too deeply at %s",
			    st_tok_desc(p, d, sizeof(d)));
	if (p[0] == '!' && p[1] != '=') {
		if (push(fp, ST_FT_NOT, p, 1))
			return -1;
		fp->p++;
		fp->depth++;
		if (parse_term(fp, "'!'"))
			return -1;
		fp->depth--;
		return 0;
	}
	if (*p == '(') {
		open = p;
		if (push(fp, ST_FT_LPAREN, p, 1))
			return -1;
		fp->p++;
		fp->depth++;
		if (parse_expr(fp, "'('"))
			return -1;
		fp->depth--;
		/* parse_expr only stops at the end of the line or at ')'. */
		if (*fp->p != ')')
			return st_err_at(fp->c, open, "unbalanced '(' in filter: missing ')'");
		if (push(fp, ST_FT_RPAREN, fp->p, 1))
			return -1;
		fp->p++;
		return 0;
	}
	if (st_is_ident_start((unsigned char)*p))
		return parse_compare(fp);
	return st_err_at(fp->c, p, "expected a variable name in filter, got %s",
			 st_tok_desc(p, d, sizeof(d)));
}

static int parse_expr(struct fp *fp, const char *after)
{
	const char *p;
	char d[DESC];

	if (parse_term(fp, after))
		return -1;
	for (;;) {
		skip_space(fp);
		p = fp->p;
		if (!*p || *p == ')')
			return 0;
		if ((p[0] == '&' && p[1] == '&') || (p[0] == '|' && p[1] == '|')) {
			if (push(fp, p[0] == '&' ? ST_FT_AND : ST_FT_OR, p, 2))
				return -1;
			fp->p += 2;
			if (parse_term(fp, p[0] == '&' ? "'&&'" : "'||'"))
				return -1;
			continue;
		}
		if (cmp_len(p) || cmp_suggest(p))
			return st_err_at(fp->c, p, "unexpected %s in filter: a condition is "
				    "'name OP value'", st_tok_desc(p, d, sizeof(d)));
		return st_err_at(fp->c, p, "expected '&&' or '||' before %s in filter",
			 st_tok_desc(p, d, sizeof(d)));
	}
}

int st_parse_filter(struct st_cur *c, struct st_filter *f)
{
	struct fp fp = { .c = c, .f = f, .p = c->p, .depth = 0 };

	if (parse_expr(&fp, "'f:'"))
		return -1;
	if (*fp.p == ')')
		return st_err_at(c, fp.p, "unbalanced ')' in filter");
	c->p = fp.p;
	return 0;
}
