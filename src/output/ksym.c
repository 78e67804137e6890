// SPDX-License-Identifier: MIT
/* Kernel address -> symbol for kprobe locations and stack frames. /proc/kallsyms is read
 * only when an address must be printed, and kept compact: text symbols only, one sorted
 * array of (address, name offset) and one string pool. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output/output_int.h"

struct ent {
	unsigned long long addr;
	unsigned int name;        /* offset into pool */
};

struct st_addrsyms {
	char path[256];
	bool loaded;
	struct ent *v;
	size_t n;
	char *pool;
	size_t plen;
};

struct st_addrsyms *st_addrsyms_new(const char *path)
{
	struct st_addrsyms *s = calloc(1, sizeof(*s));
	if (s)
		snprintf(s->path, sizeof(s->path), "%s", path ? path : "/proc/kallsyms");
	return s;
}

void st_addrsyms_free(struct st_addrsyms *s)
{
	if (!s)
		return;
	free(s->v);
	free(s->pool);
	free(s);
}

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static bool add(struct st_addrsyms *s, unsigned long long addr, const char *name,
		size_t *cap, size_t *pcap)
{
	size_t len = strlen(name) + 1;
	if (s->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16384;
		struct ent *nv = realloc(s->v, nc * sizeof(*nv));
		if (!nv)
			return false;
		s->v = nv;
		*cap = nc;
	}
	if (s->plen + len > *pcap) {
		size_t nc = *pcap ? *pcap * 2 : 262144;
		char *np = realloc(s->pool, nc);
		if (!np)
			return false;
		s->pool = np;
		*pcap = nc;
	}
	memcpy(s->pool + s->plen, name, len);
	s->v[s->n].addr = addr;
	s->v[s->n].name = (unsigned int)s->plen;
	s->n++;
	s->plen += len;
	return true;
}

static void load(struct st_addrsyms *s)
{
	s->loaded = true;
	FILE *f = fopen(s->path, "re");
	if (!f)
		return;
	char line[512];
	size_t cap = 0, pcap = 0;
	bool any_nonzero = false;
	while (fgets(line, sizeof(line), f)) {
		char *end, *type, *name;
		unsigned long long addr = strtoull(line, &end, 16);
		if (end == line || *end != ' ')
			continue;
		type = end + 1;
		if (!strchr("tTwW", *type) || type[1] != ' ')
			continue;
		name = type + 2;
		name[strcspn(name, " \t\n")] = '\0';  /* drop "[module]" and the newline */
		any_nonzero |= addr != 0;
		if (!add(s, addr, name, &cap, &pcap))
			break;
	}
	fclose(f);
	if (!any_nonzero) {
		/* kptr_restrict hides addresses: nothing can be symbolized */
		s->n = 0;
		return;
	}
	qsort(s->v, s->n, sizeof(*s->v), ent_cmp);
	/* Give back the unused tail of the growth. */
	struct ent *nv = realloc(s->v, (s->n ? s->n : 1) * sizeof(*nv));
	if (nv)
		s->v = nv;
	char *np = realloc(s->pool, s->plen ? s->plen : 1);
	if (np)
		s->pool = np;
}

bool st_addrsyms_find(struct st_addrsyms *s, unsigned long long addr, const char **name,
		      unsigned long long *start, unsigned long long *size)
{
	if (!s->loaded)
		load(s);
	if (!s->n || addr < s->v[0].addr)
		return false;
	size_t lo = 0, hi = s->n;        /* last entry with v.addr <= addr */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* Aliases share an address: the size runs to the next distinct address. */
	size_t nx = lo + 1;
	while (nx < s->n && s->v[nx].addr == s->v[lo].addr)
		nx++;
	if (nx == s->n)
		return false;               /* past the last symbol: not text we know */
	*name = s->pool + s->v[lo].name;
	*start = s->v[lo].addr;
	*size = s->v[nx].addr - s->v[lo].addr;
	return true;
}

void st_addrsyms_put(struct st_addrsyms *s, struct st_sb *b, unsigned long long addr,
		     bool with_off)
{
	const char *name;
	unsigned long long start, size;
	if (!s || !st_addrsyms_find(s, addr, &name, &start, &size)) {
		st_sb_printf(b, "0x%llx", addr);
		return;
	}
	if (with_off)
		st_sb_printf(b, "%s+0x%llx/0x%llx", name, addr - start, size);
	else
		st_sb_puts(b, name);
}
