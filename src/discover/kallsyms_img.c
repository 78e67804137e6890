// SPDX-License-Identifier: MIT
/* The kallsyms tables inside a vmlinux image, for stripped distribution kernels (Debian
 * ships vmlinuz without symbols and System.map without content). scripts/kallsyms.c
 * emits, 8-byte aligned, in .rodata:
 *   kallsyms_offsets (s32[n]), kallsyms_relative_base (u64), kallsyms_num_syms,
 *   kallsyms_names (len-prefixed token strings), kallsyms_markers (u32 per 256 names),
 *   [kallsyms_seqs_of_names], kallsyms_token_table (256 strings), kallsyms_token_index
 * (newer kernels move offsets/relative_base after token_index). Nothing here trusts a
 * guess: every table found is checked against the others before it is used. */
#include <stdlib.h>
#include <string.h>
#include <gelf.h>
#include "discover/kimage_int.h"

struct ktab {
	const unsigned char *img;
	size_t len;
	size_t table, table_end, index;   /* token table start/end, token index (u16[256]) */
	size_t markers, nmarkers;
	size_t names, names_end, numloc;
	uint32_t nsyms;
	char tokens[256][64];
};

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint16_t rd16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static size_t align8(size_t x)
{
	return (x + 7) & ~(size_t)7;
}

/* The digits are their own tokens, consecutive from token 0x30: walk back 48 strings to
 * the table start, forward 256 strings to its end, and check the u16 index after it. */
static int check_token_table(struct ktab *t, size_t digits)
{
	size_t p = digits, offs[256], i, q;

	for (i = 0; i < 0x30; i++) {
		if (p < 2 || t->img[p - 1])
			return -1;
		q = p - 2;
		while (q > 0 && t->img[q])
			q--;
		if (!t->img[q])
			q++;
		if (q >= p - 1)
			return -1;              /* empty token: not the table */
		p = q;
	}
	t->table = p;
	for (i = 0, q = p; i < 256; i++) {
		const unsigned char *e = memchr(t->img + q, 0, t->len - q);

		if (!e || (size_t)(e - t->img) == q || e - (t->img + q) >= 63)
			return -1;
		offs[i] = q - p;
		memcpy(t->tokens[i], t->img + q, (size_t)(e - (t->img + q)) + 1);
		q = (size_t)(e - t->img) + 1;
	}
	t->table_end = q;
	t->index = align8(q);
	if (t->index + 512 > t->len)
		return -1;
	for (i = 0; i < 256; i++)
		if (rd16(t->img + t->index + 2 * i) != offs[i])
			return -1;
	return 0;
}

static int find_token_table(struct ktab *t)
{
	static const char digits[] = "0\0001\0002\0003\0004\0005\0006\0007\0008\0009";
	const unsigned char *p = t->img, *end = t->img + t->len;

	while ((p = memmem(p, (size_t)(end - p), digits, sizeof(digits)))) {
		if (!check_token_table(t, (size_t)(p - t->img)))
			return 0;
		p++;
	}
	return -1;
}

/* Length prefix of one name entry: one byte, or two when the high bit is set (kernels
 * with big symbols, 6.1+; older ones never set it since names are < 128 tokens). */
static size_t entry_len(const unsigned char *p, size_t *hdr)
{
	if (p[0] & 0x80) {
		*hdr = 2;
		return (size_t)(p[0] & 0x7f) | ((size_t)p[1] << 7);
	}
	*hdr = 1;
	return p[0];
}

/* Names start at ns and hold n entries whose every 256th offset is the marker. */
static int check_names(struct ktab *t, size_t ns, uint32_t n)
{
	size_t p = ns, hdr;
	uint32_t s;

	for (s = 0; s < n; s++) {
		if (p >= t->markers)
			return -1;
		if (!(s & 255) && rd32(t->img + t->markers + 4 * (s >> 8)) != p - ns)
			return -1;
		p += entry_len(t->img + p, &hdr);
		p += hdr;
	}
	t->names_end = p;
	return p <= t->markers ? 0 : -1;
}

/* Markers: u32, starting at 0, strictly increasing by a few KB per 256 names. Search
 * backwards from the token table (seqs_of_names may sit in between), and accept a
 * candidate only when the names before it decode consistently with it. */
static int find_names(struct ktab *t)
{
	size_t pos;

	for (pos = (t->table & ~(size_t)3) - 4; pos >= 4 && t->table - pos < (64u << 20);
	     pos -= 4) {
		size_t m = 1, loc, last, start;

		if (rd32(t->img + pos))
			continue;
		while (pos + 4 * (m + 1) <= t->table) {
			uint32_t a = rd32(t->img + pos + 4 * (m - 1)), b = rd32(t->img + pos + 4 * m);

			if (b <= a || b - a > 256 * 512)
				break;
			m++;
		}
		if (m < 4)
			continue;
		t->markers = pos;
		t->nmarkers = m;
		last = rd32(t->img + pos + 4 * (m - 1));
		if (last + 8 > pos)
			continue;
		/* num_syms precedes the names, which take `last` bytes plus the last block of
		 * at most 256 entries. */
		start = (pos - last - 4) & ~(size_t)3;
		for (loc = start; loc >= 4 && start - loc <= 256 * 1024; loc -= 4) {
			uint32_t n = rd32(t->img + loc);

			if (n <= (m - 1) * 256 || n > m * 256)
				continue;
			if (!check_names(t, loc + 4, n)) {
				t->names = loc + 4;
			} else if (!check_names(t, align8(loc + 4), n)) {
				t->names = align8(loc + 4);
			} else {
				continue;
			}
			t->nsyms = n;
			t->numloc = loc;
			return 0;
		}
	}
	return -1;
}

