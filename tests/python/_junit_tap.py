# SPDX-License-Identifier: MIT
"""Turns pytest's JUnit XML into TAP lines (tests/run.sh counts those)."""
import sys
import xml.etree.ElementTree as ET

n = fails = 0
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    n += 1
    name = "%s::%s" % (case.get("classname", "").rsplit(".", 1)[-1], case.get("name"))
    bad = case.find("failure") if case.find("failure") is not None else case.find("error")
    skipped = case.find("skipped")
    if bad is not None:
        fails += 1
        print("not ok %d - %s" % (n, name))
        for line in (bad.get("message") or "").splitlines()[:5]:
            print("# " + line)
    elif skipped is not None:
        print("ok %d - # SKIP %s: %s" % (n, name, (skipped.get("message") or "")[:120]))
    else:
        print("ok %d - %s" % (n, name))
if n == 0:
    print("not ok 1 - pytest ran no test")
    fails, n = 1, 1
print("1..%d" % n)
sys.exit(1 if fails else 0)
