// SPDX-License-Identifier: MIT
/* vmlinux.h through libbpf's btf_dump (no bpftool). */
#include "types/btf_header.h"
#include <bpf/btf.h>
#include <errno.h>
#include <stdarg.h>

static void dump_printf(void *ctx, const char *fmt, va_list ap)
{
	vfprintf(ctx, fmt, ap);
}

int st_btf_write_header(const struct btf *btf, FILE *f, unsigned *bad_id)
{
	struct btf_dump *d;
	__u32 i, n;
	int err = 0;

	d = btf_dump__new(btf, dump_printf, f, NULL);
	if (!d)
		return -errno;
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
	if (err && bad_id)
		*bad_id = i - 1;
	if (!err && (fflush(f) || ferror(f)))
		err = -EIO;
	return err;
}
