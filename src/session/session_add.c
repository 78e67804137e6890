// SPDX-License-Identifier: MIT
/* Adding one translated expression to a session: define -> filter -> enable. */
#include "session/session_int.h"
#include "compile/compile.h"
#include "util/file.h"
#include "util/runname.h"
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int inst_event_write(struct st_session *s, struct st_session_event *ev,
			    const char *file, const char *text, struct st_err *err)
{
	char rel[512];

	if (st_pathf(rel, sizeof(rel), "%s/events/%s/%s/%s", s->inst_rel, ev->system, ev->event,
		     file))
		return st_err_set(err, 0, "tracefs path too long");
	return st_tracefs_write(&s->tfs, rel, text, false, s->name, err);
}

/* Filter then enable, so no unfiltered event is ever recorded. */
static int filter_and_enable(struct st_session *s, struct st_session_event *ev,
			     const char *filter, struct st_err *err)
{
	struct st_err e = { 0 };
	int rc;

	if (filter && *filter && inst_event_write(s, ev, "filter", filter, &e) < 0)
		return st_err_set(err, 0, "kernel rejected filter '%s' on %s/%s: %s", filter,
				  ev->system, ev->event, e.msg);
	rc = inst_event_write(s, ev, "enable", "1", &e);
	if (rc < 0) {
		/* Uprobes are registered at enable time: a bad offset only shows here. */
		bool up = ev->probe && (ev->probe->type == 'P' || ev->probe->type == 'R');

		return st_err_set(err, 0, "cannot enable %s/%s: %s%s", ev->system, ev->event, e.msg,
				  up && rc == -EINVAL ? " (is the offset inside the binary's code?)" : "");
	}
	ev->enabled = true;
	return 0;
}

static int add_dynamic(struct st_session *s, const struct st_probe *p, struct st_err *err)
{
	const char *defs = st_session_defs_file(p->type);
	struct st_session_event *ev;
	struct st_err e = { 0 };
	char *def;
	int rc;

	if (!st_tracefs_exists(&s->tfs, defs))
		return st_err_set(err, 0, "this kernel has no %s/%s (%s are not enabled)",
				  s->tfs.root, defs, p->type == 'p' || p->type == 'r' ?
				  "kprobe events" : "uprobe events");
	def = st_probe_definition(p, s->name, err);
	if (!def)
		return -1;
	rc = st_tracefs_write(&s->tfs, defs, def, true, NULL, &e);
	if (rc < 0) {
		st_err_set(err, 0, "kernel rejected '%s': %s", def, e.msg);
		free(def);
		return -1;
	}
	free(def);
	ev = st_session_push(s, s->name, p->event, p);
	if (!ev) {
		/* Not recorded, so remove it here: nothing may stay behind. */
		char cmd[200];

		snprintf(cmd, sizeof(cmd), "-:%s/%s", s->name, p->event);
		st_tracefs_write(&s->tfs, defs, cmd, true, NULL, NULL);
		return st_err_set(err, 0, "out of memory");
	}
	ev->defs = defs;
	ev->defined = true;
	return filter_and_enable(s, ev, p->filter, err);
}

