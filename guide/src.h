/* SPDX-License-Identifier: MIT */
/* What completion looks things up in: kernel BTF, the traceable function list, a user
 * binary's types, tracefs. Each is loaded the first time it is needed, so starting the
 * guide and typing an `e` line costs no BTF parse. */
#ifndef ST_GUIDE_SRC_H
#define ST_GUIDE_SRC_H
#include <limits.h>
#include <stddef.h>
#include "complete.h"
#include "types/ksyms.h"
#include "types/types.h"

struct st_declfmt;

struct g_src {
	struct g_src_opts o;
	struct st_types *kt;
	struct st_ksyms *ks;
	bool kt_tried, ks_tried, tf_tried;
	bool kt_shared, ks_shared;     /* borrowed from the translator: not ours to free */
	char upath[PATH_MAX];          /* binary whose types ut holds */
	char uname[PATH_MAX];          /* ... as the user wrote it */
	struct st_types *ut;
	char tracefs[128];
	struct st_declfmt *decl;       /* C declarations in notes (src/discover/declfmt.h) */
	const struct btf *decl_btf;
};

struct st_types *g_src_ktypes(struct g_src *s);
struct st_ksyms *g_src_ksyms(struct g_src *s);
/* Types of a user binary (from its DWARF); NULL when it has none. */
struct st_types *g_src_utypes(struct g_src *s, const char *binary);
/* Types for the line's target: kernel for p/r/e, the binary's for P/R. */
struct st_types *g_src_types_for(struct g_src *s, const struct g_ctx *c);
/* tracefs mount point, or NULL when not readable. */
const char *g_src_tracefs(struct g_src *s);
/* "const char *name" for a member/argument `name` of type id; name may be NULL. */
const char *g_src_decl(struct g_src *s, const struct btf *btf, __u32 id, const char *name,
		       char *buf, size_t n);
/* The FUNC_PROTO of the line's function (p/r: kernel, P/R: binary). 0 or -1. */
int g_src_proto(struct g_src *s, const struct g_ctx *c, struct st_tref *proto);

#endif
