// SPDX-License-Identifier: MIT
/* The kernel engine's reading of hist files (src/aggregate/khist.c), on a fake instance
 * directory holding what 6.1/6.12 write: an event format, the hist text of a trigger, the
 * trigger and enable files. The counts it adds are checked against the entries written
 * here, and a second reading adds only the difference (intervals). The live comparison
 * with the user-space engine runs in the lab (tests/lab/guest/40_answers.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "aggregate/khist.h"
#include "util/file.h"

static char dir[256];

static char *slurp_at(const char *root, const char *rel)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return st_slurp(path);
}

static void touch_at(const char *root, const char *rel, const char *text)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void put_file(const char *rel, const char *text)
{
	char path[300];

	snprintf(path, sizeof(path), "events/sys/ev/%s", rel);
	touch_at(dir, path, text);
}

static const char format[] =
	"name: ev\nID: 1\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:__data_loc char[] __comm;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:long n;\toffset:16;\tsize:8;\tsigned:1;\n";

static char *hist_text(unsigned long long a, unsigned long long b)
{
	char *t = NULL;
	size_t len;
	FILE *f = open_memstream(&t, &len);

	fprintf(f, "# event histogram\n#\n# trigger info: hist:keys=__comm,n:vals=hitcount"
		":sort=hitcount:size=16384 [active]\n#\n\n");
	fprintf(f, "{ __comm: %-50s, n:          5 } hitcount: %10llu\n", "lab_write", a);
	fprintf(f, "{ __comm: %-50s, n: %10llu } hitcount: %10llu\n", "my prog",
		(unsigned long long)-3LL, b);
	fprintf(f, "\nTotals:\n    Hits: %llu\n    Entries: 2\n    Dropped: 7\n", a + b);
	fclose(f);
	return t;
}

static void test_collect_and_diff(void **state)
{
	struct st_feed_spec fs = { .kind = ST_AGG_SUM, .keys = "comm", .field = "n" };
	struct st_err err = { 0 };
	struct st_feed *f = st_feed_new(&fs, &err);
	struct st_khist *k;
	char path[512], *txt, *out = NULL;
	size_t len;
	FILE *m;
	struct st_agg_print p = { 0 };

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/st_khist.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/events", dir);
	mkdir(path, 0755);
	strcat(path, "/sys");
	mkdir(path, 0755);
	strcat(path, "/ev");
	mkdir(path, 0755);
	put_file("format", format);
	put_file("trigger", "");
	put_file("enable", "1");
	txt = hist_text(4, 2);
	put_file("hist", txt);
	free(txt);

	k = st_khist_new(dir, &err);
	assert_non_null(k);
	assert_int_equal(st_khist_add(k, f, "sys", "ev", &err), 0);
	assert_int_equal(st_khist_start(k, &err), 0);
	snprintf(path, sizeof(path), "%s/events/sys/ev/trigger", dir);
	txt = st_slurp(path);
	assert_string_equal(txt, "hist:keys=__comm,n:vals=hitcount:size=16384");
	free(txt);
	assert_int_equal(st_khist_collect(k, &err), 0);
	assert_int_equal(st_khist_dropped(k), 7);

	m = open_memstream(&out, &len);
	p.f = m;
	assert_int_equal(st_agg_print_text(st_feed_agg(f), &p), 0);
	fclose(m);
	/* 4 x 5 for lab_write, 2 x -3 for "my prog" (a string key with a space) */
	assert_string_equal(out, "@sum_n[my prog]: -6\n@sum_n[lab_write]: 20\n\n");
	free(out);

	/* a second reading: only what came since is added */
	st_agg_clear(st_feed_agg(f));
	txt = hist_text(10, 2);
	put_file("hist", txt);
	free(txt);
	assert_int_equal(st_khist_collect(k, &err), 0);
	m = open_memstream(&out, &len);
	p.f = m;
	st_agg_print_text(st_feed_agg(f), &p);
	fclose(m);
	assert_string_equal(out, "@sum_n[lab_write]: 30\n\n");
	free(out);

	assert_int_equal(st_khist_stop(k, &err), 0);
	txt = st_slurp(path);
	assert_string_equal(txt, "hist:keys=__comm,n:vals=hitcount:size=16384"
			    "!hist:keys=__comm,n:vals=hitcount:size=16384");
	free(txt);
	st_khist_free(k);
	st_feed_free(f);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

