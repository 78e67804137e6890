// SPDX-License-Identifier: MIT
/* Compiler unit tests on a small BTF made from tests/unit/data/kfix.c (clang -g, pahole -J).
 * Expected offsets come from the same C types through offsetof/sizeof, and bitfield
 * positions by setting the field in a zeroed struct and finding the bits: never from
 * surftrace itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "compile/compile.h"
#include "data/kfix.h"

#ifndef KFIX_BTF
#define KFIX_BTF "build/tests/kfix.o"
#endif

static struct st_translator *tr_x86, *tr_arm;

static int setup(void **state)
{
	struct st_translator_opts o = { .arch = "x86_64", .btf_path = KFIX_BTF, .ksyms_path = "" };
	struct st_err err;

	(void)state;
	tr_x86 = st_translator_new(&o, &err);
	o.arch = "aarch64";
	tr_arm = st_translator_new(&o, &err);
	return tr_x86 && tr_arm ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	st_translator_free(tr_x86);
	st_translator_free(tr_arm);
	return 0;
}

/* Translate and return "definition\nfilter" (heap). */
static char *xlate(struct st_translator *tr, const char *expr, struct st_err *err)
{
	struct st_probe *p;
	char *def, *out;

	if (st_translate(tr, expr, 0, &p, err))
		return NULL;
	def = p->type == 'e' ? NULL : st_probe_definition(p, NULL, err);
	if (asprintf(&out, "%s%s%s", def ? def : "", p->filter ? "\n" : "",
		     p->filter ? p->filter : "") < 0)
		out = NULL;
	free(def);
	st_probe_free(p);
	return out;
}

static void expect(struct st_translator *tr, const char *expr, const char *fmt, ...)
{
	struct st_err err = { 0 };
	char want[1024];
	char *got;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	got = xlate(tr, expr, &err);
	if (!got)
		fail_msg("'%s' failed: col %d: %s", expr, err.col, err.msg);
	if (strcmp(got, want))
		fail_msg("'%s'\n  got:  %s\n  want: %s", expr, got, want);
	free(got);
}

static void expect_err(struct st_translator *tr, const char *expr, int col, const char *frag)
{
	struct st_err err = { 0 };
	char *got = xlate(tr, expr, &err);

	if (got)
		fail_msg("'%s' should fail but gave %s", expr, got);
	if (err.col != col || !strstr(err.msg, frag))
		fail_msg("'%s': col %d '%s', want col %d '%s'", expr, err.col, err.msg, col, frag);
}

#define OFF(T, m) ((unsigned long)offsetof(T, m))

static void test_members(void **s)
{
	(void)s;
	expect(tr_x86, "p kf_one c=%0->comm", "p:p0 kf_one c=+0x%lx(%%di):string", OFF(struct node, comm));
	expect(tr_x86, "p kf_one n=%0->name", "p:p0 kf_one n=+0(+0x%lx(%%di)):string", OFF(struct node, name));
	expect(tr_x86, "p kf_one m=%0->mac", "p:p0 kf_one m=+0x%lx(%%di):u8[6]", OFF(struct node, mac));
	expect(tr_x86, "p kf_one v=%0->vals", "p:p0 kf_one v=+0x%lx(%%di):s32[4]", OFF(struct node, vals));
	expect(tr_x86, "p kf_one v=X%0->vals[2]", "p:p0 kf_one v=+0x%lx(%%di):x32",
	       OFF(struct node, vals) + 2 * sizeof(int));
	expect(tr_x86, "p kf_one b=%0->in.b t=%0->in.tag", "p:p0 kf_one b=+0x%lx(%%di):u64 t=+0x%lx(%%di):string",
	       OFF(struct node, in) + OFF(struct inner, b), OFF(struct node, in) + OFF(struct inner, tag));
	expect(tr_x86, "p kf_one b=%0->pin->b a=%0->cpin->a",
	       "p:p0 kf_one b=+0x%lx(+0x%lx(%%di)):u64 a=+0x%lx(+0x%lx(%%di)):u32",
	       OFF(struct inner, b), OFF(struct node, pin), OFF(struct inner, a), OFF(struct node, cpin));
	expect(tr_x86, "p kf_one s=%0->next->next->sval",
	       "p:p0 kf_one s=+0x%lx(+0x%lx(+0x%lx(%%di))):s64", OFF(struct node, sval),
	       OFF(struct node, next), OFF(struct node, next));
	/* one char: signed or not as the fixture's compiler made it */
	expect(tr_x86, "p kf_one c=%0->comm[3]", "p:p0 kf_one c=+0x%lx(%%di):%s", OFF(struct node, comm) + 3,
	       (char)-1 < 0 ? "s8" : "u8");
	expect(tr_x86, "p kf_one t=%0->tail[3]", "p:p0 kf_one t=+0x%lx(%%di):u32",
	       OFF(struct node, tail) + 3 * sizeof(u32));
}

