/* SPDX-License-Identifier: MIT */
/* One tracing run in tracefs: its own instance and its own event group, both named
 * surftrace_<pid>, so runs never collide and never touch other tools' probes.
 *
 * Write order: instance -> probe definition -> filter -> enable; tracing_on of the
 * instance goes to 1 only in st_session_start(). Teardown: disable -> rmdir instance ->
 * remove our probes; it is idempotent and runs from st_session_free() too. Only files
 * inside our instance and our own probe lines are written: nothing global. */
#ifndef ST_SESSION_SESSION_H
#define ST_SESSION_SESSION_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include "session/tracefs.h"
#include "util/err.h"

struct st_probe;

struct st_session_opts {
	const char *tracefs;   /* NULL: find or mount it */
	bool stack;            /* instance options/stacktrace */
	bool ustack;           /* instance options/userstacktrace */
	long buffer_kb;        /* instance buffer_size_kb, 0 = kernel default */
	int pid;               /* name tag, 0 = getpid() */
	/* -p: record only events of these processes (every thread of each, through the
	 * instance's set_event_pid); follow: and of the tasks they fork from now on
	 * (options/event-fork). Applies to every event of the instance: trace events,
	 * kprobes and uprobes alike. */
	const int *pids;
	size_t npids;
	bool follow;
	/* --cpu: record only on these CPUs (the instance's tracing_cpumask); NULL = all. */
	const unsigned long *cpus;
	size_t ncpus;
	/* false (default): the threads of this process at st_session_new() are never
	 * recorded (set_event_notrace_pid), so reading and printing events makes none. */
	bool trace_self;
	/* Non-zero stops st_session_add between the events of an `e` glob (a signal during a
	 * long setup); may be NULL. */
	volatile sig_atomic_t *stop;
};

/* One event enabled in our instance: a probe we defined or an existing trace event. */
struct st_session_event {
	char *system;                 /* our group, or the event's system */
	char *event;                  /* "p0", "sched_switch" */
	const struct st_probe *probe; /* the expression it came from (borrowed) */
	const char *defs;             /* "kprobe_events"/"uprobe_events" when we defined it */
	bool defined;                 /* our probe line is in `defs` */
	bool enabled;                 /* our instance's enable is 1 */
};

struct st_session;

/* Open tracefs and create the instance (tracing_on 0, stacktrace, buffer size, pid and
 * CPU scoping). */
struct st_session *st_session_new(const struct st_session_opts *opts, struct st_err *err);

/* Define (p/r: kprobe_events, P/R: uprobe_events), filter and enable one probe; `e`
 * expands glob wildcards in system/event against the instance's events dir. The probe
 * must outlive the session. On failure what was written so far stays recorded and is
 * removed by teardown. Returns -EINTR when opts.stop ended an `e` glob midway. */
int st_session_add(struct st_session *s, const struct st_probe *p, struct st_err *err);

/* tracing_on = 1 in our instance. */
int st_session_start(struct st_session *s, struct st_err *err);
/* tracing_on = 0: nothing more is recorded (a stop, before the reader's last drain). */
int st_session_pause(struct st_session *s, struct st_err *err);

/* Disable, remove the instance, remove our probes. Idempotent; returns 0 when everything
 * is gone, else -1 with err naming what stayed behind. */
int st_session_teardown(struct st_session *s, struct st_err *err);

/* Teardown (silently: call st_session_teardown first to hear about problems) and free.
 * NULL is fine. */
void st_session_free(struct st_session *s);

const char *st_session_name(const struct st_session *s);          /* surftrace_<pid> */
const char *st_session_instance_dir(const struct st_session *s);  /* absolute path */
const struct st_tracefs *st_session_tracefs(const struct st_session *s);
size_t st_session_nevents(const struct st_session *s);
const struct st_session_event *st_session_event_at(const struct st_session *s, size_t i);

/* Name of the probe list file for a probe type: kprobe_events / uprobe_events / NULL. */
const char *st_session_defs_file(char type);

#endif
