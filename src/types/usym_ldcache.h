/* SPDX-License-Identifier: MIT */
/* Library lookup through glibc's /etc/ld.so.cache, parsed directly (no ldconfig -p). */
#ifndef ST_TYPES_USYM_LDCACHE_H
#define ST_TYPES_USYM_LDCACHE_H
#include <stddef.h>

/* Find `name` ("libc", "libc.so.6", "libpthread") in the cache file at `cache` (NULL: the
 * system's /etc/ld.so.cache) for this machine's ABI. Exact keys win over "name.so.N" and
 * "name.so". Writes the library path; returns 0, or -1 when the cache is unreadable or
 * has no such library. */
int st_ldcache_lookup(const char *cache, const char *name, char *path, size_t n);

#endif