/* --latency in the kernel: the synthetic event, the start/end triggers in that order, the
 * histogram of lat read into latency_ns, and everything undone in reverse. */
static void test_latency(void **state)
{
	struct st_feed_spec ls = { .kind = ST_AGG_HIST, .field = "lat", .name = "latency_ns" };
	struct st_err err = { 0 };
	struct st_feed *f = st_feed_new(&ls, &err);
	char root[64] = "/tmp/st_khist_lat.XXXXXX", inst[200], cmd[300], *t, *out = NULL;
	const char *dirs[] = { "instances", "instances/x", "instances/x/events",
			       "instances/x/events/g", "instances/x/events/g/p0",
			       "instances/x/events/g/r1", "instances/x/events/synthetic",
			       "instances/x/events/synthetic/x_lat" };
	struct st_agg_print p = { 0 };
	struct st_khist *k;
	size_t i, len;
	FILE *m;

	(void)state;
	assert_non_null(mkdtemp(root));
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(inst, sizeof(inst), "%s/%s", root, dirs[i]);
		assert_int_equal(mkdir(inst, 0755), 0);
	}
	touch_at(root, "synthetic_events", "");
	touch_at(root, "instances/x/events/g/p0/trigger", "");
	touch_at(root, "instances/x/events/g/r1/trigger", "");
	touch_at(root, "instances/x/events/g/p0/enable", "1");
	touch_at(root, "instances/x/events/g/r1/enable", "1");
	touch_at(root, "instances/x/events/synthetic/x_lat/trigger", "");
	touch_at(root, "instances/x/events/synthetic/x_lat/enable", "0");
	touch_at(root, "instances/x/events/synthetic/x_lat/format",
		 "format:\n\tfield:u64 lat;\toffset:8;\tsize:8;\tsigned:0;\n");
	touch_at(root, "instances/x/events/synthetic/x_lat/hist",
		 "{ lat:   20100000 } hitcount:          2\n{ lat:   40000000 } hitcount:          1\n");
	snprintf(inst, sizeof(inst), "%s/instances/x", root);
	k = st_khist_new(inst, &err);
	assert_int_equal(st_khist_latency(k, "g", "p0", "g", "r1", f, &err), 0);
	t = slurp_at(root, "synthetic_events");
	assert_string_equal(t, "x_lat u64 lat");
	free(t);
	assert_int_equal(st_khist_start(k, &err), 0);
	t = slurp_at(root, "instances/x/events/g/p0/trigger");
	assert_string_equal(t, "hist:keys=common_pid:st_ts0=common_timestamp");
	free(t);
	t = slurp_at(root, "instances/x/events/g/r1/trigger");
	assert_string_equal(t, "hist:keys=common_pid:st_lat=common_timestamp-$st_ts0:"
			    "onmatch(g.p0).trace(x_lat,$st_lat)");
	free(t);
	assert_int_equal(st_khist_collect(k, &err), 0);
	m = open_memstream(&out, &len);
	p.f = m;
	st_agg_print_text(st_feed_agg(f), &p);
	fclose(m);
	assert_non_null(strstr(out, "@latency_ns: \n[16M, 32M)             2 |"));
	assert_non_null(strstr(out, "[32M, 64M)             1 |"));
	free(out);
	assert_int_equal(st_khist_stop(k, &err), 0);
	t = slurp_at(root, "synthetic_events");
	assert_string_equal(t, "x_lat u64 lat!x_lat");
	free(t);
	t = slurp_at(root, "instances/x/events/g/r1/trigger");
	assert_non_null(strstr(t, "!hist:keys=common_pid:st_lat="));
	free(t);
	st_khist_free(k);
	st_feed_free(f);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collect_and_diff),
		cmocka_unit_test(test_latency),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
