# SPDX-License-Identifier: MIT
"""Surftrace sessions live on this kernel (tracepoints, uprobes): events with the values
the test itself caused, callbacks that stop or raise, Ctrl-C, memory over 100,000 events,
and nothing left in tracefs afterwards."""
import gc
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import surftrace

from conftest import as_nobody, leftovers, live

pytestmark = [live, pytest.mark.usefixtures("clean_tracefs")]
ME = os.getpid()
GETPPID = "e syscalls/sys_enter_getppid f:common_pid==%d" % ME
SELF = {"trace_self": True}     # these tests trace their own process


def ctype_int(v):
    """C's (int) of a long (two's complement wrap), for the target's return value."""
    v &= 0xffffffff
    return v - (1 << 32) if v >> 31 else v


def test_tracepoint_exec_events_of_a_child():
    seen = []
    with surftrace.Surftrace("e sched/sched_process_exec", cb=seen.append) as s:
        assert s.name == "surftrace_%d" % ME or s.name.startswith("surftrace_%d_" % ME)
        assert os.path.isdir("/sys/kernel/tracing/instances/" + s.name)
        child = subprocess.Popen(["/bin/sleep", "0.5"])
        s.loop(timeout=0.3)
        child.wait()
    mine = [e for e in seen if e.pid == child.pid]
    assert len(mine) == 1
    e = mine[0]
    assert (e.event, e.system, e.comm) == ("sched_process_exec", "sched", "sleep")
    assert e["filename"] == "/bin/sleep" and e["pid"] == child.pid
    assert e.expr == "e sched/sched_process_exec" and e.index == 0
    assert isinstance(e.time, float) and e.time > 0 and 0 <= e.cpu < os.cpu_count()
    assert e.stack == []
    assert "sched_process_exec: filename=/bin/sleep pid=%d" % child.pid in e.line
    assert s.name is None and leftovers(ME) == []


