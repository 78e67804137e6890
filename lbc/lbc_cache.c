// SPDX-License-Identifier: MIT
/* The compile cache. Key = SHA-256 over: format version, lbc.h text, clang's identity
 * (resolved path, size, mtime), libbpf version, target arch, every flag, the kernel BTF
 * identity, and the source with each quoted local #include expanded (recursively). An entry
 * is one file <cache>/obj/<key>.lbco: a header line "LBCO1 <key> <sha256(obj)> <size>"
 * followed by the object. It runs as root, so it must not be a way in: the cache directory
 * and every directory above it must be unreplaceable by other users (util/safedir), all
 * access goes through descriptors opened without following links, clang compiles a private
 * copy of the source and includes, and an entry is loaded only when its header names this
 * key, the object's digest and size match and it is an ELF BPF relocatable object; anything
 * else is removed and rebuilt. */
#include "lbc_int.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/safedir.h"
#include <bpf/libbpf_version.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_INCLUDE_DEPTH 16
#define MAX_FILE (16u << 20)

/* Where the cache lives: --cache-dir, $LBC_CACHE_DIR, /var/cache/lbc for root, else the
 * XDG cache. Opened by descriptor through st_safedir_open, which refuses it unless no other
 * user can replace it or anything above it; every later access is relative to these fds. */
int lbc_cache_prepare_dir(struct lbc *l)
{
	char why[PATH_MAX + 200];
	int fd;

	if (l->obj_fd >= 0)
		return 0;
	if (l->o.cache_dir)
		st_pathf(l->cache_dir, sizeof(l->cache_dir), "%s", l->o.cache_dir);
	else if (st_cache_path("lbc", "LBC_CACHE_DIR", l->cache_dir, sizeof(l->cache_dir)))
		st_pathf(l->cache_dir, sizeof(l->cache_dir), "/tmp/.cache/lbc");   /* no $HOME */
	fd = st_safedir_open(l->cache_dir, true, why, sizeof(why));
	if (fd < 0)
		return lbc_fail(l, -fd, "cache dir: %s", why);
	l->cache_fd = fd;
	fd = st_safedir_openat(l->cache_fd, "obj", true, why, sizeof(why));
	if (fd < 0)
		return lbc_fail(l, -fd, "cache dir %s: %s", l->cache_dir, why);
	l->obj_fd = fd;
	return 0;
}

void lbc_cache_close(struct lbc *l)
{
	if (l->obj_fd >= 0)
		close(l->obj_fd);
	if (l->cache_fd >= 0)
		close(l->cache_fd);
	l->obj_fd = l->cache_fd = -1;
}

/* Only a relocatable ELF object for the BPF machine is ever cached or loaded: whatever
 * else clang (or a cache entry) produced is refused before libbpf sees it. */
int lbc_check_bpf_elf(struct lbc *l, const void *buf, size_t sz, const char *what)
{
	const unsigned char *id = buf;
	Elf64_Ehdr eh;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const unsigned char data = ELFDATA2LSB;
#else
	const unsigned char data = ELFDATA2MSB;
#endif

	if (sz < sizeof(eh) || memcmp(id, ELFMAG, SELFMAG))
		return lbc_fail(l, EINVAL, "%s is not an ELF object (%zu bytes)", what, sz);
	memcpy(&eh, buf, sizeof(eh));   /* a cache entry's object is not aligned */
	if (id[EI_CLASS] != ELFCLASS64 || id[EI_DATA] != data)
		return lbc_fail(l, EINVAL, "%s is not a 64-bit ELF object of this byte order", what);
	if (eh.e_machine != EM_BPF || eh.e_type != ET_REL)
		return lbc_fail(l, EINVAL, "%s is not a BPF object (ELF machine %u, type %u; want "
				"EM_BPF %u, ET_REL %u)", what, eh.e_machine, eh.e_type, EM_BPF,
				ET_REL);
	return 0;
}

/* Sources and headers: regular files of at most MAX_FILE bytes. */
static char *read_file(const char *path, size_t *sz)
{
	static const struct st_read_opts o = { .regular = true, .max = MAX_FILE };

	return st_read_file_at(AT_FDCWD, path, &o, sz);
}