static void test_anon_enum_atomic(void **s)
{
	(void)s;
	expect(tr_x86, "p kf_one lo=%0->lo hi=%0->hi ua=X%0->ua y=%0->anon_y",
	       "p:p0 kf_one lo=+0x%lx(%%di):u16 hi=+0x%lx(%%di):u16 ua=+0x%lx(%%di):x32 y=+0x%lx(%%di):s32",
	       OFF(struct node, lo), OFF(struct node, hi), OFF(struct node, ua), OFF(struct node, anon_y));
	expect(tr_x86, "p kf_one c=%0->col", "p:p0 kf_one c=+0x%lx(%%di):u32", OFF(struct node, col));
	expect(tr_x86, "p kf_one r=%0->refs b=%0->big", "p:p0 kf_one r=+0x%lx(%%di):s32 b=+0x%lx(%%di):s64",
	       OFF(struct node, refs), OFF(struct node, big));
	expect(tr_x86, "p kf_one p=%0->pin", "p:p0 kf_one p=+0x%lx(%%di):x64", OFF(struct node, pin));
	expect(tr_x86, "p kf_one p=U%0->pin s=S%0->sh", "p:p0 kf_one p=+0x%lx(%%di):u64 s=+0x%lx(%%di):s16",
	       OFF(struct node, pin), OFF(struct node, sh));
}

/* Bit position of a bitfield: set it to all ones in a zeroed struct, find the lowest bit. */
#define BITPOS(field, width_out, pos_out) do {                                   \
	struct flags f_; unsigned char *b_ = (unsigned char *)&f_; size_t i_;      \
	int w_ = 0, p_ = -1;                                                        \
	memset(&f_, 0, sizeof(f_)); f_.field = -1;                                 \
	for (i_ = 0; i_ < sizeof(f_) * 8; i_++)                                     \
		if (b_[i_ / 8] >> (i_ % 8) & 1) { if (p_ < 0) p_ = (int)i_; w_++; } \
	*(width_out) = w_; *(pos_out) = p_; } while (0)

static void check_bitfield(const char *member, int width, int pos, int container)
{
	char expr[128], want[256];
	struct st_err err = { 0 };
	char *got, *colon;
	unsigned long off;
	int w = 0, bit = 0, cbits = 0;

	snprintf(expr, sizeof(expr), "p kf_one x=%%0->fl.%s", member);
	got = xlate(tr_x86, expr, &err);
	if (!got)
		fail_msg("%s: %s", expr, err.msg);
	/* our container choice may differ; the absolute bit position and width may not */
	colon = strrchr(got, ':');
	if (sscanf(got, "p:p0 kf_one x=+0x%lx(%%di)", &off) != 1 || !colon ||
	    sscanf(colon, ":b%d@%d/%d", &w, &bit, &cbits) != 3)
		fail_msg("%s: unexpected %s", expr, got);
	snprintf(want, sizeof(want), "width %d at bit %d", width,
		 (int)(OFF(struct node, fl) * 8) + pos);
	if (w != width || (int)off * 8 + bit != (int)(OFF(struct node, fl) * 8) + pos ||
	    bit + w > cbits || (cbits != 8 && cbits != 16 && cbits != 32 && cbits != 64))
		fail_msg("%s: got %s, want %s", expr, got, want);
	(void)container;
	free(got);
}

static void test_bitfields(void **s)
{
	int w, p;

	(void)s;
	BITPOS(f1, &w, &p); check_bitfield("f1", w, p, 32);
	BITPOS(f3, &w, &p); check_bitfield("f3", w, p, 32);
	BITPOS(f12, &w, &p); check_bitfield("f12", w, p, 32);
	BITPOS(s5, &w, &p); check_bitfield("s5", w, p, 16);
	BITPOS(w40, &w, &p); check_bitfield("w40", w, p, 64);
	BITPOS(sgn, &w, &p); check_bitfield("sgn", w, p, 32);
}

