/* SPDX-License-Identifier: MIT */
/* A kernel's code and symbols for -F: a vmlinux ELF (-v; symbols from .symtab, else from
 * the kallsyms tables built into the image, so a stock distribution vmlinux extracted
 * from its vmlinuz works), or the running kernel (/proc/kcore + /proc/kallsyms). */
#ifndef ST_DISCOVER_KIMAGE_H
#define ST_DISCOVER_KIMAGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

struct st_kimage;
typedef struct Dwarf Dwarf;

struct st_kfunc {
	const char *name;
	uint64_t addr;    /* address as the image/kernel sees it */
	uint64_t size;    /* bytes, up to the next symbol when the source has no sizes */
};

/* A vmlinux (or any ELF executable with code in PT_LOAD segments). */
struct st_kimage *st_kimage_open_file(const char *path, struct st_err *err);
/* The running kernel: kcore and kallsyms paths (NULL: /proc/kcore, /proc/kallsyms). */
struct st_kimage *st_kimage_open_kcore(const char *kcore, const char *kallsyms,
				       struct st_err *err);
void st_kimage_free(struct st_kimage *k);

/* Function by name (exact, else one with a compiler suffix such as .isra.0). */
const struct st_kfunc *st_kimage_func(const struct st_kimage *k, const char *name);
/* The function containing addr, or NULL. */
const struct st_kfunc *st_kimage_func_at(const struct st_kimage *k, uint64_t addr);
size_t st_kimage_nfuncs(const struct st_kimage *k);
/* Where the symbols came from: "symtab", "kallsyms-in-image", "kallsyms". */
const char *st_kimage_symsource(const struct st_kimage *k);

/* Copy n bytes at addr; 0, or -1 when not all of it is in the image. */
int st_kimage_read(const struct st_kimage *k, uint64_t addr, void *buf, size_t n);

/* DWARF of the image (NULL when it has none, or for kcore). */
Dwarf *st_kimage_dwarf(struct st_kimage *k);

#endif
