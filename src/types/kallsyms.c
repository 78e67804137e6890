// SPDX-License-Identifier: MIT
/* Text symbols of kallsyms, kept as the file's text split in place plus one array in the
 * file's order; an address-sorted index is built on the first address lookup. The running
 * kernel's list may come from a per-boot cache (see kallsyms.h): a file in the user's
 * cache directory (st_safedir_open), owned by the user and not writable by others, whose
 * header names its key (SHA-256 of what decides the symbols), the number of records and
 * the length of their strings. The body is fixed-size records in name order (address,
 * offsets of the name and module in the strings that follow, index in the file's order,
 * type): mapped, a name is found by binary search touching a few pages, and the file-order
 * array is built only when asked for. Every record is checked when read (offsets inside
 * the strings, which start and end with a NUL; a known type; an order index in range), so
 * a damaged entry can only give wrong names, never wrong memory accesses. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "types/kallsyms.h"
#include "util/file.h"
#include "util/safedir.h"
#include "util/sha256.h"

#define CACHE_MAX (64u << 20)

struct st_kallsyms {
	char *text;               /* file contents, split in place */
	struct st_ktext *v;       /* in the file's order (from a mapped cache: built on use) */
	size_t n;
	bool shown;               /* some address is not 0 */
	size_t *byaddr;           /* indexes of v sorted by address (then file order) */
	const char *map;          /* a mapped cache entry (NULL: none) */
	size_t maplen;
	const char *rec;          /* its records, in name order */
	size_t nrec;
	const char *recbyaddr;    /* their indexes (uint32) in address order, then file order */
	const char *pool;         /* their strings: pool[0] and pool[npool - 1] are NUL */
	size_t npool;
	bool built;               /* v holds the table (always, unless mapped) */
};

/* A cache record (unaligned in the file: copied out). */
struct crec {
	uint64_t addr;
	uint32_t name, mod;       /* offsets in the strings; mod 0 ("") for vmlinux */
	uint32_t order;           /* index in the file's order */
	char type;
	char pad[3];
};
_Static_assert(sizeof(struct crec) == 24, "cache records are 24 bytes");
#define CACHE_MAGIC "STKS4"
/* the file per symbol: its record and its place in the address index */
#define RECSZ (sizeof(struct crec) + sizeof(uint32_t))

/* The leading hex address of a line (strtoull costs most of a parse of 120k lines). */
static unsigned long long hex_addr(const char *s)
{
	unsigned long long v = 0;
	int i, d;

	for (i = 0; i < 16; i++, s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		v = v << 4 | (unsigned)d;
	}
	return v;
}

static int push(struct st_kallsyms *k, size_t *cap, struct st_ktext s)
{
	if (k->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16384;
		struct st_ktext *nv = realloc(k->v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		k->v = nv;
		*cap = nc;
	}
	k->v[k->n++] = s;
	k->shown |= s.addr != 0;
	return 0;
}

/* "ADDR TYPE NAME [MOD]" lines; only text symbols (t T w W) are kept. */
static int parse(struct st_kallsyms *k)
{
	size_t cap = 0;
	char *line = k->text, *next;

	/* by hand, not sscanf: this runs for each of kallsyms' ~200k lines */
	for (; line && *line; line = next) {
		char *name, *mod = NULL, *p = line;
		char type;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		while (*p && *p != ' ')
			p++;
		if (*p != ' ' || !p[1] || p[2] != ' ')
			continue;
		type = p[1];
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		name = p + 3;
		p = name;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p) {
			*p++ = '\0';
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '[') {
				mod = ++p;
				p += strcspn(p, "] \t");
				*p = '\0';
			}
		}
		if (!*name)
			continue;
		if (push(k, &cap, (struct st_ktext){ hex_addr(line), name, mod, type }))
			return -1;
	}
	return 0;
}

/* Symbols that come and go without a module load: not cached. */
static bool is_dynamic(const struct st_ktext *s)
{
	return s->module && (!strcmp(s->module, "bpf") || !strncmp(s->module, "__builtin__", 11));
}

