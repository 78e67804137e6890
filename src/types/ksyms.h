/* SPDX-License-Identifier: MIT */
/* The kernel's traceable functions: available_filter_functions when readable (root),
 * else the text symbols of /proc/kallsyms. Resolves the names users type to the names
 * ftrace accepts, across compiler suffixes (.isra.N .part.N .constprop.N .cold ...). */
#ifndef ST_TYPES_KSYMS_H
#define ST_TYPES_KSYMS_H
#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

struct st_ksyms;

struct st_ksym {
	const char *name;     /* as ftrace knows it, e.g. "do_filp_open", "foo.isra.0" */
	const char *module;   /* NULL for vmlinux */
	unsigned long long addr;  /* from kallsyms (0: hidden, or read from another list) */
};

/* path NULL: the running kernel's lists: tracefs's available_filter_functions (tracefs: the
 * root the caller found, st_tracefs_find; NULL = none), else /proc/kallsyms. Otherwise a
 * file in available_filter_functions format ("name [module]" per line) or kallsyms format
 * ("ADDR TYPE NAME [MOD]"), for tests. */
struct st_ksyms *st_ksyms_load(const char *path, const char *tracefs, struct st_err *err);
/* The running kernel's list for resolving names: kallsyms (when available_filter_functions
 * is not readable) comes through the per-boot cache (st_kallsyms_read), without the [bpf]
 * and trampoline symbols. */
struct st_ksyms *st_ksyms_load_cached(const char *tracefs, struct st_err *err);
void st_ksyms_free(struct st_ksyms *k);

size_t st_ksyms_count(const struct st_ksyms *k);
const struct st_ksym *st_ksyms_at(const struct st_ksyms *k, size_t i);

/* Exact name, else a variant with compiler suffixes (never a .cold fragment). Returns the
 * entry or NULL. When only variants exist, *nalts (may be NULL) is their number and alts
 * (may be NULL) receives the first maxalts in name order; the one returned is the first
 * that keeps the calling convention (st_ksym_abi_changed false), else the first. */
const struct st_ksym *st_ksyms_resolve(const struct st_ksyms *k, const char *name,
				       const struct st_ksym **alts, size_t maxalts, size_t *nalts);

/* The modules that define name or a compiler-suffixed variant of it (the [module] column;
 * vmlinux's are not counted), distinct and sorted by name, into mods (pointers into k):
 * how many, or -1 when there are more than max. */
int st_ksyms_modules(const struct st_ksyms *k, const char *name, const char **mods, int max);
/* Whether the list was read from kallsyms (every text symbol, traceable or not), not from
 * available_filter_functions. */
bool st_ksyms_from_kallsyms(const struct st_ksyms *k);

/* True for clones whose arguments may differ from the source prototype: .isra (GCC's
 * IPA-SRA rewrites parameters), .constprop (constant parameters dropped), .part (the
 * split-off part of a function, which receives what the caller chose to pass). */
bool st_ksym_abi_changed(const char *name);

/* "__pfx_foo"/"__cfi_foo" (the padding or CFI hash before foo): returns "foo", else NULL.
 * Such names are never listed or traced. */
const char *st_ksym_padding(const char *name);

/* Strip a compiler suffix: "foo.isra.0" -> "foo" written to buf. */
const char *st_ksym_base(const char *name, char *buf, size_t n);

/* The same from a loaded list, when it was read from kallsyms (saves a second read of
 * /proc/kallsyms); -1 also when it was not (available_filter_functions has no addresses). */
int st_ksyms_span(const struct st_ksyms *k, const char *name, unsigned long long *size);

/* How far text symbol `name` reaches in kallsyms (path NULL: /proc/kallsyms through the
 * per-boot cache): up to the next text symbol's address, weak ones and alignment padding
 * included (st_kallsyms_name_span). 0 with *size, or -1 when the name is not there or the
 * addresses are hidden (not root). */
int st_kallsyms_span(const char *path, const char *name, unsigned long long *size);

/* Nearest traceable name for a "did you mean" suggestion, or NULL. */
const char *st_ksyms_suggest(const struct st_ksyms *k, const char *name);

#endif
