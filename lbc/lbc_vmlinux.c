// SPDX-License-Identifier: MIT
/* vmlinux.h from kernel BTF through libbpf's btf_dump API (no bpftool), written with
 * lbc.h into each compile's private directory. */
#include "lbc_int.h"
#include "types/btf_header.h"
#include "types/hive.h"
#include "types/kident.h"
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
const char *lbc_kernel_btf(struct lbc *l)
{
	struct st_err err = { 0 };
	char sys[PATH_MAX];

	if (l->o.btf_path)
		return l->o.btf_path;
	if (l->hive_btf[0])
		return l->hive_btf;
	st_pathf(sys, sizeof(sys), "%s/vmlinux", st_sysfs_btf_dir());
	if (!access(sys, F_OK))
		return NULL;
	if (st_hive_running_btf(st_hive_dir(NULL), l->hive_btf, sizeof(l->hive_btf), &err)) {
		l->hive_btf[0] = '\0';
		lbc_fail(l, ENOENT, "%s", err.msg);
		return "";
	}
	return l->hive_btf;
}

int lbc_btf_identity(struct lbc *l, char out[65])
{
	const char *btf_path = lbc_kernel_btf(l);
	struct st_sha256 s;
	uint8_t d[32];
	struct stat st;

	if (btf_path && !*btf_path)
		return -ENOENT;
	st_sha256_init(&s);
	if (btf_path) {
		char buf[65536];
		ssize_t n;
		int fd = open(btf_path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return lbc_fail(l, errno, "cannot open BTF %s: %s", btf_path,
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

int lbc_vmlinux_dump(struct lbc *l, FILE *f)
{
	struct btf *btf;
	unsigned bad = 0;
	int err;

	const char *btf_path = lbc_kernel_btf(l);

	if (btf_path && !*btf_path)
		return -ENOENT;
	btf = btf_path ? btf__parse(btf_path, NULL) : btf__load_vmlinux_btf();
	if (!btf)
		return lbc_fail(l, errno, "cannot read BTF %s: %s", btf_path ? btf_path : SYS_BTF,
				strerror(errno));
	err = st_btf_write_header(btf, f, &bad);
	btf__free(btf);
	if (err == -EIO)
		return lbc_fail(l, EIO, "writing vmlinux.h failed");
	if (err)
		return lbc_fail(l, -err, "btf_dump failed at type %u: %s", bad, strerror(-err));
	return 0;
}

/* lbc.h and vmlinux.h for one compile, written into its private directory: nothing a
 * compile reads comes from a shared place. vmlinux.h is generated each time (~90 ms, against
 * clang's second or more). */
int lbc_write_includes(struct lbc *l, int dirfd)
{
	const int fl = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	FILE *f;
	int fd, err;

	fd = openat(dirfd, "lbc.h", fl, 0600);
	if (fd < 0)
		return lbc_fail(l, errno, "cannot write lbc.h: %s", strerror(errno));
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return lbc_fail(l, ENOMEM, "fdopen failed");
	}
	err = fwrite(lbc_h_text, 1, lbc_h_len, f) != lbc_h_len;
	if (fclose(f) || err)
		return lbc_fail(l, EIO, "cannot write lbc.h");
	fd = openat(dirfd, "vmlinux.h", fl, 0600);
	if (fd < 0)
		return lbc_fail(l, errno, "cannot write vmlinux.h: %s", strerror(errno));
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return lbc_fail(l, ENOMEM, "fdopen failed");
	}
	err = lbc_vmlinux_dump(l, f);
	if (fclose(f) && !err)
		err = lbc_fail(l, EIO, "cannot write vmlinux.h");
	return err;
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