/* The cache key: what decides the text symbols of vmlinux and the modules. */
static int cache_key(char hex[65])
{
	static const char *const src[] = { "/proc/sys/kernel/random/boot_id", "/proc/modules",
					   "/proc/sys/kernel/kptr_restrict" };
	struct st_sha256 s;
	uint8_t d[32];
	size_t i, len;
	char *t;

	st_sha256_init(&s);
	st_sha256_update(&s, CACHE_MAGIC, sizeof(CACHE_MAGIC));
	for (i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		t = st_read_file(src[i], &len);
		if (!t && i == 1 && errno == ENOENT) {
			t = strdup("");   /* a kernel without modules */
			len = 0;
		}
		if (!t)
			return -1;
		st_sha256_update(&s, t, len + 1);
		free(t);
	}
	st_sha256_final(&s, d);
	st_sha256_hex(d, hex);
	return 0;
}

static int cache_dir(void)
{
	char path[4096], why[4400];

	if (st_cache_path("surftrace", "SURFTRACE_CACHE_DIR", path, sizeof(path)))
		return -1;
	return st_safedir_open(path, true, why, sizeof(why));
}

/* Record i of a mapped entry into *s (and its file-order index); false when it is damaged. */
static bool rec_at(const struct st_kallsyms *k, size_t i, struct st_ktext *s, size_t *order)
{
	struct crec r;

	if (i >= k->nrec)
		return false;
	memcpy(&r, k->rec + i * sizeof(r), sizeof(r));
	if (r.name == 0 || r.name >= k->npool || r.mod >= k->npool || r.order >= k->nrec ||
	    !strchr("tTwW", r.type) || !r.type)
		return false;
	*s = (struct st_ktext){ r.addr, k->pool + r.name, r.mod ? k->pool + r.mod : NULL, r.type };
	if (order)
		*order = r.order;
	return true;
}

/* Maps the entry for key into k; 0, or -1 when it is missing, foreign, stale or damaged. */
static int cache_map(int dir, const char *key, struct st_kallsyms *k)
{
	/* a regular file of the user's that no one else may write (a fifo planted under the
	 * name cannot hang the open); replaced only by rename (st_safedir_publish) */
	static const struct st_read_opts o = { .regular = true, .max = CACHE_MAX,
					       .nofollow = true, .mine = true };
	char hdr[200], hkey[65];
	unsigned long long n, npool;
	size_t len, h;
	const char *map = st_map_file_at(dir, "kallsyms", &o, &len), *nl;

	if (!map)
		return -1;
	nl = memchr(map, '\n', len < sizeof(hdr) ? len : sizeof(hdr));
	if (!nl)
		goto bad;
	h = (size_t)(nl + 1 - map);
	memcpy(hdr, map, h - 1);   /* sscanf needs a NUL the mapping does not have */
	hdr[h - 1] = '\0';
	if (sscanf(hdr, CACHE_MAGIC " %64s %llu %llu", hkey, &n, &npool) != 3 ||
	    strcmp(hkey, key) || n > len / RECSZ || npool < 2 || npool > len ||
	    h + n * RECSZ + npool != len)
		goto bad;
	k->map = map;
	k->maplen = len;
	k->rec = map + h;
	k->nrec = (size_t)n;
	k->recbyaddr = k->rec + n * sizeof(struct crec);
	k->pool = k->recbyaddr + n * sizeof(uint32_t);
	k->npool = (size_t)npool;
	if (k->pool[0] || k->pool[k->npool - 1])
		goto bad;
	return 0;
bad:
	k->map = NULL;
	munmap((void *)map, len);
	return -1;
}

