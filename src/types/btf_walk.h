/* SPDX-License-Identifier: MIT */
/* Walking BTF: the one place that skips modifiers and looks through anonymous members,
 * for the translator, the layout printer, the guide and lbc (which links this file on its
 * own: libbpf only, no other part of src/types). */
#ifndef ST_TYPES_BTF_WALK_H
#define ST_TYPES_BTF_WALK_H
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct btf;
struct btf_type;

/* typedef, const, volatile, restrict and type_tag skipped (libbpf's btf__resolve_type):
 * the underlying type id; 0 for void, an unknown id or a chain too long. */
__u32 st_btf_skip_mods(const struct btf *btf, __u32 id);
/* The same as a type, *id set to its id; NULL where st_btf_skip_mods gives 0. */
const struct btf_type *st_btf_bare(const struct btf *btf, __u32 *id);

/* A named member of a struct or union, found through anonymous struct/union members. */
struct st_btf_member {
	const char *name;
	__u32 type;          /* as declared: modifiers not skipped */
	__u32 bit_off;       /* from the start of the outer struct (anonymous ones added) */
	int bit_size;        /* 0 = not a bitfield; also the old style (an INT narrower than
				its size, in DWARF-converted BTF), bit_off then includes its
				offset */
};
typedef int (*st_btf_member_fn)(const struct st_btf_member *m, void *ctx);
/* cb for every named member of struct/union id in declaration order, an anonymous
 * struct/union's members in its place. A non-zero return from cb stops the walk and is
 * returned; 0 when all were seen (or id is not a struct/union after modifiers). */
int st_btf_members(const struct btf *btf, __u32 id, st_btf_member_fn cb, void *ctx);
/* The names st_btf_members visits, at most cap of them into names[]; their number. */
size_t st_btf_member_names(const struct btf *btf, __u32 id, const char **names, size_t cap);
/* The first member called name: true and *out. */
bool st_btf_find_member(const struct btf *btf, __u32 id, const char *name,
			struct st_btf_member *out);

#endif
