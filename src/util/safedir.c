// SPDX-License-Identifier: MIT
/* Trusted directories, walked by descriptor (see safedir.h). The checks are made on the
 * descriptor that is then used (fstat after openat), so nothing can be swapped between the
 * check and the use: a path is resolved exactly once, one component at a time. */
#include "util/safedir.h"
#include "util/err.h"
#include "util/file.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* Whether the directory open on fd may be trusted; shown is its path for the message.
 * last: the directory itself (owned by us, not sticky-shared), else an ancestor. */
static int check_dir(int fd, const char *shown, bool last, char *why, size_t whylen)
{
	uid_t me = geteuid();
	struct stat st;

	if (fstat(fd, &st))
		return snprintf(why, whylen, "%s: %s", shown, strerror(errno)), -errno;
	if (!S_ISDIR(st.st_mode))
		return snprintf(why, whylen, "%s is not a directory", shown), -ENOTDIR;
	if (last && st.st_uid != me) {
		snprintf(why, whylen, "%s is not private (owner uid %u, not %u): refusing to use it",
			 shown, (unsigned)st.st_uid, (unsigned)me);
		return -EPERM;
	}
	if (st.st_uid != 0 && st.st_uid != me) {
		snprintf(why, whylen, "%s is owned by uid %u: another user could replace what is "
			 "below it; refusing", shown, (unsigned)st.st_uid);
		return -EPERM;
	}
	if ((st.st_mode & 022) && (last || !(st.st_mode & S_ISVTX))) {
		snprintf(why, whylen, "%s is not private (mode %03o, writable by group or others): "
			 "refusing to use it", shown, (unsigned)(st.st_mode & 0777));
		return -EPERM;
	}
	return 0;
}

static int open_step(int dirfd, const char *name, bool create, mode_t mode, const char *shown,
		     char *why, size_t whylen)
{
	int fd = openat(dirfd, name, DIR_FLAGS);

	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(dirfd, name, mode) && errno != EEXIST)
			return snprintf(why, whylen, "cannot create %s: %s", shown, strerror(errno)),
			       -errno;
		fd = openat(dirfd, name, DIR_FLAGS);
	}
	if (fd < 0) {
		int e = errno;

		if (e == ELOOP || e == ENOTDIR)
			snprintf(why, whylen, "%s is a symbolic link or not a directory: refusing it "
				 "(give the real path)", shown);
		else
			snprintf(why, whylen, "%s: %s", shown, strerror(e));
		return -e;
	}
	return fd;
}

/* Walks path from "/"; the last directory is checked as private (own_last) or like an
 * ancestor (a sticky shared one such as /tmp is fine: the file in it is checked then). */
static int open_dirs(const char *path, bool create, bool own_last, char *why, size_t whylen)
{
	char abs[PATH_MAX], shown[PATH_MAX], *comp, *save = NULL;
	size_t shown_len = 0;
	int fd, err;

	if (!path || !*path)
		return snprintf(why, whylen, "empty directory name"), -EINVAL;
	if (path[0] == '/') {
		if (st_pathf(abs, sizeof(abs), "%s", path))
			return snprintf(why, whylen, "path too long"), -ENAMETOOLONG;
	} else {
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd)))
			return snprintf(why, whylen, "getcwd: %s", strerror(errno)), -errno;
		if (st_pathf(abs, sizeof(abs), "%s/%s", cwd, path))
			return snprintf(why, whylen, "path too long"), -ENAMETOOLONG;
	}
	fd = open("/", DIR_FLAGS);
	if (fd < 0)
		return snprintf(why, whylen, "/: %s", strerror(errno)), -errno;
	shown[0] = 0;
	comp = strtok_r(abs, "/", &save);
	err = check_dir(fd, "/", own_last && !comp, why, whylen);
	while (!err && comp) {
		char *next = strtok_r(NULL, "/", &save);
		int nfd;

		shown_len += (size_t)snprintf(shown + shown_len, sizeof(shown) - shown_len, "/%s",
					      comp);
		if (shown_len >= sizeof(shown))
			shown_len = sizeof(shown) - 1;
		if (!strcmp(comp, ".")) {
			comp = next;
			if (!comp)
				err = check_dir(fd, shown, own_last, why, whylen);
			continue;
		}
		nfd = open_step(fd, comp, create, next ? 0755 : 0700, shown, why, whylen);
		close(fd);
		if (nfd < 0)
			return nfd;
		fd = nfd;
		err = check_dir(fd, shown, own_last && !next, why, whylen);
		comp = next;
	}
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int st_safedir_open(const char *path, bool create, char *why, size_t whylen)
{
	return open_dirs(path, create, true, why, whylen);
}

