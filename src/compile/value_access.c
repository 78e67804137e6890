// SPDX-License-Identifier: MIT
/* One ->m / .m / [i] step on a value: members (with the skb xdata pseudo-members after a
 * packet header) and indexes into arrays and through pointers. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "compile/arch.h"
#include "compile/compile.h"
#include "compile/value.h"
#include "compile/value_int.h"
#include "types/types.h"

static bool val_is_pointer(const struct st_val *v)
{
	const struct btf_type *t;

	if (v->nptr)
		return true;
	t = st_val_resolved(v, NULL);
	return t && btf_is_ptr(t);
}

/* Pointee type of a pointer value. */
static void pointee(const struct st_val *v, const struct btf **btf, __u32 *id, int *nptr)
{
	*btf = v->btf;
	if (v->nptr) {
		*id = v->id;
		*nptr = v->nptr - 1;
		return;
	}
	*id = st_val_resolved(v, NULL)->type;
	*nptr = 0;
}

/* base + index * esz, refused when it leaves the 32-bit offset a kernel fetch can hold
 * (struct fetch_insn's offset is an int) or overflows on the way there. */
static int index_offset(const struct st_access *a, long esz, long base, long *out,
			struct st_err *err)
{
	long prod, sum;

	if (__builtin_mul_overflow(a->index, esz, &prod) || __builtin_add_overflow(base, prod, &sum) ||
	    sum > INT32_MAX || sum < INT32_MIN)
		return st_err_set(err, a->name_col, "index %ld is too large: a fetch offset must fit "
				  "in 32 bits", a->index);
	*out = sum;
	return 0;
}

static int deref_into(struct st_val *v, long extra, struct st_err *err, int col)
{
	char addr[768];
	long add;
	const struct btf *btf;
	__u32 id;
	int nptr;

	if (v->loc == ST_LOC_REGS && (v->off % 8 || v->off / 8 >= v->nregs))
		return st_err_set(err, col, "this pointer is not a whole register of the struct "
				  "held in %s", v->regs[0]);
	st_val_pointer_value(v, addr, sizeof(addr), &add);
	if (strlen(addr) > 600)
		return st_err_set(err, col, "expression nests too deeply for a kernel fetch argument");
	pointee(v, &btf, &id, &nptr);
	st_val_set_text(v->fetch, sizeof(v->fetch), addr);
	v->loc = ST_LOC_MEM;
	v->off = add + extra;
	v->ptr_add = 0;
	v->btf = btf;
	v->id = id;
	v->nptr = nptr;
	return 0;
}

static int no_member(const struct btf *btf, __u32 sid, const char *name, int col,
		     struct st_err *err)
{
	const char *names[512];
	size_t n = st_btf_member_names(btf, sid, names, 512);
	const char *s;
	char tn[200], near[200];

	s = st_suggest_list(name, names, n, "", near, sizeof(near));
	st_type_name(btf, sid, tn, sizeof(tn));
	if (s)
		return st_err_set(err, col, "'%s' has no member '%s'; did you mean %s?", tn, name, s);
	return st_err_set(err, col, "'%s' has no member '%s'%s%s%s", tn, name,
			  n ? " (members: " : "", n ? names[0] : "",
			  n ? (n > 1 ? ", ...)" : ")") : "");
}

/* skb pseudo-members after a header: cdata sdata ldata qdata (u8..u64 arrays), Sdata (string). */
static int xdata_width(const char *name)
{
	if (!strcmp(name, "cdata")) return 1;
	if (!strcmp(name, "sdata")) return 2;
	if (!strcmp(name, "ldata")) return 4;
	if (!strcmp(name, "qdata")) return 8;
	if (!strcmp(name, "Sdata")) return -1;
	return 0;
}

static bool is_skb_header(const struct btf *btf, __u32 sid)
{
	static const char *const hdrs[] = { "ethhdr", "iphdr", "icmphdr", "tcphdr", "udphdr" };
	const struct btf_type *t = st_val_tof(btf, sid);
	const char *n;
	size_t i;

	if (!t || !btf_is_struct(t))
		return false;
	n = btf__name_by_offset(btf, t->name_off);
	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++)
		if (!strcmp(n, hdrs[i]))
			return true;
	return false;
}

