// SPDX-License-Identifier: MIT
/* User binaries: find_binary against the shell's and ldconfig's answers, st_usym_offset
 * against readelf -s / readelf -l arithmetic done here, st_usym_list against readelf's
 * symbol tables. The fixtures come from tests/fixtures/fixtures.mk. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "types/usym.h"
#include "types/usym_ldcache.h"

static char fixdir[PATH_MAX];

/* First line of a shell command's output, without the newline. */
static int sh_line(char *buf, size_t n, const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	FILE *p;
	int ok;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	ok = fgets(buf, (int)n, p) != NULL;
	while (fgetc(p) != EOF)
		;
	pclose(p);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* Oracle: readelf -sW gives the symbol's value, readelf -lW the PT_LOAD segments; the
 * file offset is value - p_vaddr + p_offset of the segment holding it. */
static unsigned long long readelf_offset(const char *path, const char *sym)
{
	char cmd[1024], line[512], val[64];
	unsigned long long v, off, va, pa, fsz, msz, res = 0;
	int found = 0;
	FILE *p;

	assert_int_equal(sh_line(val, sizeof(val),
		"readelf -sW '%s' | awk '$4==\"FUNC\" && $7!=\"UND\" { n=$8; sub(/@.*/, \"\", n); "
		"if (n==\"%s\") { print $2; exit } }'", path, sym), 0);
	v = strtoull(val, NULL, 16);
	assert_true(v != 0);
	snprintf(cmd, sizeof(cmd), "readelf -lW '%s'", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		if (sscanf(line, " LOAD %llx %llx %llx %llx %llx", &off, &va, &pa, &fsz, &msz) == 5 &&
		    v >= va && v < va + msz && !found) {
			res = v - va + off;
			found = 1;
		}
	}
	pclose(p);
	assert_true(found);
	return res;
}

static void check_offset(const char *path, const char *sym, long add)
{
	struct st_err err = {0};
	unsigned long long got = 0;

	if (st_usym_offset(path, sym, 0, add, &got, &err))
		fail_msg("st_usym_offset(%s, %s): %s", path, sym, err.msg);
	assert_int_equal(got, readelf_offset(path, sym) + (unsigned long long)add);
}

static void test_offset_pie(void **state)
{
	char app[PATH_MAX + 16];

	(void)state;
	snprintf(app, sizeof(app), "%s/app", fixdir);
	check_offset(app, "app_work", 0);
	check_offset(app, "app_static", 0);   /* local: .symtab only */
	check_offset(app, "main", 4);
}

static void test_offset_nopie(void **state)
{
	char app[PATH_MAX + 16];
	struct st_err err = {0};
	unsigned long long got = 0, want;

	(void)state;
	snprintf(app, sizeof(app), "%s/app_nopie", fixdir);
	check_offset(app, "app_work", 0);
	/* Non-PIE: the value is an absolute address (0x40xxxx), the offset is far smaller. */
	want = readelf_offset(app, "app_work");
	assert_int_equal(st_usym_offset(app, "app_work", 0, 0, &got, &err), 0);
	assert_true(got < 0x400000 && got == want);
}

/* Oracle for instruction starts: objdump -d over [value, value + size) of sym (readelf -s).
 * Returns the first start at or after min (relative to sym), or -1. */
static long objdump_start_from(const char *path, const char *sym, long min)
{
	char line[512];
	unsigned long long v, n;
	long at = -1;
	FILE *p;

	assert_int_equal(sh_line(line, sizeof(line),
		"readelf -sW '%s' | awk '$4==\"FUNC\" && $7!=\"UND\" { n=$8; sub(/@.*/, \"\", n); "
		"if (n==\"%s\") { print $2, $3; exit } }'", path, sym), 0);
	assert_int_equal(sscanf(line, "%llx %llu", &v, &n), 2);
	snprintf(line, sizeof(line), "objdump -d --no-show-raw-insn --start-address=0x%llx "
		 "--stop-address=0x%llx '%s'", v, v + n, path);
	p = popen(line, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		unsigned long long a;

		if (at < 0 && sscanf(line, " %llx:", &a) == 1 && strchr(line, '\t') &&
		    (long)(a - v) >= min)
			at = (long)(a - v);
	}
	pclose(p);
	return at;
}

static void test_offset_libc_malloc(void **state)
{
	char libc[PATH_MAX];
	struct st_err err = {0};
	unsigned long long got;
	long at;

	(void)state;
	assert_int_equal(st_usym_find_binary("libc", libc, sizeof(libc), &err), 0);
	check_offset(libc, "malloc", 0);
	/* the first instruction start at or after +5, and the byte after it */
	at = objdump_start_from(libc, "malloc", 5);
	assert_true(at >= 5);
	check_offset(libc, "malloc", at);
	if (objdump_start_from(libc, "malloc", at + 1) != at + 1) {
		assert_int_equal(st_usym_offset(libc, "malloc", 0, at + 1, &got, &err), -1);
		assert_non_null(strstr(err.msg, "is inside an instruction"));
	}
	check_offset(libc, "free", 0);
}

static void test_offset_by_vaddr(void **state)
{
	char app[PATH_MAX + 16], val[64];
	struct st_err err = {0};
	unsigned long long got = 0;

	(void)state;
	snprintf(app, sizeof(app), "%s/app_nopie", fixdir);
	assert_int_equal(sh_line(val, sizeof(val), "readelf -sW '%s' | awk '$8==\"app_work\" {print $2}'", app), 0);
	assert_int_equal(st_usym_offset(app, NULL, strtoull(val, NULL, 16), 0, &got, &err), 0);
	assert_int_equal(got, readelf_offset(app, "app_work"));
}

static void test_offset_errors(void **state)
{
	char app[PATH_MAX + 16];
	struct st_err err = {0};
	unsigned long long got = 0;

	(void)state;
	snprintf(app, sizeof(app), "%s/app", fixdir);
	assert_int_equal(st_usym_offset(app, "no_such_function_xyz", 0, 0, &got, &err), -1);
	assert_non_null(strstr(err.msg, "no_such_function_xyz"));
	assert_int_equal(st_usym_offset("/nonexistent", "main", 0, 0, &got, &err), -1);
	assert_int_equal(st_usym_offset(app, NULL, 0x7fffffff0000ULL, 0, &got, &err), -1);
}

static void test_find_bash(void **state)
{
	char want[PATH_MAX], got[PATH_MAX];
	struct st_err err = {0};

	(void)state;
	assert_int_equal(sh_line(want, sizeof(want), "readlink -f \"$(command -v bash)\""), 0);
	assert_int_equal(st_usym_find_binary("bash", got, sizeof(got), &err), 0);
	assert_string_equal(got, want);
}

/* ldconfig -p is the oracle for the cache; only this machine's ABI (x86-64 here) counts:
 * /lib32/libc.so.6 is also in the cache and must not be chosen. */
static void test_find_libs(void **state)
{
	static const char *const names[][2] = {
		{ "libc", "libc.so.6" }, { "libc.so.6", "libc.so.6" },
		{ "libpthread", "libpthread.so.0" }, { "libm", "libm.so.6" },
	};
	char want[PATH_MAX], got[PATH_MAX];
	struct st_err err = {0};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(sh_line(want, sizeof(want),
			"readlink -f \"$(ldconfig -p | awk '$1==\"%s\" && $2 ~ /x86-64|AArch64/ {print $NF; exit}')\"",
			names[i][1]), 0);
		assert_int_equal(st_usym_find_binary(names[i][0], got, sizeof(got), &err), 0);
		assert_string_equal(got, want);
	}
	assert_int_equal(st_usym_find_binary("libdoesnotexist_xyz", got, sizeof(got), &err), -1);
	assert_non_null(strstr(err.msg, "libdoesnotexist_xyz"));
	assert_int_equal(st_usym_find_binary("no-such-command-xyz", got, sizeof(got), &err), -1);
}

