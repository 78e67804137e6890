// SPDX-License-Identifier: MIT
/* Traceable-function lookup on a fixed list in available_filter_functions format. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "test_kcache.h"
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
		"bar_other\n"
		"__pfx_do_filp_open\n"
		"__cfi_tcp_sendmsg\n"
		"__pi___pfx_startup_64\n"
		"clone.part.0\n"
		"clone.isra.0\n"
		"clone.llvm.123\n"
		"clone.cold\n"
		"only.isra.0\n"
		"only.isra.0\n";
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
	struct st_ksyms *k = st_ksyms_load(path, NULL, &err);
	const struct st_ksym *s, *alts[4];
	size_t n, i;
	char buf[64];

	(void)state;
	assert_non_null(k);
	/* the padding symbols are not in the index */
	assert_int_equal(st_ksyms_count(k), 15);
	for (i = 0; i < st_ksyms_count(k); i++)
		assert_null(st_ksym_padding(st_ksyms_at(k, i)->name));
	s = st_ksyms_resolve(k, "do_filp_open", alts, 4, &n);
	assert_non_null(s);
	assert_string_equal(s->name, "do_filp_open");
	assert_int_equal(n, 0);
	assert_null(s->module);
	s = st_ksyms_resolve(k, "bar", alts, 4, &n);
	assert_non_null(s);
	assert_string_equal(s->name, "bar.isra.0");       /* not bar_other */
	assert_int_equal(n, 1);
	s = st_ksyms_resolve(k, "baz", NULL, 0, NULL);
	assert_string_equal(s->name, "baz.constprop.0.isra.0");
	/* a .cold fragment is not an entry */
	assert_null(st_ksyms_resolve(k, "cold_fn", alts, 4, &n));
	s = st_ksyms_resolve(k, "qux", NULL, 0, NULL);
	assert_string_equal(s->module, "mymod");
	s = st_ksyms_resolve(k, "twice", alts, 4, &n);
	assert_non_null(s);
	assert_string_equal(s->name, "twice.part.0");
	assert_int_equal(n, 2);
	assert_string_equal(alts[1]->name, "twice.part.1");
	/* the clone that keeps the calling convention wins; every other is listed */
	s = st_ksyms_resolve(k, "clone", alts, 4, &n);
	assert_string_equal(s->name, "clone.llvm.123");
	assert_int_equal(n, 3);
	assert_string_equal(alts[0]->name, "clone.isra.0");
	assert_string_equal(alts[2]->name, "clone.part.0");
	/* the same answers once the index is sorted (the first ordered access sorts it) */
	assert_non_null(st_ksyms_at(k, 0));
	assert_string_equal(st_ksyms_resolve(k, "clone", alts, 4, &n)->name, "clone.llvm.123");
	assert_int_equal(n, 3);
	assert_string_equal(alts[0]->name, "clone.isra.0");
	assert_string_equal(st_ksyms_resolve(k, "do_filp_open", NULL, 0, NULL)->name, "do_filp_open");
	assert_null(st_ksyms_resolve(k, "cold_fn", NULL, 0, NULL));
	/* one static name twice in kallsyms is one variant */
	s = st_ksyms_resolve(k, "only", alts, 4, &n);
	assert_string_equal(s->name, "only.isra.0");
	assert_int_equal(n, 1);
	assert_null(st_ksyms_resolve(k, "ba", NULL, 0, NULL));
	assert_null(st_ksyms_resolve(k, "nothing", NULL, 0, NULL));
	assert_true(st_ksym_abi_changed("a.isra.0"));
	assert_true(st_ksym_abi_changed("a.constprop.0.isra.0"));
	assert_true(st_ksym_abi_changed("a.part.1"));
	assert_false(st_ksym_abi_changed("a.llvm.77"));
	assert_false(st_ksym_abi_changed("a"));
	assert_string_equal(st_ksym_padding("__pfx_foo"), "foo");
	assert_string_equal(st_ksym_padding("__pi___pfx_foo"), "foo");
	assert_null(st_ksym_padding("__pi_foo"));
	assert_null(st_ksym_padding("pfx_foo"));
	assert_string_equal(st_ksyms_suggest(k, "do_filp_opn"), "do_filp_open");
	assert_string_equal(st_ksyms_suggest(k, "tcp_sndmsg"), "tcp_sendmsg");
	assert_null(st_ksyms_suggest(k, "completely_different"));
	assert_string_equal(st_ksym_base("foo.isra.0", buf, sizeof(buf)), "foo");
	assert_string_equal(st_ksym_base("foo.bar", buf, sizeof(buf)), "foo.bar");
	st_ksyms_free(k);
}

