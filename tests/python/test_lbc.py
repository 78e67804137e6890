# SPDX-License-Identifier: MIT
"""The lbc module and pylcc's ClbcBase, live on this kernel (tracepoints, raw_tp, tp_btf,
uprobes, perf_event): decoded values equal what the test caused (its own forks, calls,
pids), maps behave like dicts, stacks are symbolized, errors are exceptions, and nothing
stays loaded afterwards."""
import ctypes as ct
import os
import resource
import subprocess
import sys
import textwrap

import pytest

import lbc
from pylcc.lbcBase import ClbcBase

from conftest import ROOT, leftovers, live

pytestmark = [live, pytest.mark.usefixtures("clean_tracefs")]
EX = os.path.join(ROOT, "examples", "lbc")
ME = os.getpid()
with open("/proc/self/comm") as f:
    MY_COMM = f.read().strip()


@pytest.fixture(autouse=True)
def cache(tmp_path_factory, monkeypatch):
    # one private compile cache for the whole session (as the lbc suites do)
    d = tmp_path_factory.getbasetemp() / "lbc-cache"
    d.mkdir(mode=0o700, exist_ok=True)
    monkeypatch.setenv("LBC_CACHE_DIR", str(d))


def src(name):
    with open(os.path.join(EX, name)) as f:
        return f.read()


def fork_children(n):
    """n children of this process; their pids (the ground truth)."""
    pids = []
    for _ in range(n):
        p = subprocess.Popen(["/bin/true"])
        p.wait()
        pids.append(p.pid)
    return pids


def prog_ids(p):
    """Kernel ids of p's programs, from /proc/self/fdinfo (independent of lbc)."""
    ids = []
    for _name, _sec, fd in p.programs:
        with open("/proc/self/fdinfo/%d" % fd) as f:
            ids += [int(l.split()[1]) for l in f if l.startswith("prog_id:")]
    return ids


def loaded(ids, gone=False):
    """ids still loaded, by bpftool; gone=True waits up to 2 s for the kernel's deferred
    free of unloaded programs."""
    import time
    for _ in range(20):
        out = subprocess.run(["bpftool", "prog", "show"], capture_output=True, text=True).stdout
        have = {int(l.split(":")[0]) for l in out.splitlines() if l and l[0].isdigit()}
        left = sorted(set(ids) & have)
        if not gone or not left:
            return left
        time.sleep(0.1)
    return left


def test_event_out_decoded_and_unloaded():
    with lbc.Program(source=src("eventOut_tp.bpf.c"), name="eventOut") as p:
        ids = prog_ids(p)
        assert ids and loaded(ids) == ids
        got = []
        p.on_event("e_out", got.append)
        kids = fork_children(3)
        while len([e for e in got if e.p_pid in kids]) < 3:
            assert p.poll(2000) > 0
        mine = [e for e in got if e.c_pid == ME and e.p_pid in kids]
        assert sorted(e.p_pid for e in mine) == sorted(kids)
        for e in mine:
            assert e.c_comm == MY_COMM and e.p_comm == MY_COMM
            assert isinstance(e.c_comm, str) and isinstance(e.c_pid, int)
            assert e._asdict().keys() == {"c_pid", "p_pid", "c_comm", "p_comm"}
        assert p.lost == 0
    assert p.closed and loaded(ids, gone=True) == []


def test_hash_maps_behave_like_dicts():
    p = lbc.Program(path=os.path.join(EX, "hashMap_tp.bpf.c"))
    try:
        fork_children(4)
        m = p.maps["pid_cnt"]
        assert m[ME] == 4 and ME in m and m.get(ME) == 4
        assert dict(m.items())[ME] == 4 and ME in m.keys() and 4 in m.values()
        assert len(m) == len(m.keys()) >= 1
        assert m.get(-5 & 0xffffffff, "none") == "none"
        with pytest.raises(KeyError):
            m[0xfffffff0]
        # per-CPU values are summed; struct keys decode to lbc.Struct with a str member
        cc = p.maps["comm_cnt"]
        assert cc.percpu
        by_comm = {k.comm: v for k, v in cc.items()}
        assert by_comm[MY_COMM] == 4
        assert cc[MY_COMM] == 4                      # a str key for a char[16] struct
        key = [k for k in cc.keys() if k.comm == MY_COMM][0]
        assert cc[key] == 4 and isinstance(key, lbc.Struct) and len(key.raw) == 16
        # pylcc names
        assert m.get()[ME] == 4 and ME in m.getKeys() and m.getKeyValue(ME) == 4
        assert m.getKeyValue(0xfffffff0) is None
        m[ME] = 40
        assert m[ME] == 40
        del m[ME]
        assert ME not in m
        with pytest.raises(KeyError):
            del m[ME]
        fork_children(2)
        assert m.getThenClear()[ME] == 2 and ME not in m
        fork_children(1)
        assert m.get_then_clear()[ME] == 1
        fork_children(1)
        m.clear()
        assert ME not in m
        with pytest.raises(ValueError):
            m["x" * 40]
        with pytest.raises(OverflowError):
            m[1 << 40]
    finally:
        p.close()


