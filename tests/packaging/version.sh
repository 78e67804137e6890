#!/bin/bash
# SPDX-License-Identifier: MIT
# --version: one line "NAME VERSION" from one source (scripts/version.sh: git describe in a
# checkout, VERSION in a tree without git); the changelogs name the same release.
source "$(dirname "$0")/../lib.sh"
release=$(cat "$ROOT/VERSION")
want=$(sh "$ROOT/scripts/version.sh")
# The build's version: VERSION, VERSION+g<commit>[-dirty] before the first tag, or a tag's
# describe. Compared with the repository (the commit must exist), not with a rebuild of
# the string: the checkout may have moved on since the build.
valid() { # VERSION-STRING
  local v=$1 h
  case $v in
    "$release") return 0 ;;
    "$release"+g*) h=${v#"$release"+g}; h=${h%-dirty}
      [[ $h =~ ^[0-9a-f]{7,40}$ ]] && git -C "$ROOT" cat-file -e "$h^{commit}" 2>/dev/null ;;
    *) [ -n "$(git -C "$ROOT" tag -l "v${v%%-*}")" ] ;;
  esac
}
first=
for cmd in surftrace surfguide lbc; do
  for opt in --version -V; do
    out=$("$ROOT/$B/$cmd" $opt 2>&1); rc=$?
    v=${out#"$cmd "}
    [ -z "$first" ] && first=$v
    if [ $rc -eq 0 ] && [ "$out" = "$cmd $v" ] && [[ $out != *$'\n'* ]] && valid "$v" && [ "$v" = "$first" ]
    then ok "$cmd $opt: '$out'"
    else fail "$cmd $opt: rc=$rc '$out' (VERSION $release, this checkout: $want)"; fi
  done
done
case $want in "$release"|"$release"+g*) ok "version.sh: '$want' is built on VERSION '$release'";;
  *) [ -n "$(git -C "$ROOT" tag -l 'v*')" ] && ok "version '$want' from a v* tag" \
       || fail "version '$want' does not come from VERSION '$release'";; esac
if [ -e "$ROOT/.git" ] && [ -z "$(git -C "$ROOT" tag -l 'v*')" ]; then
  head=$(git -C "$ROOT" rev-parse --short HEAD)
  check "in a checkout: version.sh names HEAD ($head)" grep -q "+g$head" <<<"$want"
fi
# A release tree (no .git): the VERSION file, nothing else.
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
mkdir -p "$t/scripts"; cp "$ROOT/VERSION" "$t/"; cp "$ROOT/scripts/version.sh" "$t/scripts/"
got=$(cd / && sh "$t/scripts/version.sh")
check "without git: version is VERSION ('$got')" [ "$got" = "$release" ]
check "CHANGELOG.md has an entry for $release" grep -qE "^## $release( |$)" "$ROOT/CHANGELOG.md"
if [ -f "$ROOT/debian/changelog" ]; then
  deb=$(sed -n '1s/^[^ ]* (\([^)-]*\).*/\1/p' "$ROOT/debian/changelog")
  check "debian/changelog's upstream version '$deb' is VERSION" [ "$deb" = "$release" ]
fi
check "LICENSE is the MIT licence and says how readline-linked binaries are licensed" \
  grep -q "MIT License" "$ROOT/LICENSE"
check "LICENSE: readline-linked executables under GPL-3" grep -q "GNU General" "$ROOT/LICENSE"
tap_done
