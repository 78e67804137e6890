#!/bin/bash
# SPDX-License-Identifier: MIT
# The converted-BTF cache (src/types/btf_cache.c): a uprobe's DWARF is converted once per
# build id and function; a second run reads the cache and never opens the debug file
# (strace is the oracle), translates exactly as without the cache and as the compiler lays
# the structs out (offsetof); a corrupted, stale, foreign or linked entry is never trusted;
# root refuses a cache directory another user could replace or that is reached through a
# symbolic link (the attacker's part runs as nobody, uid 65534), and says why.
. "$(dirname "$0")/../lib.sh"
[ -x "$ST" ] || { skip "no $ST"; tap_done; exit 0; }
[ "$(uname -m)" = x86_64 ] || { skip "register oracle is x86_64's"; tap_done; exit 0; }
command -v strace >/dev/null || { skip "no strace"; tap_done; exit 0; }
T=$(mktemp -d /tmp/st_btf_cache.XXXXXX)
A=$(mktemp -d /tmp/st_btf_cache_atk.XXXXXX)
chmod 755 "$A"
trap 'rm -rf "$T" "$A"' EXIT
F=$ROOT/tests/fixtures

# The fixture with its DWARF in a separate file found by .gnu_debuglink, as -dbg packages
# ship it: opening that file is what a conversion does and a cache hit does not.
cc -g -O0 -shared -fPIC -Wl,--build-id -o "$T/twocu.so" "$F/twocu_a.c" "$F/twocu_b.c" &&
	objcopy --only-keep-debug "$T/twocu.so" "$T/twocu.so.debug" &&
	objcopy --strip-debug --add-gnu-debuglink="$T/twocu.so.debug" "$T/twocu.so" ||
	{ fail "build the split-debug fixture"; tap_done; exit 1; }
cat >"$T/off.c" <<'C'
#include <stddef.h>
#include <stdio.h>
struct only_in_a { int a1; long a2; };
struct only_in_b { char b1[4]; unsigned short b2; };
int main(void)
{
	printf("%zx %zx\n", offsetof(struct only_in_a, a2), offsetof(struct only_in_b, b2));
	return 0;
}
C
cc -o "$T/off" "$T/off.c" && read -r A2 B2 < <("$T/off") ||
	{ fail "build the offset oracle"; tap_done; exit 1; }
SO=$T/twocu.so
E1="P $SO:twocu_a b=%0->a2"
W1="b=+0x$A2(%di):s64"
E2="P $SO:twocu_a l=!(struct only_in_b *)%0->b2"    # needs the other unit: the full conversion
W2="l=+0x$B2(%di):u16"
C=$T/cache
export SURFTRACE_CACHE_DIR=$C
unset SURFTRACE_BTF_CACHE

# run EXPR: -S under strace; the fetch part in $T/out, stderr in $T/err, and whether the
# debug file was opened in $T/opened (1/0).
run() {
	strace -f -qq -e trace=open,openat -o "$T/strace" "$ST" -S "$@" >"$T/raw" 2>"$T/err"
	sed -n 's/^[pr]:[a-z0-9]* [^ ]*\( \|$\)//p' "$T/raw" >"$T/out"
	if grep -q 'twocu\.so\.debug"' "$T/strace"; then echo 1 >"$T/opened"; else echo 0 >"$T/opened"; fi
}
got() { cat "$T/out"; }
opened() { cat "$T/opened"; }
entries() { find "$1" -name '*.btf' 2>/dev/null | wc -l; }
# the entry's header names the SHA-256 of what follows it (sha256sum as the oracle)
entry_ok() {
	local f=$1 hdr sha
	hdr=$(head -1 "$f")
	sha=$(tail -c +$(( $(head -1 "$f" | wc -c) + 1 )) "$f" | sha256sum | cut -d' ' -f1)
	[ "$(echo "$hdr" | cut -d' ' -f8)" = "$sha" ]
}

SURFTRACE_BTF_CACHE=off run "$E1"; nocache1=$(got)
SURFTRACE_BTF_CACHE=off run "$E2"; nocache2=$(got)
expect "without cache: the compiler's layout (own unit and other unit)" \
	'[ "$nocache1" = "$W1" ] && [ "$nocache2" = "$W2" ] && [ "$(entries "$T")" = 0 ]'

