# SPDX-License-Identifier: MIT
# Shared by the hive suites: a temp dir, synthetic kernels (gcc -g with a linux_banner and
# a build-id note), and packages around them (.deb through dpkg-deb, .rpm through rpmbuild).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
T=$(mktemp -d /tmp/st_hive.XXXXXX)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
FK="$ROOT/tests/hive/fakekernel.c"
LAYOUT="$ROOT/tests/hive/_layout.py"

# mk_kernel OUT RELEASE [BANNER-TAIL]: a fake kernel image naming RELEASE in its banner.
mk_kernel() {
  gcc -g -O0 -Wl,--build-id=sha1 -DRELEASE="\"$2\"" ${3:+-DDISTRO="\"$3\""} -o "$1" "$FK"
}
# build_id FILE: the build id as readelf reads it (the oracle).
build_id() { readelf -n "$1" | sed -n 's/.*Build ID: *//p' | head -1; }
# mk_deb OUT IMAGE RELEASE [MODULE.ko...]: a Debian -dbg style package
# (usr/lib/debug/boot/vmlinux-R, modules under usr/lib/debug/lib/modules/R/kernel/).
mk_deb() {
  local d="$T/deb.$$.$RANDOM" m
  mkdir -p "$d/DEBIAN" "$d/usr/lib/debug/boot" "$d/usr/share/doc/x"
  cp "$2" "$d/usr/lib/debug/boot/vmlinux-$3"
  for m in "${@:4}"; do
    mkdir -p "$d/usr/lib/debug/lib/modules/$3/kernel/drivers/net"
    cp "$m" "$d/usr/lib/debug/lib/modules/$3/kernel/drivers/net/"
  done
  echo "not the kernel" >"$d/usr/share/doc/x/README"
  printf 'Package: linux-image-%s-dbg\nVersion: 1\nArchitecture: amd64\nMaintainer: t <t@example.org>\nDescription: test\n' "$3" >"$d/DEBIAN/control"
  dpkg-deb -Zxz --build "$d" "$1" >/dev/null
  rm -rf "$d"
}
# mk_rpm OUT IMAGE RELEASE [MODULE.ko...]: an RPM kernel-debuginfo style package
# (usr/lib/debug/lib/modules/R/vmlinux, modules as .../R/kernel/drivers/net/NAME.ko.debug,
# listed before the vmlinux as in a real one); returns 1 when rpmbuild is missing.
mk_rpm() {
  command -v rpmbuild >/dev/null || return 1
  local top="$T/rpm.$$.$RANDOM" m inst="" files=""
  mkdir -p "$top/SOURCES"
  cp "$2" "$top/SOURCES/vmlinux"
  for m in "${@:4}"; do
    cp "$m" "$top/SOURCES/"
    m=$(basename "$m")
    inst+="cp %{_sourcedir}/$m %{buildroot}/usr/lib/debug/lib/modules/$3/kernel/drivers/net/$m.debug
"
    files+="/usr/lib/debug/lib/modules/$3/kernel/drivers/net/$m.debug
"
  done
  cat >"$top/k.spec" <<SPEC
Name: kernel-debuginfo
Version: 1
Release: 1
Summary: test
License: GPL
%description
test
%install
mkdir -p %{buildroot}/usr/lib/debug/lib/modules/$3/kernel/drivers/net
cp %{_sourcedir}/vmlinux %{buildroot}/usr/lib/debug/lib/modules/$3/vmlinux
$inst%files
$files/usr/lib/debug/lib/modules/$3/vmlinux
SPEC
  rpmbuild -bb --quiet --define "_topdir $top" --define "debug_package %{nil}" \
    --define "__os_install_post %{nil}" --define "__strip /bin/true" "$top/k.spec" >/dev/null 2>&1 || return 1
  cp "$top"/RPMS/*/*.rpm "$1"
  rm -rf "$top"
}
# mk_mod OUT.ko RELEASE NAME [LABEL_LEN]: a fake module (tests/hive/fakemod.c) named NAME
# built for RELEASE.
mk_mod() {
  gcc -g -O1 -c -DRELEASE="\"$2\"" -DMODNAME="$3" ${4:+-DLABEL_LEN=$4} -o "$1" \
    "$ROOT/tests/hive/fakemod.c"
}
# same_layout NAME ELF BTF STRUCT: the struct's top-level member offsets in the hive's BTF
# (through --struct) equal pahole's reading of the image's DWARF.
same_layout() {
  pahole -C "$4" "$2" >"$T/pahole.txt" 2>/dev/null
  "$ST" --btf "$3" --struct "$4" >"$T/st.txt" 2>&1
  python3 "$LAYOUT" "$T/pahole.txt" >"$T/want"
  python3 "$LAYOUT" "$T/st.txt" >"$T/got"
  if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then ok "$1"
  else fail "$1: $(diff "$T/want" "$T/got" | head -4 | tr '\n' ' ')"; fi
}
