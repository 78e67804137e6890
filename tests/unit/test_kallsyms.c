// SPDX-License-Identifier: MIT
/* The kallsyms table (types/kallsyms.c): address and name lookups on a written file, and
 * the per-boot cache of the running kernel's list against a direct read of /proc/kallsyms. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "test_kcache.h"
#include "types/kallsyms.h"

static void write_file(const char *path, const char *text, size_t n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void test_lookups(void **state)
{
	static const char list[] =
		"ffffffff81000000 T _stext\n"
		"ffffffff81000000 T _text\n"          /* an alias: the last one is named */
		"ffffffff81000100 t __pfx_foo\n"
		"ffffffff81000110 t foo\n"
		"ffffffff81000150 D some_data\n"      /* not text: left out */
		"ffffffff810001c0 W weak_fn\n"
		"ffffffff81000200 t modfn\t[mymod]\n";
	char path[] = "/tmp/kallsyms_test_XXXXXX";
	unsigned long long start, size;
	struct st_kallsyms *k;
	const char *name;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_file(path, list, sizeof(list) - 1);
	k = st_kallsyms_read(path, true, NULL);   /* cached applies to /proc/kallsyms only */
	assert_non_null(k);
	assert_int_equal(st_kallsyms_count(k), 6);
	assert_false(st_kallsyms_hidden(k));
	assert_string_equal(st_kallsyms_at(k, 5)->module, "mymod");
	assert_null(st_kallsyms_at(k, 0)->module);
	assert_int_equal(st_kallsyms_at(k, 4)->type, 'W');

	assert_true(st_kallsyms_addr(k, 0xffffffff81000010ULL, &name, &start, &size));
	assert_string_equal(name, "_text");
	assert_true(start == 0xffffffff81000000ULL && size == 0x100);
	assert_true(st_kallsyms_addr(k, 0xffffffff81000150ULL, &name, &start, &size));
	assert_string_equal(name, "foo");                  /* data is not a symbol here */
	assert_true(size == 0xb0);                          /* up to the weak function */
	assert_true(st_kallsyms_addr(k, 0xffffffff81000300ULL, &name, &start, &size));
	assert_string_equal(name, "modfn");
	assert_true(size == 0);                             /* the last: no end known */
	assert_false(st_kallsyms_addr(k, 0xffffffff80000000ULL, &name, &start, &size));

	assert_int_equal(st_kallsyms_name_span(k, "foo", &size), 0);
	assert_true(size == 0xb0);
	assert_int_equal(st_kallsyms_name_span(k, "modfn", &size), -1);
	assert_int_equal(st_kallsyms_name_span(k, "nosuch", &size), -1);
	st_kallsyms_free(k);

	/* hidden addresses (kptr_restrict): names only, no address lookup */
	write_file(path, "0000000000000000 T a\n0000000000000000 t b\n", 42);
	k = st_kallsyms_read(path, false, NULL);
	assert_non_null(k);
	assert_int_equal(st_kallsyms_count(k), 2);
	assert_true(st_kallsyms_hidden(k));
	assert_false(st_kallsyms_addr(k, 0x10, &name, &start, &size));
	st_kallsyms_free(k);
	unlink(path);
	assert_null(st_kallsyms_read(path, false, NULL));
}

static bool is_dynamic(const struct st_ktext *s)
{
	return s->module && (!strcmp(s->module, "bpf") || !strncmp(s->module, "__builtin__", 11));
}

/* Two reads hold the same symbols in the same order, but the [bpf] and trampoline ones
 * (a cached table has none; a read that missed the cache has the live ones). */
