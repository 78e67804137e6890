// SPDX-License-Identifier: MIT
#include "record/record.h"
#ifndef ST_NO_LIBTRACECMD
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "record/tracecmd_out.h"
#include "util/file.h"

struct st_recorder {
	char *path;
	size_t page_size;
	int *fds;                 /* by CPU number, -1 = none yet */
	int nfds;
	int werr;                 /* first write error (errno) */
	bool finished;
};

static char *tmp_name(const struct st_recorder *r, int cpu)
{
	char *s = NULL;

	return asprintf(&s, "%s.cpu%d", r->path, cpu) < 0 ? NULL : s;
}

struct st_recorder *st_recorder_new(const char *path, struct st_err *err)
{
	struct st_recorder *r = calloc(1, sizeof(*r));
	int fd;

	if (!r || !(r->path = strdup(path))) {
		free(r);
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		st_err_set(err, 0, "cannot write '%s': %s", path, strerror(errno));
		free(r->path);
		free(r);
		return NULL;
	}
	close(fd);
	r->page_size = (size_t)sysconf(_SC_PAGESIZE);
	return r;
}

void st_recorder_set_page_size(struct st_recorder *r, size_t page_size)
{
	r->page_size = page_size;
}

/* The temporary file of cpu, opened on first use. */
static int cpu_fd(struct st_recorder *r, int cpu)
{
	int *nf, i;
	char *name;

	if (cpu < 0)
		return -1;
	if (cpu >= r->nfds) {
		nf = realloc(r->fds, (size_t)(cpu + 1) * sizeof(*nf));
		if (!nf)
			return -1;
		for (i = r->nfds; i <= cpu; i++)
			nf[i] = -1;
		r->fds = nf;
		r->nfds = cpu + 1;
	}
	if (r->fds[cpu] < 0 && (name = tmp_name(r, cpu))) {
		r->fds[cpu] = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		free(name);
	}
	return r->fds[cpu];
}


void st_recorder_page(void *rec, int cpu, const void *page, size_t size)
{
	static const char zeros[4096];
	struct st_recorder *r = rec;
	int fd = cpu_fd(r, cpu);
	size_t pad = size < r->page_size ? r->page_size - size : 0;

	if (r->werr)
		return;
	if (fd < 0 || st_write_all(fd, page, size) < 0) {
		r->werr = errno ? errno : EIO;
		return;
	}
	while (pad) {
		size_t k = pad < sizeof(zeros) ? pad : sizeof(zeros);

		if (st_write_all(fd, zeros, k) < 0) {
			r->werr = errno ? errno : EIO;
			return;
		}
		pad -= k;
	}
}

int st_recorder_finish(struct st_recorder *r, const char *tracefs_root,
		       const char *const *events, size_t nevents, const char *meta,
		       struct st_err *err)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	struct tracecmd_output *out = NULL;
	struct tracecmd_event_list *list = NULL;
	char **files = NULL;
	int cpus, i, rc = -1;
	size_t k;

	if (r->werr)
		return st_err_set(err, 0, "recording to '%s' failed: %s", r->path,
				  strerror(r->werr));
	/* every CPU gets a data file, empty when it recorded nothing */
	cpus = r->nfds > ncpu ? r->nfds : (int)ncpu;
	if (cpu_fd(r, cpus - 1) < 0)
		return st_err_set(err, 0, "cannot write '%s.cpu%d': %s", r->path, cpus - 1,
				  strerror(errno));
	files = calloc((size_t)cpus, sizeof(*files));
	if (!files)
		return st_err_set(err, 0, "out of memory");
	for (i = 0; i < cpus; i++) {
		if (cpu_fd(r, i) < 0 || !(files[i] = tmp_name(r, i))) {
			st_err_set(err, 0, "cannot write the data of cpu%d: %s", i, strerror(errno));
			goto out;
		}
	}
	/* only the run's own event formats (all of them would be some 2000) */
	list = calloc(nevents + 1, sizeof(*list));
	if (!list) {
		st_err_set(err, 0, "out of memory");
		goto out;
	}
	for (k = 0; k < nevents; k++) {
		list[k].glob = events[k];
		list[k].next = k + 1 < nevents ? &list[k + 1] : NULL;
	}
	/* the library reports through its log; we report through err */
	tracecmd_set_loglevel(TEP_LOG_NONE);
	out = tracecmd_output_create(r->path);
	if (out)
		tracecmd_set_quiet(out, true);   /* no "CPU0 data recorded at ..." on stdout */
	if (!out || tracecmd_output_set_trace_dir(out, tracefs_root) < 0 ||
	    tracecmd_output_write_headers(out, nevents ? list : NULL) < 0 || tracecmd_write_cmdlines(out) < 0 ||
	    !tracecmd_add_option(out, ST_RECORD_OPTION, (int)strlen(meta) + 1, meta) ||
	    tracecmd_write_cpu_data(out, cpus, files, NULL) < 0) {
		st_err_set(err, 0, "libtracecmd could not write '%s'%s%s", r->path,
			   errno ? ": " : "", errno ? strerror(errno) : "");
		goto out;
	}
	rc = 0;
	r->finished = true;
