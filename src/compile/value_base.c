// SPDX-License-Identifier: MIT
/* The base of a value: %N and $name arguments by the calling convention (or DWARF past the
 * entry), registers, $retval, $stack, $comm, @symbol, @address, and a cast over it. */
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "compile/arch.h"
#include "compile/compile.h"
#include "compile/value.h"
#include "compile/value_int.h"
#include "types/dwarf_loc.h"
#include "types/types.h"
#include "types/usym.h"

static int proto_param(const struct st_vctx *c, int n, __u32 *type)
{
	const struct btf_type *p = st_val_tof(c->proto_btf, c->proto_id);
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
	const struct btf_type *p = st_val_tof(c->proto_btf, c->proto_id);
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
	const struct btf_type *t = st_val_tof(btf, st_btf_skip_mods(btf, id));
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
	const struct btf_type *p = st_val_tof(c->proto_btf, c->proto_id), *r;

	if (!p || !p->type)
		return false;
	r = st_val_tof(c->proto_btf, st_btf_skip_mods(c->proto_btf, p->type));
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
		t = st_val_tof(c->proto_btf, rid);
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
		st_val_set_text(v->fetch, sizeof(v->fetch), v->regs[0]);
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
			pt = st_val_tof(c->proto_btf, st_btf_skip_mods(c->proto_btf, type));
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
		const struct btf_type *pt = st_val_tof(c->proto_btf, st_btf_skip_mods(c->proto_btf, type));

		v->btf = c->proto_btf;
		v->id = type;
		/* user memory: a __user type tag, or a syscall's string argument (kernels built
		 * with gcc carry no type tags) */
		if (!c->uprobe && (st_btf_is_user(c->proto_btf, type) ||
				   (c->syscall && pt && btf_is_ptr(pt) &&
				    st_val_plain_char(c->proto_btf, pt->type))))
			v->user = true;
	}
	return 0;
}

static int argname_fetch(const struct st_vctx *c, const struct st_expr *e, struct st_val *v,
			 struct st_err *err)
{
	const struct btf_type *p = st_val_tof(c->proto_btf, c->proto_id);
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

/* %reg: a register of the arch (or an alias such as %ax on arm64), with a suggestion. */
static int base_reg(const struct st_vctx *c, const struct st_expr *e, struct st_val *v,
		    struct st_err *err)
{
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
	return 0;
}

/* $retval of a function returning struct r: in %ax:%dx (x0:x1) up to 16 bytes, else in
 * memory whose address %ax holds (x86) or which is gone at return (arm64). */
static int retval_struct(const struct st_vctx *c, const struct st_expr *e,
			 const struct btf_type *r, struct st_val *v, struct st_err *err)
{
	if (!big_struct_return(c)) {        /* %ax:%dx, x0:x1 */
		v->loc = ST_LOC_REGS;
		v->off = 0;
		v->nregs = r->size > 8 ? 2 : 1;
		snprintf(v->regs[0], sizeof(v->regs[0]), "$retval");
		snprintf(v->regs[1], sizeof(v->regs[1]), "%%%s", c->arch->ret2);
	} else if (!c->arch->aapcs64) {
		v->loc = ST_LOC_MEM;        /* %ax holds the copy's address */
		v->off = 0;
	} else {
		return st_err_set(err, e->base_col, "%s returns a struct of more than 16 bytes "
				  "through memory whose address is gone at return on %s", c->func,
				  st_arch_name(c->arch));
	}
	return 0;
}

static int base_retval(const struct st_vctx *c, const struct st_expr *e, struct st_val *v,
		       struct st_err *err)
{
	const struct btf_type *p = st_val_tof(c->proto_btf, c->proto_id), *r;

	if (c->line_type != 'r' && c->line_type != 'R')
		return st_err_set(err, e->base_col, "$retval exists only in return probes "
				  "(r and R lines)");
	if (p && !p->type)
		return st_err_set(err, e->base_col, "%s returns void: there is no $retval to "
				  "read", c->func);
	snprintf(v->fetch, sizeof(v->fetch), "$retval");
	if (!p || !p->type)
		return 0;
	r = st_val_tof(c->proto_btf, st_btf_skip_mods(c->proto_btf, p->type));
	v->btf = c->proto_btf;
	v->id = p->type;
	if (r && btf_is_composite(r))
		return retval_struct(c, e, r, v, err);
	return 0;
}

/* @symbol: a kernel symbol (typed when BTF has the variable) or a user binary's symbol at
 * its file offset. */
static int base_symbol(const struct st_vctx *c, const struct st_expr *e, struct st_val *v,
		       struct st_err *err)
{
	struct st_tref r;
	unsigned long long fo;

	if (c->uprobe) {
		if (st_usym_offset(c->binary, e->name, 0, e->num, &fo, err)) {
			err->col = e->base_col;
			return -1;
		}
		v->loc = ST_LOC_ABS;
		v->abs = fo;
		snprintf(v->sym, sizeof(v->sym), "+");
		return 0;
	}
	v->loc = ST_LOC_SYM;
	snprintf(v->sym, sizeof(v->sym), "%s", e->name);
	v->off = e->num;
	if (!st_types_var(c->types, e->name, &r)) {
		v->btf = r.btf;
		v->id = r.id;
	}
	return 0;
}

/* !(type)base, or the sk_buff type given after an skb cast's layer. */
static int apply_cast(const struct st_vctx *c, const struct st_expr *e, struct st_val *v,
		      struct st_err *err)
{
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
	return 0;
}

static int base_of(const struct st_vctx *c, const struct st_expr *e, struct st_val *v,
		   struct st_err *err)
{
	switch (e->base) {
	case ST_BASE_ARGN:
		return arg_fetch(c, e->num, e->base_col, v, err);
	case ST_BASE_ARGNAME:
		return argname_fetch(c, e, v, err);
	case ST_BASE_REG:
		return base_reg(c, e, v, err);
	case ST_BASE_RETVAL:
		return base_retval(c, e, v, err);
	case ST_BASE_STACK:
		if (e->num < 0)
			snprintf(v->fetch, sizeof(v->fetch), "$stack");
		else
			snprintf(v->fetch, sizeof(v->fetch), "$stack%ld", e->num);
		return 0;
	case ST_BASE_COMM:
		snprintf(v->fetch, sizeof(v->fetch), "$comm");
		v->is_comm = true;
		return 0;
	case ST_BASE_SYMBOL:
		return base_symbol(c, e, v, err);
	case ST_BASE_ADDR:
		v->loc = ST_LOC_ABS;
		v->abs = e->addr;
		return 0;
	}
	return 0;
}

int st_val_base(const struct st_vctx *c, const struct st_expr *e, struct st_val *v,
		struct st_err *err)
{
	memset(v, 0, sizeof(*v));
	v->loc = ST_LOC_RVALUE;
	if (base_of(c, e, v, err))
		return -1;
	if (e->cast == ST_CAST_TYPE || (e->cast == ST_CAST_SKB && e->base_type))
		return apply_cast(c, e, v, err);
	return 0;
}