/* Expand entry i's tokens into buf: first char is the symbol type. */
static size_t expand(const struct ktab *t, size_t *p, char *buf, size_t n)
{
	size_t hdr, len = entry_len(t->img + *p, &hdr), i, o = 0;
	const unsigned char *q = t->img + *p + hdr;

	for (i = 0; i < len; i++) {
		const char *tok = t->tokens[q[i]];
		size_t tl = strlen(tok);

		if (o + tl >= n)
			tl = n - 1 - o;
		memcpy(buf + o, tok, tl);
		o += tl;
	}
	buf[o] = '\0';
	*p += hdr + len;
	return o;
}

/* Bounds of all code sections (.text, .init.text, .noinstr...), for checking which
 * offsets layout/encoding is right. */
static int text_bounds(Elf *elf, uint64_t *lo, uint64_t *hi)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	*lo = UINT64_MAX;
	*hi = 0;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_EXECINSTR) || !sh.sh_addr)
			continue;
		if (sh.sh_addr < *lo)
			*lo = sh.sh_addr;
		if (sh.sh_addr + sh.sh_size > *hi)
			*hi = sh.sh_addr + sh.sh_size;
	}
	return *hi ? 0 : -1;
}

/* Address of symbol i for offsets at `offs` with base `base`: percpu-absolute encoding
 * (negative = base - 1 - off) or plain base + u32. */
static uint64_t sym_addr(const struct ktab *t, size_t offs, uint64_t base, uint32_t i,
			 int absolute_percpu)
{
	int32_t o = (int32_t)rd32(t->img + offs + 4 * (size_t)i);

	if (absolute_percpu)
		return o >= 0 ? (uint64_t)(uint32_t)o : base - 1 - (uint64_t)(int64_t)o;
	return base + (uint32_t)o;
}

/* Both layouts and both encodings are tried; the right one puts every text symbol
 * inside .text, in ascending order (kallsyms is sorted by address). */
static int pick_offsets(struct ktab *t, Elf *elf, size_t *offs, uint64_t *base, int *abs_pc)
{
	size_t cand_offs[2], cand_base[2];
	uint64_t lo, hi;
	int c, enc;

	if (text_bounds(elf, &lo, &hi))
		return -1;
	/* old: offsets, relative_base, num_syms */
	cand_base[0] = t->numloc >= 8 ? t->numloc - 8 : 0;
	cand_offs[0] = cand_base[0] >= align8(4 * (size_t)t->nsyms) ?
		       cand_base[0] - align8(4 * (size_t)t->nsyms) : 0;
	/* new: ... token_index, offsets, relative_base */
	cand_offs[1] = align8(t->index + 512);
	cand_base[1] = align8(cand_offs[1] + 4 * (size_t)t->nsyms);
	for (c = 0; c < 2; c++) {
		if (!cand_offs[c] || cand_base[c] + 8 > t->len)
			continue;
		for (enc = 1; enc >= 0; enc--) {
			uint64_t b = rd64(t->img + cand_base[c]), prev = 0;
			size_t p = t->names;
			uint32_t i, ntext = 0, bad = 0;
			char name[512];

			for (i = 0; i < t->nsyms; i++) {
				uint64_t a = sym_addr(t, cand_offs[c], b, i, enc);

				expand(t, &p, name, sizeof(name));
				if (name[0] != 't' && name[0] != 'T')
					continue;
				ntext++;
				if (a < lo || a > hi || a < prev)
					bad++;
				prev = a;
			}
			if (ntext && bad * 1000 < ntext) {
				*offs = cand_offs[c];
				*base = b;
				*abs_pc = enc;
				return 0;
			}
		}
	}
	return -1;
}

int st_kallsyms_from_image(struct st_kimage *k, struct st_err *err)
{
	struct ktab *t = calloc(1, sizeof(*t));
	size_t offs, p;
	uint64_t base;
	uint32_t i;
	int absolute, rc = -1;
	char name[512];

	if (!t)
		return st_err_set(err, 0, "out of memory");
	t->img = k->map;
	t->len = k->maplen;
	if (find_token_table(t) || find_names(t) || pick_offsets(t, k->elf, &offs, &base,
								   &absolute)) {
		st_err_set(err, 0, "no kallsyms tables found in the image");
		goto out;
	}
	for (i = 0, p = t->names; i < t->nsyms; i++) {
		uint64_t a = sym_addr(t, offs, base, i, absolute);

		expand(t, &p, name, sizeof(name));
		if ((name[0] == 't' || name[0] == 'T') && st_kimage_add(k, name + 1, a, 0)) {
			st_err_set(err, 0, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	free(t);
	return rc;
}
