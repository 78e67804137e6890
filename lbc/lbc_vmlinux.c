/* vmlinux.h from kernel BTF through libbpf's btf_dump API (no bpftool), cached per BTF
 * identity together with lbc.h in <cache>/include/<btf-id>/. */
#include "lbc_int.h"
#include "util/sha256.h"
#include <bpf/btf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define SYS_BTF "/sys/kernel/btf/vmlinux"

/* The running kernel's BTF is named by its release, build string and BTF size: hashing
 * the 6 MB blob on every start would cost more than the whole cached start. A --btf file
 * is hashed by content (it is the user's and may change under the same name). */
int lbc_btf_identity(struct lbc *l, char out[65])
{
	struct st_sha256 s;
	uint8_t d[32];
	struct stat st;

	st_sha256_init(&s);
	if (l->o.btf_path) {
		char buf[65536];
		ssize_t n;
		int fd = open(l->o.btf_path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return lbc_fail(l, errno, "cannot open BTF %s: %s", l->o.btf_path,
					strerror(errno));
		st_sha256_update(&s, "file", 4);
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			st_sha256_update(&s, buf, (size_t)n);
		close(fd);
	} else {
		struct utsname u;

		if (stat(SYS_BTF, &st))
			return lbc_fail(l, ENOENT, "no kernel BTF at %s (use --btf FILE)", SYS_BTF);
		uname(&u);
		st_sha256_update(&s, u.release, strlen(u.release) + 1);
		st_sha256_update(&s, u.version, strlen(u.version) + 1);
		st_sha256_update(&s, u.machine, strlen(u.machine) + 1);
		st_sha256_update(&s, &st.st_size, sizeof(st.st_size));
	}
	st_sha256_final(&s, d);
	st_sha256_hex(d, out);
	return 0;
}

static void dump_printf(void *ctx, const char *fmt, va_list ap)
{
	vfprintf(ctx, fmt, ap);
}

int lbc_vmlinux_dump(struct lbc *l, FILE *f)
{
	struct btf *btf;
	struct btf_dump *d;
	uint32_t i, n;
	int err = 0;

	btf = l->o.btf_path ? btf__parse(l->o.btf_path, NULL) : btf__load_vmlinux_btf();
	if (!btf)
		return lbc_fail(l, errno, "cannot read BTF %s: %s",
				l->o.btf_path ? l->o.btf_path : SYS_BTF, strerror(errno));
	d = btf_dump__new(btf, dump_printf, f, NULL);
	if (!d) {
		err = errno;
		btf__free(btf);
		return lbc_fail(l, err, "btf_dump__new: %s", strerror(err));
	}
	/* Same preamble as bpftool's, so CO-RE relocations apply to every struct. */
	fprintf(f, "#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n"
		   "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
		   "#pragma clang attribute push (__attribute__((preserve_access_index)), "
		   "apply_to = record)\n#endif\n\n");
	n = btf__type_cnt(btf);
	for (i = 1; i < n && !err; i++)
		err = btf_dump__dump_type(d, i);
	fprintf(f, "\n#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n"
		   "#endif\n\n#endif /* __VMLINUX_H__ */\n");
	btf_dump__free(d);
	btf__free(btf);
	if (err)
		return lbc_fail(l, -err, "btf_dump failed at type %u: %s", i, strerror(-err));
	if (fflush(f) || ferror(f))
		return lbc_fail(l, EIO, "writing vmlinux.h failed");
	return 0;
}

/* Writes a file atomically (temp name + rename) so a concurrent run never reads half. */
static int write_atomic(struct lbc *l, const char *path, const char *data, size_t len,
			FILE *(*gen)(struct lbc *, FILE *))
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd;

	lbc_pathf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return lbc_fail(l, errno, "cannot create %s: %s", tmp, strerror(errno));
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return lbc_fail(l, ENOMEM, "fdopen failed");
	}
	if (data)
		fwrite(data, 1, len, f);
	if (gen && !gen(l, f)) {
		fclose(f);
		unlink(tmp);
		return -EIO;
	}
	if (fflush(f) || ferror(f)) {
		fclose(f);
		unlink(tmp);
		return lbc_fail(l, EIO, "write to %s failed", tmp);
	}
	fclose(f);
	if (rename(tmp, path)) {
		unlink(tmp);
		return lbc_fail(l, errno, "rename to %s: %s", path, strerror(errno));
	}
	return 0;
}

static FILE *gen_vmlinux(struct lbc *l, FILE *f)
{
	return lbc_vmlinux_dump(l, f) ? NULL : f;
}

/* lbc.h is rewritten when its text differs (a newer lbc), vmlinux.h only when missing. */
static int same_content(const char *path, const char *data, size_t len)
{
	char *buf = malloc(len + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = -1;
	int same;

	if (fd >= 0 && buf)
		n = read(fd, buf, len + 1);
	same = n == (ssize_t)len && !memcmp(buf, data, len);
	if (fd >= 0)
		close(fd);
	free(buf);
	return same;
}

int lbc_include_dir(struct lbc *l, char *dir, size_t n)
{
	char id[65], path[PATH_MAX];
	int err;

	err = lbc_btf_identity(l, id);
	if (err)
		return err;
	lbc_pathf(path, sizeof(path), "%s/include", l->cache_dir);
	if (mkdir(path, 0700) && errno != EEXIST)
		return lbc_fail(l, errno, "mkdir %s: %s", path, strerror(errno));
	lbc_pathf(dir, n, "%s/include/%.16s", l->cache_dir, id);
	if (mkdir(dir, 0700) && errno != EEXIST)
		return lbc_fail(l, errno, "mkdir %s: %s", dir, strerror(errno));
	lbc_pathf(path, sizeof(path), "%s/lbc.h", dir);
	if (!same_content(path, lbc_h_text, lbc_h_len)) {
		err = write_atomic(l, path, lbc_h_text, lbc_h_len, NULL);
		if (err)
			return err;
	}
	lbc_pathf(path, sizeof(path), "%s/vmlinux.h", dir);
	if (access(path, R_OK))
		return write_atomic(l, path, NULL, 0, gen_vmlinux);
	return 0;
}

int lbc_write_vmlinux_h(struct lbc *l, const char *out_path)
{
	FILE *f;
	int err;

	if (!strcmp(out_path, "-"))
		return lbc_vmlinux_dump(l, stdout);
	f = fopen(out_path, "w");
	if (!f)
		return lbc_fail(l, errno, "cannot write %s: %s", out_path, strerror(errno));
	err = lbc_vmlinux_dump(l, f);
	if (fclose(f) && !err)
		err = lbc_fail(l, EIO, "write %s failed", out_path);
	return err;
}
