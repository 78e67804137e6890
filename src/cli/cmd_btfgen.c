// SPDX-License-Identifier: MIT
/* surftrace btfgen FILE -o OUT.btf: the original's type database step, done locally. Reads
 * the DWARF of a debuginfo vmlinux, a .ko or any binary and writes raw, deduplicated BTF
 * that `--btf OUT.btf` loads. */
#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "types/kident.h"
#include "types/usym.h"
#include "util/err.h"

static const char btfgen_usage[] =
"usage: surftrace btfgen VMLINUX_OR_KO -o FILE.btf\n"
"  Convert DWARF debug info to raw BTF for --btf.\n"
"example:\n"
"  surftrace btfgen /usr/lib/debug/boot/vmlinux-6.1.0-13-amd64 -o 6.1.btf\n"
"  surftrace --btf 6.1.btf -S 'p do_filp_open n=$pathname->name'\n";

static int write_btf(const struct btf *btf, const char *out)
{
	__u32 size;
	const void *raw = btf__raw_data(btf, &size);
	FILE *f;
	int ok;

	if (!raw) {
		fprintf(stderr, "surftrace: error: cannot serialize BTF\n");
		return 1;
	}
	f = fopen(out, "wb");
	if (!f) {
		fprintf(stderr, "surftrace: error: cannot write '%s': %s\n", out, strerror(errno));
		return 1;
	}
	ok = fwrite(raw, 1, size, f) == size;
	ok = (fclose(f) == 0) && ok;
	if (!ok) {
		fprintf(stderr, "surftrace: error: writing '%s' failed\n", out);
		remove(out);
		return 1;
	}
	return 0;
}

int st_cmd_btfgen(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct st_err err = {0};
	struct st_kident id;
	struct btf *btf;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(btfgen_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (argv[i][0] != '-' && !in) {
			in = argv[i];
		} else {
			fputs(btfgen_usage, stderr);
			return 2;
		}
	}
	if (!in || !out) {
		fputs(btfgen_usage, stderr);
		return 2;
	}
	/* A kernel image (it names itself in linux_banner) is converted the way the kernel's
	 * own BTF is made: the hive does the same. */
	btf = !st_kident_read(in, &id, NULL) && id.banner[0] ? st_dwarf_to_btf_kernel(in, &err)
							      : st_dwarf_to_btf(in, &err);
	if (!btf) {
		fprintf(stderr, "surftrace: error: %s\n", err.msg);
		return 1;
	}
	rc = write_btf(btf, out);
	btf__free(btf);
	return rc;
}
