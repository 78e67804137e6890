#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where each argument is at function entry, from the compiler's own DWARF (an oracle that
shares nothing with surftrace): reads `llvm-dwarfdump --debug-info` of the fixture object
and, for every parameter with a location at the function's first address, prints one line

    FUNC INDEX EXPR EXPECT

EXPR is the surftrace argument to translate (%N, or %N.member for a struct in memory) and
EXPECT is either the fetch text surftrace must print or "error:WORDS" for a refusal.

usage: dwarf_oracle.py DWARFDUMP_TEXT x86_64|aarch64
"""
import re
import sys

X86 = {"RDI": "di", "RSI": "si", "RDX": "dx", "RCX": "cx", "R8": "r8", "R9": "r9"}


def reg_name(arch, name):
    if arch == "x86_64":
        return X86.get(name)
    m = re.match(r"^[WX](\d+)$", name)
    return "x" + m.group(1) if m else None


def parse(text):
    """[(func, [(param, type name, location at entry or None)])], {struct: [members]}."""
    funcs, structs = [], {}
    die = None          # (tag, dict) of the DIE whose attributes follow
    func = struct = None
    for line in text.splitlines():
        tag = re.search(r"(DW_TAG_\w+)", line)
        if tag:
            t = tag.group(1)
            if t == "DW_TAG_subprogram":
                func = {"name": None, "params": [], "low": None}
                funcs.append(func)
                struct = None
                die = ("func", func)
            elif t == "DW_TAG_formal_parameter" and func is not None:
                p = {"name": None, "type": None, "loc": None, "ranges": []}
                func["params"].append(p)
                die = ("param", p)
            elif t == "DW_TAG_structure_type":
                struct = {"name": None, "members": []}
                func = None
                die = ("struct", struct)
            elif t == "DW_TAG_member" and struct is not None:
                die = ("member", struct)
            else:
                die = None
            continue
        if die is None:
            continue
        kind, d = die
        m = re.search(r'DW_AT_name\t\("([^"]*)"\)', line)
        if m:
            if kind == "member":
                d["members"].append(m.group(1))
            else:
                d["name"] = m.group(1)
                if kind == "struct":
                    structs[m.group(1)] = d
            continue
        m = re.search(r"DW_AT_low_pc\t\((0x[0-9a-f]+)\)", line)
        if m and kind == "func":
            d["low"] = int(m.group(1), 16)
            continue
        if kind != "param":
            continue
        m = re.search(r'DW_AT_type\t\(0x[0-9a-f]+ "([^"]*)"\)', line)
        if m:
            d["type"] = m.group(1)
            continue
        m = re.search(r"DW_AT_location\t\((DW_OP.*)\)\s*$", line)
        if m:
            d["loc"] = m.group(1)
            continue
        m = re.search(r"^\s*\[(0x[0-9a-f]+), (0x[0-9a-f]+)\): (.*?)\)?$", line)
        if m:
            d["ranges"].append((int(m.group(1), 16), m.group(3)))
    out = []
    for f in funcs:
        if not f["name"]:
            continue
        ps = []
        for p in f["params"]:
            loc = p["loc"]
            if loc is None:
                for start, expr in p["ranges"]:
                    if start == f["low"]:
                        loc = expr
            ps.append((p["name"], p["type"], loc))
        out.append((f["name"], ps))
    return out, {k: v["members"] for k, v in structs.items()}


def expect(arch, idx, ptype, loc, structs):
    if loc is None:
        return None
    sname = ptype if ptype in structs else None
    first = loc.split(", ")[0]
    m = re.match(r"^DW_OP_reg\d+ (\w+)$", first)
    if m and (m.group(1).startswith("XMM") or re.match(r"^[BHSDQV]\d+$", m.group(1))):
        return "%%%d" % idx, "error:floating-point"
    if m and not sname:
        r = reg_name(arch, m.group(1))
        return ("%%%d" % idx, "%" + r) if r else None
    m = re.match(r"^DW_OP_breg\d+ (\w+)\+0$", first)
    if m and loc == first and sname:
        # the register holds the address of the struct (arm64 passes big ones by reference)
        return [("%%%d.%s" % (idx, structs[sname][0]), "+0x0(%%%s)" % reg_name(arch, m.group(1)))]
    if sname and re.match(r"^DW_OP_b?reg\d+ ", first):
        # a struct in registers, described piece by piece: its first member is in the first
        # register named, its last (when it has several) in the last one named
        regs = [reg_name(arch, r) for r in re.findall(r"DW_OP_b?reg\d+ (\w+)", loc)]
        members = structs[sname]
        out = [("%%%d.%s" % (idx, members[0]), "%" + regs[0])]
        if len(members) > 1:
            out.append(("%%%d.%s" % (idx, members[-1]), "%" + regs[-1]))
        elif "DW_OP_piece" in loc:
            # one member in pieces: wider than a register (__int128), no single value
            out = [("%%%d.%s" % (idx, members[0]), "error:cannot be printed")]
        return out
    m = re.match(r"^DW_OP_fbreg \+(\d+)$", first)
    if m:
        k = int(m.group(1))
        if sname:
            return [("%%%d.%s" % (idx, structs[sname][0]), "+0x%x($stack)" % k)]
        return "%%%d" % idx, "$stack%d" % (k // 8)
    return None


def main():
    arch = sys.argv[2]
    funcs, structs = parse(open(sys.argv[1]).read())
    for name, params in funcs:
        for i, (pname, ptype, loc) in enumerate(params):
            e = expect(arch, i, ptype, loc, structs)
            for expr, want in (e if isinstance(e, list) else [e] if e else []):
                print("%s %d %s %s" % (name, i, expr, want.replace(" ", "_")))


if __name__ == "__main__":
    main()
