// SPDX-License-Identifier: MIT
/* Event formats: the reader only decodes events whose format it loaded from the
 * instance's events/<system>/<name>/format (globs expand against that directory). */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event-parse.h>
#include "read/read_int.h"
#include "util/file.h"

static int grow_byid(struct st_reader *r, int id)
{
	if (id < r->nbyid)
		return 0;
	int n = id + 64;
	struct st_revent *nb = realloc(r->byid, (size_t)n * sizeof(*nb));
	if (!nb)
		return -1;
	memset(nb + r->nbyid, 0, (size_t)(n - r->nbyid) * sizeof(*nb));
	r->byid = nb;
	r->nbyid = n;
	return 0;
}

int st_reader_load_format(struct st_reader *r, const char *sys, const char *name,
			  const char *path, struct st_err *err)
{
	struct tep_event *ev = tep_find_event_by_name(r->tep, sys, name);
	if (!ev) {
		size_t len;
		char *buf = st_read_file(path, &len);
		if (!buf) {
			int e = errno;

			st_err_set(err, 0, "%s: %s", path, strerror(e));
			errno = e;  /* load_names tells a missing event apart */
			return -1;
		}
		enum tep_errno e = tep_parse_format(r->tep, &ev, buf, len, sys);
		free(buf);
		if (e || !ev) {
			char msg[128] = "";
			tep_strerror(r->tep, e, msg, sizeof(msg));
			return st_err_set(err, 0, "%s: cannot parse format: %s", path, msg);
		}
	}
	if (ev->id < 0 || grow_byid(r, ev->id))
		return st_err_set(err, 0, "%s: bad event id %d", path, ev->id);
	r->byid[ev->id].tev = ev;
	if (!strcmp(sys, "ftrace") && !strcmp(name, "kernel_stack")) {
		struct tep_format_field *sz = tep_find_field(ev, "size");
		struct tep_format_field *cl = tep_find_field(ev, "caller");
		if (!sz || !cl)
			return st_err_set(err, 0, "%s: no size/caller fields", path);
		r->byid[ev->id].is_stack = true;
		r->stack_id = ev->id;
		r->stack_size_off = sz->offset;
		r->stack_caller_off = cl->offset;
	}
	if (!strcmp(sys, "ftrace") && !strcmp(name, "user_stack")) {
		struct tep_format_field *cl = tep_find_field(ev, "caller");
		if (!cl)
			return st_err_set(err, 0, "%s: no caller field", path);
		r->byid[ev->id].is_stack = true;
		r->ustack_id = ev->id;
		r->ustack_caller_off = cl->offset;
		r->ustack_max = cl->size / (int)sizeof(unsigned long long);
		if (r->ustack_max > 64)
			r->ustack_max = 64;
	}
	return 0;
}

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int load_names(struct st_reader *r, const char *sys, const char *name,
		      struct st_err *err)
{
	char path[PATH_MAX];
	if (!is_glob(name)) {
		/* no existence check first: a missing format file is a missing event */
		st_rpath(path, "%s/events/%s/%s/format", r->dir, sys, name);
		errno = 0;
		if (!st_reader_load_format(r, sys, name, path, err))
			return 1;
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	}
	st_rpath(path, "%s/events/%s", r->dir, sys);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || fnmatch(name, de->d_name, 0))
			continue;
		/* "enable", "filter" files of the system dir: readdir types the entries */
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		st_rpath(path, "%s/events/%s/%s/format", r->dir, sys, de->d_name);
		if (de->d_type == DT_UNKNOWN && access(path, R_OK))
			continue;
		if (st_reader_load_format(r, sys, de->d_name, path, err)) {
			closedir(d);
			return -1;
		}
		n++;
	}
	closedir(d);
	return n;
}

int st_reader_add_event(struct st_reader *r, const char *system, const char *name,
			struct st_err *err)
{
	if (!system || !name)
		return st_err_set(err, 0, "event needs a system and a name");
	if (!is_glob(system)) {
		int n = load_names(r, system, name, err);
		if (n == 0)
			st_err_set(err, 0, "no event matches %s/%s", system, name);
		return n;
	}
	char path[PATH_MAX];
	st_rpath(path, "%s/events", r->dir);
	DIR *d = opendir(path);
	if (!d)
		return st_err_set(err, 0, "%s: %s", path, strerror(errno));
	int total = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || fnmatch(system, de->d_name, 0))
			continue;
		int n = load_names(r, de->d_name, name, err);
		if (n < 0) {
			closedir(d);
			return -1;
		}
		total += n;
	}
	closedir(d);
	if (total == 0)
		st_err_set(err, 0, "no event matches %s/%s", system, name);
	return total;
}
