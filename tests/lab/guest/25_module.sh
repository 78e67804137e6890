# SPDX-License-Identifier: MIT
# Module BTF: the veth module (copied from the same kernel package) is loaded, and its split
# BTF under /sys/kernel/btf/veth must serve everything vmlinux does not have: the prototype
# of veth_xmit (so %0->len and %1->name resolve), struct veth_rq in a cast and in --struct
# (offsets from pahole --btf_base on the host), and the live probe's values (the device we
# created, the ARP request our ping caused).

m_load() {
  [ -f /lab/mod/veth.ko ] || { fail "no veth.ko in the payload"; return; }
  grep -q '^veth ' /proc/modules || insmod /lab/mod/veth.ko 2>$W/err ||
    { fail "insmod veth.ko: $(head -1 $W/err)"; return; }
  [ -e /sys/kernel/btf/veth ] && pass "veth loaded, /sys/kernel/btf/veth present" ||
    fail "no /sys/kernel/btf/veth"
}

m_list() {
  "$ST" -l 'veth_xmi*' >$W/out 2>$W/err || { fail "-l exit $?: $(head -1 $W/err)"; return; }
  grep -qx 'veth_xmit \[veth\]' $W/out || { fail "no 'veth_xmit [veth]': $(head -3 $W/out | tr '\n' ' ')"; return; }
  "$ST" -L veth_xmit >$W/proto 2>&1 || { fail "-L veth_xmit: $(head -1 $W/proto)"; return; }
  grep -qE 'veth_xmit\(struct sk_buff \*skb, struct net_device \*dev\) \[veth\]$' $W/proto &&
    pass "listed; -L: $(head -1 $W/proto)" || fail "prototype: $(head -1 $W/proto)"
}

m_show_cast() {
  local out
  out=$("$ST" -S 'p veth_xmit d=!(struct veth_rq *)%ax->dev x=!(struct veth_rq *)%ax->xdp_prog n=!(struct veth_rq *)%ax->rx_notify_masked' 2>&1)
  note "$out"
  echo "$out" | grep -q "d=+$(hex $OFF_VETH_RQ_DEV)(%ax):x64" &&
    echo "$out" | grep -q "x=+$(hex $OFF_VETH_RQ_XDP_PROG)(%ax):x64" &&
    echo "$out" | grep -qE "n=\+$(hex $OFF_VETH_RQ_NOTIFY)\(%ax\):(u8|b1@0/8)" &&
    pass "struct veth_rq (module BTF) at pahole's offsets" || fail "offsets differ: $out"
}

m_struct() {
  local out
  out=$("$ST" --struct veth_rq 2>&1)
  note "$out"
  echo "$out" | grep -qE "xdp_prog;.*/\* +$OFF_VETH_RQ_XDP_PROG +8 \*/" &&
    pass "--struct veth_rq: xdp_prog at $OFF_VETH_RQ_XDP_PROG" || fail "--struct: $(echo "$out" | grep xdp_prog)"
}

# Our own veth pair v0/veth0 (the peer gets the kernel's default name); a ping to an address
# on v0's subnet makes the kernel send an ARP request (28 + 14 bytes) through veth_xmit.
trig_veth() { ping -c 1 -W 1 10.99.0.2 >/dev/null 2>&1; echo ping; }
m_live() {
  ip link add v0 type veth 2>$W/iperr || { fail "ip link add v0 type veth: $(head -1 $W/iperr)"; return; }
  ip addr add 10.99.0.1/24 dev v0; ip link set v0 up; ip link set veth0 up 2>/dev/null
  st_live trig_veth -q -n 1 'p veth_xmit len=%0->len dev=%1->name f:dev=="v0"&&len==42'
  ip link del v0 2>/dev/null
  st_ok || return
  want_line p0 || return
  [ "$(echo "$L" | argval dev)" = v0 ] || { fail "dev='$(echo "$L" | argval dev)', want v0"; return; }
  [ "$(echo "$L" | argval len)" = 42 ] && pass "veth_xmit dev=v0 len=42 (our ARP request)" ||
    fail "len='$(echo "$L" | argval len)'"
}

m_unload() {
  rmmod veth 2>$W/err || { fail "rmmod veth: $(head -1 $W/err)"; return; }
  [ "$(tracefs_snapshot)" = "$SNAP0" ] && pass "unloaded; tracefs as at boot" ||
    fail "tracefs differs: $(tracefs_snapshot | grep -vxF -e "$SNAP0" | head -3 | tr '\n' ' ')"
}

# A kernel without module BTF (Debian 11's 5.10: no CONFIG_DEBUG_INFO_BTF_MODULES, so the
# host's pahole finds no struct veth_rq in veth.ko and the kernel makes no
# /sys/kernel/btf/veth): what needs the module's types is refused in one line naming what
# is missing, with nothing written; what needs none still works (-l from kallsyms).
m_no_btf() {
  local before out rc
  [ -f /lab/mod/veth.ko ] || { fail "no veth.ko in the payload"; return; }
  grep -q '^veth ' /proc/modules || insmod /lab/mod/veth.ko 2>$W/err ||
    { fail "insmod veth.ko: $(head -1 $W/err)"; return; }
  [ ! -e /sys/kernel/btf/veth ] || { fail "/sys/kernel/btf/veth exists, yet the host found no veth_rq in veth.ko"; return; }
  "$ST" -l 'veth_xmi*' >$W/out 2>$W/err || { fail "-l exit $?: $(head -1 $W/err)"; return; }
  grep -qx 'veth_xmit \[veth\]' $W/out || { fail "no 'veth_xmit [veth]': $(head -3 $W/out | tr '\n' ' ')"; return; }
  before=$(tracefs_snapshot)
  for e in '--struct veth_rq' "-S p veth_xmit d=!(struct veth_rq *)%ax->dev"; do
    # shellcheck disable=SC2086
    case $e in
      --struct*) out=$("$ST" --struct veth_rq 2>&1); rc=$? ;;
      *) out=$("$ST" -q -t 1 'p veth_xmit d=!(struct veth_rq *)%ax->dev' 2>&1); rc=$? ;;
    esac
    note "$e -> rc=$rc $out"
    [ $rc != 0 ] || { fail "$e: exit 0 without the module's types: $out"; return; }
    # one error line (an expression's may be followed by the expression and a caret)
    [ "$(echo "$out" | grep -c '^surftrace: ')" = 1 ] && echo "$out" | grep '^surftrace: ' | grep -q 'veth_rq' ||
      { fail "$e: not one error line naming veth_rq: $(echo "$out" | head -2 | tr '\n' ' ')"; return; }
  done
  [ "$(tracefs_snapshot)" = "$before" ] || { fail "tracefs changed by a refused run"; return; }
  rmmod veth 2>$W/err || { fail "rmmod veth: $(head -1 $W/err)"; return; }
  pass "no module BTF on this kernel: -l lists veth_xmit [veth], struct veth_rq refused in one line"
}

if [ -z "${OFF_VETH_RQ_DEV:-}" ]; then
  run_check mod/no_btf m_no_btf
else
  run_check mod/load m_load
  run_check mod/list m_list
  run_check mod/show_cast m_show_cast
  run_check mod/struct m_struct
  run_check mod/live m_live
  run_check mod/unload m_unload
fi
