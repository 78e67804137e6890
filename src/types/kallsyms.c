// SPDX-License-Identifier: MIT
/* Text symbols of kallsyms, kept as the file's text split in place plus one array in the
 * file's order; an address-sorted index is built on the first address lookup. The running
 * kernel's list may come from a per-boot cache (see kallsyms.h): a file in the user's
 * cache directory (st_safedir_open), owned by the user and not writable by others, whose
 * header names its key (SHA-256 of what decides the symbols) and the body's length; the
 * body is in kallsyms format and read by the same parser as /proc/kallsyms, so a damaged
 * entry can only give wrong names, never wrong memory accesses. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "types/kallsyms.h"
#include "util/file.h"
#include "util/safedir.h"
#include "util/sha256.h"

#define CACHE_MAX (64u << 20)

struct st_kallsyms {
	char *text;               /* file contents, split in place */
	struct st_ktext *v;
	size_t n;
	bool shown;               /* some address is not 0 */
	size_t *byaddr;           /* indexes of v sorted by address (then file order) */
};

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

/* The cache's records: the address (8 bytes, this machine's order), the type, the name and
 * the module ("" for vmlinux), each string NUL-terminated: split with strlen, not byte by
 * byte, and nothing to convert. */
static int parse_records(struct st_kallsyms *k, size_t len)
{
	char *p = k->text, *end = k->text + len, *name, *mod;
	unsigned long long addr;
	size_t cap = 0;

	while (p < end) {
		if (end - p < 12 || !p[8] || !strchr("tTwW", p[8]))
			return -1;
		memcpy(&addr, p, sizeof(addr));
		name = p + 9;
		mod = name + strlen(name) + 1;
		if (mod >= end || !*name)
			return -1;
		p = mod + strlen(mod) + 1;
		if (p > end)
			return -1;
		if (push(k, &cap, (struct st_ktext){ addr, name, *mod ? mod : NULL, name[-1] }))
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
	st_sha256_update(&s, "STKS3", 6);
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

/* The cached body for key, or NULL (missing, foreign, stale or damaged). */
static char *cache_load(int dir, const char *key, size_t *len)
{
	/* a regular file of the user's that no one else may write (a fifo planted under the
	 * name cannot hang the open) */
	static const struct st_read_opts o = { .regular = true, .max = CACHE_MAX,
					       .nofollow = true, .mine = true };
	unsigned long long blen;
	char hkey[65], *buf, *nl;
	size_t n;

	buf = st_read_file_at(dir, "kallsyms", &o, &n);
	if (!buf)
		return NULL;
	nl = memchr(buf, '\n', n < 200 ? n : 200);
	if (!nl || sscanf(buf, "STKS3 %64s %llu", hkey, &blen) != 2 || strcmp(hkey, key) ||
	    blen != (unsigned long long)(n - (size_t)(nl + 1 - buf))) {
		free(buf);
		return NULL;
	}
	memmove(buf, nl + 1, (size_t)blen + 1);
	*len = (size_t)blen;
	return buf;
}

/* Writes the static symbols of k as the cache for key (best effort: a cache that cannot
 * be written only costs the next run the read). */
static void cache_store(int dir, const char *key, const struct st_kallsyms *k)
{
	char *body = NULL, hdr[200];
	size_t len = 0, i;
	FILE *f = open_memstream(&body, &len);
	int n;

	if (!f)
		return;
	for (i = 0; i < k->n; i++) {
		const struct st_ktext *s = &k->v[i];

		if (is_dynamic(s))
			continue;
		fwrite(&s->addr, sizeof(s->addr), 1, f);
		fputc(s->type, f);
		fwrite(s->name, 1, strlen(s->name) + 1, f);
		if (s->module)
			fputs(s->module, f);
		fputc('\0', f);
	}
	if (fclose(f) || !body)
		goto out;
	n = snprintf(hdr, sizeof(hdr), "STKS3 %s %zu\n", key, len);
	st_safedir_publish(dir, "kallsyms", hdr, (size_t)n, body, len, 0, NULL);
out:
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
	if (parse(k)) {
		st_kallsyms_free(k);
		st_err_set(err, 0, "out of memory reading kallsyms");
		return NULL;
	}
	return k;
}

struct st_kallsyms *st_kallsyms_read(const char *path, bool cached, struct st_err *err)
{
	const char *file = path ? path : "/proc/kallsyms";
	struct st_kallsyms *k;
	char key[65], *text;
	size_t len;
	int dir = -1;

	if (!path && cached && !cache_key(key)) {
		dir = cache_dir();
		text = dir >= 0 ? cache_load(dir, key, &len) : NULL;
		k = text ? calloc(1, sizeof(*k)) : NULL;
		if (k) {
			k->text = text;
			if (!parse_records(k, len)) {
				close(dir);
				return k;
			}
			st_kallsyms_free(k);   /* a damaged entry: read kallsyms, rewrite it */
		} else {
			free(text);
		}
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

void st_kallsyms_free(struct st_kallsyms *k)
{
	if (!k)
		return;
	free(k->byaddr);
	free(k->v);
	free(k->text);
	free(k);
}

size_t st_kallsyms_count(const struct st_kallsyms *k)
{
	return k->n;
}

const struct st_ktext *st_kallsyms_at(const struct st_kallsyms *k, size_t i)
{
	return i < k->n ? &k->v[i] : NULL;
}

bool st_kallsyms_hidden(const struct st_kallsyms *k)
{
	return !k->shown;
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
	size_t lo = 0, hi = k->n, nx;
	const struct st_ktext *s;

	if (!k->shown || by_address(k))
		return false;
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

int st_kallsyms_name_span(const struct st_kallsyms *k, const char *name,
			  unsigned long long *size)
{
	unsigned long long at = 0, end = ~0ULL;
	size_t i;

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
