/* SPDX-License-Identifier: MIT */
/* Type information for the translator, on libbpf's BTF API.
 * Sources: the running kernel (/sys/kernel/btf/vmlinux plus module split BTF, loaded on
 * demand), a --btf FILE (raw BTF or an ELF with .BTF), or a BTF made from a user binary's
 * DWARF (st_types_from_btf). */
#ifndef ST_TYPES_TYPES_H
#define ST_TYPES_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "types/btf_walk.h"
#include "util/err.h"

struct btf;
struct st_types;

/* A type inside one BTF object (vmlinux or a module's split BTF). */
struct st_tref {
	const struct btf *btf;
	__u32 id;             /* 0 = void / unknown */
};

/* path NULL: the running kernel. Otherwise a raw BTF file or an ELF carrying .BTF. */
struct st_types *st_types_open(const char *path, struct st_err *err);
/* Wrap an existing BTF (takes ownership), e.g. one converted from DWARF. */
struct st_types *st_types_from_btf(struct btf *btf);
/* Only the C base types (char ... unsigned long long, _Bool): what casts such as
 * !(char **)%1 need on a binary without debug info. */
struct st_types *st_types_basic(void);
void st_types_free(struct st_types *t);

/* The base BTF (vmlinux or the file). */
const struct btf *st_types_btf(const struct st_types *t);
/* Short identity of the BTF: "sha256-prefix" of its raw bytes, for caches and bundles. */
const char *st_types_identity(struct st_types *t);

/* The BTF that defines the struct/union/typedef a --struct SPEC names ("task_struct",
 * "struct veth_rq.xdp_mem"): vmlinux, else the first module (by name) that has it, else
 * vmlinux. */
const struct btf *st_types_btf_for(struct st_types *t, const char *spec);

/* The hive DIR the types come from (--kernel, a hive BTF file, or the running kernel found
 * in the hive), NULL otherwise. */
const char *st_types_hive(const struct st_types *t);

/* The modules' split BTF beside the kernel's (the running kernel's /sys/kernel/btf, or a
 * hive entry's kmod/; none for a plain --btf file), loaded on the first call: how many,
 * and the i-th with its module's name. */
int st_types_nmods(struct st_types *t);
const struct btf *st_types_mod(struct st_types *t, int i, const char **name);

/* Lookups by name and kind in one BTF object, with libbpf's btf__find_by_name_kind answer
 * (the lowest id; -ENOENT when none) over the object's own types (a split BTF's base is
 * not searched: ask the base first). The first few lookups scan; after that a hash index
 * is built once, so thousands of lookups cost no more than one scan. Every lookup in src/
 * goes through here. The index borrows btf: free it first. */
struct st_btf_names;
struct st_btf_names *st_btf_names_new(const struct btf *btf);
int st_btf_names_find(struct st_btf_names *ix, const char *name, int kind);
void st_btf_names_free(struct st_btf_names *ix);
/* The first type id a BTF object defines itself: past its base's for a split BTF (a
 * module's), 1 otherwise. */
__u32 st_btf_first_own_id(const struct btf *btf);
/* The base BTF's lookup (the one st_types keeps). */
int st_types_find(struct st_types *t, const char *name, int kind);

/* Find a function's prototype (BTF_KIND_FUNC_PROTO) by name in vmlinux, then in module
 * BTF (the first module by name that has it). *module is set to the module name or NULL.
 * Returns 0, or -1 when there is no BTF for that function. Module lookups go through the
 * hive entry's name -> module index when it has one (types/kmodidx.h): only the modules
 * it names are read. */
int st_types_func(struct st_types *t, const char *name, struct st_tref *proto,
		  const char **module);

/* The same with the modules to look in (NULL: every module), as st_types_func_mods takes
 * them: only their BTF is read. */
int st_types_func_among(struct st_types *t, const char *name, const char *const *only,
			int nonly, struct st_tref *proto, const char **module);

/* Function `name` of that module (its split BTF only): 0 with its prototype, or -1. */
int st_types_func_in(struct st_types *t, const char *name, const char *module,
		     struct st_tref *proto);

/* Every function of the modules: fn(ctx, name, module) for each (it returns false to
 * stop). name lives only during the call; module as long as t. From the hive entry's index
 * for the modules it covers (no module read), from each other module's BTF. */
int st_types_mod_funcs(struct st_types *t,
		       bool (*fn)(void *ctx, const char *name, const char *module), void *ctx);

/* Every module whose BTF has function `name` (a static name may repeat), sorted: how many
 * (up to 32; 0: none), their names comma-separated into names, and *same: whether they
 * all have the first one's prototype (the same types by name). only: NULL to look in every
 * module (through the entry's index when there is one), else the nonly modules to look in,
 * sorted by name and distinct (for the running kernel: those kallsyms lists the name in),
 * so that only their BTF is read. */
int st_types_func_mods(struct st_types *t, const char *name, const char *const *only,
		       int nonly, char *names, size_t n, bool *same);

/* True when the types are the running kernel's and its modules' BTF is sysfs's: the
 * modules loaded now, which kallsyms describes (not a hive entry's kmod/). */
bool st_types_running(const struct st_types *t);

/* Parse a C type spelling and find it: "u64", "unsigned long", "int", "char *",
 * "struct file *", "struct sk_buff **", "enum pid_type", a typedef name. Base scalar names
 * u8..u64 s8..s64 __u32 etc. are understood even when the BTF lacks those typedefs.
 * The pointer stars are returned apart in *nptr (so "u64 *" works even when the BTF has no
 * such pointer type): *out is the pointee. Returns 0, or -1 with err (col = 0). */
int st_types_parse(struct st_types *t, const char *ctype, struct st_tref *out, int *nptr,
		   struct st_err *err);

/* The name a type is known by, for messages: "struct file", "int", "u64". Static buffer
 * per call is not used: writes into buf. */
const char *st_type_name(const struct btf *btf, __u32 id, char *buf, size_t n);

/* Find a global variable's type (BTF_KIND_VAR), in vmlinux then module BTF. Returns 0 or -1
 * when not described. */
int st_types_var(struct st_types *t, const char *name, struct st_tref *out);

/* True when id (after modifiers) carries a "user" type tag somewhere along modifiers. */
bool st_btf_is_user(const struct btf *btf, __u32 id);

#endif
