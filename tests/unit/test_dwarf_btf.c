// SPDX-License-Identifier: MIT
/* DWARF -> BTF converter against an independent oracle: pahole -J on the same object,
 * both dumped by bpftool and compared name by name (members, bit offsets, sizes, bitfield
 * sizes, enum values, prototypes with parameter names). Plus facts known from the fixture
 * source that pahole 1.24 does not express (nested array dimensions, linkage). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include <unistd.h>
#include "types/types.h"
#include "types/usym.h"
#include "test_dwarf_oracle.h"

static char fixdir[512];
static char tmpdir[] = "/tmp/st_dwarf_test.XXXXXX";

static const char *fixture(const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", fixdir, name);
	return buf;
}

/* Our BTF for `obj`, dumped through bpftool. */
static void ours_load(const char *obj, struct raw_btf *rb)
{
	struct st_err err = {0};
	struct btf *btf = st_dwarf_to_btf(obj, &err);
	char path[700];
	const void *raw;
	__u32 size;
	FILE *f;

	if (!btf)
		fail_msg("st_dwarf_to_btf(%s): %s", obj, err.msg);
	raw = btf__raw_data(btf, &size);
	snprintf(path, sizeof(path), "%s/ours.btf", tmpdir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(raw, 1, size, f), size);
	fclose(f);
	btf__free(btf);
	assert_int_equal(raw_btf_load(rb, path), 0);
}

/* pahole's BTF for a copy of `obj` (pahole -J writes a .BTF section into the file). */
static void oracle_load(const char *obj, struct raw_btf *rb)
{
	char cmd[2048], copy[700];

	snprintf(copy, sizeof(copy), "%s/oracle.obj", tmpdir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && pahole -J --btf_gen_floats '%s' >/dev/null 2>&1",
		 obj, copy, copy);
	if (system(cmd))
		fail_msg("pahole -J failed on %s", obj);
	assert_int_equal(raw_btf_load(rb, copy), 0);
}

/* Every named struct, union, enum, typedef and function pahole found must be in ours
 * with the same canonical description. Returns how many names were compared. */
static int compare_with_oracle_of(const char *obj, const char *oracle_obj)
{
	struct raw_btf ours, orc;
	int compared, bad;

	ours_load(obj, &ours);
	oracle_load(oracle_obj, &orc);
	bad = raw_compare(&orc, &ours, stderr, &compared);
	raw_btf_free(&ours);
	raw_btf_free(&orc);
	assert_int_equal(bad, 0);
	return compared;
}

static int compare_with_oracle(const char *obj)
{
	return compare_with_oracle_of(obj, obj);
}

static void test_gcc_object(void **state)
{
	char p[700];

	(void)state;
	/* 6 structs/unions + 3 enums + 3 typedefs + 4 functions + fwd at least. */
	assert_true(compare_with_oracle(fixture("types_gcc.o", p, sizeof(p))) >= 16);
}

static void test_clang_object(void **state)
{
	char p[700];

	(void)state;
	assert_true(compare_with_oracle(fixture("types_clang.o", p, sizeof(p))) >= 16);
}

static void test_dwarf2_object(void **state)
{
	char p[700];

	(void)state;
	assert_true(compare_with_oracle(fixture("types_dwarf2.o", p, sizeof(p))) >= 16);
}

/* pahole 1.24 fails on type units (its dedup step), so the oracle is pahole on the same
 * source built by the same gcc without them. */
static void test_type_units(void **state)
{
	char p[700], q[700];

	(void)state;
	assert_true(compare_with_oracle_of(fixture("types_tu.so", p, sizeof(p)),
					   fixture("types_gcc.o", q, sizeof(q))) >= 16);
}

static void test_gcc_shared_object(void **state)
{
	char p[700];

	(void)state;
	assert_true(compare_with_oracle(fixture("types_gcc.so", p, sizeof(p))) >= 16);
}

static void test_pie_app(void **state)
{
	char p[700];

	(void)state;
	assert_true(compare_with_oracle(fixture("app", p, sizeof(p))) >= 3);
}

