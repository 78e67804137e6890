// SPDX-License-Identifier: MIT
/* Facts about other processes from /proc. */
#include "util/proc.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* When process pid started, in seconds since the epoch (/proc/stat's btime plus field 22 of
 * /proc/PID/stat), or -1. */
double st_proc_start(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ticks = 0, btime = 0;
	FILE *f;
	size_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(f = fopen(path, "re")))
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* fields after "pid (comm)" start with the 3rd, state; starttime is the 22nd */
	if (!(p = strrchr(buf, ')')))
		return -1;
	for (i = 3; i <= 22 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &ticks) != 1)
		return -1;
	if (!(f = fopen("/proc/stat", "re")))
		return -1;
	while (fgets(buf, sizeof(buf), f) && sscanf(buf, "btime %llu", &btime) != 1)
		;
	fclose(f);
	return btime ? (double)btime + (double)ticks / (double)sysconf(_SC_CLK_TCK) : -1;
}

bool st_proc_started_after(int pid, const char *path)
{
	struct stat st;
	double started;

	if (stat(path, &st))
		return false;
	started = st_proc_start(pid);
	return started > 0 && started > (double)st.st_mtime + 60;
}

int st_proc_threads(int pid, int **tids)
{
	char path[64];
	struct dirent *de;
	int n = 0, cap = 0, *v = NULL, *nv;
	DIR *d;

	*tids = NULL;
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d) {
		errno = errno == ENOENT ? ESRCH : errno;
		return -1;
	}
	while ((de = readdir(d))) {
		int tid = atoi(de->d_name);

		if (tid <= 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			nv = realloc(v, (size_t)cap * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				errno = ENOMEM;
				return -1;
			}
			v = nv;
		}
		v[n++] = tid;
	}
	closedir(d);
	*tids = v;
	return n;
}
