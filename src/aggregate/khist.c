// SPDX-License-Identifier: MIT
/* The kernel engine on hist triggers: one trigger per (event, key set), read as text. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "aggregate/khist.h"
#include "util/file.h"

#define MAX_KEYS 16
#define MAX_FEEDS 20
#define TABLE_SIZE "16384"

struct trig {
	char dir[512];                  /* <instance>/events/<sys>/<ev> */
	char *event;
	char spec[1024];                /* "hist:keys=a,b:vals=hitcount:size=N" */
	char *names[MAX_KEYS];          /* hist key names in spec order */
	bool is_str[MAX_KEYS];
	int nnames;
	struct st_feed *feeds[MAX_FEEDS];
	int nfeeds;
	struct st_agg *seen;            /* entry text -> hitcount at the last reading */
	unsigned long long dropped;
	bool written;
};

struct st_khist {
	char inst[400];
	char root[400];                 /* tracefs root, for synthetic_events */
	char synth[64];                 /* our synthetic event, "" = none */
	bool synth_made;
	bool keep_records;
	char start_dir[512], end_dir[512], start_spec[256], end_spec[512];
	struct trig **t;
	int n;
	struct st_agg_key kb, eb;
};

bool st_khist_available(const char *tracefs_root)
{
	char path[512];
	char *readme;
	bool yes;

	if (!tracefs_root)
		return false;
	snprintf(path, sizeof(path), "%s/README", tracefs_root);
	readme = st_slurp(path);
	yes = readme && strstr(readme, "hist:keys");
	free(readme);
	return yes;
}

bool st_khist_supports(const struct st_feed *f, bool dynamic, struct st_err *err)
{
	const char *name;
	int i;

	for (i = 0; i < st_feed_nkeys(f); i++) {
		switch (st_feed_key(f, i, &name)) {
		case ST_KEY_CPU:
		case ST_KEY_STACK:
		case ST_KEY_USTACK:
			st_err_set(err, 0, "key '%s' is counted in user space", name);
			return false;
		case ST_KEY_COMM:
			if (!dynamic) {
				st_err_set(err, 0, "comm of trace events is counted in user space");
				return false;
			}
			break;
		default:
			break;
		}
	}
	return true;
}

struct st_khist *st_khist_new(const char *instance_dir, struct st_err *err)
{
	struct st_khist *k = calloc(1, sizeof(*k));

	if (!k) {
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	snprintf(k->inst, sizeof(k->inst), "%s", instance_dir);
	snprintf(k->root, sizeof(k->root), "%s", instance_dir);
	if (strstr(k->root, "/instances/"))
		*strstr(k->root, "/instances/") = '\0';
	return k;
}

/* Is field `name` of the event a string? From the event's format file. */
static bool field_is_string(const char *dir, const char *name)
{
	char path[600], *fmt, *p;
	size_t n = strlen(name);
	bool str = false;

	snprintf(path, sizeof(path), "%s/format", dir);
	fmt = st_slurp(path);
	for (p = fmt; p && (p = strstr(p, "field:")); p++) {
		char *semi = strchr(p, ';'), *nm;

		if (!semi)
			break;
		for (nm = semi; nm > p && nm[-1] != ' '; nm--)
			;
		if ((size_t)(semi - nm) >= n && !strncmp(nm, name, n) &&
		    (nm[n] == ';' || nm[n] == '[')) {
			str = (strstr(p, "__data_loc") && strstr(p, "__data_loc") < semi) ||
			      (nm[n] == '[' && strstr(p, "char") && strstr(p, "char") < semi);
			break;
		}
	}
	free(fmt);
	return str;
}

static int add_name(struct trig *t, const char *name)
{
	int i;

	for (i = 0; i < t->nnames; i++)
		if (!strcmp(t->names[i], name))
			return 0;
	if (t->nnames == MAX_KEYS || !(t->names[t->nnames] = strdup(name)))
		return -1;
	t->is_str[t->nnames] = field_is_string(t->dir, name);
	t->nnames++;
	return 0;
}

/* The hist key name of feed key i, NULL for the event name (constant per trigger). */
static const char *hist_name(const struct st_feed *f, int i)
{
	const char *name;

	switch (st_feed_key(f, i, &name)) {
	case ST_KEY_COMM: return "__comm";
	case ST_KEY_PID: return "common_pid";
	case ST_KEY_EVENT: return NULL;
	default: return name;
	}
}

static void trig_free(struct trig *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->event);
	st_agg_free(t->seen);
	free(t);
}

