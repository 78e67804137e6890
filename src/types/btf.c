// SPDX-License-Identifier: MIT
/* BTF sources and lookups for the translator (libbpf's BTF API does the parsing). */
#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <bpf/btf.h>
#include "types/hive.h"
#include "types/kident.h"
#include "types/kmodidx.h"
#include "types/types.h"
#include "util/file.h"

/* A name index over one BTF object's own types (split BTF: not its base's): an open
 * addressing hash of (kind, name) -> the lowest id, so a lookup gives libbpf's answer.
 * Built on the ST_BTF_IX_AFTER-th lookup: until then libbpf's linear scan is cheaper
 * than indexing 150k types, after it (-S of thousands of functions) far dearer. */
enum { ST_BTF_IX_AFTER = 8 };

struct st_btf_names {
	const struct btf *btf;
	__u32 *slot;            /* type ids, 0 = empty */
	__u32 mask;
	unsigned lookups;
	bool built, failed;
};

/* One module of mod_dir, read on demand. */
struct kmod {
	char *name;
	struct btf *btf;
	struct st_btf_names *ix;
	signed char state;      /* 0 not read yet, 1 read, -1 unreadable */
	bool indexed;           /* the entry's kmodidx covers it */
	long long size;         /* its size as the index has it */
};

struct st_types {
	struct btf *base;
	struct st_btf_names *base_ix;
	struct kmod *km;        /* mod_dir's modules, sorted by name, listed on first miss */
	int nkm;
	bool kernel;            /* opened from the running kernel */
	bool hive_mods;         /* mod_dir is a hive entry's kmod/, not sysfs */
	char mod_dir[4096];     /* where module split BTF is: sysfs, or a hive entry's kmod/ */
	char idx_path[4096];    /* the hive entry's kmodidx, "" when none */
	struct st_kmodidx *kidx;
	bool kidx_bad;          /* the index disagreed with a module: not used any more */
	bool mods_listed, mods_all;
	char identity[32];
	char hive[4096];        /* the hive the types come from, "" when none */
};

struct st_btf_names *st_btf_names_new(const struct btf *btf)
{
	struct st_btf_names *ix = calloc(1, sizeof(*ix));

	if (ix)
		ix->btf = btf;
	return ix;
}

void st_btf_names_free(struct st_btf_names *ix)
{
	if (!ix)
		return;
	free(ix->slot);
	free(ix);
}

static __u32 name_hash(const char *name, int kind)
{
	__u32 h = 2166136261u ^ (__u32)kind;

	while (*name) {
		h ^= (unsigned char)*name++;
		h *= 16777619u;
	}
	return h;
}

__u32 st_btf_first_own_id(const struct btf *btf)
{
	const struct btf *base = btf__base_btf(btf);

	return base ? btf__type_cnt(base) : 1;
}

static void names_build(struct st_btf_names *ix)
{
	const struct btf *btf = ix->btf;
	__u32 n = btf__type_cnt(btf), id, size = 16;

	ix->built = true;
	while (size < 2 * (n - st_btf_first_own_id(btf) + 1))
		size <<= 1;
	ix->slot = calloc(size, sizeof(*ix->slot));
	if (!ix->slot) {
		ix->failed = true;
		return;
	}
	ix->mask = size - 1;
	for (id = st_btf_first_own_id(btf); id < n; id++) {
		const struct btf_type *tp = btf__type_by_id(btf, id);
		const char *name;
		__u32 h;

		if (!tp || !tp->name_off)
			continue;
		name = btf__name_by_offset(btf, tp->name_off);
		for (h = name_hash(name, btf_kind(tp)) & ix->mask; ix->slot[h];
		     h = (h + 1) & ix->mask) {
			const struct btf_type *o = btf__type_by_id(btf, ix->slot[h]);

			if (btf_kind(o) == btf_kind(tp) &&
			    !strcmp(btf__name_by_offset(btf, o->name_off), name))
				break;      /* a lower id has this name and kind */
		}
		if (!ix->slot[h])
			ix->slot[h] = id;
	}
}

