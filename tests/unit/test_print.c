// SPDX-License-Identifier: MIT
/* The library's print callback (surftrace_set_print) and the lost-events line: messages
 * reach the callback with their level, NULL silences, the default is restored by handing
 * the previous callback back; the advice after the counts is the caller's words. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "surftrace.h"
#include "util/msg.h"
#include "output/output.h"

static char got[512];
static int got_level = -1, calls;

static int capture(enum surftrace_print_level level, const char *fmt, va_list ap)
{
	calls++;
	got_level = (int)level;
	return vsnprintf(got, sizeof(got), fmt, ap);
}

static void test_callback_gets_messages(void **state)
{
	surftrace_print_fn_t old;

	(void)state;
	old = surftrace_set_print(capture);
	assert_non_null(old);   /* the default (stderr) */
	calls = 0;
	st_print(SURFTRACE_INFO, "x=%d %s\n", 42, "y");
	assert_int_equal(calls, 1);
	assert_int_equal(got_level, SURFTRACE_INFO);
	assert_string_equal(got, "x=42 y\n");
	assert_ptr_equal(surftrace_set_print(NULL), capture);
	st_print(SURFTRACE_WARN, "silent\n");
	assert_int_equal(calls, 1);
	assert_null(surftrace_set_print(old));
}

static void test_lost_line_and_advice(void **state)
{
	const int cpus[] = { 0, 1, 3 };
	const unsigned long long lost[] = { 5, 0, 7 };
	const unsigned long long none[] = { 0, 0, 0 };
	surftrace_print_fn_t old;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	old = surftrace_set_print(capture);
	calls = 0;
	surftrace_set_lost_advice(NULL);
	assert_int_equal(st_output_lost_counts_summary(NULL, cpus, lost, 3), 12);
	assert_int_equal(calls, 1);
	assert_int_equal(got_level, SURFTRACE_WARN);
	assert_string_equal(got, "surftrace: lost 12 events (cpu0: 5, cpu3: 7)\n");
	assert_int_equal(st_output_lost_counts_summary(NULL, cpus, none, 3), 0);
	assert_int_equal(calls, 1);   /* nothing lost, nothing said */

	surftrace_set_lost_advice("enlarge the buffer with --buffer-kb");
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(st_output_lost_counts_summary(f, cpus, lost, 3), 12);
	fclose(f);
	assert_string_equal(buf, "surftrace: lost 12 events (cpu0: 5, cpu3: 7); enlarge the "
			    "buffer with --buffer-kb\n");
	assert_int_equal(calls, 1);   /* a stream given: not the callback */
	free(buf);
	surftrace_set_lost_advice(NULL);
	surftrace_set_print(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callback_gets_messages),
		cmocka_unit_test(test_lost_line_and_advice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
