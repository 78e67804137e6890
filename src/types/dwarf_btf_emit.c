// SPDX-License-Identifier: MIT
/* Writing one planned DIE as BTF. Each emitter adds exactly st_dwarf_ids_needed(die) types,
 * which is what keeps planned ids and real ids equal. */
#include "types/dwarf_btf_int.h"
#include <bpf/btf.h>
#include <dwarf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIMS 32

static int fail(struct dwarf_conv *c, Dwarf_Die *die, const char *what, int r)
{
	return st_err_set(c->err, 0, "cannot convert DWARF DIE 0x%llx (%s '%s'): %s",
			  (unsigned long long)dwarf_dieoffset(die), what,
			  dwarf_diename(die) ? dwarf_diename(die) : "(anon)", strerror(-r));
}

static int count_dims(Dwarf_Die *die)
{
	Dwarf_Die d;
	int n = 0;

	if (dwarf_child(die, &d) == 0) {
		do {
			int t = dwarf_tag(&d);

			if (t == DW_TAG_subrange_type || t == DW_TAG_enumeration_type)
				n++;
		} while (dwarf_siblingof(&d, &d) == 0);
	}
	return n < 1 ? 1 : n > MAX_DIMS ? MAX_DIMS : n;
}

unsigned st_dwarf_ids_needed(Dwarf_Die *die)
{
	switch (dwarf_tag(die)) {
	case DW_TAG_base_type: case DW_TAG_pointer_type: case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type: case DW_TAG_const_type: case DW_TAG_volatile_type:
	case DW_TAG_restrict_type: case DW_TAG_typedef: case DW_TAG_structure_type:
	case DW_TAG_class_type: case DW_TAG_union_type: case DW_TAG_enumeration_type:
	case DW_TAG_subroutine_type:
		return 1;
	case DW_TAG_array_type:
		return (unsigned)count_dims(die);
	case DW_TAG_subprogram:
		return 2;
	}
	return 0;
}

static bool udata(Dwarf_Die *die, unsigned name, Dwarf_Word *v)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, name, &a) && dwarf_formudata(&a, v) == 0;
}

static bool flag(Dwarf_Die *die, unsigned name)
{
	Dwarf_Attribute a;
	bool f = false;

	return dwarf_attr(die, name, &a) && dwarf_formflag(&a, &f) == 0 && f;
}

static __u32 byte_size(Dwarf_Die *die)
{
	Dwarf_Word sz = 0;

	udata(die, DW_AT_byte_size, &sz);
	return sz > UINT_MAX ? 0 : (__u32)sz;
}

/* A placeholder that takes one id and keeps the size: an opaque struct. Used for types
 * BTF has no kind for (complex floats, _BitInt(N), odd-sized base types). */
static int emit_opaque(struct dwarf_conv *c, Dwarf_Die *die)
{
	int r = btf__add_struct(c->btf, dwarf_diename(die), byte_size(die));

	return r < 0 ? fail(c, die, "opaque", r) : 0;
}

static int emit_base(struct dwarf_conv *c, Dwarf_Die *die)
{
	const char *name = dwarf_diename(die);
	__u32 sz = byte_size(die);
	Dwarf_Word enc = 0;
	int r, e;

	udata(die, DW_AT_encoding, &enc);
	if (!name)
		return emit_opaque(c, die);
	if (enc == DW_ATE_float) {
		if (sz != 2 && sz != 4 && sz != 8 && sz != 12 && sz != 16)
			return emit_opaque(c, die);
		r = btf__add_float(c->btf, name, sz);
		return r < 0 ? fail(c, die, "float", r) : 0;
	}
	if (enc == DW_ATE_complex_float || (sz != 1 && sz != 2 && sz != 4 && sz != 8 && sz != 16))
		return emit_opaque(c, die);
	/* pahole's mapping: char is SIGNED or plain, never BTF_INT_CHAR. */
	e = enc == DW_ATE_boolean ? BTF_INT_BOOL :
	    (enc == DW_ATE_signed || enc == DW_ATE_signed_char) ? BTF_INT_SIGNED : 0;
	r = btf__add_int(c->btf, name, sz, e);
	return r < 0 ? fail(c, die, "int", r) : 0;
}