/* A linear scan of btf's own types (a module's split BTF: not its base's, which
 * btf__find_by_name_kind would walk again for every module, 100k+ types each). */
static int find_own(const struct btf *btf, const char *name, int kind)
{
	__u32 n = btf__type_cnt(btf), id;

	for (id = st_btf_first_own_id(btf); id < n; id++) {
		const struct btf_type *tp = btf__type_by_id(btf, id);

		if (btf_kind(tp) == kind && tp->name_off &&
		    !strcmp(btf__name_by_offset(btf, tp->name_off), name))
			return (int)id;
	}
	return -ENOENT;
}

int st_btf_names_find(struct st_btf_names *ix, const char *name, int kind)
{
	const struct btf *btf = ix->btf;
	__u32 h;

	if (!ix->built && ++ix->lookups >= ST_BTF_IX_AFTER)
		names_build(ix);
	if (!strcmp(name, "void"))
		return 0;
	if (!ix->built || ix->failed)
		return find_own(btf, name, kind);
	for (h = name_hash(name, kind) & ix->mask; ix->slot[h]; h = (h + 1) & ix->mask) {
		const struct btf_type *tp = btf__type_by_id(btf, ix->slot[h]);

		if (btf_kind(tp) == kind && !strcmp(btf__name_by_offset(btf, tp->name_off), name))
			return (int)ix->slot[h];
	}
	return -ENOENT;
}

int st_types_find(struct st_types *t, const char *name, int kind)
{
	return st_btf_names_find(t->base_ix, name, kind);
}

struct st_types *st_types_from_btf(struct btf *btf)
{
	struct st_types *t = calloc(1, sizeof(*t));

	if (t)
		t->base_ix = st_btf_names_new(btf);
	if (!t || !t->base_ix) {
		free(t);
		btf__free(btf);
		return NULL;
	}
	t->base = btf;
	return t;
}

/* A raw BTF file through mmap (the running kernel's sysfs file: kernels >= 6.16 allow it;
 * a hive entry's): libbpf then makes the only copy, instead of reading the 5 MB first. */
static struct btf *load_vmlinux_mapped(const char *path)
{
	struct btf *btf = NULL;
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			btf = btf__new(map, (__u32)st.st_size);
			munmap(map, (size_t)st.st_size);
		}
	}
	close(fd);
	return btf;
}

/* The running kernel without /sys/kernel/btf: its hive entry (path gets its BTF file). */
static struct btf *load_from_hive(char *path, size_t n, struct st_err *err)
{
	struct btf *btf;

	if (st_hive_running_btf(st_hive_dir(NULL), path, n, err))
		return NULL;
	btf = load_vmlinux_mapped(path);     /* one copy, as for the sysfs file */
	if (!btf)
		st_err_set(err, 0, "cannot read the hive's BTF %s: %s", path, strerror(errno));
	return btf;
}

/* Where the types come from, decided here for every front end (surftrace, surfguide, the
 * bundles; lbc asks st_types_kernel_btf_path): --btf FILE; else the running kernel's
 * /sys/kernel/btf/vmlinux; else the hive's entry for the running kernel. */
struct st_types *st_types_open(const char *path, struct st_err *err)
{
	struct st_types *t;
	struct btf *btf;
	char sys[4096], hive_btf[4096] = "";

