/* SPDX-License-Identifier: MIT */
/* A private cache directory (SURFTRACE_CACHE_DIR) for the tests of kallsyms' per-boot
 * cache (test_kallsyms, test_ksyms). */
#ifndef TEST_KCACHE_H
#define TEST_KCACHE_H
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* dir: a mkdtemp template. False (the test is skipped) without a readable /proc/kallsyms;
 * else dir is made, SURFTRACE_CACHE_DIR names it and file (n bytes) is DIR/kallsyms. */
static inline bool kcache_begin(char *dir, char *file, size_t n)
{
	if (access("/proc/kallsyms", R_OK)) {
		skip();
		return false;
	}
	assert_non_null(mkdtemp(dir));
	setenv("SURFTRACE_CACHE_DIR", dir, 1);
	snprintf(file, n, "%s/kallsyms", dir);
	return true;
}

static inline void kcache_end(const char *dir, const char *file)
{
	unlink(file);
	rmdir(dir);
	unsetenv("SURFTRACE_CACHE_DIR");
}

#endif
