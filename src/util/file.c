#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "util/file.h"

char *st_slurp_stream(FILE *f)
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
	if (memchr(buf, '\0', len)) {
		/* a C string would end there and silently drop the rest */
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
	FILE *f = fopen(path, "r");
	char *buf;
	int saved;

	if (!f)
		return NULL;
	buf = st_slurp_stream(f);
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
