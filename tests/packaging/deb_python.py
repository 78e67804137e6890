# SPDX-License-Identifier: MIT
"""Run by tests/packaging/deb.sh from outside the source tree with PYTHONPATH and
LD_LIBRARY_PATH pointing into the root the python3-surftrace, libsurftrace0 and liblbc0
packages were extracted to. Prints `key<TAB>json` lines for deb.sh to compare with ground
truth: where the modules and the libraries they loaded came from, the translation of
expressions (surftrace -S), a refused expression, and with `--live` (root, tracefs, BPF)
a tracepoint session and a BPF program that each see an exec this script causes."""
import json
import os
import subprocess
import sys

import lbc
import pylcc.lbcBase
import surftrace


def out(key, value):
    print("%s\t%s" % (key, json.dumps(value)), flush=True)


def loaded():
    """The files of libsurftrace and liblbc this process mapped."""
    with open("/proc/self/maps") as f:
        paths = {l.split()[-1] for l in f if l.count("/")}
    return sorted(p for p in paths
                  if os.path.basename(p).startswith(("libsurftrace.so", "liblbc.so")))


def shown(exprs):
    return [d["fxpr"] for d in surftrace.show(exprs)]


def refused(expr):
    try:
        surftrace.show(expr)
    except surftrace.ExprError as e:
        return {"col": e.col, "msg": str(e)}
    return None


def exec_child():
    child = subprocess.Popen(["/bin/true"])
    child.wait()
    return child.pid


def live_session():
    """A surftrace session on sched_process_exec: the event of the child we run."""
    seen = []
    box = {}

    def cb(ev):
        seen.append((ev.pid, ev["filename"], ev.comm))
        return ev.pid == box.get("pid")

    with surftrace.Surftrace("e sched/sched_process_exec", cb=cb) as s:
        name = s.name
        box["pid"] = exec_child()
        s.loop(timeout=5)
    mine = [e for e in seen if e[0] == box["pid"]]
    left = [i for i in os.listdir("/sys/kernel/tracing/instances") if i == name]
    return {"pid": box["pid"], "events": mine, "instance": name, "left": left}


BPF = r"""
#include "lbc.h"
LBC_HASH(execs, u32, u32, 64);
SEC("tracepoint/sched/sched_process_exec")
int on_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	u32 pid = ctx->pid, one = 1, *c = bpf_map_lookup_elem(&execs, &pid);
	if (c)
		*c += 1;
	else
		bpf_map_update_elem(&execs, &pid, &one, BPF_ANY);
	return 0;
}
char _license[] SEC("license") = "GPL";
"""


def live_lbc():
    """A BPF program compiled and attached through liblbc: its map counts our child."""
    with lbc.Program(source=BPF, name="debpy") as p:
        ids = []
        for _, _, fd in p.programs:
            with open("/proc/self/fdinfo/%d" % fd) as f:
                ids += [int(l.split()[1]) for l in f if l.startswith("prog_id:")]
        pid = exec_child()
        count = p.maps["execs"].get(pid)
    return {"pid": pid, "count": count, "prog_ids": ids}


out("files", [m.__file__ for m in (surftrace, lbc, pylcc, pylcc.lbcBase)])
out("libs", loaded())
out("version", [surftrace.__version__, lbc.__version__])
out("class", pylcc.lbcBase.ClbcBase.__name__)
out("show", shown(sys.argv[sys.argv.index("--show") + 1:]) if "--show" in sys.argv else [])
out("refused", refused("p do_filp_open x=%0->nosuch"))
if "--live" in sys.argv:
    out("session", live_session())
    out("lbc", live_lbc())
