// SPDX-License-Identifier: MIT
/* The object's life: open (compiled through the cache, or prebuilt), set constants, load,
 * attach by SEC(), detach, free. Errors keep libbpf's own words (the verifier log tail). */
#include "lbc_int.h"
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif
#endif
#ifndef VALGRIND_MAKE_MEM_DEFINED
#define VALGRIND_MAKE_MEM_DEFINED(p, n) ((void)(p), (void)(n))
#endif

/* libbpf's print hook is process-wide; the object being opened or loaded on this thread
 * collects the messages so errors can quote them. */
static __thread struct lbc *log_owner;

static int libbpf_print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	struct lbc *l = log_owner;
	char line[8192];
	int n;
	char *nl;

	if (level == LIBBPF_DEBUG)
		return 0;
	if (!l) {
		if (level == LIBBPF_WARN)
			lbc_vprint(LBC_WARN, fmt, ap);
		return 0;
	}
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n <= 0 || level != LIBBPF_WARN)
		return 0;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	/* The verifier log was written by the kernel through bpf(), which valgrind does not
	 * model: without this, every later use of the text reads as uninitialised. */
	VALGRIND_MAKE_MEM_DEFINED(line, (size_t)n + 1);
	nl = realloc(l->log, l->loglen + (size_t)n + 1);
	if (!nl)
		return 0;
	l->log = nl;
	memcpy(l->log + l->loglen, line, (size_t)n + 1);
	l->loglen += (size_t)n;
	return 0;
}

struct lbc *lbc_new(const struct lbc_opts *opts)
{
	struct lbc *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	if (opts)
		l->o = *opts;
	if (!l->o.perf_freq)
		l->o.perf_freq = 49;
	l->printk_fd = -1;
	l->cache_fd = l->obj_fd = -1;
	libbpf_set_print(libbpf_print_fn);
	return l;
}

void lbc_detach(struct lbc *l)
{
	int i;

	for (i = 0; i < l->nlinks; i++)
		bpf_link__destroy(l->links[i]);
	free(l->links);
	l->links = NULL;
	l->nlinks = 0;
}

void lbc_free(struct lbc *l)
{
	if (!l)
		return;
	lbc_printk_close(l);
	lbc_bufs_free(l);
	lbc_detach(l);
	bpf_object__close(l->obj);
	lbc_syms_free(l);
	lbc_fmt_free(&l->fmt);
	lbc_cache_close(l);
	free(l->objbuf);
	free(l->err);
	free(l->log);
	free(l);
}

struct bpf_object *lbc_bpf_object(struct lbc *l) { return l->obj; }
const struct btf *lbc_btf(const struct lbc *l) { return l->obj ? bpf_object__btf(l->obj) : NULL; }
bool lbc_cache_hit(const struct lbc *l) { return l->hit; }
const char *lbc_cache_key(const struct lbc *l) { return l->key; }

/* "dir/foo.bpf.c" -> "foo": names the object (and so its .rodata map) like a skeleton. */
static void obj_name(const char *path, char *out, size_t n)
{
	const char *b = strrchr(path, '/');
	char *dot;

	snprintf(out, n, "%s", b ? b + 1 : path);
	dot = strchr(out, '.');
	if (dot && dot != out)
		*dot = 0;
}

static int open_mem(struct lbc *l, const char *name)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	struct bpf_program *p;
	char oname[64];
	int err;

	obj_name(name, oname, sizeof(oname));
	oo.object_name = oname;
	/* A kernel without /sys/kernel/btf: CO-RE relocates against the hive's BTF. */
	if (!l->o.btf_path && lbc_kernel_btf(l) && *lbc_kernel_btf(l))
		oo.btf_custom_path = lbc_kernel_btf(l);
	log_owner = l;
	l->obj = bpf_object__open_mem(l->objbuf, l->objsz, &oo);
	log_owner = NULL;
	if (!l->obj) {
		err = -errno;
		l->obj = NULL;
		lbc_fail(l, err, "cannot open BPF object %s: %s", name, strerror(-err));
		lbc_err_add_log_tail(l, 10);
		return err;
	}
	/* libbpf only notices an unknown section at load time, and then says little. */
	bpf_object__for_each_program(p, l->obj) {
		if (bpf_program__type(p) == BPF_PROG_TYPE_UNSPEC)
			return lbc_fail(l, EINVAL, "%s: program '%s' has an unknown section "
					"SEC(\"%s\")", name, bpf_program__name(p),
					bpf_program__section_name(p));
	}
	return 0;
}

