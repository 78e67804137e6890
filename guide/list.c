// SPDX-License-Identifier: MIT
/* The session's expression list and .surf files (plain text, one expression a line, so
 * `surftrace -f FILE` runs the same file). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guide.h"
#include "expr/expr.h"
#include "util/file.h"

int g_list_add(struct g_list *l, const char *expr)
{
	char **nv = realloc(l->v, (size_t)(l->n + 1) * sizeof(*nv));

	if (!nv)
		return -1;
	l->v = nv;
	l->v[l->n] = strdup(expr);
	if (!l->v[l->n])
		return -1;
	l->n++;
	return 0;
}

int g_list_del(struct g_list *l, int i)
{
	if (i < 0 || i >= l->n)
		return -1;
	free(l->v[i]);
	memmove(&l->v[i], &l->v[i + 1], (size_t)(l->n - i - 1) * sizeof(l->v[0]));
	l->n--;
	return 0;
}

void g_list_clear(struct g_list *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int g_list_save(const struct g_list *l, const char *path)
{
	FILE *f = fopen(path, "w");
	int i, bad;

	if (!f)
		return -1;
	fprintf(f, "# surfguide expressions: run with surftrace -f %s\n", path);
	for (i = 0; i < l->n; i++)
		fprintf(f, "%s\n", l->v[i]);
	bad = ferror(f);
	if (fclose(f) || bad) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* The parser's splitter knows that '#' inside a quoted filter string is no comment. */
int g_list_load(struct g_list *l, const char *path)
{
	char *text = st_slurp(path);
	char **lines = NULL;
	int i, n;

	if (!text)
		return -1;
	n = st_split_lines(text, &lines);
	free(text);
	if (n < 0) {
		errno = ENOMEM;
		return -1;
	}
	g_list_clear(l);
	for (i = 0; i < n; i++) {
		g_list_add(l, lines[i]);
		free(lines[i]);
	}
	free(lines);
	return n;
}
