// SPDX-License-Identifier: MIT
/* The candidate list: a growable array, sorted and made unique before readline sees it. */
#include <stdlib.h>
#include <string.h>
#include "complete.h"

void g_cands_clear(struct g_cands *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].text);
		free(c->v[i].note);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

int g_cands_add(struct g_cands *c, const char *text, const char *note, bool noappend)
{
	struct g_cand *nv;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;

		nv = realloc(c->v, cap * sizeof(*nv));
		if (!nv)
			return -1;
		c->v = nv;
		c->cap = cap;
	}
	c->v[c->n].text = strdup(text);
	c->v[c->n].note = note ? strdup(note) : NULL;
	c->v[c->n].noappend = noappend;
	if (!c->v[c->n].text)
		return -1;
	c->n++;
	return 0;
}

static int cmp_cand(const void *a, const void *b)
{
	return strcmp(((const struct g_cand *)a)->text, ((const struct g_cand *)b)->text);
}

/* Sort and drop duplicates (the first note wins). */
void g_cands_sort(struct g_cands *c)
{
	size_t i, o = 0;

	if (!c->n)
		return;
	qsort(c->v, c->n, sizeof(c->v[0]), cmp_cand);
	for (i = 1; i < c->n; i++) {
		if (!strcmp(c->v[i].text, c->v[o].text)) {
			free(c->v[i].text);
			free(c->v[i].note);
			continue;
		}
		c->v[++o] = c->v[i];
	}
	c->n = o + 1;
}