def test_uprobe_typed_values(target):
    exprs = ["P %s:py_target neg=%%0 name=%%1 ip_addr=%%2 big=%%3" % target,
             "R %s:py_target r=$retval" % target]
    seen = []
    with surftrace.Surftrace(exprs, cb=seen.append) as s:
        proc = subprocess.Popen([target, "3", "wait"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        truth = [proc.stdout.readline().split() for _ in range(3)]
        s.loop(timeout=0.3)
        proc.communicate()
    calls = [e for e in seen if e.event == "p0"]
    rets = [e for e in seen if e.event == "r1"]
    assert len(calls) == 3 and len(rets) == 3
    for e, (neg, name, ip, big) in zip(calls, truth):
        assert e["neg"] == int(neg) and e["neg"] < 0
        assert e["name"] == name and isinstance(e["name"], str)      # UTF-8 kept
        assert e["ip_addr"] == ip                                      # dotted quad
        assert e["big"] == int(big)
        assert e.expr == exprs[0] and e.comm == "pytarget"
        assert ("neg=%s" % neg) in e.line and ('name="%s"' % name) in e.line
        assert sorted(e.keys()) == ["big", "ip_addr", "name", "neg"]
    for e, (neg, name, ip, big) in zip(rets, truth):
        want = int(neg) + len(name.encode()) + (int(ip.split(".")[3]) >> 8 & 1) + ctype_int(int(big))
        assert e["r"] == ctype_int(want)


def test_stack_is_symbolized():
    seen = []
    with surftrace.Surftrace(GETPPID, cb=seen.append, stack=True, **SELF) as s:
        os.getppid()
        s.loop(timeout=0.2)
    assert len(seen) == 1
    st = seen[0].stack
    assert any(f.startswith("do_syscall_64+0x") for f in st), st
    # the text line carries the same frames (one home for symbolizing)
    assert ["  => " + f for f in st] == seen[0].line.splitlines()[1:]


def test_event_kept_after_callback_keeps_its_values():
    kept = []
    with surftrace.Surftrace(GETPPID, cb=kept.append, **SELF) as s:
        os.getppid()
        s.loop(timeout=0.2)
    e = kept[0]
    assert e.event == "sys_enter_getppid" and e["__syscall_nr"] == 110 and e.pid == ME
    assert "sys_getppid()" in e.line
    assert "missing" not in e and e.get("missing", 7) == 7
    with pytest.raises(KeyError):
        e["missing"]


def test_callback_true_returns_and_session_goes_on():
    n = []

    def cb(ev):
        n.append(ev.pid)
        return True
    with surftrace.Surftrace(GETPPID, cb=cb, **SELF) as s:
        for _ in range(3):
            os.getppid()
        t = time.monotonic()
        s.loop(timeout=5)
        assert time.monotonic() - t < 2 and len(n) == 1
        s.loop(timeout=0.2)
        s.loop(timeout=0.2)
        assert len(n) == 3


def test_own_process_not_traced_by_default():
    seen = []
    with surftrace.Surftrace(GETPPID, cb=seen.append) as s:
        os.getppid()
        s.loop(timeout=0.2)
    assert seen == []


def test_timeout_returns_on_time():
    with surftrace.Surftrace(GETPPID, cb=lambda e: None) as s:
        t = time.monotonic()
        s.loop(timeout=0.3)
        assert 0.25 < time.monotonic() - t < 1.5
        s.loop(timeout=0)


def test_no_callback_prints_lines(capsys):
    with surftrace.Surftrace(GETPPID, **SELF) as s:
        os.getppid()
        s.loop(timeout=0.2)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and "sys_getppid()" in out[0] and ("-%d " % ME) in out[0]


class Boom(Exception):
    pass


def test_exception_in_callback_stops_cleanly_and_propagates():
    calls = []

    def cb(ev):
        calls.append(1)
        raise Boom("from cb")
    s = surftrace.Surftrace(GETPPID, cb=cb, **SELF)
    s.start()
    for _ in range(5):
        os.getppid()
    with pytest.raises(Boom, match="from cb"):
        s.loop(timeout=2)
    assert calls == [1]                  # nothing more delivered after the raise
    assert leftovers(ME) == []           # stopped before the exception reached us
    with pytest.raises(RuntimeError):
        s.loop(timeout=0)
    s.stop()                             # idempotent


def test_exception_inside_with_block_cleans_up():
    with pytest.raises(Boom):
        with surftrace.Surftrace(GETPPID, cb=lambda e: None) as s:
            assert leftovers(ME) != []
            raise Boom()
    assert leftovers(ME) == []


def test_dropping_the_object_cleans_up():
    s = surftrace.Surftrace(GETPPID, cb=lambda e: None)
    s.start()
    assert leftovers(ME) != []
    del s
    gc.collect()
    assert leftovers(ME) == []


def test_misuse_is_an_exception():
    s = surftrace.Surftrace(GETPPID)
    with pytest.raises(RuntimeError):
        s.loop()
    s.start()
    with pytest.raises(RuntimeError):
        s.start()
    with pytest.raises(ValueError):
        s.loop(timeout=-1)
    s.stop()
    with pytest.raises(TypeError):
        surftrace.Surftrace(GETPPID, cb=3)
    with pytest.raises(ValueError):
        surftrace.Surftrace(GETPPID, buffer_kb=-1)


def test_kernel_refusal_is_oserror():
    # a buffer the kernel cannot allocate: translation passes, the kernel refuses
    with pytest.raises(OSError):
        with surftrace.Surftrace(GETPPID, cb=lambda e: None, buffer_kb=1 << 40):
            pass


@as_nobody
def test_not_root_is_oserror():
    code = textwrap.dedent("""
        import surftrace
        try:
            surftrace.Surftrace('e syscalls/sys_enter_getppid').start()
        except OSError as e:
            print('OSError', e)
    """)
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                        sys.executable, "-c", code], capture_output=True, text=True, cwd="/",
                       env={"PYTHONPATH": os.environ.get("PYTHONPATH", "")})
    assert r.stdout.startswith("OSError"), r.stdout + r.stderr


def test_ctrl_c_stops_cleanly(tmp_path):
    code = textwrap.dedent("""
        import os, sys, surftrace
        s = surftrace.Surftrace('e syscalls/sys_enter_getppid f:common_pid==%d' % os.getpid(),
                                cb=lambda e: None)
        s.start()
        name = s.name
        print(name, flush=True)
        try:
            s.loop()
        except KeyboardInterrupt:
            print('KeyboardInterrupt', os.path.exists('/sys/kernel/tracing/instances/' + name),
                  flush=True)
            raise
    """)
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    name = p.stdout.readline().strip()
    assert name == "surftrace_%d" % p.pid
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    assert out.strip() == "KeyboardInterrupt False"
    assert "KeyboardInterrupt" in err and p.returncode != 0
    assert leftovers(p.pid) == []


def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() // 1024


def test_100k_events_memory_flat_and_none_lost():
    count = [0]
    keep = []

    def cb(ev):
        count[0] += 1
        if ev["__syscall_nr"] != 110:
            keep.append(ev)
    with surftrace.Surftrace(GETPPID, cb=cb, buffer_kb=2048, **SELF) as s:
        rss = []
        for _ in range(10):
            for _ in range(10000):
                os.getppid()
            s.loop(timeout=0)
            rss.append(rss_kb())
        s.loop(timeout=0.2)
        assert s.lost == 0
    assert count[0] == 100000 and keep == []
    del s
    # the first rounds warm allocators; after that the callback path must not grow
    assert rss[-1] - rss[2] < 2048, rss
    assert sys.getrefcount(cb) == 2
