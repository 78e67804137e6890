/* Register sets and calling conventions of the architectures we translate for. */
#ifndef ST_COMPILE_ARCH_H
#define ST_COMPILE_ARCH_H
#include <stddef.h>

struct st_arch {
	const char *name;
	const char *const *argregs;   /* fetch names of the argument registers, in order */
	int nargregs;
	const char *const *regs;      /* every register name kprobe_events accepts */
	size_t nregs;
	int stack_first;              /* $stackN of the first stack-passed argument at entry */
};

/* True when reg (without '%') is a register of the arch. */
int st_arch_has_reg(const struct st_arch *a, const char *reg);

#endif
