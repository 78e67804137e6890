// SPDX-License-Identifier: MIT
/* The last step of a value: its fetch text and kernel type (u32, string, b3@4/32, x64[8]),
 * with the user's S/U/X choice. */
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "compile/value.h"
#include "compile/value_int.h"
#include "types/types.h"

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

/* Kernel scalar type ("u32", "s8", "x64") for a BTF type, NULL when not a scalar. */
static const char *st_scalar_ktype(const struct btf *btf, __u32 id, char fmt)
{
	const struct btf_type *t = st_val_tof(btf, st_btf_skip_mods(btf, id));

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
			const struct btf_type *m0 = st_val_tof(btf, st_btf_skip_mods(btf, btf_members(t)->type));

			if (m0 && btf_is_int(m0) && m0->size == t->size)
				sign = (BTF_INT_ENCODING(*(const __u32 *)(m0 + 1)) & BTF_INT_SIGNED) != 0;
		}
		return int_ktype((int)t->size, sign, fmt);
	}
	return NULL;
}


/* A member of a struct held in registers: the register that holds its bytes, read whole
 * (the fetch type keeps the low bytes) or, when it starts inside the register or is a
 * bitfield, as a bitfield of the 64-bit register. */
static int emit_from_regs(const struct st_vctx *c, const struct st_val *v, char fmt, int col,
			  char *fetch, size_t nfetch, char *ktype, size_t nktype,
			  struct st_err *err)
{
	const struct btf_type *t = st_val_resolved(v, NULL);
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
		st_val_set_text(whole.fetch, sizeof(whole.fetch), v->regs[idx]);
		return st_val_emit(c, &whole, fmt, col, fetch, nfetch, ktype, nktype, err);
	}
	if (t && (btf_is_array(t) || btf_is_composite(t) || btf_is_ptr(t)))
		return st_err_set(err, col, "only whole registers and integer members can be read "
				  "from a struct held in registers");
	snprintf(fetch, nfetch, "%s", v->regs[idx]);
	snprintf(ktype, nktype, "b%ld@%ld/64", bits, bit);
	return 0;
}

/* A bitfield: its declared type's aligned container, widened until the field fits. */
static int emit_bitfield(const struct st_val *v, int col, char *fetch, size_t nfetch,
			 char *ktype, size_t nktype, struct st_err *err)
{
	const struct btf_type *bt = st_val_tof(v->btf, st_btf_skip_mods(v->btf, v->id));
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

/* An array in memory: a string when of plain char, else up to 64 scalars. */
static int emit_array(const struct st_vctx *c, const struct st_val *v, const struct btf_type *t,
		      const char *load, char fmt, int col, char *fetch, size_t nfetch,
		      char *ktype, size_t nktype, struct st_err *err)
{
	const struct btf_array *arr = btf_array(t);
	const char *kt;
	char d[256];

	if (v->loc == ST_LOC_RVALUE)
		return st_err_set(err, col, "an array must be in memory");
	if (st_val_plain_char(v->btf, arr->type) && !fmt) {
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

/* A value that is not one scalar: say so, and name a member to pick. */
static int not_scalar(const struct st_val *v, const struct btf_type *t, int col,
		      struct st_err *err)
{
	char d[256];

	st_val_describe(v, d, sizeof(d));
	if (t && (btf_is_struct(t) || btf_is_union(t)) && btf_vlen(t)) {
		const char *m0 = btf__name_by_offset(v->btf, btf_members(t)->name_off);

		return st_err_set(err, col, "%s (%u bytes) cannot be printed as one value; pick "
				  "a member%s%s%s", d, t->size, *m0 ? ", e.g. '." : "",
				  m0, *m0 ? "'" : "");
	}
	return st_err_set(err, col, "%s cannot be printed as a value", d);
}

/* A value with a BTF type (not a bitfield): pointer casts, arrays, strings, scalars. */
static int emit_typed(const struct st_vctx *c, const struct st_val *v, const char *load,
		      char fmt, int col, char *fetch, size_t nfetch, char *ktype, size_t nktype,
		      struct st_err *err)
{
	const struct btf_type *t;
	const char *kt;

	if (v->nptr) {
		/* cast to a pointer type */
		if (v->nptr == 1 && st_val_string_target(v->btf, v->id) && !fmt) {
			snprintf(fetch, nfetch, "+0(%s)", load);
			snprintf(ktype, nktype, "%s", v->user ? "ustring" : "string");
			return 0;
		}
		snprintf(fetch, nfetch, "%s", load);
		snprintf(ktype, nktype, "%s", int_ktype(8, fmt == 'S', fmt ? fmt : 'X'));
		return 0;
	}
	t = st_val_resolved(v, NULL);
	if (t && btf_is_array(t))
		return emit_array(c, v, t, load, fmt, col, fetch, nfetch, ktype, nktype, err);
	if (t && btf_is_ptr(t) && st_val_string_target(v->btf, t->type) && !fmt) {
		snprintf(fetch, nfetch, "+0(%s)", load);
		snprintf(ktype, nktype, "%s", v->user && !c->uprobe ? "ustring" : "string");
		return 0;
	}
	kt = st_scalar_ktype(v->btf, v->id, fmt);
	if (!kt)
		return not_scalar(v, t, col, err);
	snprintf(fetch, nfetch, "%s", load);
	snprintf(ktype, nktype, "%s", kt);
	return 0;
}

int st_val_emit(const struct st_vctx *c, const struct st_val *v, char fmt, int col,
		char *fetch, size_t nfetch, char *ktype, size_t nktype, struct st_err *err)
{
	char load[800];

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
		st_val_set_text(load, sizeof(load), v->fetch);
	else
		st_val_load_text(v, load, sizeof(load));
	if (v->xdata == -1) {          /* skb Sdata */
		snprintf(fetch, nfetch, "%s", load);
		snprintf(ktype, nktype, "string");
		return 0;
	}
	if (v->xdata > 0)
		return st_err_set(err, col, "packet data needs an index, e.g. sdata[0]");
	if (v->bit_size)
		return emit_bitfield(v, col, fetch, nfetch, ktype, nktype, err);
	if (!v->btf) {
		snprintf(fetch, nfetch, "%s", load);
		snprintf(ktype, nktype, "%s", fmt == 'S' ? "s64" : fmt == 'X' ? "x64" : "u64");
		return 0;
	}
	return emit_typed(c, v, load, fmt, col, fetch, nfetch, ktype, nktype, err);
}
