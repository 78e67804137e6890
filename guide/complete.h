/* SPDX-License-Identifier: MIT */
/* Tab completion for expression lines: candidates for the word at the cursor, each with a
 * note (its C type, module, ...). No readline here, so it can be unit tested. */
#ifndef ST_GUIDE_COMPLETE_H
#define ST_GUIDE_COMPLETE_H
#include <stdbool.h>
#include <stddef.h>
#include "ctx.h"

struct g_cand {
	char *text;       /* replaces line[start..cursor) */
	char *note;       /* shown next to it in the list; may be NULL */
	bool noappend;    /* no space after it: the user goes on typing (-> . = /) */
};

struct g_cands {
	struct g_cand *v;
	size_t n, cap;
	bool files;       /* the word is a file name: let the line editor complete it */
};

void g_cands_clear(struct g_cands *c);
int g_cands_add(struct g_cands *c, const char *text, const char *note, bool noappend);
void g_cands_sort(struct g_cands *c);

struct g_xlate;

/* Where candidates come from. Everything is loaded on first use and kept. */
struct g_src;
struct g_src_opts {
	const char *btf_path;    /* NULL: running kernel */
	const char *ksyms_path;  /* NULL: running kernel; a file for tests */
	const char *tracefs;     /* NULL: find it */
	const char *arch;        /* register names: NULL = host */
	struct g_xlate *xlate;   /* share its translator's types and symbols, or NULL */
};
struct g_src *g_src_new(const struct g_src_opts *o);
void g_src_free(struct g_src *s);

/* Candidates for line[0..point) into out (cleared first), sorted, unique.
 * *start is where the completed word begins. Returns the number of candidates. */
size_t g_complete(struct g_src *s, const char *line, int point, struct g_cands *out,
		  int *start);

#endif
