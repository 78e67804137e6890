/* SPDX-License-Identifier: MIT */
/* Facts about other processes from /proc. */
#ifndef ST_UTIL_PROC_H
#define ST_UTIL_PROC_H
#include <stdbool.h>

/* When process pid started, in seconds since the epoch (/proc/stat's btime plus field 22
 * of /proc/PID/stat), or -1. Used to tell a recycled pid from the run that named a
 * leftover after it. */
double st_proc_start(int pid);

/* True when the live process pid started more than a minute after `path` (a leftover named
 * after a pid, e.g. an ftrace instance) was made: the pid was recycled and the leftover's
 * owner is gone. Both times are wall clock; the minute keeps a clock step (NTP) from
 * making a live owner look recycled. False when either time is unknown. */
bool st_proc_started_after(int pid, const char *path);

/* The thread ids of process pid (/proc/PID/task), malloc'ed into *tids. Returns the count,
 * or -1 with errno (ESRCH: no such process). */
int st_proc_threads(int pid, int **tids);

#endif
