#!/bin/bash
# SPDX-License-Identifier: MIT
# Random member chains (tests/golden/random_cases.py walks bpftool's raw dump from the
# pointer arguments of random functions) translated by surftrace -S and recomputed by
# btf_oracle.py: on the running kernel (x86_64 and aarch64 registers) and on Debian 6.1's
# BTF. Fixed seeds, so a failure reproduces; RANDOM_SEED=N adds a run with that seed.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/_btf61.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
N=${RANDOM_N:-300}

run() { # label raw-dump seed arch [surftrace args]
  local label=$1 raw=$2 seed=$3 arch=$4; shift 4
  python3 "$ROOT/tests/golden/random_cases.py" "$raw" "$seed" "$N" >"$tmp/cases" ||
    { fail "$label: generator failed"; return; }
  if ! "$ST" -S --json -a "$arch" "$@" -f "$tmp/cases" >"$tmp/out" 2>"$tmp/err"; then
    fail "$label seed $seed: surftrace -S failed: $(head -1 "$tmp/err")"; return
  fi
  python3 "$ROOT/tests/golden/btf_oracle.py" "$raw" "$tmp/cases" "$tmp/out" "$arch" >"$tmp/tap" 2>&1
  local n bad
  n=$(grep -c '^ok' "$tmp/tap"); bad=$(grep -c '^not ok' "$tmp/tap")
  if [ "$bad" = 0 ] && [ "$n" -gt "$N" ]; then
    ok "$label $arch seed $seed: $n offsets from $N random expressions equal the oracle's"
  else
    fail "$label $arch seed $seed: $bad of $((n + bad)) differ"; grep -m5 '^not ok' "$tmp/tap" | sed 's/^/# /'
  fi
}

bpftool btf dump file /sys/kernel/btf/vmlinux format raw >"$tmp/raw.run" 2>/dev/null ||
  { fail "bpftool cannot dump the running kernel's BTF"; tap_done; exit 1; }
run running "$tmp/raw.run" 1 x86_64
run running "$tmp/raw.run" 2 aarch64
[ -n "${RANDOM_SEED:-}" ] && run running "$tmp/raw.run" "$RANDOM_SEED" x86_64
if [ -s "$BTF61" ] && bpftool btf dump file "$BTF61" format raw >"$tmp/raw.61" 2>/dev/null; then
  run 6.1-debian "$tmp/raw.61" 3 x86_64 --btf "$BTF61"
else
  skip "6.1 BTF not available (tests/lab/_fetch.sh could not fetch it)"
fi
tap_done
