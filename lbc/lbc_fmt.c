// SPDX-License-Identifier: MIT
/* Decoding bytes by their BTF type: the reason lbc.h records every map's types. Text form
 * is `name=value ...` (char arrays as quoted strings, nested structs in braces); JSON form
 * is one object. Integer fields that hold stack ids are followed by their symbolized frames. */
#include "lbc_int.h"
#include "types/btf_walk.h"
#include "util/json.h"
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>

#define MAX_DEPTH 8

int lbc_read_int(const struct btf *btf, uint32_t type_id, const void *data, uint32_t bit_off,
		 uint32_t bitsz, uint64_t *val, bool *is_signed)
{
	const struct btf_type *t = st_btf_bare(btf, &type_id);
	uint32_t size;
	uint64_t v = 0;
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
	if (bitsz) {
		/* Bitfield: load the bytes that cover it (little-endian), then shift. */
		const uint8_t *p = (const uint8_t *)data + bit_off / 8;
		uint32_t shift = bit_off % 8, nbytes = (shift + bitsz + 7) / 8, i;
		unsigned __int128 acc = 0;

		for (i = 0; i < nbytes && i < 16; i++)
			acc |= (unsigned __int128)p[i] << (8 * i);
		v = (uint64_t)(acc >> shift);
		if (bitsz < 64)
			v &= (1ULL << bitsz) - 1;
		if (sgn && bitsz < 64 && (v >> (bitsz - 1)) & 1)
			v |= ~0ULL << bitsz;
	} else {
		memcpy(&v, (const uint8_t *)data + bit_off / 8, size);
		if (sgn && size < 8 && (v >> (size * 8 - 1)) & 1)
			v |= ~0ULL << (size * 8);
	}
	*val = v;
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

/* The one walk of a value by its BTF type, for lbc_decode (bindings) and the printer
 * below. lenient (the printer): a type it cannot show, or nesting deeper than MAX_DEPTH,
 * is reported as VAL_UNKNOWN and the walk goes on; else (lbc_decode) it ends the walk
 * with -EINVAL. */
#define VAL_UNKNOWN ((enum lbc_val_kind)(LBC_VAL_END + 1))

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
	struct lbc_val v = { .name = m->name, .type_id = m->type };
	bool sgn;

	if (!m->bit_size)
		return decode(ms->btf, m->type, (const uint8_t *)ms->data + m->bit_off / 8, m->name,
			      ms->cb, ms->ctx, ms->depth + 1, ms->lenient);
	if (lbc_read_int(ms->btf, m->type, ms->data, m->bit_off, (uint32_t)m->bit_size, &v.u,
			 &sgn))
		return 0;
	v.kind = sgn ? LBC_VAL_INT : LBC_VAL_UINT;
	v.i = (int64_t)v.u;
	return ms->cb(ms->ctx, &v);
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
	struct lbc_val v = { .name = name, .type_id = tid, .data = data };
	int64_t sz = btf__resolve_size(btf, tid);
	bool sgn;
	int err;

	if (!t || depth > MAX_DEPTH) {
		v.kind = VAL_UNKNOWN;
		return lenient ? cb(ctx, &v) : -EINVAL;
	}
	v.size = sz > 0 ? (size_t)sz : 0;
	if (btf_is_int(t) && (btf_int_encoding(t) & BTF_INT_BOOL)) {
		v.kind = LBC_VAL_BOOL;
		v.u = *(const uint8_t *)data != 0;
	} else if (btf_is_enum(t) || btf_is_enum64(t)) {
		lbc_read_int(btf, tid, data, 0, 0, &v.u, &sgn);
		v.kind = LBC_VAL_ENUM;
		v.i = (int64_t)v.u;
		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);
			int i;

			for (i = 0; i < btf_vlen(t) && !v.str; i++)
				if ((uint32_t)e[i].val == (uint32_t)v.u)
					v.str = btf__name_by_offset(btf, e[i].name_off);
		}
	} else if (btf_is_ptr(t)) {
		v.kind = LBC_VAL_PTR;
		memcpy(&v.u, data, 8);
	} else if (!lbc_read_int(btf, tid, data, 0, 0, &v.u, &sgn)) {
		v.kind = sgn ? LBC_VAL_INT : LBC_VAL_UINT;
		v.i = (int64_t)v.u;
		v.stack = name && lbc_is_stack_field(name, &v.ustack);
	} else if (btf_is_int(t)) {           /* __int128 and wider: raw bytes */
		v.kind = LBC_VAL_BYTES;
		v.str = data;
		v.len = t->size;
	} else if (is_char_array(btf, t)) {
		v.kind = LBC_VAL_STR;
		v.str = data;
		v.len = strnlen(data, btf_array(t)->nelems);
	} else if (btf_is_array(t)) {
		const struct btf_array *a = btf_array(t);
		int64_t esz = btf__resolve_size(btf, a->type);
		uint32_t i;

		v.kind = LBC_VAL_ARRAY;
		v.len = esz > 0 ? a->nelems : 0;
		if ((err = cb(ctx, &v)))
			return err;
		for (i = 0; i < v.len; i++)
			if ((err = decode(btf, a->type, (const uint8_t *)data + i * esz, NULL, cb,
					  ctx, depth + 1, lenient)))
				return err;
		v.kind = LBC_VAL_END;
	} else if (btf_is_composite(t)) {
		v.kind = LBC_VAL_STRUCT;
		if ((err = cb(ctx, &v)) ||
		    (err = decode_members(btf, tid, data, cb, ctx, depth, lenient)))
			return err;
		v.kind = LBC_VAL_END;
	} else {
		v.kind = VAL_UNKNOWN;
		if (!lenient)
			return -EINVAL;
	}
	return cb(ctx, &v);
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

