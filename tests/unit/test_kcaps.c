// SPDX-License-Identifier: MIT
/* Fetch-syntax capabilities read from tracefs README texts: a 4.14-era README (no
 * ustring, arrays, $arg<N>, %return, +u) and this machine's own, and the refusal of probes
 * that need what a README does not list. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "compile/compile.h"
#include "compile/kcaps.h"

/* The probe-syntax part of Linux 4.14's kernel/trace/trace.c readme_msg. */
static const char old_readme[] =
	"  kprobe_events\t\t- Add/remove/show the kernel dynamic events\n"
	"\t  accepts: event-definitions (one definition per line)\n"
	"\t   Format: p|r[:[<group>/]<event>] <place> [<args>]\n"
	"\t           -:[<group>/]<event>\n"
	"\t    place: [<module>:]<symbol>[+<offset>]|<memaddr>\n"
	"\t     args: <name>=fetcharg[:type]\n"
	"\t fetcharg: %<register>, @<address>, @<symbol>[+|-<offset>],\n"
	"\t           $stack<index>, $stack, $retval, $comm\n"
	"\t     type: s8/16/32/64, u8/16/32/64, x8/16/32/64, string,\n"
	"\t           b<bit-width>@<bit-offset>/<container-size>\n";

/* Linux 6.x's, as this machine has it (with kprobes). */
static const char new_readme[] =
	"\t    place: [<module>:]<symbol>[+<offset>]|<memaddr>\n"
	"\t place (kretprobe): [<module>:]<symbol>[+<offset>]%return|<memaddr>\n"
	"\t fetcharg: (%<register>|$<efield>), @<address>, @<symbol>[+|-<offset>],\n"
	"\t           $stack<index>, $stack, $retval, $comm, $arg<N>,\n"
	"\t           +|-[u]<offset>(<fetcharg>), \\imm-value, \\\"imm-string\"\n"
	"\t     kernel return probes support: $retval, $arg<N>, $comm\n"
	"\t     type: s8/16/32/64, u8/16/32/64, x8/16/32/64, char, string, symbol,\n"
	"\t           b<bit-width>@<bit-offset>/<container-size>, ustring,\n"
	"\t           symstr, %pd/%pD, <type>\\[<array-size>\\]\n";

static void test_parse_old(void **state)
{
	struct st_kcaps c;

	(void)state;
	st_kcaps_parse(old_readme, &c);
	assert_true(c.known);
	assert_true(c.has[ST_KCAP_KPROBE]);
	assert_true(c.has[ST_KCAP_XTYPES]);
	assert_true(c.has[ST_KCAP_BITFIELD]);
	assert_false(c.has[ST_KCAP_USTRING]);
	assert_false(c.has[ST_KCAP_SYMSTR]);
	assert_false(c.has[ST_KCAP_ARRAY]);
	assert_false(c.has[ST_KCAP_ARGN]);
	assert_false(c.has[ST_KCAP_RETURN]);
	assert_false(c.has[ST_KCAP_UDEREF]);
	assert_false(c.has[ST_KCAP_CHAR]);
}

static void test_parse_new(void **state)
{
	struct st_kcaps c;
	int k;

	(void)state;
	st_kcaps_parse(new_readme, &c);
	for (k = 0; k < ST_KCAP_COUNT; k++)
		if (!c.has[k])
			fail_msg("capability %d not found in the 6.x README", k);
	st_kcaps_parse(NULL, &c);
	assert_false(c.known);
}

static int check(const char *readme, char type, const char *fetch, const char *ktype,
		 struct st_err *err, int *arg)
{
	struct st_probe_arg a[2] = { { .name = "ok", .fetch = "+0x10(%di)", .ktype = "u32" },
				     { .name = "v", .fetch = (char *)fetch, .ktype = (char *)ktype } };
	struct st_probe p = { .type = type, .target = "do_filp_open", .args = a, .nargs = 2 };
	struct st_kcaps c;

	st_kcaps_parse(readme, &c);
	return st_kcaps_check(&c, &p, arg, err);
}

static void test_refusals(void **state)
{
	struct st_err err = { 0 };
	int arg;

	(void)state;
	assert_int_equal(check(old_readme, 'p', "+0(%si)", "ustring", &err, &arg), -1);
	assert_int_equal(arg, 1);
	assert_non_null(strstr(err.msg, "'ustring'"));
	assert_non_null(strstr(err.msg, "'v'"));
	assert_int_equal(check(old_readme, 'p', "+0x40(%di)", "s16[3]", &err, &arg), -1);
	assert_non_null(strstr(err.msg, "array"));
	assert_int_equal(check(old_readme, 'p', "$arg2", "x64", &err, &arg), -1);
	assert_non_null(strstr(err.msg, "$arg<N>"));
	assert_int_equal(check(old_readme, 'p', "+u8(%si)", "u32", &err, &arg), -1);
	assert_non_null(strstr(err.msg, "+u"));
	assert_int_equal(check(old_readme, 'p', "+0x4(%di)", "b3@0/32", &err, &arg), 0);
	assert_int_equal(check(old_readme, 'r', "+0x68($retval)", "x64", &err, &arg), 0);
	/* The same probes on a README that lists them. */
	assert_int_equal(check(new_readme, 'p', "+0(%si)", "ustring", &err, &arg), 0);
	assert_int_equal(check(new_readme, 'p', "+0x40(%di)", "s16[3]", &err, &arg), 0);
	assert_int_equal(check(new_readme, 'r', "$arg2", "x64", &err, &arg), 0);
	/* No README: nothing is refused. */
	assert_int_equal(check(NULL, 'p', "+0(%si)", "ustring", &err, &arg), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_old),
		cmocka_unit_test(test_parse_new),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
