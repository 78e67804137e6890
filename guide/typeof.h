/* SPDX-License-Identifier: MIT */
/* The C type of a partly typed value (cast, base, ->/./[] chain), for member completion. */
#ifndef ST_GUIDE_TYPEOF_H
#define ST_GUIDE_TYPEOF_H
#include <linux/types.h>
#include "src.h"

/* A BTF type plus pointer levels a cast added on top ("struct file *" where the BTF may
 * hold no such pointer type). */
struct g_type {
	const struct btf *btf;
	__u32 id;
	int nptr;
};

/* Type of the value described by c (its cast/base and c->acc[0..nacc)). 0 or -1. */
int g_value_type(struct g_src *s, const struct g_ctx *c, struct g_type *out);

/* Add the members reachable from t with accessor kind ('>' or '.') whose names start with
 * prefix; members of anonymous structs/unions count as direct members, as in C. */
int g_add_members(struct g_src *s, const struct g_type *t, char kind, const char *prefix,
		  struct g_cands *out);

#endif
