// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
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

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp)) {
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

char *st_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
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
		if (k < 0) {
			free(buf);
			buf = NULL;
			break;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	int e = errno;
	close(fd);
	if (!buf) {
		errno = e ? e : ENOMEM;
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}
