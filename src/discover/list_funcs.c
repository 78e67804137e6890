// SPDX-License-Identifier: MIT
/* -l/-L for kernel functions: the traceable list (or a --btf file's functions), a glob,
 * and optionally each prototype from BTF. */
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "discover/declfmt.h"
#include "discover/glob.h"
#include "discover/list.h"
#include "types/ksyms.h"
#include "types/types.h"
#include "util/json.h"

/* Prototype printers, one per BTF object (vmlinux and each module's split BTF). */
struct protos {
	struct st_types *types;
	const struct btf *btf[16];
	struct st_declfmt *fmt[16];
	int n;
};

/* The function's prototype: vmlinux through the types' name index (so "-L '*'" over 100k
 * functions stays linear), module functions through st_types_func (it searches the
 * modules' split BTF). */
static int find_proto(struct protos *p, const char *name, const char *module,
		      struct st_tref *proto)
{
	const struct btf *btf = st_types_btf(p->types);
	const char *mod;
	int id = st_types_find(p->types, name, BTF_KIND_FUNC);

	if (id > 0) {
		proto->btf = btf;
		proto->id = btf__type_by_id(btf, (__u32)id)->type;
		return 0;
	}
	return module ? st_types_func(p->types, name, proto, &mod) : -1;
}

static struct st_declfmt *fmt_for(struct protos *p, const struct btf *btf)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->btf[i] == btf)
			return p->fmt[i];
	if (p->n == 16)
		return NULL;
	p->btf[p->n] = btf;
	p->fmt[p->n] = st_declfmt_new(btf);
	return p->fmt[p->n++];
}

static void protos_free(struct protos *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		st_declfmt_free(p->fmt[i]);
}

/* One line: "proto [module]" or "name [module]" with a note when BTF lacks it; or one
 * JSON record. */
static void print_func(FILE *out, struct protos *p, const char *name, const char *module,
		       bool json)
{
	const char *decl = NULL;
	char *vdecl = NULL;

	if (p) {
		struct st_tref proto = { 0 };
		char base[256];

		/* BTF names the function without the compiler's .isra/.constprop suffix. */
		st_ksym_base(name, base, sizeof(base));
		if (!find_proto(p, base, module, &proto)) {
			struct st_declfmt *f = fmt_for(p, proto.btf);

			decl = f ? st_declfmt_decl(f, proto.id, name) : NULL;
		}
	}
	if (decl) {
		size_t l = strlen(decl);

		/* BTF has no "void" parameter: an empty list is C's "(void)". */
		if (l > 2 && !strcmp(decl + l - 2, "()") &&
		    asprintf(&vdecl, "%.*s(void)", (int)(l - 2), decl) > 0)
			decl = vdecl;
	}
	if (json) {
		fprintf(out, "{\"v\":%d,\"kind\":\"function\",\"name\":", ST_JSON_V);
		st_json_str(out, name);
		if (decl) {
			fputs(",\"proto\":", out);
			st_json_str(out, decl);
		}
		if (module) {
			fputs(",\"module\":", out);
			st_json_str(out, module);
		}
		fputs("}\n", out);
		free(vdecl);
		return;
	}
	fputs(decl ? decl : name, out);
	if (p && !decl)
		fputs("\t/* no BTF prototype */", out);
	if (module)
		fprintf(out, " [%s]", module);
	fputc('\n', out);
	free(vdecl);
}

/* Literal text before the first glob metacharacter: the sorted list is searched from
 * there, so "tcp_*" looks at the tcp_ names only. */
static size_t literal_prefix(const char *glob)
{
	size_t i;

	for (i = 0; glob[i]; i++)
		if (strchr("*?[\\", glob[i]))
			break;
	return i;
}

