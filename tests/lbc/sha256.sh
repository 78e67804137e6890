#!/bin/bash
# SPDX-License-Identifier: MIT
# lbc's own SHA-256 (cache keys, object digests) against coreutils sha256sum, on the
# padding edge cases (55/56/63/64/65 bytes) and larger random inputs.
. "$(dirname "$0")/../lib.sh"
T=$(mktemp -d /tmp/lbc-sha.XXXXXX)
trap 'rm -rf "$T"' EXIT
if ! cc -O2 -I"$ROOT/src" -o "$T/sha" "$ROOT/tests/lbc/sha256_test.c" "$ROOT/src/util/sha256.c" 2>"$T/err"; then
	fail "build sha256_test: $(head -3 "$T/err")"; tap_done; exit 1
fi
for n in 0 1 3 55 56 63 64 65 119 120 127 128 1000 65536 1048577; do
	head -c "$n" /dev/urandom >"$T/in"
	check "sha256 of $n bytes matches sha256sum" \
		[ "$("$T/sha" "$T/in")" = "$(sha256sum "$T/in" | cut -d' ' -f1)" ]
done
printf abc >"$T/in"
check "sha256(abc) is the FIPS 180-2 test vector" \
	[ "$("$T/sha" "$T/in")" = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad ]
tap_done
