/* SPDX-License-Identifier: MIT */
/* The name -> module index of a hive entry's modules, DIR/<arch>/kmodidx/<distro>/<release>
 * (types/hive.h has the layout): which modules' split BTF define a function, variable or
 * type of a name, so a lookup opens those modules only instead of all of kmod/ (1121 for
 * a Debian kernel). Written by `surftrace hive add` whenever an entry's modules change.
 *
 * The file (text, published whole: a reader sees the old or the new one):
 *   surftrace-kmodidx 1
 *   m <module> <size in bytes of its kmod/ file>     one line per module covered
 *   (an empty line)
 *   <name> TAB <kind> TAB <module>                    sorted bytewise, binary-searched
 * kind: f function, v variable, s struct, u union, t typedef, e enum, E enum64.
 * A module on disk that the header does not cover (added by an older surftrace, or by an
 * add killed before the index was rewritten) is searched as without an index; a covered
 * module whose size or contents disagree with the index makes the index untrusted. */
#ifndef ST_TYPES_KMODIDX_H
#define ST_TYPES_KMODIDX_H
#include <stdbool.h>
#include "util/err.h"

struct btf;
struct st_kmodidx;

/* NULL when path is absent, unreadable or of another format version. */
struct st_kmodidx *st_kmodidx_open(const char *path);
void st_kmodidx_free(struct st_kmodidx *x);

/* Whether module is covered: true with its recorded file size. */
bool st_kmodidx_covers(const struct st_kmodidx *x, const char *module, long long *size);

/* The modules defining name as a BTF kind (BTF_KIND_FUNC, _VAR, _STRUCT, _UNION, _TYPEDEF,
 * _ENUM, _ENUM64), sorted by module name: fn for each (it returns false to stop). Returns
 * how many were passed to fn. */
int st_kmodidx_find(const struct st_kmodidx *x, const char *name, int kind,
		    bool (*fn)(void *ctx, const char *module), void *ctx);

/* Every name of that kind with its module, in name order: fn for each (false stops).
 * Returns how many were passed to fn. */
int st_kmodidx_each(const struct st_kmodidx *x, int kind,
		    bool (*fn)(void *ctx, const char *name, const char *module), void *ctx);

/* The module files of a kmod/ directory, sorted: *names (heap, each heap) and the count,
 * or -1 when the directory cannot be read. Temporary files are left out. */
int st_kmodidx_list(const char *kmod_dir, char ***names);
void st_kmodidx_list_free(char **names, int n);

/* Whether the index at path covers exactly the modules in kmod_dir (names and sizes). */
bool st_kmodidx_fresh(const char *path, const char *kmod_dir);

/* Write the index of kmod_dir's modules (split BTF over base) to path, its directory
 * made. 0, or -1 with err. */
int st_kmodidx_write(const char *path, const char *kmod_dir, const struct btf *base,
		     struct st_err *err);

#endif
