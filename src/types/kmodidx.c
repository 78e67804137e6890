// SPDX-License-Identifier: MIT
/* The name -> module index of a hive entry's modules: read in place (mmap, binary search)
 * and written from the modules' split BTF (format in kmodidx.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <bpf/btf.h>
#include "types/kmodidx.h"
#include "types/types.h"
#include "util/file.h"
#include "util/safedir.h"

#define KMODIDX_MAGIC "surftrace-kmodidx 1\n"

struct covered {
	const char *name;       /* into the mapping, not NUL-terminated */
	size_t len;
	long long size;
};

struct st_kmodidx {
	char *map;
	size_t len;
	const char *body, *end;
	struct covered *mods;   /* sorted by name, as written */
	size_t nmods;
};

static char kind_letter(int kind)
{
	switch (kind) {
	case BTF_KIND_FUNC: return 'f';
	case BTF_KIND_VAR: return 'v';
	case BTF_KIND_STRUCT: return 's';
	case BTF_KIND_UNION: return 'u';
	case BTF_KIND_TYPEDEF: return 't';
	case BTF_KIND_ENUM: return 'e';
	case BTF_KIND_ENUM64: return 'E';
	default: return 0;
	}
}

/* The header: "m NAME SIZE" lines up to the empty line. 0, or -1 when malformed. */
static int parse_header(struct st_kmodidx *x)
{
	const char *p = x->map + strlen(KMODIDX_MAGIC), *end = x->map + x->len;
	size_t cap = 0;

	while (p < end && *p != '\n') {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *sp;
		struct covered c;
		char num[24];

		if (!nl || p[0] != 'm' || p[1] != ' ')
			return -1;
		sp = memchr(p + 2, ' ', (size_t)(nl - p - 2));
		if (!sp || sp == p + 2 || nl - sp - 1 <= 0 || nl - sp - 1 >= (long)sizeof(num))
			return -1;
		memcpy(num, sp + 1, (size_t)(nl - sp - 1));
		num[nl - sp - 1] = '\0';
		c = (struct covered){ p + 2, (size_t)(sp - p - 2), strtoll(num, NULL, 10) };
		if (x->nmods == cap) {
			struct covered *nv = realloc(x->mods, (cap ? cap * 2 : 256) * sizeof(*nv));

			if (!nv)
				return -1;
			x->mods = nv;
			cap = cap ? cap * 2 : 256;
		}
		x->mods[x->nmods++] = c;
		p = nl + 1;
	}
	if (p >= end)
		return -1;
	x->body = p + 1;
	x->end = end;
	return 0;
}

struct st_kmodidx *st_kmodidx_open(const char *path)
{
	struct st_kmodidx *x;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	void *map = MAP_FAILED;

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && st.st_size > (off_t)strlen(KMODIDX_MAGIC))
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return NULL;
	x = calloc(1, sizeof(*x));
	if (x) {
		x->map = map;
		x->len = (size_t)st.st_size;
	}
	if (!x || memcmp(map, KMODIDX_MAGIC, strlen(KMODIDX_MAGIC)) || parse_header(x)) {
		if (x)
			free(x->mods);
		free(x);
		munmap(map, (size_t)st.st_size);
		return NULL;
	}
	return x;
}

void st_kmodidx_free(struct st_kmodidx *x)
{
	if (!x)
		return;
	munmap(x->map, x->len);
	free(x->mods);
	free(x);
}

/* strcmp of a counted string against a C string */
static int cmp_counted(const char *s, size_t n, const char *c)
{
	size_t cl = strlen(c);
	int r = memcmp(s, c, n < cl ? n : cl);

	return r ? r : n < cl ? -1 : n > cl ? 1 : 0;
}

