/* SPDX-License-Identifier: MIT */
/* A cache of user binaries' DWARF -> BTF conversions, keyed by the binary's GNU build id,
 * the function asked (or the whole binary) and the converter's version, so a uprobe on a
 * binary with 25 MB of DWARF starts, the second time, as fast as on a small one.
 *
 * Where: $SURFTRACE_CACHE_DIR/btf; for root /var/cache/surftrace/btf (as lbc's cache);
 * else $XDG_CACHE_HOME/surftrace/btf or ~/.cache/surftrace/btf. Off when
 * $SURFTRACE_BTF_CACHE is "0", "off" or "no" (surftrace --no-btf-cache sets it).
 * The directory is opened through util/safedir (no symbolic link, nothing above it that
 * another user could replace); an entry is used only when it is ours (regular, owned by
 * the effective user, not group/other writable), its header names this key, the file the
 * DWARF came from still has the recorded size and mtime, the payload's SHA-256 matches and
 * libbpf parses it. Anything else is removed and converted again. Past ST_BTF_CACHE_MAX
 * entries, storing one removes the oldest (down to three quarters). */
#ifndef ST_TYPES_BTF_CACHE_H
#define ST_TYPES_BTF_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

struct btf;
struct st_btf_cache;

#define ST_BTF_CACHE_MAX 512

/* dir NULL: the default place above. NULL when the cache is switched off (why "") or its
 * directory cannot be used (why: one line naming the directory and the reason). */
struct st_btf_cache *st_btf_cache_open(const char *dir, char *why, size_t whylen);
void st_btf_cache_close(struct st_btf_cache *c);

/* st_dwarf_to_btf_func(path, func) (func NULL: every unit, st_dwarf_to_btf) through cache
 * c (NULL: plain conversion). *hit (may be NULL) tells whether the entry was used. A
 * binary without a build id is converted and not cached; failing to store is not an
 * error. */
struct btf *st_btf_cache_convert(struct st_btf_cache *c, const char *path, const char *func,
				 bool *hit, struct st_err *err);

/* One conversion through the default cache (opened and closed here; a directory that
 * cannot be used is passed over silently): for -l BIN:PATTERN -v and the guide. */
struct btf *st_btf_cache_dwarf(const char *path, const char *func, struct st_err *err);

#endif
