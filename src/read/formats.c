// SPDX-License-Identifier: MIT
/* Event formats: the reader only decodes events whose format it loaded from the
 * instance's events/<system>/<name>/format (globs expand against that directory). An event
 * named exactly is loaded when added; of the events a glob matches, only the first is (it
 * gives libtraceevent the common fields), the others when their first record comes:
 * `e syscalls/sys_enter_*` reads no 360 formats at start, only those of events that fire. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
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

static void sign_symbols(struct tep_event *ev, struct tep_print_flag_sym *sym,
			 const struct tep_print_arg *fa)
{
	struct tep_format_field *f;
	unsigned long long mask;

	if (!fa || fa->type != TEP_PRINT_FIELD)
		return;     /* an expression of the field: not a plain read of it */
	f = fa->field.field ? fa->field.field : tep_find_any_field(ev, fa->field.name);
	if (!f || !(f->flags & TEP_FIELD_IS_SIGNED) || f->size <= 0 || f->size >= 8)
		return;
	mask = (1ULL << (f->size * 8)) - 1;
	for (; sym; sym = sym->next) {
		char *end, *v;
		long long x;

		errno = 0;
		x = strtoll(sym->value, &end, 0);
		if (*end || x >= 0 || errno || asprintf(&v, "0x%llx", (unsigned long long)x & mask) < 0)
			continue;
		free(sym->value);   /* libtraceevent's own strdup, freed by it at tep_free */
		sym->value = v;
	}
}

static void sign_args(struct tep_event *ev, struct tep_print_arg *a)
{
	for (; a; a = a->next)
		switch (a->type) {
		case TEP_PRINT_SYMBOL:
			sign_symbols(ev, a->symbol.symbols, a->symbol.field);
			break;
		case TEP_PRINT_OP:
			sign_args(ev, a->op.left);
			sign_args(ev, a->op.right);
			break;
		case TEP_PRINT_TYPE:
			sign_args(ev, a->typecast.item);
			break;
		case TEP_PRINT_FUNC:
			sign_args(ev, a->func.args);
			break;
		default:
			break;
		}
}

