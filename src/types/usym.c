// SPDX-License-Identifier: MIT
/* Finding the binary a uprobe names: a path, a command in $PATH, or a library name. */
#include "types/usym.h"
#include "types/usym_ldcache.h"
#include "util/file.h"
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Library directories searched when ld.so.cache does not know the name (a stale cache,
 * or a chroot without one). Multiarch first, as Debian's loader does. */
static const char *const lib_dirs[] = {
#if defined(__x86_64__)
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
#elif defined(__aarch64__)
	"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
#endif
	"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
};

static bool is_regular(const char *p, bool need_exec)
{
	struct stat st;

	if (stat(p, &st) || !S_ISREG(st.st_mode))
		return false;
	return !need_exec || access(p, X_OK) == 0;
}

/* Canonical absolute path: uprobe_events wants a path the kernel can resolve, and two
 * spellings of one file must give one probe target. */
static int set_real(const char *p, char *path, size_t n, struct st_err *err,
		    const char *name)
{
	char buf[PATH_MAX];

	if (!realpath(p, buf))
		return st_err_set(err, 0, "cannot resolve '%s'", name);
	if (strlen(buf) >= n)
		return st_err_set(err, 0, "path of '%s' is too long", name);
	strcpy(path, buf);
	return 0;
}

static int search_path_env(const char *name, char *out, size_t n)
{
	const char *env = getenv("PATH");
	char *dup, *dir, *save = NULL, buf[PATH_MAX];
	int ret = -1;

	if (!env || !*env)
		env = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";
	dup = strdup(env);
	if (!dup)
		return -1;
	for (dir = strtok_r(dup, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if (st_pathf(buf, sizeof(buf), "%s/%s", *dir ? dir : ".", name))
			continue;
		if (is_regular(buf, true) && strlen(buf) < n) {
			strcpy(out, buf);
			ret = 0;
			break;
		}
	}
	free(dup);
	return ret;
}

int st_usym_find_command(const char *name, char *path, size_t n)
{
	struct stat st;

	if (!strchr(name, '/')) {
		if (search_path_env(name, path, n) == 0)
			return 0;
		errno = ENOENT;
		return -1;
	}
	if (stat(name, &st))
		return -1;
	if (!S_ISREG(st.st_mode) || access(name, X_OK)) {
		errno = EACCES;
		return -1;
	}
	if (strlen(name) >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(path, name);
	return 0;
}

/* "name", "name.so" or "name.so.N" in one directory. */
static int search_lib_dir(const char *dir, const char *name, char *out, size_t n)
{
	size_t len = strlen(name);
	struct dirent *de;
	DIR *d;
	int ret = -1;

	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		const char *e = de->d_name;
		char buf[PATH_MAX];

		if (strcmp(e, name) && (strncmp(e, name, len) || strncmp(e + len, ".so", 3) ||
					(e[len + 3] && e[len + 3] != '.')))
			continue;
		if (st_pathf(buf, sizeof(buf), "%s/%s", dir, e) ||
		    !is_regular(buf, false) || strlen(buf) >= n)
			continue;
		strcpy(out, buf);
		ret = 0;
		/* An exact or versioned name is as good as it gets; keep looking otherwise. */
		if (e[len + 3] == '.' || !strcmp(e, name))
			break;
	}
	closedir(d);
	return ret;
}

static int search_libs(const char *name, char *out, size_t n)
{
	size_t i;

	if (!st_ldcache_lookup(NULL, name, out, n) && is_regular(out, false))
		return 0;
	for (i = 0; i < sizeof(lib_dirs) / sizeof(lib_dirs[0]); i++)
		if (!search_lib_dir(lib_dirs[i], name, out, n))
			return 0;
	return -1;
}

int st_usym_find_binary(const char *name, char *path, size_t n, struct st_err *err)
{
	char buf[PATH_MAX];
	bool libish;

	if (!name || !*name)
		return st_err_set(err, 0, "empty binary name");
	if (strchr(name, '/')) {
		if (!is_regular(name, false))
			return st_err_set(err, 0, "no such file: '%s'", name);
		return set_real(name, path, n, err, name);
	}
	/* "libc" or "libfoo.so.1" is a library first; anything else a command first. */
	libish = !strncmp(name, "lib", 3) || strstr(name, ".so");
	if (libish ? !search_libs(name, buf, sizeof(buf)) || !search_path_env(name, buf, sizeof(buf))
		   : !search_path_env(name, buf, sizeof(buf)) || !search_libs(name, buf, sizeof(buf)))
		return set_real(buf, path, n, err, name);
	return st_err_set(err, 0, "cannot find binary or library '%s' (not a path, not in $PATH, not in ld.so.cache)", name);
}