	if (path) {
		btf = btf__parse(path, NULL);
		if (!btf && errno == ENOENT && access(path, R_OK) == 0) {
			/* libbpf's ENOENT for a readable file: an ELF without a .BTF section */
			st_err_set(err, 0, "%s has no BTF (no .BTF section); if it has DWARF debug "
				   "info, make a BTF file with 'surftrace btfgen %s -o FILE.btf'",
				   path, path);
			return NULL;
		}
		if (!btf) {
			st_err_set(err, 0, "cannot read BTF from %s: %s", path, strerror(errno));
			return NULL;
		}
	} else {
		snprintf(sys, sizeof(sys), "%s/vmlinux", st_sysfs_btf_dir());
		btf = load_vmlinux_mapped(sys);
		if (!btf && !access(sys, F_OK))
			btf = btf__parse_raw(sys);
		if (!btf && access(sys, F_OK))
			btf = load_from_hive(hive_btf, sizeof(hive_btf), err);
		else if (!btf)
			st_err_set(err, 0, "cannot read BTF from %s: %s", sys, strerror(errno));
		if (!btf)
			return NULL;
	}
	t = st_types_from_btf(btf);
	if (!t)
		return NULL;
	t->kernel = !path;
	/* Modules: the running kernel's sysfs, else the hive entry's kmod/ directory (for
	 * the running kernel found in the hive, and for --kernel / a hive BTF file). */
	if (!path && !hive_btf[0]) {
		snprintf(t->mod_dir, sizeof(t->mod_dir), "%s", st_sysfs_btf_dir());
	} else {
		t->hive_mods = true;
		st_hive_kmod_dir_of(path ? path : hive_btf, t->mod_dir, sizeof(t->mod_dir));
		st_hive_kmodidx_of(path ? path : hive_btf, t->idx_path, sizeof(t->idx_path));
		st_hive_of_btf(path ? path : hive_btf, t->hive, sizeof(t->hive));
	}
	return t;
}

struct st_types *st_types_basic(void)
{
	static const struct { const char *name; int size, enc; } base[] = {
		{ "char", 1, BTF_INT_SIGNED | BTF_INT_CHAR }, { "signed char", 1, BTF_INT_SIGNED },
		{ "unsigned char", 1, 0 }, { "short int", 2, BTF_INT_SIGNED },
		{ "short unsigned int", 2, 0 }, { "int", 4, BTF_INT_SIGNED },
		{ "unsigned int", 4, 0 }, { "long int", 8, BTF_INT_SIGNED },
		{ "long unsigned int", 8, 0 }, { "long long int", 8, BTF_INT_SIGNED },
		{ "long long unsigned int", 8, 0 }, { "_Bool", 1, BTF_INT_BOOL },
	};
	struct btf *btf = btf__new_empty();
	size_t i;

	if (!btf)
		return NULL;
	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		if (btf__add_int(btf, base[i].name, base[i].size, base[i].enc) < 0) {
			btf__free(btf);
			return NULL;
		}
	}
	return st_types_from_btf(btf);
}

void st_types_free(struct st_types *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < t->nkm; i++) {
		st_btf_names_free(t->km[i].ix);
		btf__free(t->km[i].btf);
		free(t->km[i].name);
	}
	free(t->km);
	st_kmodidx_free(t->kidx);
	st_btf_names_free(t->base_ix);
	btf__free(t->base);
	free(t);
}

const struct btf *st_types_btf(const struct st_types *t)
{
	return t->base;
}

