/* SPDX-License-Identifier: MIT */
/* surfguide: the interactive guide (docs/GUIDE.md). Shared by `surfguide` and
 * `surftrace -i`; the parts below are one file each. */
#ifndef ST_GUIDE_GUIDE_H
#define ST_GUIDE_GUIDE_H
#include <stdbool.h>
#include <stddef.h>

struct g_opts {
	const char *btf;        /* --btf FILE, NULL: running kernel */
	const char *arch;       /* -a ARCH, NULL: host */
	const char *vmlinux;    /* --vmlinux FILE: DWARF for arguments at FUNC+off, or NULL */
	const char *surftrace;  /* the binary that runs expressions */
	const char *load;       /* a .surf file to load at start, or NULL */
	char **exprs;           /* expressions to start with (surftrace -i EXPR...) */
	int nexprs;
};

/* The read-eval loop. Returns the exit status. */
int g_main(const struct g_opts *o);

/* Translation of one line for display (xlate.c). */
struct g_xlate;
struct g_xlate *g_xlate_new(const char *btf, const char *arch, const char *vmlinux);
void g_xlate_free(struct g_xlate *x);
/* The translator, made on first use; NULL when it cannot be made. */
struct st_translator *g_xlate_translator(struct g_xlate *x);
/* 0: *text is the probe line(s) ("\n" between definition and "filter: ..."),
 * -1: *text is the error message and *col its 1-based column (0: none).
 * *text stays valid until the next call. */
int g_xlate_line(struct g_xlate *x, const char *line, const char **text, int *col);

/* The expression list and .surf files (list.c). */
struct g_list {
	char **v;
	int n;
};
int g_list_add(struct g_list *l, const char *expr);
int g_list_del(struct g_list *l, int i);
void g_list_clear(struct g_list *l);
/* One expression per line after a '#' header comment. 0 or -1 (errno set). */
int g_list_save(const struct g_list *l, const char *path);
/* Replace the list with the file's expressions ('#' comments and blank lines dropped).
 * Returns the count or -1 (errno set). */
int g_list_load(struct g_list *l, const char *path);

/* Run expressions with the surftrace binary, live, until it ends or Ctrl-C (run.c).
 * Returns its exit status, or -1 when it could not be started. */
int g_run(const struct g_opts *o, char *const *exprs, int n);

#endif