int lbc_open_file(struct lbc *l, const char *path)
{
	size_t len = strlen(path);
	FILE *f;
	long sz;
	int err;

	if (l->obj)
		return lbc_fail(l, EBUSY, "an object is already open");
	if (len > 2 && !strcmp(path + len - 2, ".o")) {
		f = fopen(path, "rb");
		if (!f)
			return lbc_fail(l, errno, "cannot open %s: %s", path, strerror(errno));
		fseek(f, 0, SEEK_END);
		sz = ftell(f);
		rewind(f);
		l->objbuf = sz > 0 ? malloc((size_t)sz) : NULL;
		if (!l->objbuf || fread(l->objbuf, 1, (size_t)sz, f) != (size_t)sz) {
			fclose(f);
			return lbc_fail(l, EIO, "cannot read %s", path);
		}
		fclose(f);
		l->objsz = (size_t)sz;
		err = lbc_check_bpf_elf(l, l->objbuf, l->objsz, path);
		if (err)
			return err;
	} else {
		err = lbc_compile_cached(l, path, NULL, NULL, &l->objbuf, &l->objsz);
		if (err)
			return err;
	}
	return open_mem(l, path);
}

int lbc_open_string(struct lbc *l, const char *name, const char *src)
{
	int err;

	if (l->obj)
		return lbc_fail(l, EBUSY, "an object is already open");
	err = lbc_compile_cached(l, NULL, name, src, &l->objbuf, &l->objsz);
	return err ? err : open_mem(l, name);
}

int lbc_build(struct lbc *l, const char *src_path, const char *out_path)
{
	FILE *f;
	void *obj = NULL;
	size_t sz = 0;
	int err = lbc_compile_cached(l, src_path, NULL, NULL, &obj, &sz);

	if (err)
		return err;
	f = fopen(out_path, "wb");
	if (!f) {
		free(obj);
		return lbc_fail(l, errno, "cannot write %s: %s", out_path, strerror(errno));
	}
	if (fwrite(obj, 1, sz, f) != sz)
		err = lbc_fail(l, EIO, "write %s failed", out_path);
	if (fclose(f) && !err)
		err = lbc_fail(l, EIO, "write %s failed", out_path);
	free(obj);
	return err;
}

int lbc_load(struct lbc *l)
{
	int err;

	if (!l->obj)
		return lbc_fail(l, EINVAL, "nothing open");
	free(l->log);
	l->log = NULL;
	l->loglen = 0;
	lbc_lost_autocreate(l);
	log_owner = l;
	err = bpf_object__load(l->obj);
	log_owner = NULL;
	if (err == -EPERM && geteuid())
		return lbc_fail(l, err, "loading BPF needs root (or CAP_BPF with CAP_PERFMON): %s",
				strerror(-err));
	if (err) {
		lbc_fail(l, err, "loading BPF object failed: %s", strerror(-err));
		/* The verifier's verdict and the instructions before it are at the end. */
		lbc_err_add_log_tail(l, 30);
		return err;
	}
	l->loaded = true;
	return 0;
}

/* A kernel built without CONFIG_KPROBE_EVENTS fails kprobe attaches with a bare ENOENT. */
static void kprobe_hint(struct lbc *l)
{
	char *m = NULL;

	if (lbc_kprobe_events())
		return;
	if (asprintf(&m, "%s\n(this kernel has no kprobe events: use a tracepoint, raw_tp, "
		     "tp_btf or uprobe section)", l->err) >= 0) {
		free(l->err);
		l->err = m;
	}
}

int lbc_attach(struct lbc *l)
{
	struct bpf_program *p;
	int err = 0;

	if (!l->loaded)
		return lbc_fail(l, EINVAL, "load before attach");
	free(l->log);
	l->log = NULL;
	l->loglen = 0;
	bpf_object__for_each_program(p, l->obj) {
		const char *sec = bpf_program__section_name(p);
		struct bpf_link *link;

		if (!bpf_program__autoload(p))
			continue;
		log_owner = l;
		if (!bpf_program__autoattach(p))
			continue;      /* left for an explicit lbc_attach_* (libbpf's switch) */
		if (!strcmp(sec, "perf_event")) {
			struct lbc_perf_opts po = {
				.type = PERF_TYPE_SOFTWARE, .config = PERF_COUNT_SW_CPU_CLOCK,
				.pid = -1, .cpu = -1, .freq = (uint64_t)l->o.perf_freq,
			};

			err = lbc_perf_attach(l, p, &po);
		} else {
			link = bpf_program__attach(p);
			err = link ? lbc_add_link(l, link) : -errno;
		}
		log_owner = NULL;
		if (err) {
			lbc_fail(l, err, "cannot attach program '%s' at SEC(\"%s\"): %s%s",
				 bpf_program__name(p), sec, strerror(-err),
				 err == -EOPNOTSUPP || err == -ESRCH ?
				 " (lbc attaches kprobe/, kretprobe/, uprobe/BINARY:FUNC, "
				 "uretprobe/, tracepoint/, raw_tp/, tp_btf/, perf_event)" : "");
			if (!strncmp(sec, "kprobe", 6) || !strncmp(sec, "kretprobe", 9))
				kprobe_hint(l);
			lbc_err_add_log_tail(l, 5);
			lbc_detach(l);
			return err;
		}
	}
	return 0;
}