run "$E1"
expect "first run converts (opens the debug file) and stores one entry" \
	'[ "$(opened)" = 1 ] && [ "$(got)" = "$W1" ] && [ "$(entries "$C/btf")" = 1 ]'
ENTRY=$(find "$C/btf" -name '*.btf' | head -1)
expect "the entry is private and its digest matches its contents" \
	'[ "$(stat -c %a "$C/btf")" = 700 ] && [ "$(stat -c %a "$ENTRY")" = 600 ] && entry_ok "$ENTRY"'
expect "the entry names the build id and the debug file it came from" \
	'[ "$(head -1 "$ENTRY" | cut -d" " -f3)" = "$(readelf -n "$SO" | sed -n "s/.*Build ID: //p")" ] &&
	 [ "$(head -1 "$ENTRY" | cut -d" " -f10-)" = "$SO.debug" ]'

run "$E1"
expect "second run hits the cache: the debug file is not opened, same output" \
	'[ "$(opened)" = 0 ] && [ "$(got)" = "$nocache1" ]'

run "$E2"; run "$E2"
expect "a probe that needs every unit: cached too, identical to the uncached output" \
	'[ "$(opened)" = 0 ] && [ "$(got)" = "$nocache2" ] && [ "$(entries "$C/btf")" = 2 ]'

run --no-btf-cache "$E1"
expect "--no-btf-cache converts afresh" '[ "$(opened)" = 1 ] && [ "$(got)" = "$W1" ]'
SURFTRACE_BTF_CACHE=0 run "$E1"
expect "SURFTRACE_BTF_CACHE=0 converts afresh" '[ "$(opened)" = 1 ] && [ "$(got)" = "$W1" ]'

# Corruption: one byte of the BTF payload flipped, the header left as it was.
cp "$ENTRY" "$T/good.btf"
size=$(stat -c %s "$ENTRY")
printf '\xff' | dd of="$ENTRY" bs=1 seek=$((size - 20)) conv=notrunc status=none
run "$E1"
expect "a corrupted entry is rejected and rebuilt" \
	'[ "$(opened)" = 1 ] && [ "$(got)" = "$W1" ] && entry_ok "$ENTRY" && cmp -s "$ENTRY" "$T/good.btf"'

# Truncated to its header line.
head -1 "$ENTRY" >"$T/trunc" && cat "$T/trunc" >"$ENTRY"
run "$E1"
expect "a truncated entry is rejected and rebuilt" \
	'[ "$(opened)" = 1 ] && [ "$(got)" = "$W1" ] && entry_ok "$ENTRY"'

# Stale: the debug file changed since (another mtime): the entry is not trusted.
touch -d '2001-01-01' "$SO.debug"
run "$E1"
expect "an entry whose debug file changed (mtime) is rebuilt" \
	'[ "$(opened)" = 1 ] && [ "$(got)" = "$W1" ] &&
	 [ "$(head -1 "$ENTRY" | cut -d" " -f5)" = "$(stat -c %Y "$SO.debug")" ]'

# Another entry's contents under this key's name (a valid digest, the wrong key).
OTHER=$(find "$C/btf" -name '*.btf' ! -path "$ENTRY" | head -1)
cp "$OTHER" "$ENTRY"
run "$E1"
expect "an entry of another key is rejected" \
	'[ "$(opened)" = 1 ] && [ "$(got)" = "$W1" ] && ! cmp -s "$ENTRY" "$OTHER"'

# An entry that is a symbolic link (to a valid entry) is not followed; one owned by
# another user is not read.
cp "$ENTRY" "$T/linked.btf" && rm "$ENTRY" && ln -s "$T/linked.btf" "$ENTRY"
run "$E1"
expect "an entry that is a symbolic link is not followed (replaced by a file)" \
	'[ "$(opened)" = 1 ] && [ "$(got)" = "$W1" ] && [ -f "$ENTRY" ] && [ ! -L "$ENTRY" ]'
chown 65534:65534 "$ENTRY"
run "$E1"
expect "an entry owned by another user is not read (replaced by our own)" \
	'[ "$(opened)" = 1 ] && [ "$(got)" = "$W1" ] && [ "$(stat -c %u "$ENTRY")" = "$(id -u)" ]'

