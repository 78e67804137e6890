/* The compile cache. Key = SHA-256 over: format version, lbc.h text, clang's identity
 * (resolved path, size, mtime), libbpf version, target arch, every flag, the kernel BTF
 * identity, and the source with each quoted local #include expanded (recursively). An entry
 * is one file <cache>/obj/<key>.lbco: a header line "LBCO1 <key> <sha256(obj)> <size>"
 * followed by the object. It runs as root, so it must not be a way in: the cache directory
 * must be owned by us and not writable by group or others, entries are opened without
 * following links and must be ours too, and an entry is loaded only when its header names
 * this key and the object's digest and size match; anything else is removed and rebuilt. */
#include "lbc_int.h"
#include "util/sha256.h"
#include <bpf/libbpf_version.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_INCLUDE_DEPTH 16
#define MAX_FILE (16u << 20)

static int check_private_dir(struct lbc *l, const char *dir)
{
	struct stat st;

	if (lstat(dir, &st))
		return lbc_fail(l, errno, "cache dir %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return lbc_fail(l, ENOTDIR, "cache dir %s is not a directory (a link?)", dir);
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return lbc_fail(l, EPERM, "cache dir %s is not private (owner %u, mode %03o): "
				"refusing to load objects from it", dir, (unsigned)st.st_uid,
				(unsigned)(st.st_mode & 0777));
	return 0;
}

/* mkdir -p, the last component 0700. */
static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX];
	char *p;

	lbc_pathf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return -1;
	return 0;
}

int lbc_cache_prepare_dir(struct lbc *l)
{
	const char *env = getenv("LBC_CACHE_DIR"), *home = getenv("HOME");
	const char *xdg = getenv("XDG_CACHE_HOME");
	char sub[PATH_MAX];
	int err;

	if (l->o.cache_dir)
		lbc_pathf(l->cache_dir, sizeof(l->cache_dir), "%s", l->o.cache_dir);
	else if (env && *env)
		lbc_pathf(l->cache_dir, sizeof(l->cache_dir), "%s", env);
	else if (geteuid() == 0)
		lbc_pathf(l->cache_dir, sizeof(l->cache_dir), "/var/cache/lbc");
	else if (xdg && *xdg)
		lbc_pathf(l->cache_dir, sizeof(l->cache_dir), "%s/lbc", xdg);
	else
		lbc_pathf(l->cache_dir, sizeof(l->cache_dir), "%s/.cache/lbc", home ? home : "/tmp");
	if (mkdir_p(l->cache_dir))
		return lbc_fail(l, errno, "cannot create cache dir %s: %s", l->cache_dir,
				strerror(errno));
	err = check_private_dir(l, l->cache_dir);
	if (err)
		return err;
	lbc_pathf(sub, sizeof(sub), "%s/obj", l->cache_dir);
	if (mkdir(sub, 0700) && errno != EEXIST)
		return lbc_fail(l, errno, "mkdir %s: %s", sub, strerror(errno));
	return check_private_dir(l, sub);
}

static char *read_file(const char *path, size_t *sz)
{
	struct stat st;
	char *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && (size_t)st.st_size <= MAX_FILE) {
		buf = malloc((size_t)st.st_size + 1);
		if (buf && read(fd, buf, (size_t)st.st_size) == st.st_size) {
			buf[st.st_size] = 0;
			*sz = (size_t)st.st_size;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	close(fd);
	return buf;
}

/* Where clang would find a quoted include: next to the includer, then the -I dirs. */
static int resolve_include(struct lbc *l, const char *from_dir, const char *name,
			   char *out, size_t n)
{
	int i;

	if (name[0] == '/') {
		lbc_pathf(out, n, "%s", name);
		return access(out, R_OK);
	}
	lbc_pathf(out, n, "%s/%s", from_dir, name);
	if (!access(out, R_OK))
		return 0;
	for (i = 0; i < l->o.nincdirs; i++) {
		lbc_pathf(out, n, "%s/%s", l->o.incdirs[i], name);
		if (!access(out, R_OK))
			return 0;
	}
	return -1;
}

/* Hashes text and, recursively, every quoted include it names that exists locally.
 * lbc.h and vmlinux.h from the cache are covered by the lbc.h text and BTF identity. */
static void hash_source(struct lbc *l, struct st_sha256 *s, const char *text, size_t len,
			const char *dir, int depth)
{
	const char *p = text, *end = text + len;

	st_sha256_update(s, &len, sizeof(len));
	st_sha256_update(s, text, len);
	if (depth >= MAX_INCLUDE_DEPTH)
		return;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q = p, *lineend = eol ? eol : end;
		char name[PATH_MAX], path[PATH_MAX], sub[PATH_MAX];
		size_t nl;
		char *body, *slash;
		size_t blen;

		while (q < lineend && (*q == ' ' || *q == '\t'))
			q++;
		if (q < lineend && *q == '#') {
			q++;
			while (q < lineend && (*q == ' ' || *q == '\t'))
				q++;
			if ((size_t)(lineend - q) > 8 && !strncmp(q, "include", 7)) {
				q += 7;
				while (q < lineend && (*q == ' ' || *q == '\t'))
					q++;
				if (q < lineend && *q == '"') {
					const char *e = memchr(q + 1, '"', (size_t)(lineend - q - 1));

					nl = e ? (size_t)(e - q - 1) : 0;
					if (e && nl < sizeof(name)) {
						memcpy(name, q + 1, nl);
						name[nl] = 0;
						if (!resolve_include(l, dir, name, path, sizeof(path)) &&
						    (body = read_file(path, &blen))) {
							lbc_pathf(sub, sizeof(sub), "%s", path);
							slash = strrchr(sub, '/');
							if (slash)
								*slash = 0;
							st_sha256_update(s, name, nl + 1);
							hash_source(l, s, body, blen, sub, depth + 1);
							free(body);
						}
					}
				}
			}
		}
		p = lineend + 1;
	}
}

