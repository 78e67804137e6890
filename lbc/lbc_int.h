/* SPDX-License-Identifier: MIT */
/* liblbc internals shared by its source files (not installed). */
#ifndef LBC_LBC_INT_H
#define LBC_LBC_INT_H
#include "liblbc.h"
#include "util/file.h"   /* st_pathf */
#include <limits.h>
#include <string.h>

struct bpf_link;
struct btf;
struct btf_type;
struct perf_buffer;
struct ring_buffer;

/* One perf or ring buffer map with its decoded event type. */
struct lbc_buf {
	struct lbc *l;
	const char *name;        /* owned by libbpf's map */
	int map_fd;
	int is_ring;
	uint32_t type_id;
	lbc_event_cb cb;
	void *ctx;
	struct perf_buffer *pb;
	struct ring_buffer *rb;
};

#define PERF_MAX_STACK_DEPTH_ 127 /* kernel default for stack maps (lbc.h) */

struct lbc_usyms;
struct st_kallsyms;
struct lbc_plan;

/* lbc_print.c: the printer's line being built, and its plans per (type id, mode). */
struct lbc_fmt {
	char *buf;
	size_t len, cap;
	bool nomem;              /* the line could not grow: something was dropped */
	const struct btf *btf;   /* the BTF the plans are for */
	struct lbc_plan **plans, *last;
	int nplans;
};   /* lbc_syms.c: per-pid user symbol cache */

struct lbc {
	struct lbc_opts o;
	char cache_dir[PATH_MAX];
	int cache_fd, obj_fd;    /* the checked cache directory and its obj/, or -1 */
	char *err;               /* last error message, heap */
	char *log;               /* libbpf warnings captured during open/load */
	size_t loglen;
	struct bpf_object *obj;
	void *objbuf;            /* object bytes behind bpf_object__open_mem */
	size_t objsz;
	char key[65];
	bool hit;
	bool loaded;
	struct bpf_link **links;
	int nlinks;
	struct lbc_buf **bufs;   /* each allocated once: libbpf callbacks hold the pointer */
	int nbufs;
	unsigned long long lost;
	int events_seen;
	struct st_kallsyms *ksyms;  /* kernel symbols, read on first use (types/kallsyms.c) */
	bool ksyms_tried;
	struct lbc_usyms *usyms;
	char printk_inst[PATH_MAX];
	int printk_fd;
	char *pkbuf;             /* partial printk line */
	size_t pklen;
	char hive_btf[PATH_MAX]; /* the hive's BTF of this kernel when it has no sysfs BTF */
	struct lbc_fmt fmt;      /* the printer's line and plans */
};

/* lbc.h's drop counter (lbc_lost): not created for a program without a buffer map. */
void lbc_lost_autocreate(struct lbc *l);

/* The kernel BTF file lbc uses: --btf, else NULL for /sys/kernel/btf/vmlinux, else the
 * hive's entry of the running kernel (SURFTRACE_HIVE; types/hive.h decides). Sets the
 * error and returns "" when the kernel has no BTF anywhere. */
