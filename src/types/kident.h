/* SPDX-License-Identifier: MIT */
/* Who a kernel image is: release (from its linux_banner), architecture (ELF machine) and
 * build id (the GNU build-id note), plus what type information it carries. Also reads the
 * build id of the running kernel from /sys/kernel/notes. libelf only (lbc links it too). */
#ifndef ST_TYPES_KIDENT_H
#define ST_TYPES_KIDENT_H
#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

struct st_kident {
	char release[128];    /* "" when the image does not name it */
	char banner[320];     /* the whole "Linux version ..." line, "" when absent */
	char arch[16];        /* "x86_64", "aarch64", "" when unknown */
	char build_id[41];    /* lowercase hex, "" when the image has no build-id note */
	bool module;          /* a kernel module (.modinfo): release from its vermagic */
	char modname[64];     /* the module's name (.modinfo name=), "" when not a module */
	bool has_dwarf;       /* .debug_info present */
	bool has_btf;         /* .BTF present */
};

/* Read an ELF image (vmlinux, debuginfo vmlinux, .ko). Returns 0, or -1 with err when the
 * file is not ELF. Fields it cannot find are left empty. */
int st_kident_read(const char *path, struct st_kident *id, struct st_err *err);

/* Build id from a buffer of ELF notes (the layout of /sys/kernel/notes and of SHT_NOTE
 * sections). Returns 0 with hex in out, or -1 when there is no GNU build-id note. */
int st_notes_build_id(const void *notes, size_t len, char out[41]);

/* The running kernel's build id from /sys/kernel/notes, or from the file named by
 * $SURFTRACE_KERNEL_NOTES (tests simulate another kernel with it). 0 or -1. */
int st_kernel_build_id(char out[41]);

/* Where the running kernel's BTF is: /sys/kernel/btf, or $SURFTRACE_SYSFS_BTF (tests point
 * it at an empty directory to simulate a kernel built without BTF). */
const char *st_sysfs_btf_dir(void);

/* Kernel release named by a vmlinux ELF's banner ("Linux version 6.1.0-56-cloud-amd64
 * ..."); 0, or -1 when path is not such an image (a raw BTF file has no release). */
int st_release_from_image(const char *path, char *out, size_t n);

/* The distribution a kernel comes from, guessed from its banner and release the way an
 * operator reads them: "debian", "ubuntu", "rhel" (.elN), "anolis" (.anN), "fedora"
 * (.fcN), "opencloudos" (.ocN), "amzn"; NULL when nothing says. */
const char *st_kernel_distro(const char *banner, const char *release);

#endif
