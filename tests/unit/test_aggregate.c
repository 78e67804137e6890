// SPDX-License-Identifier: MIT
/* The aggregation model (src/aggregate): bucket boundaries computed independently here
 * (by counting, not with the code's own index function), bpftrace's labels, sorting and
 * --top, clearing, JSON that Python's parser accepts, folded-line merging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "aggregate/agg.h"
#include "aggregate/flame.h"
#include "aggregate/agg_int.h"

static char *render(struct st_agg *a, int mode, size_t top)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct st_agg_print p = { .f = f, .top = top };

	assert_non_null(f);
	if (mode == 0)
		assert_int_equal(st_agg_print_text(a, &p), 0);
	else if (mode == 1)
		assert_int_equal(st_agg_print_json(a, &p), 0);
	else
		assert_true(st_agg_print_folded(a, &p) >= 0);
	fclose(f);
	return buf;
}

static void test_log2_index_bounds(void **state)
{
	long long v;
	int k;

	(void)state;
	assert_int_equal(st_agg_log2_index(-5), 0);
	assert_int_equal(st_agg_log2_index(0), 1);
	assert_int_equal(st_agg_log2_index(1), 2);
	/* every power of two starts a bucket, the value before it ends the previous one */
	for (k = 1; k < 63; k++) {
		v = 1LL << k;
		assert_int_equal(st_agg_log2_index(v), k + 2);
		assert_int_equal(st_agg_log2_index(v - 1), k + 1);
	}
	assert_int_equal(st_agg_log2_index(0x7fffffffffffffffLL), 64);
}

static void test_labels(void **state)
{
	char b[64];

	(void)state;
	st_agg_log2_label(0, b, sizeof(b));
	assert_string_equal(b, "(..., 0)");
	st_agg_log2_label(1, b, sizeof(b));
	assert_string_equal(b, "[0]");
	st_agg_log2_label(2, b, sizeof(b));
	assert_string_equal(b, "[1]");
	st_agg_log2_label(3, b, sizeof(b));
	assert_string_equal(b, "[2, 4)");
	st_agg_log2_label(11, b, sizeof(b));     /* [2^9, 2^10) */
	assert_string_equal(b, "[512, 1K)");
	st_agg_log2_label(22, b, sizeof(b));     /* [2^20, 2^21) */
	assert_string_equal(b, "[1M, 2M)");
	st_agg_log2_label(65, b, sizeof(b));     /* [2^63, 2^64) */
	assert_string_equal(b, "[8E, 16E)");
	st_agg_num_label(2048, b, sizeof(b));
	assert_string_equal(b, "2K");
	st_agg_num_label(1000, b, sizeof(b));
	assert_string_equal(b, "1000");
	st_agg_num_label(0, b, sizeof(b));
	assert_string_equal(b, "0");
}

/* 1..1000 into a log2 histogram: each printed count equals a count made here. */
static void test_hist_1_to_1000(void **state)
{
	struct st_agg_spec s = { .kind = ST_AGG_HIST, .name = "h" };
	struct st_agg *a = st_agg_new(&s);
	struct st_agg_key k = { 0 };
	char *out, want[64];
	long long v, lo;

	(void)state;
	for (v = 1; v <= 1000; v++)
		assert_int_equal(st_agg_add(a, &k, v, 1), 0);
	out = render(a, 0, 0);
	assert_non_null(strstr(out, "@h: \n[1]                    1 |"));
	for (lo = 2; lo < 1024; lo *= 2) {
		long long n = 0, hi = lo * 2;

		for (v = 1; v <= 1000; v++)
			n += v >= lo && v < hi;
		snprintf(want, sizeof(want), "%8lld |", n);
		char label[32];
		snprintf(label, sizeof(label), hi == 1024 ? "[%lld, 1K)" : "[%lld, %lld)", lo, hi);
		char *line = strstr(out, label);
		assert_non_null(line);
		assert_memory_equal(line + 16, want, strlen(want));
	}
	/* the largest bucket gets the full 52-character bar */
	assert_non_null(strstr(out, "489 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|"));
	free(out);
	st_agg_free(a);
}

