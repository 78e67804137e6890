// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "util/file.h"

char *st_slurp_stream_at(FILE *f, size_t *nul_line)
{
	size_t len = 0, cap = 4096, got;
	char *buf = malloc(cap), *nb;

	if (!buf)
		return NULL;
	for (;;) {
		if (cap - len < 2) {
			nb = realloc(buf, cap * 2);
			if (!nb)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got)
			continue;
		if (ferror(f))
			goto fail;
		break;
	}
	buf[len] = '\0';
	if ((nb = memchr(buf, '\0', len))) {
		/* a C string would end there and silently drop the rest */
		if (nul_line) {
			*nul_line = 1;
			for (char *c = buf; c < nb; c++)
				*nul_line += *c == '\n';
		}
		free(buf);
		errno = EILSEQ;
		return NULL;
	}
	return buf;
fail:
	free(buf);
	if (!errno)
		errno = EIO;
	return NULL;
}

char *st_slurp(const char *path)
{
	return st_slurp_at(path, NULL);
}

char *st_slurp_at(const char *path, size_t *nul_line)
{
	FILE *f = fopen(path, "r");
	char *buf;
	int saved;

	if (!f)
		return NULL;
	buf = st_slurp_stream_at(f, nul_line);
	saved = errno;
	fclose(f);
	errno = saved;
	return buf;
}

int st_mkdir_p(const char *path, mode_t mode)
{
	char tmp[4096];
	char *p;

	if (st_pathf(tmp, sizeof(tmp), "%s", path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, mode) && errno != EEXIST)
		return -1;
	return 0;
}

int st_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!w)
				errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The rest of fd to its end (want: exactly that many bytes, for a regular file). */
static char *read_fd(int fd, size_t want, bool exact, size_t *len)
{
	size_t cap = exact ? want + 1 : 4096, n = 0;
	char *buf = malloc(cap);

	while (buf) {
		if (exact && n == want)
			break;
		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t k = read(fd, buf + n, cap - 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 || (k == 0 && exact)) {
			if (!k)
				errno = EIO;   /* shorter than fstat said */
			free(buf);
			buf = NULL;
			break;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	if (!buf)
		return NULL;
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* Opens path for st_read_file_at / st_map_file_at; with o->regular, checks what opts ask
 * (st gets the file's status). The fd, or -1 with errno. */
static int open_checked(int dirfd, const char *path, const struct st_read_opts *o,
			struct stat *st)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | (o && o->nofollow ? O_NOFOLLOW : 0) |
			(o && o->regular ? O_NONBLOCK : 0));
	int e = 0;

	if (fd < 0 || !o || !o->regular)
		return fd;
	if (fstat(fd, st))
		e = errno;
	else if (!S_ISREG(st->st_mode))
		e = EINVAL;
	else if (o->mine && (st->st_uid != geteuid() || (st->st_mode & 022)))
		e = EPERM;
	else if (o->max && (size_t)st->st_size > o->max)
		e = EFBIG;
	if (e) {
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

char *st_read_file_at(int dirfd, const char *path, const struct st_read_opts *o,
		      size_t *len)
{
	struct stat st;
	int fd = open_checked(dirfd, path, o, &st);
	char *buf = NULL;
	int e;

	if (fd < 0)
		return NULL;
	if (o && o->regular) {
		buf = read_fd(fd, (size_t)st.st_size, true, len);
		e = buf ? 0 : errno ? errno : ENOMEM;
	} else {
		buf = read_fd(fd, 0, false, len);
		e = errno ? errno : ENOMEM;
	}
	close(fd);
	if (!buf)
		errno = e;
	return buf;
}

const void *st_map_file_at(int dirfd, const char *path, const struct st_read_opts *o,
			  size_t *len)
{
	struct st_read_opts ro = *o;
	struct stat st;
	void *map;
	int fd, e;

	ro.regular = true;
	fd = open_checked(dirfd, path, &ro, &st);
	if (fd < 0)
		return NULL;
	if (!st.st_size) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	e = errno;
	close(fd);
	if (map == MAP_FAILED) {
		errno = e;
		return NULL;
	}
	*len = (size_t)st.st_size;
	return map;
}

char *st_read_file(const char *path, size_t *len)
{
	return st_read_file_at(AT_FDCWD, path, NULL, len);
}

int st_vpathf(char *buf, size_t n, const char *fmt, va_list ap)
{
	int l = vsnprintf(buf, n, fmt, ap);

	if (l < 0 || (size_t)l >= n) {
		if (n)
			buf[0] = '\0';
		return -1;
	}
	return 0;
}

int st_pathf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = st_vpathf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}
