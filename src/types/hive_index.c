// SPDX-License-Identifier: MIT
/* The hive's index and layout: read, find, put, remove. libc only (lbc links it). */
#include "types/hive.h"
#include "types/kident.h"
#include "util/file.h"
#include "util/safedir.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *kinds[] = { "btf", "head", "funcs", "readme", "kmodidx" };

int st_hive_path(const char *dir, const struct st_hive_entry *e, const char *kind,
		 char *out, size_t n)
{
	return st_pathf(out, n, "%s/%s/%s/%s/%s", dir, e->arch, kind, e->distro, e->release);
}

/* One index line into e; -1 when malformed. */
static int parse_line(char *line, struct st_hive_entry *e)
{
	char *f[6], *save = NULL, *p = line;
	int i;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < 5; i++) {
		f[i] = strtok_r(p, " \t\n", &save);
		p = NULL;
		if (!f[i])
			return -1;
	}
	f[5] = save ? save + strspn(save, " \t") : NULL;
	if (!f[5] || !*f[5])
		return -1;
	f[5][strcspn(f[5], "\n")] = '\0';
	if (strlen(f[0]) >= sizeof(e->release) || strlen(f[1]) >= sizeof(e->arch) ||
	    strlen(f[2]) >= sizeof(e->distro) || strlen(f[3]) >= sizeof(e->build_id) ||
	    strlen(f[4]) >= sizeof(e->sha256))
		return -1;
	strcpy(e->release, f[0]);
	strcpy(e->arch, f[1]);
	strcpy(e->distro, f[2]);
	if (strcmp(f[3], "-"))
		strcpy(e->build_id, f[3]);
	strcpy(e->sha256, f[4]);
	snprintf(e->source, sizeof(e->source), "%s", f[5]);
	return 0;
}

int st_hive_load(const char *dir, struct st_hive_entry **v, size_t *n, struct st_err *err)
{
	char path[4096], *line = NULL;
	size_t cap = 0, len = 0, vcap = 0, lineno = 0;
	struct st_hive_entry *out = NULL;
	struct stat st;
	FILE *f;

	*v = NULL;
	*n = 0;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return st_err_set(err, 0, "no hive at %s (make one with 'surftrace hive add %s "
				  "SOURCE')", dir, dir);
	snprintf(path, sizeof(path), "%s/index", dir);
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : st_err_set(err, 0, "cannot read %s: %s", path,
							 strerror(errno));
	while (getline(&line, &cap, f) > 0) {
		struct st_hive_entry e, *nv;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (parse_line(line, &e)) {
			fclose(f);
			free(line);
			free(out);
			return st_err_set(err, 0, "%s:%zu: malformed index line", path, lineno);
		}
		if (len == vcap) {
			vcap = vcap ? vcap * 2 : 16;
			nv = realloc(out, vcap * sizeof(*nv));
			if (!nv) {
				fclose(f);
				free(line);
				free(out);
				return st_err_set(err, 0, "out of memory");
			}
			out = nv;
		}
		out[len++] = e;
	}
	fclose(f);
	free(line);
	*v = out;
	*n = len;
	return 0;
}

int st_hive_find(const char *dir, const char *arch, const char *build_id, const char *release,
		 struct st_hive_entry *out, struct st_err *err)
{
	struct st_hive_entry *v;
	size_t n, i;
	int pass;

	if (st_hive_load(dir, &v, &n, err))
		return -1;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			if (arch && *arch && strcmp(v[i].arch, arch))
				continue;
			if (pass == 0 ? (build_id && *build_id && !strcmp(v[i].build_id, build_id))
				      : (release && !strcmp(v[i].release, release))) {
				*out = v[i];
				free(v);
				return 0;
			}
		}
	}
	free(v);
	return st_err_set(err, 0, "the hive %s has no entry for kernel %s%s%s%s%s", dir,
			  release ? release : "?", arch && *arch ? " " : "", arch ? arch : "",
			  build_id && *build_id ? " build id " : "", build_id ? build_id : "");
}

static void write_line(FILE *f, const struct st_hive_entry *e)
{
	fprintf(f, "%s %s %s %s %s %s\n", e->release, e->arch, e->distro,
		e->build_id[0] ? e->build_id : "-", e->sha256, e->source);
}

/* Rewrite the index with v[0..n) (published: a reader sees the old index or the new). */
static int save_index(const char *dir, const struct st_hive_entry *v, size_t n,
		      struct st_err *err)
{
	struct st_memfile m;
	char path[4096];
	size_t i;

