#!/bin/bash
# SPDX-License-Identifier: MIT
# debian/: dpkg-buildpackage -us -uc -b builds the packages from a copy of the tree (in a
# temp dir, never in the checkout) with dpkg's hardening flags, lintian reports no error,
# the flags reached every compile (with -Werror still on), the binaries are hardened, each
# package holds what it should, and the build dependencies agree with scripts/deps.sh and
# the README. python3-surftrace: its modules link the packaged libraries, apt can install
# it, and, extracted into a throwaway root with libsurftrace0 and liblbc0, it imports from
# there (not from the tree) and translates, refuses, and (root + tracefs) traces an exec
# and counts one with a BPF program (tests/packaging/deb_python.py).
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
bdeps=$(sed -n '/^Build-Depends:/,/^[A-Z][A-Za-z-]*:/p' "$ROOT/debian/control" | sed '$d' |
  sed 's/^Build-Depends://' | tr ',' '\n' | sed 's/(.*//; s/^ *//; s/ *$//' | sed '/^$/d')
miss=$(comm -23 <(echo "$build_pkgs" | sort) <(echo "$bdeps" | sort) | tr '\n' ' ')
check "debian/control Build-Depends holds the build group of scripts/deps.sh${miss:+ (missing: $miss)}" [ -z "$miss" ]
miss=
for p in $build_pkgs; do grep -qw -- "$p" "$ROOT/README.md" || miss="$miss $p"; done
check "README lists the build dependencies${miss:+ (missing:$miss)}" [ -z "$miss" ]
# Every Build-Depends is something scripts/deps.sh installs (debhelper-compat: debhelper).
all_pkgs=$(DEPS_LIST=1 bash "$ROOT/scripts/deps.sh")
miss=
for p in $(echo "$bdeps" | sed 's/^debhelper-compat$/debhelper/'); do
  grep -qx -- "$p" <<<"$all_pkgs" || miss="$miss $p"