static void test_args_and_stack(void **s)
{
	(void)s;
	expect(tr_x86, "p kf_eight a=%0 b=%1 c=%2 g=%6 h=%7",
	       "p:p0 kf_eight a=%%di:s32 b=%%si:s64 c=+0(%%dx):string g=$stack1:u64 h=$stack2:x64");
	expect(tr_x86, "p kf_eight s=$e->sh t=$f->tail_len", "p:p0 kf_eight s=+0x%lx(%%r8):s16 t=+0x%lx(%%r9):s32",
	       OFF(struct node, sh), OFF(struct node, tail_len));
	expect(tr_x86, "p kf_eight c=$h[0]->col", "p:p0 kf_eight c=+0x%lx(+0x0($stack2)):u32", OFF(struct node, col));
	expect(tr_x86, "p kf_one pp=%0->pprev[0]->sh", "p:p0 kf_one pp=+0x%lx(+0x0(+0x%lx(%%di))):s16",
	       OFF(struct node, sh), OFF(struct node, pprev));
	expect(tr_arm, "p kf_eight a=%0 g=%6 h=$h", "p:p0 kf_eight a=%%x0:s32 g=%%x6:u64 h=%%x7:x64");
	expect(tr_arm, "p kf_one c=%0->comm r=%x19", "p:p0 kf_one c=+0x%lx(%%x0):string r=%%x19:u64",
	       OFF(struct node, comm));
	/* structs by value (SysV / AAPCS64; tests/abi checks the same against clang's DWARF) */
	expect(tr_x86, "p kf_byval b=%0.b s=%1->sh", "p:p0 kf_byval b=+0x10($stack):s64 s=+0x%lx(%%di):s16",
	       OFF(struct node, sh));
	expect(tr_arm, "p kf_byval b=%0.b s=%1->sh", "p:p0 kf_byval b=+0x8(%%x0):s64 s=+0x%lx(%%x1):s16",
	       OFF(struct node, sh));
	expect(tr_x86, "p kf_pair x=%0 s=%2->sh", "p:p0 kf_pair x=%%di:s64 s=+0x%lx(%%cx):s16", OFF(struct node, sh));
	expect(tr_arm, "p kf_pair x=%0 s=%2->sh", "p:p0 kf_pair x=%%x0:s64 s=+0x%lx(%%x3):s16", OFF(struct node, sh));
	expect(tr_x86, "p kf_pair a=%1.a b=%1.b c=%1.c", "p:p0 kf_pair a=%%si:s32 b=%%si:b32@32/64 c=%%dx:s32");
	expect(tr_arm, "p kf_pair c=%1.c", "p:p0 kf_pair c=%%x2:s32");
	expect_err(tr_x86, "p kf_eight z=%8", 14, "past the arguments of kf_eight, which has 8");
	expect_err(tr_arm, "p kf_one r=%ax", 12, "not a register of aarch64");
	expect_err(tr_x86, "p kf_one r=%x0", 12, "not a register of x86_64");
}

static void test_retval_casts_symbols(void **s)
{
	(void)s;
	expect(tr_x86, "r kf_ret n=$retval s=$retval->sval", "r:r0 kf_ret n=$retval:x64 s=+0x%lx($retval):s64",
	       OFF(struct node, sval));
	expect(tr_x86, "p kf_ret c=%1", "p:p0 kf_ret c=%%si:u32");
	expect(tr_x86, "p kf_ptrs s=!(struct node *)%0->sval", "p:p0 kf_ptrs s=+0x%lx(%%di):s64",
	       OFF(struct node, sval));
	expect(tr_x86, "p kf_ptrs v=X!(u32)%ax", "p:p0 kf_ptrs v=%%ax:x32");
	expect(tr_x86, "p kf_ptrs c=%2->counter a=%2", "p:p0 kf_ptrs c=+0x0(%%dx):s32 a=%%dx:x64");
	expect(tr_x86, "p kf_ptrs k=@kfix_counter", "p:p0 kf_ptrs k=@kfix_counter:u64");
	expect(tr_x86, "p kf_ptrs s=!(struct node *)@kfix_head->sval",
	       "p:p0 kf_ptrs s=+0x%lx(@kfix_head):s64", OFF(struct node, sval));
	expect(tr_x86, "p kf_ptrs a=!(int)@0xffff1000", "p:p0 kf_ptrs a=@0xffff1000:s32");
	expect(tr_x86, "p kf_ptrs c=$comm", "p:p0 kf_ptrs c=$comm");
	expect_err(tr_x86, "p kf_ptrs v=%0->a", 15, "needs a pointer to a struct");
	expect_err(tr_x86, "p kf_ptrs v=!(struct nope *)%0->a", 13, "unknown type 'struct nope'");
	expect_err(tr_x86, "p kf_one t=%0->tail", 12, "flexible array");
	expect_err(tr_x86, "p kf_one t=%0->in", 12, "pick a member");
}

