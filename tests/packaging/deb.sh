#!/bin/bash
# SPDX-License-Identifier: MIT
# debian/: dpkg-buildpackage -us -uc -b builds the packages from a copy of the tree (in a
# temp dir, never in the checkout) with dpkg's hardening flags, lintian reports no error,
# the flags reached every compile (with -Werror still on), the binaries are hardened, each
# package holds what it should, and the build dependencies agree with scripts/deps.sh and
# the README.
source "$(dirname "$0")/../lib.sh"
t=$(mktemp -d /tmp/st_deb.XXXXXX); trap 'rm -rf "$t"' EXIT
for tool in dpkg-buildpackage dh lintian; do
  command -v $tool >/dev/null || { skip "deb build: $tool missing (bash scripts/deps.sh test)"; tap_done; exit; }
done
rel=$(cat "$ROOT/VERSION")
deb_rel=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$ROOT/debian/changelog")
# The build dependencies: scripts/deps.sh's build group is the list; debian/control and
# the README must name every package of it.
build_pkgs=$(DEPS_LIST=1 bash "$ROOT/scripts/deps.sh" build)
bdeps=$(sed -n '/^Build-Depends:/,/^[A-Z][a-z-]*:/p' "$ROOT/debian/control" | sed '$d' |
  sed 's/^Build-Depends://' | tr ',' '\n' | sed 's/(.*//; s/^ *//; s/ *$//' | sed '/^$/d')
miss=$(comm -23 <(echo "$build_pkgs" | sort) <(echo "$bdeps" | sort) | tr '\n' ' ')
check "debian/control Build-Depends holds the build group of scripts/deps.sh${miss:+ (missing: $miss)}" [ -z "$miss" ]
miss=
for p in $build_pkgs; do grep -qw -- "$p" "$ROOT/README.md" || miss="$miss $p"; done
check "README lists the build dependencies${miss:+ (missing:$miss)}" [ -z "$miss" ]
# libsurftrace-dev depends on the -dev package of every pkg-config module the library uses.
mods=$(make -s -C "$ROOT" -pn 2>/dev/null | sed -n 's/^PKGS := //p' | head -1)
miss=
for m in $mods; do
  pc=$(pkg-config --variable=pcfiledir "$m")/$m.pc
  dev=$(dpkg -S "$pc" 2>/dev/null | head -1 | cut -d: -f1)
  sed -n '/^Package: libsurftrace-dev/,/^$/p' "$ROOT/debian/control" | grep -qw -- "$dev" || miss="$miss $dev($m)"
done
check "libsurftrace-dev depends on the -dev packages of its pkg-config modules ($mods)${miss:+; missing:$miss}" \
  [ -n "$mods" -a -z "$miss" ]

# Build from a copy of the tree: what git tracks plus untracked, unignored files.
mkdir "$t/surftrace-$rel"
if [ -e "$ROOT/.git" ]; then
  (cd "$ROOT" && git ls-files --cached --others --exclude-standard -z | tar --null -T - -cf -) |
    tar -xf - -C "$t/surftrace-$rel"
else
  (cd "$ROOT" && tar --exclude='./build*' --exclude=./.cache -cf - .) | tar -xf - -C "$t/surftrace-$rel"
fi
start=$(date +%s)
(cd "$t/surftrace-$rel" && DEB_BUILD_OPTIONS="nocheck noddebs parallel=2" \
  dpkg-buildpackage -us -uc -b >"$t/build.log" 2>&1); rc=$?
