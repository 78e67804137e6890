#!/bin/bash
# SPDX-License-Identifier: MIT
# lbc's printer (text and --json) walks an event by its BTF type through lbc_decode's walk:
# every kind of member once (signed/unsigned ints, bool, named and unnamed enum values, a
# signed enum, bitfields, a char array with quote, backslash, newline, UTF-8 and a control
# byte, a pointer, __int128, a nested struct, an anonymous union, arrays of ints, structs
# and char arrays, nesting deeper than the printer goes). Oracle: the constants the BPF
# program stores, written out by hand below in the documented forms (docs/LBC.md).
# The printer prints a type from a plan recorded at its first record, not walking it again:
# tests/lbc/fmt_plan_test.c checks that the plan prints what the walk prints, for every
# type of this program and of the running kernel's BTF, text and JSON, on many values.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/_lib.sh"
need_lbc || { fail "build forker"; tap_done; exit 1; }

cat >"$T/types.bpf.c" <<C
#include "lbc.h"
enum color { RED = 1, GREEN = 2 };
enum sgn { NEG = -1, POS = 1 };
struct inner { u16 a; s8 b; };
struct l9 { int v; };
struct l8 { struct l9 x; };
struct l7 { struct l8 x; };
struct l6 { struct l7 x; };
struct l5 { struct l6 x; };
struct l4 { struct l5 x; };
struct l3 { struct l4 x; };
struct l2 { struct l3 x; };
struct l1 { struct l2 x; };
struct pev {
	s32 i;
	s8 s8v;
	u16 u16v;
	s32 s32v;
	u64 u64v;
	_Bool flag;
	enum color c1;
	enum color c2;
	enum sgn sg;
	u32 bf_u:3;
	s32 bf_s:4;
	u32 bf_pad:25;
	char name[12];
	void *ptr;
	unsigned __int128 wide;
	struct inner in;
	union { u32 ua; u16 ub; };
	s16 arr[3];
	struct inner sarr[2];
	u8 grid[2][2];
	struct l1 deep;
};
LBC_RINGBUF(evs, struct pev, 1 << 16);
SEC("uprobe/$T/lbc_forker:lbc_forker_tick")
int BPF_KPROBE(on_tick, int i)
{
	struct pev e = {};

	e.i = i; e.s8v = -5; e.u16v = 65535; e.s32v = -100000; e.u64v = ~0ULL; e.flag = 1;
	e.c1 = RED; e.c2 = (enum color)7; e.sg = NEG; e.bf_u = 5; e.bf_s = -3;
	__builtin_memcpy(e.name, "a\"b\\\\c\n\xc3\xa9\x01", 10);
	e.ptr = (void *)0x1234;
	e.wide = ((unsigned __int128)0x0102030405060708ULL << 64) | 0x1112131415161718ULL;
	e.in.a = 7; e.in.b = -2; e.ua = 0x10002;
	e.arr[0] = -1; e.arr[1] = 0; e.arr[2] = 1;
	e.sarr[0].a = 1; e.sarr[0].b = 2; e.sarr[1].a = 3; e.sarr[1].b = 4;
	e.grid[0][0] = 1; e.grid[0][1] = 2; e.grid[1][0] = 3; e.grid[1][1] = 4;
	e.deep.x.x.x.x.x.x.x.x.v = 9;
	lbc_ringbuf_output(&evs, &e);
	return 0;
}
char _license[] SEC("license") = "GPL";
C
# nesting: deep is at depth 1, l9 at depth 9, past the printer's 8: shown as ? / null
TEXT='s8v=-5 u16v=65535 s32v=-100000 u64v=18446744073709551615 flag=true c1=RED c2=7 sg=NEG bf_u=5 bf_s=-3 bf_pad=0 name="a\"b\\c\né\x01" ptr=0x1234 wide=0x01020304050607081112131415161718 in={a=7 b=-2} ua=65538 ub=2 arr=[-1 0 1] sarr=[{a=1 b=2} {a=3 b=4}] grid=["\x01\x02" "\x03\x04"] deep={x={x={x={x={x={x={x={x=?}}}}}}}}'
JSON='"s8v":-5,"u16v":65535,"s32v":-100000,"u64v":18446744073709551615,"flag":true,"c1":"RED","c2":7,"sg":"NEG","bf_u":5,"bf_s":-3,"bf_pad":0,"name":"a\"b\\c\né\u0001","ptr":"0x1234","wide":"0x01020304050607081112131415161718","in":{"a":7,"b":-2},"ua":65538,"ub":2,"arr":[-1,0,1],"sarr":[{"a":1,"b":2},{"a":3,"b":4}],"grid":["\u0001\u0002","\u0003\u0004"],"deep":{"x":{"x":{"x":{"x":{"x":{"x":{"x":{"x":null}}}}}}}}}}'
for mode in text json; do
	opt=; [ $mode = json ] && opt=--json
	if lbc_start $mode "$T/types.bpf.c" $opt; then
		forker_run 3
		for _ in $(seq 50); do [ "$(grep -c '"i"\|^i=' "$T/$mode.out")" -ge 3 ] && break; sleep 0.1; done
		lbc_stop; rc=$?
		n=0
		for i in 0 1 2; do
			if [ $mode = text ]; then want="i=$i $TEXT"; else want="{\"v\":1,\"map\":\"evs\",\"cpu\":-1,\"event\":{\"i\":$i,$JSON"; fi
			grep -qxF -- "$want" "$T/$mode.out" && n=$((n+1))
		done
		check "$mode: exit 0 ($rc), 3 events, each member printed as stored ($n/3)" [ $rc = 0 -a $n = 3 ]
		[ $n = 3 ] || head -2 "$T/$mode.out" | sed 's/^/# /'
	else
		fail "$mode: lbc did not attach: $(head -3 "$T/$mode.err")"
	fi
