#!/bin/bash
# SPDX-License-Identifier: MIT
# surftrace hive add/list/rm on synthetic kernels: .deb, .rpm, vmlinux with DWARF, vmlinux
# with .BTF (pahole -J), raw BTF. Identity against readelf, offsets against pahole (DWARF),
# the function list against the fixture's own prototypes, vmlinux.h against clang.
. "$(dirname "$0")/_common.sh"
H="$T/hive"
R1=6.1.0-99-fake
mk_kernel "$T/k1" "$R1" "Debian 6.1.999-1"
BID1=$(build_id "$T/k1")
mk_deb "$T/k1.deb" "$T/k1" "$R1"

# .deb: added, one line on stdout, nothing on stderr (not a terminal: no progress bar).
out=$("$ST" hive add "$H" "$T/k1.deb" 2>"$T/err"); rc=$?
expect ".deb added: one line naming release, arch, distro, build id" \
  '[ $rc = 0 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == "added $R1 x86_64 debian $BID1 "* ]] && [ ! -s "$T/err" ]'
expect "list: 'release arch distro build-id'" '[ "$("$ST" hive list "$H")" = "$R1 x86_64 debian $BID1" ]'
E="$H/x86_64"
expect "layout DIR/<arch>/{btf,head,funcs}/<distro>/<release>" \
  '[ -s "$E/btf/debian/$R1" ] && [ -s "$E/head/debian/$R1" ] && [ -s "$E/funcs/debian/$R1" ]'
expect "no temporary files left in the hive" '[ -z "$(find "$H" -name "*.tmp*" -type f)" ]'
same_layout "struct fake_task offsets from the .deb's DWARF = pahole" "$T/k1" "$E/btf/debian/$R1" fake_task
same_layout "struct fake_mm offsets = pahole" "$T/k1" "$E/btf/debian/$R1" fake_mm
expect "funcs: prototypes as the fixture declares them" \
  'grep -qxF "$(printf "fake_open\tlong int fake_open(int dfd, const char *name, struct fake_task *t)")" "$E/funcs/debian/$R1" &&
   grep -qxF "$(printf "fake_wake\tint fake_wake(struct fake_task *p, int flags)")" "$E/funcs/debian/$R1"'
# vmlinux.h: clang compiles it, and the layout it declares is pahole's.
off=$(python3 "$LAYOUT" <(pahole -C fake_task "$T/k1") | awk '$1=="prio"{print $2}')
printf '#include "%s"\n_Static_assert(__builtin_offsetof(struct fake_task, prio) == %s, "prio");\n' \
  "$E/head/debian/$R1" "$off" >"$T/h.c"
expect "vmlinux.h compiles with clang and places prio at pahole's offset $off" \
  'clang -target bpf -fsyntax-only "$T/h.c" 2>"$T/cerr"'
json=$("$ST" hive list "$H" --json)
expect "list --json: one object with release, build_id, sha256 of the source" \
  '[[ $json == *"\"release\":\"$R1\""* ]] && [[ $json == *"\"build_id\":\"$BID1\""* ]] &&
   [[ $json == *"\"sha256\":\"$(sha256sum "$T/k1.deb" | cut -c1-64)\""* ]]'

# Incremental: the same package, and the same image by itself (same build id), are skipped.
out=$("$ST" hive add "$H" "$T/k1.deb" "$T/k1" 2>&1); rc=$?
expect "same package and same build id: skipped, index unchanged" \
  '[ $rc = 0 ] && [ "$(echo "$out" | grep -c "^skipped $R1 ")" = 2 ] && [ "$("$ST" hive list "$H" | wc -l)" = 1 ]'

# .rpm with a debuginfo-only image (objcopy --only-keep-debug: .rodata is NOBITS, so the
# release comes from the package path lib/modules/R/vmlinux).
R2=4.18.0-999.el8.x86_64
mk_kernel "$T/k2" "$R2" "Red Hat"
objcopy --only-keep-debug "$T/k2" "$T/k2.debug"
if mk_rpm "$T/k2.rpm" "$T/k2.debug" "$R2"; then
  out=$("$ST" hive add "$H" "$T/k2.rpm" 2>&1); rc=$?
  expect ".rpm debuginfo: release from the path, distro rhel, build id = readelf's" \
    '[ $rc = 0 ] && [[ $out == "added $R2 x86_64 rhel $(build_id "$T/k2") "* ]]'
  same_layout "struct fake_task offsets from the .rpm = pahole" "$T/k2" "$E/btf/rhel/$R2" fake_task
else
  skip "rpmbuild not installed (apt-get install rpm)"; skip "rpm layout"
fi

# A vmlinux with .BTF (pahole -J): used as it is; --dwarf converts the DWARF instead.
R3=6.12.99-fakebtf
mk_kernel "$T/k3" "$R3" "Debian 6.12.99-1"
cp "$T/k3" "$T/k3.btfonly" && pahole -J "$T/k3" 2>/dev/null
out=$("$ST" hive add "$H" "$T/k3" 2>&1); rc=$?
expect "vmlinux with .BTF: added with the banner's release" '[ $rc = 0 ] && [[ $out == "added $R3 x86_64 debian "* ]]'
bpftool btf dump file "$T/k3" format raw >"$T/raw.pahole"
bpftool btf dump file "$E/btf/debian/$R3" format raw >"$T/raw.hive"
expect "its BTF is the image's own .BTF (bpftool dumps equal)" 'cmp -s "$T/raw.pahole" "$T/raw.hive"'
"$ST" hive rm "$H" "$R3" >/dev/null
"$ST" hive add --dwarf "$H" "$T/k3" >/dev/null 2>&1
bpftool btf dump file "$E/btf/debian/$R3" format raw >"$T/raw.dwarf" 2>/dev/null
expect "--dwarf: BTF made from DWARF instead" '[ -s "$T/raw.dwarf" ] && ! cmp -s "$T/raw.pahole" "$T/raw.dwarf"'
same_layout "--dwarf layout = pahole" "$T/k3" "$E/btf/debian/$R3" fake_task

