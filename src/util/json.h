/* SPDX-License-Identifier: MIT */
/* The project's one JSON string writer: surftrace's event lines, -S/-l/-L/--struct output,
 * errors with --json, and lbc's events all escape through here.
 *  - valid UTF-8 passes through unchanged ("café" stays "café");
 *  - each byte of an invalid sequence becomes \u00XX of that byte alone (kernel strings are
 *    bytes, not guaranteed UTF-8: the line stays valid JSON and says which byte it was);
 *  - '"', '\\' and control characters (< 0x20, and DEL) are escaped.
 * The schema of the records is in docs/JSON.md. */
#ifndef ST_UTIL_JSON_H
#define ST_UTIL_JSON_H
#include <stddef.h>
#include <stdio.h>

/* Record schema version: every JSON record carries "v":ST_JSON_V. */
#define ST_JSON_V 1

/* Where escaped text goes: put(ctx, bytes, n), called with runs of bytes. */
typedef void (*st_json_put_fn)(void *ctx, const char *s, size_t n);

/* s (at most n bytes, stops at a NUL) as a JSON string literal, quotes included. */
void st_json_escape(st_json_put_fn put, void *ctx, const char *s, size_t n);

/* The same to a stream. st_json_str: NUL-terminated, NULL writes "". */
void st_json_str(FILE *f, const char *s);
void st_json_strn(FILE *f, const char *s, size_t n);

/* Length (1-4) of the well-formed UTF-8 sequence at s (n bytes available): no overlongs,
 * no surrogates, nothing above U+10FFFF. 0 when s does not start one. */
size_t st_utf8_len(const unsigned char *s, size_t n);

#endif
