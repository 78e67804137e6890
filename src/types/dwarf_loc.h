/* SPDX-License-Identifier: MIT */
/* Where a function's argument is at an address inside the function, from DWARF location
 * lists (libdw): what a probe at func+off must read instead of the entry registers. Works
 * on any ELF with DWARF: a user binary (its own or its separate debuginfo, found by
 * build id) or a debuginfo vmlinux. */
#ifndef ST_TYPES_DWARF_LOC_H
#define ST_TYPES_DWARF_LOC_H
#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

struct st_dwarf_file;

enum st_dloc_kind {
	ST_DLOC_REG,   /* the value is register dwreg */
	ST_DLOC_MEM,   /* the value is in memory at dwreg + off */
};

struct st_dwarf_loc {
	enum st_dloc_kind kind;
	int dwreg;     /* DWARF register number (x86_64: 0 ax, 1 dx, 2 cx, 3 bx, 4 si, 5 di ...) */
	long off;
};

/* NULL with err when the file cannot be read or has no DWARF. */
struct st_dwarf_file *st_dwarf_file_open(const char *path, struct st_err *err);
void st_dwarf_file_close(struct st_dwarf_file *f);

/* Argument argn (0-based, in prototype order) of function `func` at func+off. Returns 0
 * with *out, or -1 with a one-line reason in err (no such function or argument, optimized
 * out at that address, only known as its entry value, or a location a probe cannot
 * read). */
int st_dwarf_arg_at(struct st_dwarf_file *f, const char *func, long off, int argn,
		    struct st_dwarf_loc *out, struct st_err *err);

/* The running kernel's vmlinux where distributions install it, in perf's order: the debug
 * packages' /usr/lib/debug/boot/vmlinux-R and /usr/lib/debug/lib/modules/R/vmlinux, then
 * (unless debug_only) /boot/vmlinux-R and /lib/modules/R/build/vmlinux. Writes the first
 * readable one to buf and returns it, or NULL. */
const char *st_kernel_vmlinux(char *buf, size_t n, bool debug_only);

/* Shared with the DWARF -> BTF converter: the file as an offline libdwfl module (separate
 * debuginfo found through the standard paths and build id), and a function symbol's
 * address in it. */
#include <elfutils/libdwfl.h>
Dwfl *st_dwfl_open_offline(const char *path, Dwfl_Module **mod, struct st_err *err);
int st_dwfl_func_addr(Dwfl_Module *mod, const char *func, GElf_Addr *addr);

#endif