	if (st_pathf(path, sizeof(path), "%s/index", dir))
		return st_err_set(err, 0, "path too long: %s/index", dir);
	if (!st_memfile_open(&m, err))
		return -1;
	fprintf(m.f, "# surftrace hive 1: release arch distro build-id sha256 source\n");
	for (i = 0; i < n; i++)
		write_line(m.f, &v[i]);
	return st_memfile_publish(&m, path, err);
}

static int lock_hive(const char *dir, struct st_err *err)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/index.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		if (fd >= 0)
			close(fd);
		return st_err_set(err, 0, "cannot lock %s: %s", path, strerror(errno));
	}
	return fd;
}

/* Lock the hive and read its index: the lock fd (close it to unlock), or -1. */
static int lock_and_load(const char *dir, struct st_hive_entry **v, size_t *n,
			 struct st_err *err)
{
	int fd = lock_hive(dir, err);

	if (fd < 0)
		return -1;
	if (st_hive_load(dir, v, n, err)) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool same_slot(const struct st_hive_entry *a, const struct st_hive_entry *b)
{
	return !strcmp(a->arch, b->arch) && !strcmp(a->distro, b->distro) &&
	       !strcmp(a->release, b->release);
}

int st_hive_index_put(const char *dir, const struct st_hive_entry *e, struct st_err *err)
{
	struct st_hive_entry *v, *nv;
	size_t n, i, k = 0;
	int fd, rc;

	fd = lock_and_load(dir, &v, &n, err);
	if (fd < 0)
		return -1;
	nv = realloc(v, (n + 1) * sizeof(*nv));
	if (!nv) {
		free(v);
		close(fd);
		return st_err_set(err, 0, "out of memory");
	}
	for (i = 0; i < n; i++)
		if (!same_slot(&nv[i], e))
			nv[k++] = nv[i];
	nv[k++] = *e;
	rc = save_index(dir, nv, k, err);
	free(nv);
	close(fd);
	return rc;
}

/* A kmod/ directory of module files (one level). */
static void remove_dir(const char *path)
{
	char f[4400];
	struct dirent *de;
	DIR *d = opendir(path);

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(f, sizeof(f), "%s/%s", path, de->d_name);
			unlink(f);
		}
	closedir(d);
	rmdir(path);
}

static bool matches_key(const struct st_hive_entry *e, const char *key)
{
	size_t l = strlen(key);

	if (!strcmp(e->release, key))
		return true;
	return e->build_id[0] && l >= 8 && !strncmp(e->build_id, key, l);
}

int st_hive_rm(const char *dir, const char *key, struct st_err *err)
{
	struct st_hive_entry *v;
	size_t n, i, k = 0;
	int fd, removed = 0, rc;
	char path[4096];

	/* not a hive, or one without an index: nothing to remove, and nothing created */
	if (st_hive_load(dir, &v, &n, err))
		return -1;
	free(v);
	snprintf(path, sizeof(path), "%s/index", dir);
	if (access(path, F_OK))
		return 0;
	fd = lock_and_load(dir, &v, &n, err);
	if (fd < 0)
		return -1;
	for (i = 0; i < n; i++) {
		size_t j;

		if (!matches_key(&v[i], key)) {
			v[k++] = v[i];
			continue;
		}
		removed++;
		for (j = 0; j < sizeof(kinds) / sizeof(kinds[0]); j++)
			if (!st_hive_path(dir, &v[i], kinds[j], path, sizeof(path)))
				unlink(path);
		if (!st_hive_path(dir, &v[i], "kmod", path, sizeof(path)))
			remove_dir(path);
	}
	rc = removed ? save_index(dir, v, k, err) : 0;
	free(v);
	close(fd);
	return rc ? -1 : removed;
}

const char *st_hive_dir(const char *dir)
{
	const char *env = getenv("SURFTRACE_HIVE");

	if (dir && *dir)
		return dir;
	return env && *env ? env : NULL;
}