done
if [ -s "$T/json.out" ]; then
	check "json: every line parses" python3 -c '
import json, sys
for l in open(sys.argv[1]): json.loads(l)' "$T/json.out"
fi

# plan == walk. "pairs": (type, mode) with a size; every one of the program's must have a
# plan, nearly all of the kernel's (a type of more than 65536 values prints by the walk).
LIB="$ROOT/$B/liblbc.a"
if ! cc -O2 -g -D_GNU_SOURCE -I"$ROOT/lbc" -I"$ROOT/src" -o "$T/fmt_plan_test" \
	"$ROOT/tests/lbc/fmt_plan_test.c" "$LIB" $(pkg-config --libs libbpf) -lelf -lz 2>"$T/cc.err"; then
	fail "build fmt_plan_test: $(head -3 "$T/cc.err")"
elif ! "$LBC" build -q "$T/types.bpf.c" -o "$T/types.bpf.o" 2>"$T/build.err"; then
	fail "lbc build types.bpf.c: $(head -3 "$T/build.err")"
else
	"$T/fmt_plan_test" "$T/types.bpf.o" /sys/kernel/btf/vmlinux >"$T/plan.out" 2>&1
	grep '^#' "$T/plan.out" | head -12
	set -- $(grep '^[^#]' "$T/plan.out" | sed 's/[a-z]*=//g')
	if [ $# = 12 ]; then
		check "plan == walk, every type of the program ($2 types; $3 type-mode pairs with a size, $4 planned; $5 values): $6 mismatches" \
			[ "$6" = 0 -a "$3" = "$4" -a "$5" -gt 100 ]
		check "plan == walk, every type of the kernel ($8 types; $9 type-mode pairs with a size, ${10} planned; ${11} values): ${12} mismatches" \
			[ "${12}" = 0 -a "${11}" -gt 100000 -a $((${10} * 1000)) -ge $(($9 * 999)) ]
	else
		fail "fmt_plan_test: $(tail -3 "$T/plan.out")"
	fi
fi
tap_done