static int emit_ref(struct dwarf_conv *c, Dwarf_Die *die, int tag)
{
	__u32 t;
	int r;

	if (st_dwarf_plan_type_of(c, die, &t))
		return -1;
	switch (tag) {
	case DW_TAG_const_type:    r = btf__add_const(c->btf, (int)t); break;
	case DW_TAG_volatile_type: r = btf__add_volatile(c->btf, (int)t); break;
	case DW_TAG_restrict_type: r = btf__add_restrict(c->btf, (int)t); break;
	case DW_TAG_typedef:
		if (!dwarf_diename(die))
			return fail(c, die, "typedef", -22);
		r = btf__add_typedef(c->btf, dwarf_diename(die), (int)t);
		break;
	default:                   r = btf__add_ptr(c->btf, (int)t); break;
	}
	return r < 0 ? fail(c, die, "reference", r) : 0;
}

/* Bit offset of a member: DWARF4+ DW_AT_data_bit_offset, or the byte location plus the
 * DWARF2 DW_AT_bit_offset, which counts from the storage unit's most significant bit. */
static int member_bit_offset(struct dwarf_conv *c, Dwarf_Die *m, __u32 bit_size, Dwarf_Word *off)
{
	Dwarf_Attribute a;
	Dwarf_Word loc = 0, boff, storage;

	if (udata(m, DW_AT_data_bit_offset, off))
		return 0;
	if (dwarf_attr(m, DW_AT_data_member_location, &a)) {
		if (dwarf_formudata(&a, &loc)) {
			/* An expression: only the constant DW_OP_plus_uconst form is a fixed offset. */
			Dwarf_Op *ops;
			size_t n;

			if (dwarf_getlocation(&a, &ops, &n) || n != 1 ||
			    (ops[0].atom != DW_OP_plus_uconst && ops[0].atom != DW_OP_constu))
				return -1;
			loc = ops[0].number;
		}
	}
	*off = loc * 8;
	if (bit_size && udata(m, DW_AT_bit_offset, &boff)) {
		Dwarf_Die t;

		storage = byte_size(m);
		if (!storage && dwarf_attr_integrate(m, DW_AT_type, &a) && dwarf_formref_die(&a, &t)) {
			Dwarf_Die p;

			storage = dwarf_peel_type(&t, &p) == 0 ? byte_size(&p) : 0;
		}
		*off += c->big_endian ? boff : storage * 8 - boff - bit_size;
	}
	return 0;
}

struct member {
	const char *name;
	__u32 type;
	__u32 bit_size;
	__u64 bit_off;
};

static int emit_struct(struct dwarf_conv *c, Dwarf_Die *die, int tag)
{
	const char *name = dwarf_diename(die);
	struct member *ms = NULL;
	size_t n = 0, cap = 0, i;
	Dwarf_Die m;
	int r;

	if (flag(die, DW_AT_declaration)) {
		if (name)
			r = btf__add_fwd(c->btf, name, tag == DW_TAG_union_type ? BTF_FWD_UNION : BTF_FWD_STRUCT);
		else
			r = btf__add_struct(c->btf, NULL, 0);
		return r < 0 ? fail(c, die, "forward", r) : 0;
	}
	/* Member types are planned (ids only) before the struct is written: libbpf appends
	 * fields to the last added type. */
	if (dwarf_child(die, &m) == 0) {
		do {
			int mt = dwarf_tag(&m);
			Dwarf_Word bs = 0, bo = 0;

			if ((mt != DW_TAG_member && mt != DW_TAG_inheritance) ||
			    flag(&m, DW_AT_external) || flag(&m, DW_AT_declaration))
				continue;
			udata(&m, DW_AT_bit_size, &bs);
			if (member_bit_offset(c, &m, (__u32)bs, &bo))
				continue;  /* virtual base: no fixed place */
			if (n == cap) {
				struct member *p = realloc(ms, (cap = cap ? cap * 2 : 16) * sizeof(*p));

				if (!p) {
					free(ms);
					return st_err_set(c->err, 0, "out of memory");
				}
				ms = p;
			}
			ms[n].name = mt == DW_TAG_inheritance ? NULL : dwarf_diename(&m);
			ms[n].bit_size = (__u32)bs;
			ms[n].bit_off = bo;
			if (st_dwarf_plan_type_of(c, &m, &ms[n].type)) {
				free(ms);
				return -1;
			}
			n++;
		} while (dwarf_siblingof(&m, &m) == 0);
	}
	r = tag == DW_TAG_union_type ? btf__add_union(c->btf, name, byte_size(die))
				     : btf__add_struct(c->btf, name, byte_size(die));
	for (i = 0; r >= 0 && i < n; i++)
		r = btf__add_field(c->btf, ms[i].name, (int)ms[i].type, (__u32)ms[i].bit_off,
				   ms[i].bit_size);
	free(ms);
	return r < 0 ? fail(c, die, "struct/union", r) : 0;
}

