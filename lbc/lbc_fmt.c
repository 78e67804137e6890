// SPDX-License-Identifier: MIT
/* Decoding bytes by their BTF type: the reason lbc.h records every map's types. One walk
 * (decode) serves lbc_decode (the bindings) and the printer (lbc_print.c); the field
 * accessors of events (lbc_field_u64, lbc_field_str, lbc_event_stack) are here too. */
#include "lbc_int.h"
#include "types/btf_walk.h"
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>

int lbc_read_int(const struct btf *btf, uint32_t type_id, const void *data, uint32_t bit_off,
		 uint32_t bitsz, uint64_t *val, bool *is_signed)
{
	const struct btf_type *t = st_btf_bare(btf, &type_id);
	uint32_t size;
	bool sgn = false;

	if (!t)
		return -EINVAL;
	if (btf_is_int(t)) {
		size = t->size;
		sgn = btf_int_encoding(t) & BTF_INT_SIGNED;
	} else if (btf_is_enum(t) || btf_is_enum64(t)) {
		size = t->size;
		sgn = btf_kflag(t);
	} else if (btf_is_ptr(t)) {
		size = 8;
	} else {
		return -EINVAL;
	}
	if (size > 8)
		return -EINVAL;
	if (bitsz)   /* a bitfield: the bytes that cover it, shifted */
		*val = lbc_read_bits(data, bit_off, bitsz, sgn);
	else
		*val = lbc_read_num((const uint8_t *)data + bit_off / 8, size, sgn);
	if (is_signed)
		*is_signed = sgn;
	return 0;
}

int lbc_find_member(const struct btf *btf, uint32_t type_id, const char *path,
		    uint32_t *off_bits, uint32_t *mtype, uint32_t *bitsz)
{
	struct st_btf_member m;
	char name[256];
	size_t len = strcspn(path, ".");
	uint32_t sub = 0;

	if (len >= sizeof(name))
		return -ENOENT;
	memcpy(name, path, len);
	name[len] = '\0';
	if (!st_btf_find_member(btf, type_id, name, &m))
		return -ENOENT;
	if (path[len] == '.') {
		if (lbc_find_member(btf, m.type, path + len + 1, &sub, mtype, bitsz))
			return -ENOENT;
		*off_bits = m.bit_off + sub;
		return 0;
	}
	*off_bits = m.bit_off;
	*mtype = m.type;
	*bitsz = (uint32_t)m.bit_size;
	return 0;
}

static bool is_char_array(const struct btf *btf, const struct btf_type *t)
{
	uint32_t et;
	const struct btf_type *e;

	if (!btf_is_array(t))
		return false;
	et = btf_array(t)->type;
	e = st_btf_bare(btf, &et);
	return e && btf_is_int(e) && e->size == 1;
}

/* The name of enum t's first enumerator of value u (32-bit enums; NULL if none). */
const char *lbc_enum_name(const struct btf *btf, const struct btf_type *t, uint64_t u)
{
	const struct btf_enum *e;
	int i;

	if (!btf_is_enum(t))
		return NULL;
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t); i++)
		if ((uint32_t)e[i].val == (uint32_t)u)
			return btf__name_by_offset(btf, e[i].name_off);
	return NULL;
}

/* The one walk of a value by its BTF type, for lbc_decode (bindings) and the printer
 * below. lenient (the printer): a type it cannot show, or nesting deeper than LBC_WALK_MAX_DEPTH,
 * is reported as LBC_VAL_UNKNOWN and the walk goes on; else (lbc_decode) it ends the walk
 * with -EINVAL. */

static int decode(const struct btf *btf, uint32_t tid, const void *data, const char *name,
		  lbc_val_cb cb, void *ctx, int depth, bool lenient);

struct members {
	const struct btf *btf;
	const void *data;
	lbc_val_cb cb;
	void *ctx;
	int depth;
	bool lenient;
};