/* The BTF id of a scalar of the given width (for xdata), found through the kernel's
 * u8/u16/u32/u64 typedefs or C names. */
static __u32 scalar_of_width(struct st_types *types, int w)
{
	const char *names[] = { NULL, "u8", "u16", NULL, "u32", NULL, NULL, NULL, "u64" };
	struct st_tref r;
	struct st_err e;
	int nptr;

	if (w == -1)
		return st_types_parse(types, "char", &r, &nptr, &e) ? 0 : r.id;
	return st_types_parse(types, names[w], &r, &nptr, &e) ? 0 : r.id;
}

/* '.m'/'->m' on a value without a type: say where it came from and how to give it one. */
static int untyped_member(const struct st_vctx *c, const struct st_access *a,
			  const struct st_val *v, struct st_err *err)
{
	bool arrow = a->kind == ST_ACC_ARROW;
	const char *op = arrow ? "->" : ".";

	if (v->loc == ST_LOC_SYM && !c->uprobe)
		return st_err_set(err, a->col, "'@%s' has no type (the kernel's BTF types only "
				  "per-CPU variables); cast it to its type: !(struct NAME%s)@%s%s%s",
				  v->sym, arrow ? " *" : "", v->sym, op, a->member);
	return st_err_set(err, a->col, "cannot use '%s%s' on an untyped value; cast it first, "
			  "e.g. !(struct NAME%s)", op, a->member, arrow ? " *" : "");
}

/* '->m': v must point to a struct or union; v becomes that struct in memory. */
static int arrow_deref(const struct st_vctx *c, const struct st_access *a, struct st_val *v,
		       struct st_err *err)
{
	const struct btf_type *t;
	const struct btf *pb;
	__u32 pid;
	int pn;
	char d[256];

	if (!v->btf)
		return untyped_member(c, a, v, err);
	if (!val_is_pointer(v)) {
		t = st_val_resolved(v, NULL);
		st_val_describe(v, d, sizeof(d));
		if (t && (btf_is_struct(t) || btf_is_union(t)))
			return st_err_set(err, a->col, "%s is not a pointer: use '.%s'", d,
					  a->member);
		return st_err_set(err, a->col, "'->%s' needs a pointer to a struct, not %s",
				  a->member, d);
	}
	pointee(v, &pb, &pid, &pn);
	t = pn ? NULL : st_val_tof(pb, st_btf_skip_mods(pb, pid));
	if (!t || !(btf_is_struct(t) || btf_is_union(t))) {
		st_val_describe(v, d, sizeof(d));
		return st_err_set(err, a->col, "'->%s' needs a pointer to a struct, not %s",
				  a->member, d);
	}
	return deref_into(v, 0, err, a->col);
}

/* '.m': v must be a struct in memory (or in registers), not a pointer. */
static int dot_check(const struct st_vctx *c, const struct st_access *a, struct st_val *v,
		     struct st_err *err)
{
	char d[256];

	if (!v->btf)
		return untyped_member(c, a, v, err);
	if (val_is_pointer(v)) {
		st_val_describe(v, d, sizeof(d));
		return st_err_set(err, a->col, "%s is a pointer: use '->%s'", d, a->member);
	}
	if (v->loc == ST_LOC_RVALUE)
		return st_err_set(err, a->col, "'.%s' needs a struct in memory", a->member);
	return 0;
}

/* skb packet bytes after a header (cdata, sdata, ...): an array of w-byte units. */
static int xdata_member(const struct st_vctx *c, const struct st_access *a, long hsize, int w,
			struct st_val *v, struct st_err *err)
{
	v->off += hsize;
	v->id = scalar_of_width(c->types, w);
	v->nptr = 0;
	if (!v->id)
		return st_err_set(err, a->name_col, "no scalar type for '%s'", a->member);
	v->xdata = w;
	return 0;
}

