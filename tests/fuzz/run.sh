#!/bin/bash
# SPDX-License-Identifier: MIT
# Builds and runs both fuzzers side by side (one core each): the parser alone, and parser +
# compiler. Each first replays every seed (tests/fuzz/corpus, the README's lines) and every
# input found before (build-fuzz/corpus_*), then fuzzes for FUZZ_SECONDS (default 15: the CI
# budget, where coverage stops growing after a few seconds; FUZZ_SECONDS=600 for a long run).
# Crashes go to build-fuzz/crash-*. Prints TAP; fails on any crash, leak, UB, an error
# without a valid column, or a seed that was not replayed.
cd "$(dirname "$0")/../.."
source tests/lib.sh
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if ! make --no-print-directory -j2 fuzz >"$tmp/build" 2>&1; then
  fail "fuzzer build: $(grep -m3 -E 'error:' "$tmp/build" | tr '\n' ' ')"; tap_done; exit 1
fi
seeds=$(find tests/fuzz/corpus -type f | wc -l)
for f in parse translate; do
  mkdir -p build-fuzz/corpus_$f
  FUZZ_BTF="$ROOT/build/tests/kfix.o" build-fuzz/fuzz_$f -max_total_time="$FUZZ_SECONDS" \
    -max_len=512 -timeout=10 -rss_limit_mb=4096 -dict=tests/fuzz/parse.dict \
    -artifact_prefix=build-fuzz/ -print_final_stats=1 build-fuzz/corpus_$f tests/fuzz/corpus \
    >"$tmp/$f" 2>&1 &
  echo $! >"$tmp/$f.pid"
done
for f in parse translate; do
  wait "$(cat "$tmp/$f.pid")"; rc=$?
  log=$tmp/$f
  if [ $rc = 0 ]; then
    ok "fuzz_$f ${FUZZ_SECONDS}s: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs, no crash"
  else
    fail "fuzz_$f: $(grep -m2 -E 'ERROR|SUMMARY|abort' "$log" | tr '\n' ' ') (artifacts in build-fuzz/)"
  fi
  # libFuzzer reads every file of both corpus folders and runs each before "INITED".
  found=$(sed -nE 's/^INFO: *([0-9]+) files found in tests\/fuzz\/corpus$/\1/p' "$log")
  expect "fuzz_$f: all $seeds seeds replayed (${found:-0} read, then INITED)" \
    '[ "${found:-0}" = "$seeds" ] && grep -q "INITED" "$log"'
done
tap_done
