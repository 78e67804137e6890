/* SPDX-License-Identifier: MIT */
/* Shell-style glob matching for discovery (-l PATTERN): '*', '?', '[abc]', '[a-z]',
 * '[!x]', '\' escapes. Our own matcher rather than fnmatch(3): names are plain ASCII and
 * the listing loop runs over 100k+ kernel symbols, so no locale work per call. */
#ifndef ST_DISCOVER_GLOB_H
#define ST_DISCOVER_GLOB_H
#include <stdbool.h>

bool st_glob_match(const char *pat, const char *s);

/* True when pat contains a glob metacharacter (otherwise it names one thing exactly). */
bool st_glob_has_meta(const char *pat);

/* A pattern prepared once for matching many names: patterns made of literal pieces and
 * '*' only (the usual "tcp_*", "*sys_*", "*_rcv") are matched with prefix/suffix checks
 * and strstr instead of the general matcher. */
struct st_glob;
struct st_glob *st_glob_new(const char *pat);
bool st_glob_test(const struct st_glob *g, const char *s);
void st_glob_free(struct st_glob *g);
#endif
