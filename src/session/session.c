// SPDX-License-Identifier: MIT
/* Session lifetime: create the instance, start, tear down in the safe order. */
#include "session/session_int.h"
#include "session/sweep.h"
#include "util/runname.h"
#include "util/file.h"
#include "util/proc.h"
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A second session in the same process gets "_<n>" so names stay unique. */
static int session_seq;

const char *st_session_defs_file(char type)
{
	switch (type) {
	case 'p': case 'r': return "kprobe_events";
	case 'P': case 'R': return "uprobe_events";
	default: return NULL;
	}
}

/* The instance's file, relative to the tracefs root. 0, or -1 with err. */
static int inst_file(const struct st_session *s, const char *file, char *rel, size_t n,
		     struct st_err *err)
{
	if (st_pathf(rel, n, "%s/%s", s->inst_rel, file))
		return st_err_set(err, 0, "tracefs path too long");
	return 0;
}

static int inst_write(struct st_session *s, const char *file, const char *text,
		      struct st_err *err)
{
	char rel[512];

	if (inst_file(s, file, rel, sizeof(rel), err))
		return -1;
	return st_tracefs_write(&s->tfs, rel, text, false, s->name, err);
}

static int make_instance(struct st_session *s, struct st_err *err)
{
	char path[512];
	int e = 0;

	if (st_tracefs_path(&s->tfs, path, sizeof(path), "%s", s->inst_rel) < 0)
		return st_err_set(err, 0, "tracefs path too long");
	if (mkdir(path, 0755) < 0) {
		e = errno;
		if (e == EEXIST) {
			/* Our name, made by an earlier holder of our pid in our pid namespace:
			 * removed only when that holder is shown gone (a live process with this
			 * pid that started after the instance was made is not its maker). */
			struct st_runname r;

			if (!st_runname_parse(s->name, "surftrace", &r) ||
			    st_runname_holder(&r, path) != ST_HOLDER_GONE)
				return st_err_set(err, 0, "tracefs instance %s already exists and "
						  "may be in use: not touching it (a run with our pid "
						  "less than a minute ago? 'surftrace --cleanup' "
						  "removes it once its run is gone)", path);
			st_sweep_name(&s->tfs, s->name, NULL, NULL);
			e = mkdir(path, 0755) < 0 ? errno : 0;
		}
	}
	if (e)
		return st_err_set(err, 0, "cannot create tracefs instance %s: %s%s", path,
				  strerror(e), e == EACCES || e == EPERM ? " (need root)" : "");
	s->inst_created = true;
	snprintf(s->inst_dir, sizeof(s->inst_dir), "%s", path);
	return 0;
}

/* tracing_cpumask: comma-separated 32-bit hex words, most significant first. */
static int set_cpumask(struct st_session *s, const unsigned long *cpus, size_t n,
		       struct st_err *err)
{
	unsigned long max = 0;
	unsigned int *words;
	size_t nw, i, len = 0;
	char *text;
	int rc;

	for (i = 0; i < n; i++)
		max = cpus[i] > max ? cpus[i] : max;
	nw = max / 32 + 1;
	words = calloc(nw, sizeof(*words));
	text = malloc(nw * 9 + 1);
	if (!words || !text) {
		free(words);
		free(text);
		return st_err_set(err, 0, "out of memory");
	}
	for (i = 0; i < n; i++)
		words[cpus[i] / 32] |= 1u << (cpus[i] % 32);
	for (i = nw; i-- > 0;)
		len += (size_t)sprintf(text + len, i == nw - 1 ? "%x" : ",%08x", words[i]);
	rc = inst_write(s, "tracing_cpumask", text, err);
	free(words);
	free(text);
	return rc;
}

