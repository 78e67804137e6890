#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Random member chains for the offset oracle: walks bpftool's raw BTF dump (not our code)
from the pointer arguments of random kernel functions through random members, embedded
structs (.), pointers (->) and array elements ([i]), and prints one `p`/`r` expression per
line for `surftrace -S -f`. btf_oracle.py then recomputes every offset.

usage: random_cases.py RAW_DUMP SEED COUNT [TRACEABLE_NAMES_FILE]
"""
import random
import sys

sys.path.insert(0, sys.path[0])
from btf_oracle import Btf  # noqa: E402

SCALAR = ("INT", "ENUM", "ENUM64", "PTR")


def members(btf, sid, seen=None):
    """Every member reachable by name from struct/union sid (through anonymous members):
    (name, type id, bitfield size)."""
    out = []
    for name, tid, _boff, bsize in btf.t[sid]["members"]:
        if name == "(anon)":
            inner = btf.skip(tid)
            if btf.t[inner]["kind"] in ("STRUCT", "UNION"):
                out.extend(members(btf, inner))
            continue
        out.append((name, tid, bsize))
    return out


def composite(btf, tid):
    t = btf.t.get(btf.skip(tid))
    return t if t and t["kind"] in ("STRUCT", "UNION") and t["members"] else None


def pointee_composite(btf, tid):
    t = btf.t.get(btf.skip(tid))
    if not t or t["kind"] != "PTR":
        return None
    inner = int(t["attrs"]["type_id"])
    return btf.skip(inner) if composite(btf, inner) else None


def chain(rng, btf, sid, derefs):
    """A random path from composite sid to a value the oracle can check, or None."""
    for _ in range(8):
        name, tid, bsize = rng.choice(members(btf, sid))
        kind = btf.t[btf.skip(tid)]["kind"] if btf.skip(tid) else "VOID"
        if bsize:
            return name                               # a bitfield: an end
        if kind in ("STRUCT", "UNION") and composite(btf, tid) and rng.random() < 0.7:
            rest = chain(rng, btf, btf.skip(tid), derefs)
            if rest:
                return name + "." + rest
            continue
        if kind == "PTR":
            p = pointee_composite(btf, tid)
            if p and derefs < 3 and rng.random() < 0.5:
                rest = chain(rng, btf, p, derefs + 1)
                if rest:
                    return name + "->" + rest
            return name
        if kind == "ARRAY":
            t = btf.t[btf.skip(tid)]
            n = int(t["attrs"]["nr_elems"])
            elem = btf.skip(int(t["attrs"]["type_id"]))
            ek = btf.t[elem]["kind"] if elem else "VOID"
            if n == 0:
                continue
            if btf.t[elem]["name"] == "char" and ek == "INT":
                return name                           # a char array: a string
            if ek in ("INT", "ENUM", "PTR"):
                return "%s[%d]" % (name, rng.randrange(n))
            continue
        if kind in ("INT", "ENUM", "ENUM64"):
            return name
    return None


def main():
    btf = Btf(sys.argv[1])
    rng = random.Random(int(sys.argv[2]))
    count = int(sys.argv[3])
    allowed = None
    if len(sys.argv) > 4:
        allowed = set(l.split()[0] for l in open(sys.argv[4]) if l.strip())
    funcs = []
    for name, proto in sorted(btf.funcs.items()):
        if allowed is not None and name not in allowed:
            continue
        params = btf.t[proto]["members"][:6]
        # btf_oracle.py maps %N to the Nth register: keep to functions whose earlier
        # arguments each take one register (structs by value are tests/abi's job)
        if any(btf.skip(p[1]) and btf.t[btf.skip(p[1])]["kind"] in ("STRUCT", "UNION", "FLOAT")
               for p in params):
            continue
        ptrs = [i for i, p in enumerate(params) if pointee_composite(btf, p[1])]
        ret = int(btf.t[proto]["attrs"].get("ret_type_id", 0))
        if ptrs or pointee_composite(btf, ret):
            funcs.append((name, ptrs, ret))
    made = 0
    while made < count:
        name, ptrs, ret = rng.choice(funcs)
        use_ret = not ptrs or (pointee_composite(btf, ret) and rng.random() < 0.25)
        args = []
        for k in range(rng.randint(1, 3)):
            if use_ret:
                base, sid = "$retval", pointee_composite(btf, ret)
            else:
                i = rng.choice(ptrs)
                base, sid = "%%%d" % i, pointee_composite(btf, btf.t[btf.funcs[name]]["members"][i][1])
            c = chain(rng, btf, sid, 0)
            if c:
                args.append("v%d=%s->%s" % (k, base, c))
        if args:
            print("%s %s %s" % ("r" if use_ret else "p", name, " ".join(args)))
            made += 1


if __name__ == "__main__":
    main()
