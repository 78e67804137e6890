/* SPDX-License-Identifier: MIT */
/* Private layout of struct st_session, shared by session.c and session_add.c. */
#ifndef ST_SESSION_SESSION_INT_H
#define ST_SESSION_SESSION_INT_H
#include "session/session.h"

struct st_session {
	struct st_tracefs tfs;
	char name[64];            /* util/runname: surftrace_<pid>[_n<ns>][_<n>], instance and group */
	char inst_rel[96];        /* "instances/<name>" */
	char inst_dir[512];       /* absolute */
	bool inst_created;
	volatile sig_atomic_t *stop;
	struct st_session_event *ev;
	size_t nev, cap;
};

/* Append an event record (copies the strings); returns it or NULL on ENOMEM. */
struct st_session_event *st_session_push(struct st_session *s, const char *system,
					 const char *event, const struct st_probe *p);

#endif
