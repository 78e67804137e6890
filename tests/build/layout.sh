#!/bin/bash
# SPDX-License-Identifier: MIT
# The tree's layout rules: every C source file's basename in src, lbc, guide, tests and
# python is unique (the archives hold plain member names; examples stand alone), every
# source file has its SPDX line, no stage reaches into another against the flow (compile
# includes no output header, the guide no CLI header), and only the session stage knows
# where tracefs is; no shell check asserts only the first part of its condition.
. "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
dups=$(find src lbc guide tests python -name '*.c' -printf '%f\n' | sort | uniq -d)
expect "unique .c basenames${dups:+ (twice: $(echo $dups))}" '[ -z "$dups" ]'
ar_dups=$(ar t "$ROOT/$B/libsurftrace.a" 2>/dev/null | sort | uniq -d)
if [ -f "$ROOT/$B/libsurftrace.a" ]; then
  expect "libsurftrace.a members unique" '[ -z "$ar_dups" ]'
else
  skip "libsurftrace.a not built"
fi
bad=$(grep -ln '#include "output/' src/compile/*.[ch])
expect "compile includes no output header${bad:+ ($bad)}" '[ -z "$bad" ]'
bad=$(grep -ln '#include "cli/' guide/*.[ch])
expect "the guide includes no CLI header${bad:+ ($bad)}" '[ -z "$bad" ]'
# every source file says its license (LICENSE: MIT) in an SPDX line at its top
bad=$(cd "$ROOT" && git ls-files '*.c' '*.h' '*.sh' '*.py' '*.mk' 'Makefile' '*/Makefile' 2>/dev/null |
      while read -r f; do [ -L "$f" ] || head -3 "$f" | grep -q 'SPDX-License-Identifier: MIT' || echo "$f"; done)
expect "SPDX-License-Identifier: MIT on every source file${bad:+ (missing: $(echo $bad | head -c 300))}" '[ -z "$bad" ]'
# where tracefs is: only the session stage knows (src/session/tracefs.c)
bad=$(grep -rlE '"/sys/kernel/(debug/)?tracing' src lbc guide --include='*.c' |
      grep -vxE 'src/session/tracefs.c')
expect "tracefs paths only in src/session/tracefs.c${bad:+ (also: $(echo $bad))}" '[ -z "$bad" ]'
# a check must assert all of its condition: `check NAME [ A ] && B` asserts A only
bad=$(python3 "$ROOT/tests/build/check_and.py" tests/*/*.sh tests/*/*/*.sh 2>/dev/null)
expect "no 'check NAME ... && ...' in the suites (use if/ok/fail or expect)${bad:+ ($(echo $bad))}" '[ -z "$bad" ]'
tap_done
