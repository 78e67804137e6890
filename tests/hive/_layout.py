#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Top-level members of one struct layout as "name byte[:bit]" lines, from either
pahole's output (the DWARF oracle; members may carry __attribute__((__aligned__(N))))
or surftrace --struct's. usage: _layout.py FILE"""
import re, sys

member = re.compile(r'([A-Za-z_]\w*)(?:\[\d+\])*(?::\d+)?'
                    r'(?:\s*__attribute__\(\(\w+(?:\(\d+\))?\)\))?;\s*/\*\s*(\d+)(?::\s*(\d+))?')
depth = 0
for line in open(sys.argv[1]):
    opens, closes = line.count('{'), line.count('}')
    if depth == 1 and closes <= opens or depth == 2 and closes > opens:
        m = member.search(line)
        if m and (depth == 1 and not opens or depth == 2):
            bit = m.group(3)
            print(m.group(1), m.group(2) + (':' + bit if bit is not None else ''))
    depth += opens - closes