/* "tid tid ..." of every thread of every process; NULL with err. */
static char *tids_text(const int *pids, size_t npids, struct st_err *err)
{
	size_t len = 0, cap = 64, i;
	char *text = malloc(cap), *nt;
	int *tids, n, j;

	if (!text) {
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	text[0] = '\0';
	for (i = 0; i < npids; i++) {
		n = st_proc_threads(pids[i], &tids);
		if (n < 0) {
			st_err_set(err, 0, "no process %d: %s", pids[i],
				   errno == ESRCH ? "it does not exist (any more)" : strerror(errno));
			free(text);
			return NULL;
		}
		for (j = 0; j < n; j++) {
			if (cap - len < 16) {
				nt = realloc(text, cap *= 2);
				if (!nt) {
					free(tids);
					free(text);
					st_err_set(err, 0, "out of memory");
					return NULL;
				}
				text = nt;
			}
			len += (size_t)snprintf(text + len, cap - len, "%s%d", len ? " " : "", tids[j]);
		}
		free(tids);
	}
	return text;
}

/* set_event_pid with every thread of every process; event-fork first, so that no child
 * forked in between is missed. */
static int set_pids(struct st_session *s, const struct st_session_opts *o, struct st_err *err)
{
	char *text;
	int rc;

	if (o->follow && inst_write(s, "options/event-fork", "1", err) < 0)
		return -1;
	text = tids_text(o->pids, o->npids, err);
	if (!text)
		return -1;
	rc = inst_write(s, "set_event_pid", text, err);
	free(text);
	return rc;
}

/* Never trace ourselves: our threads go into set_event_notrace_pid, so the reader's own
 * read/write calls never become events of `e syscalls/...` (which would feed themselves
 * and outlive -t by seconds). Not when -p names us, and not on kernels before 5.8, which
 * lack the file. No function tracer is used, so set_ftrace_notrace_pid stays as it is. */
static int exclude_self(struct st_session *s, const struct st_session_opts *o,
			struct st_err *err)
{
	int me = (int)getpid();
	char rel[512], *text;
	size_t i;
	int rc;

	for (i = 0; o && i < o->npids; i++)
		if (o->pids[i] == me)
			return 0;
	if (inst_file(s, "set_event_notrace_pid", rel, sizeof(rel), err))
		return -1;
	if (!st_tracefs_exists(&s->tfs, rel))
		return 0;
	text = tids_text(&me, 1, err);
	if (!text)
		return -1;
	rc = inst_write(s, "set_event_notrace_pid", text, err);
	free(text);
	return rc;
}

struct st_session *st_session_new(const struct st_session_opts *opts, struct st_err *err)
{
	struct st_session *s = calloc(1, sizeof(*s));
	int pid = opts && opts->pid ? opts->pid : (int)getpid();
	int seq = __atomic_fetch_add(&session_seq, 1, __ATOMIC_RELAXED);
	char num[32];

	if (!s) {
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	if (st_tracefs_open(&s->tfs, opts ? opts->tracefs : NULL, err) < 0)
		goto fail;
	/* unique across pid namespaces: every container's first process is pid 1 */
	if (st_runname_format(s->name, sizeof(s->name), "surftrace", pid, seq) < 0) {
		st_err_set(err, 0, "run name too long");
		goto fail;
	}
	snprintf(s->inst_rel, sizeof(s->inst_rel), "instances/%s", s->name);
	s->stop = opts ? opts->stop : NULL;
	if (make_instance(s, err) < 0)
		goto fail;
	/* Nothing is recorded until every probe is in place (the original's last step). */
	if (inst_write(s, "tracing_on", "0", err) < 0)
		goto fail;
	if (opts && opts->ustack && inst_write(s, "options/userstacktrace", "1", err) < 0)
		goto fail;
	if (opts && opts->stack && inst_write(s, "options/stacktrace", "1", err) < 0)
		goto fail;
	if (opts && opts->buffer_kb > 0) {
		snprintf(num, sizeof(num), "%ld", opts->buffer_kb);
		if (inst_write(s, "buffer_size_kb", num, err) < 0)
			goto fail;
	}
	if (opts && opts->ncpus && set_cpumask(s, opts->cpus, opts->ncpus, err) < 0)
		goto fail;
	if (opts && opts->npids && set_pids(s, opts, err) < 0)
		goto fail;
	if (!(opts && opts->trace_self) && exclude_self(s, opts, err) < 0)
		goto fail;
	return s;
fail:
	st_session_teardown(s, NULL);
	free(s);
	return NULL;
}

int st_session_start(struct st_session *s, struct st_err *err)
{
	return inst_write(s, "tracing_on", "1", err) < 0 ? -1 : 0;
}

int st_session_pause(struct st_session *s, struct st_err *err)
{
	if (!s || !s->inst_created)
		return 0;
	return inst_write(s, "tracing_on", "0", err) < 0 ? -1 : 0;
}

struct st_session_event *st_session_push(struct st_session *s, const char *system,
					 const char *event, const struct st_probe *p)
{
	struct st_session_event *e;

	if (s->nev == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;

		e = realloc(s->ev, cap * sizeof(*e));
		if (!e)
			return NULL;
		s->ev = e;
		s->cap = cap;
	}
	e = &s->ev[s->nev];
	memset(e, 0, sizeof(*e));
	e->system = strdup(system);
	e->event = strdup(event);
	e->probe = p;
	if (!e->system || !e->event) {
		free(e->system);
		free(e->event);
		return NULL;
	}
	s->nev++;
	return e;
}

/* Keep the first failure's message: it is the one the user needs. */
static void note(struct st_err *err, int *bad, const struct st_err *e)
{
	if (!*bad && err)
		*err = *e;
	*bad = 1;
}

/* Who keeps our probe enabled (EBUSY on removal): another instance that enabled it (a
 * glob of a run that predates this rule, or another tool), the top level, or something
 * outside tracefs (perf, BPF). Says what happens next, too. */
static const char *holder_of(const struct st_session *s, const struct st_session_event *ev,
			     char *buf, size_t n)
{
	char dir[400], path[1000], val[8];
	struct dirent *d;
	DIR *dp;
	int fd;
	ssize_t got;

	snprintf(buf, n, "in use outside tracefs (perf or a BPF program?)");
	if (st_tracefs_path(&s->tfs, dir, sizeof(dir), "instances") == 0 && (dp = opendir(dir))) {
		while ((d = readdir(dp))) {
			if (d->d_name[0] == '.' || !strcmp(d->d_name, s->name))
				continue;
			snprintf(path, sizeof(path), "%s/%s/events/%s/%s/enable", dir, d->d_name,
				 ev->system, ev->event);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			got = fd >= 0 ? read(fd, val, sizeof(val)) : -1;
			if (fd >= 0)
				close(fd);
			if (got > 0 && val[0] == '1') {
				snprintf(buf, n, "enabled in ftrace instance '%s'", d->d_name);
				break;
			}
		}
		closedir(dp);
	}
	if (!strncmp(buf, "in use", 6) &&
	    st_tracefs_path(&s->tfs, path, sizeof(path), "events/%s/%s/enable", ev->system,
			    ev->event) == 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		got = read(fd, val, sizeof(val));
		close(fd);
		if (got > 0 && val[0] == '1')
			snprintf(buf, n, "enabled at the top level of tracefs");
	}
	snprintf(buf + strlen(buf), n - strlen(buf), " (the next run or 'surftrace --cleanup' "
		 "removes it once that lets go)");
	return buf;
}

int st_session_teardown(struct st_session *s, struct st_err *err)
{
	struct st_err e = { 0 };
	char rel[300], cmd[200];
	int bad = 0;
	size_t i;

	if (!s)
		return 0;
	if (s->inst_created) {
		inst_write(s, "tracing_on", "0", &e);
		/* Opening the instance's set_event with O_TRUNC disables every event in it,
		 * dynamic ones too (the kernel's ftrace_clear_events): 360 events cost three
		 * syscalls instead of 1080. The loop below is what is left when it fails. */
		if (inst_write(s, "set_event", "", &e) == 0)
			for (i = 0; i < s->nev; i++)
				s->ev[i].enabled = false;
		for (i = 0; i < s->nev; i++) {
			struct st_session_event *ev = &s->ev[i];

			snprintf(rel, sizeof(rel), "events/%s/%s/enable", ev->system, ev->event);
			if (ev->enabled && inst_write(s, rel, "0", &e) == 0)
				ev->enabled = false;
		}
		if (st_tracefs_path(&s->tfs, rel, sizeof(rel), "%s", s->inst_rel) == 0 &&
		    (rmdir(rel) == 0 || errno == ENOENT)) {
			s->inst_created = false;
		} else {
			st_err_set(&e, 0, "cannot remove %s: %s", rel, strerror(errno));
			note(err, &bad, &e);
		}
	}
	for (i = 0; i < s->nev; i++) {
		struct st_session_event *ev = &s->ev[i];

		if (!ev->defined)
			continue;
		snprintf(cmd, sizeof(cmd), "-:%s/%s", ev->system, ev->event);
		if (st_tracefs_write(&s->tfs, ev->defs, cmd, true, NULL, &e) == 0 ||
		    !st_sweep_defined(&s->tfs, ev->defs, ev->system, ev->event)) {
			ev->defined = false;
		} else {
			char holder[300];

			st_err_set(&e, 0, "cannot remove probe %s/%s: %s; %s", ev->system,
				   ev->event, strerror(EBUSY), holder_of(s, ev, holder,
									 sizeof(holder)));
			note(err, &bad, &e);
		}
	}
	return bad ? -1 : 0;
}

void st_session_free(struct st_session *s)
{
	struct st_err err = { 0 };
	size_t i;

	if (!s)
		return;
	/* silent: whoever tore down before (and got the error) has reported it */
	st_session_teardown(s, &err);
	for (i = 0; i < s->nev; i++) {
		free(s->ev[i].system);
		free(s->ev[i].event);
	}
	free(s->ev);
	free(s);
}

const char *st_session_name(const struct st_session *s) { return s->name; }
const char *st_session_instance_dir(const struct st_session *s) { return s->inst_dir; }
const struct st_tracefs *st_session_tracefs(const struct st_session *s) { return &s->tfs; }
size_t st_session_nevents(const struct st_session *s) { return s->nev; }

const struct st_session_event *st_session_event_at(const struct st_session *s, size_t i)
{
	return i < s->nev ? &s->ev[i] : NULL;
}
