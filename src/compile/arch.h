/* SPDX-License-Identifier: MIT */
/* Register sets and calling conventions of the architectures we translate for. */
#ifndef ST_COMPILE_ARCH_H
#define ST_COMPILE_ARCH_H
#include <stdbool.h>
#include <stddef.h>

struct st_arch {
	const char *name;
	const char *const *argregs;   /* fetch names of the argument registers, in order */
	int nargregs;
	const char *const *regs;      /* every register name kprobe_events accepts */
	size_t nregs;
	int stack_first;              /* $stackN of the first stack-passed argument at entry */
	bool aapcs64;                 /* arm64's calling convention, else x86_64 SysV */
	const char *ret2;             /* bytes 8-15 of a struct returned in a register pair */
	const char *const *dwarf_regs;/* fetch names by DWARF register number (psABI order) */
	int ndwarf_regs;
	const char *const *aliases;   /* NULL-ended pairs: a name users write, the kernel's name */
	int ptr_size;                 /* bytes of a pointer (an element of a pointer array) */
};

/* One parameter as the calling convention sees it (kernel code passes no floats; user code
 * may: those travel in FP/SIMD registers kprobes cannot read). */
struct st_argclass {
	size_t size, align;
	bool composite;               /* struct or union passed by value */
	bool fp;                      /* float/double */
};

/* Where an argument is at function entry. */
struct st_argloc {
	int reg;                      /* first argument register (index into argregs), or -1 */
	int nregs;                    /* registers it takes (a 9..16-byte struct: 2) */
	long stack_off;               /* reg < 0: byte offset from the stack pointer at entry */
	bool byref;                   /* arm64, struct over 16 bytes: the register or stack slot
				       * holds the address of a copy */
	bool fp;                      /* in an FP/SIMD register: not readable */
};

/* Place parameter n given the classes of parameters 0..n (x86_64 SysV / AAPCS64).
 * big_ret: the function returns a struct over 16 bytes (x86_64 passes its address as a
 * hidden first argument in %di and returns it in %ax; arm64 uses x8 and returns nothing). */
void st_arch_place(const struct st_arch *a, const struct st_argclass *cls, int n,
		   bool big_ret, struct st_argloc *out);


/* The kernel's name for an alias users write (arm64 "fp" -> "x29", "lr" -> "x30"), or NULL. */
const char *st_arch_reg_alias(const struct st_arch *a, const char *reg);

/* True when reg (without '%') is a register of the arch. */
int st_arch_has_reg(const struct st_arch *a, const char *reg);

#endif
