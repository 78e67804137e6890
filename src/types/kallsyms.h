/* SPDX-License-Identifier: MIT */
/* The one reader of /proc/kallsyms: the kernel's text symbols (t T w W) with their
 * addresses and modules, looked up by name (st_ksyms builds its index on it) and by
 * address (stack frames, kprobe locations, lbc, the kcore image). */
#ifndef ST_TYPES_KALLSYMS_H
#define ST_TYPES_KALLSYMS_H
#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

struct st_kallsyms;

struct st_ktext {
	unsigned long long addr;  /* 0 when hidden (kptr_restrict, not root) */
	const char *name;
	const char *module;       /* NULL for vmlinux */
	char type;                /* t T w W */
};

/* path NULL: the running kernel's /proc/kallsyms, read when called. With cached (path NULL
 * only), the text symbols of vmlinux and the modules come from the per-boot cache when it
 * matches (boot id, /proc/modules, kptr_restrict) and are written to it when it does not:
 * ~2 ms instead of ~50 ms. A cached table leaves out the symbols that come and go without
 * a module ([bpf] programs, ftrace and kprobe trampolines): use it for function names, not
 * to symbolize addresses. NULL with err on failure. */
struct st_kallsyms *st_kallsyms_read(const char *path, bool cached, struct st_err *err);
/* The running kernel's cached table as st_kallsyms_read(NULL, true, err) gives it, but a
 * cache hit is only mapped: the name lookups below read a few pages of it, and the
 * accessors above build the file-order table on their first call. */
struct st_kallsyms *st_kallsyms_read_mapped(struct st_err *err);
void st_kallsyms_free(struct st_kallsyms *k);

/* In name order (strcmp, then the file's order), for a table st_kallsyms_read_mapped
 * mapped from the cache; st_kallsyms_named is 0 for any other. _lower: the first index
 * whose name is >= name; _at: the symbol there (pointers into the table), false past the
 * end or for a damaged record (skip it). */
size_t st_kallsyms_named(const struct st_kallsyms *k);
size_t st_kallsyms_named_lower(const struct st_kallsyms *k, const char *name);
bool st_kallsyms_named_at(const struct st_kallsyms *k, size_t i, struct st_ktext *s);

/* The symbols in the file's order. */
size_t st_kallsyms_count(const struct st_kallsyms *k);
const struct st_ktext *st_kallsyms_at(const struct st_kallsyms *k, size_t i);
/* True when no address is shown (kptr_restrict; not root). */
bool st_kallsyms_hidden(const struct st_kallsyms *k);

/* The symbol at or below addr (the last of aliases at one address): its name and start,
 * and in *size the distance to the next higher symbol (0 past the last one). False below
 * the first symbol or when the addresses are hidden. */
bool st_kallsyms_addr(struct st_kallsyms *k, unsigned long long addr, const char **name,
		      unsigned long long *start, unsigned long long *size);

/* How far text symbol `name` (the first of that name) reaches: up to the next text
 * symbol's address, padding (__pfx_) included. 0 with *size, or -1 when the name is not
 * there or the addresses are hidden. */
int st_kallsyms_name_span(const struct st_kallsyms *k, const char *name,
			  unsigned long long *size);

#endif