/* The list text written to a temporary file made from template kpath, loaded. */
static struct st_ksyms *load_text(const char *text, char *kpath)
{
	struct st_err err;
	struct st_ksyms *k;
	int fd = mkstemp(kpath);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	k = st_ksyms_load(kpath, NULL, &err);
	assert_non_null(k);
	return k;
}

/* A list in kallsyms format: addresses kept, spans up to the next text symbol including
 * the padding symbols the index leaves out; the format is recognised from the file. */
static void test_kallsyms_span(void **state)
{
	static const char list[] =
		"ffffffff81000000 T _stext\n"
		"ffffffff81000100 t __pfx_foo\n"
		"ffffffff81000110 t foo\n"
		"ffffffff81000150 D some_data\n"
		"ffffffff81000180 T __pfx_bar\n"
		"ffffffff81000190 T bar.isra.0\n"
		"ffffffff810001c0 W weak_fn\n"
		"ffffffff81000200 t modfn\t[mymod]\n";
	char kpath[] = "/tmp/ksyms_kall_XXXXXX";
	struct st_err err;
	struct st_ksyms *k = load_text(list, kpath);
	unsigned long long size = 0;

	(void)state;
	assert_int_equal(st_ksyms_count(k), 5);      /* no data, no padding */
	assert_int_equal(st_ksyms_span(k, "foo", &size), 0);
	assert_int_equal(size, 0x70);                /* to __pfx_bar, not to bar */
	assert_int_equal(st_ksyms_span(k, "bar.isra.0", &size), 0);
	assert_int_equal(size, 0x30);                /* a weak function is the next code */
	assert_string_equal(st_ksyms_resolve(k, "bar", NULL, 0, NULL)->name, "bar.isra.0");
	assert_string_equal(st_ksyms_resolve(k, "modfn", NULL, 0, NULL)->module, "mymod");
	assert_int_equal(st_ksyms_span(k, "modfn", &size), -1);   /* nothing after it */
	assert_int_equal(st_ksyms_span(k, "nosuch", &size), -1);
	st_ksyms_free(k);
	/* an available_filter_functions list has no addresses */
	k = st_ksyms_load(path, NULL, &err);
	assert_int_equal(st_ksyms_span(k, "do_filp_open", &size), -1);
	st_ksyms_free(k);
	unlink(kpath);
}

/* The modules a name (or its clones) is defined in, from the [module] column: distinct,
 * sorted, vmlinux's not counted, a .cold fragment or a longer name not counted; the same
 * before and after the list is sorted; -1 past max. */
static void test_modules(void **state)
{
	static const char list[] =
		"ffffffff81000000 T rx\n"
		"ffffffffc0000000 t rx\t[zeta]\n"
		"ffffffffc0000100 t rx.isra.0\t[alpha]\n"
		"ffffffffc0000200 t rx\t[alpha]\n"
		"ffffffffc0000300 t rx.cold\t[cold_only]\n"
		"ffffffffc0000400 t rx_more\t[longer]\n"
		"ffffffffc0000500 t rx.constprop.0\t[mid]\n";
	char kpath[] = "/tmp/ksyms_mods_XXXXXX";
	const char *mods[4];
	struct st_err err;
	struct st_ksyms *k = load_text(list, kpath);
	int pass;

	(void)state;
	assert_true(st_ksyms_from_kallsyms(k));
	for (pass = 0; pass < 2; pass++) {
		assert_int_equal(st_ksyms_modules(k, "rx", mods, 4), 3);
		assert_string_equal(mods[0], "alpha");
		assert_string_equal(mods[1], "mid");
		assert_string_equal(mods[2], "zeta");
		assert_int_equal(st_ksyms_modules(k, "rx", mods, 2), -1);
		assert_int_equal(st_ksyms_modules(k, "r", mods, 4), 0);
		assert_int_equal(st_ksyms_modules(k, "rx_more", mods, 4), 1);
		assert_string_equal(mods[0], "longer");
		assert_non_null(st_ksyms_at(k, 0));     /* sorts the index: the second pass */
	}
	st_ksyms_free(k);
	unlink(kpath);
	/* an available_filter_functions list */
	k = st_ksyms_load(path, NULL, &err);
	assert_false(st_ksyms_from_kallsyms(k));
	st_ksyms_free(k);
}