def test_call_stack_symbolized():
    p = lbc.Program(source=src("callStack_tp.bpf.c"), name="callStack")
    got = []
    p.on_event("e_out", got.append)
    kids = fork_children(1)
    while not [e for e in got if e.p_pid in kids]:
        assert p.poll(2000) > 0
    e = [e for e in got if e.p_pid in kids][0]
    assert any(f.startswith("kernel_clone+0x") for f in e.stack_id_frames)
    assert any(f.startswith("do_syscall_64+0x") for f in e.stack_id_frames)
    assert p.maps["call_stack"].getStacks(e.stack_id) == e.stack_id_frames
    assert p.stack(e.stack_id) == e.stack_id_frames
    with pytest.raises(TypeError):
        p.maps["pid_cnt" if "pid_cnt" in p.maps else "e_out"].getStacks(1)
    p.close()


def test_set_constants_filter_pid():
    # dynamicVar: only forks of the chosen process; a fork of a child is not reported
    p = lbc.Program(source=src("dynamicVar_tp.bpf.c"), name="dynamicVar",
                    set={"filter_pid": ME})
    got = []
    p.on_event("e_out", got.append)
    kids = fork_children(2)
    subprocess.run(["sh", "-c", "/bin/true; /bin/true"])   # forks by another process
    p.poll(300)
    while p.poll(100):
        pass
    assert sorted(e.p_pid for e in got if e.p_pid in kids) == sorted(kids)
    assert {e.c_pid for e in got} == {ME}
    p.close()


def test_pylcc_event_out_like_the_seed():
    class CeventOut(ClbcBase):
        def __init__(self):
            super(CeventOut, self).__init__("eventOut", bpf_str=src("eventOut_tp.bpf.c"))
            self.seen = []

        def _cb(self, cpu, data, size):
            stream = ct.string_at(data, size)
            e = self.maps['e_out'].event(stream)
            self.seen.append((cpu, e))

    c = CeventOut()
    c.maps["e_out"].open_perf_buffer(c._cb)
    kids = fork_children(2)
    while len([e for _, e in c.seen if e.p_pid in kids]) < 2:
        c.maps["e_out"].perf_buffer_poll(2000)
    for cpu, e in c.seen:
        assert 0 <= cpu < os.cpu_count()
    mine = [e for _, e in c.seen if e.p_pid in kids]
    assert {e.c_pid for e in mine} == {ME} and {e.p_comm for e in mine} == {MY_COMM}
    assert isinstance(c, lbc.Program)
    c.close()


def test_pylcc_finds_name_bpf_c_beside_the_script(tmp_path):
    (tmp_path / "independ.bpf.c").write_text(src("independ_tp.bpf.c"))
    script = tmp_path / "sep.py"
    script.write_text(textwrap.dedent("""
        import os
        from pylcc.lbcBase import ClbcBase
        class codeSeparate(ClbcBase):
            def __init__(self):
                super(codeSeparate, self).__init__("independ")
        c = codeSeparate()
        print(sorted(c.maps), [s for _, s, _ in c.programs])
    """))
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd="/")
    assert r.returncode == 0, r.stderr
    assert "'e_out'" in r.stdout
    r = subprocess.run([sys.executable, "-c", "from pylcc.lbcBase import ClbcBase; "
                        "ClbcBase('nosuchprog')"], capture_output=True, text=True, cwd="/")
    assert "FileNotFoundError" in r.stderr and "nosuchprog.bpf.c" in r.stderr


