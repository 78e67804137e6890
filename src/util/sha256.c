// SPDX-License-Identifier: MIT
/* SHA-256 straight from FIPS 180-4 section 6.2; written for clarity, not speed (cache
 * inputs are a few kilobytes); st_sha256 and st_sha256_fd hash big inputs with libcrypto
 * when built with ST_HAVE_LIBCRYPTO. libcrypto is dlopen()ed on the first such digest
 * (linked, it costs every run ~1.5 MB of RSS, and kernel probes hash nothing big); when it
 * cannot be loaded the portable code below does the work. */
#include "util/sha256.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef ST_HAVE_LIBCRYPTO
#include <dlfcn.h>
#include <pthread.h>
#include <openssl/evp.h>

static struct evp {
	__typeof__(EVP_sha256) *sha256;
	__typeof__(EVP_Digest) *digest;
	__typeof__(EVP_MD_CTX_new) *ctx_new;
	__typeof__(EVP_MD_CTX_free) *ctx_free;
	__typeof__(EVP_DigestInit_ex) *init;
	__typeof__(EVP_DigestUpdate) *update;
	__typeof__(EVP_DigestFinal_ex) *final;
} evp_fns;
static const struct evp *evp_loaded;

static void evp_load(void)
{
	static const char *const names[] = { "EVP_sha256", "EVP_Digest", "EVP_MD_CTX_new",
		"EVP_MD_CTX_free", "EVP_DigestInit_ex", "EVP_DigestUpdate", "EVP_DigestFinal_ex" };
	void *lib = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
	void **slot = (void **)&evp_fns;
	size_t i;

	_Static_assert(sizeof(names) / sizeof(names[0]) == sizeof(evp_fns) / sizeof(void *),
		       "every member of struct evp is looked up");
	if (!lib)
		return;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!(slot[i] = dlsym(lib, names[i]))) {
			dlclose(lib);
			return;
		}
	evp_loaded = &evp_fns;   /* kept loaded for the process */
}

/* libcrypto's digest functions, or NULL (use the portable code). */
static const struct evp *evp(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, evp_load);
	return evp_loaded;
}
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void block(struct st_sha256 *s, const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

void st_sha256_init(struct st_sha256 *s)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->nbuf = 0;
}

void st_sha256_update(struct st_sha256 *s, const void *data, size_t n)
{
	const uint8_t *p = data;

	s->len += n;
	/* Whole blocks straight from the input: large local headers hash at full speed. */
	while (s->nbuf == 0 && n >= 64) {
		block(s, p);
		p += 64;
		n -= 64;
	}
	while (n) {
		size_t take = 64 - s->nbuf < n ? 64 - s->nbuf : n;
		memcpy(s->buf + s->nbuf, p, take);
		s->nbuf += take; p += take; n -= take;
		if (s->nbuf == 64) {
			block(s, s->buf);
			s->nbuf = 0;
		}
	}
}

void st_sha256_final(struct st_sha256 *s, uint8_t out[32])
{
	uint64_t bits = s->len * 8;
	uint8_t pad = 0x80, zero = 0, lenb[8];
	int i;

	st_sha256_update(s, &pad, 1);
	while (s->nbuf != 56)
		st_sha256_update(s, &zero, 1);
	for (i = 0; i < 8; i++)
		lenb[i] = (uint8_t)(bits >> (56 - 8 * i));
	st_sha256_update(s, lenb, 8);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
}

void st_sha256(const void *data, size_t n, uint8_t out[32])
{
	struct st_sha256 s;

#ifdef ST_HAVE_LIBCRYPTO
	/* the CPU's SHA instructions: a cached BTF of several MB is checked in milliseconds
	 * (small inputs are not worth loading libcrypto for) */
	const struct evp *e = n >= 65536 ? evp() : NULL;

	if (e && e->digest(data, n, out, NULL, e->sha256(), NULL) == 1)
		return;
#endif
	st_sha256_init(&s);
	st_sha256_update(&s, data, n);
	st_sha256_final(&s, out);
}

void st_sha256_hex(const uint8_t d[32], char out[65])
{
	static const char hx[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = hx[d[i] >> 4];
		out[2 * i + 1] = hx[d[i] & 15];
	}
	out[64] = 0;
}


#define FD_CHUNK (1 << 20)

int st_sha256_fd(int fd, uint8_t out[32], unsigned long long *size,
		 void (*tick)(void *ctx, unsigned long long done), void *ctx)
{
	unsigned long long done = 0;
	unsigned char *buf = malloc(FD_CHUNK);
	ssize_t r;
	int rc = -1, saved;
	struct st_sha256 s;
#ifdef ST_HAVE_LIBCRYPTO
	const struct evp *e = evp();
	EVP_MD_CTX *md = e ? e->ctx_new() : NULL;

	if (e && (!md || e->init(md, e->sha256(), NULL) != 1)) {
		errno = ENOMEM;
		goto out;
	}
#endif
	if (!buf) {
		errno = ENOMEM;
		goto out;
	}
	st_sha256_init(&s);
	while ((r = pread(fd, buf, FD_CHUNK, (off_t)done)) > 0) {
#ifdef ST_HAVE_LIBCRYPTO
		if (md) {
			if (e->update(md, buf, (size_t)r) != 1) {
				errno = EIO;
				goto out;
			}
		} else
#endif
			st_sha256_update(&s, buf, (size_t)r);
		done += (unsigned long long)r;
		if (tick)
			tick(ctx, done);
	}
	if (r < 0)
		goto out;
#ifdef ST_HAVE_LIBCRYPTO
	if (md) {
		if (e->final(md, out, NULL) != 1) {
			errno = EIO;
			goto out;
		}
	} else
#endif
		st_sha256_final(&s, out);
	if (size)
		*size = done;
	rc = 0;
out:
	saved = errno;
#ifdef ST_HAVE_LIBCRYPTO
	if (md)
		e->ctx_free(md);
#endif
	free(buf);
	errno = saved;
	return rc;
}