static bool has_glob(const char *s)
{
	return s && strpbrk(s, "*?[") != NULL;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_enable(const char *event_dir)
{
	char path[900];

	snprintf(path, sizeof(path), "%s/enable", event_dir);
	return access(path, F_OK) == 0;
}

/* An event group of a surftrace or lbc run (util/runname), ours or another's. Enabling
 * another run's probe in our instance pins it: that run could no longer remove it (EBUSY). */
static bool run_group(const char *sys)
{
	struct st_runname r;

	return st_runname_parse(sys, "surftrace", &r) || st_runname_parse(sys, "lbc", &r);
}

/* Sorted names of the subdirectories of dir matching glob: event groups (systems: never
 * a run's) or the events of one group (only those that can be enabled). Returns count or
 * -1. */
static int match_dirs(const char *dir, const char *glob, bool systems, char ***out)
{
	char path[800], **v = NULL, **nv;
	struct dirent *d;
	int n = 0;
	DIR *dp = opendir(dir);
	/* A group with an enable file of its own has it for every event: the kernel leaves
	 * both out only where events cannot be enabled (the ftrace group). One check per
	 * group instead of one per event (350 syscall events). */
	bool all_enable = !systems && has_enable(dir);

	*out = NULL;
	if (!dp)
		return -1;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.' || fnmatch(glob, d->d_name, 0) ||
		    (systems && run_group(d->d_name)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		/* the entry's type from readdir (tracefs gives it): no stat per event */
		if (d->d_type != DT_DIR && (d->d_type != DT_UNKNOWN || !is_dir(path)))
			continue;
		/* an event a glob reaches must be one that can be enabled (ftrace/bprint
		 * and the like cannot), as the -o script does */
		if (!systems && !all_enable && !has_enable(path))
			continue;
		nv = realloc(v, (size_t)(n + 1) * sizeof(*v));
		if (!nv || !(nv[n] = strdup(d->d_name))) {
			v = nv ? nv : v;
			break;
		}
		v = nv;
		n++;
	}
	closedir(dp);
	if (n > 1)
		qsort(v, (size_t)n, sizeof(*v), cmp_str);
	*out = v;
	return n;
}

static void free_names(char **v, int n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

static int add_one_event(struct st_session *s, const char *sys, const char *name,
			 const struct st_probe *p, struct st_err *err)
{
	struct st_session_event *ev;
	size_t i;

	/* One instance has one filter per event: a second expression would silently
	 * replace the first one's filter. */
	for (i = 0; i < s->nev; i++) {
		if (!strcmp(s->ev[i].system, sys) && !strcmp(s->ev[i].event, name))
			return st_err_set(err, 0, "%s/%s is already traced by expression %d; "
					  "join the filters with || in one expression", sys, name,
					  s->ev[i].probe ? s->ev[i].probe->index + 1 : 0);
	}
	ev = st_session_push(s, sys, name, p);
	if (!ev)
		return st_err_set(err, 0, "out of memory");
	return filter_and_enable(s, ev, p->filter, err);
}

/* `e sys/ev` with optional glob wildcards in both parts, matched in our instance. */
static int add_event(struct st_session *s, const struct st_probe *p, struct st_err *err)
{
	const char *sysg = p->group ? p->group : "*";
	char dir[800], **sys = NULL, **evs = NULL;
	int nsys, nev, i, j, total = 0, rc = 0;

	if (!has_glob(sysg) && run_group(sysg))
		return st_err_set(err, 0, "'%s' is the probe group of a surftrace/lbc run: enabling "
				  "its events here would keep that run from removing them (trace "
				  "the same place with a probe of your own)", sysg);
	if (!has_glob(sysg) && !has_glob(p->event)) {
		snprintf(dir, sizeof(dir), "%s/events/%s/%s", s->inst_dir, sysg, p->event);
		if (!is_dir(dir))
			return st_err_set(err, 0, "no trace event '%s/%s'", sysg, p->event);
		return add_one_event(s, sysg, p->event, p, err);
	}
	snprintf(dir, sizeof(dir), "%s/events", s->inst_dir);
	/* A glob never reaches into runs' groups (ours included: its probes are traced
	 * by their own expressions). */
	nsys = match_dirs(dir, sysg, true, &sys);
	for (i = 0; i < nsys && rc == 0; i++) {
		snprintf(dir, sizeof(dir), "%s/events/%s", s->inst_dir, sys[i]);
		nev = match_dirs(dir, p->event, false, &evs);
		for (j = 0; j < nev && rc == 0; j++, total++) {
			if (s->stop && *s->stop) {
				st_err_set(err, 0, "stopped by a signal while enabling '%s/%s'",
					   sysg, p->event);
				rc = -EINTR;
				break;
			}
			rc = add_one_event(s, sys[i], evs[j], p, err);
		}
		free_names(evs, nev);
	}
	free_names(sys, nsys);
	if (rc == 0 && total == 0)
		return st_err_set(err, 0, "no trace event matches '%s/%s'%s", sysg, p->event,
				  has_glob(sysg) ? " (groups of surftrace/lbc runs are never "
				  "matched)" : "");
	return rc;
}

int st_session_add(struct st_session *s, const struct st_probe *p, struct st_err *err)
{
	if (p->type == 'e')
		return add_event(s, p, err);
	if (!st_session_defs_file(p->type))
		return st_err_set(err, 0, "unknown probe type '%c'", p->type);
	return add_dynamic(s, p, err);
}