static void test_skb(void **s)
{
	unsigned long data = OFF(struct sk_buff, data);

	(void)s;
	expect(tr_x86, "p kf_skb t=@(struct iphdr *)%0->ttl",
	       "p:p0 kf_skb t=+0x%lx(+0x%lx(%%di)):u8", OFF(struct iphdr, ttl), data);
	expect(tr_x86, "p kf_skb t=@(struct iphdr *)l2%0->ttl",
	       "p:p0 kf_skb t=+0x%lx(+0x%lx(%%di)):u8", sizeof(struct ethhdr) + OFF(struct iphdr, ttl), data);
	expect(tr_x86, "p kf_skb p=@(struct udphdr *)%0->dest",
	       "p:p0 kf_skb p=+0x%lx(+0x%lx(%%di)):u16", sizeof(struct iphdr) + OFF(struct udphdr, dest), data);
	expect(tr_x86, "p kf_skb p=X@(struct udphdr *)l4%0->ldata[2]",
	       "p:p0 kf_skb p=+0x%lx(+0x%lx(%%di)):x32", sizeof(struct udphdr) + 8, data);
	expect(tr_x86, "p kf_skb p=@(struct icmphdr *)l3%0->Sdata",
	       "p:p0 kf_skb p=+0x%lx(+0x%lx(%%di)):string", sizeof(struct iphdr) + sizeof(struct icmphdr), data);
	expect(tr_x86, "p kf_skb e=@(struct ethhdr *)l2%0->h_source",
	       "p:p0 kf_skb e=+0x%lx(+0x%lx(%%di)):u8[6]", OFF(struct ethhdr, h_source), data);
	expect_err(tr_x86, "p kf_skb e=@(struct iphdr *)%1->ttl", 29, "'struct sk_buff **'");
	expect_err(tr_x86, "p kf_skb e=@(struct ethhdr *)l4%0->h_proto", 12, "layer 2 header");
}

static void test_filters(void **s)
{
	(void)s;
	expect(tr_x86, "p kf_skb ip_s=@(struct iphdr *)%0->saddr f:ip_s==10.0.0.1",
	       "p:p0 kf_skb ip_s=+0x%lx(+0x%lx(%%di)):u32\nip_s==0x100000a",
	       OFF(struct iphdr, saddr), OFF(struct sk_buff, data));
	expect(tr_x86, "p kf_skb b16_p=@(struct udphdr *)%0->dest B16_q=@(struct udphdr *)%0->source f:b16_p==53||B16_q==0x50",
	       "p:p0 kf_skb b16_p=+0x%lx(+0x%lx(%%di)):u16 B16_q=+0x%lx(+0x%lx(%%di)):u16\nb16_p==13568||B16_q==0x5000",
	       sizeof(struct iphdr) + OFF(struct udphdr, dest), OFF(struct sk_buff, data),
	       sizeof(struct iphdr) + OFF(struct udphdr, source), OFF(struct sk_buff, data));
	expect(tr_x86, "p kf_one c=%0->comm f:c==\"a b&&c\" && (common_pid>1 || !(c~\"x*\"))",
	       "p:p0 kf_one c=+0x%lx(%%di):string\nc==\"a b&&c\"&&(common_pid>1||!(c~\"x*\"))",
	       OFF(struct node, comm));
	expect_err(tr_x86, "p kf_one c=%0->comm f:d==1", 23, "unknown variable 'd'");
}

/* A function that the traceable list knows only as compiler clones (a list file stands in
 * for available_filter_functions). */
