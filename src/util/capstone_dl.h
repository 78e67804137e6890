/* SPDX-License-Identifier: MIT */
/* capstone, loaded on first use: linking it outright costs every surftrace run ~3.4 MB of
 * resident memory (relocated tables), and only -F and uprobe offsets (instruction
 * boundaries) need it. */
#ifndef ST_DISCOVER_CAPSTONE_DL_H
#define ST_DISCOVER_CAPSTONE_DL_H
#include <capstone/capstone.h>

/* 0 when libcapstone could be loaded; the wrappers below are only valid after that. */
int st_cs_load(void);

cs_err st_cs_open(cs_arch arch, cs_mode mode, csh *handle);
/* Load and open a handle for an ELF e_machine (EM_X86_64, EM_386, EM_AARCH64); -1 when
 * capstone is missing or the machine is not one of those. Default options. */
int st_cs_open_elf(int e_machine, csh *handle);
cs_err st_cs_option(csh handle, cs_opt_type type, size_t value);
cs_insn *st_cs_malloc(csh handle);
bool st_cs_disasm_iter(csh handle, const uint8_t **code, size_t *size, uint64_t *address,
		       cs_insn *insn);
void st_cs_free(cs_insn *insn, size_t count);
cs_err st_cs_close(csh *handle);

#endif