# Bounded: 600 old entries (made up) and a new one stored: the oldest go, down to 384.
for i in $(seq 600); do : >"$C/btf/old$i.btf"; done
touch -d '2001-01-01' "$C"/btf/old*.btf
rm -f "$ENTRY"
run "$E1"
expect "past 512 entries the oldest are removed (left: $(entries "$C/btf"), the new one kept)" \
	'[ "$(entries "$C/btf")" = 384 ] && [ -f "$ENTRY" ] && [ "$(got)" = "$W1" ] &&
	 [ "$(find "$C/btf" -name "old*.btf" | wc -l)" = 382 ]'

if [ "$(id -u)" != 0 ] || ! as_nobody test -x "$ST" 2>/dev/null; then
	skip "root and a nobody-usable build needed for the attacker's part"
	tap_done; exit
fi
# refused DIR GREP NAME: root with SURFTRACE_CACHE_DIR=DIR still translates right, says why
# the cache is not used, and neither reads nor writes anything there.
refused() {
	local dir=$1 want=$2 name=$3
	SURFTRACE_CACHE_DIR=$dir run "$E1"
	if [ "$(opened)" = 1 ] && [ "$(got)" = "$W1" ] && grep -q -- "not cached: .*$want" "$T/err" &&
	   ! grep -q "^$A/" <(sed -n 's/^[0-9]* *openat([^,]*, "\([^"]*\)".*/\1/p' "$T/strace" |
			      grep '\.btf$'); then
		ok "$name: refused ($(grep -m1 'not cached' "$T/err" | sed 's/.*not cached: //'))"
	else
		fail "$name: out '$(got)', opened $(opened), stderr: $(head -2 "$T/err")"
	fi
}
# 1. nobody's own cache (in a root-owned directory), with an entry nobody put under the
#    right name (the good one, so only the refusal itself keeps root from reading it).
mkdir -m 755 "$A/own" && mkdir -m 700 "$A/own/c" && chown 65534:65534 "$A/own/c"
as_nobody mkdir -m 700 "$A/own/c/btf"
as_nobody sh -c "cat >'$A/own/c/btf/$(basename "$ENTRY")'" <"$T/good.btf"
refused "$A/own/c" "uid 65534" "cache dir owned by nobody"
expect "nothing was written into nobody's cache" '[ "$(entries "$A/own/c")" = 1 ]'
mkdir "$A/nb" && chown 65534:65534 "$A/nb"
# 2. root's private cache below a nobody-owned directory (nobody could swap it).
mkdir -p -m 700 "$A/nb/rootc/btf"
refused "$A/nb/rootc" "owned by uid 65534" "root's cache below a nobody-owned directory"
expect "nothing was written below the nobody-owned directory" '[ "$(entries "$A/nb/rootc")" = 0 ]'
# 3. a symbolic link to a good root-owned cache, and one among the ancestors.
mkdir -m 700 "$A/good"
ln -s "$A/good" "$A/link"
refused "$A/link" "symbolic link" "the cache dir itself a symbolic link"
refused "$A/link/sub" "symbolic link" "a symbolic link among the ancestors"
expect "nothing was written through the links" '[ "$(entries "$A/good")" = 0 ]'
# 4. a world-writable, non-sticky ancestor.
mkdir -m 777 "$A/ww" && chmod 777 "$A/ww"
refused "$A/ww/c" "writable by group or others" "a world-writable ancestor"

# nobody's own runs use XDG_CACHE_HOME (and hit their own cache the second time).
mkdir "$A/home" && chown 65534:65534 "$A/home"
chmod 755 "$T" && chmod 644 "$SO" "$SO.debug"
nb_run() { as_nobody env -u SURFTRACE_CACHE_DIR XDG_CACHE_HOME="$A/home/xdg" HOME="$A/home" \
	strace -f -qq -e trace=open,openat -o "$A/home/strace" "$ST" -S "$E1" 2>/dev/null |
	sed -n 's/^[pr]:[a-z0-9]* [^ ]*\( \|$\)//p'; }
o1=$(nb_run); o2=$(nb_run)
expect "as a user: cached under \$XDG_CACHE_HOME/surftrace/btf, hit the second time" \
	'[ "$o1" = "$W1" ] && [ "$o2" = "$W1" ] && [ "$(entries "$A/home/xdg/surftrace/btf")" = 1 ] &&
	 ! grep -q "twocu\.so\.debug\"" "$A/home/strace"'
tap_done
