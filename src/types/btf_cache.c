// SPDX-License-Identifier: MIT
/* The converted-BTF cache (see btf_cache.h). An entry is one file <dir>/<key>.btf: a header
 * line
 *   STBTF1 <key> <build id> <dwarf size> <dwarf mtime s> <mtime ns> <dwarf inode>
 *          <sha256 of payload> <payload size> <dwarf file path>
 * followed by the raw BTF. key = SHA-256 of the format and converter versions, a hash of
 * the converter's sources (build/gen/convhash.h), libbpf's version, the build id and the
 * function ("*" for every unit). Published with st_safedir_publish (a private temp file
 * renamed into place), so a reader sees a whole entry or none. */
#include "types/btf_cache.h"
#include "types/usym.h"
#include "util/file.h"
#include "util/safedir.h"
#include "util/sha256.h"
#include "convhash.h"
#include <bpf/btf.h>
#include <bpf/libbpf_version.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ENTRY (512u << 20)
#define HDR_MAX (PATH_MAX + 400)

struct st_btf_cache {
	int fd;
};

static bool cache_off(void)
{
	const char *v = getenv("SURFTRACE_BTF_CACHE");

	return v && (!strcmp(v, "0") || !strcasecmp(v, "off") || !strcasecmp(v, "no"));
}

struct st_btf_cache *st_btf_cache_open(const char *dir, char *why, size_t whylen)
{
	char path[PATH_MAX], root[PATH_MAX - 4];
	struct st_btf_cache *c;
	int rc, fd;

	why[0] = 0;
	if (cache_off())
		return NULL;
	if (dir)
		rc = st_pathf(path, sizeof(path), "%s", dir);
	else if (st_cache_path("surftrace", "SURFTRACE_CACHE_DIR", root, sizeof(root)))
		return snprintf(why, whylen, "no cache directory ($HOME is not set)"), NULL;
	else
		rc = st_pathf(path, sizeof(path), "%s/btf", root);
	if (rc)
		return snprintf(why, whylen, "cache directory name too long"), NULL;
	fd = st_safedir_open(path, true, why, whylen);
	if (fd < 0)
		return NULL;
	c = malloc(sizeof(*c));
	if (!c) {
		close(fd);
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	c->fd = fd;
	return c;
}

void st_btf_cache_close(struct st_btf_cache *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c);
}

static void entry_key(const char *build_id, const char *func, char key[65])
{
	struct st_sha256 s;
	uint8_t d[32];
	int v[3] = { 1, ST_DWARF_BTF_VERSION, LIBBPF_MAJOR_VERSION * 1000 + LIBBPF_MINOR_VERSION };

	st_sha256_init(&s);
	st_sha256_update(&s, "surftrace-btf-cache", 20);
	st_sha256_update(&s, v, sizeof(v));
	st_sha256_update(&s, ST_DWARF_BTF_SRCHASH, sizeof(ST_DWARF_BTF_SRCHASH));
	st_sha256_update(&s, build_id, strlen(build_id) + 1);
	st_sha256_update(&s, func ? func : "*", strlen(func ? func : "*") + 1);
	st_sha256_final(&s, d);
	st_sha256_hex(d, key);
}

/* The cached BTF under name, or NULL (missing, foreign, stale, corrupt: the caller
 * converts again; whatever was there is removed). */
static struct btf *lookup(struct st_btf_cache *c, const char *name, const char *key)
{
	char hkey[65], hid[41], hsha[65], sha[65], *dpath = NULL, *buf = NULL, *nl;
	unsigned long long dsize, dsec, dnsec, dino, psize;
	struct stat st, ds;
	struct btf *btf = NULL;
	uint8_t d[32];
	int fd, pos = 0;