int st_khist_add(struct st_khist *k, struct st_feed *f, const char *system,
		 const char *event, struct st_err *err)
{
	struct st_agg_spec seen = { .kind = ST_AGG_COUNT, .name = "seen" };
	struct trig *t = calloc(1, sizeof(*t)), **nt;
	size_t len;
	int i;

	if (!t)
		return st_err_set(err, 0, "out of memory");
	snprintf(t->dir, sizeof(t->dir), "%s/events/%s/%s", k->inst, system, event);

	t->event = strdup(event);
	for (i = 0; i < st_feed_nkeys(f); i++)
		if (hist_name(f, i) && add_name(t, hist_name(f, i)))
			goto oom;
	if (st_feed_field(f) && strcmp(st_feed_field(f), "pid") && strcmp(st_feed_field(f), "tid")
	    && add_name(t, st_feed_field(f)))
		goto oom;
	if ((st_feed_field(f) && (!strcmp(st_feed_field(f), "pid") ||
				  !strcmp(st_feed_field(f), "tid"))) || !t->nnames)
		if (add_name(t, "common_pid"))
			goto oom;
	len = (size_t)snprintf(t->spec, sizeof(t->spec), "hist:keys=");
	for (i = 0; i < t->nnames; i++)
		len += (size_t)snprintf(t->spec + len, sizeof(t->spec) - len, "%s%s", i ? "," : "",
					t->names[i]);
	snprintf(t->spec + len, sizeof(t->spec) - len, ":vals=hitcount:size=" TABLE_SIZE);
	/* the same trigger on the same event serves every feed that needs it */
	for (i = 0; i < k->n; i++) {
		if (!strcmp(k->t[i]->dir, t->dir) && !strcmp(k->t[i]->spec, t->spec)) {
			trig_free(t);
			if (k->t[i]->nfeeds == MAX_FEEDS)
				return st_err_set(err, 0, "too many aggregations on one event");
			k->t[i]->feeds[k->t[i]->nfeeds++] = f;
			return 0;
		}
	}
	t->seen = st_agg_new(&seen);
	nt = realloc(k->t, (size_t)(k->n + 1) * sizeof(*nt));
	if (!t->event || !t->seen || !nt)
		goto oom;
	k->t = nt;
	t->feeds[t->nfeeds++] = f;
	k->t[k->n++] = t;
	return 0;
oom:
	trig_free(t);
	return st_err_set(err, 0, "out of memory (or more than %d keys)", MAX_KEYS);
}

static int write_file(const char *dir, const char *file, const char *text, struct st_err *err)
{
	char path[600];
	size_t n = strlen(text);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	/* O_APPEND: opening a trigger file with O_TRUNC would remove every trigger */
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return st_err_set(err, 0, "%s: '%s': %s (see the instance's error_log)", path,
				  text, strerror(e));
	}
	close(fd);
	return 0;
}

/* Append text to the tracefs root's synthetic_events. */
static int synth_write(struct st_khist *k, const char *text, struct st_err *err)
{
	return write_file(k->root, "synthetic_events", text, err);
}

int st_khist_latency(struct st_khist *k, const char *start_sys, const char *start_ev,
		     const char *end_sys, const char *end_ev, struct st_feed *f,
		     struct st_err *err)
{
	const char *run = strrchr(k->inst, '/');
	char def[128];

