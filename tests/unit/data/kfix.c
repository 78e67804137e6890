// SPDX-License-Identifier: MIT
/* Functions whose prototypes become BTF FUNC/FUNC_PROTO entries for test_compile.c. */
#include "kfix.h"

unsigned long kfix_counter;
struct node *kfix_head;
static struct ethhdr keep_eth;
static struct iphdr keep_ip;
static struct udphdr keep_udp;
static struct tcphdr keep_tcp;
static struct icmphdr keep_icmp;

__attribute__((noinline)) int kf_one(struct node *n) { return n->refs.counter + (int)keep_eth.h_proto; }
__attribute__((noinline)) long kf_eight(int a, long b, char *c, struct node *d, node_t *e,
					cnode_p f, u64 g, struct node **h)
{
	return a + b + *c + d->sval + e->sh + f->tail_len + (long)g + (*h)->col + keep_ip.ttl;
}
__attribute__((noinline)) struct node *kf_ret(const char *name, enum color c, enum big b)
{
	(void)name; (void)c; (void)b;
	return kfix_head + keep_udp.len + keep_tcp.window + keep_icmp.type;
}
__attribute__((noinline)) void kf_skb(struct sk_buff *skb, struct sk_buff **pskb) { skb->len = (*pskb)->len; }
__attribute__((noinline)) void kf_ptrs(void *v, struct inner *in, atomic_t *a) { (void)v; in->a = (u32)a->counter; }
__attribute__((noinline)) long kf_byval(struct trio t, struct node *n) { return t.b + n->sh; }
__attribute__((noinline)) long kf_pair(long x, struct twelve q, struct node *n) { return x + q.c + n->sh; }