void st_tep_sign_symbols(struct tep_event *ev)
{
	if (ev)
		sign_args(ev, ev->print_fmt.args);
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
		st_tep_sign_symbols(ev);
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

/* Whether sys/name is already loaded or waiting. */
static bool known(struct st_reader *r, const char *sys, const char *name)
{
	int i;

	if (tep_find_event_by_name(r->tep, sys, name))
		return true;
	for (i = 0; i < r->nlazy; i++)
		if (!strcmp(r->lazy[i].name, name) && !strcmp(r->lazy[i].sys, sys))
			return true;
	return false;
}

static int add_lazy(struct st_reader *r, const char *sys, const char *name,
		    struct st_err *err)
{
	struct st_rlazy *l;

	if (known(r, sys, name))
		return 0;
	if (r->nlazy == r->lazycap) {
		int cap = r->lazycap ? r->lazycap * 2 : 64;

		l = realloc(r->lazy, (size_t)cap * sizeof(*l));
		if (!l)
			return st_err_set(err, 0, "out of memory");
		r->lazy = l;
		r->lazycap = cap;
	}
	l = &r->lazy[r->nlazy];
	l->sys = strdup(sys);
	l->name = strdup(name);
	l->id = -1;
	if (!l->sys || !l->name) {
		free(l->sys);
		free(l->name);
		return st_err_set(err, 0, "out of memory");
	}
	r->nlazy++;
	r->lazy_ordered = false;
	return 0;
}

/* The event's id file: open, one read, close. -1 when it cannot be read. */
static int read_id(struct st_reader *r, const struct st_rlazy *l)
{
	char path[PATH_MAX], buf[32];
	ssize_t n;
	int fd;

	if (st_pathf(path, PATH_MAX, "%s/events/%s/%s/id", r->dir, l->sys, l->name))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return atoi(buf);
}

static struct st_revent *load_lazy(struct st_reader *r, int i, int id)
{
	char path[PATH_MAX];
	struct st_err e;
	struct st_rlazy *l = &r->lazy[i];

	struct tep_event *ev;

	if (!st_pathf(path, PATH_MAX, "%s/events/%s/%s/format", r->dir, l->sys, l->name) &&
	    !st_reader_load_format(r, l->sys, l->name, path, &e) && id < r->nbyid &&
	    r->byid[id].tev)
		return &r->byid[id];
	/* Its fields parsed but not its print format (libtraceevent keeps such an event):
	 * the records are still decoded field by field, as they came, not dropped. */
	ev = tep_find_event_by_name(r->tep, l->sys, l->name);
	if (ev && ev->id == id && !grow_byid(r, id)) {
		r->byid[id].tev = ev;
		return &r->byid[id];
	}
	/* gone meanwhile (no format): no record of it can come */
	if (!grow_byid(r, id))
		r->byid[id].not_ours = true;
	return NULL;
}

/* The id of lazy[i], read once. */
static int lazy_id(struct st_reader *r, int i)
{
	if (r->lazy[i].id == -1) {
		r->lazy[i].id = read_id(r, &r->lazy[i]);
		if (r->lazy[i].id < 0)
			r->lazy[i].id = -2;   /* unreadable: never matches */
	}
	return r->lazy[i].id;
}

static int cmp_name(const void *a, const void *b)
{
	const struct st_rlazy *x = a, *y = b;
	int c = strcmp(x->sys, y->sys);

	return c ? c : strcmp(x->name, y->name);
}

static int cmp_ord(const void *a, const void *b)
{
	const struct st_rlazy *x = a, *y = b;
	int c = strcmp(x->sys, y->sys);

	return c ? c : (x->ord > y->ord) - (x->ord < y->ord);
}

/* Puts the waiting events in their system directory's order (one readdir per system):
 * the kernel numbers events as it registers them and lists them in that order (or the
 * reverse), so an id is found with a few id reads instead of a scan. */
static void order_lazy(struct st_reader *r)
{
	char path[PATH_MAX];
	int i, j;

	r->lazy_ordered = true;
	qsort(r->lazy, (size_t)r->nlazy, sizeof(*r->lazy), cmp_name);
	for (i = 0; i < r->nlazy; i = j) {
		struct dirent *de;
		int ord = 0;
		DIR *d;

		for (j = i; j < r->nlazy && !strcmp(r->lazy[j].sys, r->lazy[i].sys); j++)
			r->lazy[j].ord = INT_MAX;
		if (st_pathf(path, PATH_MAX, "%s/events/%s", r->dir, r->lazy[i].sys) || !(d = opendir(path)))
			continue;
		while ((de = readdir(d))) {
			struct st_rlazy key = { .sys = r->lazy[i].sys, .name = de->d_name }, *hit;

			hit = bsearch(&key, r->lazy + i, (size_t)(j - i), sizeof(key), cmp_name);
			if (hit)
				hit->ord = ord++;
		}
		closedir(d);
	}
	qsort(r->lazy, (size_t)r->nlazy, sizeof(*r->lazy), cmp_ord);
}

/* Search for id in lazy[lo..hi] (one system, ids rising or falling along it: an instance
 * lists its events newest first), between two read ends: interpolation steps (ids are
 * nearly consecutive) alternating with halving ones (they are not always), one id read
 * per step. The index of the match or -1 (not there, or not in order: the caller scans). */
static int search_group(struct st_reader *r, int lo, int hi, int id)
{
	int a = lazy_id(r, lo), b, step = 0, i;

	if (a == id)
		return lo;
	if (lo == hi || a < 0 || (b = lazy_id(r, hi)) < 0)
		return -1;
	if (b == id)
		return hi;
	if (!(a < id ? id < b : id > b))
		return -1;
	/* the closest ids read before (by earlier records) on either side bound it tighter */
	for (i = lo + 1; i < hi; i++) {
		int c = r->lazy[i].id;

		if (c < 0)
			continue;
		if (c == id)
			return i;
		if ((c < id) == (a < b)) {
			lo = i;
			a = c;
		} else {
			hi = i;
			b = c;
			break;
		}
	}
	/* a and b stay the ids of the open interval's ends lo and hi */
	while (hi - lo > 1) {
		int pos, c;

		if (step++ % 2 == 0)
			pos = lo + (int)((long long)(id - a) * (hi - lo) / (b - a));
		else
			pos = lo + (hi - lo) / 2;
		pos = pos <= lo ? lo + 1 : pos >= hi ? hi - 1 : pos;
		c = lazy_id(r, pos);
		if (c == id)
			return pos;
		if (c < 0)
			return -1;
		if ((c < id) == (a < b))
			lo = pos, a = c;
		else
			hi = pos, b = c;
	}
	return -1;
}

struct st_revent *st_reader_resolve(struct st_reader *r, int id)
{
	int i, j, k;

	if (id < 0 || id > 65535)   /* common_type is 16 bits */
		return NULL;
	if (!r->lazy_ordered)
		order_lazy(r);
	for (i = 0; i < r->nlazy; i = j) {
		for (j = i; j < r->nlazy && !strcmp(r->lazy[j].sys, r->lazy[i].sys); j++)
			;
		k = search_group(r, i, j - 1, id);
		if (k >= 0)
			return load_lazy(r, k, id);
	}
	/* Not where the order says: every id, each read once over the whole run. */
	for (i = 0; i < r->nlazy; i++)
		if (lazy_id(r, i) == id)
			return load_lazy(r, i, id);
	if (!grow_byid(r, id))
		r->byid[id].not_ours = true;
	return NULL;
}

void st_reader_lazy_free(struct st_reader *r)
{
	int i;

	for (i = 0; i < r->nlazy; i++) {
		free(r->lazy[i].sys);
		free(r->lazy[i].name);
	}
	free(r->lazy);
	r->lazy = NULL;
	r->nlazy = r->lazycap = 0;
	r->lazy_ordered = false;
}

static int load_names(struct st_reader *r, const char *sys, const char *name,
		      struct st_err *err)
{
	char path[PATH_MAX];
	if (!is_glob(name)) {
		/* no existence check first: a missing format file is a missing event */
		st_pathf(path, PATH_MAX, "%s/events/%s/%s/format", r->dir, sys, name);
		errno = 0;
		if (!st_reader_load_format(r, sys, name, path, err))
			return 1;
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	}
	st_pathf(path, PATH_MAX, "%s/events/%s", r->dir, sys);
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
		st_pathf(path, PATH_MAX, "%s/events/%s/%s/format", r->dir, sys, de->d_name);
		if (de->d_type == DT_UNKNOWN && access(path, R_OK))
			continue;
		/* The first format of all is read now: libtraceevent takes the common fields
		 * (the record's type among them) from it. */
		if (tep_get_events_count(r->tep) ? add_lazy(r, sys, de->d_name, err)
		    : st_reader_load_format(r, sys, de->d_name, path, err)) {
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
	st_pathf(path, PATH_MAX, "%s/events", r->dir);
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

int st_reader_add_event_lazy(struct st_reader *r, const char *system, const char *name,
			     struct st_err *err)
{
	char path[PATH_MAX];

	if (!system || !name || is_glob(system) || is_glob(name) || !tep_get_events_count(r->tep))
		return st_reader_add_event(r, system, name, err);
	if (st_pathf(path, PATH_MAX, "%s/events/%s/%s", r->dir, system, name))
		return st_err_set(err, 0, "event name too long: %s/%s", system, name);
	return add_lazy(r, system, name, err) ? -1 : 1;
}
