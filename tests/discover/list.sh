#!/bin/bash
# SPDX-License-Identifier: MIT
# -l / -L: kernel functions (against the kernel's own lists), trace events (against the
# events directory and format files), user symbols (against nm and the source), and
# prototypes (against bpftool's raw BTF dump and the seed README).
. "$(dirname "$0")/_common.sh"

# --- kernel functions ------------------------------------------------------------------
# Oracle: the names ftrace lists, or kallsyms text symbols (weak ones too) when that is not
# readable, matched with Python's fnmatch; without the padding in front of functions
# (__pfx_/__cfi_ and their __pi_ aliases), which surftrace never lists (docs/DECISIONS.md).
kfuncs_oracle() { # GLOB
  python3 - "$1" <<'PY'
import fnmatch, sys
g = sys.argv[1]
try:
    lines = [l.split()[0] + (' ' + l.split()[1] if len(l.split()) > 1 else '')
             for l in open('/sys/kernel/tracing/available_filter_functions')]
except OSError:
    lines = []
    for l in open('/proc/kallsyms'):
        p = l.split()
        if len(p) >= 3 and p[1] in 'tTwW':
            lines.append(p[2] + (' ' + p[3] if len(p) > 3 else ''))
pad = ('__pfx_', '__cfi_', '__pi___pfx_', '__pi___cfi_')
lines = [l for l in lines if not l.startswith(pad)]
out = sorted({l for l in lines if fnmatch.fnmatchcase(l.split()[0], g)},
             key=lambda s: s.split()[0])
print('\n'.join(out))
PY
}
for g in 'vfs_rea*' 'tcp_v[46]_*' '*_openat*' 'do_filp_open' 'sched_?lock*'; do
  "$ST" -l "$g" >"$T/l" 2>"$T/e"; rc=$?
  kfuncs_oracle "$g" >"$T/w"
  if [ $rc = 0 ] && [ -s "$T/w" ] && diff -q "$T/l" "$T/w" >/dev/null; then
    ok "-l '$g' lists the kernel's $(wc -l <"$T/w") functions"
  else
    fail "-l '$g' (rc $rc): $(diff "$T/l" "$T/w" | head -3 | tr '\n' ' ')"
  fi
done
# --json: the same names (and modules) as records, against the same oracle
g='*_openat*'
"$ST" --json -l "$g" >"$T/lj" 2>"$T/e"; rc=$?
jq -r 'select(.v == 1 and .kind == "function") | .name + (if .module then " [" + .module + "]" else "" end)' "$T/lj" >"$T/l" 2>/dev/null
kfuncs_oracle "$g" >"$T/w"
expect "-l --json '$g': one record per function of the kernel's list" '[ $rc = 0 ] && [ -s "$T/w" ] && diff -q "$T/l" "$T/w" && [ "$(wc -l <"$T/lj")" = "$(wc -l <"$T/w")" ]'
"$ST" -l 'no_such_function_*' >/dev/null 2>"$T/e"; rc=$?
expect "-l with no match exits 1 with a message" '[ $rc = 1 ] && grep -q "no function matches" "$T/e"'
if ! can_nobody; then
  skip "the build is not reachable by an unprivileged user (checkout under a private home?)"
elif as_nobody "$ST" -l 'vfs_rea*' >"$T/n" 2>&1 && cmp -s "$T/n" <(kfuncs_oracle 'vfs_rea*'); then
  ok "-l works without root"
else
  fail "-l without root: $(head -2 "$T/n")"
fi

# --- prototypes -------------------------------------------------------------------------
raw_dump /sys/kernel/btf/vmlinux "$T/raw"
out=$("$ST" -L do_filp_open)
check "-L do_filp_open is the README's prototype" \
  [ "$out" = "struct file *do_filp_open(int dfd, struct filename *pathname, const struct open_flags *op)" ]
{ "$ST" -L 'vfs_*'; "$ST" -L 'tcp_*'; "$ST" -L 'do_filp_open'; "$ST" -L 'wake_up_new_task';
  "$ST" -L '__x64_sys_open*'; "$ST" -L 'schedule'; } >"$T/protos" 2>/dev/null
oracle_tap < <(python3 "$ORACLE" protos "$T/raw" "$T/protos")
check "-L prints (void) for no parameters" grep -qx 'void schedule(void)' "$T/protos"

# --- another kernel's BTF ---------------------------------------------------------------
if have_lab61; then
  raw_dump "$LAB61/vmlinux.btf" "$T/raw61"
  "$ST" --btf "$LAB61/vmlinux.btf" -l 'vfs_*' >"$T/l61" 2>&1
  python3 "$ORACLE" funcs "$T/raw61" 'vfs_*' >"$T/w61"
  check "-l --btf 6.1 lists that BTF's functions" diff -q "$T/l61" "$T/w61"
  "$ST" --btf "$LAB61/vmlinux.btf" -L 'vfs_*' >"$T/p61" 2>&1
  "$ST" --btf "$LAB61/vmlinux.btf" -L 'do_filp_open' >>"$T/p61" 2>&1
  oracle_tap < <(python3 "$ORACLE" protos "$T/raw61" "$T/p61" | sed 's/^\(PASS\|FAIL\) /\1 6.1 /')
