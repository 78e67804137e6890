// SPDX-License-Identifier: MIT
/* The BTF name index (st_btf_names) against libbpf's btf__find_by_name_kind, the oracle:
 * a made-up BTF with duplicate names and a split BTF, then a sample of the running
 * kernel's vmlinux BTF (skipped without /sys/kernel/btf/vmlinux). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include "types/types.h"

/* Warm the index past its scan phase, so the lookups after this use the hash. */
static void warm(struct st_btf_names *ix)
{
	int i;

	for (i = 0; i < 16; i++)
		st_btf_names_find(ix, "no such name", BTF_KIND_STRUCT);
}

static void test_made_up(void **state)
{
	struct btf *base = btf__new_empty(), *split;
	struct st_btf_names *ix, *six;
	int a, b, s1, s2, t1, m;

	(void)state;
	assert_non_null(base);
	a = btf__add_int(base, "int", 4, BTF_INT_SIGNED);
	s1 = btf__add_struct(base, "dup", 4);
	t1 = btf__add_typedef(base, "dup", a);
	s2 = btf__add_struct(base, "dup", 8);
	b = btf__add_func_proto(base, a);
	assert_true(a > 0 && s1 > 0 && t1 > 0 && s2 > 0 && b > 0);
	ix = st_btf_names_new(base);
	warm(ix);
	/* the lowest id of that name and kind, as libbpf answers */
	assert_int_equal(st_btf_names_find(ix, "dup", BTF_KIND_STRUCT), s1);
	assert_int_equal(st_btf_names_find(ix, "dup", BTF_KIND_STRUCT),
			 btf__find_by_name_kind(base, "dup", BTF_KIND_STRUCT));
	assert_int_equal(st_btf_names_find(ix, "dup", BTF_KIND_TYPEDEF), t1);
	assert_int_equal(st_btf_names_find(ix, "dup", BTF_KIND_UNION), -ENOENT);
	assert_int_equal(st_btf_names_find(ix, "int", BTF_KIND_INT), a);
	assert_int_equal(st_btf_names_find(ix, "void", BTF_KIND_UNKN), 0);
	assert_int_equal(st_btf_names_find(ix, "", BTF_KIND_FUNC_PROTO), -ENOENT);

	/* a split BTF: its own types (the base is asked first by the callers) */
	split = btf__new_empty_split(base);
	assert_non_null(split);
	m = btf__add_struct(split, "modonly", 16);
	assert_true(m > s2);
	six = st_btf_names_new(split);
	/* scan phase (before the index): the same answers, the base not walked */
	assert_int_equal(st_btf_names_find(six, "modonly", BTF_KIND_STRUCT), m);
	assert_int_equal(st_btf_names_find(six, "dup", BTF_KIND_STRUCT), -ENOENT);
	assert_int_equal(st_btf_names_find(six, "void", BTF_KIND_UNKN), 0);
	warm(six);
	assert_int_equal(st_btf_names_find(six, "modonly", BTF_KIND_STRUCT), m);
	assert_int_equal(st_btf_names_find(six, "modonly", BTF_KIND_STRUCT),
			 btf__find_by_name_kind(split, "modonly", BTF_KIND_STRUCT));
	assert_int_equal(st_btf_names_find(six, "dup", BTF_KIND_STRUCT), -ENOENT);
	st_btf_names_free(six);
	btf__free(split);
	st_btf_names_free(ix);
	btf__free(base);
}

/* Every 199th named type of vmlinux, and each name under a kind it does not have. */
static void test_vmlinux(void **state)
{
	struct btf *btf;
	struct st_btf_names *ix;
	__u32 n, id, checked = 0;

	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		skip();
		return;
	}
	btf = btf__parse_raw("/sys/kernel/btf/vmlinux");
	assert_non_null(btf);
	ix = st_btf_names_new(btf);
	warm(ix);
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id += 199) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);
		int kind = btf_kind(t), other = kind == BTF_KIND_FUNC ? BTF_KIND_VAR : BTF_KIND_FUNC;

		if (!t->name_off)
			continue;
		assert_int_equal(st_btf_names_find(ix, name, kind),
				 btf__find_by_name_kind(btf, name, kind));
		assert_int_equal(st_btf_names_find(ix, name, other),
				 btf__find_by_name_kind(btf, name, other));
		checked++;
	}
	assert_true(checked > 100);
	assert_int_equal(st_btf_names_find(ix, "surely_not_a_kernel_function", BTF_KIND_FUNC),
			 -ENOENT);
	st_btf_names_free(ix);
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_made_up),
		cmocka_unit_test(test_vmlinux),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
