/* SPDX-License-Identifier: MIT */
/* Types for the compiler's unit tests. kfix.c (functions) is built with clang -g and
 * pahole -J into a small BTF; test_compile.c includes this header too and derives every
 * expected offset with offsetof/sizeof or by setting bitfields, independent of surftrace. */
#ifndef KFIX_H
#define KFIX_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int s32;
typedef long long s64;

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic64_t;

enum color { RED, GREEN, BLUE };
enum big { BIG_A = -1, BIG_B = 1 };

struct inner {
	u32 a;
	u64 b;
	char tag[8];
};

struct flags {
	unsigned int f1 : 1;
	unsigned int f3 : 3;
	unsigned int f12 : 12;
	unsigned short s5 : 5;
	unsigned long long w40 : 40;
	int sgn : 7;
};

struct node {
	struct node *next;
	struct node **pprev;
	const char *name;
	char comm[16];
	u8 mac[6];
	int vals[4];
	struct inner in;
	struct inner *pin;
	const struct inner *cpin;
	union {
		u32 ua;
		struct {
			u16 lo;
			u16 hi;
		};
	};
	struct {
		int anon_x;
		int anon_y;
	};
	enum color col;
	atomic_t refs;
	atomic64_t big;
	struct flags fl;
	s64 sval;
	short sh;
	int tail_len;
	u32 tail[];
};

typedef struct node node_t;
typedef const struct node *cnode_p;

/* skb-like */
struct sk_buff {
	struct sk_buff *next;
	unsigned int len;
	unsigned char *head;
	unsigned char *data;
};
struct ethhdr { unsigned char h_dest[6]; unsigned char h_source[6]; unsigned short h_proto; } __attribute__((packed));
struct iphdr {
	u8 ihl : 4, version : 4;
	u8 tos;
	u16 tot_len;
	u16 id;
	u16 frag_off;
	u8 ttl;
	u8 protocol;
	u16 check;
	u32 saddr;
	u32 daddr;
};
struct udphdr { u16 source; u16 dest; u16 len; u16 check; };
struct tcphdr {
	u16 source; u16 dest; u32 seq; u32 ack_seq;
	u16 res1 : 4, doff : 4, fin : 1, syn : 1, rst : 1, psh : 1, ack : 1, urg : 1, ece : 1, cwr : 1;
	u16 window; u16 check; u16 urg_ptr;
};
struct icmphdr { u8 type; u8 code; u16 checksum; u32 un; };

extern unsigned long kfix_counter;
extern struct node *kfix_head;

int kf_one(struct node *n);
long kf_eight(int a, long b, char *c, struct node *d, node_t *e, cnode_p f, u64 g, struct node **h);
struct node *kf_ret(const char *name, enum color c, enum big b);
void kf_skb(struct sk_buff *skb, struct sk_buff **pskb);
void kf_ptrs(void *v, struct inner *in, atomic_t *a);
/* structs passed by value: 24 bytes (x86_64: stack; arm64: by reference), 12 bytes (a
 * register pair) */
struct trio { long a, b, c; };
struct twelve { int a, b, c; };
long kf_byval(struct trio t, struct node *n);
long kf_pair(long x, struct twelve q, struct node *n);
#endif