/* Enumerator values: DW_FORM_sdata is signed; fixed-size data forms take the sign of the
 * enum's underlying type when DWARF names one (gcc does), else they are unsigned. */
static bool enum_signed(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Die t, p;
	Dwarf_Word enc = 0;

	if (!dwarf_attr_integrate(die, DW_AT_type, &a) || !dwarf_formref_die(&a, &t) ||
	    dwarf_peel_type(&t, &p))
		return false;
	udata(&p, DW_AT_encoding, &enc);
	return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
}

static __s64 enumerator_value(Dwarf_Die *e, bool sgn, __u32 size, bool *is_neg)
{
	Dwarf_Attribute a;
	Dwarf_Sword sv = 0;
	Dwarf_Word uv = 0;

	*is_neg = false;
	if (!dwarf_attr(e, DW_AT_const_value, &a))
		return 0;
	if (dwarf_whatform(&a) == DW_FORM_sdata || dwarf_whatform(&a) == DW_FORM_implicit_const) {
		dwarf_formsdata(&a, &sv);
		*is_neg = sv < 0;
		return sv;
	}
	dwarf_formudata(&a, &uv);
	if (sgn && size && size < 8 && (uv >> (size * 8 - 1)) & 1)
		uv |= ~0ULL << (size * 8);    /* sign-extend a fixed-size negative value */
	*is_neg = sgn && (__s64)uv < 0;
	return (__s64)uv;
}

static int emit_enum(struct dwarf_conv *c, Dwarf_Die *die)
{
	const char *name = dwarf_diename(die);
	__u32 size = byte_size(die);
	bool sgn = enum_signed(die), wide = false, neg;
	Dwarf_Die e;
	int r;

	if (flag(die, DW_AT_declaration) && name) {
		r = btf__add_fwd(c->btf, name, BTF_FWD_ENUM);
		return r < 0 ? fail(c, die, "enum forward", r) : 0;
	}
	if (!size)
		size = 4;
	/* First pass: does any value need ENUM64 (outside [INT_MIN, UINT_MAX])? */
	if (dwarf_child(die, &e) == 0) {
		do {
			__s64 v = enumerator_value(&e, sgn, size, &neg);

			if (dwarf_tag(&e) == DW_TAG_enumerator &&
			    (neg ? v < INT_MIN : (__u64)v > UINT_MAX))
				wide = true;
		} while (dwarf_siblingof(&e, &e) == 0);
	}
	r = wide ? btf__add_enum64(c->btf, name, size, sgn) : btf__add_enum(c->btf, name, size);
	if (r >= 0 && dwarf_child(die, &e) == 0) {
		do {
			__s64 v = enumerator_value(&e, sgn, size, &neg);

			if (dwarf_tag(&e) != DW_TAG_enumerator || !dwarf_diename(&e))
				continue;
			r = wide ? btf__add_enum64_value(c->btf, dwarf_diename(&e), (__u64)v)
				 : btf__add_enum_value(c->btf, dwarf_diename(&e), v);
		} while (r >= 0 && dwarf_siblingof(&e, &e) == 0);
	}
	return r < 0 ? fail(c, die, "enum", r) : 0;
}

static __u32 dim_count(Dwarf_Die *d)
{
	Dwarf_Attribute a;
	Dwarf_Word cnt = 0, lo = 0, hi;
	Dwarf_Sword shi;

	if (udata(d, DW_AT_count, &cnt))
		return cnt > UINT_MAX ? 0 : (__u32)cnt;
	if (!dwarf_attr(d, DW_AT_upper_bound, &a))
		return 0;                       /* flexible array member: [] */
	if (dwarf_whatform(&a) == DW_FORM_sdata) {
		if (dwarf_formsdata(&a, &shi) || shi < 0)
			return 0;
		hi = (Dwarf_Word)shi;
	} else if (dwarf_formudata(&a, &hi)) {
		return 0;                       /* variable length */
	}
	udata(d, DW_AT_lower_bound, &lo);
	cnt = hi - lo + 1;                      /* an all-ones upper bound wraps to 0: [] */
	return cnt > UINT_MAX ? 0 : (__u32)cnt;
}