out:
	if (out)
		tracecmd_output_close(out);
	for (i = 0; files && i < cpus; i++)
		free(files[i]);
	free(files);
	free(list);
	return rc;
}

void st_recorder_free(struct st_recorder *r)
{
	char *name;
	int i;

	if (!r)
		return;
	for (i = 0; i < r->nfds; i++) {
		if (r->fds[i] >= 0)
			close(r->fds[i]);
		if ((name = tmp_name(r, i))) {
			unlink(name);
			free(name);
		}
	}
	if (!r->finished)
		unlink(r->path);
	free(r->fds);
	free(r->path);
	free(r);
}

/* v7 (sectioned) trace.dat: a section header (u16 id, u16 flags, u32 name, u64 size),
 * then options as (u16 id, u32 size, data) up to DONE. libtracecmd locates the section;
 * it has no call to hand back an option it does not know. */
char *st_recorder_read_meta(const char *path, struct st_err *err)
{
	struct tracecmd_input *in;
	unsigned char hdr[16], oh[6];
	uint16_t id, oid;
	uint32_t osz;
	uint64_t size, pos, end;
	char *text = NULL;
	size_t off;
	int fd;

	tracecmd_set_loglevel(TEP_LOG_NONE);
	in = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!in) {
		st_err_set(err, 0, "'%s' is not a trace.dat file libtracecmd can open", path);
		return NULL;
	}
	off = tracecmd_get_options_offset(in);
	tracecmd_close(in);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !off || pread(fd, hdr, sizeof(hdr), (off_t)off) != (ssize_t)sizeof(hdr))
		goto nometa;
	memcpy(&id, hdr, 2);
	memcpy(&size, hdr + 8, 8);
	if (id != 0)
		goto nometa;
	for (pos = off + sizeof(hdr), end = pos + size; pos + sizeof(oh) <= end; pos += osz) {
		if (pread(fd, oh, sizeof(oh), (off_t)pos) != (ssize_t)sizeof(oh))
			break;
		memcpy(&oid, oh, 2);
		memcpy(&osz, oh + 2, 4);
		pos += sizeof(oh);
		if (oid == 0 || osz > end - pos)
			break;
		if (oid != ST_RECORD_OPTION)
			continue;
		text = malloc((size_t)osz + 1);
		if (!text || pread(fd, text, osz, (off_t)pos) != (ssize_t)osz) {
			free(text);
			text = NULL;
			break;
		}
		text[osz] = '\0';
		close(fd);
		return text;
	}
nometa:
	if (fd >= 0)
		close(fd);
	st_err_set(err, 0, "'%s' was not recorded by surftrace -w (no surftrace option); "
		   "use trace-cmd report", path);
	return NULL;
}
#else
/* The kernel lab's static build: Debian ships libtracecmd only as a shared object. */
struct st_recorder *st_recorder_new(const char *path, struct st_err *err)
{
	st_err_set(err, 0, "%s: this build of surftrace cannot record (built without "
		   "libtracecmd)", path);
	return NULL;
}

void st_recorder_page(void *rec, int cpu, const void *page, size_t size)
{
	(void)rec; (void)cpu; (void)page; (void)size;
}

void st_recorder_set_page_size(struct st_recorder *r, size_t page_size)
{
	(void)r; (void)page_size;
}

int st_recorder_finish(struct st_recorder *r, const char *tracefs_root,
		       const char *const *events, size_t nevents, const char *meta,
		       struct st_err *err)
{
	(void)r; (void)tracefs_root; (void)events; (void)nevents; (void)meta;
	return st_err_set(err, 0, "built without libtracecmd");
}

void st_recorder_free(struct st_recorder *r)
{
	(void)r;
}

char *st_recorder_read_meta(const char *path, struct st_err *err)
{
	st_err_set(err, 0, "%s: this build of surftrace cannot read recordings (built without "
		   "libtracecmd)", path);
	return NULL;
}
#endif
