/* SPDX-License-Identifier: MIT */
/* Names of what a run holds in tracefs (instances, probe groups): PREFIX_<pid>, and
 * PREFIX_<pid>_n<pid-namespace inode> outside the initial pid namespace (every container's
 * first process is pid 1), each with an optional _<seq> for a second session of the same
 * process. Valid tracefs identifiers ([A-Za-z0-9_]), at most ~40 characters. The sweeps
 * of surftrace and lbc use the same rules to tell whether a name's holder still runs. */
#ifndef ST_UTIL_RUNNAME_H
#define ST_UTIL_RUNNAME_H
#include <stdbool.h>
#include <stddef.h>

struct st_runname {
	int pid;                 /* in the holder's own pid namespace */
	unsigned long long ns;   /* that namespace's inode; 0 = the initial one */
	int seq;                 /* 0 = none */
};

/* The pid namespace inode of the calling process, 0 for the initial namespace (or when
 * /proc cannot tell). */
unsigned long long st_runname_own_ns(void);

/* Formats prefix's name for pid (in our namespace) and seq (0 = none). Returns the length
 * or -1 when it does not fit. */
int st_runname_format(char *buf, size_t n, const char *prefix, int pid, int seq);

/* Parses PREFIX_<pid>[_n<ns>][_<seq>]; false for any other name. */
bool st_runname_parse(const char *name, const char *prefix, struct st_runname *r);

enum st_holder { ST_HOLDER_ALIVE, ST_HOLDER_GONE, ST_HOLDER_UNKNOWN };

/* Whether the process a name belongs to still runs. GONE when no process has that pid in
 * that namespace (checked through /proc when the namespace is not ours: from the initial
 * namespace every process is visible), or when the process that has it now started more
 * than a minute after `made` (the run's instance; NULL = no age check) was created: a
 * recycled pid. UNKNOWN when this process cannot see the name's namespace (a sibling
 * container, or the host's names seen from a container): such names are never swept. */
enum st_holder st_runname_holder(const struct st_runname *r, const char *made);

#endif