secs=$(( $(date +%s) - start ))
if [ $rc = 0 ]; then ok "dpkg-buildpackage -us -uc -b ($secs s, -j2, nocheck)"
else fail "dpkg-buildpackage rc=$rc: $(grep -m3 -E 'error|Error' "$t/build.log" | tr '\n' ' ')"; tap_done; exit; fi
pkgs="surftrace lbc libsurftrace0 libsurftrace-dev liblbc0 liblbc-dev"
miss=
for p in $pkgs; do ls "$t"/${p}_${deb_rel}_*.deb >/dev/null 2>&1 || miss="$miss $p"; done
check "packages built: $pkgs${miss:+ (missing:$miss)}" [ -z "$miss" ]
lintian --no-tag-display-limit "$t"/*.changes >"$t/lintian" 2>&1
e=$(grep -c '^E:' "$t/lintian"); w=$(grep -c '^W:' "$t/lintian")
check "lintian: no errors ($e errors, $w warnings$(grep -m2 '^E:' "$t/lintian" | tr '\n' ' '))" [ "$e" = 0 ]
# dpkg-buildflags reached every compile, after which the project's -Werror still stands.
cflags=$(cd "$t/surftrace-$rel" && DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CFLAGS)
ncc=$(grep -cE '^(cc|gcc) .* -c ' "$t/build.log")
nok=$(grep -E '^(cc|gcc) .* -c ' "$t/build.log" | grep -F -- "$cflags" | grep -F -- '-D_FORTIFY_SOURCE=2' |
  grep -cE -- '-Werror( |$)')
check "all $ncc compiles got dpkg-buildflags' CFLAGS and CPPFLAGS, then -Werror ($nok)" [ "$ncc" -gt 50 -a "$nok" = "$ncc" ]
# The packaged binaries are hardened (PIE, RELRO, BIND_NOW, fortified calls).
for p in $pkgs; do dpkg-deb -x "$t"/${p}_${deb_rel}_*.deb "$t/root"; done
bad=
for f in usr/bin/surftrace usr/bin/surfguide usr/bin/lbc; do
  b=$t/root/$f
  readelf -h "$b" | grep -q 'DYN ' || bad="$bad $f:not-PIE"
  readelf -lW "$b" | grep -q GNU_RELRO || bad="$bad $f:no-RELRO"
  readelf -d "$b" | grep -qE 'BIND_NOW|FLAGS.*NOW' || bad="$bad $f:no-BIND_NOW"
  nm -D "$b" | grep -qE '__[a-z_]+_chk' || bad="$bad $f:no-fortify"
done
check "binaries hardened: PIE, RELRO, BIND_NOW, _FORTIFY_SOURCE${bad:+ (not:$bad)}" [ -z "$bad" ]
# What each package holds.
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
declare -A want=(
  [surftrace]="usr/bin/surftrace usr/bin/surfguide usr/share/man/man1/surftrace.1.gz usr/share/man/man1/surfguide.1.gz usr/share/man/man7/surftrace-expressions.7.gz usr/share/bash-completion/completions/surftrace usr/share/doc/surftrace/copyright"
  [lbc]="usr/bin/lbc usr/share/man/man1/lbc.1.gz usr/share/man/man7/lbc.h.7.gz usr/share/bash-completion/completions/lbc"
  [libsurftrace0]="usr/lib/$ma/libsurftrace.so.0 usr/lib/$ma/libsurftrace.so.$rel"
  [libsurftrace-dev]="usr/include/surftrace.h usr/lib/$ma/libsurftrace.so usr/lib/$ma/libsurftrace.a usr/lib/$ma/pkgconfig/libsurftrace.pc"
  [liblbc0]="usr/lib/$ma/liblbc.so.0 usr/lib/$ma/liblbc.so.$rel"
  [liblbc-dev]="usr/include/liblbc.h usr/include/lbc.h usr/lib/$ma/liblbc.so usr/lib/$ma/liblbc.a usr/lib/$ma/pkgconfig/liblbc.pc")
for p in $pkgs; do
  dpkg-deb -c "$t"/${p}_${deb_rel}_*.deb | awk '{print $6}' | sed 's|^\./||' >"$t/c"
  miss=
  for f in ${want[$p]}; do grep -qx "$f" "$t/c" || miss="$miss $f"; done
  check "$p holds ${want[$p]// /, }${miss:+ (missing:$miss)}" [ -z "$miss" ]
done
dep=$(dpkg-deb -f "$t"/libsurftrace-dev_${deb_rel}_*.deb Depends)
check "libsurftrace-dev depends on libsurftrace0 (= $deb_rel)" grep -qF "libsurftrace0 (= $deb_rel)" <<<"$dep"
shl=$(dpkg-deb -f "$t"/lbc_${deb_rel}_*.deb Depends)
check "lbc depends on clang and on its libraries by shlibs ($shl)" grep -q 'clang' <<<"$shl"
# The packaged commands run.
v=$("$t/root/usr/bin/surftrace" --version 2>&1)
check "packaged surftrace --version: '$v'" [ "$v" = "surftrace $rel" ]
s=$("$t/root/usr/bin/surftrace" -S 'p do_filp_open dfd=X%0' 2>&1)
check "packaged surftrace -S translates ($s)" [ "$s" = "p:p0 do_filp_open dfd=%di:x32" ]
tap_done
