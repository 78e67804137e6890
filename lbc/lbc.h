/* SPDX-License-Identifier: MIT */
/* lbc.h: the BPF-side header of lbc (libbpf compile collection). Keeps the names of the
 * original pylcc lbc.h (LBC_PERF_OUTPUT, LBC_HASH, ..., LBC_STACK, _()) on BTF-defined maps,
 * because libbpf 1.x dropped legacy SEC("maps") definitions.
 *
 * Type hints: user space decodes records with no hand-written struct. A hash map's key and
 * value types are in its BTF definition already. A perf or ring buffer carries bytes, so
 * the event type is recorded as an unused pointer variable `__lbc_ev__<map>` of type
 * `TYPE *` in the ELF section ".lbc" (libbpf skips that section: no extra map, nothing
 * loaded; the type stays in the object's BTF, which is all user space reads). Histograms use
 * the same trick (`__lbc_hl2__<map>`, `__lbc_hlin__<map>` whose pointee array length is the
 * bucket width).
 *
 * Include it as `#include "lbc.h"`; lbc puts vmlinux.h (generated from the kernel's BTF) on
 * the include path. */
#ifndef LBC_LBC_H
#define LBC_LBC_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

#define PERF_MAX_STACK_DEPTH 127
#ifndef BPF_F_FAST_STACK_CMP
#define BPF_F_FAST_STACK_CMP (1ULL << 9)
#endif
/* vmlinux.h declares BPF_F_USER_STACK as an enumerator; these stay plain expressions. */
#define KERN_STACKID_FLAGS (0 | BPF_F_FAST_STACK_CMP)
#define USER_STACKID_FLAGS (0 | BPF_F_FAST_STACK_CMP | BPF_F_USER_STACK)

#ifndef BPF_F_CURRENT_CPU
#define BPF_F_CURRENT_CPU 0xffffffffULL
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif

/* Records TYPE for map NAME in BTF only (see the header comment). */
#define LBC_TYPE_HINT(KIND, NAME, TYPE) \
	__typeof__(TYPE) *__lbc_##KIND##__##NAME SEC(".lbc") __attribute__((used))

/* Perf event output: lbc_perf_output(ctx, &NAME, &ev) (or bpf_perf_event_output(ctx, &NAME,
 * BPF_F_CURRENT_CPU, &ev, sizeof(ev)), whose drops the kernel reports only when a later
 * record on that CPU finds room: the last ones of a run may go unreported).
 * ENTRIES is kept for the original's signature; the kernel sizes the array by CPUs. */
#define LBC_PERF_OUTPUT(NAME, TYPE, ENTRIES) \
	struct { \
		__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); \
		__uint(key_size, sizeof(int)); \
		__uint(value_size, sizeof(__u32)); \
		__uint(max_entries, ENTRIES); \
	} NAME SEC(".maps"); \
	LBC_TYPE_HINT(ev, NAME, TYPE)

/* The modern alternative: one shared ring buffer of BYTES (a power of two, >= page size).
 * Use lbc_ringbuf_output(&NAME, &ev): a record the buffer has no room for is counted in
 * lbc_lost (below) and lbc reports it as lost. (bpf_ringbuf_reserve/submit by hand: a
 * failed reserve is lost silently unless the program adds to lbc_lost slot 0.) */
#define LBC_RINGBUF(NAME, TYPE, BYTES) \
	struct { \
		__uint(type, BPF_MAP_TYPE_RINGBUF); \
		__uint(max_entries, BYTES); \
	} NAME SEC(".maps"); \
	LBC_TYPE_HINT(ev, NAME, TYPE)

/* Records dropped for want of room, per CPU: slot 0 by lbc_ringbuf_output, slot 1 by
 * lbc_perf_output. lbc reports them as lost, so printed + lost = produced. It does not
 * create the map for a program without a ring or perf buffer. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} lbc_lost SEC(".maps");

static __always_inline long lbc_count_lost_(long rc, __u32 slot)
{
	if (rc) {
		__u64 *c = bpf_map_lookup_elem(&lbc_lost, &slot);

		if (c)
			*c += 1;
	}
	return rc;
}
/* The reader is woken once a quarter of the ring is filled, not for every record it has
 * caught up with; lbc_poll reads what is below that within its nap. */
#define lbc_ringbuf_wake_(MAP) \
	(bpf_ringbuf_query((MAP), BPF_RB_AVAIL_DATA) >= \
	 bpf_ringbuf_query((MAP), BPF_RB_RING_SIZE) / 4 ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP)
#define lbc_ringbuf_output(MAP, PTR) \
	lbc_count_lost_(bpf_ringbuf_output((MAP), (PTR), sizeof(*(PTR)), \
					   lbc_ringbuf_wake_(MAP)), 0)
#define lbc_perf_output(CTX, MAP, PTR) \
	lbc_count_lost_(bpf_perf_event_output((CTX), (MAP), BPF_F_CURRENT_CPU, (PTR), \
					      sizeof(*(PTR))), 1)

