#!/bin/bash
# SPDX-License-Identifier: MIT
# Lazy DWARF: a uprobe converts only its function's unit (and nothing for a probe without
# arguments), yet translates exactly as the full conversion would, also where the unit
# is not enough (twocu_b's unit has only a declaration of struct only_in_a; a cast to a
# struct of the other unit). Oracle: the offsets the compiler itself gives (offsetof in
# a program built from the same sources) and the register of each argument (x86_64 ABI).
. "$(dirname "$0")/../lib.sh"
ST="$ROOT/$B/surftrace"
[ -x "$ST" ] || { skip "no $ST"; tap_done; exit 0; }
[ "$(uname -m)" = x86_64 ] || { skip "register oracle is x86_64's"; tap_done; exit 0; }
T=$(mktemp -d /tmp/st_dwarf_units.XXXXXX)
trap 'rm -rf "$T"' EXIT
F=$ROOT/tests/fixtures
cc -g -O0 -shared -fPIC -o "$T/twocu.so" "$F/twocu_a.c" "$F/twocu_b.c" ||
	{ fail "build the two-unit fixture"; tap_done; exit 1; }
cat >"$T/off.c" <<'C'
#include <stddef.h>
#include <stdio.h>
struct only_in_a { int a1; long a2; };
struct only_in_b { char b1[4]; unsigned short b2; };
int main(void)
{
	printf("%zx %zx %zx\n", offsetof(struct only_in_a, a1), offsetof(struct only_in_a, a2),
	       offsetof(struct only_in_b, b2));
	return 0;
}
C
cc -o "$T/off" "$T/off.c" && read -r A1 A2 B2 < <("$T/off") ||
	{ fail "build the offset oracle"; tap_done; exit 1; }

# show EXPR: the fetch part of the translation (after the event and target)
show() { "$ST" -S "$1" 2>&1 | sed -n 's/^[pr]:[a-z0-9]* [^ ]*\( \|$\)//p'; }
SO=$T/twocu.so
check_eq() { # name got want
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got '$2', want '$3'"; fi
}
check_eq "own unit: twocu_a's struct members" \
	"$(show "P $SO:twocu_a a=%0->a1 b=%0->a2")" "a=+0x$A1(%di):s32 b=+0x$A2(%di):s64"
check_eq "other unit completes the type: twocu_b's only_in_a (a declaration there)" \
	"$(show "P $SO:twocu_b a=%0->a1 x=%1")" "a=+0x$A1(%di):s32 x=%si:s32"
check_eq "argument names through the other unit's type" \
	"$(show "P $SO:twocu_b a=\$p->a2 x=\$x")" "a=+0x$A2(%di):s64 x=%si:s32"
check_eq "cast to a struct only the other unit declares" \
	"$(show "P $SO:twocu_a l=!(struct only_in_b *)%0->b2")" "l=+0x$B2(%di):u16"
check_eq "return value typed" "$(show "R $SO:twocu_a r=\$retval")" 'r=$retval:s32'
check_eq "no arguments: nothing to fetch" "$(show "P $SO:twocu_a")" ""
tap_done
