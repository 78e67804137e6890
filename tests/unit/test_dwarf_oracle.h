/* SPDX-License-Identifier: MIT */
/* Test helper: BTF as `bpftool btf dump file X format raw` prints it, parsed from text, and
 * a canonical description of a type that ignores type ids, so two BTFs made by different
 * tools (ours and pahole's) can be compared name by name. Arrays are flattened (pahole
 * 1.24 writes int a[2][3] as int[6]); linkage and the array index type are not compared. */
#ifndef TEST_DWARF_ORACLE_H
#define TEST_DWARF_ORACLE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct raw_member {
	char name[64];
	char attrs[128];
};

struct raw_type {
	char kind[16];
	char name[96];
	char attrs[160];
	struct raw_member *m;
	int nm;
};

struct raw_btf {
	struct raw_type *t;   /* indexed by type id; t[0] is void */
	int n;
	int split_start;      /* first id of a split BTF (a module's), 0 for a whole BTF */
};

static long long raw_attr(const char *attrs, const char *key)
{
	char k[40];
	const char *p;

	snprintf(k, sizeof(k), " %s=", key);
	p = strstr(attrs, k);
	return p ? strtoll(p + strlen(k), NULL, 0) : -1;
}

static const char *raw_attr_str(const char *attrs, const char *key, char *buf, size_t n)
{
	char k[40];
	const char *p;

	snprintf(k, sizeof(k), " %s=", key);
	p = strstr(attrs, k);
	buf[0] = 0;
	if (p)
		snprintf(buf, n, "%.*s", (int)strcspn(p + strlen(k), " \n"), p + strlen(k));
	return buf;
}

/* Parse one quoted name: 'abc' -> abc; returns the rest of the line. */
static const char *raw_name(const char *p, char *out, size_t n)
{
	const char *q;

	p = strchr(p, '\'');
	q = p ? strchr(p + 1, '\'') : NULL;
	if (!q) {
		out[0] = 0;
		return p ? p : "";
	}
	snprintf(out, n, "%.*s", (int)(q - p - 1), p + 1);
	return q + 1;
}

/* Appends what `bpftool btf dump file PATH [-B BASE] format raw` prints; 0 on success. */
static int raw_btf_read(struct raw_btf *b, const char *path, const char *base, int *cap)
{
	char cmd[2048], line[1024];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "bpftool btf dump file '%s' %s%s%s format raw 2>/dev/null", path,
		 base ? "-B '" : "", base ? base : "", base ? "'" : "");
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		if (line[0] == '[') {
			int id = atoi(line + 1);
			struct raw_type *t;
			const char *rest = strchr(line, ']');

			if (id >= *cap) {
				int nc = *cap ? *cap * 2 : 256;

				while (nc <= id)
					nc *= 2;
				b->t = realloc(b->t, nc * sizeof(*b->t));
				memset(b->t + *cap, 0, (nc - *cap) * sizeof(*b->t));
				*cap = nc;
			}
			t = &b->t[id];
			sscanf(rest + 2, "%15s", t->kind);
			rest = raw_name(rest, t->name, sizeof(t->name));
			snprintf(t->attrs, sizeof(t->attrs), "%s", rest);
			if (id + 1 > b->n)
				b->n = id + 1;
		} else if (line[0] == '\t' && b->n > 0) {
			struct raw_type *t = &b->t[b->n - 1];
			struct raw_member *m;

			t->m = realloc(t->m, (t->nm + 1) * sizeof(*t->m));
			m = &t->m[t->nm++];
			snprintf(m->attrs, sizeof(m->attrs), "%s",
				 raw_name(line, m->name, sizeof(m->name)));
		}
	}
	return pclose(p) == 0 && b->n > 1 ? 0 : -1;
}

/* A whole BTF (raw file or ELF .BTF); with `base`, a split BTF (a module's .BTF) on top of
 * its base, both in one id space, split_start marking where the module's types begin. */
static int raw_btf_load_split(struct raw_btf *b, const char *path, const char *base)
{
	int cap = 0;

	memset(b, 0, sizeof(*b));
	if (base) {
		if (raw_btf_read(b, base, NULL, &cap))
			return -1;
		b->split_start = b->n;
	}
	return raw_btf_read(b, path, base, &cap);
}