	/* O_NONBLOCK: a fifo planted under the entry's name must not hang the open. */
	fd = openat(c->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? NULL : (st_safedir_remove(c->fd, name), NULL);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) || st.st_size < 64 || (unsigned long long)st.st_size > MAX_ENTRY)
		goto bad;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf || read(fd, buf, (size_t)st.st_size) != st.st_size)
		goto bad;
	buf[st.st_size] = 0;
	nl = memchr(buf, '\n', (size_t)st.st_size < HDR_MAX ? (size_t)st.st_size : HDR_MAX);
	if (!nl)
		goto bad;
	*nl = 0;
	if (sscanf(buf, "STBTF1 %64s %40s %llu %llu %llu %llu %64s %llu %n", hkey, hid, &dsize,
		   &dsec, &dnsec, &dino, hsha, &psize, &pos) != 8 || !pos || strcmp(hkey, key) ||
	    psize != (unsigned long long)(st.st_size - (nl + 1 - buf)))
		goto bad;
	dpath = buf + pos;
	/* The file the DWARF came from must be the one converted (an upgraded -dbg package,
	 * a rebuilt binary with a reused id): same size, mtime and inode. */
	if (dpath[0] != '/' || stat(dpath, &ds) || (unsigned long long)ds.st_size != dsize ||
	    (unsigned long long)ds.st_mtim.tv_sec != dsec ||
	    (unsigned long long)ds.st_mtim.tv_nsec != dnsec || (unsigned long long)ds.st_ino != dino)
		goto bad;
	st_sha256(nl + 1, (size_t)psize, d);
	st_sha256_hex(d, sha);
	if (strcmp(sha, hsha))
		goto bad;
	btf = btf__new(nl + 1, (__u32)psize);
	if (!btf || btf__type_cnt(btf) < 2) {
		btf__free(btf);
		btf = NULL;
		goto bad;
	}
	free(buf);
	close(fd);
	return btf;
bad:
	free(buf);
	close(fd);
	st_safedir_remove(c->fd, name);
	return NULL;
}

struct aged {
	char name[80];
	long long mtime;
};

static int cmp_aged(const void *a, const void *b)
{
	const struct aged *x = a, *y = b;

	return (x->mtime > y->mtime) - (x->mtime < y->mtime);
}

/* Keeps the cache bounded: past ST_BTF_CACHE_MAX entries, the oldest written are removed
 * down to three quarters of it (at store time only: a hit stays read-only). */
static void trim(struct st_btf_cache *c)
{
	struct aged *v = NULL, *nv;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	int fd = dup(c->fd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct stat st;

		if (len < 5 || len >= sizeof(v->name) || strcmp(de->d_name + len - 4, ".btf") ||
		    fstatat(c->fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		memcpy(v[n].name, de->d_name, len + 1);
		v[n++].mtime = (long long)st.st_mtim.tv_sec;
	}
	closedir(d);
	if (n > ST_BTF_CACHE_MAX) {
		qsort(v, n, sizeof(*v), cmp_aged);
		for (i = 0; i < n - ST_BTF_CACHE_MAX * 3 / 4; i++)
			unlinkat(c->fd, v[i].name, 0);
	}
	free(v);
}

static void store(struct st_btf_cache *c, const char *name, const char *key, const char *id,
		  const char *dwarf_file, const struct btf *btf)
{
	char sha[65], hdr[HDR_MAX];
	const void *raw;
	struct stat ds;
	uint8_t d[32];
	__u32 size;
	int n;

	raw = btf__raw_data(btf, &size);
	if (!raw || dwarf_file[0] != '/' || strchr(dwarf_file, '\n') || stat(dwarf_file, &ds))
		return;
	st_sha256(raw, size, d);
	st_sha256_hex(d, sha);
	n = snprintf(hdr, sizeof(hdr), "STBTF1 %s %s %llu %llu %llu %llu %s %u %s\n", key, id,
		     (unsigned long long)ds.st_size, (unsigned long long)ds.st_mtim.tv_sec,
		     (unsigned long long)ds.st_mtim.tv_nsec, (unsigned long long)ds.st_ino, sha,
		     size, dwarf_file);
	if (n < 0 || n >= HDR_MAX)
		return;
	if (!st_safedir_publish(c->fd, name, hdr, (size_t)n, raw, size, 0, NULL))
		trim(c);
}

struct btf *st_btf_cache_convert(struct st_btf_cache *c, const char *path, const char *func,
				 bool *hit, struct st_err *err)
{
	char id[41], key[65], name[80], dwarf_file[PATH_MAX];
	struct st_err e;
	struct btf *btf;

	if (hit)
		*hit = false;
	if (!c || st_usym_build_id(path, id, &e))
		return func ? st_dwarf_to_btf_func(path, func, err) : st_dwarf_to_btf(path, err);
	entry_key(id, func, key);
	snprintf(name, sizeof(name), "%s.btf", key);
	btf = lookup(c, name, key);
	if (btf) {
		if (hit)
			*hit = true;
		return btf;
	}
	btf = st_dwarf_to_btf_from(path, func, dwarf_file, sizeof(dwarf_file), err);
	if (btf)
		store(c, name, key, id, dwarf_file, btf);
	return btf;
}

struct btf *st_btf_cache_dwarf(const char *path, const char *func, struct st_err *err)
{
	char why[PATH_MAX + 200];
	struct st_btf_cache *c = st_btf_cache_open(NULL, why, sizeof(why));
	struct btf *btf = st_btf_cache_convert(c, path, func, NULL, err);

	st_btf_cache_close(c);
	return btf;
}
