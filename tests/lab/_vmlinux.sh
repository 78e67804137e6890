#!/bin/bash
# SPDX-License-Identifier: MIT
# Extracts the uncompressed vmlinux ELF from a bzImage, using the payload offset and length
# in the x86 boot header (boot protocol >= 2.08): setup_sects at 0x1f1, payload_offset at
# 0x248 and payload_length at 0x24c, both relative to the protected-mode code, which starts
# at (setup_sects + 1) * 512. The payload's magic picks the decompressor.
set -eu
in=$1 out=$2
u8()  { od -An -tu1 -j "$1" -N1 "$in" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N4 "$in" | tr -d ' '; }
[ "$(od -An -c -j 0x202 -N4 "$in" | tr -d ' ')" = HdrS ] || { echo "$in: not a bzImage" >&2; exit 1; }
setup=$(u8 $((0x1f1))); [ "$setup" -eq 0 ] && setup=4
start=$(( (setup + 1) * 512 + $(u32 $((0x248))) ))
len=$(u32 $((0x24c)))
magic=$(od -An -tx1 -j "$start" -N4 "$in" | tr -d ' ')
case $magic in
  1f8b*)     dec="gzip -dc" ;;
  fd377a58)  dec="xz -dc" ;;
  28b52ffd)  dec="zstd -dc" ;;
  5d00*)     dec="xz --format=lzma -dc" ;;
  425a68*)   dec="bzip2 -dc" ;;
  02214c18)  dec="lz4 -dc" ;;
  *) echo "$in: unknown payload magic $magic" >&2; exit 1 ;;
esac
# Most kernel compress rules append the 4-byte uncompressed size after the stream, which
# lz4/xz/zstd reject as trailing garbage: try without it first, then the whole payload.
tail -c +$((start + 1)) "$in" | head -c $((len - 4)) | $dec >"$out" 2>/dev/null ||
  tail -c +$((start + 1)) "$in" | head -c "$len" | $dec >"$out"
[ "$(od -An -c -N4 "$out" | tr -d ' ')" = 177ELF ] || { echo "$out: not ELF" >&2; exit 1; }
