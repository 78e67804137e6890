/* SPDX-License-Identifier: MIT */
/* liblbc: compile (cached), load, attach and read a BPF C program written against lbc.h.
 * One opaque object per program, libbpf style: functions return 0 or a negative errno and
 * keep a human-readable message in lbc_errmsg(). No global state except the symbol caches
 * inside an object.
 *
 *   struct lbc *l = lbc_new(NULL);
 *   lbc_open_file(l, "prog.bpf.c");        // or lbc_open_string(), or a prebuilt .bpf.o
 *   lbc_set(l, "filter_pid", "42");         // const volatile globals, before load
 *   lbc_load(l);
 *   lbc_on_event(l, NULL, cb, ctx);         // every perf/ring buffer with a type hint
 *   lbc_attach(l);                          // after on_event: no early event is dropped
 *   while (!stop) lbc_poll(l, 100);
 *   lbc_free(l);                            // detaches and unloads
 */
#ifndef LBC_LIBLBC_H
#define LBC_LIBLBC_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct lbc;
struct btf;
struct bpf_object;

struct lbc_opts {
	const char *cache_dir;   /* default $LBC_CACHE_DIR, else /var/cache/lbc (root) or
				  * $XDG_CACHE_HOME/lbc, ~/.cache/lbc */
	const char *btf_path;    /* kernel BTF for vmlinux.h; default /sys/kernel/btf/vmlinux */
	const char *clang;       /* default $LBC_CLANG, else "clang" */
	const char *const *incdirs; /* extra -I dirs (their quoted includes join the key) */
	int nincdirs;
	const char *const *cflags;  /* extra clang flags (join the key) */
	int ncflags;
	bool no_cache;           /* compile even when the cache has the object */
	int perf_freq;           /* SEC("perf_event") sampling frequency, default 49 Hz */
};

/* Messages lbc has for a user (clang's warnings, libbpf's warnings outside an open or a
 * load) go through one process-wide callback, as libbpf_set_print: the default prints
 * WARN and INFO to stderr; NULL silences. Returns the previous callback. */
enum lbc_print_level { LBC_WARN, LBC_INFO, LBC_DEBUG };
typedef int (*lbc_print_fn_t)(enum lbc_print_level level, const char *fmt, va_list ap);
lbc_print_fn_t lbc_set_print(lbc_print_fn_t fn);

/* NULL opts: defaults. */
struct lbc *lbc_new(const struct lbc_opts *opts);
/* Detaches every link, closes every map and program, frees everything. NULL is fine. */
void lbc_free(struct lbc *l);
const char *lbc_errmsg(const struct lbc *l);

/* path ending in ".o": a prebuilt object (no clang). Otherwise BPF C, compiled through the
 * cache. name (string form) names the program in diagnostics and the cache. */
int lbc_open_file(struct lbc *l, const char *path);
int lbc_open_string(struct lbc *l, const char *name, const char *src);
/* Compile only: writes the object to out_path (through the cache). */
int lbc_build(struct lbc *l, const char *src_path, const char *out_path);
/* Writes vmlinux.h for the configured BTF to out_path ("-" for stdout). */
int lbc_write_vmlinux_h(struct lbc *l, const char *out_path);
/* Whether the last open was served from the cache (for tests and benchmarks). */
bool lbc_cache_hit(const struct lbc *l);
const char *lbc_cache_key(const struct lbc *l);

/* Sets a `const volatile` global before load. value: integer (decimal, 0x, negative),
 * "true"/"false", or a string for char arrays. */
int lbc_set(struct lbc *l, const char *name, const char *value);
int lbc_load(struct lbc *l);
/* Attaches every program by its SEC(); an unknown or unattachable section is an error
 * that names it. On error everything attached so far is detached. */
int lbc_attach(struct lbc *l);
void lbc_detach(struct lbc *l);
/* Explicit attaches beyond SEC(), for programs by their function name (load first). The
 * links belong to l like SEC() ones. Programs whose autoattach libbpf switched off
 * (bpf_program__set_autoattach) are skipped by lbc_attach and left for these. */
int lbc_attach_kprobe(struct lbc *l, const char *prog, const char *func, bool retprobe);
/* binary: a path or a library name libbpf resolves ("libc.so.6"); pid -1 = every
 * process; func: a symbol (with "+0x10" offsets) or NULL with offset. */