/* Facts from tests/fixtures/types_fixture.c itself. */
static void test_source_facts(void **state)
{
	struct st_err err = {0};
	char p[700];
	struct btf *btf = st_dwarf_to_btf(fixture("types_gcc.o", p, sizeof(p)), &err);
	const struct btf_type *t, *arr;
	const struct btf_member *m;
	const struct btf_param *prm;
	static const char *const names[] = { "a", "b", "c", "d", "e", "f", "g", "h" };
	int id, i;

	(void)state;
	assert_non_null(btf);
	/* int grid[2][3]: array of 2 arrays of 3 ints. */
	id = btf__find_by_name_kind(btf, "fx_arrays", BTF_KIND_STRUCT);
	assert_true(id > 0);
	t = btf__type_by_id(btf, id);
	m = btf_members(t) + 1;
	assert_string_equal(btf__name_by_offset(btf, m->name_off), "grid");
	arr = btf__type_by_id(btf, m->type);
	assert_int_equal(btf_kind(arr), BTF_KIND_ARRAY);
	assert_int_equal(btf_array(arr)->nelems, 2);
	arr = btf__type_by_id(btf, btf_array(arr)->type);
	assert_int_equal(btf_kind(arr), BTF_KIND_ARRAY);
	assert_int_equal(btf_array(arr)->nelems, 3);
	/* Flexible array: zero elements, last member. */
	m = btf_members(t) + 5;
	assert_string_equal(btf__name_by_offset(btf, m->name_off), "data");
	assert_int_equal(btf_array(btf__type_by_id(btf, m->type))->nelems, 0);
	/* Linkage: fx_static is static, fx_eight global with 8 named params. */
	id = btf__find_by_name_kind(btf, "fx_static", BTF_KIND_FUNC);
	assert_true(id > 0);
	assert_int_equal(btf_vlen(btf__type_by_id(btf, id)), BTF_FUNC_STATIC);
	id = btf__find_by_name_kind(btf, "fx_eight", BTF_KIND_FUNC);
	assert_true(id > 0);
	t = btf__type_by_id(btf, id);
	assert_int_equal(btf_vlen(t), BTF_FUNC_GLOBAL);
	t = btf__type_by_id(btf, t->type);
	assert_int_equal(btf_kind(t), BTF_KIND_FUNC_PROTO);
	assert_int_equal(btf_vlen(t), 8);
	prm = btf_params(t);
	for (i = 0; i < 8; i++)
		assert_string_equal(btf__name_by_offset(btf, prm[i].name_off), names[i]);
	/* float is a FLOAT, not an INT. */
	id = btf__find_by_name_kind(btf, "float", BTF_KIND_FLOAT);
	assert_true(id > 0);
	btf__free(btf);
}

/* What `surftrace btfgen` writes, `--btf FILE` (st_types_open) reads back, with the
 * prototypes the compiler needs for `P ./app:func a=%1->a`. */
static void test_raw_file_loads_as_btf_option(void **state)
{
	struct st_err err = {0};
	char p[700], out[700];
	struct btf *btf = st_dwarf_to_btf(fixture("app", p, sizeof(p)), &err);
	struct st_types *t;
	struct st_tref proto = {0};
	const char *mod = NULL;
	const struct btf_type *pt;
	const void *raw;
	__u32 size;
	FILE *f;

	(void)state;
	assert_non_null(btf);
	raw = btf__raw_data(btf, &size);
	snprintf(out, sizeof(out), "%s/app.btf", tmpdir);
	f = fopen(out, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(raw, 1, size, f), size);
	fclose(f);
	btf__free(btf);
	t = st_types_open(out, &err);
	assert_non_null(t);
	assert_int_equal(st_types_func(t, "app_work", &proto, &mod), 0);
	pt = btf__type_by_id(proto.btf, proto.id);
	assert_int_equal(btf_kind(pt), BTF_KIND_FUNC_PROTO);
	assert_int_equal(btf_vlen(pt), 2);
	assert_string_equal(btf__name_by_offset(proto.btf, btf_params(pt)[0].name_off), "r");
	assert_string_equal(btf__name_by_offset(proto.btf, btf_params(pt)[1].name_off), "v");
	/* The static function is there too. */
	assert_int_equal(st_types_func(t, "app_static", &proto, &mod), 0);
	/* app_alias exists only as an ELF symbol at app_work's address. */
	assert_int_equal(st_types_func(t, "app_alias", &proto, &mod), 0);
	pt = btf__type_by_id(proto.btf, proto.id);
	assert_int_equal(btf_vlen(pt), 2);
	assert_string_equal(btf__name_by_offset(proto.btf, btf_params(pt)[0].name_off), "r");
	st_types_free(t);
}

