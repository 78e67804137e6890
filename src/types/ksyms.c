// SPDX-License-Identifier: MIT
/* Traceable kernel functions, kept as one text buffer plus an index that is sorted by name
 * on the first ordered access (listing, completion) or the 8th name resolved: a run that
 * only resolves a few names scans it instead, which saves the sort (~15 ms of a 120k-line
 * kallsyms). From kallsyms' mapped per-boot cache (already in name order) names are
 * looked up in place and the index is built only for what needs every name (listing,
 * suggestions): -S of a kprobe reads a few pages of it, not 120k symbols. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "types/kallsyms.h"
#include "types/ksyms.h"
#include "util/err.h"
#include "util/file.h"

struct st_ksyms {
	char *text;              /* available_filter_functions contents, split in place */
	struct st_kallsyms *table;  /* or kallsyms: syms[] point into it, addr set (0: hidden) */
	struct st_ksym *syms;
	size_t n, cap;
	unsigned resolves;
	bool sorted;
	bool mapped;             /* names looked up in table (st_kallsyms_named); syms empty */
	struct held *held;       /* the entries handed out while mapped */
};

/* An entry handed out from the mapped table: callers keep its pointer. */
struct held {
	struct held *next;
	struct st_ksym s;
};

static int cmp_sym(const void *a, const void *b)
{
	return strcmp(((const struct st_ksym *)a)->name, ((const struct st_ksym *)b)->name);
}

static int add_sym(struct st_ksyms *k, const char *name, const char *mod,
		   unsigned long long addr)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 4096;
		struct st_ksym *ns = realloc(k->syms, cap * sizeof(*ns));

		if (!ns)
			return -1;
		k->syms = ns;
		k->cap = cap;
	}
	k->syms[k->n++] = (struct st_ksym){ name, mod, addr };
	return 0;
}

/* Lines are "name [module]" (available_filter_functions). */
static int index_lines(struct st_ksyms *k)
{
	char *line = k->text, *next;

	for (; line && *line; line = next) {
		char *name, *mod = NULL, *p = line;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		name = p;
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
		if (*name && !st_ksym_padding(name) && add_sym(k, name, mod, 0))
			return -1;
	}
	return 0;
}

/* The text symbols of kallsyms but the __pfx_/__cfi_ padding before a function (not code
 * to trace; its address still ends the function before it, st_ksyms_span). */
static int index_table(struct st_ksyms *k)
{
	size_t i, n = st_kallsyms_count(k->table);

	for (i = 0; i < n; i++) {
		const struct st_ktext *s = st_kallsyms_at(k->table, i);

		if (!st_ksym_padding(s->name) && add_sym(k, s->name, s->module, s->addr))
			return -1;
	}
	return 0;
}

/* Every name in syms (a mapped table's on the first call that needs them all; when that
 * runs out of memory, what was indexed). */
static const struct st_ksyms *indexed(const struct st_ksyms *k)
{
	struct st_ksyms *m = (struct st_ksyms *)k;

	if (m->mapped) {
		m->mapped = false;
		index_table(m);
	}
	return k;
}

/* The index in name order (a cache: callers hold const pointers to the set). */
static const struct st_ksyms *sorted(const struct st_ksyms *k)
{
	struct st_ksyms *m = (struct st_ksyms *)indexed(k);

	if (!m->sorted) {
		qsort(m->syms, m->n, sizeof(*m->syms), cmp_sym);
		m->sorted = true;
	}
	return k;
}

/* "ffffffff81000000 T _stext": a file in kallsyms format (tests pass one as path). */
static bool looks_like_kallsyms(const char *t)
{
	size_t h = strspn(t, "0123456789abcdefABCDEF");

	return h >= 8 && t[h] == ' ' && t[h + 1] && t[h + 2] == ' ';
}

/* path: that file, in either format; else available_filter_functions, else kallsyms. */
static int read_list(struct st_ksyms *k, const char *path, const char *tracefs, bool cached)
{
	char aff[512];

	if (path) {
		k->text = st_slurp(path);
		if (!k->text || !looks_like_kallsyms(k->text))
			return k->text ? 0 : -1;
		free(k->text);
		k->text = NULL;
	} else if (tracefs && snprintf(aff, sizeof(aff), "%s/available_filter_functions",
				       tracefs) < (int)sizeof(aff)) {
		k->text = st_slurp(aff);
		if (k->text)
			return 0;
	}
	k->table = path || !cached ? st_kallsyms_read(path, cached, NULL) :
		   st_kallsyms_read_mapped(NULL);
	return k->table ? 0 : -1;
}

