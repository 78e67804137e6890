/* SPDX-License-Identifier: MIT */
/* The library's only way to talk to a user: messages go to the callback the program set
 * with surftrace_set_print (default: warnings and infos to stderr, as libbpf's). */
#ifndef ST_UTIL_MSG_H
#define ST_UTIL_MSG_H
#include "surftrace.h"

void st_print(enum surftrace_print_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
