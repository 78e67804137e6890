// SPDX-License-Identifier: MIT
/* The reader's pid -> comm table (read/comm.c) over a written saved_cmdlines: a full one
 * (the kernel's 6552 lines after a busy while) resolves every task in it, a live task is
 * named from /proc, an unrecorded one is "<...>". The pids in the file are above the
 * kernel's pid limit (4194304), so no live task can shadow them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "read/read_int.h"

#define NLINES 6552
#define PID0 5000000

static char root[] = "/tmp/comm_test_XXXXXX";

static int setup(void **state)
{
	char path[128];
	FILE *f;

	(void)state;
	if (!mkdtemp(root))
		return -1;
	snprintf(path, sizeof(path), "%s/saved_cmdlines", root);
	f = fopen(path, "w");
	if (!f)
		return -1;
	/* The kernel lists its slots in ring order, not by pid: so does this file. */
	for (int i = 0; i < NLINES; i++) {
		int k = (i * 2749) % NLINES;   /* 2749 is prime to 6552: a permutation */
		fprintf(f, "%d t%d\n", PID0 + 7 * k, k);
	}
	return fclose(f);
}

static int teardown(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/saved_cmdlines", root);
	unlink(path);
	rmdir(root);
	return 0;
}

static void test_full_file(void **state)
{
	struct st_comms *c = st_comms_new(root);
	char want[16];
	int bad = 0;

	(void)state;
	assert_non_null(c);
	for (int k = 0; k < NLINES; k++) {
		snprintf(want, sizeof(want), "t%d", k);
		if (strcmp(st_comms_get(c, PID0 + 7 * k), want))
			bad++;
	}
	assert_int_equal(bad, 0);
	/* Asked again in a new round: the same names (from the table or the file again). */
	st_comms_new_round(c);
	for (int k = NLINES - 1; k >= 0; k -= 13) {
		snprintf(want, sizeof(want), "t%d", k);
		assert_string_equal(st_comms_get(c, PID0 + 7 * k), want);
	}
	st_comms_free(c);
}

static void test_live_unknown_idle(void **state)
{
	struct st_comms *c = st_comms_new(root);
	char self[32] = "";
	FILE *f = fopen("/proc/self/comm", "r");

	(void)state;
	assert_non_null(c);
	assert_non_null(f);
	assert_non_null(fgets(self, sizeof(self), f));
	fclose(f);
	self[strcspn(self, "\n")] = '\0';
	assert_string_equal(st_comms_get(c, getpid()), self);
	assert_string_equal(st_comms_get(c, PID0 + 1), "<...>");    /* not in the file */
	assert_string_equal(st_comms_get(c, 0), "<idle>");
	st_comms_set(c, PID0 + 2, "renamed");
	assert_string_equal(st_comms_get(c, PID0 + 2), "renamed");
	st_comms_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_live_unknown_idle),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
