/* SPDX-License-Identifier: MIT */
/* Internals of the DWARF -> BTF converter (dwarf_btf*.c), shared by its files only.
 *
 * BTF ids are handed out before types are written: plan() gives a DIE its id(s) and queues
 * it; the emitter later writes queued DIEs in id order, so any reference (including
 * struct A { struct A *next; }) is already an id when the referring type is written. */
#ifndef ST_TYPES_DWARF_BTF_INT_H
#define ST_TYPES_DWARF_BTF_INT_H
#include <elfutils/libdw.h>
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

struct btf;

/* DIE offset -> BTF id (open addressing) for the unit being converted: cleared after each
 * unit (see convert_all). */
struct dwarf_idmap {
	__u64 *keys;     /* DIE offset + 1; 0 = empty slot */
	__u32 *vals;
	size_t cap, n;
};

int st_dwarf_idmap_get(const struct dwarf_idmap *m, __u64 off, __u32 *id);
int st_dwarf_idmap_put(struct dwarf_idmap *m, __u64 off, __u32 id);
void st_dwarf_idmap_free(struct dwarf_idmap *m);

/* A function written as FUNC, with its entry address for symbol aliases. */
struct dwarf_func {
	Dwarf_Addr pc;
	const char *name;
	__u32 proto;
	bool global;
};

struct dwarf_conv {
	struct btf *btf;
	struct dwarf_idmap map;
	Dwarf_Die *queue;          /* planned, not yet written, in id order */
	size_t qhead, qlen, qcap;
	__u32 next_id;             /* next id plan() hands out */
	__u32 index_id;            /* int type used as the index of every array */
	bool big_endian;           /* for DWARF2-style DW_AT_bit_offset */
	struct dwarf_func *funcs;  /* functions with code, for st_dwarf_add_aliases */
	size_t nfuncs, funcs_cap;
	const char **fsyms;        /* kernel mode: sorted STT_FUNC names; a FUNC only for those */
	size_t nfsyms;
	bool kernel;
	struct st_err *err;
};

/* Id of the DIE's DW_AT_type (0 when absent). */
int st_dwarf_plan_type_of(struct dwarf_conv *c, Dwarf_Die *die, __u32 *id);
/* How many BTF ids a DIE takes: 0 for aliases (atomic, unsupported), one per array
 * dimension, two for a function (FUNC_PROTO then FUNC), otherwise 1. */
unsigned st_dwarf_ids_needed(Dwarf_Die *die);
/* Write the planned DIE as BTF type(s) starting at `id`. Returns 0 or -1 with c->err. */
int st_dwarf_emit(struct dwarf_conv *c, Dwarf_Die *die, __u32 id);

/* Remember a written function that has code at `pc` (0 or -1 on allocation failure). */
int st_dwarf_note_func(struct dwarf_conv *c, Dwarf_Addr pc, const char *name, __u32 proto,
		    bool global);
/* ELF symbols at a function's entry under another name (glibc's malloc is __libc_malloc in
 * DWARF) become FUNCs with that function's prototype, so `P libc:malloc` finds one.
 * `bias` is the DWARF address bias from dwfl_module_getdwarf. */
struct Dwfl_Module;
int st_dwarf_add_aliases(struct dwarf_conv *c, struct Dwfl_Module *mod, Dwarf_Addr bias);

#endif
