// SPDX-License-Identifier: MIT
/* Printing values by their BTF type (events, map keys and values): text is `name=value ...`
 * (char arrays as quoted strings, nested structs in braces, arrays in brackets), JSON one
 * object. Integer fields that hold stack ids are followed by their symbolized frames. */
#include "lbc_int.h"
#include "types/btf_walk.h"   /* st_btf_bare */
#include "util/json.h"
#include "util/numfmt.h"
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The printer. Text is `name=value ...` with nested structs in braces and arrays in
 * brackets; JSON the same as objects and arrays. A record is made in fm's line and reaches
 * the stream with one write.
 *
 * The first record of a type (per mode: text or JSON, fields or value) goes through the
 * walk with a recorder: the printer writes the constant text (separators, names, braces,
 * what it cannot show) as usual, and for each value notes where it is and how it prints
 * (a plan). Later records of the type print from the plan: no BTF, no names, no walk, the
 * values read at their offsets and written by the same writers. Nothing in the walk's
 * path depends on the bytes but the values themselves (enum names and string lengths are
 * looked up per record), so the two give the same bytes: tests/lbc/print_types.sh
 * compares them over every type of its program and of the kernel. */
#define MAX_OPEN (LBC_WALK_MAX_DEPTH + 4)
#define PLAN_MAX_OPS 65536     /* a bigger type prints through the walk */
#define PLAN_MAX_TEXT (1u << 24)

/* Room for n more bytes at the end of fm's line (grown as needed), or NULL out of memory
 * (the rest of the record is then dropped). */
static char *room(struct lbc_fmt *fm, size_t n)
{
	size_t cap = fm->cap ? fm->cap : 256;
	char *p;

	if (fm->buf && n <= fm->cap - fm->len)
		return fm->buf + fm->len;
	if (fm->len > SIZE_MAX / 2)
		return NULL;
	while (cap - fm->len < n) {
		if (cap > SIZE_MAX / 2)
			return NULL;
		cap *= 2;
	}
	p = realloc(fm->buf, cap);
	if (!p) {
		fm->nomem = true;
		return NULL;
	}
	fm->buf = p;
	fm->cap = cap;
	return p + fm->len;
}

static void put(struct lbc_fmt *fm, const char *s, size_t n)
{
	char *p = room(fm, n);

	if (p) {
		memcpy(p, s, n);
		fm->len += n;
	}
}

static void puts_(struct lbc_fmt *fm, const char *s)
{
	put(fm, s, strlen(s));
}

/* The value writers, one per kind, shared by the walk and the plan: each writes at p
 * (which has room for what the *_MAX below says) and returns the end. */
#define NUM_MAX 24                          /* "-9223372036854775808", "\"0x...\"" */
#define STR_MAX(n, json) ((json) ? 6 * (n) + 2 : 4 * (n) + 2)
#define BYTES_MAX(n) (2 * (n) + 4)

static char *w_num(char *p, uint64_t u, bool sgn)
{
	return sgn ? st_fmt_i(p, (long long)u) : st_fmt_u(p, u, 0, ' ', false);
}

static char *w_ptr(char *p, uint64_t u, bool json)
{
	if (!json)
		return st_fmt_hex(p, u);
	*p++ = '"';
	p = st_fmt_hex(p, u);
	*p++ = '"';
	return p;
}

static char *w_bool(char *p, bool b)
{
	memcpy(p, b ? "true" : "false", b ? 4 : 5);
	return p + (b ? 4 : 5);
}

static char *w_enum(char *p, const char *name, uint64_t u, bool sgn, bool json)
{
	size_t n;

	if (!name)
		return w_num(p, u, sgn);
	n = strlen(name);
	if (json)
		*p++ = '"';
	memcpy(p, name, n);
	p += n;
	if (json)
		*p++ = '"';
	return p;
}

/* __int128 and wider: hex, most significant byte first. */
static char *w_bytes(char *p, const uint8_t *b, size_t len, bool json)
{
	static const char hex[] = "0123456789abcdef";

	if (json)
		*p++ = '"';
	*p++ = '0';
	*p++ = 'x';
	while (len-- > 0) {
		*p++ = hex[b[len] >> 4];
		*p++ = hex[b[len] & 15];
	}
	if (json)
		*p++ = '"';
	return p;
}

static void put_cursor(void *ctx, const char *s, size_t n)
{
	char **p = ctx;

	memcpy(*p, s, n);
	*p += n;
}

/* char arrays (up to max bytes or the NUL): JSON through the project's writer; text
 * C-escaped, valid UTF-8 kept. */