static int raw_btf_load(struct raw_btf *b, const char *path)
{
	return raw_btf_load_split(b, path, NULL);
}

static void raw_btf_free(struct raw_btf *b)
{
	int i;

	for (i = 0; i < b->n; i++)
		free(b->t[i].m);
	free(b->t);
	memset(b, 0, sizeof(*b));
}

/* Append a canonical description of type `id` to buf. `top` expands a named aggregate,
 * enum or typedef; references to named ones print only their name (cycles stop there). */
static void raw_desc(const struct raw_btf *b, int id, int top, char *buf, size_t n)
{
	const struct raw_type *t;
	size_t len = strlen(buf);
	char enc[32];
	int i;

#define OUT(...) do { len = strlen(buf); snprintf(buf + len, n > len ? n - len : 0, __VA_ARGS__); } while (0)
	if (id <= 0 || id >= b->n) {
		OUT("void");
		return;
	}
	t = &b->t[id];
	if (!strcmp(t->kind, "INT")) {
		OUT("int(%s,%lld,%lld,%lld,%s)", t->name, raw_attr(t->attrs, "size"),
		    raw_attr(t->attrs, "bits_offset"), raw_attr(t->attrs, "nr_bits"),
		    raw_attr_str(t->attrs, "encoding", enc, sizeof(enc)));
	} else if (!strcmp(t->kind, "FLOAT")) {
		OUT("float(%s,%lld)", t->name, raw_attr(t->attrs, "size"));
	} else if (!strcmp(t->kind, "PTR")) {
		OUT("*");
		raw_desc(b, (int)raw_attr(t->attrs, "type_id"), 0, buf, n);
	} else if (!strcmp(t->kind, "CONST") || !strcmp(t->kind, "VOLATILE") ||
		   !strcmp(t->kind, "RESTRICT")) {
		OUT("%s ", t->kind);
		raw_desc(b, (int)raw_attr(t->attrs, "type_id"), 0, buf, n);
	} else if (!strcmp(t->kind, "TYPEDEF")) {
		OUT("typedef %s", t->name);
		if (top) {
			OUT("=");
			raw_desc(b, (int)raw_attr(t->attrs, "type_id"), 0, buf, n);
		}
	} else if (!strcmp(t->kind, "ARRAY")) {
		long long cnt = 1;

		while (!strcmp(t->kind, "ARRAY")) {
			cnt *= raw_attr(t->attrs, "nr_elems");
			id = (int)raw_attr(t->attrs, "type_id");
			if (id <= 0 || id >= b->n)
				break;
			t = &b->t[id];
		}
		OUT("[%lld]", cnt);
		raw_desc(b, id, 0, buf, n);
	} else if (!strcmp(t->kind, "FWD")) {
		OUT("%s %s", strstr(t->attrs, "union") ? "union" : "struct", t->name);
	} else if (!strcmp(t->kind, "STRUCT") || !strcmp(t->kind, "UNION")) {
		OUT("%s %s", t->kind[0] == 'S' ? "struct" : "union", t->name);
		if (top || !strcmp(t->name, "(anon)")) {
			OUT(" size=%lld {", raw_attr(t->attrs, "size"));
			for (i = 0; i < t->nm; i++) {
				long long bf = raw_attr(t->m[i].attrs, "bitfield_size");

				OUT("%s@%lld:%lld:", t->m[i].name, raw_attr(t->m[i].attrs, "bits_offset"),
				    bf < 0 ? 0 : bf);
				raw_desc(b, (int)raw_attr(t->m[i].attrs, "type_id"), 0, buf, n);
				OUT(";");
			}
			OUT("}");
		}
	} else if (!strcmp(t->kind, "ENUM") || !strcmp(t->kind, "ENUM64")) {
		OUT("enum %s", t->name);
		if (top || !strcmp(t->name, "(anon)")) {
			OUT(" size=%lld {", raw_attr(t->attrs, "size"));
			for (i = 0; i < t->nm; i++)
				OUT("%s=%lld,", t->m[i].name, raw_attr(t->m[i].attrs, "val"));
			OUT("}");
		}
	} else if (!strcmp(t->kind, "FUNC_PROTO")) {
		OUT("fn(");
		raw_desc(b, (int)raw_attr(t->attrs, "ret_type_id"), 0, buf, n);
		for (i = 0; i < t->nm; i++) {
			OUT(";%s:", t->m[i].name);
			raw_desc(b, (int)raw_attr(t->m[i].attrs, "type_id"), 0, buf, n);
		}
		OUT(")");
	} else if (!strcmp(t->kind, "FUNC")) {
		OUT("func %s ", t->name);
		raw_desc(b, (int)raw_attr(t->attrs, "type_id"), 0, buf, n);
	} else {
		OUT("%s %s", t->kind, t->name);
	}
#undef OUT
}

