// SPDX-License-Identifier: MIT
/* The one JSON string writer (src/util/json.c) and strict number options
 * (src/util/numarg.c). Expected strings are written out by hand from RFC 8259 and
 * RFC 3629 (UTF-8 well-formedness), not produced by the code under test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "util/json.h"
#include "util/numarg.h"

static char *esc(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	st_json_strn(f, s, n);
	fclose(f);
	return buf;
}

static void expect(const char *in, size_t n, const char *want)
{
	char *got = esc(in, n);

	assert_string_equal(got, want);
	free(got);
}

static void test_ascii_and_controls(void **state)
{
	(void)state;
	expect("plain", 5, "\"plain\"");
	expect("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	expect("\n\t\r\x01\x1f\x7f", 6, "\"\\n\\t\\r\\u0001\\u001f\\u007f\"");
	expect("", 0, "\"\"");
	expect("stop\0here", 9, "\"stop\"");          /* a NUL ends the string */
	expect("abcdef", 3, "\"abc\"");                /* at most n bytes */
}

static void test_utf8_passes(void **state)
{
	(void)state;
	expect("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");                    /* é, 2 bytes */
	expect("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");                  /* €, 3 bytes */
	expect("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");          /* 😀, 4 bytes */
	expect("\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\"");          /* U+10FFFF */
}

static void test_invalid_bytes_escaped_alone(void **state)
{
	(void)state;
	expect("\xff", 1, "\"\\u00ff\"");
	expect("a\xe9z", 3, "\"a\\u00e9z\"");                  /* Latin-1 é: invalid UTF-8 */
	expect("\xc3", 1, "\"\\u00c3\"");                      /* truncated sequence */
	expect("\xc3" "A", 2, "\"\\u00c3A\"");                 /* lead without continuation */
	expect("\xc0\xaf", 2, "\"\\u00c0\\u00af\"");           /* overlong '/' */
	expect("\xe0\x80\xaf", 3, "\"\\u00e0\\u0080\\u00af\"");  /* overlong, 3 bytes */
	expect("\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"");  /* surrogate U+D800 */
	expect("\xf4\x90\x80\x80", 4, "\"\\u00f4\\u0090\\u0080\\u0080\"");  /* > U+10FFFF */
	expect("\x80", 1, "\"\\u0080\"");                      /* lone continuation */
	expect("caf\xc3\xa9\xff", 6, "\"caf\xc3\xa9\\u00ff\"");
	/* n cuts a valid sequence: the cut bytes are invalid on their own */
	expect("\xc3\xa9", 1, "\"\\u00c3\"");
}

static void test_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(st_utf8_len((const unsigned char *)"A", 1), 1);
	assert_int_equal(st_utf8_len((const unsigned char *)"\xc3\xa9", 2), 2);
	assert_int_equal(st_utf8_len((const unsigned char *)"\xef\xbf\xbd", 3), 3);
	assert_int_equal(st_utf8_len((const unsigned char *)"\xf0\x90\x80\x80", 4), 4);
	assert_int_equal(st_utf8_len((const unsigned char *)"\xf0\x90\x80", 3), 0);
	assert_int_equal(st_utf8_len((const unsigned char *)"\xf8\x88\x80\x80\x80", 5), 0);
}

static void test_numarg_seconds(void **state)
{
	static const char *bad[] = { "nan", "NAN", "inf", "-inf", "infinity", "1e300", "1e999",
				     "-1", "0", "0.0", "", " 1", "1 ", "1s", "0x10", "+1", "--1",
				     "1e-999", "." };
	double v;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (st_numarg_seconds(bad[i], 366.0 * 86400, &v, &why) == 0)
			fail_msg("'%s' accepted as %g", bad[i], v);
		assert_non_null(why);
	}
	assert_int_equal(st_numarg_seconds("2", 10, &v, NULL), 0);
	assert_true(v == 2.0);
	assert_int_equal(st_numarg_seconds("0.25", 10, &v, NULL), 0);
	assert_true(v == 0.25);
	assert_int_equal(st_numarg_seconds("1e1", 10, &v, NULL), 0);
	assert_int_equal(st_numarg_seconds("11", 10, &v, NULL), -1);
}

static void test_numarg_ulong_and_lists(void **state)
{
	unsigned long v, *l;
	size_t n;
	const char *why;

	(void)state;
	assert_int_equal(st_numarg_ulong("42", 1, 100, &v, NULL), 0);
	assert_int_equal(v, 42);
	assert_int_equal(st_numarg_ulong("0", 1, 100, &v, &why), -1);
	assert_int_equal(st_numarg_ulong("101", 1, 100, &v, &why), -1);
	assert_string_equal(why, "too large");
	assert_int_equal(st_numarg_ulong("99999999999999999999999", 0, ~0UL >> 1, &v, &why), -1);
	assert_int_equal(st_numarg_ulong("-1", 0, 100, &v, &why), -1);
	assert_int_equal(st_numarg_ulong("1.0", 0, 100, &v, &why), -1);
	assert_int_equal(st_numarg_ulong("0x1", 0, 100, &v, &why), -1);

	assert_int_equal(st_numarg_list("0-2,5,1", 4095, 1, &l, &n, NULL), 0);
	assert_int_equal(n, 4);
	assert_int_equal(l[0], 0);
	assert_int_equal(l[2], 2);
	assert_int_equal(l[3], 5);
	free(l);
	assert_int_equal(st_numarg_list("12,34", 1000, 0, &l, &n, NULL), 0);
	assert_int_equal(n, 2);
	free(l);
	assert_int_equal(st_numarg_list("1-3", 1000, 0, &l, &n, &why), -1);   /* no ranges */
	assert_int_equal(st_numarg_list("3-1", 1000, 1, &l, &n, &why), -1);
	assert_int_equal(st_numarg_list("1,,2", 1000, 1, &l, &n, &why), -1);
	assert_int_equal(st_numarg_list("1,", 1000, 1, &l, &n, &why), -1);
	assert_int_equal(st_numarg_list("", 1000, 1, &l, &n, &why), -1);
	assert_int_equal(st_numarg_list("5000", 1000, 1, &l, &n, &why), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_and_controls),
		cmocka_unit_test(test_utf8_passes),
		cmocka_unit_test(test_invalid_bytes_escaped_alone),
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_numarg_seconds),
		cmocka_unit_test(test_numarg_ulong_and_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