/* PATH's directory into dir ("." or "/" when it has none) and its last component in
 * *base: 0, -EINVAL when it ends in '/' (no file name), -ENAMETOOLONG. */
static int split_path(const char *path, char *dir, size_t n, const char **base)
{
	const char *slash = strrchr(path, '/');

	*base = slash ? slash + 1 : path;
	if (!**base)
		return -EINVAL;
	if (!slash)
		return st_pathf(dir, n, ".") ? -ENAMETOOLONG : 0;
	if (slash == path)
		return st_pathf(dir, n, "/") ? -ENAMETOOLONG : 0;
	return st_pathf(dir, n, "%.*s", (int)(slash - path), path) ? -ENAMETOOLONG : 0;
}

int st_safefile_open(const char *path, char *why, size_t whylen)
{
	char dir[PATH_MAX];
	const char *base;
	uid_t me = geteuid();
	struct stat st;
	int dfd, fd, rc = split_path(path, dir, sizeof(dir), &base);

	if (rc == -EINVAL)
		return snprintf(why, whylen, "%s is not a file name", path), rc;
	if (rc)
		return snprintf(why, whylen, "path too long"), rc;
	dfd = open_dirs(dir, false, false, why, whylen);
	if (dfd < 0)
		return dfd;
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	close(dfd);
	if (fd < 0) {
		int e = errno;

		snprintf(why, whylen, e == ELOOP ? "%s is a symbolic link: refusing it (give the "
			 "real path)" : "%s: %s", path, strerror(e));
		return -e;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s is not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	if (st.st_uid != 0 && st.st_uid != me) {
		snprintf(why, whylen, "%s is owned by uid %u: another user could change it; "
			 "refusing", path, (unsigned)st.st_uid);
		close(fd);
		return -EPERM;
	}
	if (st.st_mode & 022) {
		snprintf(why, whylen, "%s is writable by group or others (mode %03o): refusing it",
			 path, (unsigned)(st.st_mode & 0777));
		close(fd);
		return -EPERM;
	}
	return fd;
}

int st_safedir_openat(int dirfd, const char *name, bool create, char *why, size_t whylen)
{
	int fd = open_step(dirfd, name, create, 0700, name, why, whylen);
	int err;

	if (fd < 0)
		return fd;
	err = check_dir(fd, name, true, why, whylen);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static int random_name(const char *prefix, char *out, size_t outlen)
{
	unsigned char r[6];
	size_t i, n;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -EIO;
	n = (size_t)snprintf(out, outlen, "%s-", prefix);
	for (i = 0; i < sizeof(r) && n + 2 < outlen; i++, n += 2)
		snprintf(out + n, outlen - n, "%02x", r[i]);
	return n + 1 < outlen ? 0 : -ENAMETOOLONG;
}

/* A new private directory (dir) or a new file of that mode named PREFIX-<random> in dirfd,
 * opened. */
static int create_unique(int dirfd, const char *prefix, bool dir, mode_t mode, char *out,
			 size_t outlen)
{
	int tries, fd, err;

	for (tries = 0; tries < 16; tries++) {
		err = random_name(prefix, out, outlen);
		if (err)
			return err;
		if (dir)
			fd = mkdirat(dirfd, out, 0700) ? -1 : openat(dirfd, out, DIR_FLAGS);
		else
			fd = openat(dirfd, out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				    mode);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int st_safedir_mktemp(int dirfd, const char *prefix, char *out, size_t outlen)
{
	return create_unique(dirfd, prefix, true, 0700, out, outlen);
}

int st_safedir_publish(int dirfd, const char *name, const void *hdr, size_t hdr_len,
		       const void *body, size_t body_len, unsigned flags,
		       struct st_publish_err *err)
{
	struct st_publish_err local;
	int fd, e;

	if (!err)
		err = &local;
	err->step = ST_PUBLISH_TEMP;
	fd = create_unique(dirfd, "tmp", false, flags & ST_PUBLISH_SHARED ? 0666 : 0600, err->tmp,
			   sizeof(err->tmp));
	if (fd < 0)
		return fd;
	err->step = ST_PUBLISH_WRITE;
	if (st_write_all(fd, hdr, hdr_len) || st_write_all(fd, body, body_len) ||
	    ((flags & ST_PUBLISH_FSYNC) && fsync(fd))) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd)) {
		e = errno;
		goto fail;
	}
	err->step = ST_PUBLISH_RENAME;
	if (renameat(dirfd, err->tmp, dirfd, name)) {
		e = errno;
		goto fail;
	}
	return 0;
fail:
	unlinkat(dirfd, err->tmp, 0);
	return -e;
}

int st_safedir_publish_path(const char *path, const void *hdr, size_t hdr_len,
			    const void *body, size_t body_len, unsigned flags,
			    struct st_publish_err *err)
{
	char dir[PATH_MAX];
	const char *base;
	int dfd, rc;

	if (err) {
		err->step = ST_PUBLISH_TEMP;
		err->tmp[0] = '\0';
	}
	rc = split_path(path, dir, sizeof(dir), &base);
	if (rc)
		return rc == -EINVAL ? -EISDIR : rc;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	rc = st_safedir_publish(dfd, base, hdr, hdr_len, body, body_len, flags, err);
	close(dfd);
	return rc;
}

int st_publish_text(const char *path, const void *text, size_t len, struct st_err *err)
{
	char dir[PATH_MAX], *slash;
	int rc;

	if (st_pathf(dir, sizeof(dir), "%s", path))
		return st_err_set(err, 0, "path too long: %s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (st_mkdir_p(dir, 0755))
			return st_err_set(err, 0, "cannot create %s: %s", dir, strerror(errno));
	}
	rc = st_safedir_publish_path(path, NULL, 0, text, len, ST_PUBLISH_SHARED, NULL);
	return rc ? st_err_set(err, 0, "cannot write %s: %s", path, strerror(-rc)) : 0;
}

FILE *st_memfile_open(struct st_memfile *m, struct st_err *err)
{
	m->text = NULL;
	m->len = 0;
	m->f = open_memstream(&m->text, &m->len);
	if (!m->f)
		st_err_set(err, 0, "out of memory");
	return m->f;
}

/* Closes the stream: 0 when the text is whole. */
static int memfile_close(struct st_memfile *m)
{
	int rc = m->f && fclose(m->f) ? -1 : 0;

	m->f = NULL;
	return rc || !m->text ? -1 : 0;
}

int st_memfile_publish(struct st_memfile *m, const char *path, struct st_err *err)
{
	int rc = memfile_close(m) ? st_err_set(err, 0, "out of memory writing %s", path) :
		 st_publish_text(path, m->text, m->len, err);

	st_memfile_drop(m);
	return rc;
}

void st_memfile_drop(struct st_memfile *m)
{
	memfile_close(m);
	free(m->text);
	m->text = NULL;
	m->len = 0;
}

void st_safedir_remove(int at, const char *name)
{
	int fd;
	DIR *d;
	struct dirent *de;

	if (!unlinkat(at, name, 0) || errno == ENOENT)
		return;
	fd = openat(at, name, DIR_FLAGS);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			st_safedir_remove(dirfd(d), de->d_name);
	closedir(d);
	unlinkat(at, name, AT_REMOVEDIR);
}

int st_cache_path(const char *app, const char *env, char *out, size_t n)
{
	const char *e = env ? getenv(env) : NULL, *home = getenv("HOME");
	const char *xdg = getenv("XDG_CACHE_HOME");

	if (e && *e)
		return st_pathf(out, n, "%s", e);
	if (geteuid() == 0)
		return st_pathf(out, n, "/var/cache/%s", app);
	if (xdg && *xdg)
		return st_pathf(out, n, "%s/%s", xdg, app);
	if (home && *home)
		return st_pathf(out, n, "%s/.cache/%s", home, app);
	if (n)
		out[0] = '\0';
	return -1;
}
