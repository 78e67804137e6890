/* SPDX-License-Identifier: MIT */
/* Private to src/expr: the cursor shared by the line, expression and filter parsers, and
 * the small character/number helpers they have in common. Not for other stages. */
#ifndef ST_EXPR_PARSE_PRIV_H
#define ST_EXPR_PARSE_PRIV_H
#include <stdbool.h>
#include <stddef.h>
#include "expr/ast.h"
#include "util/err.h"

/* Position in the line being parsed. `text` stays the start of the whole line so every
 * error column is relative to what the user typed. */
struct st_cur {
	const char *text;
	const char *p;
	struct st_err *err;
};

static inline int st_col(const struct st_cur *c, const char *at)
{
	return (int)(at - c->text) + 1;
}

bool st_is_space(int ch);
bool st_is_ident_start(int ch);
bool st_is_ident_char(int ch);
/* Length of the C identifier at p, 0 when p does not start one. */
size_t st_ident_len(const char *p);

/* Quote the token at p for a message: "'comm'", "'->'", "end of line". buf >= 48. */
const char *st_tok_desc(const char *p, char *buf, size_t n);
/* The same for an exact span: st_span_desc() in util/err.h. */

/* Unsigned decimal or 0x hex at p (a leading 0 is still decimal: offsets are written the
 * way objdump/gdb print them). Returns 1 and sets *v and *len, 0 when p holds no number,
 * -1 on overflow (then *len covers the digits). */
int st_scan_uint(const char *p, unsigned long long *v, size_t *len);

/* st_err_set() with the column of `at`; returns -1. */
int st_err_at(struct st_cur *c, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

char *st_strndup(const char *p, size_t n);
int st_oom(struct st_err *err);

/* expr.c: one argument value (cast, base, accessors) starting at c->p; stops at
 * whitespace or end of line. */
int st_parse_expr(struct st_cur *c, struct st_expr *e);
void st_expr_clear(struct st_expr *e);

/* parse_filter.c: everything from c->p (just after "f:") to the end of the line. */
int st_parse_filter(struct st_cur *c, struct st_filter *f);
void st_filter_clear(struct st_filter *f);

#endif
