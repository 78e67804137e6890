/* SPDX-License-Identifier: MIT */
/* The surftrace option of a recording: what `surftrace report` needs to print the file as
 * the live run did. Text, one fact per line, tab-separated:
 *   surftrace-record	1
 *   group	surftrace_1234            the run's event group
 *   expr	0	P /bin/bash:readline ip_x=%0    each expression as written
 *   probe	0	P	p0	-              type, event, group ('-': the run's)
 *   arg	0	ip_x	1                  probe index, argument name, enum st_conv
 *   lost	1	12                      cpu, events lost there
 *   stack	1                           kernel stacks were recorded (-s)
 *   comm	4603	sh                      a task as the live run named it (the report
 *                                    names it so when the file's saved cmdlines lost it) */
#ifndef ST_RECORD_META_H
#define ST_RECORD_META_H
#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

struct st_probe;

struct st_meta_comm {
	int pid;
	char comm[16];
};

struct st_meta {
	char *group;
	char **exprs;
	struct st_probe **probes;
	size_t n;
	unsigned long long *lost;  /* by CPU number */
	int nlost;
	bool stacks;
	struct st_meta_comm *comms;
	size_t ncomms;
};

char *st_meta_text(const char *group, const char *const *exprs,
		   const struct st_probe *const *probes, size_t n,
		   const unsigned long long *lost, int nlost, bool stacks,
		   const struct st_meta_comm *comms, size_t ncomms);
int st_meta_parse(const char *text, struct st_meta *m, struct st_err *err);
void st_meta_clear(struct st_meta *m);

#endif
