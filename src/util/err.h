/* SPDX-License-Identifier: MIT */
/* One error value shared by the pure stages: a message and the 1-based column of the
 * offending token in the expression (0 when it is not tied to a position). */
#ifndef ST_UTIL_ERR_H
#define ST_UTIL_ERR_H
#include <stdbool.h>
#include <stddef.h>

struct st_err {
	int col;          /* 1-based column in the expression text, 0 = none */
	char msg[512];    /* one line, no trailing newline */
	bool env;         /* the system lacks something (the kernel's types...), not the
	                     expression's fault: front ends exit 1 instead of 2 */
};

/* Set the error (printf-style); returns -1 so callers can `return st_err_set(...)`. */
int st_err_set(struct st_err *err, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Quote len bytes at p for a message: "'text'", bytes outside printable ASCII as \xNN,
 * "..." when truncated to fit buf (n >= 16). Returns buf. */
const char *st_span_desc(const char *p, size_t len, char *buf, size_t n);

/* Nearest candidate to `word` by edit distance, or NULL when nothing is close enough.
 * `cands` is an array of n strings (NULL entries skipped). */
const char *st_suggest(const char *word, const char *const *cands, size_t n);

/* The (up to max, at most ST_SUGGEST_MAX) nearest distinct candidates, nearest first, into
 * out; returns how many. */
#define ST_SUGGEST_MAX 8
size_t st_suggest_n(const char *word, const char *const *cands, size_t n, const char **out,
		    size_t max);

/* Up to three nearest as text for "did you mean X?": "'comm'", "'a' or 'b'",
 * "'a', 'b' or 'c'", each prefixed with quote ("$" for argument names). NULL if none. */
const char *st_suggest_list(const char *word, const char *const *cands, size_t n,
			    const char *quote, char *buf, size_t len);

#endif
