// SPDX-License-Identifier: MIT
/* The guide's completion engine on a BTF and a function list this test writes itself,
 * so every expected candidate is known by construction:
 *   struct inner { const char *name; int x; };
 *   struct small { int c; };                       (4 bytes: read as an integer)
 *   struct outer { int a; struct inner *in; union { long u1; char u2; };
 *                  struct inner emb; struct small s; char name[16]; unsigned flag:3; };
 *   struct outer *fn(int dfd, struct outer *o);    FUNC "fn"
 * and ksyms: fn, fn_other, foo.isra.0 [mod1]. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include "complete.h"
#include "ctx.h"

static char btf_path[] = "/tmp/test_guide_btf_XXXXXX";
static char ksyms_path[] = "/tmp/test_guide_ksyms_XXXXXX";
static struct g_src *src;
static struct g_cands cands;
static char got[2048];

static int write_btf(void)
{
	struct btf *b = btf__new_empty();
	int tint, tchar, tlong, tcchar, tcstr, inner, small, outer, pinner, un, arr, proto;
	int uint, pouter;
	const void *raw;
	__u32 sz;
	int fd = mkstemp(btf_path);

	tint = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	tchar = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	tlong = btf__add_int(b, "long", 8, BTF_INT_SIGNED);
	uint = btf__add_int(b, "unsigned int", 4, 0);
	tcchar = btf__add_const(b, tchar);
	tcstr = btf__add_ptr(b, tcchar);
	inner = btf__add_struct(b, "inner", 16);
	btf__add_field(b, "name", tcstr, 0, 0);
	btf__add_field(b, "x", tint, 64, 0);
	small = btf__add_struct(b, "small", 4);
	btf__add_field(b, "c", tint, 0, 0);
	pinner = btf__add_ptr(b, inner);
	un = btf__add_union(b, NULL, 8);
	btf__add_field(b, "u1", tlong, 0, 0);
	btf__add_field(b, "u2", tchar, 0, 0);
	arr = btf__add_array(b, tint, tchar, 16);
	outer = btf__add_struct(b, "outer", 72);
	btf__add_field(b, "a", tint, 0, 0);
	btf__add_field(b, "in", pinner, 64, 0);
	btf__add_field(b, NULL, un, 128, 0);
	btf__add_field(b, "emb", inner, 192, 0);
	btf__add_field(b, "s", small, 320, 0);
	btf__add_field(b, "name", arr, 352, 0);
	btf__add_field(b, "flag", uint, 480, 3);
	pouter = btf__add_ptr(b, outer);
	proto = btf__add_func_proto(b, pouter);
	btf__add_func_param(b, "dfd", tint);
	btf__add_func_param(b, "o", pouter);
	btf__add_func(b, "fn", BTF_FUNC_GLOBAL, proto);
	raw = btf__raw_data(b, &sz);
	if (fd < 0 || !raw || write(fd, raw, sz) != (ssize_t)sz)
		return -1;
	close(fd);
	btf__free(b);
	return 0;
}

static int setup(void **state)
{
	static const char syms[] = "fn\nfn_other\nfoo.isra.0 [mod1]\nbar\n";
	struct g_src_opts o;
	int fd = mkstemp(ksyms_path);

	(void)state;
	if (fd < 0 || write(fd, syms, sizeof(syms) - 1) != sizeof(syms) - 1 || write_btf())
		return -1;
	close(fd);
	o = (struct g_src_opts){ .btf_path = btf_path, .ksyms_path = ksyms_path,
				 .tracefs = "/nonexistent", .arch = "x86_64" };
	src = g_src_new(&o);
	return src ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	g_cands_clear(&cands);
	g_src_free(src);
	unlink(btf_path);
	unlink(ksyms_path);
	return 0;
}

/* Candidates for the whole line (cursor at its end) as "a b c", and the word start. */
static const char *comp(const char *line, int *start)
{
	size_t i, n;
	int st;

	n = g_complete(src, line, (int)strlen(line), &cands, &st);
	got[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(got, " ");
		strcat(got, cands.v[i].text);
	}
	if (start)
		*start = st;
	return got;
}

static const char *note_of(const char *text)
{
	size_t i;

	for (i = 0; i < cands.n; i++)
		if (!strcmp(cands.v[i].text, text))
			return cands.v[i].note ? cands.v[i].note : "";
	return "(none)";
}

static bool noappend_of(const char *text)
{
	size_t i;

	for (i = 0; i < cands.n; i++)
		if (!strcmp(cands.v[i].text, text))
			return cands.v[i].noappend;
	return false;
}

static void test_types(void **state)
{
	int st;

	(void)state;
	assert_string_equal(comp("", &st), "P R e p r");
	assert_int_equal(st, 0);
	assert_string_equal(comp("  r", &st), "r");
	assert_int_equal(st, 2);
}

static void test_functions(void **state)
{
	int st;

	(void)state;
	assert_string_equal(comp("p fn", &st), "fn fn_other");
	assert_int_equal(st, 2);
	assert_string_equal(comp("r fo", NULL), "foo.isra.0");
	assert_string_equal(note_of("foo.isra.0"), "[mod1]");
	assert_string_equal(comp("p zz", NULL), "");
}

