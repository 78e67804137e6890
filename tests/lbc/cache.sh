#!/bin/bash
# SPDX-License-Identifier: MIT
# The compile cache: a hit runs no clang; a changed include, flag or BTF misses; a corrupt,
# truncated, foreign or symlinked entry is rebuilt, never loaded; a cache directory others
# can write is refused. clang runs are counted by a wrapper (LBC_CLANG): the oracle.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/_lib.sh"
need_lbc || { fail "build forker"; tap_done; exit 1; }

cat >"$T/clang-wrap" <<SH
#!/bin/sh
echo "\$*" >>"$T/clang.log"
exec clang "\$@"
SH
chmod +x "$T/clang-wrap"
export LBC_CLANG="$T/clang-wrap"
runs() { [ -f "$T/clang.log" ] && wc -l <"$T/clang.log" || echo 0; }
mkdir -p "$T/src"
cat >"$T/src/common.h" <<'C'
#define LBC_CACHE_TEST_VALUE 1
C
cat >"$T/src/prog.bpf.c" <<'C'
#include "lbc.h"
#include "common.h"
const volatile u32 knob = 0;
LBC_HASH(lbccache_cnt, u32, u64, 16);
SEC("tracepoint/sched/sched_process_fork")
int lbccache_prog(void *ctx)
{
	u32 k = knob;
	u64 one = LBC_CACHE_TEST_VALUE;
	bpf_map_update_elem(&lbccache_cnt, &k, &one, BPF_ANY);
	return 0;
}
char _license[] SEC("license") = "GPL";
C
P="$T/src/prog.bpf.c"
entry() { ls "$LBC_CACHE_DIR"/obj/*.lbco 2>/dev/null | head -1; }

"$LBC" run -q --attach-only "$P"; rc=$?
check "cold run: attaches (rc $rc) after one clang run" [ "$rc/$(runs)" = 0/1 ]
"$LBC" run -q --attach-only "$P"; rc=$?
check "warm run: cache hit, clang not run again" [ "$rc/$(runs)" = 0/1 ]
"$LBC" run -q --attach-only --set knob=7 "$P"; rc=$?
check "--set changes no source: still a hit" [ "$rc/$(runs)" = 0/1 ]

E=$(entry)
check "cache dir and entry are private (0700 dir, no group/other write)" \
	bash -c "[ \$(stat -c %a '$LBC_CACHE_DIR') = 700 ] && [ \$(( 0\$(stat -c %a '$E') & 022 )) = 0 ]"
# The header's digest is SHA-256 of the object bytes: check it with coreutils.
hdr_sha=$(head -1 "$E" | cut -d' ' -f3)
obj_sha=$(tail -n +2 "$E" | sha256sum | cut -d' ' -f1)
check "entry header digest equals sha256sum of the object" [ "$hdr_sha" = "$obj_sha" ]
check "entry file name is the key in its header" \
	[ "$(basename "$E" .lbco)" = "$(head -1 "$E" | cut -d' ' -f2)" ]

# Corrupt one byte of the object: must be rebuilt (clang runs), and the run still works.
size=$(stat -c %s "$E")
printf '\xff' | dd of="$E" bs=1 seek=$((size - 100)) conv=notrunc status=none
"$LBC" run -q --attach-only "$P"; rc=$?
check "corrupt entry: rebuilt, not loaded (rc $rc, clang runs $(runs))" [ "$rc/$(runs)" = 0/2 ]
check "corrupt entry: replaced by a valid one" \
	[ "$(head -1 "$E" | cut -d' ' -f3)" = "$(tail -n +2 "$E" | sha256sum | cut -d' ' -f1)" ]

# Truncated entry.
truncate -s $((size / 2)) "$E"
"$LBC" run -q --attach-only "$P"; rc=$?
check "truncated entry: rebuilt (rc $rc, clang runs $(runs))" [ "$rc/$(runs)" = 0/3 ]

# A valid entry of another key placed under this key's name.
cp "$E" "$T/good.lbco"
zeros=0000000000000000000000000000000000000000000000000000000000000000
sed -i "1s/^LBCO1 [0-9a-f]\{64\}/LBCO1 $zeros/" "$E"   # header now names another key
"$LBC" run -q --attach-only "$P"; rc=$?
check "entry for another key: rebuilt (rc $rc, clang runs $(runs))" [ "$rc/$(runs)" = 0/4 ]

# A symlink in place of the entry is not followed.
mv "$E" "$T/real.lbco"; ln -s "$T/real.lbco" "$E"
"$LBC" run -q --attach-only "$P"; rc=$?
check "symlinked entry: not followed, rebuilt (rc $rc, clang runs $(runs))" \
	bash -c "[ '$rc/$(runs)' = 0/5 ] && [ ! -L '$E' ]"

# Changing a local include, a flag or the BTF changes the key.
echo '#define LBC_CACHE_TEST_UNUSED 2' >>"$T/src/common.h"
"$LBC" run -q --attach-only "$P"; rc=$?
check "changed local include: recompiled (clang runs $(runs))" [ "$rc/$(runs)" = 0/6 ]
"$LBC" run -q --attach-only --cflag -DLBC_SOMETHING=1 "$P"; rc=$?
check "extra clang flag: recompiled (clang runs $(runs))" [ "$rc/$(runs)" = 0/7 ]
cp /sys/kernel/btf/vmlinux "$T/vmlinux.btf"
"$LBC" build -q --btf "$T/vmlinux.btf" "$P" -o "$T/p2.o"; rc=$?
check "other BTF (--btf): recompiled (clang runs $(runs))" [ "$rc/$(runs)" = 0/8 ]

# A cache directory others can write is refused before anything is loaded.
chmod 0777 "$LBC_CACHE_DIR"
"$LBC" run -q --attach-only "$P" 2>"$T/perm.err"; rc=$?
chmod 0700 "$LBC_CACHE_DIR"
check "world-writable cache dir: refused (rc $rc)" \
	bash -c "[ $rc != 0 ] && grep -q 'is not private' '$T/perm.err'"

# A prebuilt object runs without clang (the kernel lab's case).
"$LBC" build -q "$P" -o "$T/prog.bpf.o"
LBC_CLANG=/nonexistent/clang "$LBC" run -q --attach-only "$T/prog.bpf.o"; rc=$?
check "prebuilt .bpf.o runs with no clang available (rc $rc)" [ $rc = 0 ]
LBC_CLANG=/nonexistent/clang "$LBC" run -q --attach-only --no-cache "$P" 2>/dev/null; rc=$?
check "no clang and no cache entry: fails (rc $rc)" [ $rc != 0 ]

# A cached string compile: vmlinux.h generated through btf_dump agrees with bpftool on
# the size of task_struct.
"$LBC" vmlinux -o "$T/vmlinux.h"; rc=$?
want=$(bpftool btf dump file /sys/kernel/btf/vmlinux | sed -n "s/^\[[0-9]*\] STRUCT 'task_struct' size=\([0-9]*\).*/\1/p" | head -1)
printf '#include "vmlinux.h"\n_Static_assert(sizeof(struct task_struct) == %s, "size");\n' "$want" >"$T/sz.c"
check "lbc vmlinux: compiles, sizeof(task_struct) == bpftool's $want" \
	clang -target bpf -fsyntax-only -I"$T" "$T/sz.c"

tap_done