static void test_lhist_edges(void **state)
{
	struct st_agg_spec s = { .kind = ST_AGG_LHIST, .name = "l", .lmin = 0, .lmax = 100,
				 .lstep = 10 };
	struct st_agg *a = st_agg_new(&s);
	struct st_agg_key k = { 0 };
	char *out;

	(void)state;
	st_agg_add(a, &k, -1, 1);
	st_agg_add(a, &k, 0, 2);
	st_agg_add(a, &k, 9, 1);
	st_agg_add(a, &k, 10, 1);
	st_agg_add(a, &k, 100, 4);
	out = render(a, 0, 0);
	assert_non_null(strstr(out, "(..., 0)               1 |"));
	assert_non_null(strstr(out, "[0, 10)                3 |"));
	assert_non_null(strstr(out, "[10, 20)               1 |"));
	assert_non_null(strstr(out, "[100, ...)             4 |"));
	free(out);
	s.lmax = 0;
	assert_null(st_agg_new(&s));
	st_agg_free(a);
}

static void test_keys_sort_top_clear(void **state)
{
	struct st_agg_spec s = { .kind = ST_AGG_COUNT, .name = "c" };
	struct st_agg *a = st_agg_new(&s);
	struct st_agg_key k = { 0 };
	char *out, name[16];
	int i;

	(void)state;
	/* 3000 keys force the table to grow; key i is counted i % 7 + 1 times, k42 50 */
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		st_agg_key_reset(&k);
		st_agg_key_str(&k, name);
		st_agg_key_num(&k, i);
		assert_int_equal(st_agg_add(a, &k, 0, i == 42 ? 50 : (unsigned long long)(i % 7 + 1)), 0);
	}
	assert_int_equal(st_agg_nkeys(a), 3000);
	st_agg_key_reset(&k);
	st_agg_key_str(&k, "big");
	st_agg_key_num(&k, -3);
	st_agg_add(a, &k, 0, 100000);
	out = render(a, 0, 2);
	/* ascending, the largest last; only two lines */
	assert_string_equal(out, "@c[k42, 42]: 50\n@c[big, -3]: 100000\n\n");
	free(out);
	st_agg_clear(a);
	assert_int_equal(st_agg_nkeys(a), 0);
	out = render(a, 0, 0);
	assert_string_equal(out, "");
	free(out);
	st_agg_key_free(&k);
	st_agg_free(a);
}

static void test_sum_min_max_avg(void **state)
{
	enum st_agg_kind kinds[] = { ST_AGG_SUM, ST_AGG_MIN, ST_AGG_MAX, ST_AGG_AVG };
	const char *want[] = { "@x: -5\n\n", "@x: -10\n\n", "@x: 7\n\n", "@x: -1\n\n" };
	struct st_agg_key k = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		struct st_agg_spec s = { .kind = kinds[i], .name = "x" };
		struct st_agg *a = st_agg_new(&s);
		char *out;

		st_agg_add(a, &k, 7, 1);
		st_agg_add(a, &k, -10, 1);
		st_agg_add(a, &k, -2, 1);
		st_agg_add(a, &k, 0, 1);
		out = render(a, 0, 0);
		assert_string_equal(out, want[i]);   /* -5 / 4 truncates to -1 as in C */
		free(out);
		st_agg_free(a);
	}
}

static void test_json(void **state)
{
	struct st_agg_spec s = { .kind = ST_AGG_HIST, .name = "h\"q" };
	struct st_agg *a = st_agg_new(&s);
	struct st_agg_key k = { 0 };
	char *out;

	(void)state;
	st_agg_key_str(&k, "a\"b");
	st_agg_add(a, &k, 5, 2);
	st_agg_add(a, &k, -1, 1);
	out = render(a, 1, 0);
	assert_string_equal(out, "{\"name\":\"h\\\"q\",\"type\":\"hist\",\"data\":[{\"key\":"
			    "[\"a\\\"b\"],\"buckets\":[{\"min\":null,\"max\":-1,\"count\":1},"
			    "{\"min\":4,\"max\":7,\"count\":2}]}]}");
	free(out);
	st_agg_key_free(&k);
	st_agg_free(a);
}