bool st_kmodidx_covers(const struct st_kmodidx *x, const char *module, long long *size)
{
	size_t lo = 0, hi = x->nmods;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_counted(x->mods[mid].name, x->mods[mid].len, module);

		if (!c) {
			if (size)
				*size = x->mods[mid].size;
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

int st_kmodidx_find(const struct st_kmodidx *x, const char *name, int kind,
		    bool (*fn)(void *ctx, const char *module), void *ctx)
{
	const char *lo = x->body, *hi = x->end, *p;
	char key[512], mod[256];
	char k = kind_letter(kind);
	size_t kl;
	int n = 0;

	if (!k || snprintf(key, sizeof(key), "%s\t%c\t", name, k) >= (int)sizeof(key))
		return 0;
	kl = strlen(key);
	/* lines before lo are < key, lines from hi on are >= key; both stay line starts */
	while (lo < hi) {
		const char *mid = lo + (hi - lo) / 2, *s = mid, *e;

		while (s > lo && s[-1] != '\n')
			s--;
		e = line_end(s, x->end);
		if (cmp_counted(s, (size_t)(e - s), key) < 0)
			lo = e < x->end ? e + 1 : e;
		else
			hi = s;
	}
	for (p = lo; p < x->end; ) {
		const char *e = line_end(p, x->end);
		size_t ml = (size_t)(e - p) - kl;

		if ((size_t)(e - p) <= kl || memcmp(p, key, kl))
			break;
		if (ml < sizeof(mod)) {
			memcpy(mod, p + kl, ml);
			mod[ml] = '\0';
			n++;
			if (!fn(ctx, mod))
				break;
		}
		p = e < x->end ? e + 1 : e;
	}
	return n;
}

int st_kmodidx_each(const struct st_kmodidx *x, int kind,
		    bool (*fn)(void *ctx, const char *name, const char *module), void *ctx)
{
	char k = kind_letter(kind), name[512], mod[256];
	const char *p, *e, *t1;
	int n = 0;

	for (p = x->body; k && p < x->end; p = e < x->end ? e + 1 : e) {
		e = line_end(p, x->end);
		t1 = memchr(p, '\t', (size_t)(e - p));
		/* "NAME\tK\tMODULE" */
		if (!t1 || e - t1 < 4 || t1[1] != k || t1[2] != '\t' ||
		    (size_t)(t1 - p) >= sizeof(name) || (size_t)(e - t1 - 3) >= sizeof(mod))
			continue;
		memcpy(name, p, (size_t)(t1 - p));
		name[t1 - p] = '\0';
		memcpy(mod, t1 + 3, (size_t)(e - t1 - 3));
		mod[e - t1 - 3] = '\0';
		n++;
		if (!fn(ctx, name, mod))
			break;
	}
	return n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int st_kmodidx_list(const char *kmod_dir, char ***names)
{
	DIR *d = opendir(kmod_dir);
	struct dirent *de;
	char **v = NULL;
	int n = 0, cap = 0;

	*names = NULL;
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		/* st_safedir_publish's "tmp-..." files: a module's name has no '-' */
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux") ||
		    !strncmp(de->d_name, "tmp-", 4))
			continue;
		if (n == cap) {
			char **nv = realloc(v, (size_t)(cap ? cap * 2 : 64) * sizeof(*nv));

			if (!nv)
				break;
			v = nv;
			cap = cap ? cap * 2 : 64;
		}
		if (!(v[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, (size_t)n, sizeof(*v), cmp_str);
	*names = v;
	return n;
}

void st_kmodidx_list_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static long long file_size(const char *dir, const char *name)
{
	char path[4400];
	struct stat st;

	if (st_pathf(path, sizeof(path), "%s/%s", dir, name) || stat(path, &st))
		return -1;
	return (long long)st.st_size;
}

bool st_kmodidx_fresh(const char *path, const char *kmod_dir)
{
	struct st_kmodidx *x = st_kmodidx_open(path);
	char **names;
	int n = x ? st_kmodidx_list(kmod_dir, &names) : -1, i;
	bool fresh = n >= 0 && (size_t)n == x->nmods;
	long long size;

	for (i = 0; fresh && i < n; i++)
		fresh = st_kmodidx_covers(x, names[i], &size) &&
			size == file_size(kmod_dir, names[i]);
	if (n >= 0)
		st_kmodidx_list_free(names, n);
	st_kmodidx_free(x);
	return fresh;
}

struct lines {
	char **v;
	size_t n, cap;
};

static int add_line(struct lines *l, const char *name, char k, const char *module)
{
	char *s;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		char **nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		l->v = nv;
		l->cap = cap;
	}
	if (asprintf(&s, "%s\t%c\t%s", name, k, module) < 0)
		return -1;
	l->v[l->n++] = s;
	return 0;
}

/* The names one module's split BTF defines itself (not its base's). */
static int module_lines(const struct btf *m, const char *module, struct lines *l)
{
	__u32 n = btf__type_cnt(m), id = st_btf_first_own_id(m);

	for (; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(m, id);
		const char *name;
		char k = kind_letter(btf_kind(t));

		if (!k || !t->name_off)
			continue;
		name = btf__name_by_offset(m, t->name_off);
		if (!name || !*name || strpbrk(name, "\t\n"))
			continue;
		if (add_line(l, name, k, module))
			return -1;
	}
	return 0;
}

int st_kmodidx_write(const char *path, const char *kmod_dir, const struct btf *base,
		     struct st_err *err)
{
	struct lines l = { 0 };
	struct st_memfile mf;
	char **names;
	size_t j;
	int n = st_kmodidx_list(kmod_dir, &names), i, rc = 0;

	if (n < 0)
		return st_err_set(err, 0, "cannot read %s: %s", kmod_dir, strerror(errno));
	if (!st_memfile_open(&mf, err)) {
		st_kmodidx_list_free(names, n);
		return -1;
	}
	fputs(KMODIDX_MAGIC, mf.f);
	for (i = 0; i < n && !rc; i++) {
		char mpath[4400];
		long long size = file_size(kmod_dir, names[i]);
		struct btf *m;

		if (st_pathf(mpath, sizeof(mpath), "%s/%s", kmod_dir, names[i]))
			continue;
		m = btf__parse_split(mpath, (struct btf *)base);
		if (!m)   /* not covered: a lookup reads it as without an index */
			continue;
		rc = module_lines(m, names[i], &l);
		btf__free(m);
		if (!rc)
			fprintf(mf.f, "m %s %lld\n", names[i], size);
	}
	if (rc) {
		st_memfile_drop(&mf);
		rc = st_err_set(err, 0, "out of memory writing %s", path);
	} else {
		fputc('\n', mf.f);
		if (l.n)
			qsort(l.v, l.n, sizeof(*l.v), cmp_str);
		for (j = 0; j < l.n; j++)
			if (!j || strcmp(l.v[j], l.v[j - 1]))
				fprintf(mf.f, "%s\n", l.v[j]);
		rc = st_memfile_publish(&mf, path, err);
	}
	for (j = 0; j < l.n; j++)
		free(l.v[j]);
	free(l.v);
	st_kmodidx_list_free(names, n);
	return rc;
}
