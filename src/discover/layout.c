// SPDX-License-Identifier: MIT
#include "discover/layout.h"
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "discover/declfmt.h"
#include "discover/glob.h"
#include "types/types.h"
#include "util/json.h"

struct lay {
	FILE *out;
	const struct btf *btf;
	struct st_declfmt *fmt;
	bool json;                /* JSON objects instead of pahole's text */
	bool first;               /* JSON: no comma before the next array element */
};

/* JSON: the comma between array elements. */
static void sep(struct lay *l)
{
	if (!l->first)
		fputc(',', l->out);
	l->first = false;
}

static int is_composite(const struct btf_type *t)
{
	return t && (btf_is_struct(t) || btf_is_union(t));
}

static void indent(FILE *out, int n)
{
	while (n-- > 0)
		fputc('\t', out);
}

/* One member line: type, tab, declarator, ";", then a comment with offset and size. */
static void print_leaf(struct lay *l, __u32 type, const char *name, __u64 off_bits,
		       __u32 bitsz, int ind)
{
	const char *decl = st_declfmt_decl(l->fmt, type, name);
	long long size = btf__resolve_size(l->btf, type);
	size_t start = 0, tlen = (size_t)-1;

	if (l->json) {
		sep(l);
		fputs("{\"name\":", l->out);
		st_json_str(l->out, name);
		if (decl) {
			fputs(",\"decl\":", l->out);
			st_json_str(l->out, decl);
		}
		fprintf(l->out, ",\"offset\":%llu,\"size\":%lld", (unsigned long long)(off_bits / 8),
			size);
		if (bitsz)
			fprintf(l->out, ",\"bit_offset\":%u,\"bit_size\":%u",
				(unsigned)(off_bits % 8), bitsz);
		fputc('}', l->out);
		return;
	}
	indent(l->out, ind);
	if (decl && *name)
		tlen = st_decl_split(decl, name, &start);
	if (!decl)
		fprintf(l->out, "/* type %u */ %s", type, name);
	else if (tlen == (size_t)-1)
		fputs(decl, l->out);
	else
		fprintf(l->out, "%.*s\t%s", (int)tlen, decl, decl + start);
	if (bitsz)
		fprintf(l->out, ":%u;\t/* %5llu:%u %5lld */\n", bitsz,
			(unsigned long long)(off_bits / 8), (unsigned)(off_bits % 8), size);
	else
		fprintf(l->out, ";\t/* %5llu %5lld */\n", (unsigned long long)(off_bits / 8), size);
}

static void print_hole(struct lay *l, __u64 end_bits, __u64 off_bits, int ind)
{
	__u64 end = (end_bits + 7) / 8, off = off_bits / 8;

	if (off > end && !l->json) {
		indent(l->out, ind);
		fprintf(l->out, "/* XXX %llu byte%s hole */\n", (unsigned long long)(off - end),
			off - end == 1 ? "" : "s");
	}
}

/* Members of composite `id` placed at base_bits; returns the end (in bits) of the last
 * byte used, for hole and padding reports. */
