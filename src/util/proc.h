/* Facts about other processes from /proc. */
#ifndef ST_UTIL_PROC_H
#define ST_UTIL_PROC_H

/* When process pid started, in seconds since the epoch (/proc/stat's btime plus field 22
 * of /proc/PID/stat), or -1. Used to tell a recycled pid from the run that named a
 * leftover after it. */
double st_proc_start(int pid);

#endif