/* The file-order table of a mapped entry (damaged records left out). */
static int build(struct st_kallsyms *k)
{
	struct st_ktext s;
	size_t i, j, order;

	if (k->built)
		return 0;
	k->v = calloc(k->nrec ? k->nrec : 1, sizeof(*k->v));
	if (!k->v)
		return -1;
	for (i = 0; i < k->nrec; i++)
		if (rec_at(k, i, &s, &order) && !k->v[order].name)
			k->v[order] = s;
	for (i = j = 0; i < k->nrec; i++)
		if (k->v[i].name) {
			k->shown |= k->v[i].addr != 0;
			k->v[j++] = k->v[i];
		}
	k->n = j;
	k->built = true;
	return 0;
}

/* The table in the file's order, for the accessors (a mapped entry's on first use; when
 * that runs out of memory, an empty one). */
static struct st_kallsyms *full(const struct st_kallsyms *k)
{
	struct st_kallsyms *m = (struct st_kallsyms *)k;

	if (!m->built && build(m)) {
		m->n = 0;
		m->built = true;
	}
	return m;
}

struct kept {
	const struct st_ktext *v;
	const uint32_t *idx;      /* the kept symbols' indexes in v */
};

/* Kept symbols (by their rank in the file's order) in address order, then file order. */
static int cmp_addr_rank(const void *a, const void *b, void *arg)
{
	const struct kept *kp = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	unsigned long long ax = kp->v[kp->idx[x]].addr, ay = kp->v[kp->idx[y]].addr;

	if (ax != ay)
		return ax < ay ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Kept symbols (by their rank in the file's order) in name order, then file order. */
static int cmp_name(const void *a, const void *b, void *arg)
{
	const struct kept *kp = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c = strcmp(kp->v[kp->idx[x]].name, kp->v[kp->idx[y]].name);

	return c ? c : x < y ? -1 : x > y;
}

/* Writes the static symbols of k as the cache for key (best effort: a cache that cannot
 * be written only costs the next run the read): records in name order, then the strings
 * ("" first, each name, each module once). */
static void cache_store(int dir, const char *key, const struct st_kallsyms *k)
{
	struct mod { const char *name; uint32_t off; } *mods = NULL;
	uint32_t *idx = NULL, *ord = NULL, *pos = NULL, *noff = NULL, *moff = NULL, n = 0;
	struct kept kp;
	size_t i, m, nmods = 0, npool = 1, last = 0;
	char *body = NULL, *pool, hdr[200];
	int hl;

	if (k->n >= UINT32_MAX / 2)
		return;
	idx = malloc((k->n + 1) * sizeof(*idx));
	ord = malloc((k->n + 1) * sizeof(*ord));
	pos = malloc((k->n + 1) * sizeof(*pos));
	noff = malloc((k->n + 1) * sizeof(*noff));
	moff = calloc(k->n + 1, sizeof(*moff));
	mods = malloc((k->n + 1) * sizeof(*mods));
	if (!idx || !ord || !pos || !noff || !moff || !mods)
		goto out;
	for (i = 0; i < k->n; i++) {
		const struct st_ktext *s = &k->v[i];

		if (is_dynamic(s))
			continue;
		ord[n] = n;
		idx[n++] = (uint32_t)i;
		noff[i] = (uint32_t)npool;
		npool += strlen(s->name) + 1;
		if (!s->module)
			continue;
		/* a module's symbols are together in the file: nearly always the last one */
		m = nmods && !strcmp(mods[last].name, s->module) ? last : 0;
		if (m != last || !nmods)
			for (m = 0; m < nmods && strcmp(mods[m].name, s->module); m++)
				;
		if (m == nmods) {
			mods[nmods++] = (struct mod){ s->module, (uint32_t)npool };
			npool += strlen(s->module) + 1;
		}
		last = m;
		moff[i] = mods[m].off;
		if (npool > CACHE_MAX)
			goto out;
	}
	kp = (struct kept){ k->v, idx };
	qsort_r(ord, n, sizeof(*ord), cmp_name, &kp);
	body = malloc((size_t)n * RECSZ + npool);
	if (!body)
		goto out;
	pool = body + (size_t)n * RECSZ;
	pool[0] = '\0';
	for (m = 0; m < nmods; m++)
		memcpy(pool + mods[m].off, mods[m].name, strlen(mods[m].name) + 1);
	for (i = 0; i < n; i++) {
		uint32_t at = idx[ord[i]];
		const struct st_ktext *s = &k->v[at];
		struct crec r = { .addr = s->addr, .name = noff[at], .mod = moff[at],
				  .order = ord[i], .type = s->type };

		memcpy(pool + r.name, s->name, strlen(s->name) + 1);
		memcpy(body + (size_t)i * sizeof(r), &r, sizeof(r));
		pos[ord[i]] = (uint32_t)i;
	}
	/* the address index: record positions in address order */
	for (i = 0; i < n; i++)
		ord[i] = (uint32_t)i;
	qsort_r(ord, n, sizeof(*ord), cmp_addr_rank, &kp);
	for (i = 0; i < n; i++)
		memcpy(body + (size_t)n * sizeof(struct crec) + i * sizeof(uint32_t), &pos[ord[i]],
		       sizeof(uint32_t));
	hl = snprintf(hdr, sizeof(hdr), CACHE_MAGIC " %s %u %zu\n", key, n, npool);
	st_safedir_publish(dir, "kallsyms", hdr, (size_t)hl, body, (size_t)n * RECSZ + npool, 0,
			   NULL);
out:
	free(idx);
	free(ord);
	free(pos);
	free(noff);
	free(moff);
	free(mods);
	free(body);
}

static struct st_kallsyms *from_text(char *text, struct st_err *err)
{
	struct st_kallsyms *k = calloc(1, sizeof(*k));

	if (!k) {
		free(text);
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	k->text = text;
	k->built = true;
	if (parse(k)) {
		st_kallsyms_free(k);
		st_err_set(err, 0, "out of memory reading kallsyms");
		return NULL;
	}
	return k;
}

/* mapped: a cache hit stays mapped (the file-order table is built on first use). */
static struct st_kallsyms *read_table(const char *path, bool cached, bool mapped,
				      struct st_err *err)
{
	const char *file = path ? path : "/proc/kallsyms";
	struct st_kallsyms *k;
	char key[65], *text;
	int dir = -1;

	if (!path && cached && !cache_key(key)) {
		dir = cache_dir();
		k = dir >= 0 ? calloc(1, sizeof(*k)) : NULL;
		if (k && !cache_map(dir, key, k) && (mapped || !build(k))) {
			close(dir);
			return k;
		}
		st_kallsyms_free(k);   /* missing or foreign: read kallsyms, (re)write it */
	}
	text = st_slurp(file);
	if (!text) {
		int e = errno;

		st_err_set(err, 0, "cannot read %s: %s", file, strerror(e));
		if (dir >= 0)
			close(dir);
		errno = e;
		return NULL;
	}
	k = from_text(text, err);
	if (k && dir >= 0)
		cache_store(dir, key, k);
	if (dir >= 0)
		close(dir);
	return k;
}

struct st_kallsyms *st_kallsyms_read(const char *path, bool cached, struct st_err *err)
{
	return read_table(path, cached, false, err);
}

struct st_kallsyms *st_kallsyms_read_mapped(struct st_err *err)
{
	return read_table(NULL, true, true, err);
}

void st_kallsyms_free(struct st_kallsyms *k)
{
	if (!k)
		return;
	free(k->byaddr);
	free(k->v);
	free(k->text);
	if (k->map)
		munmap((void *)k->map, k->maplen);
	free(k);
}

size_t st_kallsyms_count(const struct st_kallsyms *k)
{
	return full(k)->n;
}

const struct st_ktext *st_kallsyms_at(const struct st_kallsyms *k, size_t i)
{
	k = full(k);
	return i < k->n ? &k->v[i] : NULL;
}

bool st_kallsyms_hidden(const struct st_kallsyms *k)
{
	return !full(k)->shown;
}

size_t st_kallsyms_named(const struct st_kallsyms *k)
{
	return k->map ? k->nrec : 0;
}

size_t st_kallsyms_named_lower(const struct st_kallsyms *k, const char *name)
{
	size_t lo = 0, hi = k->map ? k->nrec : 0;
	struct st_ktext s;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		/* a damaged record sorts first: the search stays in bounds, answers may be wrong */
		if (!rec_at(k, mid, &s, NULL) || strcmp(s.name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool st_kallsyms_named_at(const struct st_kallsyms *k, size_t i, struct st_ktext *s)
{
	return k->map && rec_at(k, i, s, NULL);
}

static int cmp_addr(const void *a, const void *b, void *arg)
{
	const struct st_kallsyms *k = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	unsigned long long ax = k->v[x].addr, ay = k->v[y].addr;

	if (ax != ay)
		return ax < ay ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int by_address(struct st_kallsyms *k)
{
	size_t i;

	if (k->byaddr)
		return 0;
	k->byaddr = malloc((k->n ? k->n : 1) * sizeof(*k->byaddr));
	if (!k->byaddr)
		return -1;
	for (i = 0; i < k->n; i++)
		k->byaddr[i] = i;
	qsort_r(k->byaddr, k->n, sizeof(*k->byaddr), cmp_addr, k);
	return 0;
}

bool st_kallsyms_addr(struct st_kallsyms *k, unsigned long long addr, const char **name,
		      unsigned long long *start, unsigned long long *size)
{
	size_t lo = 0, hi, nx;
	const struct st_ktext *s;

	if (!full(k)->shown || by_address(k))
		return false;
	hi = k->n;
	while (lo < hi) {   /* first symbol above addr */
		size_t mid = lo + (hi - lo) / 2;

		if (k->v[k->byaddr[mid]].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || !k->v[k->byaddr[lo - 1]].addr)
		return false;
	s = &k->v[k->byaddr[lo - 1]];
	nx = lo;   /* aliases share an address: the size runs to the next distinct one */
	*name = s->name;
	*start = s->addr;
	*size = nx < k->n ? k->v[k->byaddr[nx]].addr - s->addr : 0;
	return true;
}

/* st_kallsyms_name_span on a mapped entry: the name's records in file order, then the
 * first record above its address in the address index. */
static int mapped_span(const struct st_kallsyms *k, const char *name, unsigned long long *size)
{
	unsigned long long at = 0;
	size_t i, lo = 0, hi = k->nrec;
	struct st_ktext s;
	uint32_t r;

	for (i = st_kallsyms_named_lower(k, name);
	     !at && rec_at(k, i, &s, NULL) && !strcmp(s.name, name); i++)
		at = s.addr;
	if (!at)
		return -1;
	while (lo < hi) {   /* the first above at */
		size_t mid = lo + (hi - lo) / 2;

		memcpy(&r, k->recbyaddr + mid * sizeof(r), sizeof(r));
		if (!rec_at(k, r, &s, NULL) || s.addr <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	memcpy(&r, k->recbyaddr + (lo < k->nrec ? lo : 0) * sizeof(r), sizeof(r));
	if (lo == k->nrec || !rec_at(k, r, &s, NULL) || s.addr <= at)
		return -1;
	*size = s.addr - at;
	return 0;
}

int st_kallsyms_name_span(const struct st_kallsyms *k, const char *name,
			  unsigned long long *size)
{
	unsigned long long at = 0, end = ~0ULL;
	size_t i;

	if (k->map && !k->built)
		return mapped_span(k, name, size);
	k = full(k);
	for (i = 0; i < k->n && !at; i++)
		if (!strcmp(k->v[i].name, name))
			at = k->v[i].addr;
	if (!at)
		return -1;   /* not there, or addresses hidden (zeros without CAP_SYSLOG) */
	for (i = 0; i < k->n; i++)
		if (k->v[i].addr > at && k->v[i].addr < end)
			end = k->v[i].addr;
	if (end == ~0ULL)
		return -1;
	*size = end - at;
	return 0;
}