/* The printer: lbc_decode's walk (lenient), each value written as it comes. Text is
 * `name=value ...` with nested structs in braces and arrays in brackets; JSON the same
 * as objects and arrays. */
#define MAX_OPEN (MAX_DEPTH + 4)

struct pr {
	const struct btf *btf;
	FILE *f;
	bool json;
	bool bare;              /* the top struct prints its members only (lbc_fmt_fields) */
	int open;               /* containers open */
	bool first[MAX_OPEN];   /* nothing printed in container i yet */
	bool array[MAX_OPEN];
};

/* char arrays: JSON through the project's writer; text C-escaped, valid UTF-8 kept. */
static void put_str(FILE *f, const char *s, size_t max, bool json)
{
	size_t i, len;

	if (json) {
		st_json_strn(f, s, max);
		return;
	}
	fputc('"', f);
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c >= 0x80 && (len = st_utf8_len((const unsigned char *)s + i, max - i)) > 1) {
			fwrite(s + i, 1, len, f);
			i += len - 1;
		} else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static int print_val(void *ctx, const struct lbc_val *v)
{
	struct pr *p = ctx;
	FILE *f = p->f;
	uint64_t u;
	bool sgn;

	if (v->kind == LBC_VAL_END) {
		p->open--;
		if (p->open || !p->bare)
			fputc(p->array[p->open] ? ']' : '}', f);
		return 0;
	}
	if (p->open) {                      /* a member or an element: separator, name */
		int c = p->open - 1;

		if (!p->first[c])
			fputc(p->json ? ',' : ' ', f);
		p->first[c] = false;
		if (!p->array[c] && v->name)
			fprintf(f, p->json ? "\"%s\":" : "%s=", v->name);
	}
	switch ((int)v->kind) {
	case LBC_VAL_STRUCT:
	case LBC_VAL_ARRAY:
		if (p->open == MAX_OPEN)
			return -E2BIG;
		if (p->open || !p->bare)
			fputc(v->kind == LBC_VAL_ARRAY ? '[' : '{', f);
		p->first[p->open] = true;
		p->array[p->open++] = v->kind == LBC_VAL_ARRAY;
		break;
	case LBC_VAL_BOOL:
		fputs(v->u ? "true" : "false", f);
		break;
	case LBC_VAL_ENUM:
		if (v->str) {
			fprintf(f, p->json ? "\"%s\"" : "%s", v->str);
			break;
		}
		lbc_read_int(p->btf, v->type_id, v->data, 0, 0, &u, &sgn);
		fprintf(f, sgn ? "%lld" : "%llu", (long long)u);
		break;
	case LBC_VAL_PTR:
		fprintf(f, p->json ? "\"0x%llx\"" : "0x%llx", (unsigned long long)v->u);
		break;
	case LBC_VAL_INT:
		fprintf(f, "%lld", (long long)v->i);
		break;
	case LBC_VAL_UINT:
		fprintf(f, "%llu", (unsigned long long)v->u);
		break;
	case LBC_VAL_BYTES: {                /* __int128 and wider: hex, most significant first */
		size_t i;

		fputs(p->json ? "\"0x" : "0x", f);
		for (i = v->len; i-- > 0;)
			fprintf(f, "%02x", ((const uint8_t *)v->str)[i]);
		if (p->json)
			fputc('"', f);
		break;
	}
	case LBC_VAL_STR:
		put_str(f, v->str, v->len, p->json);
		break;
	default:                             /* VAL_UNKNOWN */
		fputs(p->json ? "null" : "?", f);
		break;
	}
	return 0;
}

