#!/bin/bash
# SPDX-License-Identifier: MIT
# hive list / rm edge cases: a DIR that is missing, a file, or a directory without a hive
# (one line, exit 1, nothing created); two builds of one release (refused in one line that
# names both build ids, kept apart with --distro); --json lines valid and equal to the text
# list and to readelf's build ids; rm by build-id prefix removes that build only.
. "$(dirname "$0")/_common.sh"
R=6.1.0-97-fake
mk_kernel "$T/a" "$R" "Debian 6.1.97-1"
mk_kernel "$T/b" "$R" "Debian 6.1.97-2"
ida=$(build_id "$T/a"); idb=$(build_id "$T/b")

out=$("$ST" hive list "$T/nope" 2>&1); rc=$?
expect "list of a missing DIR: exit 1, one line naming hive add" \
  '[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *"no hive at $T/nope"*"hive add"* ]]'
touch "$T/file"
out=$("$ST" hive list "$T/file" 2>&1); rc=$?
expect "list of a file: exit 1, no hive there" '[ $rc = 1 ] && [[ $out == *"no hive at $T/file"* ]]'
out=$("$ST" hive rm "$T/nope" "$R" 2>&1); rc=$?
expect "rm in a missing DIR: exit 1, one line, DIR not created" \
  '[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *"no hive at $T/nope"* ]] && [ ! -e "$T/nope" ]'
mkdir "$T/plain"
out=$("$ST" hive rm "$T/plain" "$R" 2>&1); rc=$?
expect "rm in a directory without a hive: exit 1 naming hive list, nothing written there" \
  '[ $rc = 1 ] && [[ $out == *"no entry with release or build id '"'$R'"'"*"hive list"* ]] && [ -z "$(ls -A "$T/plain")" ]'
out=$("$ST" hive add "$T/file" "$T/a" 2>&1); rc=$?
expect "add into a file: exit 1, one line" '[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ]'
out=$("$ST" hive list "$T/plain" --json 2>&1); rc=$?
expect "list --json of an empty hive: exit 0, no records" '[ $rc = 0 ] && [ -z "$out" ]'

H="$T/hive"
"$ST" hive add "$H" "$T/a" >/dev/null
out=$("$ST" hive add "$H" "$T/b" 2>&1); rc=$?
expect "second build of the same release: refused in one line naming both build ids and hive rm" \
  '[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *"${ida:0:12}"*"${idb:0:12}"*"hive rm $H $ida"*"--distro"* ]]'
expect "the first build stays in the hive, untouched" \
  '[ "$("$ST" hive list "$H")" = "$R x86_64 debian $ida" ]'
out=$("$ST" hive add "$H" "$T/b" --distro debian-rebuild 2>&1); rc=$?
expect "--distro keeps the second build beside it" '[ $rc = 0 ] && [[ $out == "added $R x86_64 debian-rebuild $idb"* ]]'
"$ST" hive list "$H" >"$T/list"
expect "list: both builds, one line each" \
  'grep -qx "$R x86_64 debian $ida" "$T/list" && grep -qx "$R x86_64 debian-rebuild $idb" "$T/list" && [ "$(wc -l <"$T/list")" = 2 ]'
"$ST" hive list "$H" --json >"$T/json"
expect "list --json: one valid object per line, same entries as the text list" \
  'python3 -c "
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
text = sorted(l.split() for l in open(sys.argv[2]))
assert sorted([r[\"release\"], r[\"arch\"], r[\"distro\"], r[\"build_id\"]] for r in rows) == text
assert all(len(r[\"sha256\"]) == 64 and r[\"source\"] in (\"a\", \"b\") for r in rows)
" "$T/json" "$T/list"'
out=$("$ST" --hive "$H" --kernel "$idb" --struct fake_task 2>&1); rc=$?
expect "--kernel BUILD-ID picks that build" '[ $rc = 0 ] && [[ $out == *"struct fake_task"* ]]'
out=$("$ST" hive rm "$H" "${idb:0:8}" 2>&1); rc=$?
expect "rm by an 8-digit build-id prefix: that build only, with its files" \
  '[ $rc = 0 ] && [ "$out" = "removed 1 entry for ${idb:0:8}" ] && [ "$("$ST" hive list "$H")" = "$R x86_64 debian $ida" ] && [ ! -e "$H/x86_64/btf/debian-rebuild/$R" ] && [ -s "$H/x86_64/btf/debian/$R" ]'
out=$("$ST" hive rm "$H" "${ida:0:7}" 2>&1); rc=$?
expect "rm by a 7-digit prefix matches nothing: exit 1" '[ $rc = 1 ] && [ "$("$ST" hive list "$H" | wc -l)" = 1 ]'
tap_done