static void test_clones(void **s)
{
	static const char list[] = "kf_one.isra.0\nkf_one.constprop.0\nkf_ptrs.llvm.42\n"
				   "kf_skb\n__pfx_kf_skb\n";
	char path[] = "/tmp/st_clones_XXXXXX";
	struct st_translator_opts o = { .arch = "x86_64", .btf_path = KFIX_BTF, .ksyms_path = path };
	struct st_translator *tr;
	struct st_probe *p = NULL;
	struct st_err err = { 0 };
	int fd = mkstemp(path);

	(void)s;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, list, sizeof(list) - 1), (ssize_t)(sizeof(list) - 1));
	close(fd);
	tr = st_translator_new(&o, &err);
	assert_non_null(tr);
	/* deterministic pick (name order among equals), the other named in the notice */
	assert_int_equal(st_translate(tr, "p kf_one", 0, &p, &err), 0);
	assert_string_equal(p->target, "kf_one.constprop.0");
	assert_non_null(p->notice);
	assert_non_null(strstr(p->notice, "kf_one.isra.0"));
	st_probe_free(p);
	/* arguments by position or name on a clone whose ABI may differ: translated by the
	 * prototype, with a notice naming the argument; raw registers need none */
	assert_int_equal(st_translate(tr, "p kf_one x=%di c=$n->comm", 0, &p, &err), 0);
	assert_non_null(p->notice);
	assert_non_null(strstr(p->notice, "kf_one.isra.0"));          /* the clone list ... */
	assert_non_null(strstr(p->notice, "'c' (column 16)"));        /* ... and the warning */
	st_probe_free(p);
	expect(tr, "p kf_one c=!(struct node *)%di->comm", "p:p0 kf_one.constprop.0 c=+0x%lx(%%di):string",
	       OFF(struct node, comm));
	/* an LTO rename keeps the convention: arguments work, and one clone needs no notice */
	assert_int_equal(st_translate(tr, "p kf_ptrs", 0, &p, &err), 0);
	assert_string_equal(p->target, "kf_ptrs.llvm.42");
	assert_null(p->notice);
	st_probe_free(p);
	expect_err(tr, "p __pfx_kf_skb", 3, "padding in front of 'kf_skb'");
	st_translator_free(tr);
	unlink(path);
}

/* Issue 15's smaller items: each input once refused wrongly or accepted silently. */
static void test_small_fixes(void **s)
{
	(void)s;
	/* arm64: the kernel knows x29/x30, not fp/lr */
	expect(tr_arm, "p kf_one a=%fp b=%lr c=%x29", "p:p0 kf_one a=%%x29:u64 b=%%x30:u64 c=%%x29:u64");
	expect_err(tr_arm, "p kf_one a=%f", 12, "is not a register of aarch64");
	/* an skb cast on an untyped base: typed by a cast after the layer, or told how */
	expect(tr_x86, "p kf_one t=@(struct iphdr *)l3!(struct sk_buff *)%bx->ttl",
	       "p:p0 kf_one t=+0x%lx(+0x%lx(%%bx)):u8", OFF(struct iphdr, ttl),
	       OFF(struct sk_buff, data));
	expect(tr_x86, "p kf_one t=@(struct iphdr *)!(struct sk_buff *)@kfix_counter->ttl",
	       "p:p0 kf_one t=+0x%lx(+0x%lx(@kfix_counter)):u8", OFF(struct iphdr, ttl),
	       OFF(struct sk_buff, data));
	expect_err(tr_x86, "p kf_one t=@(struct iphdr *)l3%bx->ttl", 31,
		   "give it one after the layer: @(struct iphdr *)l3!(struct sk_buff *)");
	expect_err(tr_x86, "p kf_one t=@(struct iphdr *)l3!(struct node *)%bx->ttl", 47,
		   "needs a 'struct sk_buff *'");
	/* an untyped kernel symbol: how to type it */
	expect_err(tr_x86, "p kf_one c=@no_such_sym.comm", 24, "!(struct NAME)@no_such_sym.comm");
	expect_err(tr_x86, "p kf_one c=@no_such_sym->comm", 24, "!(struct NAME *)@no_such_sym->comm");
	/* up to three nearest members, nearest first */
	expect_err(tr_x86, "p kf_one v=%0->val", 16, "did you mean 'vals', 'sval' or 'mac'?");
	/* a format letter on $comm, $retval of a void function */
	expect_err(tr_x86, "p kf_one c=X$comm", 12, "'X' formats a number, and $comm is a string");
	expect_err(tr_x86, "r kf_skb r=$retval", 12, "kf_skb returns void");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_anon_enum_atomic),
		cmocka_unit_test(test_bitfields),
		cmocka_unit_test(test_args_and_stack),
		cmocka_unit_test(test_retval_casts_symbols),
		cmocka_unit_test(test_skb),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_clones),
		cmocka_unit_test(test_small_fixes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