const char *lbc_kernel_btf(struct lbc *l);

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* lbc_attach.c: whether this kernel has kprobe events (tracefs found by the session
 * stage's st_tracefs_find), for the hint after a bare ENOENT. */
bool lbc_kprobe_events(void);
/* lbc_err.c: the print callback, the error of the last failure, path formatting. */
void lbc_print(enum lbc_print_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lbc_vprint(enum lbc_print_level level, const char *fmt, va_list ap);
/* Sets l->err (printf-style) and returns -err_no (pass a positive errno). */
int lbc_fail(struct lbc *l, int err_no, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends the tail (last max_lines lines) of the captured libbpf log to l->err. */
void lbc_err_add_log_tail(struct lbc *l, int max_lines);

/* lbc_cache.c: returns the compiled object (heap, *sz) for a file or a string. */
int lbc_cache_prepare_dir(struct lbc *l);
void lbc_cache_close(struct lbc *l);
/* 0 when buf is a 64-bit ELF relocatable object for EM_BPF, else an error naming what. */
int lbc_check_bpf_elf(struct lbc *l, const void *buf, size_t sz, const char *what);
int lbc_compile_cached(struct lbc *l, const char *path, const char *name, const char *src,
		       void **obj, size_t *sz);
/* lbc_clang.c: clang on path (objects to out), diagnostics into l->err on failure. */
int lbc_run_clang(struct lbc *l, const char *clang, const char *path, const char *name,
		  const char *srcdir, const char *incdir, const char *out);
#if defined(__x86_64__)
#define TARGET_ARCH "-D__TARGET_ARCH_x86"
#elif defined(__aarch64__)
#define TARGET_ARCH "-D__TARGET_ARCH_arm64"
#else
#define TARGET_ARCH "-D__TARGET_ARCH_unknown"
#endif
/* lbc_vmlinux.c */
int lbc_btf_identity(struct lbc *l, char out[65]);
int lbc_vmlinux_dump(struct lbc *l, FILE *f);
/* Writes lbc.h and vmlinux.h into the (private) directory dirfd. */
int lbc_write_includes(struct lbc *l, int dirfd);
/* lbc_embed.c: the text of lbc.h, built into the library. */
extern const char lbc_h_text[];
extern const unsigned int lbc_h_len;

/* lbc_fmt.c: the walk of a value by its BTF type (lbc_decode's; the printer's too). */
#define LBC_WALK_MAX_DEPTH 8
#define LBC_VAL_UNKNOWN ((enum lbc_val_kind)(LBC_VAL_END + 1))   /* lenient walks only */
/* A value as the walk reports it, and where its bits are: the printer's plan recorder
 * reads a bitfield's place from here (its lbc_val has no bytes of its own, data NULL).
 * Every lbc_val the walk passes to a callback is the v of one of these. */
struct lbc_val_at {
	struct lbc_val v;
	const void *base;        /* bitfields: the bytes of the struct holding it */
	uint32_t bit_off, bit_size;
};

int lbc_walk(const struct btf *btf, uint32_t tid, const void *data, lbc_val_cb cb, void *ctx,
	     bool lenient);
/* The name of enum t's first enumerator of value u (32-bit enums; NULL if none). */
const char *lbc_enum_name(const struct btf *btf, const struct btf_type *t, uint64_t u);
/* The record's process for user stacks (pid, tgid, c_pid or ppid member), or -1. */
int lbc_record_pid(struct lbc *l, uint32_t tid, const void *data);
/* Finds member path "a.b" in type_id: its byte offset, type and bit info. */
int lbc_find_member(const struct btf *btf, uint32_t type_id, const char *path,
		    uint32_t *off_bits, uint32_t *mtype, uint32_t *bitsz);
int lbc_read_int(const struct btf *btf, uint32_t type_id, const void *data, uint32_t bit_off,
		 uint32_t bitsz, uint64_t *val, bool *is_signed);
bool lbc_is_stack_field(const char *name, bool *user);
/* size (1..8) bytes at p as a number (host order), sign-extended when sgn. */
static inline uint64_t lbc_read_num(const void *p, uint32_t size, bool sgn)
{
	uint8_t b;
	uint16_t h;
	uint32_t w;
	uint64_t v = 0;

	switch (size) {
	case 1: memcpy(&b, p, 1); v = b; break;
	case 2: memcpy(&h, p, 2); v = h; break;
	case 4: memcpy(&w, p, 4); v = w; break;
	case 8: memcpy(&v, p, 8); return v;
	default: memcpy(&v, p, size); break;
	}
	if (sgn && size && (v >> (size * 8 - 1)) & 1)
		v |= ~0ULL << (size * 8);
	return v;
}

/* The bitsz bits at bit_off of data (little-endian), sign-extended when sgn. */
static inline uint64_t lbc_read_bits(const void *data, uint32_t bit_off, uint32_t bitsz,
				     bool sgn)
{
	const uint8_t *p = (const uint8_t *)data + bit_off / 8;
	uint32_t shift = bit_off % 8, nbytes = (shift + bitsz + 7) / 8, i;
	unsigned __int128 acc = 0;
	uint64_t v;

	for (i = 0; i < nbytes && i < 16; i++)
		acc |= (unsigned __int128)p[i] << (8 * i);
	v = (uint64_t)(acc >> shift);
	if (bitsz < 64)
		v &= (1ULL << bitsz) - 1;
	if (sgn && bitsz < 64 && (v >> (bitsz - 1)) & 1)
		v |= ~0ULL << bitsz;
	return v;
}

/* lbc_print.c: printing values by BTF type. A value prints to l's line, which reaches the
 * stream with one write. */
void lbc_fmt_value(struct lbc *l, FILE *f, uint32_t type_id, const void *data, bool json,
		   int pid);
enum {
	LBC_FMT_JSON = 1,
	LBC_FMT_FIELDS = 2,      /* a record: a struct as its members, else value=...; JSON {} */
	LBC_FMT_WALK = 4,        /* through the walk only */
	LBC_FMT_PLAN = 8,        /* through the type's plan only: -EOPNOTSUPP if it has none */
};
/* Appends the value at data (type tid, a record of it) to fm's line: through the type's
 * plan (recorded from the walk at the type's first value, kept per type id and mode),
 * through the walk when the type has none (or as the LBC_FMT_WALK / _PLAN flags ask). */
int lbc_fmt_append(struct lbc_fmt *fm, const struct btf *btf, uint32_t tid, const void *data,
		   int mode);
void lbc_fmt_free(struct lbc_fmt *fm);
void lbc_print_stack(struct lbc *l, FILE *f, int64_t id, bool user, int pid, bool json);
/* lbc_syms.c */
void lbc_syms_free(struct lbc *l);
/* lbc_printk.c */
void lbc_printk_close(struct lbc *l);
void lbc_printk_sweep(void);
/* lbc_attach.c: l owns link from now on (destroyed by lbc_detach); frees it on failure. */
int lbc_add_link(struct lbc *l, struct bpf_link *link);
struct bpf_program;
int lbc_perf_attach(struct lbc *l, struct bpf_program *p, const struct lbc_perf_opts *o);
/* lbc_event.c */
void lbc_bufs_free(struct lbc *l);
uint32_t lbc_hint_type(struct lbc *l, const char *kind, const char *map);

#endif
