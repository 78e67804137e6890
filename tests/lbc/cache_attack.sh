#!/bin/bash
# SPDX-License-Identifier: MIT
# The compile cache against another local user (nobody, uid 65534): root must refuse a
# cache that nobody could swap (a nobody-owned or group/other-writable directory anywhere
# above it, a symbolic link on the way), reject cache entries that are not ELF BPF objects
# even when their header digest matches, and never hand clang a source that looks like an
# option. The refusals happen before anything is loaded: no program of ours may remain.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/_lib.sh"
need_lbc || { fail "build forker"; tap_done; exit 1; }

# A tree nobody can reach (the suite's $T is 0700).
A=$(mktemp -d /tmp/lbc-attack.XXXXXX)
chmod 755 "$A"
trap 'rm -rf "$A"; lbc_cleanup' EXIT

cat >"$T/clang-wrap" <<SH
#!/bin/sh
printf '%s\n' "\$*" >>"$T/clang.log"
exec clang "\$@"
SH
chmod +x "$T/clang-wrap"
export LBC_CLANG="$T/clang-wrap"
runs() { [ -f "$T/clang.log" ] && wc -l <"$T/clang.log" || echo 0; }

P="$T/atk.bpf.c"
cat >"$P" <<'C'
#include "lbc.h"
LBC_HASH(lbcatk_cnt, u32, u64, 16);
SEC("tracepoint/sched/sched_process_fork")
int lbcatk_prog(void *ctx)
{
	u32 k = 0;
	u64 one = 1;
	bpf_map_update_elem(&lbcatk_cnt, &k, &one, BPF_ANY);
	return 0;
}
char _license[] SEC("license") = "GPL";
C
ours_loaded() { bpftool prog show 2>/dev/null | grep -c ' name lbcatk_prog '; }
before=$(ours_loaded)

# refused CACHE-DIR GREP NAME: lbc run as root with that cache fails naming the reason, and
# nothing of ours got loaded.
refused() {
	local dir=$1 want=$2 name=$3 rc
	LBC_CACHE_DIR="$dir" "$LBC" run -q --attach-only "$P" 2>"$T/err"; rc=$?
	if [ $rc != 0 ] && grep -q -- "$want" "$T/err" && [ "$(ours_loaded)" = "$before" ]; then
		ok "$name: refused (rc $rc: $(head -1 "$T/err"))"
	else
		fail "$name: rc $rc, stderr: $(head -2 "$T/err")"
	fi
}

# 1. The cache directory itself made by nobody.
mkdir "$A/nb" && chown 65534:65534 "$A/nb"
as_nobody mkdir -m 700 "$A/nb/cache"
refused "$A/nb/cache" "uid 65534" "cache dir owned by nobody"

# 2. A root-owned private cache below a nobody-writable directory: nobody can rename it
#    away and put their own in its place between check and use.
mkdir -m 700 "$A/nb/rootcache"
refused "$A/nb/rootcache" "owned by uid 65534" "root cache below a nobody-owned directory"
# ... and the swap itself: nobody moves root's cache away and plants theirs (with a
# symlink to it): refused either way.
as_nobody mv "$A/nb/rootcache" "$A/nb/moved"
as_nobody ln -s "$A/nb/cache" "$A/nb/rootcache"
refused "$A/nb/rootcache" "uid 65534" "swapped in a symlink to nobody's cache"

# 3. A world-writable (not sticky) ancestor.
mkdir -m 777 "$A/ww" && chmod 777 "$A/ww" && mkdir -m 700 "$A/ww/cache"
refused "$A/ww/cache" "writable by group or others" "world-writable, non-sticky ancestor"

# 4. A symbolic link on the way (even a root-owned one to a good cache) is not followed.
mkdir -m 700 "$A/good"
ln -s "$A/good" "$A/link"
refused "$A/link/cache" "symbolic link" "symlink among the ancestors"
ln -s "$A/good" "$A/goodlink"
refused "$A/goodlink" "symbolic link" "the cache dir itself a symlink"

# 5. A sticky world-writable ancestor (like /tmp) holding a root-owned private directory is
#    fine: others cannot rename what they do not own there.
mkdir -m 1777 "$A/sticky" && chmod 1777 "$A/sticky"
LBC_CACHE_DIR="$A/sticky/cache" "$LBC" run -q --attach-only "$P"; rc=$?
check "root-owned cache in a sticky world-writable directory: accepted (rc $rc)" [ $rc = 0 ]
#    but not when nobody made that directory first.
as_nobody mkdir -m 700 "$A/sticky/squat"
refused "$A/sticky/squat" "not private" "nobody's directory in a sticky directory"

# 6. Cache entries that are not ELF BPF objects, with a header that matches them (digest
#    and size right, so only the object check can catch them): rejected, rebuilt.
C_DIR="$T/cache2"
LBC_CACHE_DIR="$C_DIR" "$LBC" run -q --attach-only "$P"
E=$(ls "$C_DIR"/obj/*.lbco | head -1)
key=$(basename "$E" .lbco)
plant() { # payload-file
	local sha size
	sha=$(sha256sum <"$1" | cut -d' ' -f1)
	size=$(stat -c %s "$1")
	{ printf 'LBCO1 %s %s %s\n' "$key" "$sha" "$size"; cat "$1"; } >"$E"
	chmod 600 "$E"
}
printf 'int x;\n' >"$T/x86.c" && cc -c -o "$T/x86.o" "$T/x86.c"
head -c 4000 /dev/urandom >"$T/junk"
for payload in x86.o junk; do
	plant "$T/$payload"
	n0=$(runs)
	LBC_CACHE_DIR="$C_DIR" "$LBC" run -q --attach-only "$P"; rc=$?
	n1=$(runs)
	magic=$(tail -n +2 "$E" | head -c 20 | od -An -tu1 -w20 | awk '{print $1,$19}')
	check "cache entry holding $payload (digest matching): rejected and rebuilt (rc $rc, clang $n0 -> $n1, new entry machine: $magic)" \
		[ "$rc/$((n1 - n0))/$magic" = "0/1/127 247" ]
done

# 7. A prebuilt object that is not BPF is refused before libbpf sees it.
"$LBC" run -q --attach-only "$T/x86.o" 2>"$T/err"; rc=$?
check "prebuilt x86 object: refused as not BPF (rc $rc)" \
	bash -c "[ $rc != 0 ] && grep -q 'not a BPF object' '$T/err'"

# 8. A source path that looks like an option: refused, and clang is handed `--` anyway.
mkdir -m 700 "$T/cwd" && cp "$P" "$T/cwd/--version"
n0=$(runs)
(cd "$T/cwd" && "$LBC" build -- --version 2>"$T/err"); rc=$?
check "lbc build -- --version: error, clang not run, no object (rc $rc, $(head -1 "$T/err"))" \
	bash -c "[ $rc != 0 ] && [ $(runs) = $n0 ] && [ ! -e '$T/cwd/--version.o' ] && grep -q \"starts with '-'\" '$T/err'"
(cd "$T/cwd" && LBC_CACHE_DIR="$T/cache3" "$LBC" build -q ./--version -o "$T/v.o"); rc=$?
check "./--version compiles (rc $rc) and clang got '-- SOURCE' last" \
	bash -c "[ $rc = 0 ] && [ -s '$T/v.o' ] && tail -1 '$T/clang.log' | grep -q -- ' -- [^ ]*prog.c\$'"

check "nothing of ours left loaded" [ "$(ours_loaded)" = "$before" ]
tap_done
