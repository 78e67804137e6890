// SPDX-License-Identifier: MIT
/* Run names and their holders (see runname.h). */
#include "util/runname.h"
#include "util/proc.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The kernel's inode number of the initial pid namespace (PROC_PID_INIT_INO). */
#define INIT_PID_NS_INO 0xEFFFFFFCULL

#define NS_UNKNOWN (~0ULL)

static unsigned long long ns_of(const char *proc_pid)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/pid", proc_pid);
	if (stat(path, &st))
		return NS_UNKNOWN;
	return (unsigned long long)st.st_ino == INIT_PID_NS_INO ? 0 : (unsigned long long)st.st_ino;
}

unsigned long long st_runname_own_ns(void)
{
	unsigned long long ns = ns_of("self");

	return ns == NS_UNKNOWN ? 0 : ns;
}

/* Whether /proc shows our pid namespace (`unshare --pid` without --mount-proc keeps the
 * parent's): only then do /proc/PID paths mean our pids. */
static bool proc_is_ours(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	if (n <= 0)
		return false;
	buf[n] = 0;
	return atoi(buf) == (int)getpid();
}

int st_runname_format(char *buf, size_t n, const char *prefix, int pid, int seq)
{
	unsigned long long ns = st_runname_own_ns();
	int len;

	if (ns && seq)
		len = snprintf(buf, n, "%s_%d_n%llu_%d", prefix, pid, ns, seq);
	else if (ns)
		len = snprintf(buf, n, "%s_%d_n%llu", prefix, pid, ns);
	else if (seq)
		len = snprintf(buf, n, "%s_%d_%d", prefix, pid, seq);
	else
		len = snprintf(buf, n, "%s_%d", prefix, pid);
	return len < 0 || (size_t)len >= n ? -1 : len;
}

/* Digits at *p into *v (no sign, no overflow past max); advances *p. */
static bool digits(const char **p, unsigned long long max, unsigned long long *v)
{
	const char *s = *p;

	*v = 0;
	while (isdigit((unsigned char)**p)) {
		*v = *v * 10 + (unsigned long long)(**p - '0');
		if (*v > max)
			return false;
		(*p)++;
	}
	return *p > s;
}

bool st_runname_parse(const char *name, const char *prefix, struct st_runname *r)
{
	size_t pl = strlen(prefix);
	const char *p = name + pl + 1;
	unsigned long long v;

	memset(r, 0, sizeof(*r));
	if (strncmp(name, prefix, pl) || name[pl] != '_')
		return false;
	if (!digits(&p, 0x7fffffff, &v) || !v)
		return false;
	r->pid = (int)v;
	if (p[0] == '_' && p[1] == 'n') {
		p += 2;
		if (!digits(&p, ~0ULL / 10, &r->ns) || !r->ns)
			return false;
	}
	if (*p == '_') {
		p++;
		if (!digits(&p, 0x7fffffff, &v))
			return false;
		r->seq = (int)v;
	}
	return !*p;
}

/* The last NSpid field of /proc/P/status: P's pid in its own (innermost) namespace. */
static int innermost_pid(const char *proc_pid)
{
	char path[300], line[256];
	int pid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/status", proc_pid);
	if (!(f = fopen(path, "re")))
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *s, *end;

		if (strncmp(line, "NSpid:", 6))
			continue;
		for (s = line + 6;; s = end) {
			long v = strtol(s, &end, 10);

			if (end == s)
				break;
			pid = (int)v;
		}
		break;
	}
	fclose(f);
	return pid;
}

/* Our view of the process with pid `pid` in namespace `ns`: its pid here, 0 when none of
 * the processes we can see is it, -1 when we saw no process of that namespace at all. */
static int find_in_ns(unsigned long long ns, int pid)
{
	struct dirent *de;
	bool seen_ns = false;
	int found = 0;
	DIR *d = opendir("/proc");

	if (!d)
		return -1;
	while (!found && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]) || ns_of(de->d_name) != ns)
			continue;
		seen_ns = true;
		if (innermost_pid(de->d_name) == pid)
			found = atoi(de->d_name);
	}
	closedir(d);
	return found ? found : seen_ns ? 0 : -1;
}

enum st_holder st_runname_holder(const struct st_runname *r, const char *made)
{
	unsigned long long own = st_runname_own_ns();
	int here;

	if (r->ns == own) {
		here = r->pid;
		if (kill(here, 0) < 0 && errno == ESRCH)
			return ST_HOLDER_GONE;
		if (!proc_is_ours())
			return ST_HOLDER_ALIVE;   /* no age check through someone else's /proc */
	} else {
		here = find_in_ns(r->ns, r->pid);
		if (here < 0)         /* no process of that namespace visible */
			return own ? ST_HOLDER_UNKNOWN : ST_HOLDER_GONE;
		if (!here)            /* its namespace runs, that pid does not */
			return ST_HOLDER_GONE;
	}
	return made && st_proc_started_after(here, made) ? ST_HOLDER_GONE : ST_HOLDER_ALIVE;
}