static void test_folded_merge(void **state)
{
	struct st_agg_spec s = { .kind = ST_AGG_COUNT, .name = "c" };
	struct st_agg *a = st_agg_new(&s);
	struct st_agg_key k = { 0 };
	unsigned long long s1[] = { 0x30, 0x20, 0x10 }, s2[] = { 0x31, 0x20, 0x10 };
	char *out;

	(void)state;
	/* without a symbolizer frames print as addresses; two stacks, one comm */
	st_agg_key_str(&k, "my prog");
	st_agg_key_stack(&k, s1, 3);
	st_agg_add(a, &k, 0, 3);
	st_agg_key_reset(&k);
	st_agg_key_str(&k, "my prog");
	st_agg_key_stack(&k, s2, 3);
	st_agg_add(a, &k, 0, 4);
	out = render(a, 2, 0);
	/* root first, spaces in names kept out of the format */
	assert_string_equal(out, "my_prog;0x10;0x20;0x30 3\nmy_prog;0x10;0x20;0x31 4\n");
	free(out);
	st_agg_key_free(&k);
	st_agg_free(a);
}

/* A key of a kernel and a user stack decodes back to what was put in: tags, the pid of
 * the user stack, every frame, and sizes 1 + 4 + 8n ('k') and 1 + 4 + 4 + 8n ('u'). */
static void test_key_stacks_roundtrip(void **state)
{
	unsigned long long ks[] = { 0xffffffff81000010ull, 0xffffffff81000020ull },
			   us[] = { 0x401000, 0x402000, 0x7f0000001234ull };
	struct st_agg_key k = { 0 };
	struct st_agg_part pt;
	size_t n, off = 0;
	int i;

	(void)state;
	assert_int_equal(st_agg_key_stack(&k, ks, 2), 0);
	assert_int_equal(st_agg_key_ustack(&k, 4242, us, 3), 0);
	assert_int_equal(st_agg_key_stack(&k, NULL, 0), 0);
	assert_int_equal(k.len, (1 + 4 + 16) + (1 + 4 + 4 + 24) + (1 + 4));
	n = st_agg_key_next(k.buf, k.len, &pt);
	assert_int_equal(n, 1 + 4 + 16);
	assert_int_equal(pt.tag, 'k');
	assert_int_equal(pt.npc, 2);
	for (i = 0; i < 2; i++)
		assert_true(st_agg_part_pc(&pt, i) == ks[i]);
	off += n;
	n = st_agg_key_next(k.buf + off, k.len - off, &pt);
	assert_int_equal(n, 1 + 4 + 4 + 24);
	assert_int_equal(pt.tag, 'u');
	assert_int_equal(pt.pid, 4242);
	assert_int_equal(pt.npc, 3);
	for (i = 0; i < 3; i++)
		assert_true(st_agg_part_pc(&pt, i) == us[i]);
	off += n;
	n = st_agg_key_next(k.buf + off, k.len - off, &pt);
	assert_int_equal(n, 1 + 4);
	assert_int_equal(pt.npc, 0);
	assert_int_equal(off + n, k.len);
	st_agg_key_free(&k);
}

static void test_flame_svg(void **state)
{
	struct st_folded v[] = { { "a;b;c", 3 }, { "a;b", 1 }, { "a;x<y", 2 } };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(st_flame_svg(f, v, 3, NULL), 0);
	fclose(f);
	/* frame a spans all 6, b 4 (3 + its own 1), names escaped */
	assert_non_null(strstr(buf, "<title>a (6 samples, 100.00%)</title>"));
	assert_non_null(strstr(buf, "<title>b (4 samples, 66.67%)</title>"));
	assert_non_null(strstr(buf, "<title>x&lt;y (2 samples, 33.33%)</title>"));
	assert_null(strstr(buf, "x<y"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log2_index_bounds),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_key_stacks_roundtrip),
		cmocka_unit_test(test_hist_1_to_1000),
		cmocka_unit_test(test_lhist_edges),
		cmocka_unit_test(test_keys_sort_top_clear),
		cmocka_unit_test(test_sum_min_max_avg),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_folded_merge),
		cmocka_unit_test(test_flame_svg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
