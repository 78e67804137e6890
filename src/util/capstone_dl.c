// SPDX-License-Identifier: MIT
#include <dlfcn.h>
#include <elf.h>
#include <stddef.h>
#include "util/capstone_dl.h"

static struct {
	void *lib;
	cs_err (*open)(cs_arch, cs_mode, csh *);
	cs_err (*option)(csh, cs_opt_type, size_t);
	cs_insn *(*malloc)(csh);
	bool (*disasm_iter)(csh, const uint8_t **, size_t *, uint64_t *, cs_insn *);
	void (*free)(cs_insn *, size_t);
	cs_err (*close)(csh *);
} cs;

int st_cs_load(void)
{
	static const char *const names[] = { "libcapstone.so.4", "libcapstone.so.5", "libcapstone.so" };
	size_t i;

	if (cs.lib)
		return 0;
#ifdef ST_CAPSTONE_LINKED
	/* The static build (kernel lab) links libcapstone.a: a static binary cannot dlopen. */
	cs.open = cs_open;
	cs.option = cs_option;
	cs.malloc = cs_malloc;
	cs.disasm_iter = cs_disasm_iter;
	cs.free = cs_free;
	cs.close = cs_close;
	cs.lib = &cs;
	return 0;
#endif
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && !cs.lib; i++)
		cs.lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!cs.lib)
		return -1;
	*(void **)&cs.open = dlsym(cs.lib, "cs_open");
	*(void **)&cs.option = dlsym(cs.lib, "cs_option");
	*(void **)&cs.malloc = dlsym(cs.lib, "cs_malloc");
	*(void **)&cs.disasm_iter = dlsym(cs.lib, "cs_disasm_iter");
	*(void **)&cs.free = dlsym(cs.lib, "cs_free");
	*(void **)&cs.close = dlsym(cs.lib, "cs_close");
	if (!cs.open || !cs.option || !cs.malloc || !cs.disasm_iter || !cs.free || !cs.close) {
		dlclose(cs.lib);
		cs.lib = NULL;
		return -1;
	}
	return 0;
}

cs_err st_cs_open(cs_arch arch, cs_mode mode, csh *handle) { return cs.open(arch, mode, handle); }
cs_err st_cs_option(csh h, cs_opt_type type, size_t value) { return cs.option(h, type, value); }
cs_insn *st_cs_malloc(csh h) { return cs.malloc(h); }
bool st_cs_disasm_iter(csh h, const uint8_t **code, size_t *size, uint64_t *address, cs_insn *insn)
{
	return cs.disasm_iter(h, code, size, address, insn);
}
void st_cs_free(cs_insn *insn, size_t count) { cs.free(insn, count); }
cs_err st_cs_close(csh *h) { return cs.close(h); }

int st_cs_open_elf(int e_machine, csh *h)
{
	cs_arch arch;
	cs_mode mode;

	switch (e_machine) {
	case EM_X86_64: arch = CS_ARCH_X86; mode = CS_MODE_64; break;
	case EM_386: arch = CS_ARCH_X86; mode = CS_MODE_32; break;
	case EM_AARCH64: arch = CS_ARCH_ARM64; mode = CS_MODE_ARM; break;
	default: return -1;
	}
	if (st_cs_load() || st_cs_open(arch, mode, h) != CS_ERR_OK)
		return -1;
	return 0;
}
