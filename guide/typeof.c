// SPDX-License-Identifier: MIT
/* Walking BTF the way the expression reads: base, then each accessor in turn. */
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "typeof.h"

static bool is_composite(const struct btf_type *t)
{
	return t && (btf_is_struct(t) || btf_is_union(t));
}

/* Member `name` of struct/union sid, looking into anonymous members. */
static int find_member(const struct btf *btf, __u32 sid, const char *name, __u32 *out)
{
	struct st_btf_member m;

	if (!st_btf_find_member(btf, sid, name, &m))
		return -1;
	*out = m.type;
	return 0;
}

/* Step through '->' (or a lenient '.' on a pointer): one pointer level off. */
static int deref(struct g_type *t)
{
	const struct btf_type *bt;
	__u32 id = t->id;

	if (t->nptr > 0) {
		t->nptr--;
		return 0;
	}
	bt = st_btf_bare(t->btf, &id);
	if (!bt || !btf_is_ptr(bt))
		return -1;
	t->id = bt->type;
	return 0;
}

/* The struct/union an accessor of this kind reaches into, or -1. */
static int composite_for(struct g_type *t, char kind, __u32 *sid)
{
	const struct btf_type *bt;
	__u32 id;

	if (kind == '>' && deref(t))
		return -1;
	if (kind == '.' && t->nptr == 0) {
		id = t->id;
		bt = st_btf_bare(t->btf, &id);
		if (bt && btf_is_ptr(bt))   /* '.' on a pointer: the original allowed it */
			t->id = bt->type;
	}
	if (t->nptr)
		return -1;
	id = t->id;
	bt = st_btf_bare(t->btf, &id);
	if (!is_composite(bt))
		return -1;
	*sid = id;
	return 0;
}

static int step(struct g_type *t, const struct g_acc *a)
{
	const struct btf_type *bt;
	__u32 sid, id;

	if (a->kind == '[') {
		if (t->nptr > 0) {
			t->nptr--;
			return 0;
		}
		id = t->id;
		bt = st_btf_bare(t->btf, &id);
		if (bt && btf_is_array(bt)) {
			t->id = btf_array(bt)->type;
			return 0;
		}
		return deref(t);
	}
	if (composite_for(t, a->kind, &sid) || find_member(t->btf, sid, a->member, &t->id))
		return -1;
	return 0;
}

static int param_type(const struct btf *btf, __u32 proto, const struct g_ctx *c, __u32 *out)
{
	const struct btf_type *fp = btf__type_by_id(btf, proto);
	const struct btf_param *p;
	int i;

	if (!fp || !btf_is_func_proto(fp))
		return -1;
	if (c->base == GB_RETVAL) {
		*out = fp->type;
		return 0;
	}
	p = btf_params(fp);
	for (i = 0; i < btf_vlen(fp); i++) {
		if ((c->base == GB_ARGN && i == c->num) ||
		    (c->base == GB_ARGNAME &&
		     !strcmp(btf__name_by_offset(btf, p[i].name_off), c->name))) {
			*out = p[i].type;
			return 0;
		}
	}
	return -1;
}

static int base_type(struct g_src *s, const struct g_ctx *c, struct g_type *out)
{
	struct st_types *types = g_src_types_for(s, c);
	struct st_tref ref;
	struct st_err err;

	if (!types)
		return -1;
	if (c->cast[0]) {
		if (st_types_parse(types, c->cast, &ref, &out->nptr, &err))
			return -1;
		out->btf = ref.btf;
		out->id = ref.id;
		return 0;
	}
	switch (c->base) {
	case GB_ARGN:
	case GB_ARGNAME:
	case GB_RETVAL:
		if (g_src_proto(s, c, &ref))
			return -1;
		out->btf = ref.btf;
		return param_type(ref.btf, ref.id, c, &out->id);
	case GB_SYMBOL:
		if (st_types_var(types, c->name, &ref))
			return -1;
		out->btf = ref.btf;
		out->id = ref.id;
		return 0;
	default:
		return -1;
	}
}

int g_value_type(struct g_src *s, const struct g_ctx *c, struct g_type *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	if (base_type(s, c, out))
		return -1;
	for (i = 0; i < c->nacc; i++)
		if (step(out, &c->acc[i]))
			return -1;
	return 0;
}

/* Worth going on with -> or . after it: no space appended. A struct of at most 8 bytes
 * (atomic_t) is read as an integer, so it ends the value like a scalar does. */
static bool leads_on(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = st_btf_bare(btf, &id);

	if (t && btf_is_ptr(t)) {
		id = t->type;
		return is_composite(st_btf_bare(btf, &id));
	}
	return is_composite(t) && t->size > 8;
}

struct add_ctx {
	struct g_src *s;
	const struct btf *btf;
	const char *prefix;
	size_t plen;
	struct g_cands *out;
};

/* One member (anonymous struct/union members come in their place) as a candidate, with
 * its declaration (and :BITS for a bitfield) as the note. */
static int add_one(const struct st_btf_member *m, void *arg)
{
	struct add_ctx *a = arg;
	char note[256];

	if (strncmp(m->name, a->prefix, a->plen))
		return 0;
	g_src_decl(a->s, a->btf, m->type, m->name, note, sizeof(note));
	if (m->bit_size) {
		size_t l = strlen(note);

		snprintf(note + l, sizeof(note) - l, ":%d", m->bit_size);
	}
	return g_cands_add(a->out, m->name, note, leads_on(a->btf, m->type)) ? -1 : 0;
}

int g_add_members(struct g_src *s, const struct g_type *t, char kind, const char *prefix,
		  struct g_cands *out)
{
	struct add_ctx a = { s, NULL, prefix, strlen(prefix), out };
	struct g_type cur = *t;
	__u32 sid;

	if (composite_for(&cur, kind, &sid))
		return -1;
	a.btf = cur.btf;
	return st_btf_members(cur.btf, sid, add_one, &a) < 0 ? -1 : 0;
}