UPROBE = r"""
#include "lbc.h"
struct ev { u32 pid; int arg; s32 ustack_id; };
LBC_RINGBUF(events, struct ev, 1 << 16);
LBC_STACK(stacks, 1024);
LBC_HIST_LOG2(arg_log2);
SEC("uprobe")
int BPF_KPROBE(on_tick, int i)
{
    struct ev e = { .pid = bpf_get_current_pid_tgid() >> 32, .arg = i };
    e.ustack_id = bpf_get_stackid(ctx, &stacks, USER_STACKID_FLAGS);
    lbc_ringbuf_output(&events, &e);
    lbc_hist_log2_inc(&arg_log2, i);
    return 0;
}
char _license[] SEC("license") = "GPL";
"""


def test_uprobe_by_path_symbol_ring_buffer_user_stack_hist(target, capsys):
    p = lbc.Program(source=UPROBE, name="pyuprobe", attach=False)
    # attached for every process, then the run: 5 calls with 0..4
    p.attach_uprobe("on_tick", target + ":py_tick")
    proc = subprocess.run([target, "loop", "5"], capture_output=True)
    got = []
    p.on_event("events", got.append)
    while p.poll(200):
        pass
    calls = [e for e in got if e.pid != 0 and e.arg in range(5)]
    assert sorted(e.arg for e in calls)[-5:] == [0, 1, 2, 3, 4]
    # frames of a process that has exited cannot be read from /proc: raw or symbolized
    assert all(isinstance(f, str) for e in calls for f in e.ustack_id_frames)
    buckets = p.maps["arg_log2"].get()
    assert sum(buckets.values()) == len(calls)
    # 0 -> bucket 0, 1 -> [1, 2), 2 and 3 -> [2, 4), 4 -> [4, 8)
    assert {k: v for k, v in buckets.items() if v} == {0: 1, 1: 1, 2: 2, 3: 1}
    p.maps["arg_log2"].showHist()
    out = capsys.readouterr().out
    assert "arg_log2:" in out and "distribution" in out
    with pytest.raises(OSError):
        p.attach_uprobe("on_tick", target + ":no_such_symbol_xyz")
    with pytest.raises(ValueError):
        p.attach_uprobe("on_tick", target)
    p.close()


