# SPDX-License-Identifier: MIT
"""Shell suites: `check NAME COMMAND && MORE` asserts COMMAND only (the shell runs `&& MORE`
outside check, so its failure is never reported). Prints FILE:LINE of each such call
(continuation lines joined; quoted text ignored); tests/build/layout.sh fails on any."""
import re
import sys

CALL = re.compile(r'^\s*check ("(?:[^"\\]|\\.|\$\((?:[^()]|\([^()]*\))*\))*")(.*)$')
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')

for path in sys.argv[1:]:
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    for i, line in enumerate(lines):
        if not re.match(r'^\s*check "', line):
            continue
        full, j = line, i
        while full.rstrip().endswith("\\") and j + 1 < len(lines):
            j += 1
            full = full.rstrip()[:-1] + " " + lines[j].strip()
        m = CALL.match(full)
        if m and re.search(r'(^|[^|&])&&', QUOTED.sub("", m.group(2))):
            print("%s:%d" % (path, i + 1))
