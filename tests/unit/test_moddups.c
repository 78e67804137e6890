// SPDX-License-Identifier: MIT
/* A function name several loaded modules define, on the running kernel (sysfs module BTF,
 * no index): the modules are taken from kallsyms' [module] column, and only their BTF is
 * read, to find the function and its duplicates. Made-up kernel: a base BTF written as SURFTRACE_SYSFS_BTF/vmlinux and split BTF
 * per module beside it (libbpf writes them; the prototypes are known by construction), a
 * kallsyms file naming the same modules. Checked: the note and the refusal name exactly the
 * modules built with the function (clones fake_rx.isra.0 count, a .cold fragment and a
 * longer name do not); the kernel tells (inotify) which module files were opened: those
 * modules only, none of the fillers; the answer equals the one from reading every module
 * (st_types_func_mods without the list). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include "compile/compile.h"
#include "types/types.h"
#include "test_btf_file.h"

enum { NFILL = 40 };

static char dir[64], kallsyms[128];
static struct btf *base;
static int t_int, t_long, t_lhp;

/* Module `name` defining functions fns (NULL-ended) as int f(first, int). */
static void mk_module(const char *name, const char *const *fns, int first)
{
	struct btf *m = btf__new_empty_split(base);
	int proto;

	assert_non_null(m);
	proto = btf__add_func_proto(m, t_int);
	assert_true(proto > 0);
	assert_int_equal(btf__add_func_param(m, "x", first), 0);
	assert_int_equal(btf__add_func_param(m, "n", t_int), 0);
	for (; *fns; fns++)
		assert_true(btf__add_func(m, *fns, BTF_FUNC_STATIC, proto) > 0);
	write_btf_file(m, dir, name);
	btf__free(m);
}

static int setup(void **state)
{
	static const char *const dup[] = { "fake_rx", "two_rx", NULL };
	static const char *const c[] = { "fake_rx", NULL };
	int lh;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/st_moddups.XXXXXX");
	assert_non_null(mkdtemp(dir));
	base = btf__new_empty();
	assert_non_null(base);
	t_int = btf__add_int(base, "int", 4, BTF_INT_SIGNED);
	t_long = btf__add_int(base, "long int", 8, BTF_INT_SIGNED);
	/* struct list_head { struct list_head *next, *prev; }: the pointer comes first (a
	 * struct's fields follow it directly) */
	t_lhp = btf__add_ptr(base, t_long + 2);
	lh = btf__add_struct(base, "list_head", 16);
	assert_true(t_int > 0 && t_long > 0 && t_lhp > 0 && lh == t_long + 2);
	assert_int_equal(btf__add_field(base, "next", t_lhp, 0, 0), 0);
	assert_int_equal(btf__add_field(base, "prev", t_lhp, 64, 0), 0);
	write_btf_file(base, dir, "vmlinux");
	mk_module("dup_a", dup, t_lhp);
	mk_module("dup_b", dup, t_lhp);
	mk_module("dup_c", c, t_long);
	snprintf(kallsyms, sizeof(kallsyms), "%s.kallsyms", dir);
	f = fopen(kallsyms, "w");
	assert_non_null(f);
	fprintf(f, "ffffffff81000000 T _stext\nffffffff81000100 t two_rx_helper\n"
		   "ffffffffc0001000 t fake_rx\t[dup_a]\nffffffffc0001100 t two_rx\t[dup_a]\n"
		   "ffffffffc0002000 t fake_rx\t[dup_b]\nffffffffc0002100 t two_rx\t[dup_b]\n"
		   "ffffffffc0003000 t fake_rx.isra.0\t[dup_c]\n");
	/* fillers after dup_* by name (the first-hit lookup stops at dup_a before them); two
	 * list names that start like fake_rx but are not it */
	for (int i = 0; i < NFILL; i++) {
		const char *fns[] = { NULL, NULL };
		char name[32], fn[32];

		snprintf(name, sizeof(name), "mod_%02d", i);
		snprintf(fn, sizeof(fn), "mod_%02d_xmit", i);
		fns[0] = fn;
		mk_module(name, fns, t_int);
		fprintf(f, "ffffffffc1%06x t %s\t[%s]\n", i * 0x100, fn, name);
	}
	fprintf(f, "ffffffffc2000000 t fake_rx.cold\t[mod_00]\n"
		   "ffffffffc2000100 t fake_rx_other\t[mod_01]\n");
	fclose(f);
	setenv("SURFTRACE_SYSFS_BTF", dir, 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	btf__free(base);
	unlink(kallsyms);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	unsetenv("SURFTRACE_SYSFS_BTF");
	return system(cmd) ? -1 : 0;
}

/* The files of dir opened since the watch was made, as the kernel reports them: "a b ",
 * each once, in report order. */
static void opened(int fd, char *out, size_t n)
{
	char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	out[0] = '\0';
	while ((len = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len; ) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			char word[300];

			if (ev->len && !(ev->mask & IN_ISDIR)) {
				snprintf(word, sizeof(word), "%s ", ev->name);
				if (!strstr(out, word) && strlen(out) + strlen(word) < n)
					strcat(out, word);
			}
			p += sizeof(*ev) + ev->len;
		}
	}
}

