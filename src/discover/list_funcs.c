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

/* Prototype printers, one per BTF object (vmlinux and each module's split BTF), the last
 * PROTO_FMTS used: a printer holds state for every type of its BTF and the kernel's
 * (~2 MB), and a listing may meet 1000+ modules. */
enum { PROTO_FMTS = 16 };
struct protos {
	struct st_types *types;
	const struct btf *btf[PROTO_FMTS];
	struct st_declfmt *fmt[PROTO_FMTS];
	int n, next;
};

/* The function's prototype: vmlinux through the types' name index (so "-L '*'" over 100k
 * functions stays linear), a module's function in that module's split BTF (a static name
 * two modules define has each one's own prototype). */
static int find_proto(struct protos *p, const char *name, const char *module,
		      struct st_tref *proto)
{
	const struct btf *btf = st_types_btf(p->types);
	int id;

	if (module)
		return st_types_func_in(p->types, name, module, proto);
	id = st_types_find(p->types, name, BTF_KIND_FUNC);
	if (id <= 0)
		return -1;
	proto->btf = btf;
	proto->id = btf__type_by_id(btf, (__u32)id)->type;
	return 0;
}

static struct st_declfmt *fmt_for(struct protos *p, const struct btf *btf)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->btf[i] == btf)
			return p->fmt[i];
	if (p->n < PROTO_FMTS) {
		i = p->n++;
	} else {    /* the oldest made goes */
		i = p->next;
		p->next = (p->next + 1) % PROTO_FMTS;
		st_declfmt_free(p->fmt[i]);
	}
	p->btf[i] = btf;
	p->fmt[i] = st_declfmt_new(btf);
	return p->fmt[i];
}

static void protos_free(struct protos *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		st_declfmt_free(p->fmt[i]);
}

/* The declaration of function name (of module, NULL: the kernel's), "(void)" for an empty
 * parameter list, in heap memory; NULL when BTF has no prototype for it. */
static char *func_decl(struct protos *p, const char *name, const char *module)
{
	struct st_tref proto = { 0 };
	struct st_declfmt *f;
	const char *decl;
	char base[256], *out = NULL;
	size_t l;

	/* BTF names the function without the compiler's .isra/.constprop suffix. */
	st_ksym_base(name, base, sizeof(base));
	if (find_proto(p, base, module, &proto) || !(f = fmt_for(p, proto.btf)) ||
	    !(decl = st_declfmt_decl(f, proto.id, name)))
		return NULL;
	/* BTF has no "void" parameter: an empty list is C's "(void)". */
	l = strlen(decl);
	if (l > 2 && !strcmp(decl + l - 2, "()")) {
		if (asprintf(&out, "%.*s(void)", (int)(l - 2), decl) < 0)
			out = NULL;
		return out;
	}
	return strdup(decl);
}

/* One line: "proto [module]" or "name [module]" with a note when BTF lacks it (protos:
 * prototypes were asked for); or one JSON record. */
static void emit_func(FILE *out, const char *name, const char *module, const char *decl,
		      bool protos, bool json)
{
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
		return;
	}
	fputs(decl ? decl : name, out);
	if (protos && !decl)
		fputs("\t/* no BTF prototype */", out);
	if (module)
		fprintf(out, " [%s]", module);
	fputc('\n', out);
}

static void print_func(FILE *out, struct protos *p, const char *name, const char *module,
		       bool json)
{
	char *decl = p ? func_decl(p, name, module) : NULL;

	emit_func(out, name, module, decl, p != NULL, json);
	free(decl);
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
	const char *name;     /* a module's: a copy, freed with the list */
	const char *module;   /* NULL: vmlinux */
	char *decl;           /* -L: its prototype (heap), NULL when BTF has none */
};

/* By module (the kernel's first), then name: one prototype printer per module. */
static int cmp_by_module(const void *a, const void *b)
{
	const struct named *x = a, *y = b;

	if (x->module != y->module) {
		int c = !x->module ? -1 : !y->module ? 1 : strcmp(x->module, y->module);

		if (c)
			return c;
	}
	return strcmp(x->name, y->name);
}

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c || x->module == y->module)
		return c;
	return !x->module ? -1 : !y->module ? 1 : strcmp(x->module, y->module);
}

struct named_list {
	struct named *v;
	size_t n, cap;
	const char *glob;
	bool failed;
};

static int add_named(struct named_list *l, const char *name, const char *module)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct named *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = (struct named){ name, module, NULL };
	return 0;
}

/* The kernel's FUNCs matching the glob. */
static int add_funcs(const struct btf *btf, struct named_list *l)
{
	__u32 nt = btf__type_cnt(btf), i;

	for (i = 1; i < nt; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		const char *nm;

		if (!btf_is_func(t))
			continue;
		nm = btf__name_by_offset(btf, t->name_off);
		if (nm && st_glob_match(l->glob, nm) && add_named(l, nm, NULL))
			return -1;
	}
	return 0;
}

/* A module's function (st_types_mod_funcs: through the hive entry's index when it has one,
 * no module read), kept when it matches the glob. */
static bool add_mod_func(void *ctx, const char *name, const char *module)
{
	struct named_list *l = ctx;
	char *copy;

	if (!st_glob_match(l->glob, name))
		return true;
	copy = strdup(name);
	if (!copy || add_named(l, copy, module)) {
		free(copy);
		l->failed = true;
		return false;
	}
	return true;
}

static void named_free(struct named_list *l)
{
	for (size_t j = 0; j < l->n; j++) {
		if (l->v[j].module)
			free((char *)l->v[j].name);
		free(l->v[j].decl);
	}
	free(l->v);
}

long st_list_btf_funcs(FILE *out, struct st_types *types, const char *glob, bool protos,
		       bool json, struct st_err *err)
{
	struct protos p = { .types = types };
	struct named_list l = { .glob = glob };
	struct named *v;
	size_t j;
	long count = 0;

	if (add_funcs(st_types_btf(types), &l) ||
	    (st_types_mod_funcs(types, add_mod_func, &l), l.failed)) {
		named_free(&l);
		return st_err_set(err, 0, "out of memory");
	}
	v = l.v;
	/* Prototypes made module by module (a printer per module, made once), then printed
	 * in name order. */
	if (protos && l.n) {
		qsort(v, l.n, sizeof(*v), cmp_by_module);
		for (j = 0; j < l.n; j++)
			v[j].decl = func_decl(&p, v[j].name, v[j].module);
	}
	if (l.n)
		qsort(v, l.n, sizeof(*v), cmp_named);
	for (j = 0; j < l.n; j++) {
		if (j && !cmp_named(&v[j], &v[j - 1]))
			continue;
		emit_func(out, v[j].name, v[j].module, v[j].decl, protos, json);
		count++;
	}
	protos_free(&p);
	named_free(&l);
	return count;
}
