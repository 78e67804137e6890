// SPDX-License-Identifier: MIT
/* Walking BTF: modifiers and members (btf_walk.h). */
#include "types/btf_walk.h"
#include <string.h>
#include <bpf/btf.h>

__u32 st_btf_skip_mods(const struct btf *btf, __u32 id)
{
	int r = id ? btf__resolve_type(btf, id) : 0;

	return r < 0 ? 0 : (__u32)r;
}

const struct btf_type *st_btf_bare(const struct btf *btf, __u32 *id)
{
	*id = st_btf_skip_mods(btf, *id);
	return *id ? btf__type_by_id(btf, *id) : NULL;
}

static int walk(const struct btf *btf, __u32 id, __u32 base_bits, st_btf_member_fn cb,
		void *ctx, int depth)
{
	const struct btf_type *t = st_btf_bare(btf, &id);
	const struct btf_member *m;
	int i, rc;

	if (!t || !btf_is_composite(t) || depth > 32)
		return 0;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++) {
		const char *name = btf__name_by_offset(btf, m[i].name_off);
		struct st_btf_member out = {
			.name = name, .type = m[i].type,
			.bit_off = base_bits + btf_member_bit_offset(t, i),
			.bit_size = (int)btf_member_bitfield_size(t, i),
		};

		if (!name || !*name) {          /* anonymous: its members are the parent's */
			rc = walk(btf, m[i].type, out.bit_off, cb, ctx, depth + 1);
		} else {
			if (!out.bit_size) {
				__u32 iid = m[i].type;
				const struct btf_type *it = st_btf_bare(btf, &iid);

				/* old-style bitfield: an INT whose bit count is below its size */
				if (it && btf_is_int(it) &&
				    btf_int_bits(it) != it->size * 8) {
					out.bit_size = btf_int_bits(it);
					out.bit_off += btf_int_offset(it);
				}
			}
			rc = cb(&out, ctx);
		}
		if (rc)
			return rc;
	}
	return 0;
}

int st_btf_members(const struct btf *btf, __u32 id, st_btf_member_fn cb, void *ctx)
{
	return walk(btf, id, 0, cb, ctx, 0);
}

struct names {
	const char **v;
	size_t n, cap;
};

static int add_name(const struct st_btf_member *m, void *ctx)
{
	struct names *ns = ctx;

	ns->v[ns->n++] = m->name;
	return ns->n == ns->cap;
}

size_t st_btf_member_names(const struct btf *btf, __u32 id, const char **names, size_t cap)
{
	struct names ns = { names, 0, cap };

	if (cap)
		st_btf_members(btf, id, add_name, &ns);
	return ns.n;
}

struct find {
	const char *name;
	struct st_btf_member *out;
};

static int match(const struct st_btf_member *m, void *ctx)
{
	struct find *f = ctx;

	if (strcmp(m->name, f->name))
		return 0;
	*f->out = *m;
	return 1;
}

bool st_btf_find_member(const struct btf *btf, __u32 id, const char *name,
			struct st_btf_member *out)
{
	struct find f = { name, out };

	return st_btf_members(btf, id, match, &f) == 1;
}