/* One named member (anonymous struct/union members come in their place, btf_walk.h). */
static int decode_member(const struct st_btf_member *m, void *arg)
{
	const struct members *ms = arg;
	struct lbc_val_at va = { .v = { .name = m->name, .type_id = m->type }, .base = ms->data,
			     .bit_off = m->bit_off, .bit_size = (uint32_t)m->bit_size };
	bool sgn;

	if (!m->bit_size)
		return decode(ms->btf, m->type, (const uint8_t *)ms->data + m->bit_off / 8, m->name,
			      ms->cb, ms->ctx, ms->depth + 1, ms->lenient);
	if (lbc_read_int(ms->btf, m->type, ms->data, m->bit_off, (uint32_t)m->bit_size,
			 &va.v.u, &sgn))
		return 0;
	va.v.kind = sgn ? LBC_VAL_INT : LBC_VAL_UINT;
	va.v.i = (int64_t)va.v.u;
	return ms->cb(ms->ctx, &va.v);
}

static int decode_members(const struct btf *btf, uint32_t tid, const void *data,
			  lbc_val_cb cb, void *ctx, int depth, bool lenient)
{
	struct members ms = { btf, data, cb, ctx, depth, lenient };

	return st_btf_members(btf, tid, decode_member, &ms);
}

static int decode(const struct btf *btf, uint32_t tid, const void *data, const char *name,
		  lbc_val_cb cb, void *ctx, int depth, bool lenient)
{
	const struct btf_type *t = st_btf_bare(btf, &tid);
	struct lbc_val_at va = { .v = { .name = name, .type_id = tid, .data = data } };
	struct lbc_val *v = &va.v;
	int64_t sz = btf__resolve_size(btf, tid);
	bool sgn;
	int err;

	if (!t || depth > LBC_WALK_MAX_DEPTH) {
		v->kind = LBC_VAL_UNKNOWN;
		return lenient ? cb(ctx, v) : -EINVAL;
	}
	v->size = sz > 0 ? (size_t)sz : 0;
	if (btf_is_int(t) && (btf_int_encoding(t) & BTF_INT_BOOL)) {
		v->kind = LBC_VAL_BOOL;
		v->u = *(const uint8_t *)data != 0;
	} else if (btf_is_enum(t) || btf_is_enum64(t)) {
		lbc_read_int(btf, tid, data, 0, 0, &v->u, &sgn);
		v->kind = LBC_VAL_ENUM;
		v->i = (int64_t)v->u;
		v->str = lbc_enum_name(btf, t, v->u);
	} else if (btf_is_ptr(t)) {
		v->kind = LBC_VAL_PTR;
		memcpy(&v->u, data, 8);
	} else if (!lbc_read_int(btf, tid, data, 0, 0, &v->u, &sgn)) {
		v->kind = sgn ? LBC_VAL_INT : LBC_VAL_UINT;
		v->i = (int64_t)v->u;
		v->stack = name && lbc_is_stack_field(name, &v->ustack);
	} else if (btf_is_int(t)) {           /* __int128 and wider: raw bytes */
		v->kind = LBC_VAL_BYTES;
		v->str = data;
		v->len = t->size;
	} else if (is_char_array(btf, t)) {
		v->kind = LBC_VAL_STR;
		v->str = data;
		v->len = strnlen(data, btf_array(t)->nelems);
	} else if (btf_is_array(t)) {
		const struct btf_array *a = btf_array(t);
		int64_t esz = btf__resolve_size(btf, a->type);
		uint32_t i;

		v->kind = LBC_VAL_ARRAY;
		v->len = esz > 0 ? a->nelems : 0;
		if ((err = cb(ctx, v)))
			return err;
		for (i = 0; i < v->len; i++)
			if ((err = decode(btf, a->type, (const uint8_t *)data + i * esz, NULL, cb,
					  ctx, depth + 1, lenient)))
				return err;
		v->kind = LBC_VAL_END;
	} else if (btf_is_composite(t)) {
		v->kind = LBC_VAL_STRUCT;
		if ((err = cb(ctx, v)) ||
		    (err = decode_members(btf, tid, data, cb, ctx, depth, lenient)))
			return err;
		v->kind = LBC_VAL_END;
	} else {
		v->kind = LBC_VAL_UNKNOWN;
		if (!lenient)
			return -EINVAL;
	}
	return cb(ctx, v);
}

int lbc_walk(const struct btf *btf, uint32_t tid, const void *data, lbc_val_cb cb, void *ctx,
	     bool lenient)
{
	return decode(btf, tid, data, NULL, cb, ctx, 0, lenient);
}