# A raw BTF file says no release: refused with one line naming --release; then added.
objcopy --dump-section .BTF="$T/k3.btf" "$T/k3"
out=$("$ST" hive add "$H" "$T/k3.btf" 2>&1); rc=$?
expect "raw BTF without --release: exit 1, one line naming --release" \
  '[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *"--release"* ]]'
out=$("$ST" hive add "$H" "$T/k3.btf" --release 6.12.99-raw --distro custom 2>&1); rc=$?
expect "raw BTF with --release: added, no build id" '[ $rc = 0 ] && [[ $out == "added 6.12.99-raw x86_64 custom - "* ]]'
expect "raw BTF stored byte for byte" 'cmp -s "$T/k3.btf" "$E/btf/custom/6.12.99-raw"'

# Bad input: one line, exit 1, hive unchanged.
before=$(cat "$H/index")
echo "hello" >"$T/junk.deb"
out=$("$ST" hive add "$H" "$T/junk.deb" 2>&1); rc=$?
expect "not a package: exit 1, one line" '[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [ "$(cat "$H/index")" = "$before" ]'
# libarchive is loaded only to read a package (util/archive_dl.c): surftrace does not
# link it, and without it a package is refused in one line naming it (the library hidden
# by a /dev/null bind mount in a mount namespace of the command's own).
expect "surftrace links neither libarchive nor libcrypto (ldd)" '! ldd "$ST" | grep -qE "libarchive|libcrypto"'
if command -v strace >/dev/null; then
  mk_deb "$T/k5.deb" "$T/k1" 6.1.0-96-fake
  strace -f -e trace=openat -o "$T/strace" "$ST" hive add "$T/hive5" "$T/k5.deb" >/dev/null 2>&1; rc=$?
  expect "hive add of a .deb loads libarchive and libcrypto (its SHA-256) when it needs them" \
    '[ $rc = 0 ] && grep -q "libarchive\.so\.13\".*= [0-9]" "$T/strace" && grep -q "libcrypto\.so\.3\".*= [0-9]" "$T/strace"'
  strace -f -e trace=openat -o "$T/strace" "$ST" hive list "$T/hive5" >/dev/null 2>&1
  expect "hive list opens neither" '! grep -qE "libarchive|libcrypto" "$T/strace"'
else skip "strace missing: which libraries hive add loads"; fi
lib=$(ldconfig -p | awk '/libarchive\.so\.13 .*x86-64|libarchive\.so\.13 .*AArch64/ {print $NF; exit}')
if [ -n "$lib" ] && [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
  mk_deb "$T/k4.deb" "$T/k1" 6.1.0-97-fake
  out=$(unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$lib" \
    "$ST" hive add "$H" "$T/k4.deb" 2>&1); rc=$?
  expect "libarchive missing: a package is refused, exit 1, one line naming libarchive13 ($out)" \
    '[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *"libarchive13"* ]] && [ "$(cat "$H/index")" = "$before" ]'
else skip "libarchive missing: needs root, unshare -m and libarchive.so.13 in ldconfig"; fi
mk_deb "$T/empty.deb" /dev/null none 2>/dev/null || true
printf 'int main(void){return 0;}\n' >"$T/nodbg.c" && gcc -O1 -o "$T/nodbg" "$T/nodbg.c" && strip "$T/nodbg"
out=$("$ST" hive add "$H" "$T/nodbg" --release 1.2.3 2>&1); rc=$?
expect "stripped image: exit 1 naming the -dbg package" '[ $rc = 1 ] && [[ $out == *"-dbg"* ]]'
out=$("$ST" hive add "$H" "$T/k1" --release ../evil 2>&1); rc=$?
expect "a release that would leave the hive is refused" '[ $rc = 1 ] && [ ! -e "$H/x86_64/btf/evil" ]'

# rm by release, by build id prefix; unknown key: exit 1.
"$ST" hive rm "$H" "$R1" >/dev/null; rc=$?
expect "rm RELEASE: entry and its files gone" \
  '[ $rc = 0 ] && ! "$ST" hive list "$H" | grep -q "^$R1 " && [ ! -e "$E/btf/debian/$R1" ] && [ ! -e "$E/head/debian/$R1" ]'
if [ -e "$E/btf/rhel/$R2" ]; then
  "$ST" hive rm "$H" "${BIDX:=$(build_id "$T/k2" | cut -c1-12)}" >/dev/null; rc=$?
  expect "rm BUILD-ID prefix" '[ $rc = 0 ] && ! "$ST" hive list "$H" | grep -q "^$R2 "'
else skip "no rpm entry to remove"; fi
out=$("$ST" hive rm "$H" 9.9.9-none 2>&1); rc=$?
expect "rm of an unknown key: exit 1 naming hive list" '[ $rc = 1 ] && [[ $out == *"hive list"* ]]'
out=$("$ST" hive list "$T/nohive" 2>&1); rc=$?
expect "list of a missing hive: exit 1 naming hive add" '[ $rc = 1 ] && [[ $out == *"hive add"* ]]'
tap_done