static __u64 print_members(struct lay *l, __u32 id, __u64 base_bits, int ind)
{
	const struct btf_type *t = btf__type_by_id(l->btf, id);
	const struct btf_member *m = btf_members(t);
	int union_ = btf_is_union(t);
	__u64 end = base_bits;
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		__u64 off = base_bits + btf_member_bit_offset(t, i), e;
		__u32 bsz = btf_member_bitfield_size(t, i);
		const char *name = btf__name_by_offset(l->btf, m->name_off);
		__u32 mid = st_btf_skip_mods(l->btf, m->type);
		const struct btf_type *mt = btf__type_by_id(l->btf, mid);

		if (!name)
			name = "";
		if (!union_)
			print_hole(l, end, off, ind);
		if (is_composite(mt) && mt->name_off == 0) {
			/* Anonymous type: expand in place, offsets stay absolute. */
			if (l->json) {
				sep(l);
				fputs("{\"name\":", l->out);
				st_json_str(l->out, name);
				fprintf(l->out, ",\"kind\":\"%s\",\"offset\":%llu,\"size\":%u,"
					"\"members\":[", btf_is_union(mt) ? "union" : "struct",
					(unsigned long long)(off / 8), mt->size);
				l->first = true;
				print_members(l, mid, off, ind + 1);
				fputs("]}", l->out);
				l->first = false;
			} else {
				indent(l->out, ind);
				fprintf(l->out, "%s {\n", btf_is_union(mt) ? "union" : "struct");
				print_members(l, mid, off, ind + 1);
				indent(l->out, ind);
				fprintf(l->out, "}%s%s;\t/* %5llu %5u */\n", *name ? " " : "", name,
					(unsigned long long)(off / 8), mt->size);
			}
			e = off + (__u64)mt->size * 8;
		} else {
			long long sz = btf__resolve_size(l->btf, m->type);

			print_leaf(l, m->type, name, off, bsz, ind);
			e = off + (bsz ? bsz : (__u64)(sz > 0 ? sz : 0) * 8);
		}
		if (union_ ? e > end : 1)
			end = union_ ? e : (e > end ? e : end);
	}
	return end;
}

/* Composite type named by the user: "struct x", "union x", or a bare name that may be a
 * struct, a union or a typedef of one. *label gets what to print in the header. */
static __u32 find_root(const struct btf *btf, const char *spec, const char **label)
{
	static const int kinds[] = { BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_TYPEDEF };
	const char *name = spec;
	struct st_btf_names *ix = st_btf_names_new(btf);
	int only = 0, i, id;

	if (!strncmp(spec, "struct ", 7)) {
		only = BTF_KIND_STRUCT;
		name = spec + 7;
	} else if (!strncmp(spec, "union ", 6)) {
		only = BTF_KIND_UNION;
		name = spec + 6;
	}
	while (*name == ' ')
		name++;
	*label = name;
	for (i = 0; i < 3; i++) {
		if (only && kinds[i] != only)
			continue;
		id = ix ? st_btf_names_find(ix, name, kinds[i]) : -1;
		if (id > 0 && is_composite(btf__type_by_id(btf, st_btf_skip_mods(btf, (__u32)id)))) {
			st_btf_names_free(ix);
			return (__u32)id;
		}
	}
	st_btf_names_free(ix);
	return 0;
}

/* Nearest struct/union/typedef name for a suggestion. */
static const char *suggest_type(const struct btf *btf, const char *name)
{
	__u32 n = btf__type_cnt(btf), i, k = 0;
	const char **cands = malloc(sizeof(*cands) * n);
	const char *best = NULL;

	if (!cands)
		return NULL;
	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);

		if ((btf_is_struct(t) || btf_is_union(t) || btf_is_typedef(t)) && t->name_off)
			cands[k++] = btf__name_by_offset(btf, t->name_off);
	}
	best = st_suggest(name, cands, k);
	free(cands);
	return best;
}

static const char *kind_word(const struct btf_type *t)
{
	return btf_is_union(t) ? "union" : "struct";
}

