/* SHA-256 (FIPS 180-4), for the bundle checksum: a damaged bundle file must be refused. */
#ifndef ST_DISCOVER_SHA256_H
#define ST_DISCOVER_SHA256_H
#include <stddef.h>
#include <stdint.h>

struct st_sha256 {
	uint32_t h[8];
	uint64_t len;         /* bytes hashed so far */
	unsigned char buf[64];
	size_t nbuf;
};

void st_sha256_init(struct st_sha256 *s);
void st_sha256_update(struct st_sha256 *s, const void *data, size_t n);
void st_sha256_final(struct st_sha256 *s, unsigned char out[32]);
/* One call: lowercase hex digest (65 bytes with the NUL) of data. */
void st_sha256_hex(const void *data, size_t n, char hex[65]);

#endif
