#!/bin/bash
# SPDX-License-Identifier: MIT
# Builds and runs both fuzzers for a bounded time (FUZZ_SECONDS each, default 45): the
# parser alone, then parser + compiler. Seeds: tests/fuzz/corpus (the README's lines); new
# inputs go to build-fuzz/corpus*, crashes to build-fuzz/crash-*. Prints TAP; fails on any
# crash, leak, UB or an error without a valid column.
cd "$(dirname "$0")/../.."
source tests/lib.sh
FUZZ_SECONDS=${FUZZ_SECONDS:-45}
log=$(mktemp); trap 'rm -f "$log"' EXIT
if ! make --no-print-directory fuzz >"$log" 2>&1; then
  fail "fuzzer build: $(grep -m3 -E 'error:' "$log" | tr '\n' ' ')"; tap_done; exit 1
fi
for f in parse translate; do
  mkdir -p build-fuzz/corpus_$f
  if FUZZ_BTF="$ROOT/build/tests/kfix.o" build-fuzz/fuzz_$f -max_total_time="$FUZZ_SECONDS" \
      -max_len=512 -timeout=10 -rss_limit_mb=4096 -dict=tests/fuzz/parse.dict \
      -artifact_prefix=build-fuzz/ -print_final_stats=1 build-fuzz/corpus_$f tests/fuzz/corpus >"$log" 2>&1; then
    ok "fuzz_$f ${FUZZ_SECONDS}s: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs, no crash"
  else
    fail "fuzz_$f: $(grep -m2 -E 'ERROR|SUMMARY|abort' "$log" | tr '\n' ' ') (artifacts in build-fuzz/)"
  fi
done
tap_done