static char *w_str(char *p, const char *s, size_t max, bool json)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, len;

	if (json) {
		st_json_escape(put_cursor, &p, s, max);
		return p;
	}
	*p++ = '"';
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c == '\n') {
			*p++ = '\\';
			*p++ = 'n';
		} else if (c == '\t') {
			*p++ = '\\';
			*p++ = 't';
		} else if (c >= 0x80 && (len = st_utf8_len((const unsigned char *)s + i, max - i)) > 1) {
			memcpy(p, s + i, len);
			p += len;
			i += len - 1;
		} else if (c < 0x20 || c >= 0x7f) {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		} else {
			*p++ = (char)c;
		}
	}
	*p++ = '"';
	return p;
}

/* A plan: the constant text of a type's output and, between its pieces, the values. */
enum op_kind { OP_NUM, OP_BITS, OP_BOOL, OP_ENUM, OP_PTR, OP_BYTES, OP_STR };

struct op {
	uint32_t text;           /* end of the text before this value (in plan->text) */
	uint32_t off;            /* byte offset in the record; OP_BITS: bit offset */
	uint32_t arg;            /* OP_BITS: bits; OP_BYTES, OP_STR: bytes; OP_ENUM: type */
	uint8_t kind, size;      /* OP_NUM, OP_ENUM: bytes of the number */
	bool sgn;
};

struct lbc_plan {
	uint32_t type_id;
	int mode;                /* LBC_FMT_JSON | LBC_FMT_FIELDS */
	int64_t size;            /* btf__resolve_size: a shorter record prints as hex */
	bool stacks;             /* a top-level member holds a stack id (stack_fields) */
	bool tried, ok;          /* recorded (ok: print from it; else through the walk) */
	struct op *ops;
	uint32_t nops, text_len;
	char *text;
	size_t max;              /* the most bytes one record prints */
};

struct rec {                 /* recording a plan */
	const struct btf *btf;
	const uint8_t *base;     /* the record walked */
	size_t mark;             /* where the plan's text starts in fm's line */
	struct op *ops;
	uint32_t nops, cap;
	size_t max;
	bool fail;
};

struct pr {
	const struct btf *btf;
	struct lbc_fmt *fm;
	struct rec *rec;        /* recording a plan: values are noted, not written */
	bool json;
	bool bare;              /* the top struct prints its members only (fields mode) */
	int open;               /* containers open */
	bool first[MAX_OPEN];   /* nothing printed in container i yet */
	bool array[MAX_OPEN];
};

/* The recorder: where value v is in the record and how it prints. */
static int rec_value(struct pr *p, const struct lbc_val *v)
{
	const struct lbc_val_at *va = (const struct lbc_val_at *)((const char *)v -
							  offsetof(struct lbc_val_at, v));
	struct rec *r = p->rec;
	struct op o = { .text = (uint32_t)(p->fm->len - r->mark) };
	const struct btf_type *t;
	size_t max = NUM_MAX;

	if (r->nops == PLAN_MAX_OPS || p->fm->len - r->mark > PLAN_MAX_TEXT)
		return r->fail = true, -E2BIG;
	if (va->bit_size) {
		o.kind = OP_BITS;
		o.off = (uint32_t)(((const uint8_t *)va->base - r->base) * 8 + va->bit_off);
		o.arg = va->bit_size;
	} else {
		o.off = (uint32_t)((const uint8_t *)v->data - r->base);
	}
	o.sgn = v->kind == LBC_VAL_INT;
	switch ((int)v->kind) {
	case LBC_VAL_INT:
	case LBC_VAL_UINT:
		if (!va->bit_size) {
			o.kind = OP_NUM;
			o.size = (uint8_t)v->size;
			if (!v->size || v->size > 8)
				return r->fail = true, -EINVAL;
		}
		break;
	case LBC_VAL_BOOL:
		o.kind = OP_BOOL;
		break;
	case LBC_VAL_ENUM: {
		uint32_t tid = v->type_id;
		int i;

		t = st_btf_bare(r->btf, &tid);
		if (!t || !t->size || t->size > 8)
			return r->fail = true, -EINVAL;
		o.kind = OP_ENUM;
		o.arg = tid;
		o.size = (uint8_t)t->size;
		o.sgn = btf_kflag(t);
		if (btf_is_enum(t))
			for (i = 0; i < btf_vlen(t); i++) {
				size_t n = strlen(btf__name_by_offset(r->btf, btf_enum(t)[i].name_off));

				if (n + 2 > max)
					max = n + 2;
			}
		break;
	}
	case LBC_VAL_PTR:
		o.kind = OP_PTR;
		break;
	case LBC_VAL_BYTES:
		o.kind = OP_BYTES;
		o.arg = (uint32_t)v->len;
		max = BYTES_MAX(v->len);
		break;
	case LBC_VAL_STR:
		o.kind = OP_STR;
		o.arg = (uint32_t)v->size;
		max = STR_MAX(v->size, p->json);
		break;
	default:
		return r->fail = true, -EINVAL;
	}
	if (r->nops == r->cap) {
		uint32_t cap = r->cap ? 2 * r->cap : 16;
		struct op *n = realloc(r->ops, cap * sizeof(*n));

		if (!n)
			return r->fail = true, -ENOMEM;
		r->ops = n;
		r->cap = cap;
	}
	r->ops[r->nops++] = o;
	r->max += max;
	return 0;
}