static int access_member(const struct st_vctx *c, const struct st_access *a, struct st_val *v,
			 struct st_err *err)
{
	const struct btf_type *t;
	struct st_btf_member hit;
	__u32 sid;
	char d[256];
	int w;

	if (v->bit_size)
		return st_err_set(err, a->col, "'%s' follows a bitfield, which has no members",
				  a->member);
	if (a->kind == ST_ACC_ARROW ? arrow_deref(c, a, v, err) : dot_check(c, a, v, err))
		return -1;
	t = st_val_resolved(v, &sid);
	if (!t || !(btf_is_struct(t) || btf_is_union(t))) {
		st_val_describe(v, d, sizeof(d));
		return st_err_set(err, a->name_col, "%s is not a struct or union; it has no member '%s'",
				  d, a->member);
	}
	if (!st_btf_find_member(v->btf, sid, a->member, &hit)) {
		w = xdata_width(a->member);
		if (w && is_skb_header(v->btf, sid))
			return xdata_member(c, a, t->size, w, v, err);
		return no_member(v->btf, sid, a->member, a->name_col, err);
	}
	v->off += (long)(hit.bit_off / 8);
	v->id = hit.type;
	v->nptr = 0;
	if (hit.bit_size) {
		v->bit_size = hit.bit_size;
		v->bit_off = (int)(hit.bit_off % 8);
	}
	return 0;
}

static int access_index(const struct st_vctx *c, const struct st_access *a, struct st_val *v,
			struct st_err *err)
{
	const struct btf_type *t;
	char d[256];
	__s64 esz;
	long extra = 0;

	(void)c;
	if (a->index < 0)
		return st_err_set(err, a->name_col, "negative index %ld", a->index);
	if (v->xdata) {
		/* skb bytes after a header: units of the xdata width (Sdata: bytes) */
		if (index_offset(a, v->xdata > 0 ? v->xdata : 1, v->off, &v->off, err))
			return -1;
		if (v->xdata > 0)
			v->xdata = 0;   /* now one scalar of that width */
		return 0;
	}
	if (!v->btf)
		return st_err_set(err, a->col, "cannot index an untyped value; cast it first");
	t = st_val_resolved(v, NULL);
	if (t && btf_is_array(t) && v->loc != ST_LOC_RVALUE) {
		const struct btf_array *arr = btf_array(t);

		if (arr->nelems && (__u64)a->index >= arr->nelems)
			return st_err_set(err, a->name_col,
					  "index %ld is out of bounds: the array has %u elements (0..%u)",
					  a->index, arr->nelems, arr->nelems - 1);
		esz = btf__resolve_size(v->btf, arr->type);
		if (esz <= 0)
			return st_err_set(err, a->col, "array element has no size");
		if (index_offset(a, (long)esz, v->off, &v->off, err))
			return -1;
		v->id = arr->type;
		return 0;
	}
	if (val_is_pointer(v)) {
		const struct btf *pb;
		__u32 pid;
		int pn;

		pointee(v, &pb, &pid, &pn);
		esz = pn ? c->arch->ptr_size : btf__resolve_size(pb, pid);
		if (esz <= 0)
			return st_err_set(err, a->col, "cannot index a pointer to void or an incomplete type");
		if (index_offset(a, (long)esz, 0, &extra, err) || deref_into(v, extra, err, a->col))
			return -1;
		return 0;
	}
	st_val_describe(v, d, sizeof(d));
	return st_err_set(err, a->col, "%s is neither an array nor a pointer; it cannot be indexed",
			  d);
}

int st_val_access(const struct st_vctx *c, const struct st_access *a, struct st_val *v,
		  struct st_err *err)
{
	if (v->is_comm)
		return st_err_set(err, a->col, "$comm is a string; it has no members");
	if (a->kind == ST_ACC_INDEX)
		return access_index(c, a, v, err);
	if (v->xdata)
		return st_err_set(err, a->col, "packet data has no members; index it, e.g. [0]");
	return access_member(c, a, v, err);
}