static void test_argnames_and_values(void **state)
{
	int st;

	(void)state;
	assert_string_equal(comp("p fn ", &st), "dfd= f: o=");
	assert_int_equal(st, 5);
	assert_true(noappend_of("dfd="));
	assert_string_equal(comp("p fn x=%", &st), "%0 %1");
	assert_int_equal(st, 7);
	assert_string_equal(note_of("%0"), "int dfd");
	assert_string_equal(note_of("%1"), "struct outer *o");
	assert_string_equal(comp("p fn+0x10 x=X$", NULL), "$comm $dfd $o $stack");
	assert_string_equal(comp("r fn x=$r", NULL), "$retval");
	assert_string_equal(note_of("$retval"), "struct outer *");
	assert_string_equal(comp("r fn ", NULL), "f:");
	/* registers once a letter follows '%': the x86_64 argument registers are there */
	comp("p fn x=%d", NULL);
	assert_string_equal(note_of("%di"), "register");
	assert_string_equal(note_of("%dx"), "register");
	assert_string_equal(note_of("%0"), "(none)");
}

static void test_members(void **state)
{
	int st;

	(void)state;
	/* anonymous union members count as members of outer */
	assert_string_equal(comp("p fn x=%1->", &st), "a emb flag in name s u1 u2");
	assert_int_equal(st, 11);
	assert_string_equal(note_of("name"), "char name[16]");
	assert_string_equal(note_of("in"), "struct inner *in");
	assert_string_equal(note_of("flag"), "unsigned int flag:3");
	assert_true(noappend_of("in"));     /* a pointer to a struct: -> follows */
	assert_true(noappend_of("emb"));    /* an embedded struct: . follows */
	assert_false(noappend_of("s"));     /* 4-byte struct reads as an integer */
	assert_false(noappend_of("a"));
	assert_string_equal(comp("p fn x=%1->in->n", &st), "name");
	assert_int_equal(st, 15);
	assert_string_equal(comp("p fn x=$o->emb.", NULL), "name x");
	assert_string_equal(comp("r fn x=$retval->in->", NULL), "name x");
	assert_string_equal(comp("p fn a=%0 x=S%1->s.", NULL), "c");
	/* casts: the type replaces the base's */
	assert_string_equal(comp("p fn x=!(struct inner *)%ax->", NULL), "name x");
	assert_string_equal(comp("p fn x=X!(struct inner*)%1->n", NULL), "name");
	/* '->' on a non-pointer and unknown members give nothing */
	assert_string_equal(comp("p fn x=%0->", NULL), "");
	assert_string_equal(comp("p fn x=%1->nosuch->", NULL), "");
	assert_string_equal(comp("p fn x=%5->", NULL), "");
}

static void test_ctypes(void **state)
{
	int st;

	(void)state;
	assert_string_equal(comp("p fn x=!(struct in", &st), "inner");
	assert_int_equal(st, 16);
	assert_string_equal(comp("p fn x=!(st", NULL), "struct ");
	assert_string_equal(comp("p fn x=!(unsigned", NULL), "unsigned int");
}

static void test_filter(void **state)
{
	int st;

	(void)state;
	assert_string_equal(comp("p fn dfd=%0 nm=%1->in->name f:", &st),
			    "common_flags common_pid common_preempt_count dfd nm");
	assert_string_equal(comp("p fn dfd=%0 nm=%1->in->name f:dfd==1&&n", &st), "nm");
	assert_int_equal(st, 38);
	assert_string_equal(comp("p fn dfd=%0 f:(d", NULL), "dfd");
	assert_string_equal(comp("p fn dfd=%0 f:!d", NULL), "dfd");
	/* after a comparison a constant follows: nothing to offer */
	assert_string_equal(comp("p fn dfd=%0 f:dfd==d", NULL), "");
	assert_string_equal(comp("p fn dfd=%0 f:dfd==1 || d", NULL), "dfd");
}

static void test_ctx(void **state)
{
	struct g_ctx c;

	(void)state;
	g_ctx_scan("P /usr/bin/bash:readl", 21, &c);
	assert_int_equal(c.kind, G_USYM);
	assert_string_equal(c.binary, "/usr/bin/bash");
	assert_int_equal(c.start, 16);
	g_ctx_scan("P ./ap", 6, &c);
	assert_int_equal(c.kind, G_UBIN);
	g_ctx_scan("e sched/sched_switch f:prev_p", 29, &c);
	assert_int_equal(c.kind, G_FVAR);
	assert_string_equal(c.event, "sched/sched_switch");
	/* the cursor in the middle: only the text before it counts */
	g_ctx_scan("p fn x=%1->in->name y=%0", 13, &c);
	assert_int_equal(c.kind, G_MEMBER);
	assert_int_equal(c.nacc, 0);
	/* a cast with spaces is one item */
	g_ctx_scan("p fn pos=X!(struct file *)%ax->f_p", 34, &c);
	assert_int_equal(c.kind, G_MEMBER);
	assert_string_equal(c.cast, "struct file *");
	assert_int_equal(c.base, GB_REG);
	g_ctx_scan("x fn", 4, &c);
	assert_int_equal(c.kind, G_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_functions),
		cmocka_unit_test(test_argnames_and_values),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_ctypes),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_ctx),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