static void test_find_relative(void **state)
{
	char cwd[PATH_MAX], got[PATH_MAX], want[PATH_MAX + 16];
	struct st_err err = {0};

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(fixdir), 0);
	assert_int_equal(st_usym_find_binary("./app", got, sizeof(got), &err), 0);
	assert_int_equal(st_usym_find_binary("./missing_app", want, sizeof(want), &err), -1);
	assert_int_equal(chdir(cwd), 0);
	snprintf(want, sizeof(want), "%s/app", fixdir);
	assert_string_equal(got, want);
	assert_true(got[0] == '/');
}

/* A handmade cache: an i386 entry for libfoo.so.1 first, then this ABI's entry; the
 * lookup must pick the second and match "libfoo" to "libfoo.so.1". */
static void test_ldcache_format(void **state)
{
	static const char *const strs[] = { "libfoo.so.1", "/lib32/libfoo.so.1", "/lib64dir/libfoo.so.1" };
#if defined(__aarch64__)
	const unsigned int abi = 0x0a03;
#else
	const unsigned int abi = 0x0303;
#endif
	unsigned char buf[256] = {0};
	char path[] = "/tmp/st_ldcache.XXXXXX", got[256];
	unsigned int nlibs = 2, off[3], e[2][6];
	size_t pos = 48 + 2 * 24, i;
	int fd;

	(void)state;
	memcpy(buf, "glibc-ld.so.cache1.1", 20);
	memcpy(buf + 20, &nlibs, 4);
	for (i = 0; i < 3; i++) {
		off[i] = (unsigned)pos;        /* string offsets count from the header */
		memcpy(buf + pos, strs[i], strlen(strs[i]) + 1);
		pos += strlen(strs[i]) + 1;
	}
	/* Entries: flags, key, value, osversion, hwcap (two words). */
	memset(e, 0, sizeof(e));
	e[0][0] = 0x0003; e[0][1] = off[0]; e[0][2] = off[1];   /* i386 libc6 */
	e[1][0] = abi;    e[1][1] = off[0]; e[1][2] = off[2];
	memcpy(buf + 48, e, sizeof(e));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, pos), (ssize_t)pos);
	close(fd);
	assert_int_equal(st_ldcache_lookup(path, "libfoo", got, sizeof(got)), 0);
	assert_string_equal(got, "/lib64dir/libfoo.so.1");
	assert_int_equal(st_ldcache_lookup(path, "libfoo.so.1", got, sizeof(got)), 0);
	assert_string_equal(got, "/lib64dir/libfoo.so.1");
	assert_int_equal(st_ldcache_lookup(path, "libfo", got, sizeof(got)), -1);
	unlink(path);
}

