/* SPDX-License-Identifier: MIT */
/* libarchive, loaded on first use: linking it outright costs every surftrace run ~3.5 MB
 * of resident memory (it pulls in libxml2, ICU, libstdc++, lzma, zstd...), and only
 * `surftrace hive add` of a package (hive/hive_pkg.c) reads archives. The headers give
 * the types and constants; the calls go through the table st_archive_load returns. */
#ifndef ST_UTIL_ARCHIVE_DL_H
#define ST_UTIL_ARCHIVE_DL_H
#include <archive.h>
#include <archive_entry.h>

/* The archive_* functions hive_pkg.c calls, under their names without "archive_". */
struct st_archive_api {
	__typeof__(archive_read_new) *read_new;
	__typeof__(archive_read_free) *read_free;
	__typeof__(archive_read_support_filter_all) *read_support_filter_all;
	__typeof__(archive_read_support_format_all) *read_support_format_all;
	__typeof__(archive_read_open) *read_open;
	__typeof__(archive_read_open_filename) *read_open_filename;
	__typeof__(archive_read_next_header) *read_next_header;
	__typeof__(archive_read_data) *read_data;
	__typeof__(archive_error_string) *error_string;
	__typeof__(archive_filter_bytes) *filter_bytes;
	__typeof__(archive_filter_count) *filter_count;
	__typeof__(archive_filter_code) *filter_code;
	__typeof__(archive_format) *format;
	__typeof__(archive_entry_pathname) *entry_pathname;
	__typeof__(archive_entry_filetype) *entry_filetype;
};

/* The library's soname this build asks for (for messages). */
#define ST_ARCHIVE_SONAME "libarchive.so.13"

/* The loaded functions (loaded once, kept for the process), or NULL when libarchive
 * cannot be loaded or lacks one of them. */
const struct st_archive_api *st_archive_load(void);

#endif