static void hash_str(struct st_sha256 *s, const char *str)
{
	st_sha256_update(s, str, strlen(str) + 1);
}

/* clang's identity without running it (that alone costs ~10 ms): the resolved binary and
 * its size and mtime change with every clang package. */
static int clang_identity(struct lbc *l, struct st_sha256 *s, char *resolved, size_t n)
{
	const char *clang = l->o.clang ? l->o.clang : getenv("LBC_CLANG");
	char cand[PATH_MAX], real[PATH_MAX];
	const char *path = getenv("PATH");
	struct stat st;

	if (!clang || !*clang)
		clang = "clang";
	if (strchr(clang, '/')) {
		lbc_pathf(cand, sizeof(cand), "%s", clang);
	} else {
		const char *p = path ? path : "/usr/bin:/bin";
		int found = 0;

		while (*p && !found) {
			size_t len = strcspn(p, ":");

			lbc_pathf(cand, sizeof(cand), "%.*s/%s", (int)len, p, clang);
			found = !access(cand, X_OK);
			p += len + (p[len] == ':');
		}
		if (!found)
			return lbc_fail(l, ENOENT, "%s not found in PATH: lbc needs clang to compile "
					"BPF C (or run a prebuilt .bpf.o)", clang);
	}
	if (!realpath(cand, real) || stat(real, &st))
		return lbc_fail(l, ENOENT, "clang %s: %s", cand, strerror(errno));
	hash_str(s, real);
	st_sha256_update(s, &st.st_size, sizeof(st.st_size));
	st_sha256_update(s, &st.st_mtime, sizeof(st.st_mtime));
	lbc_pathf(resolved, n, "%s", real);
	return 0;
}

static int compute_key(struct lbc *l, const char *name, const char *src, size_t len,
		       const char *dir, char *clang, size_t clang_n)
{
	struct st_sha256 s;
	char btfid[65];
	uint8_t d[32];
	int i, err;

	st_sha256_init(&s);
	hash_str(&s, "lbc-cache-v1");
	st_sha256_update(&s, lbc_h_text, lbc_h_len);
	err = clang_identity(l, &s, clang, clang_n);
	if (err)
		return err;
	err = lbc_btf_identity(l, btfid);
	if (err)
		return err;
	hash_str(&s, btfid);
	hash_str(&s, TARGET_ARCH);
	i = LIBBPF_MAJOR_VERSION * 1000 + LIBBPF_MINOR_VERSION;
	st_sha256_update(&s, &i, sizeof(i));
	for (i = 0; i < l->o.ncflags; i++)
		hash_str(&s, l->o.cflags[i]);
	for (i = 0; i < l->o.nincdirs; i++)
		hash_str(&s, l->o.incdirs[i]);
	/* A string's name is in its object (line info); a file's path is not worth a miss. */
	hash_str(&s, name ? name : "");
	hash_source(l, &s, src, len, dir, 0);
	st_sha256_final(&s, d);
	st_sha256_hex(d, l->key);
	return 0;
}

