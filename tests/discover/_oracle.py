#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent oracle for the discovery tests: reads `bpftool btf dump ... format raw`
(never surftrace's own output) and answers layout / prototype questions. It prints
"PASS name" / "FAIL name: detail" lines that the shell suite turns into TAP.

usage: _oracle.py layout RAW SURFTRACE_OUTPUT SPEC [SURFTRACE_OUTPUT SPEC ...]
       _oracle.py protos RAW SURFTRACE_OUTPUT      (output of surftrace -L)
       _oracle.py funcs RAW GLOB                    (prints the FUNC names matching GLOB)
"""
import fnmatch, json, re, sys

def load(path):
    T = {0: {'kind': 'VOID', 'name': 'void'}}
    cur = None
    head = re.compile(r"^\[(\d+)\] (\w+) '([^']*)'(.*)$")
    mem = re.compile(r"^\t'([^']*)'(.*)$")
    for line in open(path):
        m = head.match(line)
        if m:
            tid, kind, name, rest = int(m.group(1)), m.group(2), m.group(3), m.group(4)
            kv = dict(re.findall(r'(\w+)=(\S+)', rest))
            cur = {'kind': kind, 'name': name, 'kv': kv, 'members': []}
            T[tid] = cur
            continue
        m = mem.match(line)
        if m and cur is not None:
            kv = dict(re.findall(r'(\w+)=(\S+)', m.group(2)))
            cur['members'].append((m.group(1), kv))
    return T

MODS = ('TYPEDEF', 'CONST', 'VOLATILE', 'RESTRICT', 'TYPE_TAG')

def bare(T, tid):
    while T[tid]['kind'] in MODS:
        tid = int(T[tid]['kv']['type_id'])
    return tid

def size(T, tid):
    t = T[bare(T, tid)]
    k = t['kind']
    if k in ('INT', 'STRUCT', 'UNION', 'ENUM', 'ENUM64', 'FLOAT'):
        return int(t['kv']['size'])
    if k == 'PTR':
        return 8
    if k == 'ARRAY':
        return int(t['kv']['nr_elems']) * size(T, int(t['kv']['type_id']))
    return 0

_INDEX = {}

def find(T, name, kinds):
    if id(T) not in _INDEX:
        idx = {}
        for tid, t in T.items():
            idx.setdefault((t['name'], t['kind']), tid)
        _INDEX[id(T)] = idx
    for k in kinds:
        tid = _INDEX[id(T)].get((name, k))
        if tid is not None:
            return tid
    return None

def leaves(T, sid, base, out):
    """(name, bit offset, bitfield bits, size) of every member, anonymous members
    flattened, members of named-but-anonymous-typed members too (plus the member)."""
    for name, kv in T[sid]['members']:
        tid = int(kv['type_id'])
        off = base + int(kv['bits_offset'])
        bits = int(kv.get('bitfield_size', 0))
        b = bare(T, tid)
        anon_type = T[b]['kind'] in ('STRUCT', 'UNION') and T[b]['name'] == '(anon)'
        if anon_type:
            leaves(T, b, off, out)
            if name != '(anon)':
                out.append((name, off, 0, size(T, tid)))
            continue
        out.append((name, off, bits, size(T, tid)))
    return out

LINE = re.compile(r'^(.*?)/\*\s*(\d+)(?::(\d+))?\s+(-?\d+)\s*\*/\s*$')

def json_leaves(members, out):
    """Our --struct --json members, flattened the way leaves() flattens the oracle."""
    for m in members:
        if 'members' in m:
            json_leaves(m['members'], out)
            if m['name']:
                out.append((m['name'], m['offset'] * 8, 0, m['size']))
            continue
        out.append((m['name'], m['offset'] * 8 + m.get('bit_offset', 0),
                    m.get('bit_size', 0), m['size']))
    return out

def parse_layout(text):
    if text.startswith('{'):                 # --json: one object
        o = json.loads(text)
        assert o['v'] == 1
        return json_leaves([o['member']] if 'member' in o else o['members'], [])
    got = []
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        code = m.group(1).strip()
        if code.startswith('}') and code in ('};', '} ;'):
            continue                      # closing an unnamed anonymous member
        fp = re.search(r'\(\*+\s*(\w+)\)', code)
        if fp:
            name = fp.group(1)
        else:
            nm = re.search(r'(\w+)\s*(\[[^\]]*\])*\s*(:\s*\d+)?\s*;\s*$', code)
            if not nm:
                continue
            name = nm.group(1)
        byte = int(m.group(2))
        bit = int(m.group(3)) if m.group(3) is not None else 0
        bits = 0
        bf = re.search(r':\s*(\d+)\s*;\s*$', code)
        if bf and m.group(3) is not None:
            bits = int(bf.group(1))
        got.append((name, byte * 8 + bit, bits, int(m.group(4))))
    return got

def cmd_layout(T, outfile, spec):
    parts = spec.split('.')
    root = parts[0].replace('struct ', '').replace('union ', '').strip()
    sid = None
    for kinds in (('STRUCT',), ('UNION',), ('TYPEDEF',)):
        sid = find(T, root, kinds)
        if sid is not None:
            break
    if sid is None:
        print('FAIL layout %s: oracle has no type %s' % (spec, root)); return
    sid = bare(T, sid)
    base = 0
    for comp in parts[1:]:
        flat = leaves(T, sid, base, [])
        hit = [x for x in flat if x[0] == comp]
        if not hit:
            print('FAIL layout %s: oracle has no member %s' % (spec, comp)); return
        # type of that member: search again to get the type id
        tid = member_type(T, sid, comp)
        b = bare(T, tid)
        while T[b]['kind'] == 'ARRAY':
            b = bare(T, int(T[b]['kv']['type_id']))
        if T[b]['kind'] == 'PTR':
            b = bare(T, int(T[b]['kv']['type_id']))
            base = 0
        else:
            base = hit[0][1]
        sid = b
        last = hit[0]
    if T[sid]['kind'] not in ('STRUCT', 'UNION'):
        want = [last]                     # a scalar member: its own line
    else:
        want = leaves(T, sid, base, [])
    got = parse_layout(open(outfile).read())
    if sorted(want) == sorted(got) and want:
        print('PASS layout %s (%d members checked)' % (spec, len(want)))
    else:
        missing = [x for x in want if x not in got][:3]
        extra = [x for x in got if x not in want][:3]
        print('FAIL layout %s: missing %s extra %s' % (spec, missing, extra))

def member_type(T, sid, comp):
    for name, kv in T[sid]['members']:
        tid = int(kv['type_id'])
        b = bare(T, tid)
        if name == comp:
            return tid
        if name == '(anon)' and T[b]['kind'] in ('STRUCT', 'UNION'):
            r = member_type(T, b, comp)
            if r is not None:
                return r
    return None

class Unsure(Exception):
    pass

def decl(T, tid, name):
    """C declaration of name with type tid, written without reference to libbpf."""
    t = T[tid]
    k = t['kind']
    sep = (' ' + name) if name and not name.startswith('*') else (' ' + name if name else '')
    if k == 'VOID':
        return 'void' + sep
    if k in ('INT', 'FLOAT', 'TYPEDEF'):
        return t['name'] + sep
    if k in ('STRUCT', 'UNION', 'ENUM', 'ENUM64', 'FWD'):
        if t['name'] == '(anon)':
            raise Unsure()
        word = {'STRUCT': 'struct', 'UNION': 'union', 'ENUM': 'enum', 'ENUM64': 'enum'}.get(k)
        if k == 'FWD':
            word = 'union' if t['kv'].get('fwd_kind') == 'union' else 'struct'
        return word + ' ' + t['name'] + sep
    if k == 'PTR':
        tgt = int(t['kv']['type_id'])
        if T[tgt]['kind'] in ('FUNC_PROTO', 'CONST', 'VOLATILE', 'ARRAY') and \
           T[tgt]['kind'] != 'CONST' or (T[tgt]['kind'] == 'CONST' and T[int(T[tgt]['kv']['type_id'])]['kind'] == 'PTR'):
            raise Unsure()
        return decl(T, tgt, '*' + name)
    if k in ('CONST', 'VOLATILE'):
        inner = int(t['kv']['type_id'])
        if T[inner]['kind'] in ('PTR', 'ARRAY'):
            raise Unsure()
        return k.lower() + ' ' + decl(T, inner, name)
    raise Unsure()

def proto(T, fname):
    fid = find(T, fname, ('FUNC',))
    if fid is None:
        return None
    p = T[int(T[fid]['kv']['type_id'])]
    params = []
    for name, kv in p['members']:
        tid = int(kv['type_id'])
        if tid == 0:
            params.append('...')
            continue
        params.append(decl(T, tid, '' if name == '(anon)' else name))
    return decl(T, int(p['kv']['ret_type_id']), '%s(%s)' % (fname, ', '.join(params) or 'void'))

def cmd_protos(raw, outfile):
    T = load(raw)
    n = bad = 0
    for line in open(outfile):
        line = line.rstrip('\n')
        if '/*' in line:
            continue                          # no BTF for this one
        line = re.sub(r' \[[\w-]+\]$', '', line)
        m = re.search(r'(\w+)\(', line)
        if not m:
            continue
        # the function name is the identifier right before the parameter list that
        # is not inside another parameter list
        depth = 0
        fname = None
        for mm in re.finditer(r'(\w+)\(|\(|\)', line):
            if mm.group(0).endswith('(') and mm.group(1) and depth == 0:
                fname = mm.group(1); break
            depth += 1 if mm.group(0).endswith('(') else -1
        try:
            want = proto(T, fname)
        except Unsure:
            continue
        if want is None:
            continue
        n += 1
        if want != line:
            bad += 1
            if bad <= 5:
                print('FAIL proto %s: got [%s] want [%s]' % (fname, line, want))
    if n and not bad:
        print('PASS prototypes (%d compared)' % n)
    elif not n:
        print('FAIL prototypes: nothing compared')

def cmd_funcs(raw, glob):
    T = load(raw)
    names = sorted({t['name'] for t in T.values() if t['kind'] == 'FUNC' and fnmatch.fnmatchcase(t['name'], glob)})
    print('\n'.join(names))

if __name__ == '__main__':
    c = sys.argv[1]
    if c == 'layout':
        T = load(sys.argv[2])
        args = sys.argv[3:]
        for i in range(0, len(args) - 1, 2):
            cmd_layout(T, args[i], args[i + 1])
    elif c == 'member':
        T = load(sys.argv[2])
        sid = bare(T, find(T, sys.argv[3], ('STRUCT', 'UNION', 'TYPEDEF')))
        for x in leaves(T, sid, 0, []):
            if x[0] == sys.argv[4]:
                print(x[1], x[2], x[3]); break
    elif c == 'protos':
        cmd_protos(sys.argv[2], sys.argv[3])
    elif c == 'funcs':
        cmd_funcs(sys.argv[2], sys.argv[3])
