/* Traceable-function lookup on a fixed list in available_filter_functions format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "types/ksyms.h"

static char path[64];

static int setup(void **state)
{
	static const char list[] =
		"do_filp_open\n"
		"tcp_sendmsg\n"
		"bar.isra.0\n"
		"baz.constprop.0.isra.0\n"
		"qux [mymod]\n"
		"cold_fn.cold\n"
		"twice.part.0\n"
		"twice.part.1\n"
		"bar_other\n";
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/ksyms_test_XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, list, sizeof(list) - 1) != (ssize_t)(sizeof(list) - 1))
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void test_resolve(void **state)
{
	struct st_err err;
	struct st_ksyms *k = st_ksyms_load(path, &err);
	const struct st_ksym *s;
	int amb;
	char buf[64];

	(void)state;
	assert_non_null(k);
	assert_int_equal(st_ksyms_count(k), 9);
	s = st_ksyms_resolve(k, "do_filp_open", &amb);
	assert_non_null(s);
	assert_string_equal(s->name, "do_filp_open");
	assert_null(s->module);
	s = st_ksyms_resolve(k, "bar", &amb);
	assert_non_null(s);
	assert_string_equal(s->name, "bar.isra.0");       /* not bar_other */
	s = st_ksyms_resolve(k, "baz", &amb);
	assert_string_equal(s->name, "baz.constprop.0.isra.0");
	s = st_ksyms_resolve(k, "cold_fn", &amb);
	assert_string_equal(s->name, "cold_fn.cold");
	s = st_ksyms_resolve(k, "qux", &amb);
	assert_string_equal(s->module, "mymod");
	s = st_ksyms_resolve(k, "twice", &amb);
	assert_non_null(s);
	assert_int_equal(amb, 1);
	assert_null(st_ksyms_resolve(k, "ba", &amb));
	assert_null(st_ksyms_resolve(k, "nothing", &amb));
	assert_string_equal(st_ksyms_suggest(k, "do_filp_opn"), "do_filp_open");
	assert_string_equal(st_ksyms_suggest(k, "tcp_sndmsg"), "tcp_sendmsg");
	assert_null(st_ksyms_suggest(k, "completely_different"));
	assert_string_equal(st_ksym_base("foo.isra.0", buf, sizeof(buf)), "foo");
	assert_string_equal(st_ksym_base("foo.bar", buf, sizeof(buf)), "foo.bar");
	st_ksyms_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_resolve) };

	return cmocka_run_group_tests(tests, setup, teardown);
}
