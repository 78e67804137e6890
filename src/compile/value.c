// SPDX-License-Identifier: MIT
/* Building a fetch argument: base -> casts -> member/index chain -> kernel fetch text.
 * A value is either held directly (register, $retval) or lives in memory at an address
 * expression plus an offset; `->` turns the current value into the address of the next. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "compile/arch.h"
#include "compile/compile.h"
#include "compile/value.h"
#include "types/dwarf_loc.h"
#include "types/types.h"
#include "types/usym.h"

static bool is_plain_char(const struct btf *btf, __u32 id);

static const struct btf_type *tof(const struct btf *btf, __u32 id)
{
	return id ? btf__type_by_id(btf, id) : NULL;
}

/* Type after typedefs and qualifiers, or NULL for void/unknown. */
static const struct btf_type *resolved(const struct st_val *v, __u32 *rid)
{
	__u32 id;

	if (!v->btf || v->nptr)
		return NULL;
	id = st_btf_skip_mods(v->btf, v->id);
	if (rid)
		*rid = id;
	return tof(v->btf, id);
}

static bool val_is_pointer(const struct st_val *v)
{
	const struct btf_type *t;

	if (v->nptr)
		return true;
	t = resolved(v, NULL);
	return t && btf_is_ptr(t);
}

static void describe(const struct st_val *v, char *buf, size_t n)
{
	char inner[200];
	int i;
	size_t l;

	if (!v->btf) {
		snprintf(buf, n, "an untyped value");
		return;
	}
	st_type_name(v->btf, v->id, inner, sizeof(inner));
	snprintf(buf, n, "'%s", inner);
	for (i = 0; i < v->nptr; i++) {
		l = strlen(buf);
		snprintf(buf + l, n - l, "%s*", buf[l - 1] == '*' ? "" : " ");
	}
	l = strlen(buf);
	snprintf(buf + l, n - l, "'");
}

void st_val_load_text(const struct st_val *v, char *buf, size_t n)
{
	switch (v->loc) {
	case ST_LOC_REGS:
		snprintf(buf, n, "%s", v->regs[(v->off / 8) & 1]);
		break;
	case ST_LOC_MEM:
		snprintf(buf, n, "%c%s0x%lx(%s)", v->off < 0 ? '-' : '+', v->user ? "u" : "",
			 v->off < 0 ? -v->off : v->off, v->fetch);
		break;
	case ST_LOC_SYM:
		if (v->off)
			snprintf(buf, n, "@%s%c0x%lx", v->sym, v->off < 0 ? '-' : '+',
				 v->off < 0 ? -v->off : v->off);
		else
			snprintf(buf, n, "@%s", v->sym);
		break;
	case ST_LOC_ABS:
		snprintf(buf, n, "@%s0x%llx", v->sym[0] == '+' ? "+" : "",
			 v->abs + (unsigned long long)v->off);
		break;
	default:
		snprintf(buf, n, "%s", v->fetch);
	}
}

/* Bounded copy that always terminates (fetch texts are checked for length elsewhere). */
static void set_text(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);

	if (l > n - 1)
		l = n - 1;

	memcpy(dst, src, l);
	dst[l] = '\0';
}

/* Make v's address-holding expression: the value of a pointer v, for dereferencing. */
static void pointer_value(const struct st_val *v, char *addr, size_t n, long *add)
{
	if (v->loc == ST_LOC_RVALUE) {
		set_text(addr, n, v->fetch);
		*add = v->ptr_add;
	} else {
		st_val_load_text(v, addr, n);
		*add = 0;
	}
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
	*id = resolved(v, NULL)->type;
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
	pointer_value(v, addr, sizeof(addr), &add);
	if (strlen(addr) > 600)
		return st_err_set(err, col, "expression nests too deeply for a kernel fetch argument");
	pointee(v, &btf, &id, &nptr);
	set_text(v->fetch, sizeof(v->fetch), addr);
	v->loc = ST_LOC_MEM;
	v->off = add + extra;
	v->ptr_add = 0;
	v->btf = btf;
	v->id = id;
	v->nptr = nptr;
	return 0;
}

/* ---- members ---------------------------------------------------------------------- */

struct member_hit {
	__u32 type;
	__u32 bit_off;   /* from the start of the outer struct */
	int bit_size;    /* 0 when not a bitfield */
};

static bool find_member(const struct btf *btf, __u32 sid, const char *name, __u32 base_bits,
			struct member_hit *hit)
{
	const struct btf_type *t = tof(btf, sid);
	const struct btf_member *m;
	int i, n;