#define LBC_MAP_(NAME, MTYPE, KEY_T, VALUE_T, ENTRIES) \
	struct { \
		__uint(type, MTYPE); \
		__type(key, KEY_T); \
		__type(value, VALUE_T); \
		__uint(max_entries, ENTRIES); \
	} NAME SEC(".maps")

#define LBC_HASH(NAME, KEY_T, VALUE_T, ENTRIES) \
	LBC_MAP_(NAME, BPF_MAP_TYPE_HASH, KEY_T, VALUE_T, ENTRIES)
#define LBC_LRU_HASH(NAME, KEY_T, VALUE_T, ENTRIES) \
	LBC_MAP_(NAME, BPF_MAP_TYPE_LRU_HASH, KEY_T, VALUE_T, ENTRIES)
#define LBC_PERCPU_HASH(NAME, KEY_T, VALUE_T, ENTRIES) \
	LBC_MAP_(NAME, BPF_MAP_TYPE_PERCPU_HASH, KEY_T, VALUE_T, ENTRIES)
#define LBC_LRU_PERCPU_HASH(NAME, KEY_T, VALUE_T, ENTRIES) \
	LBC_MAP_(NAME, BPF_MAP_TYPE_LRU_PERCPU_HASH, KEY_T, VALUE_T, ENTRIES)
#define LBC_ARRAY(NAME, VALUE_T, ENTRIES) \
	LBC_MAP_(NAME, BPF_MAP_TYPE_ARRAY, __u32, VALUE_T, ENTRIES)
#define LBC_PERCPU_ARRAY(NAME, VALUE_T, ENTRIES) \
	LBC_MAP_(NAME, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, VALUE_T, ENTRIES)

/* Stack traces for bpf_get_stackid(ctx, &NAME, KERN_STACKID_FLAGS or USER_STACKID_FLAGS).
 * lbc symbolizes integer fields named *stack_id / *stackid (kernel) and u*stack_id /
 * user_stack_id (user, resolved in the record's pid) through this map. */
#define LBC_STACK(NAME, ENTRIES) \
	struct { \
		__uint(type, BPF_MAP_TYPE_STACK_TRACE); \
		__uint(key_size, sizeof(__u32)); \
		__uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(__u64)); \
		__uint(max_entries, ENTRIES); \
	} NAME SEC(".maps")

/* Histograms: a per-CPU array of u64 buckets that lbc prints as a bar chart. */
#define LBC_HIST_LOG2(NAME) \
	LBC_MAP_(NAME, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, __u64, 64); \
	LBC_TYPE_HINT(hl2, NAME, __u64)
#define LBC_HIST_LINEAR(NAME, BUCKETS, STEP) \
	LBC_MAP_(NAME, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, __u64, BUCKETS); \
	LBC_TYPE_HINT(hlin, NAME, char[STEP])

static __always_inline __u32 lbc_log2(__u64 v)
{
	__u32 r = 0;
	/* Unrolled binary search: the verifier sees a bounded, loop-free sequence. */
	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8)  { v >>= 8;  r += 8; }
	if (v >> 4)  { v >>= 4;  r += 4; }
	if (v >> 2)  { v >>= 2;  r += 2; }
	if (v >> 1)  { r += 1; }
	return r;
}

/* Bucket 0 holds 0, bucket k (k>=1) holds [2^(k-1), 2^k). */
static __always_inline void lbc_hist_inc_slot(void *map, __u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(map, &slot);
	if (c)
		*c += 1;
}
#define lbc_hist_log2_inc(MAP, V) \
	lbc_hist_inc_slot((MAP), (V) ? lbc_log2(V) + 1 : 0)
#define lbc_hist_linear_inc(MAP, V, STEP, BUCKETS) \
	lbc_hist_inc_slot((MAP), ((V) / (STEP)) < (BUCKETS) ? (__u32)((V) / (STEP)) : (BUCKETS) - 1)

/* The original's probe-read accessor: _(p->field) reads one value of the field's type. */
#define _(P) ({ typeof(P) val__ = 0; bpf_probe_read_kernel((void *)&val__, sizeof(val__), \
						      (const void *)&(P)); val__; })

/* The original's byte-order helpers, kept by name (parenthesised, unlike the original). */
#ifndef ntohs
#define ntohs(x) ((__u16)((0xff00 & ((__u16)(x) << 8)) | (0x00ff & ((__u16)(x) >> 8))))
#endif
#ifndef htons
#define htons(x) ntohs(x)
#endif
#ifndef ntohl
#define ntohl(x) ((__u32)((0xff000000U & ((__u32)(x) << 24)) | \
			  (0x00ff0000U & ((__u32)(x) << 8)) | \
			  (0x0000ff00U & ((__u32)(x) >> 8)) | \
			  (0x000000ffU & ((__u32)(x) >> 24))))
#endif
#ifndef htonl
#define htonl(x) ntohl(x)
#endif
#ifndef ntohll
#define ntohll(x) ((((__u64)ntohl((__u32)(x))) << 32) | ntohl((__u32)((__u64)(x) >> 32)))
#endif
#ifndef htonll
#define htonll(x) ntohll(x)
#endif

#endif /* LBC_LBC_H */
