#!/bin/bash
# SPDX-License-Identifier: MIT
# The liblbc C API, through a test program linked with liblbc.a (tests/lbc/api_test.c).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/_lib.sh"
need_lbc || { fail "build forker"; tap_done; exit 1; }
LIB="$ROOT/$B/liblbc.a"
[ -f "$LIB" ] || { skip "liblbc.a not built"; tap_done; exit 0; }
if ! cc -O1 -g -I"$ROOT/lbc" -o "$T/api_test" "$ROOT/tests/lbc/api_test.c" "$LIB" \
	$(pkg-config --libs libbpf) -lelf -lz 2>"$T/cc.err"; then
	fail "build api_test: $(head -3 "$T/cc.err")"; tap_done; exit 1
fi
# Its TAP lines are this suite's.
cd "$T" && ./api_test
