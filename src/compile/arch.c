// SPDX-License-Identifier: MIT
/* x86_64: arguments in di si dx cx r8 r9, the 7th onward on the stack above the return
 * address, so at function entry %6 is $stack1. arm64: x0-x7, the 9th onward at sp, so %8
 * is $stack0. Structs passed by value shift that: see st_arch_place. */
#include <string.h>
#include "compile/arch.h"
#include "compile/compile.h"

static const char *const x86_args[] = { "di", "si", "dx", "cx", "r8", "r9" };
static const char *const x86_regs[] = {
	"ax", "bx", "cx", "dx", "si", "di", "bp", "sp", "r8", "r9", "r10", "r11", "r12",
	"r13", "r14", "r15", "ip", "flags", "cs", "ss", "ds", "es", "fs", "gs", "orig_ax",
};
static const char *const arm64_args[] = { "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7" };
static const char *const arm64_regs[] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
	"x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24",
	"x25", "x26", "x27", "x28", "x29", "x30", "sp", "pc", "pstate",
};
/* Names arm64 code uses that the kernel's regs_query_register_offset does not know. */
static const char *const arm64_alias[] = { "fp", "x29", "lr", "x30", NULL };

/* DWARF register numbers: x86_64 psABI 3.38, AAPCS64 DWARF (x0-x30, sp). */
static const char *const x86_dwarf[] = {
	"ax", "dx", "cx", "bx", "si", "di", "bp", "sp", "r8", "r9", "r10", "r11", "r12", "r13",
	"r14", "r15",
};
static const char *const arm64_dwarf[] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
	"x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24",
	"x25", "x26", "x27", "x28", "x29", "x30", "sp",
};
#define N(a) (int)(sizeof(a) / sizeof(a[0]))

static const struct st_arch arches[] = {
	{ "x86_64", x86_args, 6, x86_regs, sizeof(x86_regs) / sizeof(x86_regs[0]), 1, false, "dx",
	  x86_dwarf, N(x86_dwarf), NULL, 8 },
	{ "aarch64", arm64_args, 8, arm64_regs, sizeof(arm64_regs) / sizeof(arm64_regs[0]), 0, true,
	  "x1", arm64_dwarf, N(arm64_dwarf), arm64_alias, 8 },
};

const struct st_arch *st_arch_find(const char *name)
{
	if (!name) {
#if defined(__aarch64__)
		return &arches[1];
#else
		return &arches[0];
#endif
	}
	if (!strcmp(name, "x86_64") || !strcmp(name, "x86") || !strcmp(name, "amd64"))
		return &arches[0];
	if (!strcmp(name, "aarch64") || !strcmp(name, "arm64"))
		return &arches[1];
	return NULL;
}

const char *st_arch_name(const struct st_arch *a)
{
	return a->name;
}

const char *st_arch_reg_alias(const struct st_arch *a, const char *reg)
{
	const char *const *p;

	for (p = a->aliases; p && *p; p += 2)
		if (!strcmp(p[0], reg))
			return p[1];
	return NULL;
}

int st_arch_has_reg(const struct st_arch *a, const char *reg)
{
	size_t i;

	for (i = 0; i < a->nregs; i++)
		if (!strcmp(a->regs[i], reg))
			return 1;
	return 0;
}

static size_t round_up(size_t v, size_t a)
{
	return a ? (v + a - 1) / a * a : v;
}

/* x86_64 SysV: INTEGER-class eightbytes take the next free registers; a struct over 16
 * bytes, or one whose eightbytes do not all fit, goes to memory (the whole of it), and later
 * scalars may still use registers. arm64 AAPCS64: a struct over 16 bytes is copied and
 * passed by reference; 16-byte-aligned pairs start at an even register; a struct that does
 * not fit closes the registers (NGRN = 8). Stack slots are 8 bytes, 16-aligned types 16. */
void st_arch_place(const struct st_arch *a, const struct st_argclass *cls, int n,
		   bool big_ret, struct st_argloc *out)
{
	bool arm = a->aapcs64;
	int ngr = big_ret && !arm ? 1 : 0, i;
	size_t soff = 0;

	for (i = 0; i <= n; i++) {
		const struct st_argclass *c = &cls[i];
		struct st_argloc l = { -1, 0, 0, false, false };
		size_t size = c->size ? c->size : 8, words;
		bool stack = false;

		if (c->fp) {
			l.fp = true;           /* xmm/v registers (or the stack when those run out) */
		} else if (arm && c->composite && size > 16) {
			l.byref = true;        /* the address of a copy, as one pointer argument */
			if (ngr < a->nargregs) {
				l.reg = ngr++;
				l.nregs = 1;
			} else {
				stack = true;
				size = 8;
			}
		} else {
			words = (size + 7) / 8;
			if (arm && words == 2 && c->align >= 16)
				ngr = (int)round_up((size_t)ngr, 2);
			if ((!c->composite || size <= 16) && words <= 2 &&
			    ngr + (int)words <= a->nargregs) {
				l.reg = ngr;
				l.nregs = (int)words;
				ngr += (int)words;
			} else {
				stack = true;
				if (arm && c->composite)
					ngr = a->nargregs;
			}
		}
		if (stack) {
			soff = round_up(soff, c->align >= 16 ? 16 : 8);
			l.stack_off = (long)soff + a->stack_first * 8;
			soff += round_up(size, 8);
		}
		if (i == n)
			*out = l;
	}
}
