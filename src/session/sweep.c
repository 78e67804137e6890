/* Removal of leftovers by name: instances first (that disables their events), then the
 * probe lines of the group, each from the list file that shows it. */
#include "session/sweep.h"
#include "util/proc.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef bool (*pick_fn)(const char *name, const void *arg);

static const char *const defs_files[] = { "kprobe_events", "uprobe_events" };

int st_sweep_name_pid(const char *name)
{
	const char *p;
	long pid = 0;

	if (strncmp(name, "surftrace_", 10))
		return 0;
	for (p = name + 10; isdigit((unsigned char)*p); p++) {
		pid = pid * 10 + (*p - '0');
		if (pid > 0x7fffffff)
			return 0;
	}
	if (p == name + 10 || pid <= 0)
		return 0;
	if (*p == '_') {
		const char *q = ++p;

		while (isdigit((unsigned char)*p))
			p++;
		if (p == q)
			return 0;
	}
	return *p ? 0 : (int)pid;
}

/* kill(0) says ESRCH only when no process has the pid; EPERM means it lives. */
static bool pid_gone(int pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
}

/* Runs whose pid now belongs to a younger process (pid_max is often 32768, so a killed
 * run's pid comes back), decided before anything is removed: the instance that tells it
 * goes first, the group's probe lines after. */
struct dead_set {
	char names[64][64];
	int n;
};

static bool pick_dead(const char *name, const void *arg)
{
	const struct dead_set *d = arg;
	int i, pid = st_sweep_name_pid(name);

	if (pid <= 0)
		return false;
	for (i = 0; i < d->n; i++)
		if (!strcmp(d->names[i], name))
			return true;
	return pid_gone(pid);
}

static void find_recycled(const struct st_tracefs *t, struct dead_set *d)
{
	char dir[400], path[800];
	struct dirent *e;
	DIR *dp;

	d->n = 0;
	if (st_tracefs_path(t, dir, sizeof(dir), "instances") < 0 || !(dp = opendir(dir)))
		return;
	while ((e = readdir(dp)) && d->n < 64) {
		size_t len = strlen(e->d_name);
		int pid = st_sweep_name_pid(e->d_name);

		if (len >= sizeof(d->names[0]) || pid <= 0 || pid_gone(pid))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (st_proc_started_after(pid, path))
			memcpy(d->names[d->n++], e->d_name, len + 1);
	}
	closedir(dp);
}

static bool pick_exact(const char *name, const void *arg)
{
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
		if (d->d_name[0] == '.' || !pick(d->d_name, arg))
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
		if (!parse_probe_line(line, grp, sizeof(grp), ev, sizeof(ev)) || !pick(grp, arg))
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

static int sweep(const struct st_tracefs *t, pick_fn pick, const void *arg, st_sweep_cb cb,
		 void *ctx, bool *failed)
{
	int n = sweep_instances(t, pick, arg, cb, ctx, failed);
	size_t i;

	for (i = 0; i < sizeof(defs_files) / sizeof(defs_files[0]); i++)
		n += sweep_probes(t, defs_files[i], pick, arg, cb, ctx, failed);
	return n;
}

int st_sweep_dead(const struct st_tracefs *t, st_sweep_cb cb, void *ctx, struct st_err *err)
{
	bool failed = false;
	struct dead_set dead;
	int n;

	find_recycled(t, &dead);
	n = sweep(t, pick_dead, &dead, cb, ctx, &failed);

	if (failed)
		return st_err_set(err, 0, "some leftovers of dead surftrace runs could not be "
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