	if (!t || !(btf_is_struct(t) || btf_is_union(t)))
		return false;
	m = btf_members(t);
	n = btf_vlen(t);
	for (i = 0; i < n; i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		__u32 boff = base_bits + btf_member_bit_offset(t, i);

		if (mn && *mn) {
			if (strcmp(mn, name))
				continue;
			hit->type = m->type;
			hit->bit_off = boff;
			hit->bit_size = (int)btf_member_bitfield_size(t, i);
			if (!hit->bit_size) {
				/* old-style bitfield: an INT whose bit count is below its size */
				const struct btf_type *it = tof(btf, st_btf_skip_mods(btf, m->type));

				if (it && btf_is_int(it)) {
					__u32 enc = *(const __u32 *)(it + 1);

					if (BTF_INT_BITS(enc) != it->size * 8) {
						hit->bit_size = (int)BTF_INT_BITS(enc);
						hit->bit_off += BTF_INT_OFFSET(enc);
					}
				}
			}
			return true;
		}
		/* anonymous struct/union: look inside */
		if (find_member(btf, st_btf_skip_mods(btf, m->type), name, boff, hit))
			return true;
	}
	return false;
}

static void collect_members(const struct btf *btf, __u32 sid, const char **names, size_t *n,
			    size_t cap)
{
	const struct btf_type *t = tof(btf, sid);
	const struct btf_member *m;
	int i, vlen;

	if (!t || !(btf_is_struct(t) || btf_is_union(t)))
		return;
	m = btf_members(t);
	vlen = btf_vlen(t);
	for (i = 0; i < vlen && *n < cap; i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);

		if (mn && *mn)
			names[(*n)++] = mn;
		else
			collect_members(btf, st_btf_skip_mods(btf, m->type), names, n, cap);
	}
}

static int no_member(const struct btf *btf, __u32 sid, const char *name, int col,
		     struct st_err *err)
{
	const char *names[512];
	size_t n = 0;
	const char *s;
	char tn[200], near[200];

	collect_members(btf, sid, names, &n, 512);
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
	const struct btf_type *t = tof(btf, sid);
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

static int access_member(const struct st_vctx *c, const struct st_access *a, struct st_val *v,
			 struct st_err *err)
{
	const struct btf_type *t;
	struct member_hit hit;
	__u32 sid;
	char d[256];