static int print_val(void *ctx, const struct lbc_val *v)
{
	struct pr *p = ctx;
	struct lbc_fmt *fm = p->fm;
	size_t max = NUM_MAX;
	char *w;

	if (v->kind == LBC_VAL_END) {
		p->open--;
		if (p->open || !p->bare)
			put(fm, p->array[p->open] ? "]" : "}", 1);
		return 0;
	}
	if (p->open) {                      /* a member or an element: separator, name */
		int c = p->open - 1;

		if (!p->first[c])
			put(fm, p->json ? "," : " ", 1);
		p->first[c] = false;
		if (!p->array[c] && v->name) {
			if (p->json)
				put(fm, "\"", 1);
			puts_(fm, v->name);
			put(fm, p->json ? "\":" : "=", p->json ? 2 : 1);
		}
	}
	switch ((int)v->kind) {
	case LBC_VAL_STRUCT:
	case LBC_VAL_ARRAY:
		if (p->open == MAX_OPEN)
			return -E2BIG;
		if (p->open || !p->bare)
			put(fm, v->kind == LBC_VAL_ARRAY ? "[" : "{", 1);
		p->first[p->open] = true;
		p->array[p->open++] = v->kind == LBC_VAL_ARRAY;
		return 0;
	case LBC_VAL_BOOL:
	case LBC_VAL_ENUM:
	case LBC_VAL_PTR:
	case LBC_VAL_INT:
	case LBC_VAL_UINT:
	case LBC_VAL_BYTES:
	case LBC_VAL_STR:
		break;
	default:                             /* LBC_VAL_UNKNOWN */
		puts_(fm, p->json ? "null" : "?");
		return 0;
	}
	if (p->rec)
		return rec_value(p, v);
	if (v->kind == LBC_VAL_ENUM && v->str)
		max = strlen(v->str) + 2;
	else if (v->kind == LBC_VAL_BYTES)
		max = BYTES_MAX(v->len);
	else if (v->kind == LBC_VAL_STR)
		max = STR_MAX(v->len, p->json);
	if (!(w = room(fm, max)))
		return 0;
	switch ((int)v->kind) {
	case LBC_VAL_BOOL:
		w = w_bool(w, v->u);
		break;
	case LBC_VAL_ENUM:
		w = w_enum(w, v->str, v->u, btf_kflag(btf__type_by_id(p->btf, v->type_id)), p->json);
		break;
	case LBC_VAL_PTR:
		w = w_ptr(w, v->u, p->json);
		break;
	case LBC_VAL_INT:
	case LBC_VAL_UINT:
		w = w_num(w, v->u, v->kind == LBC_VAL_INT);
		break;
	case LBC_VAL_BYTES:
		w = w_bytes(w, (const uint8_t *)v->str, v->len, p->json);
		break;
	default:
		w = w_str(w, v->str, v->len, p->json);
		break;
	}
	fm->len = (size_t)(w - fm->buf);
	return 0;
}

/* The walk's printing of one value (recording its plan when rec): fields mode prints a
 * top-level struct as its members, anything else as value=...; JSON in braces. */
static int walk_print(struct lbc_fmt *fm, const struct btf *btf, uint32_t tid, const void *data,
		      int mode, struct rec *rec)
{
	bool json = mode & LBC_FMT_JSON;
	struct pr p = { .btf = btf, .fm = fm, .rec = rec, .json = json };
	uint32_t bare = tid;
	const struct btf_type *t = st_btf_bare(btf, &bare);
	int err;

	if (!(mode & LBC_FMT_FIELDS))
		return lbc_walk(btf, tid, data, print_val, &p, true);
	if (json)
		put(fm, "{", 1);
	if (t && btf_is_composite(t)) {
		p.bare = true;
	} else {
		puts_(fm, json ? "\"value\":" : "value=");
	}
	err = lbc_walk(btf, tid, data, print_val, &p, true);
	if (json)
		put(fm, "}", 1);
	return err;
}