/* One function: only its unit. twocu_a's unit declares struct only_in_a, twocu_b's
 * declares struct only_in_b (see tests/fixtures/twocu_*.c). */
static void test_one_function_unit(void **state)
{
	struct st_err err = {0};
	char p[700];
	struct btf *btf;

	(void)state;
	fixture("twocu.so", p, sizeof(p));
	btf = st_dwarf_to_btf_func(p, "twocu_a", &err);
	assert_non_null(btf);
	assert_true(btf__find_by_name_kind(btf, "twocu_a", BTF_KIND_FUNC) > 0);
	assert_true(btf__find_by_name_kind(btf, "only_in_a", BTF_KIND_STRUCT) > 0);
	assert_true(btf__find_by_name_kind(btf, "only_in_b", BTF_KIND_STRUCT) < 0);
	btf__free(btf);
	btf = st_dwarf_to_btf_func(p, "twocu_b", &err);
	assert_non_null(btf);
	assert_true(btf__find_by_name_kind(btf, "twocu_b", BTF_KIND_FUNC) > 0);
	assert_true(btf__find_by_name_kind(btf, "only_in_b", BTF_KIND_STRUCT) > 0);
	assert_true(btf__find_by_name_kind(btf, "twocu_a", BTF_KIND_FUNC) < 0);
	btf__free(btf);
	/* No such function: every unit. */
	btf = st_dwarf_to_btf_func(p, "no_such_func", &err);
	assert_non_null(btf);
	assert_true(btf__find_by_name_kind(btf, "only_in_a", BTF_KIND_STRUCT) > 0);
	assert_true(btf__find_by_name_kind(btf, "only_in_b", BTF_KIND_STRUCT) > 0);
	btf__free(btf);
	assert_null(st_dwarf_to_btf_func(fixture("app_nodebug", p, sizeof(p)), "app_work", &err));
}

/* With libc6-dbg installed, libdwfl finds libc's DWARF by build id, and the exported
 * malloc (DWARF: __libc_malloc) gets its one-parameter prototype. */
static void test_libc_debuginfo_and_alias(void **state)
{
	struct st_err err = {0};
	char libc[4096];
	struct btf *btf;
	const struct btf_type *t;
	int id;

	(void)state;
	if (system("dpkg -s libc6-dbg >/dev/null 2>&1"))
		skip();
	assert_int_equal(st_usym_find_binary("libc", libc, sizeof(libc), &err), 0);
	btf = st_dwarf_to_btf(libc, &err);
	if (!btf)
		fail_msg("%s", err.msg);
	id = btf__find_by_name_kind(btf, "malloc", BTF_KIND_FUNC);
	assert_true(id > 0);
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	assert_int_equal(btf_vlen(t), 1);
	btf__free(btf);
	/* The same through the one-unit conversion. */
	btf = st_dwarf_to_btf_func(libc, "malloc", &err);
	assert_non_null(btf);
	id = btf__find_by_name_kind(btf, "malloc", BTF_KIND_FUNC);
	assert_true(id > 0);
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	assert_int_equal(btf_vlen(t), 1);
	btf__free(btf);
}

static void test_no_dwarf(void **state)
{
	struct st_err err = {0};

	char p[700];

	(void)state;
	assert_null(st_dwarf_to_btf(fixture("app_nodebug", p, sizeof(p)), &err));
	assert_non_null(strstr(err.msg, "DWARF"));
	assert_null(st_dwarf_to_btf("/nonexistent/file", &err));
}

static int setup(void **state)
{
	const char *b = getenv("B");

	(void)state;
	snprintf(fixdir, sizeof(fixdir), "%s/fixtures", b && *b ? b : "build");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) ? -1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gcc_object),
		cmocka_unit_test(test_clang_object),
		cmocka_unit_test(test_dwarf2_object),
		cmocka_unit_test(test_type_units),
		cmocka_unit_test(test_gcc_shared_object),
		cmocka_unit_test(test_pie_app),
		cmocka_unit_test(test_source_facts),
		cmocka_unit_test(test_raw_file_loads_as_btf_option),
		cmocka_unit_test(test_one_function_unit),
		cmocka_unit_test(test_libc_debuginfo_and_alias),
		cmocka_unit_test(test_no_dwarf),
	};

	return cmocka_run_group_tests_name("dwarf_btf", tests, setup, teardown);
}
