// SPDX-License-Identifier: MIT
/* Map iteration and the exit-time dump: hash maps with keys and values decoded by their BTF
 * types, per-CPU values summed (or listed), histograms drawn, stack ids symbolized. */
#include "lbc_int.h"
#include "types/btf_walk.h"
#include "util/json.h"
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool is_percpu(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
	       t == BPF_MAP_TYPE_PERCPU_ARRAY;
}

static bool is_hash(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_HASH || t == BPF_MAP_TYPE_LRU_HASH ||
	       t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* Adds src into dst member by member: integers add, everything else keeps CPU 0's bytes. */
static void sum_into(const struct btf *btf, uint32_t tid, uint8_t *dst, const uint8_t *src,
		     uint32_t size)
{
	const struct btf_type *t = btf ? st_btf_bare(btf, &tid) : NULL;

	if (!t) {
		if (size == 8 || size == 4) {  /* no BTF: assume a counter */
			uint64_t a = 0, b = 0;
			memcpy(&a, dst, size);
			memcpy(&b, src, size);
			a += b;
			memcpy(dst, &a, size);
		}
		return;
	}
	if (btf_is_int(t) && t->size <= 8 && !(btf_int_encoding(t) & BTF_INT_BOOL)) {
		uint64_t a = 0, b = 0;

		memcpy(&a, dst, t->size);
		memcpy(&b, src, t->size);
		a += b;
		memcpy(dst, &a, t->size);
	} else if (btf_is_struct(t)) {
		const struct btf_member *m = btf_members(t);
		int i;

		for (i = 0; i < btf_vlen(t); i++) {
			uint32_t off = btf_member_bit_offset(t, i);

			if (btf_member_bitfield_size(t, i) || off % 8)
				continue;
			sum_into(btf, m[i].type, dst + off / 8, src + off / 8, 0);
		}
	} else if (btf_is_array(t)) {
		const struct btf_array *a = btf_array(t);
		int64_t esz = btf__resolve_size(btf, a->type);
		uint32_t i;

		for (i = 0; esz > 0 && i < a->nelems; i++)
			sum_into(btf, a->type, dst + i * esz, src + i * esz, (uint32_t)esz);
	}
}

int lbc_map_foreach(struct lbc *l, const char *name, lbc_map_cb cb, void *ctx)
{
	struct bpf_map *m = l->obj ? bpf_object__find_map_by_name(l->obj, name) : NULL;
	uint32_t ksz, vsz, stride;
	int ncpu = 1, fd, err = 0, c;
	uint8_t *key, *next, *vals, *sum;
	bool percpu, first = true;

	if (!m || bpf_map__fd(m) < 0)
		return lbc_fail(l, ENOENT, "no loaded map named '%s'", name);
	fd = bpf_map__fd(m);
	percpu = is_percpu(bpf_map__type(m));
	ksz = bpf_map__key_size(m);
	vsz = bpf_map__value_size(m);
	/* The kernel pads each CPU's value to 8 bytes. */
	stride = percpu ? (vsz + 7) & ~7u : vsz;
	if (percpu)
		ncpu = libbpf_num_possible_cpus();
	key = calloc(1, ksz ? ksz : 1);
	next = calloc(1, ksz ? ksz : 1);
	vals = calloc((size_t)ncpu, stride);
	sum = calloc(1, vsz ? vsz : 1);
	if (!key || !next || !vals || !sum) {
		err = lbc_fail(l, ENOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		if (bpf_map_get_next_key(fd, first ? NULL : key, next))
			break;
		first = false;
		memcpy(key, next, ksz);
		if (bpf_map_lookup_elem(fd, key, vals))
			continue;          /* deleted meanwhile */
		memcpy(sum, vals, vsz);
		for (c = 1; c < ncpu; c++)
			sum_into(lbc_btf(l), bpf_map__btf_value_type_id(m), sum, vals + c * stride,
				 vsz);
		err = cb(ctx, key, sum, percpu ? vals : NULL, ncpu);
		if (err)
			break;
	}
out:
	free(key);
	free(next);
	free(vals);
	free(sum);
	return err;
}

static void bar(FILE *f, uint64_t v, uint64_t max)
{
	int w = max ? (int)(v * 40 / max) : 0, i;

	fputc('|', f);
	for (i = 0; i < 40; i++)
		fputc(i < w ? '*' : ' ', f);
	fputc('|', f);
}

/* The header line; returns the last non-empty bucket (-1: none) and the largest count. */
static int hist_head(FILE *f, const uint64_t *c, int n, const char *unit, uint64_t *max)
{
	int i, last = -1;

	*max = 0;
	for (i = 0; i < n; i++) {
		if (c[i] > *max)
			*max = c[i];
		if (c[i])
			last = i;
	}
	fprintf(f, "%24s : %-10s %s\n", unit ? unit : "value", "count", "distribution");
	return last;
}

void lbc_hist_print_log2(FILE *f, const uint64_t *c, int n, const char *unit)
{
	uint64_t max;
	int i, last = hist_head(f, c, n, unit, &max);

	for (i = 0; i <= last; i++) {
		unsigned long long lo = i ? 1ULL << (i - 1) : 0;
		unsigned long long hi = i ? (i < 64 ? (1ULL << i) - 1 : ~0ULL) : 0;

		fprintf(f, "%10llu -> %-10llu : %-10llu ", lo, hi, (unsigned long long)c[i]);
		bar(f, c[i], max);
		fputc('\n', f);
	}
}

void lbc_hist_print_linear(FILE *f, const uint64_t *c, int n, uint64_t step, const char *unit)
{
	uint64_t max;
	int i, last = hist_head(f, c, n, unit, &max);

	for (i = 0; i <= last; i++) {
		unsigned long long lo = (unsigned long long)i * step;

		if (i == n - 1)
			fprintf(f, "%10llu -> %-10s : %-10llu ", lo, "...", (unsigned long long)c[i]);
		else
			fprintf(f, "%10llu -> %-10llu : %-10llu ", lo, lo + step - 1,
				(unsigned long long)c[i]);
		bar(f, c[i], max);
		fputc('\n', f);
	}
}

struct dump_ctx {
	struct lbc *l;
	struct bpf_map *m;
	FILE *f;
	bool json, percpu;
	int n;
	uint64_t *hist;
	int nhist;
};

static void fmt_kv(struct dump_ctx *d, uint32_t tid, const void *data, uint32_t size)
{
	if (tid) {
		lbc_fmt_value(d->l, d->f, tid, data, d->json, -1);
	} else {  /* no BTF for this map: bytes */
		uint32_t i;

		fputs(d->json ? "\"0x" : "0x", d->f);
		for (i = 0; i < size; i++)
			fprintf(d->f, "%02x", ((const uint8_t *)data)[i]);
		if (d->json)
			fputc('"', d->f);
	}
}

/* Stack-id members of a hash key (offcputime-style) get their frames after the entry. */
static void key_stacks(struct dump_ctx *d, uint32_t ktid, const void *key)
{
	const struct btf *btf = lbc_btf(d->l);
	uint32_t tid = ktid;
	const struct btf_type *t = st_btf_bare(btf, &tid);
	const struct btf_member *m;
	int i, pid = -1;
	uint32_t off, mt, bsz;
	uint64_t v;

	if (!t || !btf_is_struct(t))
		return;
	if (!lbc_find_member(btf, tid, "pid", &off, &mt, &bsz) &&
	    !lbc_read_int(btf, mt, key, off, bsz, &v, NULL))
		pid = (int)v;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++) {
		bool user, sgn;

		if (!lbc_is_stack_field(btf__name_by_offset(btf, m[i].name_off), &user) ||
		    lbc_read_int(btf, m[i].type, key, btf_member_bit_offset(t, i), 0, &v, &sgn))
			continue;
		if (d->json)
			fprintf(d->f, ",\"%s_frames\":", btf__name_by_offset(btf, m[i].name_off));
		lbc_print_stack(d->l, d->f, sgn ? (int64_t)v : (int64_t)(int32_t)v, user, pid,
				d->json);
	}
}

static int dump_entry(void *ctx, const void *key, const void *value, const void *percpu,
		      int ncpu)
{
	struct dump_ctx *d = ctx;
	uint32_t kt = bpf_map__btf_key_type_id(d->m), vt = bpf_map__btf_value_type_id(d->m);
	uint32_t vsz = bpf_map__value_size(d->m), stride = (vsz + 7) & ~7u;
	int c;

	if (d->hist) {
		uint32_t idx;
		uint64_t v = 0;

		memcpy(&idx, key, 4);
		memcpy(&v, value, vsz < 8 ? vsz : 8);
		if ((int)idx < d->nhist)
			d->hist[idx] = v;
		return 0;
	}
	if (d->json) {
		fprintf(d->f, "%s{\"key\":", d->n ? "," : "");
		fmt_kv(d, kt, key, bpf_map__key_size(d->m));
		fputs(",\"value\":", d->f);
		fmt_kv(d, vt, value, vsz);
		if (percpu && d->percpu) {
			fputs(",\"percpu\":[", d->f);
			for (c = 0; c < ncpu; c++) {
				if (c)
					fputc(',', d->f);
				fmt_kv(d, vt, (const uint8_t *)percpu + c * stride, vsz);
			}
			fputc(']', d->f);
		}
		if (kt)
			key_stacks(d, kt, key);
		fputc('}', d->f);
	} else {
		fputs("  key=", d->f);
		fmt_kv(d, kt, key, bpf_map__key_size(d->m));
		fputs(" value=", d->f);
		fmt_kv(d, vt, value, vsz);
		if (percpu && d->percpu) {
			for (c = 0; c < ncpu; c++) {
				fprintf(d->f, " cpu%d=", c);
				fmt_kv(d, vt, (const uint8_t *)percpu + c * stride, vsz);
			}
		}
		fputc('\n', d->f);
		if (kt)
			key_stacks(d, kt, key);
	}
	d->n++;
	return 0;
}

static void print_hist(struct lbc *l, struct bpf_map *m, FILE *f, bool json, uint64_t step)
{
	struct dump_ctx d = { .l = l, .m = m, .f = f };
	int n = (int)bpf_map__max_entries(m), i;

	d.hist = calloc((size_t)n, sizeof(uint64_t));
	if (!d.hist)
		return;
	d.nhist = n;
	lbc_map_foreach(l, bpf_map__name(m), dump_entry, &d);
	if (json) {
		fprintf(f, "{\"v\":%d,\"map\":\"%s\",\"hist\":\"%s\",\"step\":%llu,\"buckets\":[",
			ST_JSON_V, bpf_map__name(m), step ? "linear" : "log2", (unsigned long long)step);
		for (i = 0; i < n; i++)
			fprintf(f, "%s%llu", i ? "," : "", (unsigned long long)d.hist[i]);
		fputs("]}\n", f);
	} else {
		fprintf(f, "%s:\n", bpf_map__name(m));
		if (step)
			lbc_hist_print_linear(f, d.hist, n, step, NULL);
		else
			lbc_hist_print_log2(f, d.hist, n, NULL);
	}
	free(d.hist);
}

int lbc_print_map(struct lbc *l, const char *name, FILE *f, bool json, bool percpu)
{
	struct bpf_map *m = l->loaded ? bpf_object__find_map_by_name(l->obj, name) : NULL;
	struct lbc_map_info mi;
	struct dump_ctx d = { .l = l, .m = m, .f = f, .json = json, .percpu = percpu };

	if (!m || lbc_map_info(l, name, &mi))
		return lbc_fail(l, ENOENT, "no loaded map named '%s'", name);
	if (mi.hist) {
		print_hist(l, m, f, json, mi.hist_step);
		return 0;
	}
	if (!is_hash(bpf_map__type(m)))
		return lbc_fail(l, EINVAL, "map '%s' is neither a hash map nor a histogram", name);
	if (json)
		fprintf(f, "{\"v\":%d,\"map\":\"%s\",\"entries\":[", ST_JSON_V, name);
	else
		fprintf(f, "%s:\n", name);
	lbc_map_foreach(l, name, dump_entry, &d);
	if (json)
		fputs("]}\n", f);
	else if (!d.n)
		fputs("  (empty)\n", f);
	return 0;
}

void lbc_print_maps(struct lbc *l, FILE *f, bool json, bool percpu)
{
	struct bpf_map *m;
	struct lbc_map_info mi;

	if (!l->loaded)
		return;
	bpf_object__for_each_map(m, l->obj) {
		const char *name = bpf_map__name(m);

		if (!lbc_map_info(l, name, &mi) && (mi.hist || is_hash(bpf_map__type(m))))
			lbc_print_map(l, name, f, json, percpu);
	}
	fflush(f);
}

int lbc_map_info(struct lbc *l, const char *name, struct lbc_map_info *mi)
{
	struct bpf_map *m = l->obj ? bpf_object__find_map_by_name(l->obj, name) : NULL;
	uint32_t lin;

	if (!m)
		return lbc_fail(l, ENOENT, "no map named '%s'", name);
	memset(mi, 0, sizeof(*mi));
	mi->name = bpf_map__name(m);
	mi->type = bpf_map__type(m);
	mi->fd = bpf_map__fd(m);
	mi->key_size = bpf_map__key_size(m);
	mi->value_size = bpf_map__value_size(m);
	mi->max_entries = bpf_map__max_entries(m);
	mi->key_type_id = bpf_map__btf_key_type_id(m);
	mi->value_type_id = bpf_map__btf_value_type_id(m);
	mi->percpu = is_percpu(bpf_map__type(m));
	mi->hash = is_hash(bpf_map__type(m));
	mi->event_type_id = lbc_hint_type(l, "ev", name);
	if (lbc_hint_type(l, "hl2", name)) {
		mi->hist = 'l';
	} else if ((lin = lbc_hint_type(l, "hlin", name))) {
		const struct btf_type *t = btf__type_by_id(lbc_btf(l), lin);

		mi->hist = 'L';
		mi->hist_step = t && btf_is_array(t) ? btf_array(t)->nelems : 1;
	}
	return 0;
}

int lbc_map_lookup(struct lbc *l, const char *name, const void *key, void *value)
{
	struct bpf_map *m = l->obj ? bpf_object__find_map_by_name(l->obj, name) : NULL;
	uint32_t vsz, stride;
	int ncpu, c;
	uint8_t *vals;

	if (!m || bpf_map__fd(m) < 0)
		return lbc_fail(l, ENOENT, "no loaded map named '%s'", name);
	vsz = bpf_map__value_size(m);
	if (!is_percpu(bpf_map__type(m)))
		return bpf_map_lookup_elem(bpf_map__fd(m), key, value) ? -errno : 0;
	ncpu = libbpf_num_possible_cpus();
	stride = (vsz + 7) & ~7u;
	vals = calloc((size_t)ncpu, stride);
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(m), key, vals)) {
		c = -errno;
		free(vals);
		return c;
	}
	memcpy(value, vals, vsz);
	for (c = 1; c < ncpu; c++)   /* summed as lbc_map_foreach does */
		sum_into(lbc_btf(l), bpf_map__btf_value_type_id(m), value, vals + c * stride, vsz);
	free(vals);
	return 0;
}

