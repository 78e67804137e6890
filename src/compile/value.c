// SPDX-License-Identifier: MIT
/* Building a fetch argument: base -> casts -> member/index chain -> kernel fetch text.
 * A value is either held directly (register, $retval) or lives in memory at an address
 * expression plus an offset; `->` turns the current value into the address of the next.
 * The steps are value_base.c, value_access.c, value_skb.c and value_emit.c; this file
 * holds what they share (value_int.h). */
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "compile/value.h"
#include "compile/value_int.h"
#include "types/types.h"

/* Type after typedefs and qualifiers, or NULL for void/unknown. */
const struct btf_type *st_val_resolved(const struct st_val *v, __u32 *rid)
{
	__u32 id;

	if (!v->btf || v->nptr)
		return NULL;
	id = st_btf_skip_mods(v->btf, v->id);
	if (rid)
		*rid = id;
	return st_val_tof(v->btf, id);
}

/* "'struct foo *'" for messages. */
void st_val_describe(const struct st_val *v, char *buf, size_t n)
{
	char inner[200];
	int i;
	size_t l;

	if (!v->btf) {
		snprintf(buf, n, "an untyped value");
		return;
	}
	st_type_name(v->btf, v->id, inner, sizeof(inner));
	snprintf(buf, n, "'%s", inner);
	for (i = 0; i < v->nptr; i++) {
		l = strlen(buf);
		snprintf(buf + l, n - l, "%s*", buf[l - 1] == '*' ? "" : " ");
	}
	l = strlen(buf);
	snprintf(buf + l, n - l, "'");
}

void st_val_load_text(const struct st_val *v, char *buf, size_t n)
{
	switch (v->loc) {
	case ST_LOC_REGS:
		snprintf(buf, n, "%s", v->regs[(v->off / 8) & 1]);
		break;
	case ST_LOC_MEM:
		snprintf(buf, n, "%c%s0x%lx(%s)", v->off < 0 ? '-' : '+', v->user ? "u" : "",
			 v->off < 0 ? -v->off : v->off, v->fetch);
		break;
	case ST_LOC_SYM:
		if (v->off)
			snprintf(buf, n, "@%s%c0x%lx", v->sym, v->off < 0 ? '-' : '+',
				 v->off < 0 ? -v->off : v->off);
		else
			snprintf(buf, n, "@%s", v->sym);
		break;
	case ST_LOC_ABS:
		snprintf(buf, n, "@%s0x%llx", v->sym[0] == '+' ? "+" : "",
			 v->abs + (unsigned long long)v->off);
		break;
	default:
		snprintf(buf, n, "%s", v->fetch);
	}
}

/* Bounded copy that always terminates (fetch texts are checked for length elsewhere). */
void st_val_set_text(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);

	if (l > n - 1)
		l = n - 1;

	memcpy(dst, src, l);
	dst[l] = '\0';
}

/* Make v's address-holding expression: the value of a pointer v, for dereferencing. */
void st_val_pointer_value(const struct st_val *v, char *addr, size_t n, long *add)
{
	if (v->loc == ST_LOC_RVALUE) {
		st_val_set_text(addr, n, v->fetch);
		*add = v->ptr_add;
	} else {
		st_val_load_text(v, addr, n);
		*add = 0;
	}
}

/* Plain `char` (not a typedef such as u8, not signed/unsigned char): read as a string
 * when in an array. Behind a pointer `unsigned char *` is a string too (qstr.name). */
static bool is_char_named(const struct btf *btf, __u32 id, bool allow_unsigned)
{
	const struct btf_type *t;
	int guard = 16;

	while (id && guard--) {
		t = st_val_tof(btf, id);
		if (!t)
			return false;
		if (btf_is_const(t) || btf_is_volatile(t) || btf_is_restrict(t) || btf_is_type_tag(t)) {
			id = t->type;
			continue;
		}
		return btf_is_int(t) && t->size == 1 &&
		       (!strcmp(btf__name_by_offset(btf, t->name_off), "char") ||
			(allow_unsigned &&
			 !strcmp(btf__name_by_offset(btf, t->name_off), "unsigned char")));
	}
	return false;
}

bool st_val_plain_char(const struct btf *btf, __u32 id)
{
	return is_char_named(btf, id, false);
}

bool st_val_string_target(const struct btf *btf, __u32 id)
{
	return is_char_named(btf, id, true);
}
