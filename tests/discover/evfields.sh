#!/bin/bash
# SPDX-License-Identifier: MIT
# Event fields have one reader (src/types/evformat.c, libtraceevent): -L --json lists, for
# every trace event of this kernel, each own field with the name, declaration, offset, size
# and signedness its format file gives. Oracle: the format files parsed here in Python
# (the declaration's last identifier is the name, brackets after it excepted; a __data_loc
# declaration ends with the name).
. "$(dirname "$0")/../lib.sh"
if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "event fields: needs root, tracefs and $ST"; tap_done; exit 0
fi
T=$(mktemp -d /tmp/st_evfields.XXXXXX)
trap 'rm -rf "$T"' EXIT
"$ST" -L '*/*' --json >"$T/L" 2>"$T/e"; rc=$?
expect "-L '*/*' --json exits 0" '[ $rc = 0 ]'
python3 - "$T/L" "$TRACEFS" >"$T/r" <<'PY'
import json, re, sys
events = checked = bad = dataloc = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("kind") != "event" or "fields" not in r:
        continue
    try:
        text = open(f"{sys.argv[2]}/events/{r['name']}/format").read()
    except OSError:
        continue              # an event of someone's run, gone meanwhile
    want = []
    for m in re.finditer(r"field:([^;]*);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d+);", text):
        decl = m.group(1)
        head = decl if decl.startswith(("__data_loc", "__rel_loc")) else decl.split("[")[0]
        name = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", head)[-1]
        if name.startswith("common_"):
            continue
        want.append({"name": name, "decl": decl, "offset": int(m.group(2)),
                     "size": int(m.group(3)), "signed": m.group(4) != "0"})
        dataloc += decl.startswith("__data_loc")
    events += 1
    checked += len(want)
    if want != r["fields"]:
        bad += 1
        if bad <= 3:
            print("# differs:", r["name"], want, r["fields"])
print(events, checked, bad, dataloc)
PY
read -r events checked bad dataloc <<<"$(tail -1 "$T/r")"
grep '^#' "$T/r"
expect "every event's fields as its format file gives them ($events events, $checked fields, $bad differ)" \
	'[ "${events:-0}" -gt 100 ] && [ "$bad" = 0 ]'
expect "__data_loc fields are named by their name, not 'char' ($dataloc of them)" \
	'[ "${dataloc:-0}" -gt 0 ] && [ "$bad" = 0 ]'
sig=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("name") == "sched/sched_switch":
        print([f["signed"] for f in r["fields"] if f["name"] == "prev_state"][0])' "$T/L")
expect "sched_switch's prev_state (a __print_flags field) is signed as its format says ($sig)" '[ "$sig" = True ]'
tap_done