else
  skip "Debian 6.1 BTF not available"
fi

# --- trace events -----------------------------------------------------------------------
if need_root_tracefs; then
  ls -d $TRACEFS/events/sched/*/ | xargs -n1 basename | sed 's|^|sched/|' | sort >"$T/w"
  "$ST" -l 'sched/*' >"$T/l" 2>&1
  check "-l 'sched/*' lists the events directory" diff -q "$T/l" "$T/w"
  ls -d $TRACEFS/events/*/sched_switch/ 2>/dev/null | awk -F/ '{print $(NF-2)"/"$(NF-1)}' | sort >"$T/w"
  "$ST" -l '*/sched_switch' >"$T/l" 2>&1
  check "-l '*/sched_switch' finds it in every group" diff -q "$T/l" "$T/w"
  # -L fields: name, offset, size, signed of every non-common field of the format file.
  "$ST" -L 'sched/sched_switch' >"$T/l" 2>&1
  sed -n 's/^\tfield:\(.*\);\toffset:\([0-9]*\);\tsize:\([0-9]*\);\tsigned:\([0-9]*\);.*/\1|\2|\3|\4/p' \
    $TRACEFS/events/sched/sched_switch/format | grep -v ' common_' >"$T/w"
  sed -n 's/^\t\(.*\);\t\/\* offset:\([0-9]*\) size:\([0-9]*\) signed:\([0-9]*\) \*\/$/\1|\2|\3|\4/p' "$T/l" >"$T/g"
  expect "-L sched/sched_switch shows the format's fields" '[ -s "$T/w" ] && diff -q "$T/g" "$T/w"'
  "$ST" --json -L 'sched/sched_switch' 2>&1 | jq -r 'select(.v == 1 and .kind == "event" and .name == "sched/sched_switch") | .fields[] | "\(.decl)|\(.offset)|\(.size)|\(if .signed then 1 else 0 end)"' >"$T/g"
  expect "-L --json sched/sched_switch: the format's fields as records" '[ -s "$T/w" ] && diff -q "$T/g" "$T/w"'
  "$ST" -l 'sched:sched_s*' >"$T/l" 2>&1
  ls -d $TRACEFS/events/sched/sched_s*/ | xargs -n1 basename | sed 's|^|sched/|' | sort >"$T/w"
  check "-l 'sched:sched_s*' (ftrace's spelling) lists those events" diff -q "$T/l" "$T/w"
  "$ST" -l 'nosuchgroup/*' >/dev/null 2>&1
  check "-l of an unknown event group exits 1" [ $? = 1 ]
else
  skip "events need root and tracefs"
fi

# --- user binaries ----------------------------------------------------------------------
cat >"$T/prog.c" <<'C'
struct pt { int x; };
__attribute__((noinline)) int foo_alpha(int a, long b) { return a + (int)b; }
__attribute__((noinline)) static char *foo_beta(const char *s) { return (char *)s + 1; }
__attribute__((noinline)) void foo_gamma(struct pt *p) { p->x++; }
int main(int argc, char **argv) { struct pt p = { argc }; foo_gamma(&p);
  return foo_alpha(p.x, 2) + (foo_beta(argv[0]) != 0); }
C
if cc -g -O1 -o "$T/prog" "$T/prog.c"; then
  nm --defined-only "$T/prog" | awk '$2 ~ /^[tT]$/ && $3 ~ /^foo_/ {print $3}' | sort -u >"$T/w"
  "$ST" -l "$T/prog:foo_*" >"$T/l" 2>&1
  expect "-l BINARY:foo_* equals nm's function symbols" '[ -s "$T/w" ] && diff -q "$T/l" "$T/w"'
  "$ST" -L "$T/prog:foo_*" >"$T/l" 2>&1
  printf '%s\n' 'int foo_alpha(int a, long int b)' 'char *foo_beta(const char *s)' \
    'void foo_gamma(struct pt *p)' >"$T/w"
  check "-L BINARY:foo_* prints the source's prototypes (DWARF)" diff -q "$T/l" "$T/w"
  "$ST" --json -L "$T/prog:foo_*" 2>&1 | jq -r 'select(.v == 1 and .kind == "symbol" and .binary == "'"$T/prog"'") | .proto' >"$T/l"
  check "-L --json BINARY:foo_* has the prototypes as \"proto\"" diff -q "$T/l" "$T/w"
else
  skip "no C compiler"; skip "no C compiler"; skip "no C compiler"
fi
libc=$(ldconfig -p | awk '/libc.so.6 .*x86-64/ {print $NF; exit}')
if [ -n "$libc" ]; then
  nm -D --defined-only "$libc" | awk '$2 ~ /^[TiW]$/ && $3 ~ /^malloc/ {sub(/@.*/, "", $3); print $3}' | sort -u >"$T/w"
  "$ST" -l 'libc:malloc*' >"$T/l" 2>&1
  expect "-l libc:malloc* finds libc by name (nm -D oracle)" '[ -s "$T/w" ] && diff -q "$T/l" "$T/w"'
else
  skip "libc not found in ld.so.cache"
fi
tap_done