int st_hive_kernel_btf(const char *dir, const char *arch, const char *release, char *path,
		       size_t n, struct st_err *err)
{
	struct st_hive_entry e;
	struct utsname u;

	if (!arch || !*arch) {
		if (uname(&u))
			return st_err_set(err, 0, "uname: %s", strerror(errno));
		arch = !strcmp(u.machine, "arm64") ? "aarch64" : u.machine;
	} else if (!strcmp(arch, "arm64")) {
		arch = "aarch64";
	} else if (!strcmp(arch, "x86") || !strcmp(arch, "amd64")) {
		arch = "x86_64";
	}
	if (!dir)
		return st_err_set(err, 0, "--kernel %s needs a hive: --hive DIR or SURFTRACE_HIVE=DIR",
				  release);
	if (st_hive_find(dir, arch, release, release, &e, err) &&
	    st_hive_find(dir, arch, NULL, release, &e, err)) {
		st_err_set(err, 0, "the hive %s has no %s kernel %s (see 'surftrace hive list %s'; "
			   "add it with 'surftrace hive add %s PACKAGE')", dir, arch, release, dir, dir);
		return -1;
	}
	if (st_hive_path(dir, &e, "btf", path, n))
		return st_err_set(err, 0, "path too long under %s", dir);
	return 0;
}

static const char *host_arch(struct utsname *u)
{
	return !strcmp(u->machine, "arm64") ? "aarch64" : u->machine;
}

int st_hive_running_btf(const char *dir, char *path, size_t n, struct st_err *err)
{
	struct st_hive_entry e;
	char bid[41] = "";
	struct utsname u;

	if (uname(&u))
		return st_err_set(err, 0, "uname: %s", strerror(errno));
	if (!dir)
		return st_err_set(err, 0, "kernel %s has no BTF (no %s/vmlinux): make a hive from "
				  "its debug package, 'surftrace hive add DIR linux-image-%s-dbg*.deb' "
				  "(or its kernel-debuginfo rpm), and pass --hive DIR or "
				  "SURFTRACE_HIVE=DIR", u.release, st_sysfs_btf_dir(), u.release);
	st_kernel_build_id(bid);
	if (st_hive_find(dir, host_arch(&u), bid, u.release, &e, NULL))
		return st_err_set(err, 0, "kernel %s (%s%s%s) has no BTF and no entry in the hive "
				  "%s: add it with 'surftrace hive add %s linux-image-%s-dbg*.deb' "
				  "(or its kernel-debuginfo rpm)", u.release, host_arch(&u),
				  bid[0] ? ", build id " : "", bid, dir, dir, u.release);
	if (st_hive_path(dir, &e, "btf", path, n))
		return st_err_set(err, 0, "path too long under %s", dir);
	return 0;
}

int st_hive_resolve(const char *btf, const char *kernel, const char *arch, char *path,
		    size_t n, struct st_err *err)
{
	path[0] = '\0';
	if (btf && kernel)
		return st_err_set(err, 0, "--btf %s and --kernel %s both name the kernel: use one",
				  btf, kernel);
	if (kernel)
		return st_hive_kernel_btf(st_hive_dir(NULL), arch, kernel, path, n, err);
	if (btf && st_pathf(path, n, "%s", btf))
		return st_err_set(err, 0, "path too long: %s", btf);
	return 0;
}

/* The entry file of another kind beside a BTF file: ".../<arch>/btf/<distro>/<release>"
 * -> ".../<arch>/<kind>/<distro>/<release>", when it exists. */
static int sibling_of(const char *btf_path, const char *kind, char *out, size_t n)
{
	const char *k = strstr(btf_path, "/btf/");

	if (n)
		out[0] = '\0';
	if (!k || st_pathf(out, n, "%.*s/%s/%s", (int)(k - btf_path), btf_path, kind, k + 5))
		return -1;
	if (access(out, R_OK)) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int st_hive_readme_of(const char *btf_path, char *out, size_t n)
{
	return sibling_of(btf_path, "readme", out, n);
}

int st_hive_kmod_dir_of(const char *btf_path, char *out, size_t n)
{
	return sibling_of(btf_path, "kmod", out, n);
}

int st_hive_kmodidx_of(const char *btf_path, char *out, size_t n)
{
	return sibling_of(btf_path, "kmodidx", out, n);
}

int st_hive_of_btf(const char *btf_path, char *out, size_t n)
{
	const char *k = strstr(btf_path, "/btf/"), *arch;
	char idx[4200];

	if (n)
		out[0] = '\0';
	if (!k)
		return -1;
	for (arch = k; arch > btf_path && arch[-1] != '/'; arch--)
		;
	if (arch == btf_path || arch == k)
		return -1;
	if (st_pathf(out, n, "%.*s", (int)(arch - 1 - btf_path), btf_path))
		goto no;
	snprintf(idx, sizeof(idx), "%s/index", out);
	if (!access(idx, R_OK))
		return 0;
no:
	if (n)
		out[0] = '\0';
	return -1;
}
