// SPDX-License-Identifier: MIT
/* Removal of leftovers by name: instances first (that disables their events), then the
 * probe lines of the group, each from the list file that shows it. Whose a name is and
 * whether its holder runs: util/runname (shared with lbc). */
#include "session/sweep.h"
#include "util/runname.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* instance: the name is an instance's (else a probe group's). */
typedef bool (*pick_fn)(const char *name, bool instance, const void *arg);

static const char *const defs_files[] = { "kprobe_events", "uprobe_events" };

/* Our names: surftrace's instances and probe groups, and lbc's instances (lbc makes no
 * probes; its printk instance is lbc_<pid>). */
static bool ours(const char *name, bool instance, struct st_runname *r)
{
	return st_runname_parse(name, "surftrace", r) ||
	       (instance && st_runname_parse(name, "lbc", r));
}

/* The runs found gone, decided from their instances before anything is removed (the
 * instance's age tells a recycled pid; once it is removed, only the pid is left). */
struct dead_set {
	char names[64][64];
	int n;
	char last[64];           /* the last name looked up by pick_dead, and its verdict */
	bool last_dead;
};

static bool pick_dead(const char *name, bool instance, const void *arg)
{
	struct dead_set *d = (struct dead_set *)arg;
	struct st_runname r;
	int i;

	if (!ours(name, instance, &r))
		return false;
	for (i = 0; i < d->n; i++)
		if (!strcmp(d->names[i], name))
			return true;
	/* a group's probe lines come one by one: one look per name */
	if (strcmp(d->last, name)) {
		snprintf(d->last, sizeof(d->last), "%s", name);
		d->last_dead = st_runname_holder(&r, NULL) == ST_HOLDER_GONE;
	}
	return d->last_dead;
}

static void find_dead_instances(const struct st_tracefs *t, struct dead_set *d)
{
	char dir[400], path[800];
	struct st_runname r;
	struct dirent *e;
	DIR *dp;

	d->n = 0;
	d->last[0] = 0;
	if (st_tracefs_path(t, dir, sizeof(dir), "instances") < 0 || !(dp = opendir(dir)))
		return;
	while ((e = readdir(dp)) && d->n < 64) {
		size_t len = strlen(e->d_name);

		if (len >= sizeof(d->names[0]) || !ours(e->d_name, true, &r))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (st_runname_holder(&r, path) == ST_HOLDER_GONE)
			memcpy(d->names[d->n++], e->d_name, len + 1);
	}
	closedir(dp);
}

static bool pick_exact(const char *name, bool instance, const void *arg)
{
	(void)instance;
	return !strcmp(name, (const char *)arg);
}

/* "p:grp/ev place args", "r16:grp/ev ..." -> grp, ev. */
static bool parse_probe_line(const char *line, char *grp, size_t gn, char *ev, size_t en)
{
	const char *c = strchr(line, ':'), *slash, *end;
	size_t sp = strcspn(line, " \t");

	if (!c || (size_t)(c - line) > sp)
		return false;
	c++;
	slash = strchr(c, '/');
	end = c + strcspn(c, " \t\n");
	if (!slash || slash > end || (size_t)(slash - c) >= gn || (size_t)(end - slash - 1) >= en)
		return false;
	memcpy(grp, c, (size_t)(slash - c));
	grp[slash - c] = '\0';
	memcpy(ev, slash + 1, (size_t)(end - slash - 1));
	ev[end - slash - 1] = '\0';
	return true;
}

static int sweep_instances(const struct st_tracefs *t, pick_fn pick, const void *arg,
			   st_sweep_cb cb, void *ctx, bool *failed)
{
	char dir[400], path[800];
	struct dirent *d;
	int n = 0;
	DIR *dp;

	if (st_tracefs_path(t, dir, sizeof(dir), "instances") < 0 || !(dp = opendir(dir)))
		return 0;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.' || !pick(d->d_name, true, arg))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (rmdir(path) == 0) {
			n++;
			if (cb)
				cb("instance", d->d_name, ctx);
		} else if (errno != ENOENT) {   /* ENOENT: a concurrent sweep was faster */
			*failed = true;
		}
	}
	closedir(dp);
	return n;
}

