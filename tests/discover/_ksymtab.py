#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Oracle for the kallsyms decoder: the addresses of EXPORTed functions, read from the
vmlinux's __ksymtab/__ksymtab_gpl sections (struct kernel_symbol with 32-bit relative
offsets: value, name, namespace), which are independent of the kallsyms tables.
usage: _ksymtab.py VMLINUX [N]   prints "name hexaddr" for N exported code symbols."""
import re, struct, subprocess, sys

path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
d = open(path, 'rb').read()
secs = {}
out = subprocess.run(['readelf', '-SW', path], capture_output=True, text=True).stdout
for l in out.splitlines():
    m = re.match(r'\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+\S+\s+(\S*)', l)
    if m:
        secs[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16), int(m.group(4), 16),
                            'X' in m.group(5))

def v2o(v):
    for a, o, s, x in secs.values():
        if a and a <= v < a + s:
            return o + (v - a)
    return None

def is_code(v):
    return any(x and a <= v < a + s for a, o, s, x in secs.values())

syms = {}
for sec in ('__ksymtab', '__ksymtab_gpl'):
    if sec not in secs:
        continue
    a, o, s, _ = secs[sec]
    for i in range(0, s - 11, 12):
        vo, no, _ns = struct.unpack_from('<iii', d, o + i)
        va, na = a + i + vo, a + i + 4 + no
        off = v2o(na)
        if off is None:
            continue
        name = d[off:d.index(b'\0', off)].decode()
        if is_code(va) and not name.startswith('__'):
            syms[name] = va
names = sorted(syms)
step = max(1, len(names) // n)
for name in names[::step][:n]:
    print(name, '%x' % syms[name])