	/* named after the run (its instance), so that the sweep knows whose it is */
	snprintf(k->synth, sizeof(k->synth), "%s_lat", run ? run + 1 : "surftrace");
	snprintf(def, sizeof(def), "%s u64 lat", k->synth);
	if (synth_write(k, def, err))
		return -1;
	k->synth_made = true;
	snprintf(k->start_dir, sizeof(k->start_dir), "%s/events/%s/%s", k->inst, start_sys,
		 start_ev);
	snprintf(k->end_dir, sizeof(k->end_dir), "%s/events/%s/%s", k->inst, end_sys, end_ev);
	snprintf(k->start_spec, sizeof(k->start_spec),
		 "hist:keys=common_pid:st_ts0=common_timestamp");
	snprintf(k->end_spec, sizeof(k->end_spec),
		 "hist:keys=common_pid:st_lat=common_timestamp-$st_ts0:onmatch(%s.%s).trace(%s,$st_lat)",
		 start_sys, start_ev, k->synth);
	return st_khist_add(k, f, "synthetic", k->synth, err);
}

void st_khist_keep_records(struct st_khist *k)
{
	k->keep_records = true;
}

int st_khist_start(struct st_khist *k, struct st_err *err)
{
	int i;

	if (k->synth[0]) {
		/* the end's trigger refers to the start's variable: start first */
		if (write_file(k->start_dir, "trigger", k->start_spec, err)) {
			k->start_spec[0] = k->end_spec[0] = '\0';
			return -1;
		}
		if (write_file(k->end_dir, "trigger", k->end_spec, err)) {
			k->end_spec[0] = '\0';
			return -1;
		}
		/* their own records are not needed: the triggers keep them firing */
		if (!k->keep_records && (write_file(k->start_dir, "enable", "0", err) ||
					 write_file(k->end_dir, "enable", "0", err)))
			return -1;
	}
	for (i = 0; i < k->n; i++) {
		if (write_file(k->t[i]->dir, "trigger", k->t[i]->spec, err))
			return -1;
		k->t[i]->written = true;
	}
	for (i = 0; !k->keep_records && i < k->n; i++)
		if (write_file(k->t[i]->dir, "enable", "0", err) && !strstr(k->t[i]->dir, "/synthetic/"))
			return -1;
	return 0;
}

/* The value of key `name` in an entry line "{ a:   1, b: text   } hitcount: 5". */
static bool key_text(const char *line, const char *name, const char *next, char *out,
		     size_t n)
{
	char pat[80];
	const char *p, *end;

	snprintf(pat, sizeof(pat), "%s: ", name);
	p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	if (next) {
		snprintf(pat, sizeof(pat), ", %s: ", next);
		end = strstr(p, pat);
	} else {
		end = strstr(p, "} hitcount:");
	}
	if (!end)
		return false;
	while (p < end && *p == ' ')
		p++;
	while (end > p && end[-1] == ' ')
		end--;
	snprintf(out, n, "%.*s", (int)(end - p), p);
	return true;
}

static int add_entry(struct st_khist *k, struct trig *t, const char *line,
		     unsigned long long n, struct st_err *err)
{
	char vals[MAX_KEYS][256];
	const char *kname;
	int i, j, f;

	for (i = 0; i < t->nnames; i++)
		if (!key_text(line, t->names[i], i + 1 < t->nnames ? t->names[i + 1] : NULL,
			      vals[i], sizeof(vals[i])))
			return st_err_set(err, 0, "cannot read '%s' in %s/hist: %.80s",
					  t->names[i], t->dir, line);
	for (f = 0; f < t->nfeeds; f++) {
		struct st_feed *fd = t->feeds[f];
		const char *vf = st_feed_field(fd);
		long long v = 0;

		st_agg_key_reset(&k->kb);
		for (i = 0; i < st_feed_nkeys(fd); i++) {
			const char *hn = hist_name(fd, i);

			st_feed_key(fd, i, &kname);
			if (!hn) {
				st_agg_key_str(&k->kb, t->event);
				continue;
			}
			for (j = 0; j < t->nnames && strcmp(t->names[j], hn); j++)
				;
			if (t->is_str[j])
				st_agg_key_str(&k->kb, vals[j]);
			else
				st_agg_key_num(&k->kb, (long long)strtoull(vals[j], NULL, 10));
		}
		if (vf) {
			const char *hn = !strcmp(vf, "pid") || !strcmp(vf, "tid") ? "common_pid" : vf;

			for (j = 0; j < t->nnames && strcmp(t->names[j], hn); j++)
				;
			if (t->is_str[j])
				return st_err_set(err, 0, "field '%s' is a string, not a number", vf);
			v = (long long)strtoull(vals[j], NULL, 10);
		}
		if (st_agg_add(st_feed_agg(fd), &k->kb, v, n))
			return st_err_set(err, 0, "out of memory");
	}
	return 0;
}