/* Returns the verified object or NULL (missing, foreign, corrupt: the caller rebuilds). */
static void *cache_lookup(struct lbc *l, const char *path, size_t *sz)
{
	char hdr_key[65], hdr_sha[65], sha[65];
	unsigned long long osz;
	struct stat st;
	uint8_t d[32];
	char *buf = NULL, *nl;
	void *obj;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) || st.st_size > MAX_FILE || st.st_size < 140)
		goto bad;
	buf = malloc((size_t)st.st_size);
	if (!buf || read(fd, buf, (size_t)st.st_size) != st.st_size)
		goto bad;
	nl = memchr(buf, '\n', 200 < st.st_size ? 200 : (size_t)st.st_size);
	if (!nl)
		goto bad;
	*nl = 0;
	if (sscanf(buf, "LBCO1 %64s %64s %llu", hdr_key, hdr_sha, &osz) != 3 ||
	    strcmp(hdr_key, l->key) || osz != (unsigned long long)(st.st_size - (nl + 1 - buf)))
		goto bad;
	st_sha256(nl + 1, (size_t)osz, d);
	st_sha256_hex(d, sha);
	if (strcmp(sha, hdr_sha))
		goto bad;
	obj = malloc(osz);
	if (!obj)
		goto bad;
	memcpy(obj, nl + 1, osz);
	*sz = osz;
	free(buf);
	close(fd);
	return obj;
bad:
	free(buf);
	close(fd);
	/* Ours or not, a bad entry under this key is removed so the rebuild can replace it. */
	unlink(path);
	return NULL;
}

static int cache_store(struct lbc *l, const char *path, const void *obj, size_t sz)
{
	char tmp[PATH_MAX], sha[65];
	uint8_t d[32];
	FILE *f;
	int fd;

	st_sha256(obj, sz, d);
	st_sha256_hex(d, sha);
	lbc_pathf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return lbc_fail(l, errno, "cannot write cache entry %s: %s", tmp, strerror(errno));
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return lbc_fail(l, ENOMEM, "fdopen");
	}
	fprintf(f, "LBCO1 %s %s %zu\n", l->key, sha, sz);
	fwrite(obj, 1, sz, f);
	if (fflush(f) || ferror(f) || fsync(fd)) {
		fclose(f);
		unlink(tmp);
		return lbc_fail(l, EIO, "write %s failed", tmp);
	}
	fclose(f);
	if (rename(tmp, path)) {
		unlink(tmp);
		return lbc_fail(l, errno, "rename %s: %s", path, strerror(errno));
	}
	return 0;
}

int lbc_compile_cached(struct lbc *l, const char *path, const char *name, const char *src,
		       void **obj, size_t *sz)
{
	char clang[PATH_MAX], srcdir[PATH_MAX], incdir[PATH_MAX], entry[PATH_MAX];
	char tmpo[PATH_MAX], tmpsrc[PATH_MAX];
	char *text = NULL, *slash;
	size_t len;
	int err, fd;

	if (path) {
		text = read_file(path, &len);
		if (!text)
			return lbc_fail(l, errno ? errno : EINVAL, "cannot read %s: %s", path,
					strerror(errno ? errno : EINVAL));
		lbc_pathf(srcdir, sizeof(srcdir), "%s", path);
		slash = strrchr(srcdir, '/');
		if (slash)
			*slash = 0;
		else
			lbc_pathf(srcdir, sizeof(srcdir), ".");
		name = path;
	} else {
		len = strlen(src);
		lbc_pathf(srcdir, sizeof(srcdir), ".");
	}
	err = lbc_cache_prepare_dir(l);
	if (!err)
		err = compute_key(l, path ? NULL : name, path ? text : src, len, srcdir, clang,
				  sizeof(clang));
	free(text);
	if (err)
		return err;
	lbc_pathf(entry, sizeof(entry), "%s/obj/%s.lbco", l->cache_dir, l->key);
	if (!l->o.no_cache) {
		*obj = cache_lookup(l, entry, sz);
		if (*obj) {
			l->hit = true;
			return 0;
		}
	}
	l->hit = false;
	err = lbc_include_dir(l, incdir, sizeof(incdir));
	if (err)
		return err;
	lbc_pathf(tmpo, sizeof(tmpo), "%s/obj/build.XXXXXX", l->cache_dir);
	fd = mkstemp(tmpo);
	if (fd < 0)
		return lbc_fail(l, errno, "mkstemp %s: %s", tmpo, strerror(errno));
	close(fd);
	tmpsrc[0] = 0;
	if (!path) {
		err = lbc_write_string_src(l, name, src, tmpsrc, sizeof(tmpsrc));
		if (err) {
			unlink(tmpo);
			return err;
		}
	}
	err = lbc_run_clang(l, clang, path ? path : tmpsrc, name, srcdir, incdir, tmpo);
	if (tmpsrc[0])
		unlink(tmpsrc);
	if (!err) {
		*obj = read_file(tmpo, sz);
		if (!*obj)
			err = lbc_fail(l, EIO, "cannot read compiled object %s", tmpo);
	}
	unlink(tmpo);
	if (!err)
		err = cache_store(l, entry, *obj, *sz);
	if (err) {
		free(*obj);
		*obj = NULL;
	}
	return err;
}