done
check "scripts/deps.sh installs every Build-Depends of debian/control${miss:+ (missing:$miss)}" [ -z "$miss" ]
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
pkgs="surftrace lbc libsurftrace0 libsurftrace-dev liblbc0 liblbc-dev python3-surftrace"
miss=
for p in $pkgs; do ls "$t"/${p}_${deb_rel}_*.deb >/dev/null 2>&1 || miss="$miss $p"; done
check "packages built: $pkgs${miss:+ (missing:$miss)}" [ -z "$miss" ]
lintian --no-tag-display-limit "$t"/*.changes >"$t/lintian" 2>&1
e=$(grep -c '^E:' "$t/lintian"); w=$(grep -c '^W:' "$t/lintian")
check "lintian: no errors ($e errors, $w warnings$(grep -m2 '^E:' "$t/lintian" | tr '\n' ' '))" [ "$e" = 0 ]
# dpkg-buildflags reached every compile, after which the project's -Werror still stands.
cflags=$(cd "$t/surftrace-$rel" && DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CFLAGS)
# (setuptools compiles the Python modules with the triplet's gcc)
cc_re='^(cc|gcc|[a-z0-9_]+-linux-gnu[a-z]*-gcc) .* -c '
ncc=$(grep -cE "$cc_re" "$t/build.log")
npy=$(grep -E "$cc_re" "$t/build.log" | grep -c ' -c src/[a-z_]*\.c ')
nok=$(grep -E "$cc_re" "$t/build.log" | grep -F -- "$cflags" | grep -F -- '-D_FORTIFY_SOURCE=2' |
  grep -cE -- '-Werror( |$)')
check "all $ncc compiles ($npy of python/) got dpkg-buildflags' CFLAGS and CPPFLAGS, then -Werror ($nok)" \
  [ "$ncc" -gt 50 -a "$npy" -ge 2 -a "$nok" = "$ncc" ]
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
py=usr/lib/python3/dist-packages
# Debian's python3 (the one the package is for; a pyenv python3 may come first in PATH)
py3=/usr/bin/python3
pyex=usr/share/doc/python3-surftrace/examples
ext=$($py3 -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
declare -A want=(
  [surftrace]="usr/bin/surftrace usr/bin/surfguide usr/share/man/man1/surftrace.1.gz usr/share/man/man1/surfguide.1.gz usr/share/man/man7/surftrace-expressions.7.gz usr/share/bash-completion/completions/surftrace usr/share/doc/surftrace/copyright"
  [lbc]="usr/bin/lbc usr/share/man/man1/lbc.1.gz usr/share/man/man7/lbc.h.7.gz usr/share/bash-completion/completions/lbc"
  [libsurftrace0]="usr/lib/$ma/libsurftrace.so.0 usr/lib/$ma/libsurftrace.so.$rel"
  [libsurftrace-dev]="usr/include/surftrace.h usr/lib/$ma/libsurftrace.so usr/lib/$ma/libsurftrace.a usr/lib/$ma/pkgconfig/libsurftrace.pc"
  [liblbc0]="usr/lib/$ma/liblbc.so.0 usr/lib/$ma/liblbc.so.$rel"
  [liblbc-dev]="usr/include/liblbc.h usr/include/lbc.h usr/lib/$ma/liblbc.so usr/lib/$ma/liblbc.a usr/lib/$ma/pkgconfig/liblbc.pc"
  [python3-surftrace]="$py/surftrace$ext $py/lbc$ext $py/pylcc/__init__.py $py/pylcc/lbcBase.py $py/surftrace-$rel.egg-info/PKG-INFO usr/share/doc/python3-surftrace/copyright $pyex/python/tcpconnect.py $pyex/python/_surftools_common.py $pyex/python/hashMap.py $pyex/lbc/independ_tp.bpf.c")
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
# The libraries surftrace dlopen()s (not seen by shlibs): the package of each soname the
# sources load (dpkg -S of the installed one) is recommended.
rec=$(dpkg-deb -f "$t"/surftrace_${deb_rel}_*.deb Recommends)
miss=; n=0
for so in $(grep -ho '"lib[a-z0-9_]*\.so\.[0-9][0-9]*"' "$ROOT"/src/util/*.c "$ROOT"/src/util/*.h | tr -d '"' | sort -u); do
  f=$(ldconfig -p | awk -v s="$so" '$1 == s {print $NF; exit}')
  [ -n "$f" ] || continue
  p=$(dpkg -S "$(readlink -f "$f")" 2>/dev/null | head -1 | cut -d: -f1); n=$((n + 1))
  grep -qw -- "$p" <<<"$rec" || miss="$miss $p($so)"
done
check "surftrace recommends the packages of the $n libraries it dlopen()s ($rec)${miss:+; missing:$miss}" \
  [ "$n" -ge 3 -a -z "$miss" ]
# python3-surftrace: the modules link the packaged libraries (so shlibs made the
# dependencies), are hardened, carry the project's version, and apt can install the package.
need=
for m in surftrace:libsurftrace lbc:liblbc; do
  f=$t/root/$py/${m%%:*}$ext
  readelf -d "$f" | grep -q "NEEDED.*\[${m#*:}\.so\.0\]" || need="$need ${m%%:*}:no-${m#*:}.so.0"
  readelf -lW "$f" | grep -q GNU_RELRO || need="$need ${m%%:*}:no-RELRO"
  readelf -d "$f" | grep -qE 'BIND_NOW|FLAGS.*NOW' || need="$need ${m%%:*}:no-BIND_NOW"
done
check "python modules link libsurftrace.so.0 and liblbc.so.0, RELRO, BIND_NOW${need:+ (not:$need)}" [ -z "$need" ]
dep=$(dpkg-deb -f "$t"/python3-surftrace_${deb_rel}_*.deb Depends)
pyv=$($py3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
expect "python3-surftrace depends on libsurftrace0 and liblbc0 (>= $rel) and python3 $pyv ($dep)" \
  'grep -qF "libsurftrace0 (>= $rel)" <<<"$dep" && grep -qF "liblbc0 (>= $rel)" <<<"$dep" &&
   grep -qF "python3 (>= $pyv~)" <<<"$dep"'
v=$(sed -n 's/^Version: //p' "$t/root/$py/surftrace-$rel.egg-info/PKG-INFO")
check "python3-surftrace's version is VERSION's ($v)" [ "$v" = "$rel" ]
(cd "$t" && apt-get install -s -q ./python3-surftrace_${deb_rel}_*.deb ./libsurftrace0_${deb_rel}_*.deb \
  ./liblbc0_${deb_rel}_*.deb) >"$t/apt" 2>&1; rc=$?
expect "apt-get install -s python3-surftrace with libsurftrace0, liblbc0 resolves (rc=$rc$(grep -m1 '^E:' "$t/apt"))" \
  '[ $rc = 0 ] && grep -q "^Conf python3-surftrace " "$t/apt"'
# The installed modules from outside the tree: the root's files, the root's libraries.
live=
need_root_tracefs && [ -e /sys/fs/bpf ] && command -v clang >/dev/null && live=--live
cp "$ROOT/tests/packaging/deb_python.py" "$t/"
(cd "$t" && env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$t/root/usr/lib/$ma" PYTHONPATH="$t/root/$py" \
  LBC_CACHE_DIR="$t/lbc-cache" $py3 -s deb_python.py $live --show 'p do_filp_open dfd=X%0' \
  'p wake_up_new_task comm=%0->comm') >"$t/py" 2>"$t/py.err"; rc=$?
pyk() { sed -n "s/^$1\t//p" "$t/py"; }
expect "python3-surftrace imports from the extracted root (rc=$rc $(tail -1 "$t/py.err"))" \
  '[ $rc = 0 ] && [ "$(pyk files)" = "$(printf "[\"%s\", \"%s\", \"%s\", \"%s\"]" "$t/root/$py/surftrace$ext" \
    "$t/root/$py/lbc$ext" "$t/root/$py/pylcc/__init__.py" "$t/root/$py/pylcc/lbcBase.py")" ]'
expect "the modules loaded the extracted libsurftrace.so.$rel and liblbc.so.$rel ($(pyk libs))" \
  '[ "$(pyk libs)" = "[\"$t/root/usr/lib/$ma/liblbc.so.$rel\", \"$t/root/usr/lib/$ma/libsurftrace.so.$rel\"]" ]'
check "surftrace.__version__ and lbc.__version__ are VERSION's, pylcc.lbcBase.ClbcBase there" \
  [ "$(pyk version)$(pyk class)" = "[\"$rel\", \"$rel\"]\"ClbcBase\"" ]
# -S semantics: the first fetch argument of do_filp_open is %di on x86_64 (SysV), int
# dfd as X: x32; task_struct's comm offset from pahole (BTF oracle).
comm=$(pahole -C task_struct 2>/dev/null | sed -n 's/^[[:space:]]*char[[:space:]]*comm\[[0-9]*\];[[:space:]]*\/\*[[:space:]]*\([0-9]*\) .*/\1/p')
want=$(printf '["p:p0 do_filp_open dfd=%%di:x32", "p:p1 wake_up_new_task comm=+0x%x(%%di):string"]' "${comm:-0}")
check "surftrace.show() translates as -S: $(pyk show)" [ -n "$comm" -a "$(pyk show)" = "$want" ]
expect "surftrace.show() refuses a bad member with its column: $(pyk refused)" \
  'grep -q "\"col\": 20, .*column 20: .->nosuch. needs a pointer to a struct" <<<"$(pyk refused)"'