static void same_static(const struct st_kallsyms *x, const struct st_kallsyms *y)
{
	size_t i = 0, j = 0, nx = st_kallsyms_count(x), ny = st_kallsyms_count(y), bad = 0;

	for (;;) {
		const struct st_ktext *a, *b;

		while (i < nx && is_dynamic(st_kallsyms_at(x, i)))
			i++;
		while (j < ny && is_dynamic(st_kallsyms_at(y, j)))
			j++;
		if (i == nx || j == ny)
			break;
		a = st_kallsyms_at(x, i++);
		b = st_kallsyms_at(y, j++);
		if (a->addr != b->addr || a->type != b->type || strcmp(a->name, b->name) ||
		    (a->module ? !b->module || strcmp(a->module, b->module) : b->module != NULL))
			bad++;
	}
	assert_int_equal(bad, 0);
	assert_true(i == nx && j == ny);
}

/* A cached table has no [bpf] or trampoline symbol. */
static void no_dynamic(const struct st_kallsyms *k)
{
	size_t i, n = st_kallsyms_count(k);

	for (i = 0; i < n; i++)
		assert_false(is_dynamic(st_kallsyms_at(k, i)));
}

static void test_cache(void **state)
{
	char dir[] = "/tmp/kallsyms_cache_XXXXXX", file[64];
	struct st_kallsyms *live, *first, *cached;
	struct stat st;
	FILE *f;

	(void)state;
	if (!kcache_begin(dir, file, sizeof(file)))
		return;

	live = st_kallsyms_read(NULL, false, NULL);
	assert_non_null(live);
	assert_int_not_equal(stat(file, &st), 0);          /* a plain read writes nothing */
	first = st_kallsyms_read(NULL, true, NULL);         /* miss: read, then written */
	assert_non_null(first);
	assert_int_equal(stat(file, &st), 0);
	assert_true(S_ISREG(st.st_mode) && (st.st_mode & 077) == 0 && st.st_uid == geteuid());
	cached = st_kallsyms_read(NULL, true, NULL);        /* hit */
	assert_non_null(cached);
	same_static(live, cached);
	no_dynamic(cached);
	st_kallsyms_free(cached);

	/* a damaged entry (cut short) is not used, and is written again */
	assert_int_equal(truncate(file, st.st_size - 5), 0);
	cached = st_kallsyms_read(NULL, true, NULL);
	assert_non_null(cached);
	same_static(live, cached);
	st_kallsyms_free(cached);
	assert_int_equal(stat(file, &st), 0);
	cached = st_kallsyms_read(NULL, true, NULL);
	assert_non_null(cached);
	same_static(live, cached);
	no_dynamic(cached);                                 /* a hit again */
	st_kallsyms_free(cached);

	/* an entry others may write is not trusted: replaced by the user's own */
	assert_int_equal(chmod(file, 0666), 0);
	f = fopen(file, "r+");
	assert_non_null(f);
	fputs("STKS3 0000", f);   /* whatever it says */
	fclose(f);
	cached = st_kallsyms_read(NULL, true, NULL);
	assert_non_null(cached);
	same_static(live, cached);
	st_kallsyms_free(cached);
	assert_int_equal(stat(file, &st), 0);
	assert_true((st.st_mode & 077) == 0);

	st_kallsyms_free(first);
	st_kallsyms_free(live);
	kcache_end(dir, file);
}

/* Whether path is mapped into this process (/proc/self/maps). */
static bool mapped_here(const char *path)
{
	char line[4608];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "r");

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, path) != NULL;
	fclose(f);
	return found;
}

/* The cache looked up in place (st_kallsyms_read_mapped): the entry is mapped, not read;
 * in strcmp order; every symbol of a direct read of /proc/kallsyms (the [bpf] and
 * trampoline ones aside) is found by name with its address, type and module; the
 * accessors build the same file-order table as the read. Then a garbled entry (records
 * overwritten, header and length intact): every lookup stays inside the mapping (ASan
 * builds check it) and gives at worst wrong names. */