const char *st_types_identity(struct st_types *t)
{
	const unsigned char *p;
	__u32 size, i;
	__u64 h = 0xcbf29ce484222325ULL;

	if (t->identity[0])
		return t->identity;
	p = btf__raw_data(t->base, &size);
	for (i = 0; p && i < size; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(t->identity, sizeof(t->identity), "%08x-%016llx", size, (unsigned long long)h);
	return t->identity;
}

/* mod_dir's modules by name (none read yet), and the entry's index when it has one. */
static void list_modules(struct st_types *t)
{
	char **names;
	int n, i;

	t->mods_listed = true;
	if (!t->mod_dir[0])
		return;
	n = st_kmodidx_list(t->mod_dir, &names);
	if (n > 0)
		t->km = calloc((size_t)n, sizeof(*t->km));
	if (!t->km) {
		st_kmodidx_list_free(names, n > 0 ? n : 0);
		return;
	}
	if (t->idx_path[0])
		t->kidx = st_kmodidx_open(t->idx_path);
	for (i = 0; i < n; i++) {
		t->km[i].name = names[i];
		t->km[i].indexed = t->kidx && st_kmodidx_covers(t->kidx, names[i], &t->km[i].size);
	}
	free(names);
	t->nkm = n;
}

/* The i-th module's split BTF, read once. A module the index covers whose size changed
 * since makes the index untrusted. */
static bool load_mod(struct st_types *t, int i)
{
	struct kmod *m = &t->km[i];
	char path[4400];
	struct stat st;

	if (m->state)
		return m->state > 0;
	m->state = -1;
	if (st_pathf(path, sizeof(path), "%s/%s", t->mod_dir, m->name))
		return false;
	if (m->indexed && (stat(path, &st) || (long long)st.st_size != m->size))
		t->kidx_bad = true;
	m->btf = btf__parse_split(path, t->base);
	if (!m->btf)
		return false;
	m->ix = st_btf_names_new(m->btf);
	if (!m->ix) {
		btf__free(m->btf);
		m->btf = NULL;
		return false;
	}
	m->state = 1;
	return true;
}

enum { MAX_HITS = 32 };

struct hits {
	char names[MAX_HITS][64];
	int n;
};

static bool hit(void *ctx, const char *module)
{
	struct hits *h = ctx;

	snprintf(h->names[h->n++], sizeof(h->names[0]), "%s", module);
	return h->n < MAX_HITS;
}

/* The modules whose split BTF defines name as kind, in module name order: up to max of
 * them, their km index into at[] and the type's id there into ids[]. With the entry's
 * index only the modules it names (and any it does not cover) are read; a module it
 * names that lacks the name makes it untrusted, and the search starts again without it.
 * Without an index every module is read until max are found. */
static int mod_find(struct st_types *t, const char *name, int kind, int *at, int *ids,
		    int max)
{
	struct hits h;
	bool use;
	int i, j, n, id;

	if (!t->mods_listed)
		list_modules(t);
again:
	use = t->kidx && !t->kidx_bad;
	h.n = 0;
	if (use)
		st_kmodidx_find(t->kidx, name, kind, hit, &h);
	for (i = n = 0; i < t->nkm && n < max; i++) {
		struct kmod *m = &t->km[i];
		bool listed = false, loaded;

		if (use && m->indexed) {
			for (j = 0; j < h.n && !listed; j++)
				listed = !strcmp(h.names[j], m->name);
			if (!listed)
				continue;
		}
		loaded = load_mod(t, i);
		if (use && t->kidx_bad)
			goto again;
		if (!loaded)
			continue;
		id = st_btf_names_find(m->ix, name, kind);
		if (id <= 0 && listed) {
			t->kidx_bad = true;
			goto again;
		}
		if (id > 0) {
			at[n] = i;
			ids[n++] = id;
		}
	}
	return n;
}

bool st_types_running(const struct st_types *t)
{
	return t && t->kernel && !t->hive_mods;
}

const char *st_types_hive(const struct st_types *t)
{
	return t && t->hive[0] ? t->hive : NULL;
}

int st_types_nmods(struct st_types *t)
{
	int i, k = 0;

	if (!t->mods_listed)
		list_modules(t);
	if (t->mods_all)
		return t->nkm;
	for (i = 0; i < t->nkm; i++) {
		if (load_mod(t, i))
			t->km[k++] = t->km[i];
		else
			free(t->km[i].name);
	}
	t->nkm = k;
	t->mods_all = true;
	return t->nkm;
}

const struct btf *st_types_mod(struct st_types *t, int i, const char **name)
{
	if (i < 0 || i >= st_types_nmods(t))
		return NULL;
	if (name)
		*name = t->km[i].name;
	return t->km[i].btf;
}

/* The first module (by name) whose split BTF has `name` of `kind` (called after vmlinux
 * had no such type). Returns the id and sets *btf (and *module, when not NULL, to the
 * module's name), or -1. */
static int find_in_modules(struct st_types *t, const char *name, int kind,
			   const struct btf **btf, const char **module)
{
	int at, id;

	if (mod_find(t, name, kind, &at, &id, 1) < 1)
		return -1;
	*btf = t->km[at].btf;
	if (module)
		*module = t->km[at].name;
	return id;
}

/* The module of that name among mod_dir's: its km index, or -1. km is sorted by name
 * (st_kmodidx_list; st_types_nmods keeps the order when it drops some). */
static int mod_index(struct st_types *t, const char *module)
{
	int lo = 0, hi;

	if (!t->mods_listed)
		list_modules(t);
	for (hi = t->nkm; lo < hi; ) {
		int mid = lo + (hi - lo) / 2, c = strcmp(t->km[mid].name, module);

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int st_types_func_in(struct st_types *t, const char *name, const char *module,
		     struct st_tref *proto)
{
	int i = mod_index(t, module), id;

	if (i < 0 || !load_mod(t, i))
		return -1;
	id = st_btf_names_find(t->km[i].ix, name, BTF_KIND_FUNC);
	if (id <= 0)
		return -1;
	proto->btf = t->km[i].btf;
	proto->id = btf__type_by_id(proto->btf, (__u32)id)->type;
	return 0;
}

struct each_func {
	struct st_types *t;
	bool (*fn)(void *ctx, const char *name, const char *module);
	void *ctx;
	bool stop;
};

/* An index line: passed on when its module is on disk and the index covers it. */
static bool each_indexed(void *ctx, const char *name, const char *module)
{
	struct each_func *ef = ctx;
	int i = mod_index(ef->t, module);

	if (i < 0 || !ef->t->km[i].indexed)
		return true;
	ef->stop = !ef->fn(ef->ctx, name, ef->t->km[i].name);
	return !ef->stop;
}

int st_types_mod_funcs(struct st_types *t,
		       bool (*fn)(void *ctx, const char *name, const char *module), void *ctx)
{
	struct each_func ef = { t, fn, ctx, false };
	bool use;
	int i;

	if (!t->mods_listed)
		list_modules(t);
	use = t->kidx && !t->kidx_bad;
	if (use)
		st_kmodidx_each(t->kidx, BTF_KIND_FUNC, each_indexed, &ef);
	for (i = 0; i < t->nkm && !ef.stop; i++) {
		const struct btf *b;
		__u32 id, n;

		if ((use && t->km[i].indexed) || !load_mod(t, i))
			continue;
		b = t->km[i].btf;
		n = btf__type_cnt(b);
		for (id = st_btf_first_own_id(b); id < n && !ef.stop; id++) {
			const struct btf_type *tp = btf__type_by_id(b, id);

			if (btf_is_func(tp) && tp->name_off)
				ef.stop = !fn(ctx, btf__name_by_offset(b, tp->name_off),
					      t->km[i].name);
		}
	}
	return 0;
}

/* A prototype by its types' names, "int(struct sk_buff *,struct net_device *)", to
 * compare the same-named functions of two modules (each in its own split BTF). */
static void proto_sig(const struct btf *btf, __u32 proto, char *buf, size_t n)
{
	const struct btf_type *p = btf__type_by_id(btf, proto);
	const struct btf_param *a;
	char one[200];
	size_t len;
	int i;

	st_type_name(btf, p ? p->type : 0, one, sizeof(one));
	len = (size_t)snprintf(buf, n, "%s(", one);
	if (!p || !btf_is_func_proto(p))
		return;
	a = btf_params(p);
	for (i = 0; i < btf_vlen(p) && len < n; i++) {
		st_type_name(btf, a[i].type, one, sizeof(one));
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "," : "",
					a[i].type ? one : "...");
	}
	if (len < n)
		snprintf(buf + len, n - len, ")");
}

/* mod_find for a function among the named modules only (sorted, distinct): their BTF is
 * read, no other module's. */
static int mod_find_in(struct st_types *t, const char *name, const char *const *only,
		       int nonly, int *at, int *ids, int max)
{
	int i, m, id, n = 0;

	for (i = 0; i < nonly && n < max; i++) {
		m = mod_index(t, only[i]);
		if (m < 0 || !load_mod(t, m))
			continue;
		id = st_btf_names_find(t->km[m].ix, name, BTF_KIND_FUNC);
		if (id > 0) {
			at[n] = m;
			ids[n++] = id;
		}
	}
	return n;
}

int st_types_func_mods(struct st_types *t, const char *name, const char *const *only,
		       int nonly, char *names, size_t n, bool *same)
{
	int at[MAX_HITS], ids[MAX_HITS], k, i;
	char first[1024], sig[1024];
	size_t len = 0;

	*same = true;
	if (n)
		names[0] = '\0';
	k = only ? mod_find_in(t, name, only, nonly, at, ids, MAX_HITS) :
		   mod_find(t, name, BTF_KIND_FUNC, at, ids, MAX_HITS);
	for (i = 0; i < k; i++) {
		const struct btf *b = t->km[at[i]].btf;

		proto_sig(b, btf__type_by_id(b, (__u32)ids[i])->type, i ? sig : first,
			  sizeof(first));
		if (i && strcmp(sig, first))
			*same = false;
		if (len < n)
			len += (size_t)snprintf(names + len, n - len, "%s%s", i ? ", " : "",
						t->km[at[i]].name);
	}
	return k;
}

const struct btf *st_types_btf_for(struct st_types *t, const char *spec)
{
	static const int kinds[] = { BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_TYPEDEF };
	const struct btf *btf = t->base;
	char name[256];
	size_t i;

	if (!strncmp(spec, "struct ", 7))
		spec += 7;
	else if (!strncmp(spec, "union ", 6))
		spec += 6;
	while (*spec == ' ')
		spec++;
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(spec, ".[ "), spec);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (st_btf_names_find(t->base_ix, name, kinds[i]) > 0)
			return t->base;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (find_in_modules(t, name, kinds[i], &btf, NULL) > 0)
			return btf;
	return t->base;
}

int st_types_func(struct st_types *t, const char *name, struct st_tref *proto,
		  const char **module)
{
	return st_types_func_among(t, name, NULL, 0, proto, module);
}

int st_types_func_among(struct st_types *t, const char *name, const char *const *only,
			int nonly, struct st_tref *proto, const char **module)
{
	const struct btf_type *ft;
	int id, at;

	if (module)
		*module = NULL;
	id = st_btf_names_find(t->base_ix, name, BTF_KIND_FUNC);
	if (id > 0) {
		ft = btf__type_by_id(t->base, id);
		proto->btf = t->base;
		proto->id = ft->type;
		return 0;
	}
	if (!only) {
		id = find_in_modules(t, name, BTF_KIND_FUNC, &proto->btf, module);
	} else if (mod_find_in(t, name, only, nonly, &at, &id, 1) == 1) {
		proto->btf = t->km[at].btf;
		if (module)
			*module = t->km[at].name;
	} else {
		id = -1;
	}
	if (id <= 0)
		return -1;
	proto->id = btf__type_by_id(proto->btf, id)->type;
	return 0;
}

int st_types_var(struct st_types *t, const char *name, struct st_tref *out)
{
	const struct btf *btf = t->base;
	int id = st_btf_names_find(t->base_ix, name, BTF_KIND_VAR);

	if (id <= 0)
		id = find_in_modules(t, name, BTF_KIND_VAR, &btf, NULL);
	if (id <= 0)
		return -1;
	out->btf = btf;
	out->id = btf__type_by_id(btf, id)->type;
	return 0;
}

bool st_btf_is_user(const struct btf *btf, __u32 id)
{
	const struct btf_type *tp;
	int guard = 64;

	while (id && guard--) {
		tp = btf__type_by_id(btf, id);
		if (!tp)
			return false;
		switch (btf_kind(tp)) {
		case BTF_KIND_TYPE_TAG:
			if (!strcmp(btf__name_by_offset(btf, tp->name_off), "user"))
				return true;
			/* fallthrough */
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
			id = tp->type;
			break;
		default:
			return false;
		}
	}
	return false;
}

/* Scalar spellings and the BTF names that may stand for them (typedefs in the kernel,
 * DWARF base type names in user binaries). */
static const struct {
	const char *spelling;
	const char *cands[5];
} scalar_alias[] = {
	{ "u8", { "u8", "__u8", "unsigned char", "uint8_t" } },
	{ "s8", { "s8", "__s8", "signed char", "int8_t", "char" } },
	{ "u16", { "u16", "__u16", "short unsigned int", "uint16_t" } },
	{ "s16", { "s16", "__s16", "short int", "int16_t" } },
	{ "u32", { "u32", "__u32", "unsigned int", "uint32_t" } },
	{ "s32", { "s32", "__s32", "int", "int32_t" } },
	{ "u64", { "u64", "__u64", "long long unsigned int", "long unsigned int", "uint64_t" } },
	{ "s64", { "s64", "__s64", "long long int", "long int", "int64_t" } },
	{ "unsigned char", { "unsigned char", "u8" } },
	{ "signed char", { "signed char", "s8" } },
	{ "char", { "char" } },
	{ "short", { "short int", "s16" } },
	{ "short int", { "short int", "s16" } },
	{ "unsigned short", { "short unsigned int", "u16" } },
	{ "unsigned short int", { "short unsigned int", "u16" } },
	{ "int", { "int", "s32" } },
	{ "signed int", { "int", "s32" } },
	{ "unsigned", { "unsigned int", "u32" } },
	{ "unsigned int", { "unsigned int", "u32" } },
	{ "long", { "long int", "s64" } },
	{ "long int", { "long int", "s64" } },
	{ "unsigned long", { "long unsigned int", "u64" } },
	{ "unsigned long int", { "long unsigned int", "u64" } },
	{ "long long", { "long long int", "s64" } },
	{ "unsigned long long", { "long long unsigned int", "u64" } },
	{ "bool", { "bool", "_Bool" } },
	{ "_Bool", { "_Bool", "bool" } },
	{ "void", { NULL } },
};

static int find_named(struct st_btf_names *ix, const char *name)
{
	static const int kinds[] = { BTF_KIND_TYPEDEF, BTF_KIND_INT, BTF_KIND_STRUCT,
				     BTF_KIND_UNION, BTF_KIND_ENUM, BTF_KIND_ENUM64,
				     BTF_KIND_FLOAT };
	size_t i;
	int id;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		id = st_btf_names_find(ix, name, kinds[i]);
		if (id > 0)
			return id;
	}
	return -1;
}