# A surftool from the package's examples runs on the installed modules: its translation
# (--show) is the packaged CLI's -S of the same expressions.
ex=$(cd "$t" && env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$t/root/usr/lib/$ma" PYTHONPATH="$t/root/$py" \
  $py3 -s "$t/root/$pyex/python/tcpconnect.py" --kprobe --show 2>&1 | jq -c '[.fxpr, .filter]' 2>&1)
exprs=$($py3 -c 'import ast, sys; t = ast.parse(open(sys.argv[1]).read())
print("\n".join(ast.literal_eval(n.value)[0] for n in t.body
                if isinstance(n, ast.Assign) and n.targets[0].id == "KPROBE"))' "$t/root/$pyex/python/tcpconnect.py")
cl=$(LD_LIBRARY_PATH="$t/root/usr/lib/$ma" "$t/root/usr/bin/surftrace" -S --json "$exprs" 2>&1 | jq -c '[.fxpr, .filter]' 2>&1)
expect "examples/python/tcpconnect.py --kprobe --show from the package = packaged surftrace -S ($ex)" \
  '[ -n "$ex" ] && [ "$ex" = "$cl" ] && grep -q "^\[\"p:p0 tcp_connect ip_saddr=" <<<"$ex"'
if [ -n "$live" ]; then
  s=$(pyk session)
  read -r cpid < <(sed -n 's/^{"pid": \([0-9]*\),.*/\1/p' <<<"$s")
  expect "a Surftrace session saw the exec of its child $cpid, its instance gone: $s" \
    '[ -n "$cpid" ] && grep -qF "\"events\": [[$cpid, \"/bin/true\", \"true\"]]" <<<"$s" && grep -qF "\"left\": []" <<<"$s"'
  l=$(pyk lbc)
  ids=$(sed -n 's/.*"prog_ids": \[\([0-9, ]*\)\].*/\1/p' <<<"$l" | tr -d ,)
  gone=1
  for id in $ids; do bpftool prog show id "$id" >/dev/null 2>&1 && gone=0; done
  expect "an lbc.Program counted the exec of its child, program $ids unloaded after: $l" \
    '[ -n "$ids" -a $gone = 1 ] && grep -qE "\"count\": 1, " <<<"$l"'
else
  skip "live python3-surftrace session: needs root, tracefs, BPF and clang"
  skip "live lbc.Program: needs root, tracefs, BPF and clang"
fi
# The packaged commands run.
v=$("$t/root/usr/bin/surftrace" --version 2>&1)
check "packaged surftrace --version: '$v'" [ "$v" = "surftrace $rel" ]
s=$("$t/root/usr/bin/surftrace" -S 'p do_filp_open dfd=X%0' 2>&1)
check "packaged surftrace -S translates ($s)" [ "$s" = "p:p0 do_filp_open dfd=%di:x32" ]
tap_done
