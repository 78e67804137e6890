/* SPDX-License-Identifier: MIT */
/* Whole-file reads for the small text files surftrace parses (symbol lists, .surf files,
 * expression files), and path formatting. */
#ifndef ST_UTIL_FILE_H
#define ST_UTIL_FILE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The file's contents NUL-terminated (an empty file gives ""), or NULL with errno set;
 * EILSEQ when the text holds a NUL byte (it would silently end every C-string reader). */
char *st_slurp(const char *path);
/* The same, telling on EILSEQ the 1-based line of the first NUL byte in *nul_line;
 * _stream_at: an open stream (stdin for "-f -") read to its end. */
char *st_slurp_at(const char *path, size_t *nul_line);
char *st_slurp_stream_at(FILE *f, size_t *nul_line);
/* Whole file through read(2) (tracefs and procfs files report size 0), NUL-terminated,
 * NULs inside kept (*len, may be NULL, has the length); NULL on error (errno). */
char *st_read_file(const char *path, size_t *len);

/* What st_read_file_at accepts. */
struct st_read_opts {
	bool regular;     /* only a regular file, read to the size fstat gives (no fifo, device
			     or procfs file) */
	size_t max;       /* with regular: refused when larger (0: no limit) */
	bool nofollow;    /* the last component is not followed when it is a link */
	bool mine;        /* with regular: owned by the effective user, not writable by group
			     or others (what a private cache may trust) */
};
/* st_read_file for path relative to dirfd (AT_FDCWD: the current directory), with opts
 * (NULL: none; regular opens with O_NONBLOCK, so a fifo in its place cannot hang it). NULL
 * with errno (EFBIG over max, EINVAL not a regular file, EPERM not mine). */
char *st_read_file_at(int dirfd, const char *path, const struct st_read_opts *opts,
		      size_t *len);
/* The same file mapped read-only (always as with opts->regular; not empty), for a cache
 * looked up in place: *len bytes, munmap(2) when done. NULL with errno. The mapping is
 * private, but a file truncated under it faults: map only files replaced by rename. */
const void *st_map_file_at(int dirfd, const char *path, const struct st_read_opts *opts,
			  size_t *len);

/* snprintf for paths: 0, or -1 when the path does not fit in n, and then buf is "" (a cut
 * path could name another file). */
int st_pathf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int st_vpathf(char *buf, size_t n, const char *fmt, va_list ap);

/* Write all n bytes to fd (retrying short writes and EINTR). 0, or -1 with errno. */
int st_write_all(int fd, const void *buf, size_t n);

#include <sys/types.h>
/* mkdir -p: parents 0755, the last component `mode`. 0, or -1 with errno. */
int st_mkdir_p(const char *path, mode_t mode);

#endif