/* Where clang would find a quoted include: next to the includer, then the -I dirs. */
static int resolve_include(struct lbc *l, const char *from_dir, const char *name,
			   char *out, size_t n)
{
	int i;

	if (name[0] == '/') {
		st_pathf(out, n, "%s", name);
		return access(out, R_OK);
	}
	st_pathf(out, n, "%s/%s", from_dir, name);
	if (!access(out, R_OK))
		return 0;
	for (i = 0; i < l->o.nincdirs; i++) {
		st_pathf(out, n, "%s/%s", l->o.incdirs[i], name);
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
							st_pathf(sub, sizeof(sub), "%s", path);
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
		st_pathf(cand, sizeof(cand), "%s", clang);
	} else {
		const char *p = path ? path : "/usr/bin:/bin";
		int found = 0;

		while (*p && !found) {
			size_t len = strcspn(p, ":");

			st_pathf(cand, sizeof(cand), "%.*s/%s", (int)len, p, clang);
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
	st_pathf(resolved, n, "%s", real);
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
static void *cache_lookup(struct lbc *l, const char *name, size_t *sz)
{
	/* a regular file of ours that no one else may write (a fifo planted under the key's
	 * name cannot hang the open) */
	static const struct st_read_opts o = { .regular = true, .max = MAX_FILE,
					       .nofollow = true, .mine = true };
	char hdr_key[65], hdr_sha[65], sha[65];
	unsigned long long osz;
	uint8_t d[32];
	size_t len;
	char *buf = st_read_file_at(l->obj_fd, name, &o, &len), *nl;
	void *obj;

	if (!buf) {
		if (errno == ENOENT)
			return NULL;
		goto bad;
	}
	if (len < 140)
		goto bad;
	nl = memchr(buf, '\n', len < 200 ? len : 200);
	if (!nl)
		goto bad;
	*nl = 0;
	if (sscanf(buf, "LBCO1 %64s %64s %llu", hdr_key, hdr_sha, &osz) != 3 ||
	    strcmp(hdr_key, l->key) || osz != (unsigned long long)(len - (size_t)(nl + 1 - buf)))
		goto bad;
	st_sha256(nl + 1, (size_t)osz, d);
	st_sha256_hex(d, sha);
	if (strcmp(sha, hdr_sha) || lbc_check_bpf_elf(l, nl + 1, (size_t)osz, "cache entry"))
		goto bad;
	obj = malloc(osz);
	if (!obj)
		goto bad;
	memcpy(obj, nl + 1, osz);
	*sz = osz;
	free(buf);
	return obj;
bad:
	free(buf);
	/* Ours or not, a bad entry under this key is removed so the rebuild can replace it. */
	st_safedir_remove(l->obj_fd, name);
	return NULL;
}


static int cache_store(struct lbc *l, const char *name, const void *obj, size_t sz)
{
	char sha[65], hdr[200];
	struct st_publish_err pe;
	uint8_t d[32];
	int n, err;

	st_sha256(obj, sz, d);
	st_sha256_hex(d, sha);
	n = snprintf(hdr, sizeof(hdr), "LBCO1 %s %s %zu\n", l->key, sha, sz);
	err = st_safedir_publish(l->obj_fd, name, hdr, (size_t)n, obj, sz, ST_PUBLISH_FSYNC, &pe);
	if (!err)
		return 0;
	if (pe.step == ST_PUBLISH_TEMP)
		return lbc_fail(l, -err, "cannot write a cache entry in %s/obj: %s", l->cache_dir,
				strerror(-err));
	if (pe.step == ST_PUBLISH_WRITE)
		return lbc_fail(l, EIO, "write %s/obj/%s failed", l->cache_dir, pe.tmp);
	return lbc_fail(l, -err, "rename %s/obj/%s: %s", l->cache_dir, name, strerror(-err));
}

/* Reads a file of the private build directory (no link followed). */
static void *read_at(int dirfd, const char *name, size_t *sz)
{
	static const struct st_read_opts o = { .regular = true, .max = MAX_FILE,
					       .nofollow = true };

	return st_read_file_at(dirfd, name, &o, sz);
}

/* The source clang compiles is the text that was hashed, copied into the private build
 * directory (a file changed after hashing cannot end up under the old key); the line
 * marker makes diagnostics and line info name the program, not the copy. */
static int write_source(struct lbc *l, int dirfd, const char *name, const char *text,
			size_t len)
{
	char marker[PATH_MAX + 32];
	size_t n = 0;
	const char *p;
	int fd, err;

	fd = openat(dirfd, "prog.c", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return lbc_fail(l, errno, "cannot write the source copy: %s", strerror(errno));
	n += (size_t)snprintf(marker, sizeof(marker), "# 1 \"");
	for (p = name; *p && n + 4 < sizeof(marker); p++) {
		if (*p == '"' || *p == '\\')
			marker[n++] = '\\';
		marker[n++] = *p == '\n' ? '?' : *p;
	}
	n += (size_t)snprintf(marker + n, sizeof(marker) - n, "\"\n");
	err = st_write_all(fd, marker, n) || st_write_all(fd, text, len) || st_write_all(fd, "\n", 1);
	close(fd);
	return err ? lbc_fail(l, EIO, "cannot write the source copy") : 0;
}

/* Compiles in a private directory made inside the cache (0700, by descriptor): the source
 * copy in src/, lbc.h and a freshly generated vmlinux.h in inc/, the object out.o. */
static int compile_private(struct lbc *l, const char *clang, const char *name,
			   const char *text, size_t len, const char *srcdir, void **obj,
			   size_t *sz)
{
	char priv[64], srcpath[PATH_MAX], incpath[PATH_MAX], outpath[PATH_MAX];
	int pfd, sfd = -1, ifd = -1, err;

	pfd = st_safedir_mktemp(l->cache_fd, "build", priv, sizeof(priv));
	if (pfd < 0)
		return lbc_fail(l, -pfd, "cannot make a build directory in %s: %s", l->cache_dir,
				strerror(-pfd));
	if (mkdirat(pfd, "src", 0700) || mkdirat(pfd, "inc", 0700) ||
	    (sfd = openat(pfd, "src", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    (ifd = openat(pfd, "inc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		err = lbc_fail(l, errno, "build directory %s/%s: %s", l->cache_dir, priv,
			       strerror(errno));
		goto out;
	}
	err = write_source(l, sfd, name, text, len);
	if (!err)
		err = lbc_write_includes(l, ifd);
	if (err)
		goto out;
	/* The cache directory and everything above it were checked to be unreplaceable by
	 * others, so these paths name what the descriptors above hold. */
	st_pathf(srcpath, sizeof(srcpath), "%s/%s/src/prog.c", l->cache_dir, priv);
	st_pathf(incpath, sizeof(incpath), "%s/%s/inc", l->cache_dir, priv);
	st_pathf(outpath, sizeof(outpath), "%s/%s/out.o", l->cache_dir, priv);
	err = lbc_run_clang(l, clang, srcpath, name, srcdir, incpath, outpath);
	if (err)
		goto out;
	*obj = read_at(pfd, "out.o", sz);
	if (!*obj)
		err = lbc_fail(l, EIO, "clang wrote no object for %s", name);
	else
		err = lbc_check_bpf_elf(l, *obj, *sz, "clang's output");
	if (err) {
		free(*obj);
		*obj = NULL;
	}
out:
	if (sfd >= 0)
		close(sfd);
	if (ifd >= 0)
		close(ifd);
	close(pfd);
	st_safedir_remove(l->cache_fd, priv);
	return err;
}

int lbc_compile_cached(struct lbc *l, const char *path, const char *name, const char *src,
		       void **obj, size_t *sz)
{
	char clang[PATH_MAX], srcdir[PATH_MAX], entry[80];
	char *text = NULL, *slash;
	size_t len;
	int err;

	*obj = NULL;
	if (path) {
		/* clang would take it for an option (and `--version` "compiles" to nothing). */
		if (path[0] == '-')
			return lbc_fail(l, EINVAL, "source path '%s' starts with '-': write ./%s",
					path, path);
		text = read_file(path, &len);
		if (!text)
			return lbc_fail(l, errno ? errno : EINVAL, "cannot read %s: %s", path,
					strerror(errno ? errno : EINVAL));
		st_pathf(srcdir, sizeof(srcdir), "%s", path);
		slash = strrchr(srcdir, '/');
		if (slash == srcdir)
			srcdir[1] = 0;     /* "/x.bpf.c" */
		else if (slash)
			*slash = 0;
		else
			st_pathf(srcdir, sizeof(srcdir), ".");
		name = path;
	} else {
		len = strlen(src);
		st_pathf(srcdir, sizeof(srcdir), ".");
	}
	err = lbc_cache_prepare_dir(l);
	if (!err)
		err = compute_key(l, path ? NULL : name, path ? text : src, len, srcdir, clang,
				  sizeof(clang));
	if (err)
		goto out;
	st_pathf(entry, sizeof(entry), "%s.lbco", l->key);
	if (!l->o.no_cache) {
		*obj = cache_lookup(l, entry, sz);
		if (*obj) {
			l->hit = true;
			goto out;
		}
	}
	l->hit = false;
	err = compile_private(l, clang, name, path ? text : src, len, srcdir, obj, sz);
	if (!err)
		err = cache_store(l, entry, *obj, *sz);
	if (err) {
		free(*obj);
		*obj = NULL;
	}
out:
	free(text);
	return err;
}
