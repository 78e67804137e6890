// SPDX-License-Identifier: MIT
/* Printing the aggregation map: bpftrace's text layout, JSON, folded stacks. */
#include <stdlib.h>
#include <string.h>
#include "aggregate/agg_int.h"
#include "util/json.h"

#define BAR_WIDTH 52

static long long value_of(const struct st_agg *a, const struct st_agg_entry *e)
{
	switch (a->spec.kind) {
	case ST_AGG_SUM: return e->sum;
	case ST_AGG_MIN: return e->min;
	case ST_AGG_MAX: return e->max;
	case ST_AGG_AVG: return e->count ? e->sum / (long long)e->count : 0;
	default: return (long long)e->count;
	}
}

static int cmp_entry(const void *pa, const void *pb, void *ctx)
{
	const struct st_agg_entry *x = *(const struct st_agg_entry *const *)pa;
	const struct st_agg_entry *y = *(const struct st_agg_entry *const *)pb;
	long long vx = value_of(ctx, x), vy = value_of(ctx, y);
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c;

	if (vx != vy)
		return vx < vy ? -1 : 1;
	c = n ? memcmp(x->key, y->key, n) : 0;
	if (c)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

/* The entries in print order (ascending, the largest last), only the top ones. */
static struct st_agg_entry **sorted(struct st_agg *a, size_t top, size_t *n)
{
	struct st_agg_entry **v = malloc((a->n ? a->n : 1) * sizeof(*v));
	size_t i, k = 0;

	if (!v)
		return NULL;
	for (i = 0; i < a->cap; i++)
		if (a->tab[i])
			v[k++] = a->tab[i];
	qsort_r(v, k, sizeof(*v), cmp_entry, a);
	if (top && k > top) {
		memmove(v, v + (k - top), top * sizeof(*v));
		k = top;
	}
	*n = k;
	return v;
}

/* Frame i of stack part pt ('k' kernel, 'u' user). */
static void part_frame(const struct st_agg_print *p, const struct st_agg_part *pt, int i,
		       bool off, char *buf, size_t n)
{
	unsigned long long pc = st_agg_part_pc(pt, i);

	if (pt->tag == 'u' && p->usym)
		p->usym(pt->pid, pc, i > 0, off, buf, n, p->usym_ctx);
	else if (pt->tag == 'k' && p->sym)
		p->sym(pc, off, buf, n, p->sym_ctx);
	else
		snprintf(buf, n, "0x%llx", pc);
}

static void put_key_text(const struct st_agg_print *p, const struct st_agg_entry *e)
{
	struct st_agg_part pt;
	size_t off = 0, used;
	char frame[256];
	int i, nparts = 0;

	if (!e->klen)
		return;
	fputc('[', p->f);
	while ((used = st_agg_key_next(e->key + off, e->klen - off, &pt))) {
		if (nparts++)
			fputs(", ", p->f);
		if (pt.tag == 'n')
			fprintf(p->f, "%lld", pt.num);
		else if (pt.tag == 's')
			fputs(pt.str, p->f);
		else {
			fputc('\n', p->f);
			for (i = 0; i < pt.npc; i++) {
				part_frame(p, &pt, i, true, frame, sizeof(frame));
				fprintf(p->f, "        %s\n", frame);
			}
		}
		off += used;
	}
	fputc(']', p->f);
}

static const char *const suffixes[] = { "", "K", "M", "G", "T", "P", "E" };

static void pow2_label(int power, char *buf, size_t n)
{
	snprintf(buf, n, "%d%s", 1 << (power % 10), suffixes[power / 10]);
}

void st_agg_log2_label(int idx, char *buf, size_t n)
{
	char lo[16], hi[16];

	if (idx <= 0)
		snprintf(buf, n, "(..., 0)");
	else if (idx == 1)
		snprintf(buf, n, "[0]");
	else if (idx == 2)
		snprintf(buf, n, "[1]");
	else {
		pow2_label(idx - 2, lo, sizeof(lo));
		pow2_label(idx - 1, hi, sizeof(hi));
		snprintf(buf, n, "[%s, %s)", lo, hi);
	}
}

void st_agg_num_label(long long v, char *buf, size_t n)
{
	if (v != 0 && v % (1024 * 1024) == 0)
		snprintf(buf, n, "%lldM", v / (1024 * 1024));
	else if (v != 0 && v % 1024 == 0)
		snprintf(buf, n, "%lldK", v / 1024);
	else
		snprintf(buf, n, "%lld", v);
}

/* Inclusive bounds of a slot; *open_lo / *open_hi when that end is unbounded. */
static void slot_bounds(const struct st_agg *a, int i, long long *lo, long long *hi,
			bool *open_lo, bool *open_hi)
{
	const struct st_agg_spec *s = &a->spec;

	*open_lo = *open_hi = false;
	if (s->kind == ST_AGG_HIST) {
		if (i == 0) {
			*open_lo = true;
			*hi = -1;
		} else if (i == 1) {
			*lo = *hi = 0;
		} else {
			*lo = 1LL << (i - 2);
			*hi = i - 2 >= 62 ? 0x7fffffffffffffffLL : (1LL << (i - 1)) - 1;
		}
		return;
	}
	if (i == 0) {
		*open_lo = true;
		*hi = s->lmin - 1;
	} else if (i == a->nslots - 1) {
		*lo = s->lmax;
		*open_hi = true;
	} else {
		*lo = s->lmin + (long long)(i - 1) * s->lstep;
		*hi = *lo + s->lstep - 1;
	}
}

static void slot_label(const struct st_agg *a, int i, char *buf, size_t n)
{
	char lo[32], hi[32];
	long long l = 0, h = 0;
	bool ol, oh;

	if (a->spec.kind == ST_AGG_HIST) {
		st_agg_log2_label(i, buf, n);
		return;
	}
	slot_bounds(a, i, &l, &h, &ol, &oh);
	if (ol) {
		st_agg_num_label(a->spec.lmin, hi, sizeof(hi));
		snprintf(buf, n, "(..., %s)", hi);
	} else if (oh) {
		st_agg_num_label(l, lo, sizeof(lo));
		snprintf(buf, n, "[%s, ...)", lo);
	} else {
		st_agg_num_label(l, lo, sizeof(lo));
		st_agg_num_label(h + 1, hi, sizeof(hi));
		snprintf(buf, n, "[%s, %s)", lo, hi);
	}
}

static void put_hist_text(const struct st_agg *a, const struct st_agg_print *p,
			  const struct st_agg_entry *e)
{
	unsigned long long max = 0;
	int i, first = -1, last = -1, j, w;
	char label[96];

	for (i = 0; i < a->nslots; i++) {
		if (!e->slots[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (e->slots[i] > max)
			max = e->slots[i];
	}
	for (i = first; first >= 0 && i <= last; i++) {
		slot_label(a, i, label, sizeof(label));
		fprintf(p->f, "%-16s%8llu |", label, e->slots[i]);
		w = (int)(e->slots[i] * BAR_WIDTH / max);
		for (j = 0; j < BAR_WIDTH; j++)
			fputc(j < w ? '@' : ' ', p->f);
		fputs("|\n", p->f);
	}
}

static bool is_hist(const struct st_agg *a)
{
	return a->spec.kind == ST_AGG_HIST || a->spec.kind == ST_AGG_LHIST;
}

int st_agg_print_text(struct st_agg *a, const struct st_agg_print *p)
{
	size_t n, i;
	struct st_agg_entry **v = sorted(a, p->top, &n);

	if (!v)
		return -1;
	for (i = 0; i < n; i++) {
		fprintf(p->f, "@%s", a->name);
		put_key_text(p, v[i]);
		if (is_hist(a)) {
			fputs(": \n", p->f);
			put_hist_text(a, p, v[i]);
			fputc('\n', p->f);
		} else {
			fprintf(p->f, ": %lld\n", value_of(a, v[i]));
		}
	}
	if (!is_hist(a) && n)
		fputc('\n', p->f);
	free(v);
	return ferror(p->f) ? -1 : 0;
}

static void put_key_json(const struct st_agg_print *p, const struct st_agg_entry *e)
{
	struct st_agg_part pt;
	size_t off = 0, used;
	char frame[256];
	int i, nparts = 0;

	fputc('[', p->f);
	while ((used = st_agg_key_next(e->key + off, e->klen - off, &pt))) {
		if (nparts++)
			fputc(',', p->f);
		if (pt.tag == 'n')
			fprintf(p->f, "%lld", pt.num);
		else if (pt.tag == 's')
			st_json_str(p->f, pt.str);
		else {
			fputc('[', p->f);
			for (i = 0; i < pt.npc; i++) {
				part_frame(p, &pt, i, true, frame, sizeof(frame));
				if (i)
					fputc(',', p->f);
				st_json_str(p->f, frame);
			}
			fputc(']', p->f);
		}
		off += used;
	}
	fputc(']', p->f);
}

static const char *kind_name(enum st_agg_kind k)
{
	static const char *const names[] = { "count", "hist", "lhist", "sum", "min", "max", "avg" };

	return names[k];
}

static void put_buckets_json(const struct st_agg *a, const struct st_agg_print *p,
			     const struct st_agg_entry *e)
{
	long long lo = 0, hi = 0;
	bool ol, oh, first = true;
	int i;

	fputs("\"buckets\":[", p->f);
	for (i = 0; i < a->nslots; i++) {
		if (!e->slots[i])
			continue;
		slot_bounds(a, i, &lo, &hi, &ol, &oh);
		fprintf(p->f, "%s{\"min\":", first ? "" : ",");
		first = false;
		if (ol)
			fputs("null", p->f);
		else
			fprintf(p->f, "%lld", lo);
		fputs(",\"max\":", p->f);
		if (oh)
			fputs("null", p->f);
		else
			fprintf(p->f, "%lld", hi);
		fprintf(p->f, ",\"count\":%llu}", e->slots[i]);
	}
	fputc(']', p->f);
}

int st_agg_print_json(struct st_agg *a, const struct st_agg_print *p)
{
	size_t n, i;
	struct st_agg_entry **v = sorted(a, p->top, &n);

	if (!v)
		return -1;
	fputs("{\"name\":", p->f);
	st_json_str(p->f, a->name);
	fprintf(p->f, ",\"type\":\"%s\",\"data\":[", kind_name(a->spec.kind));
	for (i = 0; i < n; i++) {
		fputs(i ? ",{\"key\":" : "{\"key\":", p->f);
		put_key_json(p, v[i]);
		fputc(',', p->f);
		if (is_hist(a))
			put_buckets_json(a, p, v[i]);
		else
			fprintf(p->f, "\"value\":%lld", value_of(a, v[i]));
		fputc('}', p->f);
	}
	fputs("]}", p->f);
	free(v);
	return ferror(p->f) ? -1 : 0;
}

/* The folded line of one key, or NULL when it holds no stack. */
static char *folded_line(const struct st_agg_print *p, const struct st_agg_entry *e)
{
	struct st_agg_part pt;
	size_t off = 0, used, len = 0;
	char *buf = NULL, frame[256];
	bool has_stack = false;
	FILE *f = open_memstream(&buf, &len);
	int i, nparts = 0;

	if (!f)
		return NULL;
	while ((used = st_agg_key_next(e->key + off, e->klen - off, &pt))) {
		if (pt.tag == 'k' || pt.tag == 'u') {
			has_stack = true;
			for (i = pt.npc - 1; i >= 0; i--) {
				part_frame(p, &pt, i, false, frame, sizeof(frame));
				fprintf(f, "%s%s", nparts++ ? ";" : "", frame);
			}
		} else if (pt.tag == 'n') {
			fprintf(f, "%s%lld", nparts++ ? ";" : "", pt.num);
		} else {
			fprintf(f, "%s%s", nparts++ ? ";" : "", pt.str);
		}
		off += used;
	}
	if (fclose(f) || !has_stack) {
		free(buf);
		return NULL;
	}
	/* ';' and ' ' separate frames and the count: keep names from breaking the format */
	for (i = 0; buf[i]; i++)
		if (buf[i] == ' ' || buf[i] == '\n')
			buf[i] = '_';
	return buf;
}

static int cmp_folded(const void *pa, const void *pb)
{
	return strcmp(((const struct st_folded *)pa)->line, ((const struct st_folded *)pb)->line);
}

void st_folded_free(struct st_folded *v, int n)
{
	int i;

	for (i = 0; v && i < n; i++)
		free(v[i].line);
	free(v);
}

int st_agg_folded(struct st_agg *a, const struct st_agg_print *p, struct st_folded **out)
{
	struct st_folded *v = calloc(a->n ? a->n : 1, sizeof(*v));
	size_t i;
	int n = 0, k = 0;

	if (!v)
		return -1;
	for (i = 0; i < a->cap; i++) {
		struct st_agg_entry *e = a->tab[i];
		char *line;

		if (!e || !(line = folded_line(p, e)))
			continue;
		v[n].line = line;
		v[n++].n = a->spec.kind == ST_AGG_SUM ? (unsigned long long)e->sum : e->count;
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_folded);
	for (i = 0; i < (size_t)n; i++) {
		if (k && !strcmp(v[k - 1].line, v[i].line)) {
			v[k - 1].n += v[i].n;
			free(v[i].line);
			continue;
		}
		v[k++] = v[i];
	}
	*out = v;
	return k;
}

int st_agg_print_folded(struct st_agg *a, const struct st_agg_print *p)
{
	struct st_folded *v;
	int n = st_agg_folded(a, p, &v), i;

	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		fprintf(p->f, "%s %llu\n", v[i].line, v[i].n);
	st_folded_free(v, n);
	return ferror(p->f) ? -1 : n;
}