	if (v->bit_size)
		return st_err_set(err, a->col, "'%s' follows a bitfield, which has no members",
				  a->member);
	if (a->kind == ST_ACC_ARROW) {
		if (!v->btf)
			return untyped_member(c, a, v, err);
		if (!val_is_pointer(v)) {
			t = resolved(v, NULL);
			describe(v, d, sizeof(d));
			if (t && (btf_is_struct(t) || btf_is_union(t)))
				return st_err_set(err, a->col, "%s is not a pointer: use '.%s'", d,
						  a->member);
			return st_err_set(err, a->col, "'->%s' needs a pointer to a struct, not %s",
					  a->member, d);
		}
		{
			const struct btf *pb;
			__u32 pid;
			int pn;
			const struct btf_type *pt;

			pointee(v, &pb, &pid, &pn);
			pt = pn ? NULL : tof(pb, st_btf_skip_mods(pb, pid));
			if (!pt || !(btf_is_struct(pt) || btf_is_union(pt))) {
				describe(v, d, sizeof(d));
				return st_err_set(err, a->col, "'->%s' needs a pointer to a struct, not %s",
						  a->member, d);
			}
		}
		if (deref_into(v, 0, err, a->col))
			return -1;
	} else if (!v->btf) {
		return untyped_member(c, a, v, err);
	} else if (val_is_pointer(v)) {
		describe(v, d, sizeof(d));
		return st_err_set(err, a->col, "%s is a pointer: use '->%s'", d, a->member);
	} else if (v->loc == ST_LOC_RVALUE) {
		return st_err_set(err, a->col, "'.%s' needs a struct in memory", a->member);
	}
	t = resolved(v, &sid);
	if (!t || !(btf_is_struct(t) || btf_is_union(t))) {
		describe(v, d, sizeof(d));
		return st_err_set(err, a->name_col, "%s is not a struct or union; it has no member '%s'",
				  d, a->member);
	}
	if (!find_member(v->btf, sid, a->member, 0, &hit)) {
		int w = xdata_width(a->member);

		if (w && is_skb_header(v->btf, sid)) {
			/* packet bytes after the header: an array of w-byte units */
			v->off += t->size;
			v->id = scalar_of_width(c->types, w);
			v->nptr = 0;
			if (!v->id)
				return st_err_set(err, a->name_col, "no scalar type for '%s'", a->member);
			v->xdata = w;
			return 0;
		}
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
	t = resolved(v, NULL);
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
	describe(v, d, sizeof(d));
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

/* ---- base --------------------------------------------------------------------------- */

static int proto_param(const struct st_vctx *c, int n, __u32 *type)
{
	const struct btf_type *p = tof(c->proto_btf, c->proto_id);
	const struct btf_param *pp;

	if (!p)
		return -1;
	if (n >= btf_vlen(p))
		return -1;
	pp = btf_params(p) + n;
	if (!pp->type && n == btf_vlen(p) - 1)
		return -1;   /* "..." */
	*type = pp->type;
	return 0;
}

static int proto_nparams(const struct st_vctx *c, bool *variadic)
{
	const struct btf_type *p = tof(c->proto_btf, c->proto_id);
	int n;

	*variadic = false;
	if (!p)
		return -1;
	n = btf_vlen(p);
	if (n && !btf_params(p)[n - 1].type) {
		*variadic = true;
		n--;
	}
	return n;
}

/* libbpf caps an integer's alignment at the pointer size, but both ABIs align __int128
 * (and structs holding one) to 16 bytes. */
static bool has_int128(const struct btf *btf, __u32 id, int depth)
{
	const struct btf_type *t = tof(btf, st_btf_skip_mods(btf, id));
	const struct btf_member *m;
	int i;

	if (!t || depth > 8)
		return false;
	if (btf_is_int(t))
		return t->size == 16;
	if (btf_is_array(t))
		return has_int128(btf, btf_array(t)->type, depth + 1);
	if (!btf_is_composite(t))
		return false;
	for (i = 0, m = btf_members(t); i < btf_vlen(t); i++, m++)
		if (has_int128(btf, m->type, depth + 1))
			return true;
	return false;
}

/* The function returns a struct of more than 16 bytes by value (through memory). */
static bool big_struct_return(const struct st_vctx *c)
{
	const struct btf_type *p = tof(c->proto_btf, c->proto_id), *r;

	if (!p || !p->type)
		return false;
	r = tof(c->proto_btf, st_btf_skip_mods(c->proto_btf, p->type));
	return r && btf_is_composite(r) && btf__resolve_size(c->proto_btf, p->type) > 16;
}

/* Argument n by the calling convention, from the sizes of the parameters before it (a
 * struct passed by value takes two registers, or the stack, and moves every later one). */
static int place_arg(const struct st_vctx *c, int n, int col, struct st_val *v,
		     struct st_err *err)
{
	struct st_argclass cls[64];
	struct st_argloc l;
	int i;

	for (i = 0; i <= n; i++) {
		__u32 type = 0, rid;
		const struct btf_type *t;
		long sz;
		int al;

		if (proto_param(c, i, &type))
			return st_err_set(err, col, "no type for argument %d of %s", i, c->func);
		rid = st_btf_skip_mods(c->proto_btf, type);
		t = tof(c->proto_btf, rid);
		sz = btf__resolve_size(c->proto_btf, type);
		al = has_int128(c->proto_btf, type, 0) ? 16 : btf__align_of(c->proto_btf, type);
		cls[i] = (struct st_argclass){ sz > 0 ? (size_t)sz : 8, al > 0 ? (size_t)al : 8,
					       t && btf_is_composite(t),
					       t && btf_kind(t) == BTF_KIND_FLOAT };
	}
	st_arch_place(c->arch, cls, n, big_struct_return(c), &l);
	if (l.fp)
		return st_err_set(err, col, "%%%d of %s is a floating-point argument: it is passed "
				  "in an FP register, which probes cannot read", n, c->func);
	if (l.reg >= 0 && !l.byref && cls[n].composite) {
		for (i = 0; i < l.nregs && i < 2; i++)
			snprintf(v->regs[i], sizeof(v->regs[i]), "%%%s", c->arch->argregs[l.reg + i]);
		v->nregs = l.nregs;
		set_text(v->fetch, sizeof(v->fetch), v->regs[0]);
		v->loc = ST_LOC_REGS;
		v->off = 0;
	} else if (l.reg >= 0 && !l.byref) {
		snprintf(v->fetch, sizeof(v->fetch), "%%%s", c->arch->argregs[l.reg]);
		v->loc = ST_LOC_RVALUE;
	} else if (l.reg >= 0) {
		snprintf(v->fetch, sizeof(v->fetch), "%%%s", c->arch->argregs[l.reg]);
		v->loc = ST_LOC_MEM;   /* the register holds the copy's address */
		v->off = 0;
	} else if (l.byref) {
		snprintf(v->fetch, sizeof(v->fetch), "$stack%ld", l.stack_off / 8);
		v->loc = ST_LOC_MEM;
		v->off = 0;
	} else if (cls[n].composite) {
		snprintf(v->fetch, sizeof(v->fetch), "$stack");   /* the struct itself is there */
		v->loc = ST_LOC_MEM;
		v->off = l.stack_off;
	} else {
		snprintf(v->fetch, sizeof(v->fetch), "$stack%ld", l.stack_off / 8);
		v->loc = ST_LOC_RVALUE;
	}
	return 0;
}

/* Argument n at func+off: where the function's DWARF says it is at that address (the entry
 * registers are reused as soon as the function needs them). */
static int arg_at_offset(const struct st_vctx *c, long n, int col, bool composite,
			 struct st_val *v, struct st_err *err)
{
	struct st_dwarf_loc loc;
	struct st_err e = { 0 };
	const char *reg;

	if (!c->dwarf)
		return st_err_set(err, col, "at %s+%ld the arguments are no longer in their entry "
				  "registers and %s; read a register (%%%s, %%%s, ...) and see '%s'",
				  c->func, c->off, c->nodwarf ? c->nodwarf : "there is no DWARF to "
				  "locate them", c->arch->regs[0], c->arch->regs[1], c->disasm);
	if (st_dwarf_arg_at(c->dwarf, c->dwarf_func, c->off, (int)n, &loc, &e))
		return st_err_set(err, col, "%s; read a register and see '%s'", e.msg, c->disasm);
	if (loc.dwreg < 0 || loc.dwreg >= c->arch->ndwarf_regs)
		return st_err_set(err, col, "%%%ld at +%ld is in DWARF register %d, which probes "
				  "cannot read on %s", n, c->off, loc.dwreg, c->arch->name);
	reg = c->arch->dwarf_regs[loc.dwreg];
	if (loc.kind == ST_DLOC_REG && composite)
		return st_err_set(err, col, "%%%ld at +%ld is a struct held in registers; read "
				  "%%%s", n, c->off, reg);
	snprintf(v->fetch, sizeof(v->fetch), "%%%s", reg);
	if (loc.kind == ST_DLOC_MEM) {
		v->loc = ST_LOC_MEM;
		v->off = loc.off;
	} else {
		v->loc = ST_LOC_RVALUE;
	}
	return 0;
}

static int arg_fetch(const struct st_vctx *c, long n, int col, struct st_val *v,
		     struct st_err *err)
{
	bool variadic;
	int np = proto_nparams(c, &variadic);
	__u32 type;

	if (c->line_type == 'r' || c->line_type == 'R')
		return st_err_set(err, col, "function arguments are not available at return; use "
				  "$retval, or read them with a 'p' line");
	if (np >= 0 && n >= np && !variadic)
		return st_err_set(err, col, "%%%ld is past the arguments of %s, which has %d (%%0..%%%d); "
				  "read a raw register with %%reg", n, c->func, np, np - 1);
	if (np < 0 && n >= c->arch->nargregs + 16)
		return st_err_set(err, col, "%%%ld is too far up the stack", n);
	if (c->off) {
		const struct btf_type *pt = NULL;

		if (np >= 0 && !proto_param(c, (int)n, &type))
			pt = tof(c->proto_btf, st_btf_skip_mods(c->proto_btf, type));
		if (arg_at_offset(c, n, col, pt && btf_is_composite(pt), v, err))
			return -1;
	} else if (np >= 0 && !variadic && n < 64) {
		if (place_arg(c, (int)n, col, v, err))
			return -1;
	} else if (n < c->arch->nargregs) {
		snprintf(v->fetch, sizeof(v->fetch), "%%%s", c->arch->argregs[n]);
		v->loc = ST_LOC_RVALUE;
	} else {
		snprintf(v->fetch, sizeof(v->fetch), "$stack%ld",
			 n - c->arch->nargregs + c->arch->stack_first);
		v->loc = ST_LOC_RVALUE;
	}
	if (np >= 0 && !proto_param(c, (int)n, &type)) {
		const struct btf_type *pt = tof(c->proto_btf, st_btf_skip_mods(c->proto_btf, type));

		v->btf = c->proto_btf;
		v->id = type;
		/* user memory: a __user type tag, or a syscall's string argument (kernels built
		 * with gcc carry no type tags) */
		if (!c->uprobe && (st_btf_is_user(c->proto_btf, type) ||
				   (c->syscall && pt && btf_is_ptr(pt) &&
				    is_plain_char(c->proto_btf, pt->type))))
			v->user = true;
	}
	return 0;
}

static int argname_fetch(const struct st_vctx *c, const struct st_expr *e, struct st_val *v,
			 struct st_err *err)
{
	const struct btf_type *p = tof(c->proto_btf, c->proto_id);
	const char *names[64];
	char near[200];
	const struct btf_param *pp;
	int i, n;
	const char *s;

	if (!p)
		return st_err_set(err, e->base_col, "no prototype with argument names for %s %s; use "
				  "%%N", c->func, c->nodebug ? "(the binary has no DWARF debug info)" :
				  "in the type information");
	n = btf_vlen(p);
	pp = btf_params(p);
	for (i = 0; i < n && i < 64; i++) {
		names[i] = btf__name_by_offset(c->proto_btf, pp[i].name_off);
		if (names[i] && !strcmp(names[i], e->name))
			return arg_fetch(c, i, e->base_col, v, err);
	}
	s = st_suggest_list(e->name, names, (size_t)(n < 64 ? n : 64), "$", near, sizeof(near));
	if (s)
		return st_err_set(err, e->base_col, "%s has no argument '$%s'; did you mean %s?",
				  c->func, e->name, s);
	return st_err_set(err, e->base_col, "%s has no argument '$%s' (arguments: %s%s%s%s)",
			  c->func, e->name, n > 0 ? names[0] : "none", n > 1 ? ", " : "",
			  n > 1 ? names[1] : "", n > 2 ? ", ..." : "");
}

int st_val_base(const struct st_vctx *c, const struct st_expr *e, struct st_val *v,
		struct st_err *err)
{
	memset(v, 0, sizeof(*v));
	v->loc = ST_LOC_RVALUE;
	switch (e->base) {
	case ST_BASE_ARGN:
		if (arg_fetch(c, e->num, e->base_col, v, err))
			return -1;
		break;
	case ST_BASE_ARGNAME:
		if (argname_fetch(c, e, v, err))
			return -1;
		break;
	case ST_BASE_REG: {
		const char *reg = st_arch_reg_alias(c->arch, e->name);

		if (!reg)
			reg = e->name;
		if (!st_arch_has_reg(c->arch, reg)) {
			const char *s = st_suggest(e->name, c->arch->regs, c->arch->nregs);

			if (s)
				return st_err_set(err, e->base_col, "'%%%s' is not a register of %s; did you "
						  "mean '%%%s'?", e->name, c->arch->name, s);
			return st_err_set(err, e->base_col, "'%%%s' is not a register of %s (%%%s, %%%s, ...)",
					  e->name, c->arch->name, c->arch->regs[0], c->arch->regs[1]);
		}
		snprintf(v->fetch, sizeof(v->fetch), "%%%s", reg);
		break;
	}
	case ST_BASE_RETVAL: {
		const struct btf_type *p = tof(c->proto_btf, c->proto_id);

		if (c->line_type != 'r' && c->line_type != 'R')
			return st_err_set(err, e->base_col, "$retval exists only in return probes "
					  "(r and R lines)");
		if (p && !p->type)
			return st_err_set(err, e->base_col, "%s returns void: there is no $retval to "
					  "read", c->func);
		snprintf(v->fetch, sizeof(v->fetch), "$retval");
		if (p && p->type) {
			const struct btf_type *r = tof(c->proto_btf,
						       st_btf_skip_mods(c->proto_btf, p->type));

			v->btf = c->proto_btf;
			v->id = p->type;
			if (r && btf_is_composite(r)) {
				if (!big_struct_return(c)) {        /* %ax:%dx, x0:x1 */
					v->loc = ST_LOC_REGS;
					v->off = 0;
					v->nregs = r->size > 8 ? 2 : 1;
					snprintf(v->regs[0], sizeof(v->regs[0]), "$retval");
					snprintf(v->regs[1], sizeof(v->regs[1]), "%%%s",
						 c->arch->ret2);
				} else if (!c->arch->aapcs64) {
					v->loc = ST_LOC_MEM;        /* %ax holds the copy's address */
					v->off = 0;
				} else {
					return st_err_set(err, e->base_col, "%s returns a struct of "
							  "more than 16 bytes through memory whose "
							  "address is gone at return on %s", c->func,
							  st_arch_name(c->arch));
				}
			}
		}
		break;
	}
	case ST_BASE_STACK:
		if (e->num < 0)
			snprintf(v->fetch, sizeof(v->fetch), "$stack");
		else
			snprintf(v->fetch, sizeof(v->fetch), "$stack%ld", e->num);
		break;
	case ST_BASE_COMM:
		snprintf(v->fetch, sizeof(v->fetch), "$comm");
		v->is_comm = true;
		break;
	case ST_BASE_SYMBOL:
		if (c->uprobe) {
			unsigned long long fo;

			if (st_usym_offset(c->binary, e->name, 0, e->num, &fo, err)) {
				err->col = e->base_col;
				return -1;
			}
			v->loc = ST_LOC_ABS;
			v->abs = fo;
			snprintf(v->sym, sizeof(v->sym), "+");
		} else {
			struct st_tref r;

			v->loc = ST_LOC_SYM;
			snprintf(v->sym, sizeof(v->sym), "%s", e->name);
			v->off = e->num;
			if (!st_types_var(c->types, e->name, &r)) {
				v->btf = r.btf;
				v->id = r.id;
			}
		}
		break;
	case ST_BASE_ADDR:
		v->loc = ST_LOC_ABS;
		v->abs = e->addr;
		break;
	}
	if (e->cast == ST_CAST_TYPE || (e->cast == ST_CAST_SKB && e->base_type)) {
		const char *type = e->cast == ST_CAST_TYPE ? e->cast_type : e->base_type;
		int col = e->cast == ST_CAST_TYPE ? e->cast_col : e->base_type_col;
		struct st_tref r;
		int nptr;

		if (v->is_comm)
			return st_err_set(err, col, "$comm cannot be cast");
		if (st_types_parse(c->types, type, &r, &nptr, err)) {
			err->col = col;
			return -1;
		}
		v->btf = r.btf;
		v->id = r.id;
		v->nptr = nptr;
		if (!r.id && !nptr)
			return st_err_set(err, col, "cannot read a value of type void");
	}
	return 0;
}

/* ---- skb ---------------------------------------------------------------------------- */

static int hdr_layer(const char *name)
{
	if (!strcmp(name, "ethhdr")) return 2;
	if (!strcmp(name, "iphdr")) return 3;
	if (!strcmp(name, "icmphdr") || !strcmp(name, "tcphdr") || !strcmp(name, "udphdr"))
		return 4;
	return 0;
}

int st_val_skb(const struct st_vctx *c, const struct st_expr *e, struct st_val *v,
	       struct st_err *err)
{
	struct st_tref hdr, skb;
	struct member_hit data;
	const struct btf_type *ht;
	int nptr, hl, ml = e->skb_layer ? e->skb_layer : 3;
	long add = 0;
	char d[256], hname[64];

	if (st_types_parse(c->types, e->cast_type, &hdr, &nptr, err)) {
		err->col = e->cast_col;
		return -1;
	}
	ht = tof(hdr.btf, hdr.id);
	snprintf(hname, sizeof(hname), "%s", ht ? btf__name_by_offset(hdr.btf, ht->name_off) : "");
	hl = ht && btf_is_struct(ht) && nptr == 1 ? hdr_layer(hname) : 0;
	if (!hl)
		return st_err_set(err, e->cast_col, "'@(%s)' must name a packet header pointer: "
				  "struct ethhdr *, struct iphdr *, struct icmphdr *, struct tcphdr * "
				  "or struct udphdr *", e->cast_type);
	if (hl < ml)
		return st_err_set(err, e->cast_col, "struct %s is a layer %d header but the mark l%d "
				  "says skb->data is at layer %d", hname, hl, ml, ml);
	/* the base must be a struct sk_buff * */
	if (st_types_parse(c->types, "struct sk_buff", &skb, &nptr, err))
		return st_err_set(err, e->cast_col, "no struct sk_buff in the type information");
	if (!v->btf)
		return st_err_set(err, e->base_col, "the skb cast needs a 'struct sk_buff *' and this "
				  "value has no type; give it one after the layer: "
				  "@(%s)l%d!(struct sk_buff *)...", e->cast_type, ml);
	{
		__u32 id = v->nptr ? v->id : st_btf_skip_mods(v->btf, v->id);
		const struct btf_type *t = tof(v->btf, id);
		int depth = v->nptr;

		while (!v->nptr && t && btf_is_ptr(t)) {
			depth++;
			id = st_btf_skip_mods(v->btf, t->type);
			t = tof(v->btf, id);
		}
		if (v->nptr)
			t = tof(v->btf, st_btf_skip_mods(v->btf, v->id));
		if (depth != 1 || !t || !btf_is_struct(t) ||
		    strcmp(btf__name_by_offset(v->btf, t->name_off), "sk_buff")) {
			describe(v, d, sizeof(d));
			return st_err_set(err, e->base_col, "the skb cast needs a 'struct sk_buff *' "
					  "but this argument is %s", d);
		}
	}
	if (!find_member(skb.btf, skb.id, "data", 0, &data))
		return st_err_set(err, e->cast_col, "struct sk_buff has no member 'data'");
	/* headers between the layer skb->data points at and the one asked for */
	if (ml <= 2 && hl >= 3) {
		struct st_tref eth;

		if (st_types_parse(c->types, "struct ethhdr", &eth, &nptr, err))
			return -1;
		add += (long)btf__resolve_size(eth.btf, eth.id);
	}
	if (ml <= 3 && hl >= 4) {
		struct st_tref ip;

		if (st_types_parse(c->types, "struct iphdr", &ip, &nptr, err))
			return -1;
		add += (long)btf__resolve_size(ip.btf, ip.id);
	}
	/* v (the skb pointer) -> value of skb->data, plus the header offset */
	{
		char addr[700];
		long a0;
		struct st_val t = *v;

		pointer_value(&t, addr, sizeof(addr), &a0);
		snprintf(v->fetch, sizeof(v->fetch), "%c0x%lx(%s)", '+', (long)(data.bit_off / 8) + a0,
			 addr);
	}
	v->loc = ST_LOC_RVALUE;
	v->ptr_add = add;
	v->btf = hdr.btf;
	v->id = hdr.id;
	v->nptr = 1;
	(void)c;
	return 0;
}

/* ---- emit --------------------------------------------------------------------------- */

static const char *int_ktype(int size, bool sign, char fmt)
{
	static const char *const tab[3][4] = {
		{ "u8", "u16", "u32", "u64" },
		{ "s8", "s16", "s32", "s64" },
		{ "x8", "x16", "x32", "x64" },
	};
	int row = fmt == 'X' ? 2 : fmt == 'S' ? 1 : fmt == 'U' ? 0 : sign ? 1 : 0;
	int col = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : size == 8 ? 3 : -1;

	return col < 0 ? NULL : tab[row][col];
}

const char *st_scalar_ktype(const struct btf *btf, __u32 id, char fmt)
{
	const struct btf_type *t = tof(btf, st_btf_skip_mods(btf, id));

	if (!t)
		return NULL;
	if (btf_is_int(t)) {
		__u32 enc = *(const __u32 *)(t + 1);

		return int_ktype((int)t->size, (BTF_INT_ENCODING(enc) & BTF_INT_SIGNED) != 0, fmt);
	}
	if (btf_is_enum(t) || btf_is_enum64(t))
		return int_ktype((int)t->size, btf_kflag(t), fmt);
	if (btf_is_ptr(t))
		return int_ktype(8, fmt == 'S', fmt ? fmt : 'X');
	if ((btf_is_struct(t) || btf_is_union(t)) &&
	    (t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8)) {
		/* atomic_t and friends: an integer of the struct's size, signed like its first member */
		bool sign = false;

		if (btf_vlen(t)) {
			const struct btf_type *m0 = tof(btf, st_btf_skip_mods(btf, btf_members(t)->type));

			if (m0 && btf_is_int(m0) && m0->size == t->size)
				sign = (BTF_INT_ENCODING(*(const __u32 *)(m0 + 1)) & BTF_INT_SIGNED) != 0;
		}
		return int_ktype((int)t->size, sign, fmt);
	}
	return NULL;
}

/* Plain `char` (not a typedef such as u8, not signed/unsigned char): read as a string
 * when in an array. Behind a pointer `unsigned char *` is a string too (qstr.name). */
static bool is_char_named(const struct btf *btf, __u32 id, bool allow_unsigned)
{
	const struct btf_type *t;
	int guard = 16;

	while (id && guard--) {
		t = tof(btf, id);
		if (!t)
			return false;
		if (btf_is_const(t) || btf_is_volatile(t) || btf_is_restrict(t) || btf_is_type_tag(t)) {
			id = t->type;
			continue;
		}
		return btf_is_int(t) && t->size == 1 &&
		       (!strcmp(btf__name_by_offset(btf, t->name_off), "char") ||
			(allow_unsigned &&
			 !strcmp(btf__name_by_offset(btf, t->name_off), "unsigned char")));
	}
	return false;
}

static bool is_plain_char(const struct btf *btf, __u32 id)
{
	return is_char_named(btf, id, false);
}

static bool is_string_ptr_target(const struct btf *btf, __u32 id)
{
	return is_char_named(btf, id, true);
}

/* A member of a struct held in registers: the register that holds its bytes, read whole
 * (the fetch type keeps the low bytes) or, when it starts inside the register or is a
 * bitfield, as a bitfield of the 64-bit register. */
static int emit_from_regs(const struct st_vctx *c, const struct st_val *v, char fmt, int col,
			  char *fetch, size_t nfetch, char *ktype, size_t nktype,
			  struct st_err *err)
{
	const struct btf_type *t = resolved(v, NULL);
	long idx = v->off / 8, bit = (v->off % 8) * 8, bits;
	struct st_val whole = *v;

	bits = v->bit_size ? v->bit_size : (long)btf__resolve_size(v->btf, v->id) * 8;
	if (v->bit_size)
		bit += v->bit_off;
	if (bits > 64 && !v->bit_size) {
		/* a whole struct over 8 bytes: the general path says to pick a member */
		whole.loc = ST_LOC_RVALUE;
		return st_val_emit(c, &whole, fmt, col, fetch, nfetch, ktype, nktype, err);
	}
	if (idx >= v->nregs || bits <= 0)
		return st_err_set(err, col, "no register holds this part of the struct");
	if (bit + bits > 64)
		return st_err_set(err, col, "this member spans two registers (%s and %s); read "
				  "its parts", v->regs[0], v->nregs > 1 ? v->regs[1] : "?");
	if (!v->bit_size && !bit && !(t && btf_is_array(t))) {
		/* the low bytes of the register: the normal path picks the type */
		whole.loc = ST_LOC_RVALUE;
		set_text(whole.fetch, sizeof(whole.fetch), v->regs[idx]);
		return st_val_emit(c, &whole, fmt, col, fetch, nfetch, ktype, nktype, err);
	}
	if (t && (btf_is_array(t) || btf_is_composite(t) || btf_is_ptr(t)))
		return st_err_set(err, col, "only whole registers and integer members can be read "
				  "from a struct held in registers");
	snprintf(fetch, nfetch, "%s", v->regs[idx]);
	snprintf(ktype, nktype, "b%ld@%ld/64", bits, bit);
	return 0;
}

int st_val_emit(const struct st_vctx *c, const struct st_val *v, char fmt, int col,
		char *fetch, size_t nfetch, char *ktype, size_t nktype, struct st_err *err)
{
	const struct btf_type *t;
	char load[800], d[256];
	const char *kt;
	__u32 rid = 0;

	*ktype = '\0';
	if (v->is_comm) {
		if (fmt)
			return st_err_set(err, col, "'%c' formats a number, and $comm is a string: "
					  "drop the '%c'", fmt, fmt);
		snprintf(fetch, nfetch, "$comm");
		return 0;
	}
	if (v->loc == ST_LOC_REGS)
		return emit_from_regs(c, v, fmt, col, fetch, nfetch, ktype, nktype, err);
	if (v->loc == ST_LOC_RVALUE)
		set_text(load, sizeof(load), v->fetch);
	else
		st_val_load_text(v, load, sizeof(load));
	if (v->xdata == -1) {          /* skb Sdata */
		snprintf(fetch, nfetch, "%s", load);
		snprintf(ktype, nktype, "string");
		return 0;
	}
	if (v->xdata > 0)
		return st_err_set(err, col, "packet data needs an index, e.g. sdata[0]");
	if (v->bit_size) {
		const struct btf_type *bt = tof(v->btf, st_btf_skip_mods(v->btf, v->id));
		int cbits = bt && bt->size ? (int)bt->size * 8 : 32;
		long byte_off, bit;
		struct st_val tmp = *v;

		if (cbits > 64)
			cbits = 64;
		/* place the bitfield in an aligned container of its declared type's size */
		byte_off = (v->bit_off / cbits) * (cbits / 8);
		bit = v->bit_off - byte_off * 8;
		while (bit + v->bit_size > cbits && cbits < 64)
			cbits *= 2;
		if (bit + v->bit_size > cbits)
			return st_err_set(err, col, "bitfield straddles a 64-bit boundary");
		tmp.off += byte_off;
		st_val_load_text(&tmp, fetch, nfetch);
		snprintf(ktype, nktype, "b%d@%ld/%d", v->bit_size, bit, cbits);
		return 0;
	}
	if (!v->btf) {
		snprintf(fetch, nfetch, "%s", load);
		snprintf(ktype, nktype, "%s", fmt == 'S' ? "s64" : fmt == 'X' ? "x64" : "u64");
		return 0;
	}
	if (v->nptr) {
		/* cast to a pointer type */
		if (v->nptr == 1 && is_string_ptr_target(v->btf, v->id) && !fmt) {
			snprintf(fetch, nfetch, "+0(%s)", load);
			snprintf(ktype, nktype, "%s", v->user ? "ustring" : "string");
			return 0;
		}
		snprintf(fetch, nfetch, "%s", load);
		snprintf(ktype, nktype, "%s", int_ktype(8, fmt == 'S', fmt ? fmt : 'X'));
		return 0;
	}
	t = resolved(v, &rid);
	if (t && btf_is_array(t)) {
		const struct btf_array *arr = btf_array(t);

		if (v->loc == ST_LOC_RVALUE)
			return st_err_set(err, col, "an array must be in memory");
		if (is_plain_char(v->btf, arr->type) && !fmt) {
			snprintf(fetch, nfetch, "%s", load);
			snprintf(ktype, nktype, "%s", v->user && !c->uprobe ? "ustring" : "string");
			return 0;
		}
		if (!arr->nelems)
			return st_err_set(err, col, "a flexible array has no length: index it, e.g. [0]");
		kt = st_scalar_ktype(v->btf, arr->type, fmt);
		if (!kt)
			return st_err_set(err, col, "array elements of %s cannot be printed; index it and "
					  "pick a member", st_type_name(v->btf, arr->type, d, sizeof(d)));
		if (arr->nelems > 64)
			return st_err_set(err, col, "array of %u elements is longer than the kernel's "
					  "limit of 64; index it, e.g. [0]", arr->nelems);
		snprintf(fetch, nfetch, "%s", load);
		snprintf(ktype, nktype, "%s[%u]", kt, arr->nelems);
		return 0;
	}
	if (t && btf_is_ptr(t) && is_string_ptr_target(v->btf, t->type) && !fmt) {
		snprintf(fetch, nfetch, "+0(%s)", load);
		snprintf(ktype, nktype, "%s", v->user && !c->uprobe ? "ustring" : "string");
		return 0;
	}
	kt = st_scalar_ktype(v->btf, v->id, fmt);
	if (!kt) {
		describe(v, d, sizeof(d));
		if (t && (btf_is_struct(t) || btf_is_union(t)) && btf_vlen(t)) {
			const char *m0 = btf__name_by_offset(v->btf, btf_members(t)->name_off);

			return st_err_set(err, col, "%s (%u bytes) cannot be printed as one value; pick "
					  "a member%s%s%s", d, t->size, *m0 ? ", e.g. '." : "",
					  m0, *m0 ? "'" : "");
		}
		return st_err_set(err, col, "%s cannot be printed as a value", d);
	}
	snprintf(fetch, nfetch, "%s", load);
	snprintf(ktype, nktype, "%s", kt);
	return 0;
}
