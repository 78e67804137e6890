/* SPDX-License-Identifier: MIT */
/* Whole-file reads for the small text files surftrace parses (symbol lists, .surf files,
 * expression files). */
#ifndef ST_UTIL_FILE_H
#define ST_UTIL_FILE_H

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

/* Write all n bytes to fd (retrying short writes and EINTR). 0, or -1 with errno. */
int st_write_all(int fd, const void *buf, size_t n);

#include <sys/types.h>
/* mkdir -p: parents 0755, the last component `mode`. 0, or -1 with errno. */
int st_mkdir_p(const char *path, mode_t mode);

#endif
