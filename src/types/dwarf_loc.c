// SPDX-License-Identifier: MIT
/* Argument locations at an address, from DWARF location lists (libdw). */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "types/dwarf_loc.h"

struct st_dwarf_file {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	char *path;
};

static char *debuginfo_path;
static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

Dwfl *st_dwfl_open_offline(const char *path, Dwfl_Module **mod, struct st_err *err)
{
	Dwfl *dwfl = dwfl_begin(&offline_callbacks);

	if (!dwfl) {
		st_err_set(err, 0, "libdwfl: %s", dwfl_errmsg(-1));
		return NULL;
	}
	*mod = dwfl_report_offline(dwfl, "", path, -1);
	if (!*mod || dwfl_report_end(dwfl, NULL, NULL)) {
		st_err_set(err, 0, "cannot read '%s': %s", path, dwfl_errmsg(-1));
		dwfl_end(dwfl);
		return NULL;
	}
	return dwfl;
}

int st_dwfl_func_addr(Dwfl_Module *mod, const char *func, GElf_Addr *addr)
{
	int n = dwfl_module_getsymtab(mod), i;

	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		const char *nm = dwfl_module_getsym_info(mod, i, &sym, addr, NULL, NULL, NULL);

		if (nm && !strcmp(nm, func) && GELF_ST_TYPE(sym.st_info) == STT_FUNC &&
		    sym.st_shndx != SHN_UNDEF)
			return 0;
	}
	return -1;
}

struct st_dwarf_file *st_dwarf_file_open(const char *path, struct st_err *err)
{
	struct st_dwarf_file *f = calloc(1, sizeof(*f));
	Dwarf_Addr bias;

	if (!f) {
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	f->dwfl = st_dwfl_open_offline(path, &f->mod, err);
	if (!f->dwfl) {
		free(f);
		return NULL;
	}
	if (!dwfl_module_getdwarf(f->mod, &bias)) {
		st_err_set(err, 0, "%s has no DWARF debug info", path);
		st_dwarf_file_close(f);
		return NULL;
	}
	f->path = strdup(path);
	return f;
}

void st_dwarf_file_close(struct st_dwarf_file *f)
{
	if (!f)
		return;
	dwfl_end(f->dwfl);
	free(f->path);
	free(f);
}

/* The formal parameter argn of a subprogram (in declaration order), or -1. */
static int nth_param(Dwarf_Die *sub, int argn, Dwarf_Die *out)
{
	Dwarf_Die child;
	int i = 0;

	if (dwarf_child(sub, &child) != 0)
		return -1;
	do {
		if (dwarf_tag(&child) != DW_TAG_formal_parameter)
			continue;
		if (i++ == argn) {
			*out = child;
			return 0;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return -1;
}

/* A register plus offset from a one-op DWARF expression (DW_OP_bregN/bregx/regN). */
static int reg_plus(const Dwarf_Op *ops, size_t n, int *reg, long *off)
{
	uint8_t a = n == 1 ? ops[0].atom : 0;

	if (a >= DW_OP_breg0 && a <= DW_OP_breg31) {
		*reg = a - DW_OP_breg0;
		*off = (long)ops[0].number;
	} else if (a == DW_OP_bregx) {
		*reg = (int)ops[0].number;
		*off = (long)ops[0].number2;
	} else if (a >= DW_OP_reg0 && a <= DW_OP_reg31) {
		*reg = a - DW_OP_reg0;
		*off = 0;
	} else {
		return -1;
	}
	return 0;
}

/* The canonical frame address at pc as register + offset, from the call frame information
 * (.debug_frame, else .eh_frame). */
static int cfa_at(Dwfl_Module *mod, Dwarf_Addr pc, int *reg, long *off)
{
	Dwarf_Addr bias;
	Dwarf_CFI *cfi;
	Dwarf_Frame *frame = NULL;
	Dwarf_Op *ops;
	size_t n;
	int i, r = -1;

	for (i = 0; i < 2 && r; i++) {
		cfi = i ? dwfl_module_eh_cfi(mod, &bias) : dwfl_module_dwarf_cfi(mod, &bias);
		if (!cfi || dwarf_cfi_addrframe(cfi, pc - bias, &frame))
			continue;
		if (!dwarf_frame_cfa(frame, &ops, &n))
			r = reg_plus(ops, n, reg, off);
		free(frame);
		frame = NULL;
	}
	return r;
}

/* Where DW_OP_fbreg counts from at pc: the function's DW_AT_frame_base. */
struct frame_base {
	Dwfl_Module *mod;
	Dwarf_Die *sub;
	Dwarf_Addr pc;       /* address in the module (for the CFI) */
	Dwarf_Addr dwpc;     /* the same in DWARF's addresses */
};

static int frame_base_at(const struct frame_base *fb, int *reg, long *off)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr_integrate(fb->sub, DW_AT_frame_base, &attr) ||
	    dwarf_getlocation_addr(&attr, fb->dwpc, &ops, &n, 1) != 1)
		return -1;
	if (n == 1 && ops[0].atom == DW_OP_call_frame_cfa)
		return cfa_at(fb->mod, fb->pc, reg, off);
	return reg_plus(ops, n, reg, off);
}

/* One DWARF expression -> a location a probe can read. */
static int expr_loc(const Dwarf_Op *ops, size_t n, const struct frame_base *fb,
		    struct st_dwarf_loc *out, const char *what, struct st_err *err)
{
	uint8_t a = n ? ops[0].atom : 0;
	int reg;
	long off;

