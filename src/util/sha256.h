/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4), used for lbc's compile-cache keys and for checking cached
 * objects before they are loaded, bundles, uprobe target identities and hive sources. Small and dependency-free on purpose: lbc must link
 * statically for the kernel lab. */
#ifndef ST_UTIL_SHA256_H
#define ST_UTIL_SHA256_H
#include <stddef.h>
#include <stdint.h>

struct st_sha256 {
	uint32_t h[8];
	uint64_t len;        /* bytes hashed so far */
	uint8_t buf[64];
	size_t nbuf;
};

void st_sha256_init(struct st_sha256 *s);
void st_sha256_update(struct st_sha256 *s, const void *data, size_t n);
void st_sha256_final(struct st_sha256 *s, uint8_t out[32]);
/* One-shot digest (libcrypto's from 64 KiB on, as st_sha256_fd, where built with it). */
void st_sha256(const void *data, size_t n, uint8_t out[32]);
/* Digest of a whole file (read with pread from offset 0; fd's offset is left alone), for
 * big inputs (hive sources of hundreds of MB): libcrypto's SHA-256, which uses the CPU's SHA
 * instructions, when the object is built with ST_HAVE_LIBCRYPTO (the Makefile does it for
 * libsurftrace; lbc's standalone copy stays portable) and libcrypto.so.3 can be loaded
 * (dlopen on first use; else the portable code). tick (may be NULL) is called after
 * every chunk with the bytes read so far. *size gets the file's length. 0, or -1 with
 * errno. */
int st_sha256_fd(int fd, uint8_t out[32], unsigned long long *size,
		 void (*tick)(void *ctx, unsigned long long done), void *ctx);
/* 64 lowercase hex digits plus NUL. */
void st_sha256_hex(const uint8_t d[32], char out[65]);

#endif