def test_uprobe_pid_filter_and_live_user_stack(target):
    p = lbc.Program(source=UPROBE, name="pyuprobe", attach=False)
    got = []
    p.on_event("events", got.append)
    a, b = [subprocess.Popen([target, "waitloop", "3"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE) for _ in range(2)]
    p.attach_uprobe("on_tick", target + ":py_tick", pid=a.pid)
    a.stdin.write(b"go\n")
    a.stdin.flush()
    while len(got) < 3:
        assert p.poll(2000) > 0
    frames = [e.ustack_id_frames for e in got]       # read while `a` still lives
    a.communicate()
    b.communicate(b"go\n")
    assert p.poll(300) == 0
    while p.poll(200):
        pass
    assert [e.pid for e in got] == [a.pid] * 3 and [e.arg for e in got] == [0, 1, 2]
    for f in frames:
        assert f[0].startswith("py_tick+0x0") and "(pytarget)" in f[0]
        # frame pointers: at a function's first instruction the caller (main) is
        # skipped by the kernel's unwinder (docs/LBC.md), libc's frame is next
        assert len(f) >= 2 and any("libc" in x for x in f[1:]), f
    p.close()


def test_manual_tracepoint_and_perf_event():
    code = r"""
    #include "lbc.h"
    LBC_HASH(forks, u32, u64, 64);
    LBC_HASH(samples, u32, u64, 64);
    SEC("tracepoint")
    int on_fork(struct trace_event_raw_sched_process_fork *ctx)
    {
        u32 pid = ctx->parent_pid; u64 one = 1, *c = bpf_map_lookup_elem(&forks, &pid);
        if (c) *c += 1; else bpf_map_update_elem(&forks, &pid, &one, BPF_ANY);
        return 0;
    }
    SEC("perf_event")
    int on_sample(void *ctx)
    {
        u32 pid = bpf_get_current_pid_tgid() >> 32; u64 one = 1, *c = bpf_map_lookup_elem(&samples, &pid);
        if (c) *c += 1; else bpf_map_update_elem(&samples, &pid, &one, BPF_ANY);
        return 0;
    }
    char _license[] SEC("license") = "GPL";
    """
    p = lbc.Program(source=textwrap.dedent(code), name="pymanual", attach=False)
    fork_children(1)
    assert ME not in p.maps["forks"]                      # nothing attached yet
    p.attach_tracepoint("on_fork", "sched/sched_process_fork")
    fork_children(3)
    assert p.maps["forks"][ME] == 3
    p.attach_perf_event("on_sample", pid=ME, freq=997)
    import time
    t = time.monotonic()
    while time.monotonic() - t < 0.3:
        pass
    assert p.maps["samples"].get(ME, 0) > 10
    assert set(p.maps["samples"].keys()) == {ME}          # only this process sampled
    with pytest.raises(ValueError):
        p.attach_tracepoint("on_fork", "nonsense")
    with pytest.raises(OSError):
        p.attach_tracepoint("no_such_prog", "sched/sched_process_fork")
    p.close()


def test_kprobe_attach_is_refused_with_a_reason():
    p = lbc.Program(source=src("eventOut.bpf.c"), name="eventOut_kprobe", attach=False)
    with pytest.raises(OSError) as ei:
        p.attach_kprobe("j_wake_up_new_task", "wake_up_new_task")
    if os.path.exists("/sys/kernel/tracing/kprobe_events"):
        pytest.skip("this kernel has kprobes")
    assert "no kprobe events" in str(ei.value)
    with pytest.raises(OSError):
        lbc.Program(source=src("eventOut.bpf.c"), name="eventOut_kprobe")   # SEC() attach
    p.close()


def test_printk_lines_reach_stdout(capsys):
    p = lbc.Program(source=src("hello_tp.bpf.c"), name="hello")
    assert os.path.isdir("/sys/kernel/tracing/instances/lbc_%d" % ME)
    kids = fork_children(2)
    out = ""
    for _ in range(20):
        p.poll(100)
        out += capsys.readouterr().out
        if all(("child: %d" % k) in out for k in kids):
            break
    for k in kids:
        assert ("hello lcc, parent: %d child: %d" % (ME, k)) in out
    p.close()
    assert not os.path.exists("/sys/kernel/tracing/instances/lbc_%d" % ME)


def test_errors_are_exceptions(tmp_path):
    with pytest.raises(lbc.LbcError) as ei:
        lbc.Program(source='#include "lbc.h"\nint x = ;\n', name="broken")
    assert "broken" in str(ei.value) and "error" in str(ei.value)
    with pytest.raises(FileNotFoundError):
        lbc.Program(path=str(tmp_path / "missing.bpf.c"))
    with pytest.raises(TypeError):
        lbc.Program()
    with pytest.raises(TypeError):
        lbc.Program(path="a", source="b")
    with pytest.raises(ValueError):
        lbc.Program(source=src("dynamicVar_tp.bpf.c"), set={"no_such_const": 1})
    with pytest.raises(OSError) as ei:       # the verifier refuses: its words are kept
        lbc.Program(source=textwrap.dedent(r'''
            #include "lbc.h"
            LBC_HASH(m, u32, u32, 4);
            SEC("tracepoint/sched/sched_process_fork")
            int f(void *ctx) { u32 k = 0; u32 *v = bpf_map_lookup_elem(&m, &k); return *v; }
            char _license[] SEC("license") = "GPL";'''), name="unsafe")
    assert "map_value_or_null" in str(ei.value)
    p = lbc.Program(source=src("eventOut_tp.bpf.c"), name="eventOut")
    with pytest.raises(KeyError):
        p.maps["nope"]
    with pytest.raises(TypeError):
        p.maps["e_out"][1]
    with pytest.raises(TypeError):
        p.on_event("e_out", 3)

    def boom(ev):
        raise RuntimeError("in callback")
    p.on_event("e_out", boom)
    fork_children(1)
    with pytest.raises(RuntimeError, match="in callback"):
        for _ in range(20):
            p.poll(100)
    p.close()
    with pytest.raises(RuntimeError):
        p.poll(0)


def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() // 1024


GETPPID = os.path.join(ROOT, "bench", "python", "getppid.bpf.c")   # one perf record per getppid()


def test_100k_perf_events_memory_flat():
    p = lbc.Program(path=GETPPID, set={"filter_pid": ME})
    n = [0]

    def cb(ev):
        n[0] += ev.pid == ME
    p.on_event("out", cb)
    rss = []
    for _ in range(20):
        for _ in range(5000):
            os.getppid()
        while p.poll(0):
            pass
        rss.append(rss_kb())
    assert n[0] == 100000 and p.lost == 0
    assert rss[-1] - rss[3] < 2048, rss
    p.close()
    assert sys.getrefcount(cb) == 2