/* Records the plan of pl's type from the walk over data (a record of the type). */
static void plan_record(struct lbc_fmt *fm, const struct btf *btf, struct lbc_plan *pl,
			const void *data)
{
	struct rec r = { .btf = btf, .base = data, .mark = fm->len };

	pl->tried = true;
	fm->nomem = false;
	if (walk_print(fm, btf, pl->type_id, data, pl->mode, &r) || r.fail || fm->nomem ||
	    fm->len - r.mark > PLAN_MAX_TEXT || !(pl->text = malloc(fm->len - r.mark + 1))) {
		free(r.ops);
		fm->len = r.mark;
		return;
	}
	pl->text_len = (uint32_t)(fm->len - r.mark);
	if (pl->text_len)
		memcpy(pl->text, fm->buf + r.mark, pl->text_len);
	pl->ops = r.ops;
	pl->nops = r.nops;
	pl->max = pl->text_len + r.max;
	pl->ok = true;
	fm->len = r.mark;
}

/* n bytes to p, returns the end: most pieces of a plan's text are a few bytes, where a
 * call to memcpy costs more than the copy. */
static inline char *copy(char *p, const char *s, size_t n)
{
	if (n > 8) {
		memcpy(p, s, n);
		return p + n;
	}
	while (n--)
		*p++ = *s++;
	return p;
}

/* One record by pl: the text between the values copied, each value read at its place. */
static void plan_print(struct lbc_fmt *fm, const struct btf *btf, const struct lbc_plan *pl,
		       const uint8_t *data)
{
	char *p = room(fm, pl->max);
	const char *text = pl->text;
	bool json = pl->mode & LBC_FMT_JSON;
	uint32_t at = 0, i;

	if (!p)
		return;
	for (i = 0; i < pl->nops; i++) {
		const struct op *o = &pl->ops[i];
		uint64_t u;

		p = copy(p, text + at, o->text - at);
		at = o->text;
		switch (o->kind) {
		case OP_NUM:
			p = w_num(p, lbc_read_num(data + o->off, o->size, o->sgn), o->sgn);
			break;
		case OP_BITS:
			p = w_num(p, lbc_read_bits(data, o->off, o->arg, o->sgn), o->sgn);
			break;
		case OP_BOOL:
			p = w_bool(p, data[o->off] != 0);
			break;
		case OP_ENUM:
			u = lbc_read_num(data + o->off, o->size, o->sgn);
			p = w_enum(p, lbc_enum_name(btf, btf__type_by_id(btf, o->arg), u), u, o->sgn,
				   json);
			break;
		case OP_PTR:
			memcpy(&u, data + o->off, 8);
			p = w_ptr(p, u, json);
			break;
		case OP_BYTES:
			p = w_bytes(p, data + o->off, o->arg, json);
			break;
		default:
			p = w_str(p, (const char *)data + o->off, o->arg, json);
			break;
		}
	}
	p = copy(p, text + at, pl->text_len - at);
	fm->len = (size_t)(p - fm->buf);
}

static void plan_free(struct lbc_plan *pl)
{
	if (pl) {
		free(pl->ops);
		free(pl->text);
		free(pl);
	}
}

void lbc_fmt_free(struct lbc_fmt *fm)
{
	int i;

	for (i = 0; i < fm->nplans; i++)
		plan_free(fm->plans[i]);
	free(fm->plans);
	free(fm->buf);
	memset(fm, 0, sizeof(*fm));
}

/* Whether a top-level member of tid holds a stack id (what stack_fields prints). */
static bool has_stack_fields(const struct btf *btf, uint32_t tid)
{
	const struct btf_type *t = st_btf_bare(btf, &tid);
	const struct btf_member *m;
	bool user;
	int i;

	if (!t || !btf_is_composite(t))
		return false;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++)
		if (lbc_is_stack_field(btf__name_by_offset(btf, m[i].name_off), &user))
			return true;
	return false;
}

