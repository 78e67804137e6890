#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Python binding's cost per event (docs/PERFORMANCE.md "Python layer").

surftrace: N sys_enter_getppid events of a producer (producer.c) are buffered in the
session's instance, then drained through a Python callback that only counts; the same
drain with a C callback (st_count.c, the library alone) is the baseline. lbc: the same
events through a perf buffer (getppid.bpf.c), consumed while produced, Python callback
(decoded lbc.Struct) vs C callback. Prints one line per measurement and the binding's
added cost per event.
  sudo python3 bench/python/python_bench.py [N] [RUNS]
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
B = os.environ.get("B", "build")
sys.path.insert(0, os.path.join(ROOT, B, "python"))
import lbc  # noqa: E402
import surftrace  # noqa: E402

TMP = "/tmp/pybench.%d" % os.getpid()


def build():
    os.makedirs(TMP, exist_ok=True)
    libs = subprocess.run(["make", "-s", "-C", ROOT, "python-libs"], capture_output=True,
                          text=True, check=True).stdout
    st_libs = [l.split(":", 1)[1].split() for l in libs.splitlines()
               if l.startswith("surftrace:")][0]
    subprocess.run(["gcc", "-O2", "-o", TMP + "/producer", HERE + "/producer.c"], check=True)
    subprocess.run(["gcc", "-O2", "-I", ROOT + "/include", "-I", ROOT + "/lbc", "-o",
                    TMP + "/st_count", HERE + "/st_count.c", ROOT + "/" + B + "/libsurftrace.a",
                    ROOT + "/" + B + "/liblbc.a"] + st_libs, check=True)


def held_producer(n):
    r, w = os.pipe()
    p = subprocess.Popen(["sh", "-c", 'read x; exec "$0" "$1"', TMP + "/producer", str(n)],
                         stdin=r)
    os.close(r)
    return p, w


def py_surftrace(n):
    count = [0]

    def cb(ev):
        count[0] += 1
    p, go = held_producer(n)
    with surftrace.Surftrace("e syscalls/sys_enter_getppid f:common_pid==%d" % p.pid, cb=cb,
                             buffer_kb=65536) as s:
        os.write(go, b"go\n")
        p.wait()
        t = time.perf_counter()
        while count[0] < n:
            before = count[0]
            s.loop(timeout=0)
            if count[0] == before:
                break
        dt = time.perf_counter() - t
        lost = s.lost
    return count[0], dt, lost


def py_lbc(n):
    count = [0]

    def cb(ev):
        count[0] += 1
    p, go = held_producer(n)
    prog = lbc.Program(path=HERE + "/getppid.bpf.c", set={"filter_pid": p.pid})
    prog.on_event("out", cb)
    os.write(go, b"go\n")
    t = time.perf_counter()
    while count[0] < n:
        if prog.poll(50) == 0 and p.poll() is not None:
            prog.poll(0)
            break
    dt = time.perf_counter() - t
    lost = prog.lost
    prog.close()
    p.wait()
    return count[0], dt, lost


def c_both(n):
    p, go = held_producer(1)       # unused: st_count spawns its own producers
    os.write(go, b"go\n")
    p.wait()
    out = subprocess.run([TMP + "/st_count", TMP + "/producer", str(n), HERE + "/getppid.bpf.c"],
                         capture_output=True, text=True, check=True).stdout
    res = {}
    for l in out.splitlines():
        name, cnt, dt, _, lost = l.split()
        res[name] = (int(cnt), float(dt), int(lost))
    return res


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    build()
    rows = {"surftrace py": [], "surftrace C": [], "lbc py": [], "lbc C": []}
    for _ in range(runs):
        rows["surftrace py"].append(py_surftrace(n))
        rows["lbc py"].append(py_lbc(n))
        c = c_both(n)
        rows["surftrace C"].append(c["surftrace"])
        rows["lbc C"].append(c["lbc"])
    best = {}
    for k, v in rows.items():
        cnt, dt, lost = min(v, key=lambda r: r[1] / max(r[0], 1))
        best[k] = dt / max(cnt, 1)
        print("%-13s events %7d  lost %6d  %8.3f s  %9.0f ev/s  %6.3f us/event (best of %d)"
              % (k, cnt, lost, dt, cnt / dt if dt else 0, best[k] * 1e6, runs))
    for k in ("surftrace", "lbc"):
        print("%-13s binding adds %.3f us/event over the C callback"
              % (k, (best[k + " py"] - best[k + " C"]) * 1e6))
    subprocess.run(["rm", "-rf", TMP])


if __name__ == "__main__":
    main()