static void test_mapped(void **state)
{
	char dir[] = "/tmp/kallsyms_map_XXXXXX", file[64];
	struct st_kallsyms *live, *k, *first;
	struct st_ktext s, prev = { 0 };
	unsigned long long start, size;
	size_t i, j, n, checked = 0, bad = 0;
	const char *name;
	struct stat st;
	FILE *f;

	(void)state;
	if (!kcache_begin(dir, file, sizeof(file)))
		return;
	live = st_kallsyms_read(NULL, false, NULL);
	assert_non_null(live);
	first = st_kallsyms_read_mapped(NULL);     /* a miss: read, written, not mapped */
	assert_non_null(first);
	assert_int_equal(st_kallsyms_named(first), 0);
	st_kallsyms_free(first);

	k = st_kallsyms_read_mapped(NULL);
	assert_non_null(k);
	assert_true(mapped_here(file));
	n = st_kallsyms_named(k);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		assert_true(st_kallsyms_named_at(k, i, &s));
		if (i)
			assert_true(strcmp(prev.name, s.name) <= 0);
		prev = s;
	}
	assert_false(st_kallsyms_named_at(k, n, &s));
	for (i = 0; i < st_kallsyms_count(live); i += 7) {
		const struct st_ktext *w = st_kallsyms_at(live, i);
		bool found = false;

		if (is_dynamic(w))
			continue;
		for (j = st_kallsyms_named_lower(k, w->name);
		     !found && st_kallsyms_named_at(k, j, &s) && !strcmp(s.name, w->name); j++)
			found = s.addr == w->addr && s.type == w->type &&
				(w->module ? s.module && !strcmp(s.module, w->module) : !s.module);
		bad += !found;
		checked++;
	}
	assert_true(checked > 1000);
	assert_int_equal(bad, 0);
	assert_int_equal(st_kallsyms_named_lower(k, "\x7f\x7f"), n);
	/* extents by the entry's address index = by a scan of the whole table */
	first = st_kallsyms_read(NULL, true, NULL);
	assert_non_null(first);
	for (i = checked = 0; i < st_kallsyms_count(first); i += 11) {
		const char *w = st_kallsyms_at(first, i)->name;
		unsigned long long want = 0, got = 0;
		int rw = st_kallsyms_name_span(first, w, &want);

		assert_int_equal(st_kallsyms_name_span(k, w, &got), rw);
		assert_true(want == got);
		checked += rw == 0;
	}
	assert_true(checked > 1000 || st_kallsyms_hidden(first));
	st_kallsyms_free(first);
	same_static(live, k);                       /* the file-order table, built on use */
	st_kallsyms_free(k);
	assert_false(mapped_here(file));

	/* garbled records: the header's key and lengths still match */
	assert_int_equal(stat(file, &st), 0);
	f = fopen(file, "r+");
	assert_non_null(f);
	srand(7);
	for (i = 0; i < 20000; i++) {
		assert_int_equal(fseek(f, 100 + rand() % (st.st_size - 101), SEEK_SET), 0);
		fputc(rand() & 0xff, f);
	}
	assert_int_equal(fclose(f), 0);
	k = st_kallsyms_read_mapped(NULL);
	assert_non_null(k);
	n = st_kallsyms_named(k);
	for (i = 0; i < n + 2; i++)
		if (st_kallsyms_named_at(k, i, &s))
			assert_true(strlen(s.name) < (size_t)st.st_size && strchr("tTwW", s.type));
	(void)st_kallsyms_named_lower(k, "schedule");
	for (i = 0; i < st_kallsyms_count(k); i++)
		assert_non_null(st_kallsyms_at(k, i)->name);
	(void)st_kallsyms_addr(k, 0xffffffff81000000ULL, &name, &start, &size);
	(void)st_kallsyms_name_span(k, "schedule", &size);
	st_kallsyms_free(k);

	st_kallsyms_free(live);
	kcache_end(dir, file);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_lookups),
					    cmocka_unit_test(test_cache),
					    cmocka_unit_test(test_mapped) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