static int sweep_probes(const struct st_tracefs *t, const char *defs, pick_fn pick,
			const void *arg, st_sweep_cb cb, void *ctx, bool *failed)
{
	char *text = st_tracefs_read(t, defs), *line, *save = NULL;
	char grp[128], ev[128], cmd[300];
	int n = 0;

	if (!text)
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!parse_probe_line(line, grp, sizeof(grp), ev, sizeof(ev)) ||
		    !pick(grp, false, arg))
			continue;
		snprintf(cmd, sizeof(cmd), "-:%s/%s", grp, ev);
		if (st_tracefs_write(t, defs, cmd, true, NULL, NULL) == 0) {
			n++;
			if (cb) {
				snprintf(cmd, sizeof(cmd), "%s/%s", grp, ev);
				cb("probe", cmd, ctx);
			}
		} else if (st_sweep_defined(t, defs, grp, ev)) {
			*failed = true;     /* still there: in use (perf, another instance) */
		}
	}
	free(text);
	return n;
}

/* Synthetic events of --latency in the kernel, "<run>_lat" (src/aggregate/khist.c): after
 * the instances, whose triggers used them. */
static int sweep_synthetic(const struct st_tracefs *t, pick_fn pick, const void *arg,
			   st_sweep_cb cb, void *ctx, bool *failed)
{
	char *text = st_tracefs_read(t, "synthetic_events"), *line, *save = NULL;
	char name[128], cmd[140];
	size_t len;
	int n = 0;

	if (!text)
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		len = strcspn(line, " \t");
		if (len < 5 || len >= sizeof(name) || strncmp(line + len - 4, "_lat", 4))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 4), line);
		if (!pick(name, false, arg))
			continue;
		snprintf(cmd, sizeof(cmd), "!%.*s", (int)len, line);
		if (st_tracefs_write(t, "synthetic_events", cmd, true, NULL, NULL) == 0) {
			n++;
			if (cb) {
				snprintf(cmd, sizeof(cmd), "%.*s", (int)len, line);
				cb("synthetic event", cmd, ctx);
			}
		} else {
			*failed = true;
		}
	}
	free(text);
	return n;
}

static int sweep(const struct st_tracefs *t, pick_fn pick, const void *arg, st_sweep_cb cb,
		 void *ctx, bool *failed)
{
	int n = sweep_instances(t, pick, arg, cb, ctx, failed);
	size_t i;

	for (i = 0; i < sizeof(defs_files) / sizeof(defs_files[0]); i++)
		n += sweep_probes(t, defs_files[i], pick, arg, cb, ctx, failed);
	return n + sweep_synthetic(t, pick, arg, cb, ctx, failed);
}

int st_sweep_dead(const struct st_tracefs *t, st_sweep_cb cb, void *ctx, struct st_err *err)
{
	bool failed = false;
	struct dead_set dead;
	int n;

	find_dead_instances(t, &dead);
	n = sweep(t, pick_dead, &dead, cb, ctx, &failed);

	if (failed)
		return st_err_set(err, 0, "some leftovers of dead surftrace/lbc runs could not be "
				  "removed (in use by another tool?)");
	return n;
}

int st_sweep_name(const struct st_tracefs *t, const char *name, st_sweep_cb cb, void *ctx)
{
	bool failed = false;
	int n = sweep(t, pick_exact, name, cb, ctx, &failed);

	return failed ? -1 : n;
}

bool st_sweep_defined(const struct st_tracefs *t, const char *defs, const char *group,
		      const char *event)
{
	char *text = st_tracefs_read(t, defs), *line, *save = NULL;
	char grp[128], ev[128];
	bool found = false;

	if (!text)
		return false;
	for (line = strtok_r(text, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save))
		found = parse_probe_line(line, grp, sizeof(grp), ev, sizeof(ev)) &&
			!strcmp(grp, group) && !strcmp(ev, event);
	free(text);
	return found;
}