/* Oracle: readelf's FUNC symbols (both tables, defined, version suffix dropped). */
static int readelf_count(const char *path, const char *glob)
{
	char cmd[1024], name[512];
	FILE *p;
	char **seen = NULL;
	int n = 0, i, dup;

	snprintf(cmd, sizeof(cmd), "readelf -sW '%s' | awk '($4==\"FUNC\" || $4==\"IFUNC\") && $7!=\"UND\" "
		 "{ n=$8; sub(/@.*/, \"\", n); print n }'", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(name, sizeof(name), p)) {
		name[strcspn(name, "\n")] = 0;
		if (!*name || fnmatch(glob, name, 0))
			continue;
		for (i = 0, dup = 0; i < n && !dup; i++)
			dup = !strcmp(seen[i], name);
		if (dup)
			continue;
		seen = realloc(seen, (n + 1) * sizeof(*seen));
		seen[n++] = strdup(name);
	}
	pclose(p);
	for (i = 0; i < n; i++)
		free(seen[i]);
	free(seen);
	return n;
}

static void test_list(void **state)
{
	char app[PATH_MAX + 16], libc[PATH_MAX];
	struct st_err err = {0};
	char **names;
	int n, i, has_work = 0, has_static = 0;

	(void)state;
	snprintf(app, sizeof(app), "%s/app", fixdir);
	n = st_usym_list(app, "app_*", &names, &err);
	assert_int_equal(n, readelf_count(app, "app_*"));
	for (i = 0; i < n; i++) {
		has_work |= !strcmp(names[i], "app_work");
		has_static |= !strcmp(names[i], "app_static");
		if (i)
			assert_true(strcmp(names[i - 1], names[i]) < 0);  /* sorted, unique */
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	assert_true(has_work && has_static);
	assert_int_equal(st_usym_find_binary("libc", libc, sizeof(libc), &err), 0);
	n = st_usym_list(libc, "mall*", &names, &err);
	assert_true(n >= 1);
	assert_int_equal(n, readelf_count(libc, "mall*"));
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	assert_int_equal(st_usym_list(app, "zzz_nothing*", &names, &err), 0);
	assert_int_equal(st_usym_list("/nonexistent", "*", &names, &err), -1);
}

static int setup(void **state)
{
	const char *b = getenv("B");
	char rel[PATH_MAX];

	(void)state;
	snprintf(rel, sizeof(rel), "%s/fixtures", b && *b ? b : "build");
	return realpath(rel, fixdir) ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offset_pie),
		cmocka_unit_test(test_offset_nopie),
		cmocka_unit_test(test_offset_libc_malloc),
		cmocka_unit_test(test_offset_by_vaddr),
		cmocka_unit_test(test_offset_errors),
		cmocka_unit_test(test_find_bash),
		cmocka_unit_test(test_find_libs),
		cmocka_unit_test(test_find_relative),
		cmocka_unit_test(test_ldcache_format),
		cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests_name("usym", tests, setup, NULL);
}