	if (n == 1 && a >= DW_OP_reg0 && a <= DW_OP_reg31) {
		*out = (struct st_dwarf_loc){ ST_DLOC_REG, a - DW_OP_reg0, 0 };
		return 0;
	}
	if (n == 1 && a == DW_OP_regx) {
		*out = (struct st_dwarf_loc){ ST_DLOC_REG, (int)ops[0].number, 0 };
		return 0;
	}
	if (n == 1 && a >= DW_OP_breg0 && a <= DW_OP_breg31) {
		*out = (struct st_dwarf_loc){ ST_DLOC_MEM, a - DW_OP_breg0, (long)ops[0].number };
		return 0;
	}
	/* breg N, 0; stack_value: the register itself */
	if (n == 2 && a >= DW_OP_breg0 && a <= DW_OP_breg31 && !ops[0].number &&
	    ops[1].atom == DW_OP_stack_value) {
		*out = (struct st_dwarf_loc){ ST_DLOC_REG, a - DW_OP_breg0, 0 };
		return 0;
	}
	if (n && (a == DW_OP_entry_value || a == DW_OP_GNU_entry_value))
		return st_err_set(err, 0, "%s is no longer held anywhere there (DWARF knows only its "
				  "value at entry)", what);
	if (n == 1 && a == DW_OP_fbreg) {
		if (frame_base_at(fb, &reg, &off))
			return st_err_set(err, 0, "%s is in the stack frame there (DW_OP_fbreg), whose "
					  "base the call frame information does not give as a "
					  "register plus offset", what);
		*out = (struct st_dwarf_loc){ ST_DLOC_MEM, reg, off + (long)ops[0].number };
		return 0;
	}
	if (n && (a == DW_OP_piece || (n > 1 && ops[1].atom == DW_OP_piece)))
		return st_err_set(err, 0, "%s is split over several places there (DW_OP_piece)", what);
	return st_err_set(err, 0, "%s has a computed location there (DWARF op 0x%x) that a "
			  "probe cannot read", what, a);
}

int st_dwarf_arg_at(struct st_dwarf_file *f, const char *func, long off, int argn,
		    struct st_dwarf_loc *out, struct st_err *err)
{
	GElf_Addr addr;
	Dwarf_Addr bias, pc;
	Dwarf_Die *cu, *scopes = NULL, param, *sub = NULL, subdie;
	Dwarf_Attribute attr;
	Dwarf_Op *expr;
	size_t len;
	char what[160];
	const char *pname;
	int ns, i, r;

	if (st_dwfl_func_addr(f->mod, func, &addr))
		return st_err_set(err, 0, "no function '%s' in the symbols of %s", func, f->path);
	pc = addr + (GElf_Addr)off;
	cu = dwfl_module_addrdie(f->mod, pc, &bias);
	if (!cu)
		return st_err_set(err, 0, "no DWARF unit covers %s+%ld in %s", func, off, f->path);
	ns = dwarf_getscopes(cu, pc - bias, &scopes);
	/* the outermost function around pc: inlined callees have their own parameters */
	for (i = ns - 1; i >= 0; i--)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			sub = &scopes[i];
			break;
		}
	if (!sub) {
		free(scopes);
		return st_err_set(err, 0, "no DWARF function covers %s+%ld", func, off);
	}
	subdie = *sub;
	r = nth_param(&subdie, argn, &param);
	free(scopes);
	if (r)
		return st_err_set(err, 0, "DWARF of %s has no argument %d", func, argn);
	pname = dwarf_attr_integrate(&param, DW_AT_name, &attr) ? dwarf_formstring(&attr) : NULL;
	snprintf(what, sizeof(what), "argument %d%s%s%s of %s at +%ld", argn, pname ? " ('" : "",
		 pname ? pname : "", pname ? "')" : "", func, off);
	if (!dwarf_attr(&param, DW_AT_location, &attr))
		return st_err_set(err, 0, "%s is optimized out (no DWARF location)", what);
	r = dwarf_getlocation_addr(&attr, pc - bias, &expr, &len, 1);
	if (r < 0)
		return st_err_set(err, 0, "DWARF location of %s: %s", what, dwarf_errmsg(-1));
	if (r == 0)
		return st_err_set(err, 0, "%s is optimized out there (not in its location list)", what);
	{
		struct frame_base fb = { f->mod, &subdie, pc, pc - bias };

		return expr_loc(expr, len, &fb, out, what, err);
	}
}

const char *st_kernel_vmlinux(char *buf, size_t n, bool debug_only)
{
	static const char *const fmt[] = {
		"/usr/lib/debug/boot/vmlinux-%s", "/usr/lib/debug/lib/modules/%s/vmlinux",
		"/boot/vmlinux-%s", "/lib/modules/%s/build/vmlinux",
	};
	struct utsname u;
	size_t i;

	if (uname(&u))
		return NULL;
	for (i = 0; i < (debug_only ? 2 : sizeof(fmt) / sizeof(fmt[0])); i++) {
		snprintf(buf, n, fmt[i], u.release);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	return NULL;
}
