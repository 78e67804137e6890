// SPDX-License-Identifier: MIT
/* Glob matcher of the discovery listings, against fnmatch(3) (the POSIX oracle) on the
 * patterns people type, plus the declarator split used for pahole-style columns. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "discover/declfmt.h"
#include "discover/glob.h"

static const char *const pats[] = {
	"*", "vfs_*", "*_read", "*read*", "tcp_*_rcv", "do_sys_open?", "vfs_[rw]*",
	"vfs_[!r]*", "[a-c]*", "a*b*c", "**x", "x", "", "?", "*.isra.*", "[]]x", "[!]]x",
	"a\\*b", "\\?", "[a-]x", "tcp_v[46]_*", "*[0-9]", "[", "ab[", "a[b",
};
static const char *const names[] = {
	"vfs_read", "vfs_write", "vfs_readv", "do_sys_open", "do_sys_openat2", "tcp_v4_rcv",
	"tcp_v6_do_rcv", "a", "abc", "aXbYc", "ab", "x", "xx", "", "foo.isra.0", "]x", "-x",
	"a*b", "axb", "?", "[", "ab[", "a[b", "tcp_v4_connect", "func7", "b",
};

static void test_glob_matches_fnmatch(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++)
		for (j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
			int want = fnmatch(pats[i], names[j], 0) == 0;
			int got = st_glob_match(pats[i], names[j]);
			struct st_glob *g = st_glob_new(pats[i]);
			int got2 = st_glob_test(g, names[j]);

			st_glob_free(g);
			if (want != got || want != got2)
				fail_msg("pattern '%s' name '%s': fnmatch %d, ours %d, prepared %d",
					 pats[i], names[j], want, got, got2);
		}
}

static void test_glob_meta(void **state)
{
	(void)state;
	assert_false(st_glob_has_meta("do_filp_open"));
	assert_true(st_glob_has_meta("do_*"));
	assert_true(st_glob_has_meta("a?"));
	assert_true(st_glob_has_meta("[ab]"));
}

static void split(const char *decl, const char *name, const char *type, const char *rest)
{
	size_t start = 0, tl = st_decl_split(decl, name, &start);

	assert_true(tl != (size_t)-1);
	assert_int_equal(tl, strlen(type));
	assert_memory_equal(decl, type, tl);
	assert_string_equal(decl + start, rest);
}

static void test_decl_split(void **state)
{
	size_t start;

	(void)state;
	split("int counter", "counter", "int", "counter");
	split("struct task_struct *last_wakee", "last_wakee", "struct task_struct *", "last_wakee");
	split("struct thread_info thread_info", "thread_info", "struct thread_info", "thread_info");
	split("char comm[16]", "comm", "char", "comm[16]");
	split("void (*func)(struct callback_head *)", "func", "void",
	      "(*func)(struct callback_head *)");
	split("void (*func)(struct func *)", "func", "void", "(*func)(struct func *)");
	split("const struct file_operations *f_op", "f_op", "const struct file_operations *",
	      "f_op");
	assert_true(st_decl_split("int x", "y", &start) == (size_t)-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob_matches_fnmatch),
		cmocka_unit_test(test_glob_meta),
		cmocka_unit_test(test_decl_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
