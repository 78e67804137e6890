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

static void put_file(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/events/sys/ev/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collect_and_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