static void print_composite(struct lay *l, __u32 shown, __u32 id, __u64 base)
{
	const struct btf_type *t = btf__type_by_id(l->btf, id);
	const struct btf_type *st = btf__type_by_id(l->btf, shown);
	const char *tn = btf__name_by_offset(l->btf, t->name_off);
	__u64 end;

	if (l->json) {
		/* the caller opened the object ({"v":1,... ) */
		fprintf(l->out, "\"kind\":\"%s\",\"name\":", kind_word(t));
		st_json_str(l->out, tn && *tn ? tn : btf__name_by_offset(l->btf, st->name_off));
		fprintf(l->out, ",\"typedef\":%s,\"size\":%u,\"members\":[",
			tn && *tn ? "false" : "true", t->size);
		l->first = true;
		print_members(l, id, base, 1);
		fputs("]}\n", l->out);
		return;
	}
	if (tn && *tn)
		fprintf(l->out, "%s %s {\n", kind_word(t), tn);
	else
		fprintf(l->out, "typedef %s {\n", kind_word(t));
	end = print_members(l, id, base, 1);
	if (!btf_is_union(t) && base + (__u64)t->size * 8 > ((end + 7) & ~7ULL)) {
		fprintf(l->out, "\t/* XXX %llu bytes padding */\n",
			(unsigned long long)(base / 8 + t->size - (end + 7) / 8));
	}
	if (tn && *tn)
		fprintf(l->out, "};\t/* size: %u, members: %u */\n", t->size, btf_vlen(t));
	else
		fprintf(l->out, "} %s;\t/* size: %u, members: %u */\n",
			btf__name_by_offset(l->btf, st->name_off), t->size, btf_vlen(t));
}

/* Walk "a.b.c" from the root; prints the last member's layout. */
static int print_path(struct lay *l, __u32 root, const char *label, const char *spec,
		      char *path, struct st_err *err)
{
	__u32 cur = st_btf_skip_mods(l->btf, root), type = root, bitsz = 0;
	struct st_btf_member m;
	__u64 base = 0, off = 0;
	const char *via_ptr = NULL, *comp, *last = label, *obj = label;
	char *save = NULL;

	for (comp = strtok_r(path, ".", &save); comp; comp = strtok_r(NULL, ".", &save)) {
		const struct btf_type *ct = btf__type_by_id(l->btf, cur);

		if (!is_composite(ct))
			return st_err_set(err, 0, "'%s' is not a struct or union, cannot take "
					  "member '%s'", last, comp);
		if (!st_btf_find_member(l->btf, cur, comp, &m)) {
			const char *names[1024];
			const char *s = st_suggest(comp, names,
						   st_btf_member_names(l->btf, cur, names, 1024));

			if (s)
				return st_err_set(err, 0, "no member '%s' in '%s'; did you mean '%s'?",
						  comp, last, s);
			return st_err_set(err, 0, "no member '%s' in '%s'", comp, last);
		}
		type = m.type;
		off = base + m.bit_off;
		bitsz = (__u32)m.bit_size;
		last = comp;
		base = off;
		via_ptr = NULL;
		cur = st_btf_skip_mods(l->btf, type);
		for (;;) {
			const struct btf_type *t = btf__type_by_id(l->btf, cur);

			if (t && btf_is_ptr(t) && is_composite(btf__type_by_id(l->btf,
							st_btf_skip_mods(l->btf, t->type)))) {
				cur = st_btf_skip_mods(l->btf, t->type);
				via_ptr = comp;
				obj = btf__name_by_offset(l->btf,
						btf__type_by_id(l->btf, cur)->name_off);
				base = 0;   /* a pointer starts a new object */
			} else if (t && btf_is_array(t)) {
				cur = st_btf_skip_mods(l->btf, btf_array(t)->type);
			} else {
				break;
			}
		}
	}
	if (l->json) {
		fprintf(l->out, "{\"v\":%d,\"spec\":", ST_JSON_V);
		st_json_str(l->out, spec);
		fputs(",\"object\":", l->out);
		st_json_str(l->out, obj);
		if (via_ptr) {
			fputs(",\"via_pointer\":", l->out);
			st_json_str(l->out, via_ptr);
		}
	}
	if (!is_composite(btf__type_by_id(l->btf, cur))) {
		if (l->json) {
			fputs(",\"member\":", l->out);
			l->first = true;
			print_leaf(l, type, last, off, bitsz, 0);
			fputs("}\n", l->out);
			return 0;
		}
		fprintf(l->out, "/* %s: offsets from the start of %s */\n", spec, obj);
		print_leaf(l, type, last, off, bitsz, 0);
		return 0;
	}
	if (l->json) {
		fprintf(l->out, ",\"offset\":%llu,", (unsigned long long)(base / 8));
		print_composite(l, cur, cur, base);
		return 0;
	}
	if (via_ptr)
		fprintf(l->out, "/* %s: pointer member '%s'; offsets from the start of "
			"the pointee */\n", spec, via_ptr);
	else
		fprintf(l->out, "/* %s at offset %llu; offsets from the start of %s */\n",
			spec, (unsigned long long)(base / 8), obj);
	print_composite(l, cur, cur, base);
	return 0;
}