/* The plan of (tid, mode), made (not yet recorded) on first use; NULL out of memory. */
static struct lbc_plan *plan_make(struct lbc_fmt *fm, const struct btf *btf, uint32_t tid,
				  int mode)
{
	struct lbc_plan *pl, **v;
	int i;

	mode &= LBC_FMT_JSON | LBC_FMT_FIELDS;
	if (fm->btf != btf) {     /* another object: its type ids mean other types */
		for (i = 0; i < fm->nplans; i++)
			plan_free(fm->plans[i]);
		fm->nplans = 0;
		fm->btf = btf;
		fm->last = NULL;
	}
	if (fm->last && fm->last->type_id == tid && fm->last->mode == mode)
		return fm->last;
	for (i = 0; i < fm->nplans; i++)
		if (fm->plans[i]->type_id == tid && fm->plans[i]->mode == mode)
			return fm->last = fm->plans[i];
	v = realloc(fm->plans, sizeof(*v) * (size_t)(fm->nplans + 1));
	if (!v)
		return NULL;
	fm->plans = v;
	if (!(pl = calloc(1, sizeof(*pl))))
		return NULL;
	pl->type_id = tid;
	pl->mode = mode;
	pl->size = btf__resolve_size(btf, tid);
	pl->stacks = has_stack_fields(btf, tid);
	fm->plans[fm->nplans++] = pl;
	return fm->last = pl;
}

/* The same: the last one used without a call, the others through plan_make. */
static inline struct lbc_plan *plan_get(struct lbc_fmt *fm, const struct btf *btf,
					uint32_t tid, int mode)
{
	struct lbc_plan *pl = fm->last;

	mode &= LBC_FMT_JSON | LBC_FMT_FIELDS;
	if (pl && pl->type_id == tid && pl->mode == mode && fm->btf == btf)
		return pl;
	return plan_make(fm, btf, tid, mode);
}

/* data by its plan pl (recorded now if it has not been), else through the walk. */
static int print_by(struct lbc_fmt *fm, const struct btf *btf, struct lbc_plan *pl,
		    uint32_t tid, const void *data, int mode)
{
	if (pl && !pl->tried)
		plan_record(fm, btf, pl, data);
	if (pl && pl->ok) {
		plan_print(fm, btf, pl, data);
		return 0;
	}
	if (mode & LBC_FMT_PLAN)
		return -EOPNOTSUPP;
	return walk_print(fm, btf, tid, data, mode, NULL);
}

int lbc_fmt_append(struct lbc_fmt *fm, const struct btf *btf, uint32_t tid, const void *data,
		   int mode)
{
	if (mode & LBC_FMT_WALK)
		return walk_print(fm, btf, tid, data, mode, NULL);
	return print_by(fm, btf, plan_get(fm, btf, tid, mode), tid, data, mode);
}

/* fm's line to f, emptied. */
static void line_out(struct lbc_fmt *fm, FILE *f)
{
	if (fm->len)
		fwrite(fm->buf, 1, fm->len, f);
	fm->len = 0;
}

void lbc_fmt_value(struct lbc *l, FILE *f, uint32_t type_id, const void *data, bool json,
		   int pid)
{
	(void)pid;
	l->fmt.len = 0;
	lbc_fmt_append(&l->fmt, lbc_btf(l), type_id, data, json ? LBC_FMT_JSON : 0);
	line_out(&l->fmt, f);
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
	pid = lbc_record_pid(l, tid, data);
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
	const struct btf *btf = lbc_btf(l);
	struct lbc_fmt *fm = &l->fmt;
	int mode = LBC_FMT_FIELDS | (json ? LBC_FMT_JSON : 0);
	struct lbc_plan *pl = ev->type_id ? plan_get(fm, btf, ev->type_id, mode) : NULL;
	int64_t rsz = pl ? pl->size : ev->type_id ? btf__resolve_size(btf, ev->type_id) : -1;
	bool stacks = pl ? pl->stacks : ev->type_id && has_stack_fields(btf, ev->type_id);
	char *p;

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
	fm->len = 0;
	if (json) {
		puts_(fm, "{\"v\":");
		if ((p = room(fm, NUM_MAX)))
			fm->len = (size_t)(w_num(p, ST_JSON_V, false) - fm->buf);
		puts_(fm, ",\"map\":\"");
		puts_(fm, ev->map);
		puts_(fm, "\",\"cpu\":");
		if ((p = room(fm, NUM_MAX)))
			fm->len = (size_t)(w_num(p, (uint64_t)(int64_t)ev->cpu, true) - fm->buf);
		puts_(fm, ",\"event\":");
	}
	print_by(fm, btf, pl, ev->type_id, ev->data, mode);
	if (!json)
		put(fm, "\n", 1);
	if (stacks) {
		line_out(fm, f);
		stack_fields(l, f, ev->type_id, ev->data, json);
	}
	if (json)
		put(fm, "}\n", 2);
	line_out(fm, f);
}
