#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent oracle for fetch offsets: resolves member chains from `bpftool btf dump
format raw` text (never from surftrace's own code) and compares with what `surftrace -S`
printed.

usage: btf_oracle.py RAW_DUMP CASES_FILE SURFTRACE_OUTPUT [x86_64|aarch64]
CASES_FILE: one expression per line (the same lines given to surftrace -S -f).
SURFTRACE_OUTPUT: the -S --json output, one object per line, in the same order.
Prints TAP lines, one per argument checked.
"""
import json
import re
import sys

X86_ARGS = ["di", "si", "dx", "cx", "r8", "r9"]
ARM64_ARGS = ["x%d" % i for i in range(8)]
ARGS = X86_ARGS


class Btf:
    def __init__(self, path):
        self.t = {}
        self.funcs = {}
        self.by_name = {}
        cur = None
        head = re.compile(r"^\[(\d+)\] (\w+) '([^']*)'(.*)$")
        memb = re.compile(r"^\t'([^']*)' type_id=(\d+)(?: bits_offset=(\d+))?(?: bitfield_size=(\d+))?")
        for line in open(path):
            m = head.match(line)
            if m:
                tid, kind, name, rest = int(m.group(1)), m.group(2), m.group(3), m.group(4)
                attrs = dict(re.findall(r"(\w+)=(\S+)", rest))
                cur = {"kind": kind, "name": name, "attrs": attrs, "members": []}
                self.t[tid] = cur
                if kind == "FUNC":
                    self.funcs.setdefault(name, int(attrs["type_id"]))
                if kind in ("STRUCT", "UNION", "TYPEDEF", "INT"):
                    self.by_name.setdefault((kind, name), tid)
                continue
            m = memb.match(line)
            if m and cur is not None:
                cur["members"].append((m.group(1), int(m.group(2)),
                                       int(m.group(3) or 0), int(m.group(4) or 0)))

    def skip(self, tid):
        while tid and self.t[tid]["kind"] in ("TYPEDEF", "CONST", "VOLATILE", "RESTRICT", "TYPE_TAG"):
            tid = int(self.t[tid]["attrs"]["type_id"])
        return tid

    def skip_quals(self, tid):
        while tid and self.t[tid]["kind"] in ("CONST", "VOLATILE", "RESTRICT", "TYPE_TAG"):
            tid = int(self.t[tid]["attrs"]["type_id"])
        return tid

    def size(self, tid):
        tid = self.skip(tid)
        t = self.t[tid]
        if t["kind"] == "PTR":
            return 8
        if t["kind"] == "ARRAY":
            return int(t["attrs"]["nr_elems"]) * self.size(int(t["attrs"]["type_id"]))
        return int(t["attrs"]["size"])

    def member(self, sid, name):
        """(type, bit offset, bitfield size) of member `name`, searching anonymous members."""
        for mname, mtype, boff, bsize in self.t[sid]["members"]:
            if mname == name:
                return mtype, boff, bsize
            if mname == "(anon)":
                inner = self.skip(mtype)
                if self.t[inner]["kind"] in ("STRUCT", "UNION"):
                    r = self.member(inner, name)
                    if r:
                        return r[0], boff + r[1], r[2]
        return None


def split_args(expr):
    """name=value pairs of a surftrace line (no casts with spaces in the cases file)."""
    body = re.findall(r"(?:\([^)]*\)|\S)+", expr.split(" f:")[0])
    return body[0], body[1], [a.split("=", 1) for a in body[2:]]


XDATA = {"cdata": 1, "sdata": 2, "ldata": 4, "qdata": 8, "Sdata": 0}
LAYER = {"ethhdr": 2, "iphdr": 3, "icmphdr": 4, "tcphdr": 4, "udphdr": 4}


def skb_oracle(btf, m):
    """@(struct H *)lN%K->member or ->xdata[i]: skb->data + headers below H + member."""
    hdr, layer, argn, rest = m.group(1), int(m.group(2) or 3), int(m.group(3)), m.group(4)
    skb = btf.by_name[("STRUCT", "sk_buff")]
    data_off = btf.member(skb, "data")[1] // 8
    add = 0
    if layer <= 2 and LAYER[hdr] >= 3:
        add += btf.size(btf.by_name[("STRUCT", "ethhdr")])
    if layer <= 3 and LAYER[hdr] >= 4:
        add += btf.size(btf.by_name[("STRUCT", "iphdr")])
    hid = btf.by_name[("STRUCT", hdr)]
    name, idx = re.match(r"->(\w+)(?:\[(\d+)\])?", rest).groups()
    base = "%" + ARGS[argn]
    if name not in XDATA:
        # the header itself sits in memory at skb->data + add: its first "->" is a "."
        return walk(btf, base, hid, [data_off], add, True, "." + rest[2:])
    if name in XDATA:
        w = XDATA[name]
        off = add + btf.size(hid) + int(idx or 0) * (w or 1)
        return base, [data_off], off, ("int%d" % (8 * w)) if w else "string"


def oracle(btf, typ, func, value):
    """Return (derefs, final_off, kind) for a value like S%0->mm->mm_users or $retval->f_pos."""
    sk = re.match(r"^[SUX]?@\(struct (\w+) ?\*\)(?:l([234]))?%(\d+)(.*)$", value)
    if sk:
        return skb_oracle(btf, sk)
    m = re.match(r"^[SUX]?(%(\d+)|\$retval|\$(\w+))(.*)$", value)
    proto = btf.t[btf.funcs[func]]
    params = proto["members"]
    if m.group(1) == "$retval":
        base, tid = "$retval", int(proto["attrs"]["ret_type_id"])
    else:
        idx = int(m.group(2)) if m.group(2) is not None else [p[0] for p in params].index(m.group(3))
        # past the registers: x86_64's $stack0 is the return address, arm64's the 9th arg
        spill = idx - len(ARGS) + (1 if ARGS is X86_ARGS else 0)
        base = "%" + ARGS[idx] if idx < len(ARGS) else "$stack%d" % spill
        tid = params[idx][1]
    return walk(btf, base, tid, [], 0, False, m.group(4))


def walk(btf, base, tid, derefs, off, in_mem, chain):
    """Apply a ->m / .m / [i] chain; return (base, derefs, final offset, kind)."""
    bit = None
    for op, name, idx in re.findall(r"(->|\.)(\w+)|\[(\d+)\]", chain):
        op = op or "["
        if op == "->":
            if in_mem:
                derefs.append(off)
            t = btf.t[btf.skip(tid)]
            assert t["kind"] == "PTR", chain
            tid = int(t["attrs"]["type_id"])
            off, in_mem = 0, True
        if op in ("->", "."):
            r = btf.member(btf.skip(tid), name)
            tid, off = r[0], off + r[1] // 8
            if r[2]:
                bit = (r[1], r[2])
        if op == "[":
            t = btf.t[btf.skip(tid)]
            elem = int(t["attrs"]["type_id"])
            if t["kind"] == "PTR":          # p[i]: load the pointer, then index
                if in_mem:
                    derefs.append(off)
                off, in_mem = int(idx) * btf.size(elem), True
            else:
                off += int(idx) * btf.size(elem)
            tid = elem
    t = btf.t[btf.skip(tid)]
    if t["kind"] == "PTR" and not bit:
        # char * and unsigned char * are strings; a typedef'd byte (u8 *, BYTE *) is a
        # buffer pointer (docs/DECISIONS.md): skip qualifiers only, not typedefs
        target = btf.t.get(btf.skip_quals(int(t["attrs"]["type_id"])))
        if target and target["kind"] == "INT" and target["name"] in ("char", "unsigned char"):
            # a string pointer: load it, read the string it points to
            if in_mem:
                derefs.append(off)
            off, in_mem = 0, True
            return base, derefs, off, "string"
    if bit:
        kind = "bits:%d:%d" % (bit[1], bit[0] % 8)   # width, bit within the byte of `off`
    elif t["kind"] == "ARRAY" and btf.t[btf.skip(int(t["attrs"]["type_id"]))]["name"] == "char":
        kind = "string"
    elif t["kind"] == "PTR":
        kind = "ptr"
    else:
        kind = "int%d" % (8 * btf.size(tid))
    if not in_mem:
        return base, [], None, kind
    return base, derefs, off, kind


def parse_fetch(text):
    """Our fetch `+0x54(+0x8e0(%di)):s32` -> (base, [inner offsets], outer offset, kind)."""
    fetch, ktype = text.rsplit(":", 1)
    offs = []
    while True:
        m = re.match(r"^([+-])u?(0x[0-9a-f]+|\d+)\((.*)\)$", fetch)
        if not m:
            break
        offs.append(int(m.group(2), 0) * (-1 if m.group(1) == "-" else 1))
        fetch = m.group(3)
    offs.reverse()
    if ktype in ("string", "ustring"):
        kind = "string"
    elif ktype.startswith("x64") or ktype in ("u64", "s64"):
        kind = "ptr|int64"
    elif ktype.startswith("b"):
        w, bit, cont = re.match(r"b(\d+)@(\d+)/(\d+)", ktype).groups()
        # normalise to the byte that holds the first bit
        extra = int(bit) // 8
        offs[-1] += extra
        kind = "bits:%s:%d" % (w, int(bit) % 8)
    else:
        kind = "int" + re.sub(r"\D", "", ktype)
    if not offs:
        return fetch, [], None, kind
    return fetch, offs[:-1], offs[-1], kind


def main():
    global ARGS
    if len(sys.argv) > 4 and sys.argv[4] == "aarch64":
        ARGS = ARM64_ARGS
    btf = Btf(sys.argv[1])
    cases = [l.strip() for l in open(sys.argv[2]) if l.strip() and not l.startswith("#")]
    outs = [json.loads(l) for l in open(sys.argv[3]) if l.strip()]
    n = fails = 0
    for expr, out in zip(cases, outs):
        typ, target, args = split_args(expr)
        func = target.split("+")[0]
        ours = dict(a.split("=", 1) for a in out["fxpr"].split()[2:])
        for name, value in args:
            n += 1
            want = oracle(btf, typ, func, value)
            got = parse_fetch(ours[name])
            ok = (want[0], want[1], want[2]) == (got[0], got[1], got[2]) and \
                (want[3] == got[3] or (want[3] in ("ptr", "int64") and got[3] == "ptr|int64"))
            if ok:
                print("ok %d - %s %s=%s -> %s" % (n, func, name, value, ours[name]))
            else:
                fails += 1
                print("not ok %d - %s %s=%s: ours %s, oracle %s" % (n, func, name, value, got, want))
    if len(outs) != len(cases):
        print("not ok %d - %d cases but %d outputs" % (n + 1, len(cases), len(outs)))
        fails += 1
    print("1..%d" % n)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
