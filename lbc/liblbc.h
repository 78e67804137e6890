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

/* Map iteration. value: summed over CPUs for per-CPU maps (integers and integer members
 * added); percpu (may be NULL) lists each CPU's value, ncpu of them, value_size apart. */
typedef int (*lbc_map_cb)(void *ctx, const void *key, const void *value,
			  const void *percpu, int ncpu);
int lbc_map_foreach(struct lbc *l, const char *map, lbc_map_cb cb, void *ctx);
/* Prints every hash map (and histogram) with keys and values decoded by their BTF types. */
void lbc_print_maps(struct lbc *l, FILE *f, bool json, bool percpu);

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