static bool dynamic(const char *mod)
{
	return mod && (!strcmp(mod, "bpf") || !strncmp(mod, "__builtin__", 11));
}

/* st_ksyms_load_cached from kallsyms' mapped cache (names looked up in place) against a
 * direct read of /proc/kallsyms indexed whole: for every 25th name of the index and its
 * base name (clones: foo.isra.0 -> foo), the same resolution (name, clones), the same
 * modules; before anything needs the whole list (the cache stays mapped, not read), and
 * again after st_ksyms_at made the mapped one index every name. */
static void test_mapped_cache(void **state)
{
	char dir[] = "/tmp/ksyms_cache_XXXXXX", file[64], line[4608], base[256];
	struct st_ksyms *live, *k;
	const struct st_ksym *alts[8], *malts[8];
	const char *mods[64], *mmods[64];
	struct st_err err;
	size_t i, j, n, mn, checked = 0;
	bool mapped = false;
	FILE *f;
	int pass;

	(void)state;
	if (!kcache_begin(dir, file, sizeof(file)))
		return;
	live = st_ksyms_load(NULL, NULL, &err);
	assert_non_null(live);
	k = st_ksyms_load_cached(NULL, &err);        /* a miss: writes the cache */
	assert_non_null(k);
	st_ksyms_free(k);
	k = st_ksyms_load_cached(NULL, &err);        /* a hit */
	assert_non_null(k);
	assert_true(st_ksyms_from_kallsyms(k));
	f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	while (!mapped && fgets(line, sizeof(line), f))
		mapped = strstr(line, file) != NULL;
	fclose(f);
	assert_true(mapped);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < st_ksyms_count(live); i += 25) {
			const struct st_ksym *w = st_ksyms_at(live, i), *a, *b;
			const char *names[2] = { w->name, st_ksym_base(w->name, base, sizeof(base)) };
			int nm, nmm, x;

			if (dynamic(w->module) || !strncmp(w->name, "bpf_", 4))
				continue;
			for (x = 0; x < 2; x++) {
				a = st_ksyms_resolve(live, names[x], alts, 8, &n);
				b = st_ksyms_resolve(k, names[x], malts, 8, &mn);
				assert_true(!a == !b);
				if (a) {
					assert_string_equal(a->name, b->name);
					assert_int_equal(n, mn);
					for (j = 0; j < n && j < 8; j++)
						assert_string_equal(alts[j]->name, malts[j]->name);
				}
				nm = st_ksyms_modules(live, names[x], mods, 64);
				nmm = st_ksyms_modules(k, names[x], mmods, 64);
				assert_int_equal(nm, nmm);
				for (j = 0; nm > 0 && j < (size_t)nm; j++)
					assert_string_equal(mods[j], mmods[j]);
				checked++;
			}
		}
		assert_true(checked > 1000);
		assert_non_null(st_ksyms_at(k, 0));   /* the second pass: every name indexed */
	}
	st_ksyms_free(k);
	st_ksyms_free(live);
	kcache_end(dir, file);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_resolve),
					    cmocka_unit_test(test_kallsyms_span),
					    cmocka_unit_test(test_modules),
					    cmocka_unit_test(test_mapped_cache) };

	return cmocka_run_group_tests(tests, setup, teardown);
}