int lbc_attach_uprobe(struct lbc *l, const char *prog, const char *binary, const char *func,
		      size_t offset, int pid, bool retprobe);
int lbc_attach_tracepoint(struct lbc *l, const char *prog, const char *category,
			  const char *name);
int lbc_attach_raw_tracepoint(struct lbc *l, const char *prog, const char *name);
/* A perf event per CPU (cpu -1: every online CPU; with a pid, one event following it). */
struct lbc_perf_opts {
	uint32_t type;           /* PERF_TYPE_SOFTWARE, PERF_TYPE_HARDWARE, ... */
	uint64_t config;         /* PERF_COUNT_SW_CPU_CLOCK, ... */
	int pid;                 /* -1 = every process */
	int cpu;                 /* -1 = every online CPU */
	uint64_t freq;           /* samples per second; 0 = use period */
	uint64_t period;         /* events per sample when freq is 0 */
};
int lbc_attach_perf_event(struct lbc *l, const char *prog, const struct lbc_perf_opts *o);
/* Whether any program calls bpf_trace_printk/bpf_trace_vprintk (then lbc_printk_open). */
bool lbc_uses_printk(struct lbc *l);
struct bpf_object *lbc_bpf_object(struct lbc *l);
const struct btf *lbc_btf(const struct lbc *l);

/* A decoded record from a perf or ring buffer. */
struct lbc_event {
	const char *map;         /* buffer map name */
	const void *data;
	size_t size;
	int cpu;                 /* -1 for ring buffers */
	uint32_t type_id;        /* event type in lbc_btf(), 0 when the map has no hint */
};
typedef void (*lbc_event_cb)(void *ctx, const struct lbc_event *ev);
/* map NULL: every buffer map. Call after lbc_load(). */
int lbc_on_event(struct lbc *l, const char *map, lbc_event_cb cb, void *ctx);
/* Sleeps until a buffer or the printk pipe has data or timeout_ms passes (with perf
 * buffers at most one nap, as lbc_poll takes), consuming nothing (then lbc_consume):
 * lets a binding wait without holding its own lock.
 * 1 = ready, 0 = timeout, negative errno (-EINTR: a signal). A perf buffer's readiness
 * is reset by being polled, so follow with lbc_consume, not with another lbc_poll. */
int lbc_wait(struct lbc *l, int timeout_ms);
/* Delivers every record buffered now in every buffer, without polling. Returns events
 * handled. */
int lbc_consume(struct lbc *l);
/* Polls all buffers once; returns events handled or a negative errno (-EINTR is fine). */
int lbc_poll(struct lbc *l, int timeout_ms);
unsigned long long lbc_lost_events(const struct lbc *l);

/* Field access on a record by member name (a.b for nested members). */
int lbc_field_u64(const struct lbc *l, const struct lbc_event *ev, const char *field,
		  uint64_t *val);
int lbc_field_str(const struct lbc *l, const struct lbc_event *ev, const char *field,
		  char *buf, size_t n);
/* Prints one record: `name=value ...` or a JSON object, then symbolized stacks for stack-id
 * fields (text: one indented frame per line; JSON: "<field>_frames":[...]). Adds '\n'. */
void lbc_print_event(struct lbc *l, const struct lbc_event *ev, FILE *f, bool json);

/* Symbolized frames of stack-id member `field` of a record (kernel, or user frames in the
 * record's pid for user stack ids, as lbc_print_event shows them): cb per frame. Returns
 * the number of frames or a negative errno. */
int lbc_event_stack(struct lbc *l, const struct lbc_event *ev, const char *field,
		    void (*cb)(void *ctx, const char *frame), void *ctx);

/* Typed decoding for bindings: lbc_decode() walks data by its BTF type (the same rules
 * as lbc_print_event) and reports each value to cb, depth-first. A struct or array is
 * LBC_VAL_STRUCT / LBC_VAL_ARRAY (.len elements), then its members (each with .name) or
 * elements, then LBC_VAL_END. No type (type_id 0) or a short record: one LBC_VAL_BYTES.
 * A non-zero return from cb stops the walk and is returned. */
