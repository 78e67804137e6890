// SPDX-License-Identifier: MIT
/* The name -> module index (types/kmodidx.h) over made-up modules: split BTF files over a
 * made-up base in a kmod/ directory, the index written from them, and each name found in
 * exactly the modules that define it as that kind (names that are prefixes of others,
 * one name in two modules and as two kinds); the header's coverage and sizes; freshness
 * after a module is added or changed; files of another version or cut short refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include "types/kmodidx.h"
#include "test_btf_file.h"

static char dir[64], kdir[128], idx[128];
static struct btf *base;
static int base_int, base_proto;

/* A module's split BTF over base: functions fns, a struct, a typedef (NULL: none). */
static void mk_module(const char *name, const char *const *fns, const char *st,
		      const char *td)
{
	struct btf *m = btf__new_empty_split(base);

	assert_non_null(m);
	for (; fns && *fns; fns++)
		assert_true(btf__add_func(m, *fns, BTF_FUNC_GLOBAL, base_proto) > 0);
	if (st)
		assert_true(btf__add_struct(m, st, 4) > 0 &&
			    !btf__add_field(m, "v", base_int, 0, 0));
	if (td)
		assert_true(btf__add_typedef(m, td, base_int) > 0);
	write_btf_file(m, kdir, name);
	btf__free(m);
}

struct got {
	char s[256];
};

static bool collect(void *ctx, const char *module)
{
	struct got *g = ctx;

	strcat(g->s, module);
	strcat(g->s, " ");
	return true;
}

static const char *find(const struct st_kmodidx *x, const char *name, int kind)
{
	static struct got g;

	g.s[0] = '\0';
	st_kmodidx_find(x, name, kind, collect, &g);
	return g.s;
}

static bool first_only(void *ctx, const char *module)
{
	collect(ctx, module);
	return false;
}

static int setup(void **state)
{
	static const char *const aa[] = { "x", "x_y", "xa", NULL };
	static const char *const ab[] = { "x", "w_", NULL };
	static const char *const b[] = { "w", NULL };

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/st_kmodidx.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(kdir, sizeof(kdir), "%s/kmod", dir);
	snprintf(idx, sizeof(idx), "%s/idx/entry", dir);
	assert_int_equal(mkdir(kdir, 0755), 0);
	base = btf__new_empty();
	assert_non_null(base);
	base_int = btf__add_int(base, "int", 4, BTF_INT_SIGNED);
	base_proto = btf__add_func_proto(base, base_int);
	assert_true(base_int > 0 && base_proto > 0);
	mk_module("aa", aa, "x", NULL);
	mk_module("ab", ab, NULL, "t");
	mk_module("b", b, "w", NULL);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	btf__free(base);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) ? -1 : 0;
}

static void test_written_and_found(void **state)
{
	struct st_err err = { 0 };
	struct st_kmodidx *x;
	struct got g = { "" };
	long long size;
	struct stat st;
	char p[256];

	(void)state;
	assert_int_equal(st_kmodidx_write(idx, kdir, base, &err), 0);
	x = st_kmodidx_open(idx);
	assert_non_null(x);
	assert_string_equal(find(x, "x", BTF_KIND_FUNC), "aa ab ");
	assert_string_equal(find(x, "x", BTF_KIND_STRUCT), "aa ");
	assert_string_equal(find(x, "x_y", BTF_KIND_FUNC), "aa ");
	assert_string_equal(find(x, "xa", BTF_KIND_FUNC), "aa ");
	assert_string_equal(find(x, "w", BTF_KIND_FUNC), "b ");
	assert_string_equal(find(x, "w", BTF_KIND_STRUCT), "b ");
	assert_string_equal(find(x, "w_", BTF_KIND_FUNC), "ab ");
	assert_string_equal(find(x, "t", BTF_KIND_TYPEDEF), "ab ");
	/* the base's names are not the modules' */
	assert_string_equal(find(x, "int", BTF_KIND_INT), "");
	assert_string_equal(find(x, "x", BTF_KIND_UNION), "");
	assert_string_equal(find(x, "", BTF_KIND_FUNC), "");
	assert_string_equal(find(x, "a", BTF_KIND_FUNC), "");
	assert_string_equal(find(x, "zz", BTF_KIND_FUNC), "");
	assert_int_equal(st_kmodidx_find(x, "x", BTF_KIND_FUNC, first_only, &g), 1);
	assert_string_equal(g.s, "aa ");
	assert_true(st_kmodidx_covers(x, "ab", &size));
	snprintf(p, sizeof(p), "%s/ab", kdir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(size, st.st_size);
	assert_false(st_kmodidx_covers(x, "a", NULL));
	assert_false(st_kmodidx_covers(x, "c", NULL));
	st_kmodidx_free(x);
	assert_true(st_kmodidx_fresh(idx, kdir));
}

static void test_stale(void **state)
{
	static const char *const c[] = { "c_fn", NULL };
	static const char *const b2[] = { "w", "w2", NULL };
	struct st_err err = { 0 };

	(void)state;
	assert_int_equal(st_kmodidx_write(idx, kdir, base, &err), 0);
	mk_module("c", c, NULL, NULL);
	assert_false(st_kmodidx_fresh(idx, kdir));     /* a module it does not cover */
	assert_int_equal(st_kmodidx_write(idx, kdir, base, &err), 0);
	assert_true(st_kmodidx_fresh(idx, kdir));
	mk_module("b", b2, "w", NULL);                  /* b replaced by a bigger one */
	assert_false(st_kmodidx_fresh(idx, kdir));
	assert_int_equal(st_kmodidx_write(idx, kdir, base, &err), 0);
	assert_true(st_kmodidx_fresh(idx, kdir));
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_refused(void **state)
{
	char p[256];
	struct st_kmodidx *x;

	(void)state;
	snprintf(p, sizeof(p), "%s/bad", dir);
	assert_null(st_kmodidx_open(p));                 /* absent */
	write_file(p, "surftrace-kmodidx 2\nm a 1\n\nx\tf\ta\n");
	assert_null(st_kmodidx_open(p));                 /* another version */
	write_file(p, "surftrace-kmodidx 1\nm a 1\nm b 2\n");
	assert_null(st_kmodidx_open(p));                 /* cut before the names */
	write_file(p, "surftrace-kmodidx 1\nq a 1\n\n");
	assert_null(st_kmodidx_open(p));                 /* not a module line */
	write_file(p, "surftrace-kmodidx 1\nm a 1\n\n");
	x = st_kmodidx_open(p);                          /* no names: valid */
	assert_non_null(x);
	assert_string_equal(find(x, "x", BTF_KIND_FUNC), "");
	assert_true(st_kmodidx_covers(x, "a", NULL));
	st_kmodidx_free(x);
	write_file(p, "surftrace-kmodidx 1\n\nx\tf\ta");   /* last line without newline */
	x = st_kmodidx_open(p);
	assert_non_null(x);
	assert_string_equal(find(x, "x", BTF_KIND_FUNC), "a ");
	st_kmodidx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_written_and_found),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("kmodidx", tests, setup, teardown);
}