static struct st_translator *new_tr(void)
{
	struct st_translator_opts o = { .arch = "x86_64", .ksyms_path = kallsyms };
	struct st_err err = { 0 };
	struct st_translator *tr = st_translator_new(&o, &err);

	assert_non_null(tr);
	return tr;
}

static void test_note_and_files(void **state)
{
	struct st_translator *tr = new_tr();
	struct st_probe *p = NULL;
	struct st_err err = { 0 };
	char files[512];
	int fd = inotify_init1(IN_NONBLOCK);

	(void)state;
	assert_true(fd >= 0);
	assert_true(inotify_add_watch(fd, dir, IN_OPEN) >= 0);
	/* one prototype in dup_a and dup_b: translated, the note names both */
	assert_int_equal(st_translate(tr, "p two_rx n=%1", 0, &p, &err), 0);
	assert_non_null(p->notice);
	assert_string_equal(p->notice, "'two_rx' is a function of 2 modules (dup_a, dup_b) with "
			    "one prototype: types from dup_a");
	st_probe_free(p);
	/* different prototypes (dup_c's long, as its clone fake_rx.isra.0): refused when read
	 * by the prototype, said when not */
	assert_int_equal(st_translate(tr, "p fake_rx n=%1", 0, &p, &err), -1);
	assert_non_null(strstr(err.msg, "'fake_rx' is a function of 3 modules with different "
				"prototypes (dup_a, dup_b, dup_c)"));
	assert_int_equal(st_translate(tr, "p fake_rx", 0, &p, &err), 0);
	assert_non_null(p->notice);
	assert_string_equal(p->notice, "'fake_rx' is a function of 3 modules (dup_a, dup_b, "
			    "dup_c) with different prototypes");
	st_probe_free(p);
	/* a function of one module: no note */
	assert_int_equal(st_translate(tr, "p mod_07_xmit n=%1", 0, &p, &err), 0);
	assert_null(p->notice);
	st_probe_free(p);
	opened(fd, files, sizeof(files));
	close(fd);
	/* vmlinux, the three modules of the duplicates, and mod_07 for its function: none of
	 * the fillers before it by name (read, up to the first with the name, without the
	 * list), none of those after it (read, for duplicates, without the list) */
	assert_string_equal(files, "vmlinux dup_a dup_b dup_c mod_07 ");
	st_translator_free(tr);
}

/* The same modules, names and verdict as reading every module's BTF, and the same first
 * module (by name) with the function; a listed module without BTF is passed over. */
static void test_same_as_all(void **state)
{
	static const char *const dups[] = { "dup_a", "dup_b", "dup_c", "no_btf" };
	static const char *const mod03[] = { "mod_03" };
	static const struct {
		const char *name;
		const char *const *only;
		int nonly;
	} c[] = { { "fake_rx", dups, 4 }, { "two_rx", dups, 4 }, { "nosuch", dups, 4 },
		  { "mod_03_xmit", mod03, 1 } };
	struct st_err err = { 0 };
	struct st_types *t = st_types_open(NULL, &err);

	(void)state;
	assert_non_null(t);
	assert_true(st_types_running(t));
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char all[512], some[512];
		bool same_all, same_some;
		struct st_tref pa = { 0 }, ps = { 0 };
		const char *ma = NULL, *ms = NULL;
		int n_all = st_types_func_mods(t, c[i].name, NULL, 0, all, sizeof(all), &same_all);
		int n_some = st_types_func_mods(t, c[i].name, c[i].only, c[i].nonly, some,
						sizeof(some), &same_some);
		int ra = st_types_func(t, c[i].name, &pa, &ma);
		int rs = st_types_func_among(t, c[i].name, c[i].only, c[i].nonly, &ps, &ms);

		assert_int_equal(n_all, n_some);
		assert_string_equal(all, some);
		assert_int_equal(same_all, same_some);
		assert_int_equal(ra, rs);
		assert_true(pa.btf == ps.btf && pa.id == ps.id);
		assert_true(ma == ms || (ma && ms && !strcmp(ma, ms)));
	}
	st_types_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_note_and_files),
		cmocka_unit_test(test_same_as_all),
	};

	return cmocka_run_group_tests_name("moddups", tests, setup, teardown);
}