/* Types sorted by kind and name, for lookups in BTFs with 100k types (vmlinux). */
static const struct raw_btf *raw_sort_ctx;

static int raw_cmp_ids(const void *a, const void *b)
{
	const struct raw_type *x = &raw_sort_ctx->t[*(const int *)a];
	const struct raw_type *y = &raw_sort_ctx->t[*(const int *)b];
	int r = strcmp(x->kind, y->kind);

	return r ? r : strcmp(x->name, y->name);
}

/* Returns a heap array of ids 1..n-1 sorted by (kind, name). */
static int *raw_index(const struct raw_btf *b)
{
	int *ix = malloc(sizeof(*ix) * (size_t)(b->n > 1 ? b->n - 1 : 1)), i;

	for (i = 1; i < b->n; i++)
		ix[i - 1] = i;
	raw_sort_ctx = b;
	qsort(ix, (size_t)(b->n - 1), sizeof(*ix), raw_cmp_ids);
	return ix;
}

/* Position in ix of the first type with that kind and name, or -1. */
static int raw_lookup(const struct raw_btf *b, const int *ix, const char *kind, const char *name)
{
	int lo = 0, hi = b->n - 1;

	while (lo < hi) {
		int mid = (lo + hi) / 2, r = strcmp(b->t[ix[mid]].kind, kind);

		if (!r)
			r = strcmp(b->t[ix[mid]].name, name);
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < b->n - 1 && !strcmp(b->t[ix[lo]].kind, kind) && !strcmp(b->t[ix[lo]].name, name))
		return lo;
	return -1;
}

/* Compare every named struct, union, enum, typedef, forward and function of `orc` with the
 * same-named ones of `ours`: one of them must have the same canonical description (a
 * kernel may define two different `struct foo`s). Prints each mismatch to `log` (up to
 * 20); returns the number of mismatches, *compared gets how many names were checked. */
static int raw_compare(const struct raw_btf *orc, const struct raw_btf *ours, FILE *log,
		       int *compared)
{
	static const char *const kinds[] = { "STRUCT", "UNION", "ENUM", "ENUM64", "TYPEDEF",
					      "FUNC", "FWD" };
	static char a[65536], b[65536];
	int *ix = raw_index(ours), i, k, bad = 0;

	*compared = 0;
	for (i = orc->split_start > 1 ? orc->split_start : 1; i < orc->n; i++) {
		const struct raw_type *t = &orc->t[i];
		int pos, want = 0, same = 0;

		for (k = 0; k < (int)(sizeof(kinds) / sizeof(kinds[0])); k++)
			want |= !strcmp(t->kind, kinds[k]);
		if (!want || !strcmp(t->name, "(anon)"))
			continue;
		a[0] = 0;
		raw_desc(orc, i, 1, a, sizeof(a));
		pos = raw_lookup(ours, ix, t->kind, t->name);
		b[0] = 0;
		for (; pos >= 0 && pos < ours->n - 1 && !same; pos++) {
			int id = ix[pos];

			if (strcmp(ours->t[id].kind, t->kind) || strcmp(ours->t[id].name, t->name))
				break;
			b[0] = 0;
			raw_desc(ours, id, 1, b, sizeof(b));
			same = !strcmp(a, b);
		}
		if (!same && ++bad <= 20 && log)
			fprintf(log, "%s %s differs:\n  oracle: %.2000s\n  ours:   %.2000s\n",
				t->kind, t->name, a, b);
		(*compared)++;
	}
	free(ix);
	return bad;
}

#endif