static int emit_array(struct dwarf_conv *c, Dwarf_Die *die, __u32 id)
{
	__u32 dims[MAX_DIMS], elem;
	int n = 0, i, r = 0;
	Dwarf_Die d;

	if (st_dwarf_plan_type_of(c, die, &elem))
		return -1;
	if (dwarf_child(die, &d) == 0) {
		do {
			int t = dwarf_tag(&d);

			if ((t == DW_TAG_subrange_type || t == DW_TAG_enumeration_type) && n < MAX_DIMS)
				dims[n++] = t == DW_TAG_subrange_type ? dim_count(&d) : 0;
		} while (dwarf_siblingof(&d, &d) == 0);
	}
	if (!n)
		dims[n++] = 0;
	/* T a[2][3] is array(2) of array(3) of T: the outer dimension takes the planned id,
	 * each inner one the next id. */
	for (i = 0; i < n && r >= 0; i++)
		r = btf__add_array(c->btf, (int)c->index_id, i + 1 < n ? (int)(id + i + 1) : (int)elem,
				   dims[i]);
	return r < 0 ? fail(c, die, "array", r) : 0;
}

/* FUNC_PROTO from a subroutine type or a function: return type, then each formal
 * parameter (with its name when DWARF has one), "..." as a final void parameter. */
static int emit_proto(struct dwarf_conv *c, Dwarf_Die *die)
{
	__u32 ret, *types = NULL;
	const char **names = NULL;
	size_t n = 0, cap = 0, i;
	Dwarf_Die p;
	int r;

	if (st_dwarf_plan_type_of(c, die, &ret))
		return -1;
	if (dwarf_child(die, &p) == 0) {
		do {
			int t = dwarf_tag(&p);

			if (t != DW_TAG_formal_parameter && t != DW_TAG_unspecified_parameters)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				types = realloc(types, cap * sizeof(*types));
				names = realloc(names, cap * sizeof(*names));
				if (!types || !names) {
					free(types);
					free(names);
					return st_err_set(c->err, 0, "out of memory");
				}
			}
			names[n] = t == DW_TAG_formal_parameter ? dwarf_diename(&p) : NULL;
			types[n] = 0;
			if (t == DW_TAG_formal_parameter && st_dwarf_plan_type_of(c, &p, &types[n])) {
				free(types);
				free(names);
				return -1;
			}
			n++;
		} while (dwarf_siblingof(&p, &p) == 0);
	}
	r = btf__add_func_proto(c->btf, (int)ret);
	for (i = 0; r >= 0 && i < n; i++)
		r = btf__add_func_param(c->btf, names[i], (int)types[i]);
	free(types);
	free(names);
	return r < 0 ? fail(c, die, "prototype", r) : 0;
}

static int emit_func(struct dwarf_conv *c, Dwarf_Die *die, __u32 id)
{
	Dwarf_Attribute a;
	Dwarf_Addr pc;
	bool ext = false;
	int r;

	if (emit_proto(c, die))
		return -1;
	if (dwarf_attr_integrate(die, DW_AT_external, &a))
		dwarf_formflag(&a, &ext);
	r = btf__add_func(c->btf, dwarf_diename(die), ext ? BTF_FUNC_GLOBAL : BTF_FUNC_STATIC,
			  (int)id);
	if (r < 0)
		return fail(c, die, "function", r);
	/* Out-of-line code: its entry may carry other symbol names (see dwarf_btf_alias.c). */
	if (dwarf_lowpc(die, &pc) == 0 && st_dwarf_note_func(c, pc, dwarf_diename(die), id, ext))
		return st_err_set(c->err, 0, "out of memory");
	return 0;
}

int st_dwarf_emit(struct dwarf_conv *c, Dwarf_Die *die, __u32 id)
{
	int tag = dwarf_tag(die);

	switch (tag) {
	case DW_TAG_base_type:
		return emit_base(c, die);
	case DW_TAG_pointer_type: case DW_TAG_reference_type: case DW_TAG_rvalue_reference_type:
	case DW_TAG_const_type: case DW_TAG_volatile_type: case DW_TAG_restrict_type:
	case DW_TAG_typedef:
		return emit_ref(c, die, tag);
	case DW_TAG_structure_type: case DW_TAG_class_type: case DW_TAG_union_type:
		return emit_struct(c, die, tag);
	case DW_TAG_enumeration_type:
		return emit_enum(c, die);
	case DW_TAG_array_type:
		return emit_array(c, die, id);
	case DW_TAG_subroutine_type:
		return emit_proto(c, die);
	case DW_TAG_subprogram:
		return emit_func(c, die, id);
	}
	return st_err_set(c->err, 0, "internal: DIE tag 0x%x was planned but has no emitter", tag);
}