int lbc_stack_ips(struct lbc *l, const char *name, int64_t id, uint64_t *ips, int max)
{
	struct bpf_map *m = NULL, *it;
	uint64_t buf[PERF_MAX_STACK_DEPTH_];
	uint32_t key = (uint32_t)id;
	int n;

	if (!l->obj)
		return -EINVAL;
	bpf_object__for_each_map(it, l->obj) {
		if (bpf_map__type(it) != BPF_MAP_TYPE_STACK_TRACE)
			continue;
		if (!name || !strcmp(name, bpf_map__name(it))) {
			m = it;
			break;
		}
	}
	if (!m)
		return lbc_fail(l, ENOENT, "no stack map%s%s", name ? " " : "", name ? name : "");
	if (id < 0)
		return lbc_fail(l, -(int)id, "stack id %lld: the kernel could not record the stack",
				(long long)id);
	if (bpf_map__value_size(m) > sizeof(buf))
		return -E2BIG;
	memset(buf, 0, sizeof(buf));
	if (bpf_map_lookup_elem(bpf_map__fd(m), &key, buf))
		return lbc_fail(l, errno, "stack id %lld not in %s", (long long)id,
				bpf_map__name(m));
	for (n = 0; n < max && (size_t)n < bpf_map__value_size(m) / 8 && buf[n]; n++)
		ips[n] = buf[n];
	return n;
}

void lbc_print_stack(struct lbc *l, FILE *f, int64_t id, bool user, int pid, bool json)
{
	uint64_t ips[PERF_MAX_STACK_DEPTH_];
	char sym[512];
	int n = lbc_stack_ips(l, NULL, id, ips, PERF_MAX_STACK_DEPTH_), i;

	if (json)
		fputc('[', f);
	if (n < 0 && !json)
		fprintf(f, "    [%s]\n", lbc_errmsg(l));
	for (i = 0; i < n; i++) {
		const char *s = user ? lbc_sym_user(l, pid, ips[i], sym, sizeof(sym))
				     : lbc_sym_kernel(l, ips[i], sym, sizeof(sym));
		if (json)
			fprintf(f, "%s\"%s\"", i ? "," : "", s);
		else
			fprintf(f, "    %s\n", s);
	}
	if (json)
		fputc(']', f);
}