enum lbc_val_kind {
	LBC_VAL_INT,      /* .i */
	LBC_VAL_UINT,     /* .u */
	LBC_VAL_BOOL,     /* .u: 0 or 1 */
	LBC_VAL_ENUM,     /* .i, .str: the enumerator's name or NULL */
	LBC_VAL_PTR,      /* .u: the address */
	LBC_VAL_STR,      /* .str/.len: a char array up to its NUL */
	LBC_VAL_BYTES,    /* .str/.len: raw bytes */
	LBC_VAL_STRUCT,
	LBC_VAL_ARRAY,
	LBC_VAL_END,
};
struct lbc_val {
	enum lbc_val_kind kind;
	const char *name;        /* member name; NULL for array elements and the top */
	uint32_t type_id;
	int64_t i;
	uint64_t u;
	const char *str;
	size_t len;
	bool stack, ustack;      /* an integer member holding a (user) stack id (see
				  * docs/LBC.md): lbc_event_stack symbolizes it */
	const void *data;        /* the value's bytes (STRUCT, ARRAY: the whole) */
	size_t size;
};
typedef int (*lbc_val_cb)(void *ctx, const struct lbc_val *v);
int lbc_decode(const struct lbc *l, uint32_t type_id, const void *data, size_t size,
	       lbc_val_cb cb, void *ctx);

/* Map iteration. value: summed over CPUs for per-CPU maps (integers and integer members
 * added); percpu (may be NULL) lists each CPU's value, ncpu of them, value_size apart. */
typedef int (*lbc_map_cb)(void *ctx, const void *key, const void *value,
			  const void *percpu, int ncpu);
int lbc_map_foreach(struct lbc *l, const char *map, lbc_map_cb cb, void *ctx);
/* Prints every hash map (and histogram) with keys and values decoded by their BTF types. */
void lbc_print_maps(struct lbc *l, FILE *f, bool json, bool percpu);
/* The same for one map (a hash map or a histogram); -ENOENT / -EINVAL otherwise. */
int lbc_print_map(struct lbc *l, const char *map, FILE *f, bool json, bool percpu);

/* One map's shape, for bindings (fd etc. valid after lbc_load). */
struct lbc_map_info {
	const char *name;
	int type;                /* enum bpf_map_type */
	int fd;
	uint32_t key_size, value_size, max_entries;
	uint32_t key_type_id, value_type_id;   /* in lbc_btf(), 0 = none */
	uint32_t event_type_id;  /* perf/ring buffers: the record type lbc.h recorded */
	bool percpu, hash;       /* per-CPU values; a hash-like map */
	char hist;               /* 'l' LBC_HIST_LOG2, 'L' LBC_HIST_LINEAR, 0 none */
	uint64_t hist_step;      /* linear histograms: bucket width */
};
int lbc_map_info(struct lbc *l, const char *map, struct lbc_map_info *info);
/* value = the entry of key (per-CPU maps: summed over CPUs as lbc_map_foreach does);
 * -ENOENT when absent. Deleting and walking keys is plain libbpf on info.fd. */
int lbc_map_lookup(struct lbc *l, const char *map, const void *key, void *value);

/* Histograms from bucket counts. log2: bucket 0 is 0, bucket k covers [2^(k-1), 2^k). */
void lbc_hist_print_log2(FILE *f, const uint64_t *counts, int n, const char *unit);
void lbc_hist_print_linear(FILE *f, const uint64_t *counts, int n, uint64_t step,
			   const char *unit);

/* Stacks: reads stack id from stack map `map` (NULL: the only stack map). Returns frames. */
int lbc_stack_ips(struct lbc *l, const char *map, int64_t id, uint64_t *ips, int max);
/* Kernel address -> "func+0xoff" through /proc/kallsyms; user address in pid -> "func+0xoff
 * (lib)" through /proc/PID/maps and ELF symbols. Writes "0x..." when unknown. */
const char *lbc_sym_kernel(struct lbc *l, uint64_t addr, char *buf, size_t n);
const char *lbc_sym_user(struct lbc *l, int pid, uint64_t addr, char *buf, size_t n);

/* bpf_printk output through a private ftrace instance (lbc_<pid>) with only the
 * bpf_trace_printk event enabled: nothing global is consumed. Returns an fd to poll on. */
int lbc_printk_open(struct lbc *l);
/* Copies available lines to f, prefixed "printk: "; returns lines copied. */
int lbc_printk_drain(struct lbc *l, FILE *f, bool json);
/* The same, at most max lines (max < 0: all; 0: none); the rest stays for later. */
int lbc_printk_drain_max(struct lbc *l, FILE *f, bool json, long max);

#endif