static void print_value(struct lbc *l, FILE *f, uint32_t type_id, const void *data, bool json,
			bool bare)
{
	struct pr p = { .btf = lbc_btf(l), .f = f, .json = json, .bare = bare };

	decode(p.btf, type_id, data, NULL, print_val, &p, 0, true);
}

void lbc_fmt_value(struct lbc *l, FILE *f, uint32_t type_id, const void *data, bool json,
		   int pid)
{
	(void)pid;
	print_value(l, f, type_id, data, json, false);
}

/* Top level of a record: a struct prints as its members, anything else as value=... */
void lbc_fmt_fields(struct lbc *l, FILE *f, uint32_t type_id, const void *data, bool json,
		    int pid)
{
	const struct btf_type *t = st_btf_bare(lbc_btf(l), &type_id);

	(void)pid;
	if (json)
		fputc('{', f);
	if (t && btf_is_composite(t)) {
		print_value(l, f, type_id, data, json, true);
	} else {
		fputs(json ? "\"value\":" : "value=", f);
		print_value(l, f, type_id, data, json, false);
	}
	if (json)
		fputc('}', f);
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
static int record_pid(struct lbc *l, uint32_t tid, const void *data)
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

/* Stack-id members of a top-level struct, with frames (callback per field). */
static void stack_fields(struct lbc *l, FILE *f, uint32_t tid, const void *data, bool json)
{
	const struct btf *btf = lbc_btf(l);
	const struct btf_type *t = st_btf_bare(btf, &tid);
	const struct btf_member *m;
	int i, pid;

	if (!t || !btf_is_composite(t))
		return;
	pid = record_pid(l, tid, data);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++) {
		const char *n = btf__name_by_offset(btf, m[i].name_off);
		uint64_t v;
		bool user, sgn;

		if (!lbc_is_stack_field(n, &user) ||
		    lbc_read_int(btf, m[i].type, data, btf_member_bit_offset(t, i),
				 btf_member_bitfield_size(t, i), &v, &sgn))
			continue;
		if (json)
			fprintf(f, ",\"%s_frames\":", n);
		lbc_print_stack(l, f, (int64_t)(sgn ? (int64_t)v : (int64_t)(int32_t)v), user,
				pid, json);
	}
}

void lbc_print_event(struct lbc *l, const struct lbc_event *ev, FILE *f, bool json)
{
	int64_t rsz = ev->type_id ? btf__resolve_size(lbc_btf(l), ev->type_id) : -1;

	if (!ev->type_id || rsz < 0 || (size_t)rsz > ev->size) {
		/* No type hint (or a short record): say so instead of guessing. */
		size_t i;

		if (json)
			fprintf(f, "{\"v\":%d,\"map\":\"%s\",\"size\":%zu,\"hex\":\"", ST_JSON_V,
				ev->map, ev->size);
		else
			fprintf(f, "%s: size=%zu hex=", ev->map, ev->size);
		for (i = 0; i < ev->size && i < 256; i++)
			fprintf(f, "%02x", ((const uint8_t *)ev->data)[i]);
		fputs(json ? "\"}\n" : "\n", f);
		return;
	}
	if (json) {
		fprintf(f, "{\"v\":%d,\"map\":\"%s\",\"cpu\":%d,\"event\":", ST_JSON_V, ev->map,
			ev->cpu);
		lbc_fmt_fields(l, f, ev->type_id, ev->data, true, -1);
		stack_fields(l, f, ev->type_id, ev->data, true);
		fputs("}\n", f);
	} else {
		lbc_fmt_fields(l, f, ev->type_id, ev->data, false, -1);
		fputc('\n', f);
		stack_fields(l, f, ev->type_id, ev->data, false);
	}
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
	pid = user ? record_pid(l, ev->type_id, ev->data) : -1;
	n = lbc_stack_ips(l, NULL, sgn ? (int64_t)v : (int64_t)(int32_t)v, ips,
			  PERF_MAX_STACK_DEPTH_);
	for (i = 0; i < n; i++)
		cb(ctx, user ? lbc_sym_user(l, pid, ips[i], sym, sizeof(sym))
			     : lbc_sym_kernel(l, ips[i], sym, sizeof(sym)));
	return n;
}
