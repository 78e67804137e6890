/* SPDX-License-Identifier: MIT */
/* The hive's index: where a kernel's types are when it has no /sys/kernel/btf (the
 * decision itself is st_types_open's, types.h). Layout (one file per kind and kernel):
 *
 *   DIR/index                                  one line per entry (below)
 *   DIR/<arch>/btf/<distro>/<release>          raw BTF (--btf accepts it)
 *   DIR/<arch>/head/<distro>/<release>         vmlinux.h for lbc (btf_dump)
 *   DIR/<arch>/funcs/<distro>/<release>        "name<TAB>prototype" per BTF function
 *   DIR/<arch>/readme/<distro>/<release>       that kernel's tracefs README, when known
 *   DIR/<arch>/kmod/<distro>/<release>/<mod>   a module's split BTF over that kernel's
 *   DIR/<arch>/kmodidx/<distro>/<release>      which module defines which name (kmodidx.h)
 *
 * index lines: "<release> <arch> <distro> <build-id|-> <sha256-of-source> <source name>".
 * The index is rewritten whole (temporary file + rename, under a lock on DIR/index.lock),
 * so readers never see half of it. libc only: lbc links it. Entries are made by
 * src/hive (surftrace hive add). */
#ifndef ST_TYPES_HIVE_H
#define ST_TYPES_HIVE_H
#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

struct st_hive_entry {
	char release[128];
	char arch[16];
	char distro[32];
	char build_id[41];    /* "" when the source had none (a raw BTF file) */
	char sha256[65];      /* of the source file as given to `hive add` */
	char source[256];     /* the source's file name */
	char module[64];      /* st_hive_add of a kernel module: its name (not in the index) */
	bool package;         /* st_hive_add: the source was a package (not in the index) */
};

/* Path of one of an entry's files; kind is "btf", "head", "funcs", "readme" or "kmodidx". */
int st_hive_path(const char *dir, const struct st_hive_entry *e, const char *kind,
		 char *out, size_t n);

/* Read DIR/index. A missing index is an empty hive (0 entries) when DIR exists. *v is
 * heap memory the caller frees. Returns 0 or -1 with err. */
int st_hive_load(const char *dir, struct st_hive_entry **v, size_t *n, struct st_err *err);

/* The entry for a kernel: same arch and build id when build_id is given and known, else
 * the same arch and release. 0 with *out, or -1 (err names what was looked for). */
int st_hive_find(const char *dir, const char *arch, const char *build_id, const char *release,
		 struct st_hive_entry *out, struct st_err *err);

/* Add one entry (replaces an entry of the same arch, distro and release), under the lock.
 * The entry's files must already be in place. */
int st_hive_index_put(const char *dir, const struct st_hive_entry *e, struct st_err *err);

/* Remove every entry whose release or build id (a prefix of 8+ hex digits is enough) is
 * key, with its files. Returns the number removed (0: nothing matched), or -1. */
int st_hive_rm(const char *dir, const char *key, struct st_err *err);

/* The hive to use: dir when given, else $SURFTRACE_HIVE, else NULL. */
const char *st_hive_dir(const char *dir);

/* The BTF file of kernel `release` (a release, or a build id) for arch (NULL: host), for
 * --kernel. 0 with path, or -1 with a one-line err naming `hive list`. */
int st_hive_kernel_btf(const char *dir, const char *arch, const char *release, char *path,
		       size_t n, struct st_err *err);

/* The README recorded beside an entry's BTF file (btf_path as st_hive_kernel_btf gives
 * it): 0 with its path, -1 (out "") when the entry has none. */
int st_hive_readme_of(const char *btf_path, char *out, size_t n);

/* The directory of module split BTF beside an entry's BTF file: 0 with its path, -1 (out
 * "") when the entry has no modules. */
int st_hive_kmod_dir_of(const char *btf_path, char *out, size_t n);

/* The name -> module index beside an entry's BTF file (kmodidx.h): 0 with its path, -1
 * (out "") when the entry has none (no modules, or written before there was one). */
int st_hive_kmodidx_of(const char *btf_path, char *out, size_t n);

/* The hive an entry's BTF file belongs to (DIR of DIR/<arch>/btf/<distro>/<release>, when
 * DIR/index is there): 0 with DIR, -1 (out "") for any other file. */
int st_hive_of_btf(const char *btf_path, char *out, size_t n);

/* The running kernel's entry (it has no /sys/kernel/btf): same arch and build id
 * (/sys/kernel/notes), else same release (uname -r). 0 with the BTF file's path, or -1
 * with one line naming the release and the `surftrace hive add` that would fix it (dir
 * NULL: no hive configured). */
int st_hive_running_btf(const char *dir, char *path, size_t n, struct st_err *err);

/* What --btf, --kernel and --hive (or SURFTRACE_HIVE) say together, for every front end:
 * path gets the BTF file to use ("" = the running kernel, st_types_open(NULL) decides).
 * 0, or -1 with err (both --btf and --kernel; --kernel not in the hive). */
int st_hive_resolve(const char *btf, const char *kernel, const char *arch, char *path,
		    size_t n, struct st_err *err);

#endif
