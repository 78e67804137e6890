/* x86_64: arguments in di si dx cx r8 r9, the 7th onward on the stack above the return
 * address, so at function entry %6 is $stack1. arm64: x0-x7, the 9th onward at sp, so %8
 * is $stack0. */
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
	"x25", "x26", "x27", "x28", "x29", "x30", "sp", "pc", "pstate", "lr", "fp",
};

static const struct st_arch arches[] = {
	{ "x86_64", x86_args, 6, x86_regs, sizeof(x86_regs) / sizeof(x86_regs[0]), 1 },
	{ "aarch64", arm64_args, 8, arm64_regs, sizeof(arm64_regs) / sizeof(arm64_regs[0]), 0 },
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

int st_arch_has_reg(const struct st_arch *a, const char *reg)
{
	size_t i;

	for (i = 0; i < a->nregs; i++)
		if (!strcmp(a->regs[i], reg))
			return 1;
	return 0;
}