struct named { const char *name, *kind; };

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->kind, y->kind);
}

/* NAME is a glob: print the struct, union and typedef-of-composite names it matches, one
 * per line, sorted (for shell completion and for finding a type). */
static int list_names(FILE *out, const struct btf *btf, const char *pat, bool json,
		      struct st_err *err)
{
	struct st_glob *g = st_glob_new(pat);
	__u32 id, n = btf__type_cnt(btf), cnt = 0, i;
	struct named *names = calloc(n, sizeof(*names));

	if (!g || !names) {
		st_glob_free(g);
		free(names);
		return st_err_set(err, 0, "out of memory");
	}
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);

		if (!name || !*name || !(btf_is_composite(t) || btf_is_typedef(t)))
			continue;
		if (btf_is_typedef(t) && !is_composite(btf__type_by_id(btf, st_btf_skip_mods(btf, id))))
			continue;
		if (st_glob_test(g, name))
			names[cnt++] = (struct named){ name, btf_is_typedef(t) ? "typedef" :
						       btf_is_union(t) ? "union" : "struct" };
	}
	qsort(names, cnt, sizeof(*names), cmp_named);
	for (i = 0; i < cnt; i++) {
		if (!json && i && !strcmp(names[i].name, names[i - 1].name))
			continue;
		if (json) {
			fprintf(out, "{\"v\":%d,\"kind\":\"%s\",\"name\":", ST_JSON_V, names[i].kind);
			st_json_str(out, names[i].name);
			fputs("}\n", out);
		} else {
			fprintf(out, "%s\n", names[i].name);
		}
	}
	st_glob_free(g);
	free(names);
	if (!cnt)
		return st_err_set(err, 0, "no struct, union or typedef matches '%s'", pat);
	return 0;
}

int st_layout_print(FILE *out, const struct btf *btf, const char *spec, bool json,
		    struct st_err *err)
{
	struct lay l = { .out = out, .btf = btf, .json = json };
	char *copy = strdup(spec), *dot;
	const char *label;
	__u32 root;
	int rc = -1;

	if (!copy)
		return st_err_set(err, 0, "out of memory");
	dot = strchr(copy, '.');
	if (dot)
		*dot = '\0';
	if (!dot && st_glob_has_meta(copy)) {
		rc = list_names(out, btf, copy, json, err);
		goto out;
	}
	root = find_root(btf, copy, &label);
	if (!root) {
		const char *s = suggest_type(btf, label);

		if (s)
			st_err_set(err, 0, "no struct, union or typedef '%s'; did you mean '%s'?",
				   label, s);
		else
			st_err_set(err, 0, "no struct, union or typedef '%s'", label);
		goto out;
	}
	l.fmt = st_declfmt_new(btf);
	if (!l.fmt) {
		st_err_set(err, 0, "cannot format BTF types");
		goto out;
	}
	if (dot) {
		rc = print_path(&l, root, label, spec, dot + 1, err);
	} else {
		if (json)
			fprintf(out, "{\"v\":%d,", ST_JSON_V);
		print_composite(&l, root, st_btf_skip_mods(btf, root), 0);
		rc = 0;
	}
out:
	st_declfmt_free(l.fmt);
	free(copy);
	return rc;
}
