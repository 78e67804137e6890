#!/bin/bash
# SPDX-License-Identifier: MIT
# The tree builds warning-free (-Werror) with clang as well as gcc.
source "$(dirname "$0")/../lib.sh"
log=$(mktemp); trap 'rm -f "$log"' EXIT
if make -C "$ROOT" -j"$(nproc)" B=build-clang CC=clang all unit >"$log" 2>&1; then
  ok "clang build (all + unit tests) with -Wall -Wextra -Werror"
else
  fail "clang build: $(grep -m3 -E 'error:|warning:|undefined reference' "$log" | tr '\n' ' ')"
fi
tap_done