static size_t first_at_or_after(const struct st_ksyms *k, const char *key, size_t klen)
{
	size_t lo = 0, hi = st_ksyms_count(k);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(st_ksyms_at(k, mid)->name, key, klen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long st_list_kfuncs(FILE *out, const struct st_ksyms *k, struct st_types *types,
		    const char *glob, bool protos, bool json, struct st_err *err)
{
	struct protos p = { .types = types };
	size_t n = st_ksyms_count(k), plen = literal_prefix(glob), i;
	const struct st_ksym *prev = NULL;
	struct st_glob *g = st_glob_new(glob);
	long count = 0;

	if (!g)
		return st_err_set(err, 0, "out of memory");
	if (protos && !types) {
		st_glob_free(g);
		return st_err_set(err, 0, "prototypes need BTF");
	}
	/* The prefix search needs the list sorted by name (st_ksyms keeps it so); verify
	 * rather than trust, since a wrong guess would silently hide functions. */
	for (i = 1; plen && i < n; i++)
		if (strcmp(st_ksyms_at(k, i - 1)->name, st_ksyms_at(k, i)->name) > 0)
			plen = 0;
	for (i = plen ? first_at_or_after(k, glob, plen) : 0; i < n; i++) {
		const struct st_ksym *s = st_ksyms_at(k, i);

		if (plen && strncmp(s->name, glob, plen))
			break;
		if (!st_glob_test(g, s->name))
			continue;
		/* kallsyms repeats static functions of the same name: print each name once
		 * per module (ftrace addresses them by name anyway). */
		if (prev && !strcmp(prev->name, s->name) &&
		    (prev->module == s->module ||
		     (prev->module && s->module && !strcmp(prev->module, s->module))))
			continue;
		prev = s;
		if (!protos && !s->module && !json) {
			/* the common case, 100k+ lines for "*": no stdio locking per call */
			fputs_unlocked(s->name, out);
			putc_unlocked('\n', out);
		} else {
			print_func(out, protos ? &p : NULL, s->name, s->module, json);
		}
		count++;
	}
	protos_free(&p);
	st_glob_free(g);
	return count;
}

struct named {
	const char *name;
	const char *module;   /* NULL: vmlinux */
};

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c || x->module == y->module)
		return c;
	return !x->module ? -1 : !y->module ? 1 : strcmp(x->module, y->module);
}

/* The FUNCs of btf's own types (a module's split BTF: not its base's) matching glob. */
static int add_funcs(const struct btf *btf, const char *module, const char *glob,
		     struct named **v, size_t *n, size_t *cap)
{
	const struct btf *base = btf__base_btf(btf);
	__u32 nt = btf__type_cnt(btf), i = base ? btf__type_cnt(base) : 1;

	for (; i < nt; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		const char *nm;

		if (!btf_is_func(t))
			continue;
		nm = btf__name_by_offset(btf, t->name_off);
		if (!nm || !st_glob_match(glob, nm))
			continue;
		if (*n == *cap) {
			struct named *nv = realloc(*v, (*cap ? *cap * 2 : 1024) * sizeof(*nv));

			if (!nv)
				return -1;
			*v = nv;
			*cap = *cap ? *cap * 2 : 1024;
		}
		(*v)[(*n)++] = (struct named){ nm, module };
	}
	return 0;
}

long st_list_btf_funcs(FILE *out, struct st_types *types, const char *glob, bool protos,
		       bool json, struct st_err *err)
{
	struct protos p = { .types = types };
	struct named *v = NULL;
	size_t n = 0, cap = 0, j;
	long count = 0;
	int m, nmods = st_types_nmods(types);

	if (add_funcs(st_types_btf(types), NULL, glob, &v, &n, &cap)) {
		free(v);
		return st_err_set(err, 0, "out of memory");
	}
	for (m = 0; m < nmods; m++) {
		const char *mod;
		const struct btf *mb = st_types_mod(types, m, &mod);

		if (add_funcs(mb, mod, glob, &v, &n, &cap)) {
			free(v);
			return st_err_set(err, 0, "out of memory");
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_named);
	for (j = 0; j < n; j++) {
		if (j && !cmp_named(&v[j], &v[j - 1]))
			continue;
		print_func(out, protos ? &p : NULL, v[j].name, v[j].module, json);
		count++;
	}
	protos_free(&p);
	free(v);
	return count;
}