static struct st_ksyms *load(const char *path, const char *tracefs, bool cached,
			     struct st_err *err)
{
	struct st_ksyms *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	if (read_list(k, path, tracefs, cached)) {
		st_err_set(err, 0, "cannot read the kernel's function list (%s): %s",
			   path ? path : "available_filter_functions or /proc/kallsyms",
			   strerror(errno));
		free(k);
		return NULL;
	}
	/* the cache's mapped table is looked up in place */
	k->mapped = cached && k->table && st_kallsyms_named(k->table) > 0;
	if (!k->mapped && (k->table ? index_table(k) : index_lines(k))) {
		st_err_set(err, 0, "out of memory reading the function list");
		st_ksyms_free(k);
		return NULL;
	}
	return k;
}

struct st_ksyms *st_ksyms_load(const char *path, const char *tracefs, struct st_err *err)
{
	return load(path, tracefs, false, err);
}

struct st_ksyms *st_ksyms_load_cached(const char *tracefs, struct st_err *err)
{
	return load(NULL, tracefs, true, err);
}

void st_ksyms_free(struct st_ksyms *k)
{
	if (!k)
		return;
	while (k->held) {
		struct held *h = k->held;

		k->held = h->next;
		free(h);
	}
	free(k->syms);
	st_kallsyms_free(k->table);
	free(k->text);
	free(k);
}

size_t st_ksyms_count(const struct st_ksyms *k)
{
	return indexed(k)->n;
}

const struct st_ksym *st_ksyms_at(const struct st_ksyms *k, size_t i)
{
	k = sorted(k);
	return i < k->n ? &k->syms[i] : NULL;
}

/* First index whose name is >= key. */
static size_t lower_bound(const struct st_ksyms *k, const char *key)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(k->syms[mid].name, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* True when s (after the base name) is only compiler suffixes: .isra.N .part.N
 * .constprop.N .cold .llvm.N .lto_priv.N .localalias in any combination. */
static bool is_compiler_suffix(const char *s)
{
	static const char *const words[] = { "isra", "part", "constprop", "cold", "llvm",
					     "lto_priv", "localalias", "specialized" };
	while (*s == '.') {
		size_t i, l = 0;

		s++;
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			l = strlen(words[i]);
			if (!strncmp(s, words[i], l) && (s[l] == '.' || s[l] == '\0'))
				break;
		}
		if (i == sizeof(words) / sizeof(words[0])) {
			/* numeric component */
			if (*s < '0' || *s > '9')
				return false;
			while (*s >= '0' && *s <= '9')
				s++;
			continue;
		}
		s += l;
	}
	return *s == '\0';
}

/* Preference among the clones of one function: those that keep the calling convention
 * (.llvm.N, .lto_priv.N, .localalias) before those that may not (.isra .constprop .part). */
static int clone_rank(const char *name)
{
	return st_ksym_abi_changed(name) ? 1 : 0;
}

/* A .cold fragment is the outlined unlikely part of a function, never its entry. */
static bool is_cold(const char *suffix)
{
	return strstr(suffix, ".cold") != NULL;
}

/* How sym relates to name (len its length): 0 the name itself, 1 a compiler-suffixed
 * variant of it (not a .cold fragment), 2 another name starting with it, -1 a name that
 * does not start with it. */
static int variant(const char *sym, const char *name, size_t len)
{
	const char *rest = sym + len;

	if (strncmp(sym, name, len))
		return -1;
	if (!*rest)
		return 0;
	return *rest == '.' && is_compiler_suffix(rest) && !is_cold(rest) ? 1 : 2;
}

/* Where the names that start with `name` begin (mapped, or sorted: they follow one
 * another), else 0 (the unsorted index is scanned whole). */
static size_t first_of(const struct st_ksyms *k, const char *name)
{
	if (k->mapped)
		return st_kallsyms_named_lower(k->table, name);
	return k->sorted ? lower_bound(k, name) : 0;
}

/* Entry i, in *tmp when mapped; NULL for a record to skip (padding, damaged), and then
 * *end when i is past the last. */
static const struct st_ksym *entry(const struct st_ksyms *k, size_t i, struct st_ksym *tmp,
				   bool *end)
{
	struct st_ktext t;

	*end = i >= (k->mapped ? st_kallsyms_named(k->table) : k->n);
	if (*end)
		return NULL;
	if (!k->mapped)
		return &k->syms[i];
	if (!st_kallsyms_named_at(k->table, i, &t) || st_ksym_padding(t.name))
		return NULL;
	*tmp = (struct st_ksym){ t.name, t.module, t.addr };
	return tmp;
}

/* A pointer to s that lasts as long as k (a mapped entry is copied). */
static const struct st_ksym *keep(const struct st_ksyms *k, const struct st_ksym *s)
{
	struct st_ksyms *m = (struct st_ksyms *)k;
	struct held *h;

	if (!k->mapped)
		return s;
	h = malloc(sizeof(*h));
	if (!h)
		return NULL;
	h->s = *s;
	h->next = m->held;
	m->held = h;
	return &h->s;
}

static int cmp_symp(const void *a, const void *b)
{
	return strcmp((*(const struct st_ksym *const *)a)->name,
		      (*(const struct st_ksym *const *)b)->name);
}

