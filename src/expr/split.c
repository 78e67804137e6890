// SPDX-License-Identifier: MIT
/* st_split_lines: the text of an expression file (-f) -> one string per expression.
 * '#' starts a comment, except inside a quoted filter string ("a#b" is data). */
#include "expr/expr.h"
#include "expr/parse_priv.h"
#include <stdlib.h>
#include <string.h>

/* End of the code part of the line [p, e): the first '#' outside quotes. Quotes do not
 * carry over to the next line, so one unbalanced quote cannot swallow the file. */
static const char *code_end(const char *p, const char *e)
{
	char quote = 0;

	for (; p < e; p++) {
		if (quote) {
			if (*p == '\\' && p + 1 < e)
				p++;
			else if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '#') {
			break;
		}
	}
	return p;
}

static void free_lines(char **v, size_t n)
{
	while (n--)
		free(v[n]);
	free(v);
}

int st_split_lines(const char *text, char ***lines)
{
	return st_split_lines_pos(text, lines, NULL);
}

int st_split_lines_pos(const char *text, char ***lines, struct st_line_pos **pos)
{
	char **v = NULL, **nv;
	struct st_line_pos *ps = NULL, *np;
	size_t n = 0;
	int lineno = 0;
	const char *p = text ? text : "";

	*lines = NULL;
	if (pos)
		*pos = NULL;
	for (;;) {
		const char *nl = strchr(p, '\n');
		const char *e = nl ? nl : p + strlen(p);
		const char *s = p;

		lineno++;
		e = code_end(s, e);
		while (s < e && st_is_space((unsigned char)*s))
			s++;
		while (e > s && st_is_space((unsigned char)e[-1]))
			e--;
		if (e > s) {
			/* One spare slot keeps the array NULL-terminated for callers that walk it. */
			nv = realloc(v, (n + 2) * sizeof(*v));
			if (!nv)
				goto fail;
			v = nv;
			if (pos) {
				np = realloc(ps, (n + 1) * sizeof(*ps));
				if (!np)
					goto fail;
				ps = np;
				ps[n].line = lineno;
				ps[n].col = (int)(s - p);
			}
			v[n] = st_strndup(s, (size_t)(e - s));
			if (!v[n])
				goto fail;
			v[++n] = NULL;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (!v) {
		v = calloc(1, sizeof(*v));
		if (!v)
			return -1;
	}
	*lines = v;
	if (pos)
		*pos = ps;
	return (int)n;
fail:
	free_lines(v, n);
	free(ps);
	return -1;
}
