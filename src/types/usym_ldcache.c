// SPDX-License-Identifier: MIT
/* glibc's ld.so.cache, "new" format (glibc-ld.so.cache1.1), possibly behind an old-format
 * table (ld.so-1.7.0) in caches written by old ldconfig. The layout, from glibc's
 * sysdeps/generic/dl-cache.h: a 48-byte header, then nlibs 24-byte entries whose key and
 * value are offsets of NUL-terminated strings counted from the start of the new header. */
#include "types/usym_ldcache.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define NEW_MAGIC "glibc-ld.so.cache1.1"
#define NEW_HDR_SZ 48
#define NEW_ENTRY_SZ 24

#define FLAG_TYPE_MASK 0x00ff
#define FLAG_ELF_LIBC6 0x0003
#define FLAG_ARCH_MASK 0xff00
/* Only the ABI of the running binary: a 32-bit libc.so.6 must not shadow the 64-bit one. */
#if defined(__x86_64__)
#define FLAG_ARCH 0x0300
#elif defined(__aarch64__)
#define FLAG_ARCH 0x0a00
#else
#define FLAG_ARCH 0x0000
#endif

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* How well a cache key matches the name: 3 exact, 2 "name.so.N", 1 "name.so", 0 no. */
static int key_rank(const char *key, const char *name)
{
	size_t n = strlen(name);

	if (!strcmp(key, name))
		return 3;
	if (strncmp(key, name, n) || strncmp(key + n, ".so", 3))
		return 0;
	if (key[n + 3] == '.')
		return 2;
	return key[n + 3] == '\0' ? 1 : 0;
}

/* Locate the new-format header: at 0, or after the old table (12-byte entries). */
static const unsigned char *find_new_header(const unsigned char *map, size_t size)
{
	size_t off = 0;

	if (size >= 16 && !memcmp(map, "ld.so-1.7.0", 11)) {
		uint32_t nold = rd32(map + 12);

		off = 16 + (size_t)nold * 12;
		off = (off + 7) & ~(size_t)7;  /* the new table is aligned like its entries */
	}
	if (off + NEW_HDR_SZ > size || memcmp(map + off, NEW_MAGIC, strlen(NEW_MAGIC)))
		return NULL;
	return map + off;
}

static int scan_cache(const unsigned char *map, size_t size, const char *name,
		      char *path, size_t n)
{
	const unsigned char *hdr = find_new_header(map, size);
	size_t avail, i, nlibs;
	int best = 0;

	if (!hdr)
		return -1;
	avail = size - (size_t)(hdr - map);
	nlibs = rd32(hdr + 20);
	if (nlibs > (avail - NEW_HDR_SZ) / NEW_ENTRY_SZ)
		return -1;
	for (i = 0; i < nlibs; i++) {
		const unsigned char *e = hdr + NEW_HDR_SZ + i * NEW_ENTRY_SZ;
		uint32_t flags = rd32(e), key = rd32(e + 4), val = rd32(e + 8);
		const char *k, *v;
		int rank;

		if ((flags & FLAG_TYPE_MASK) != FLAG_ELF_LIBC6 ||
		    (flags & FLAG_ARCH_MASK) != FLAG_ARCH)
			continue;
		if (key >= avail || val >= avail)
			continue;
		k = (const char *)hdr + key;
		v = (const char *)hdr + val;
		/* Strings must end inside the mapping. */
		if (!memchr(k, 0, avail - key) || !memchr(v, 0, avail - val))
			continue;
		rank = key_rank(k, name);
		if (rank > best && strlen(v) < n) {
			best = rank;
			strcpy(path, v);
			if (rank == 3)
				break;
		}
	}
	return best ? 0 : -1;
}

int st_ldcache_lookup(const char *cache, const char *name, char *path, size_t n)
{
	struct stat st;
	void *map;
	int fd, ret;

	fd = open(cache ? cache : "/etc/ld.so.cache", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || st.st_size < NEW_HDR_SZ) {
		close(fd);
		return -1;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	ret = scan_cache(map, (size_t)st.st_size, name, path, n);
	munmap(map, (size_t)st.st_size);
	return ret;
}