const struct st_ksym *st_ksyms_resolve(const struct st_ksyms *k, const char *name,
				       const struct st_ksym **alts, size_t maxalts, size_t *nalts)
{
	enum { MAXC = 64 };
	const struct st_ksym *c[MAXC], *found = NULL, *s;
	struct st_ksym tmp;
	size_t len = strlen(name), i, nc = 0, n = 0;
	bool end = false, ordered;

	if (nalts)
		*nalts = 0;
	/* a few names scan; more (-S -f of thousands) sort once and search */
	if (!k->mapped && !k->sorted && ++((struct st_ksyms *)k)->resolves >= 8)
		sorted(k);
	ordered = k->mapped || k->sorted;
	/* the exact name and the compiler-suffixed variants (not .cold fragments) */
	for (i = first_of(k, name); !end; i++) {
		int v;

		s = entry(k, i, &tmp, &end);
		if (!s)
			continue;
		v = variant(s->name, name, len);
		if (v < 0 && ordered)
			break;
		if (v < 0 || v == 2)
			continue;
		if (!v)
			return keep(k, s);
		if (nc < MAXC && (s = keep(k, s)))
			c[nc++] = s;
	}
	qsort(c, nc, sizeof(*c), cmp_symp);
	for (i = 0; i < nc; i++) {
		if (i && !strcmp(c[i - 1]->name, c[i]->name))
			continue;   /* the same static name twice (kallsyms) */
		if (alts && n < maxalts)
			alts[n] = c[i];
		n++;
		/* name order: the first of the best rank wins */
		if (!found || clone_rank(c[i]->name) < clone_rank(found->name))
			found = c[i];
	}
	if (nalts)
		*nalts = n;
	return found;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int st_ksyms_modules(const struct st_ksyms *k, const char *name, const char **mods, int max)
{
	size_t len = strlen(name), i;
	const struct st_ksym *s;
	struct st_ksym tmp;
	bool end = false;
	int n = 0, j, v;

	for (i = first_of(k, name); !end; i++) {
		s = entry(k, i, &tmp, &end);
		if (!s)
			continue;
		v = variant(s->name, name, len);
		if (v < 0 && (k->mapped || k->sorted))
			break;
		if (v < 0 || v == 2 || !s->module)
			continue;
		for (j = 0; j < n && strcmp(mods[j], s->module); j++)
			;
		if (j < n)
			continue;
		if (n == max)
			return -1;
		mods[n++] = s->module;
	}
	qsort(mods, (size_t)n, sizeof(*mods), cmp_str);
	return n;
}

bool st_ksyms_from_kallsyms(const struct st_ksyms *k)
{
	return k->table != NULL;
}

bool st_ksym_abi_changed(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot && (strstr(dot, ".isra.") || strstr(dot, ".constprop.") ||
		       strstr(dot, ".part."));
}

const char *st_ksym_padding(const char *name)
{
	if (name[0] != '_' || name[1] != '_')
		return NULL;
	if (!strncmp(name, "__pi_", 5))   /* position-independent early-boot aliases */
		name += 5;
	if (!strncmp(name, "__pfx_", 6) || !strncmp(name, "__cfi_", 6))
		return name + 6;
	return NULL;
}

const char *st_ksym_base(const char *name, char *buf, size_t n)
{
	const char *dot = strchr(name, '.');
	size_t l = dot && is_compiler_suffix(dot) ? (size_t)(dot - name) : strlen(name);

	if (l >= n)
		l = n - 1;
	memcpy(buf, name, l);
	buf[l] = '\0';
	return buf;
}

const char *st_ksyms_suggest(const struct st_ksyms *k, const char *name)
{
	enum { CHUNK = 4096 };
	const char *cands[CHUNK], *best = NULL, *pick;
	size_t i = 0;

	/* Suggest per chunk then among the chunk winners: st_suggest takes an array. In name
	 * order, so ties between equally near names resolve the same way on every run. */
	const char *winners[64];
	size_t nw = 0;

	k = sorted(k);
	while (i < k->n) {
		size_t c = 0;

		for (; i < k->n && c < CHUNK; i++)
			cands[c++] = k->syms[i].name;
		pick = st_suggest(name, cands, c);
		if (pick && nw < 64)
			winners[nw++] = pick;
	}
	best = st_suggest(name, winners, nw);
	return best;
}

int st_ksyms_span(const struct st_ksyms *k, const char *name, unsigned long long *size)
{
	return k->table ? st_kallsyms_name_span(k->table, name, size) : -1;
}

int st_kallsyms_span(const char *path, const char *name, unsigned long long *size)
{
	struct st_kallsyms *t = st_kallsyms_read(path, true, NULL);
	int r = t ? st_kallsyms_name_span(t, name, size) : -1;

	st_kallsyms_free(t);
	return r;
}
