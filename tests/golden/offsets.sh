#!/bin/bash
# SPDX-License-Identifier: MIT
# Golden offsets: every expression of offsets.cases translated by surftrace -S, on the
# running kernel's BTF and on Debian 6.1's, and every fetch offset recomputed from
# `bpftool btf dump format raw` by btf_oracle.py (independent of our code).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/_btf61.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cases="$ROOT/tests/golden/offsets.cases"
grep -v '^#' "$cases" | grep . > "$tmp/cases"

run_kernel() { # label btf-file arch [surftrace --btf args]
  local label=$1 raw=$2 arch=$3; shift 3
  if ! bpftool btf dump file "$raw" format raw > "$tmp/raw.$label" 2>/dev/null; then
    fail "$label: bpftool cannot dump $raw"; return
  fi
  if ! "$ST" -S --json -a "$arch" "$@" -f "$tmp/cases" > "$tmp/out.$label" 2> "$tmp/err.$label"; then
    fail "$label: surftrace -S failed: $(head -1 "$tmp/err.$label")"; return
  fi
  python3 "$ROOT/tests/golden/btf_oracle.py" "$tmp/raw.$label" "$tmp/cases" "$tmp/out.$label" "$arch" \
    > "$tmp/otap.$label" 2>&1 || echo "not ok 0 - oracle run: $(tail -1 "$tmp/otap.$label")" >> "$tmp/otap.$label"
  sed -E "s/^(not ok|ok) [0-9]+ - /\1 - $label: /" "$tmp/otap.$label" > "$tmp/tap.$label"
  while read -r line; do
    case $line in
      "ok - "*) ok "${line#ok - }";;
      "not ok - "*) fail "${line#not ok - }";;
    esac
  done < "$tmp/tap.$label"
}

run_kernel 6.18-running /sys/kernel/btf/vmlinux x86_64
run_kernel 6.18-running-arm64 /sys/kernel/btf/vmlinux aarch64
if [ -s "$BTF61" ]; then
  run_kernel 6.1-debian "$BTF61" x86_64 --btf "$BTF61"
else
  skip "6.1 BTF not available (tests/lab/_fetch.sh could not fetch it)"
fi
tap_done
