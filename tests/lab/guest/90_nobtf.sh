# SPDX-License-Identifier: MIT
# No-BTF mode: when the payload has /lab/hive (made on the host from this kernel's -dbg
# package, its DWARF converted by `surftrace hive add --dwarf`), /sys/kernel/btf is hidden
# under a tmpfs and
#  1. every surftrace call the checks above made is replayed with -S before and after
#     hiding: stdout, stderr and exit status must be identical with types from the hive;
#  2. without a hive, surftrace refuses in one line naming `surftrace hive add`;
#  3. the surftrace kprobe checks (20_) that read typed values and the lbc ones (30_, CO-RE
#     against the hive's BTF) run again as nobtf/NAME with SURFTRACE_HIVE=/lab/hive.
#  4. when the hive has veth (tests/lab/_fetch_dbg.sh adds it from the -dbg package's
#     DWARF), the module checks (25_) run again as nobtf/mod/NAME: veth is loaded with its
#     /sys/kernel/btf/veth hidden too, its types come from the hive's kmod/ through the
#     entry's name -> module index (types/kmodidx.h).

# replay_show OUT: every distinct translation the checks asked for, again, as
# `surftrace -S EXPR...` with its output and status. Options that only shape a live run
# (-q -s --json -n -t -o --buffer-kb) are dropped first, so calls that differ only in them
# are translated once (each -S costs about a second under TCG).
replay_show() {
  local t0=$(date +%s)
  [ -s /tmp/replay.sh ] ||
    awk 'function q(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
         function flush() { if (n && !skip) print line }
         /^@@CALL$/ { flush(); line = "show"; n++; skip = 0; drop = 0; next }
         drop { drop = 0; next }
         /^(-q|-s|--json)$/ { next }
         /^(-n|-t|-o|--buffer-kb)$/ { drop = 1; next }
         /^(--cleanup|-F|--line|-c|-p|-l|-L|--struct)$/ { skip = 1 }
         { line = line " " q($0) }
         END { flush() }' /tmp/stcalls | sort -u >/tmp/replay.sh
  show() {
    echo "@@ $*"
    /lab/bin/surftrace -S "$@" 2>&1
    echo "rc=$?"
  }
  . /tmp/replay.sh </dev/null >"$1"
  note "replayed $(grep -c '^@@ ' "$1") translations with -S in $(( $(date +%s) - t0 )) s"
}

nb_identical() {
  local n d
  n=$(grep -c '^@@ ' /tmp/S.btf)
  [ "$n" -ge 15 ] || [ -n "${LAB_ONLY:-}" ] || { fail "only $n distinct translations to compare"; return; }
  d=$(diff /tmp/S.btf /tmp/S.hive | grep '^[-+][^-+]' | head -2 | tr '\n' ' ')
  [ -z "$d" ] && pass "$n translations: -S identical with /sys/kernel/btf and with the hive" ||
    fail "-S differs: $d"
}

nb_hidden() {
  local out rc
  [ -e /sys/kernel/btf/vmlinux ] && { fail "/sys/kernel/btf/vmlinux still visible"; return; }
  out=$(SURFTRACE_HIVE= /lab/bin/surftrace -S 'p wake_up_new_task comm=%0->comm' 2>&1); rc=$?
  [ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -q "$(uname -r).*surftrace hive add" &&
    pass "no BTF, no hive: exit 1, one line naming the release and 'surftrace hive add'" ||
    fail "without the hive: rc=$rc '$out'"
}

# veth loaded while /sys/kernel/btf is hidden: no BTF of its own to be seen, the hive's.
nb_mod_load() {
  grep -q '^veth ' /proc/modules || insmod /lab/mod/veth.ko 2>$W/err ||
    { fail "insmod veth.ko: $(head -1 $W/err)"; return; }
  [ ! -e /sys/kernel/btf/veth ] && grep -q '^veth ' /proc/modules &&
    pass "veth loaded, /sys/kernel/btf/veth hidden: its types from the hive's kmod/" ||
    fail "/sys/kernel/btf/veth visible under the tmpfs"
}

if [ -d /lab/hive ] && [ -s /tmp/stcalls ] && [ "${LAB_NOBTF:-1}" != 0 ]; then
  replay_show /tmp/S.btf
  if mount -t tmpfs -o size=64k nobtf /sys/kernel/btf; then
    export SURFTRACE_HIVE=/lab/hive
    replay_show /tmp/S.hive
    run_check nobtf/show_identical nb_identical
    run_check nobtf/hidden nb_hidden
    ST=/lab/bin/surftrace
    CHECK_PREFIX=nobtf/
    # Not repeated: checks whose probes fetch no typed value (no-argument probes, -F,
    # trace events, offsets past a function's end, kernel refusals, clone names). Their
    # translations are in the replay above (nobtf/show_identical); what they check live
    # (kallsyms, kcore, tracefs formats, run control) does not come from the types.
    CHECK_SAME='^st/(entry_return|disasm_kcore|clone_only|event_fork|event_stat_wait|reject_rollback|off_outside)$'
    . /lab/20_surftrace.sh
    CHECK_SAME=
    [ -x /lab/bin/lbc ] && [ -d /lab/lbc ] && . /lab/30_lbc.sh
    if [ -n "${OFF_VETH_RQ_DEV:-}" ] && [ -f /lab/mod/veth.ko ] &&
       ls /lab/hive/*/kmod/*/*/veth >/dev/null 2>&1; then
      run_check mod/load nb_mod_load
      CHECK_SAME='^mod/load$'
      . /lab/25_module.sh
      CHECK_SAME=
    fi
    CHECK_PREFIX=
    unset SURFTRACE_HIVE
    umount /sys/kernel/btf
  else
    echo "@@RESULT nobtf/hide FAIL cannot mount a tmpfs over /sys/kernel/btf"
  fi
fi
