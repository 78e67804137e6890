/* SPDX-License-Identifier: MIT */
/* -F: a kernel function's instructions as "FUNC+off" (decimal, the form `p FUNC+off`
 * takes), address and AT&T text, with call/jump targets named and, when the image has
 * DWARF, the source line above each group of instructions; --line FILE:LINE lists the
 * probe points of a source line. */
#ifndef ST_DISCOVER_DISASM_H
#define ST_DISCOVER_DISASM_H
#include <stdio.h>
#include "util/err.h"

struct st_kimage;

/* Disassemble `func` (exact name, else a .isra/.constprop variant). Returns the number
 * of instructions printed, or -1 with err. */
long st_disasm_func(FILE *out, struct st_kimage *k, const char *func, struct st_err *err);

/* "FILE:LINE" (FILE may be a path suffix such as "namei.c" or "fs/namei.c"): one line
 * per address the line's code starts at: "FUNC+off\taddr\tfile:line". Needs DWARF.
 * Returns how many were printed, or -1 with err. */
long st_disasm_srcline(FILE *out, struct st_kimage *k, const char *file_line,
		       struct st_err *err);

#endif
