# SPDX-License-Identifier: MIT
"""examples/python: every example prints --help; the seed's pylcc programs and the
surftools run live here on the trace events / BPF attach points this kernel has, with
values the test caused itself (its own forks, connections, writes); their kprobe forms
are refused with a reason (no kprobe events here) or checked by translation against
`surftrace -S --json`."""
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import BUILD, ROOT, cli, leftovers, live

EXD = os.path.join(ROOT, "examples", "python")
PYLCC = ["hello", "eventOut", "dynamicVar", "hashMap", "callStack", "codeSeparate"]
SURFTOOLS = ["tcpconnect", "tcplife", "biosnoop", "oomkill"]
ME = os.getpid()
with open("/proc/self/comm") as f:
    MY_COMM = f.read().strip()


def env():
    e = dict(os.environ)
    e["PYTHONPATH"] = os.path.join(BUILD, "python")
    e["PYTHONUNBUFFERED"] = "1"      # each line reaches the pipe when printed (until_seen)
    return e


def start(name, *args, cwd=None):
    return subprocess.Popen([sys.executable, os.path.join(EXD, name + ".py"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env(), cwd=cwd)


def wait_bpf_attached(p, n=1, timeout=30):
    """Until process p holds n BPF links (its programs are attached), from /proc."""
    t = time.monotonic()
    while time.monotonic() - t < timeout:
        try:
            links = [os.readlink("/proc/%d/fd/%s" % (p.pid, fd))
                     for fd in os.listdir("/proc/%d/fd" % p.pid)]
        except OSError:
            links = []
        # links appear when attached (perf buffers' perf_event fds exist before)
        if sum(l == "anon_inode:bpf_link" for l in links) >= n:
            return True
        if p.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def until_seen(p, done, timeout=30):
    """p's stdout so far, read until done(its complete lines) holds (or p closed it, or
    timeout s): the test waits for the events it caused, not for a fixed -t. Only whole
    lines count: print() writes the newline apart, and a Ctrl-C before it would glue the
    next output to the line. Read from the fd, so p.communicate() later returns the rest."""
    fd, buf, end = p.stdout.fileno(), b"", time.monotonic() + timeout
    while not done(buf[:buf.rfind(b"\n") + 1].decode(errors="replace")):
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf += chunk
    return buf.decode(errors="replace")


def interrupt(p, seen):
    """Ctrl-C once the events were seen: (all stdout, stderr) after p exited."""
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    return seen + out, err


def wait_tracing(p):
    """Until the tool printed its header: it does so once its session has started. What
    came after the header is in p.early."""
    p.header, _, p.early = until_seen(p, lambda o: "\n" in o).partition("\n")
    return p.header.split()[:1] in (["PID"], ["TIME(s)"])


def forks(n):
    pids = []
    for _ in range(n):
        c = subprocess.Popen(["/bin/true"])
        c.wait()
        pids.append(c.pid)
    return pids


@pytest.mark.parametrize("name", PYLCC + SURFTOOLS)
def test_help(name):
    r = subprocess.run([sys.executable, os.path.join(EXD, name + ".py"), "--help"],
                       capture_output=True, text=True, env=env())
    assert r.returncode == 0 and r.stdout.startswith("usage: ")
    assert "--kprobe" in r.stdout and "--time" in r.stdout


@live
def test_hello_prints_printk_lines():
    p = start("hello")
    assert wait_bpf_attached(p), p.communicate()
    kids = forks(2)
    want = ["hello lcc, parent: %d child: %d" % (ME, k) for k in kids]
    out, err = interrupt(p, until_seen(p, lambda o: all(w in o for w in want)))
    assert p.returncode == 0, err
    for w in want:
        assert w in out, out + err
    assert leftovers(p.pid) == []


def seed_line(kid):
    return "current pid:%d, comm:%s. wake_up_new_task pid: %d, comm: %s" % (ME, MY_COMM, kid,
                                                                            MY_COMM)


@live
@pytest.mark.parametrize("name,cwd", [("eventOut", None), ("codeSeparate", "/")])
def test_event_out_lines(name, cwd):
    p = start(name, cwd=cwd)
    assert wait_bpf_attached(p), p.communicate()
    kids = forks(3)
    out, err = interrupt(p, until_seen(
        p, lambda o: all(seed_line(k) in o.splitlines() for k in kids)))
    assert p.returncode == 0, err
    for k in kids:
        assert seed_line(k) in out.splitlines(), out


@live
def test_dynamic_var_only_the_chosen_parent():
    p = start("dynamicVar", str(ME))
    assert wait_bpf_attached(p), p.communicate()
    kids = forks(2)
    sh = subprocess.Popen(["sh", "-c", "/bin/true; /bin/true"])   # sh's forks: not ours
    sh.wait()
    kids.append(sh.pid)
    # A last fork of ours after sh's: its line comes after any line of sh's forks.
    kids += forks(1)
    out, err = interrupt(p, until_seen(p, lambda o: seed_line(kids[-1]) in o.splitlines()))
    lines = out.splitlines()
    assert lines[-1:] == ["key interrupt."] and p.returncode == 0, out + err
    assert sorted(lines[:-1]) == sorted(seed_line(k) for k in kids), out + err


@live
def test_hash_map_counts_our_forks():
    # Counted in the kernel's map as each fork happens: the dump after Ctrl-C has them all.
    p = start("hashMap")
    assert wait_bpf_attached(p), p.communicate()
    forks(5)
    out, err = interrupt(p, "")
    assert p.returncode == 0, err
    counts = eval(out.strip().splitlines()[-1])          # the dict the example printed
    assert counts[ME] == 5, out + err


@live
def test_time_option_ends_the_run():
    """-t SECONDS, the pylcc examples' shared option: the run ends by itself, exits 0 with
    its final output (hashMap's dump) and leaves nothing behind."""
    p = start("hashMap", "-t", "0.5")
    assert wait_bpf_attached(p), p.communicate()
    forks(1)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 0, err
    assert eval(out.strip().splitlines()[-1]).get(ME, 0) <= 1, out + err
    assert leftovers(p.pid) == []


@live
def test_call_stack_frames():
    p = start("callStack")
    assert wait_bpf_attached(p), p.communicate()
    kid = forks(1)[0]
    head = seed_line(kid).replace("comm: %s" % MY_COMM, "common: %s" % MY_COMM)
    # the event's block ends with an empty line
    out, err = interrupt(p, until_seen(p, lambda o: head in o and "\n\n" in o.split(head)[1]))
    assert p.returncode == 0, err
    block = out.split(head)
    assert len(block) == 2, out + err
    frames = block[1].split("\n\n")[0].splitlines()
    assert frames[1] == "call trace:"
    assert any(f.startswith("kernel_clone+0x") for f in frames[2:]), frames


@live
@pytest.mark.parametrize("name", PYLCC)
def test_kprobe_forms_are_refused_with_a_reason(name):
    if os.path.exists("/sys/kernel/tracing/kprobe_events"):
        pytest.skip("this kernel has kprobes: the kernel lab runs these")
    args = [str(ME)] if name == "dynamicVar" else []
    p = start(name, "--kprobe", "-t", "1", *args)
    out, err = p.communicate(timeout=60)
    assert p.returncode != 0 and "no kprobe events" in err, err


@pytest.mark.parametrize("name", SURFTOOLS)
@pytest.mark.parametrize("mode", [["--kprobe"], []])
def test_surftools_show_equals_cli(name, mode):
    sys.path.insert(0, EXD)
    try:
        mod = __import__(name)
    finally:
        sys.path.pop(0)
    exprs = mod.KPROBE if mode else mod.EVENTS
    r = subprocess.run([sys.executable, os.path.join(EXD, name + ".py"), "--show", *mode],
                       capture_output=True, text=True, env=env())
    assert r.returncode == 0, r.stderr
    want = cli("-S", "--json", *exprs)
    assert want.returncode == 0, want.stderr
    assert [json.loads(l) for l in r.stdout.splitlines()] == \
        [json.loads(l) for l in want.stdout.splitlines()]


def listener():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    return s, s.getsockname()[1]


@live
def test_tcpconnect_sees_our_connect():
    srv, port = listener()
    p = start("tcpconnect")
    assert wait_tracing(p), p.communicate()
    c = socket.create_connection(("127.0.0.1", port))
    c.close()
    out, err = interrupt(p, p.early + until_seen(
        p, lambda o: any(l.split()[:1] == [str(ME)] for l in o.splitlines())))
    assert p.returncode == 0, err
    srv.close()
    mine = [l.split() for l in out.splitlines() if l.split()[0] == str(ME)]
    assert mine == [[str(ME), MY_COMM, "127.0.0.1", "127.0.0.1", str(port)]], out + err
    assert leftovers(p.pid) == []


@live
def test_tcplife_sees_our_session():
    srv, port = listener()
    p = start("tcplife")
    assert wait_tracing(p), p.communicate()
    c = socket.create_connection(("127.0.0.1", port))
    cport = c.getsockname()[1]
    a, _ = srv.accept()
    time.sleep(0.1)                    # the session's lifetime: at least 100 ms
    c.close()
    a.close()

    def ours(o):
        return [r for r in map(str.split, o.splitlines())
                if r[3:4] == [str(cport)] and r[5:6] == [str(port)]]
    out, err = interrupt(p, p.early + until_seen(p, ours))
    assert p.returncode == 0, err
    srv.close()
    mine = ours(out)
    assert len(mine) == 1, out + err
    pid, comm, laddr, _, raddr, _, ms = mine[0]
    assert (pid, comm, laddr, raddr) == (str(ME), MY_COMM, "127.0.0.1", "127.0.0.1")
    assert 100 <= float(ms) < 3000


@live
def test_biosnoop_sees_direct_writes(tmp_path):
    target = "/var/tmp/pybiosnoop.%d" % ME
    p = start("biosnoop")
    assert wait_tracing(p), p.communicate()
    dd = subprocess.run(["dd", "if=/dev/zero", "of=" + target, "bs=64k", "count=4",
                         "oflag=direct"], capture_output=True)
    os.unlink(target)

    def ours(o):
        return [r for r in map(str.split, o.splitlines())
                if r[1:2] == ["dd"] and len(r) > 7 and "W" in r[4]]
    out, err = interrupt(p, p.early + until_seen(
        p, lambda o: sum(int(r[6]) for r in ours(o)) >= 65536))
    assert p.returncode == 0, err
    mine = ours(out)
    assert mine, out + err
    assert sum(int(r[6]) for r in mine) >= 65536          # dd wrote 4 x 64 KiB
    assert all(float(r[7]) >= 0 for r in mine)


@live
def test_oomkill_runs_and_cleans_up():
    # an OOM kill is not caused on a shared machine: the run itself and its cleanup
    p = start("oomkill", "-t", "0.5")
    out, err = p.communicate(timeout=30)
    assert p.returncode == 0, err
    assert leftovers(p.pid) == []


@live
def test_ctrl_c_ends_a_pylcc_example_cleanly():
    import signal
    p = start("eventOut")
    assert wait_bpf_attached(p), p.communicate()
    links = [fd for fd in os.listdir("/proc/%d/fd" % p.pid)
             if os.readlink("/proc/%d/fd/%s" % (p.pid, fd)) == "anon_inode:bpf_link"]
    assert links
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    # The last poll's leftovers are printed after the message: other tasks' forks may follow it.
    assert p.returncode == 0 and "key interrupt." in out.splitlines(), out + err
    assert "Traceback" not in err and leftovers(p.pid) == []


@live
def test_events_still_buffered_at_ctrl_c_are_printed():
    # Ctrl-C right after the forks: their events may still sit in the perf buffer; the
    # example reads it once more before it detaches.
    p = start("eventOut")
    assert wait_bpf_attached(p), p.communicate()
    kids = forks(3)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 0 and "Traceback" not in err, out + err
    for k in kids:
        assert seed_line(k) in out.splitlines(), out
    assert leftovers(p.pid) == []