static int collect_one(struct st_khist *k, struct trig *t, struct st_err *err)
{
	char path[600], *text, *line, *next, *hc;

	snprintf(path, sizeof(path), "%s/hist", t->dir);
	text = st_slurp(path);
	if (!text)
		return st_err_set(err, 0, "%s: %s", path, strerror(errno));
	for (line = text; line && *line; line = next) {
		unsigned long long cur, before;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "    Dropped: ", 13))
			t->dropped = strtoull(line + 13, NULL, 10);
		if (line[0] != '{' || !(hc = strstr(line, "} hitcount:")))
			continue;
		cur = strtoull(hc + 11, NULL, 10);
		/* everything up to the hitcount names the entry */
		hc[1] = '\0';
		st_agg_key_reset(&k->eb);
		st_agg_key_str(&k->eb, line);
		before = st_agg_count(t->seen, &k->eb);
		hc[1] = ' ';
		if (cur <= before)
			continue;
		if (st_agg_add(t->seen, &k->eb, 0, cur - before) ||
		    add_entry(k, t, line, cur - before, err)) {
			free(text);
			return -1;
		}
	}
	free(text);
	return 0;
}

int st_khist_collect(struct st_khist *k, struct st_err *err)
{
	int i;

	for (i = 0; i < k->n; i++)
		if (k->t[i]->written && collect_one(k, k->t[i], err))
			return -1;
	return 0;
}

unsigned long long st_khist_dropped(const struct st_khist *k)
{
	unsigned long long n = 0;
	int i;

	for (i = 0; i < k->n; i++)
		n += k->t[i]->dropped;
	return n;
}

int st_khist_stop(struct st_khist *k, struct st_err *err)
{
	char undo[1100];
	int i, rc = 0;

	for (i = 0; k && i < k->n; i++) {
		if (!k->t[i]->written)
			continue;
		snprintf(undo, sizeof(undo), "!%s", k->t[i]->spec);
		if (write_file(k->t[i]->dir, "trigger", undo, err))
			rc = -1;
		k->t[i]->written = false;
	}
	if (k && k->synth_made) {
		/* end before start (it uses the start's variable), then the event itself */
		if (k->end_spec[0]) {
			snprintf(undo, sizeof(undo), "!%s", k->end_spec);
			write_file(k->end_dir, "trigger", undo, err);
		}
		if (k->start_spec[0]) {
			snprintf(undo, sizeof(undo), "!%s", k->start_spec);
			write_file(k->start_dir, "trigger", undo, err);
		}
		snprintf(undo, sizeof(undo), "!%s", k->synth);
		if (synth_write(k, undo, err))
			rc = -1;
		k->synth_made = false;
	}
	return rc;
}

void st_khist_free(struct st_khist *k)
{
	struct st_err e;
	int i;

	if (!k)
		return;
	st_khist_stop(k, &e);
	for (i = 0; i < k->n; i++)
		trig_free(k->t[i]);
	free(k->t);
	st_agg_key_free(&k->kb);
	st_agg_key_free(&k->eb);
	free(k);
}
