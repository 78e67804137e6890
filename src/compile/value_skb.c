// SPDX-License-Identifier: MIT
/* The skb cast @(struct hdr *)lN: from a struct sk_buff * to the header at skb->data plus
 * the headers between the layer skb->data points at and the one asked for. */
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "compile/value.h"
#include "compile/value_int.h"
#include "types/types.h"

static int hdr_layer(const char *name)
{
	if (!strcmp(name, "ethhdr")) return 2;
	if (!strcmp(name, "iphdr")) return 3;
	if (!strcmp(name, "icmphdr") || !strcmp(name, "tcphdr") || !strcmp(name, "udphdr"))
		return 4;
	return 0;
}

/* The header type of the cast: a pointer to a known header struct at or above layer ml. */
static int skb_header(const struct st_vctx *c, const struct st_expr *e, int ml,
		      struct st_tref *hdr, struct st_err *err)
{
	const struct btf_type *ht;
	int nptr, hl;
	char hname[64];

	if (st_types_parse(c->types, e->cast_type, hdr, &nptr, err)) {
		err->col = e->cast_col;
		return -1;
	}
	ht = st_val_tof(hdr->btf, hdr->id);
	snprintf(hname, sizeof(hname), "%s", ht ? btf__name_by_offset(hdr->btf, ht->name_off) : "");
	hl = ht && btf_is_struct(ht) && nptr == 1 ? hdr_layer(hname) : 0;
	if (!hl)
		return st_err_set(err, e->cast_col, "'@(%s)' must name a packet header pointer: "
				  "struct ethhdr *, struct iphdr *, struct icmphdr *, struct tcphdr * "
				  "or struct udphdr *", e->cast_type);
	if (hl < ml)
		return st_err_set(err, e->cast_col, "struct %s is a layer %d header but the mark l%d "
				  "says skb->data is at layer %d", hname, hl, ml, ml);
	return hl;
}

/* v must be a struct sk_buff * (typed by BTF or by a cast after the layer). */
static int check_skb_base(const struct st_expr *e, int ml, const struct st_val *v,
			  struct st_err *err)
{
	__u32 id;
	const struct btf_type *t;
	int depth = v->nptr;
	char d[256];

	if (!v->btf)
		return st_err_set(err, e->base_col, "the skb cast needs a 'struct sk_buff *' and this "
				  "value has no type; give it one after the layer: "
				  "@(%s)l%d!(struct sk_buff *)...", e->cast_type, ml);
	id = v->nptr ? v->id : st_btf_skip_mods(v->btf, v->id);
	t = st_val_tof(v->btf, id);
	while (!v->nptr && t && btf_is_ptr(t)) {
		depth++;
		id = st_btf_skip_mods(v->btf, t->type);
		t = st_val_tof(v->btf, id);
	}
	if (v->nptr)
		t = st_val_tof(v->btf, st_btf_skip_mods(v->btf, v->id));
	if (depth != 1 || !t || !btf_is_struct(t) ||
	    strcmp(btf__name_by_offset(v->btf, t->name_off), "sk_buff")) {
		st_val_describe(v, d, sizeof(d));
		return st_err_set(err, e->base_col, "the skb cast needs a 'struct sk_buff *' "
				  "but this argument is %s", d);
	}
	return 0;
}

/* Bytes of the headers between the layer skb->data points at (ml) and the one asked (hl). */
static int header_gap(const struct st_vctx *c, int ml, int hl, long *add, struct st_err *err)
{
	struct st_tref h;
	int nptr;

	*add = 0;
	if (ml <= 2 && hl >= 3) {
		if (st_types_parse(c->types, "struct ethhdr", &h, &nptr, err))
			return -1;
		*add += (long)btf__resolve_size(h.btf, h.id);
	}
	if (ml <= 3 && hl >= 4) {
		if (st_types_parse(c->types, "struct iphdr", &h, &nptr, err))
			return -1;
		*add += (long)btf__resolve_size(h.btf, h.id);
	}
	return 0;
}

int st_val_skb(const struct st_vctx *c, const struct st_expr *e, struct st_val *v,
	       struct st_err *err)
{
	struct st_tref hdr, skb;
	struct st_btf_member data;
	int nptr, hl, ml = e->skb_layer ? e->skb_layer : 3;
	long add = 0, a0;
	char addr[700];
	struct st_val t = *v;

	hl = skb_header(c, e, ml, &hdr, err);
	if (hl < 0)
		return -1;
	/* the base must be a struct sk_buff * */
	if (st_types_parse(c->types, "struct sk_buff", &skb, &nptr, err))
		return st_err_set(err, e->cast_col, "no struct sk_buff in the type information");
	if (check_skb_base(e, ml, v, err))
		return -1;
	if (!st_btf_find_member(skb.btf, skb.id, "data", &data))
		return st_err_set(err, e->cast_col, "struct sk_buff has no member 'data'");
	if (header_gap(c, ml, hl, &add, err))
		return -1;
	/* v (the skb pointer) -> value of skb->data, plus the header offset */
	st_val_pointer_value(&t, addr, sizeof(addr), &a0);
	snprintf(v->fetch, sizeof(v->fetch), "%c0x%lx(%s)", '+', (long)(data.bit_off / 8) + a0,
		 addr);
	v->loc = ST_LOC_RVALUE;
	v->ptr_add = add;
	v->btf = hdr.btf;
	v->id = hdr.id;
	v->nptr = 1;
	return 0;
}