int st_types_parse(struct st_types *t, const char *ctype, struct st_tref *out, int *nptr,
		   struct st_err *err)
{
	char buf[256], *p, *end;
	const char *kw = NULL;
	int id = -1, kind = 0;
	size_t i;

	*nptr = 0;
	snprintf(buf, sizeof(buf), "%s", ctype);
	/* trailing stars and spaces */
	end = buf + strlen(buf);
	while (end > buf && (end[-1] == '*' || isspace((unsigned char)end[-1]))) {
		if (end[-1] == '*')
			(*nptr)++;
		*--end = '\0';
	}
	p = buf;
	while (isspace((unsigned char)*p))
		p++;
	/* drop qualifiers: they do not change what is read */
	for (;;) {
		if (!strncmp(p, "const ", 6))
			p += 6;
		else if (!strncmp(p, "volatile ", 9))
			p += 9;
		else
			break;
	}
	if (!strncmp(p, "struct ", 7)) {
		kw = "struct"; kind = BTF_KIND_STRUCT; p += 7;
	} else if (!strncmp(p, "union ", 6)) {
		kw = "union"; kind = BTF_KIND_UNION; p += 6;
	} else if (!strncmp(p, "enum ", 5)) {
		kw = "enum"; kind = BTF_KIND_ENUM; p += 5;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return st_err_set(err, 0, "empty type name in cast '%s'", ctype);
	out->btf = t->base;
	if (kw) {
		id = st_btf_names_find(t->base_ix, p, kind);
		if (id <= 0 && kind == BTF_KIND_ENUM)
			id = st_btf_names_find(t->base_ix, p, BTF_KIND_ENUM64);
		if (id <= 0)
			id = find_in_modules(t, p, kind, &out->btf, NULL);
		if (id <= 0 && kind == BTF_KIND_ENUM)
			id = find_in_modules(t, p, BTF_KIND_ENUM64, &out->btf, NULL);
		if (id <= 0)
			return st_err_set(err, 0, "unknown type '%s %s' in cast", kw, p);
		out->id = (__u32)id;
		return 0;
	}
	for (i = 0; i < sizeof(scalar_alias) / sizeof(scalar_alias[0]); i++) {
		size_t j;

		if (strcmp(p, scalar_alias[i].spelling))
			continue;
		if (!scalar_alias[i].cands[0]) {   /* void */
			out->id = 0;
			return 0;
		}
		for (j = 0; j < 5 && scalar_alias[i].cands[j]; j++) {
			id = find_named(t->base_ix, scalar_alias[i].cands[j]);
			if (id > 0) {
				out->id = (__u32)id;
				return 0;
			}
		}
		break;
	}
	id = find_named(t->base_ix, p);
	if (id <= 0)
		id = find_in_modules(t, p, BTF_KIND_TYPEDEF, &out->btf, NULL);
	if (id <= 0)
		return st_err_set(err, 0, "unknown type '%s' in cast (write 'struct %s' for a struct)",
				  p, p);
	out->id = (__u32)id;
	return 0;
}

const char *st_type_name(const struct btf *btf, __u32 id, char *buf, size_t n)
{
	const struct btf_type *tp = id ? btf__type_by_id(btf, id) : NULL;
	const char *name;

	if (!tp) {
		snprintf(buf, n, "void");
		return buf;
	}
	name = btf__name_by_offset(btf, tp->name_off);
	switch (btf_kind(tp)) {
	case BTF_KIND_STRUCT: snprintf(buf, n, "struct %s", *name ? name : "(anon)"); break;
	case BTF_KIND_UNION: snprintf(buf, n, "union %s", *name ? name : "(anon)"); break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: snprintf(buf, n, "enum %s", *name ? name : "(anon)"); break;
	case BTF_KIND_PTR: {
		char inner[200];

		st_type_name(btf, tp->type, inner, sizeof(inner));
		snprintf(buf, n, "%s%s*", inner, inner[strlen(inner) - 1] == '*' ? "" : " ");
		break;
	}
	case BTF_KIND_CONST: {
		char inner[200];

		st_type_name(btf, tp->type, inner, sizeof(inner));
		snprintf(buf, n, "const %s", inner);
		break;
	}
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return st_type_name(btf, tp->type, buf, n);
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(tp);
		char inner[200];

		st_type_name(btf, a->type, inner, sizeof(inner));
		snprintf(buf, n, "%s[%u]", inner, a->nelems);
		break;
	}
	case BTF_KIND_FUNC_PROTO: snprintf(buf, n, "function"); break;
	default: snprintf(buf, n, "%s", *name ? name : "(anon)"); break;
	}
	return buf;
}