int lbc_decode(const struct lbc *l, uint32_t type_id, const void *data, size_t size,
	       lbc_val_cb cb, void *ctx)
{
	const struct btf *btf = lbc_btf(l);
	int64_t need = btf && type_id ? btf__resolve_size(btf, type_id) : -1;

	if (need < 0 || (size_t)need > size) {
		/* no type, or a record shorter than its type: the bytes as they are */
		struct lbc_val v = { .kind = LBC_VAL_BYTES, .str = data, .len = size,
				     .data = data, .size = size };

		return cb(ctx, &v);
	}
	return decode(btf, type_id, data, NULL, cb, ctx, 0, false);
}

bool lbc_is_stack_field(const char *name, bool *user)
{
	char low[64];
	size_t i;

	for (i = 0; name[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[i] = 0;
	if (!strstr(low, "stack"))
		return false;
	*user = low[0] == 'u' || strstr(low, "user") != NULL;
	return true;
}

/* The record's process for user stacks: the first integer member named pid or tgid,
 * else one ending in "pid". */
int lbc_record_pid(struct lbc *l, uint32_t tid, const void *data)
{
	static const char *const names[] = { "pid", "tgid", "c_pid", "ppid" };
	uint32_t off, mt, bsz;
	uint64_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!lbc_find_member(lbc_btf(l), tid, names[i], &off, &mt, &bsz) &&
		    !lbc_read_int(lbc_btf(l), mt, data, off, bsz, &v, NULL))
			return (int)v;
	return -1;
}

static int event_member(const struct lbc *l, const struct lbc_event *ev, const char *field,
			uint32_t *off, uint32_t *mt, uint32_t *bsz)
{
	const struct btf *btf = lbc_btf(l);
	int64_t rsz;

	if (!ev->type_id || !btf)
		return -ENOENT;
	rsz = btf__resolve_size(btf, ev->type_id);
	if (rsz < 0 || (size_t)rsz > ev->size)
		return -EINVAL;
	return lbc_find_member(btf, ev->type_id, field, off, mt, bsz);
}

int lbc_field_u64(const struct lbc *l, const struct lbc_event *ev, const char *field,
		  uint64_t *val)
{
	uint32_t off, mt, bsz;
	int err = event_member(l, ev, field, &off, &mt, &bsz);

	return err ? err : lbc_read_int(lbc_btf(l), mt, ev->data, off, bsz, val, NULL);
}

int lbc_field_str(const struct lbc *l, const struct lbc_event *ev, const char *field,
		  char *buf, size_t n)
{
	const struct btf *btf = lbc_btf(l);
	const struct btf_type *t;
	uint32_t off, mt, bsz, len;
	int err = event_member(l, ev, field, &off, &mt, &bsz);

	if (err)
		return err;
	t = st_btf_bare(btf, &mt);
	if (!t || !is_char_array(btf, t) || !n)
		return -EINVAL;
	len = btf_array(t)->nelems;
	if (len >= n)
		len = (uint32_t)n - 1;
	memcpy(buf, (const uint8_t *)ev->data + off / 8, len);
	buf[len] = 0;
	return 0;
}

int lbc_event_stack(struct lbc *l, const struct lbc_event *ev, const char *field,
		    void (*cb)(void *ctx, const char *frame), void *ctx)
{
	uint64_t ips[PERF_MAX_STACK_DEPTH_], v;
	uint32_t off, mt, bsz;
	char sym[512];
	bool user, sgn;
	int n, i, pid, err = event_member(l, ev, field, &off, &mt, &bsz);

	if (err)
		return err;
	if (!lbc_is_stack_field(field, &user) ||
	    lbc_read_int(lbc_btf(l), mt, ev->data, off, bsz, &v, &sgn))
		return -EINVAL;
	pid = user ? lbc_record_pid(l, ev->type_id, ev->data) : -1;
	n = lbc_stack_ips(l, NULL, sgn ? (int64_t)v : (int64_t)(int32_t)v, ips,
			  PERF_MAX_STACK_DEPTH_);
	for (i = 0; i < n; i++)
		cb(ctx, user ? lbc_sym_user(l, pid, ips[i], sym, sizeof(sym))
			     : lbc_sym_kernel(l, ips[i], sym, sizeof(sym)));
	return n;
}
