# SPDX-License-Identifier: MIT
"""Shared fixtures of the Python layer's tests: the build tree, root + tracefs checks,
a C target compiled per session, and the check that a run left nothing in tracefs."""
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("ST_BUILD") or os.path.join(ROOT, "build")
TRACEFS = "/sys/kernel/tracing"


def cli(*args, **kw):
    """The surftrace command of the same build (an independent consumer of the C API)."""
    return subprocess.run([os.path.join(BUILD, "surftrace"), *args], capture_output=True,
                          text=True, **kw)


def have_tracefs():
    if os.geteuid() != 0:
        return False
    if not os.path.exists(TRACEFS + "/README"):
        subprocess.run(["mount", "-t", "tracefs", "nodev", TRACEFS], capture_output=True)
    return os.path.exists(TRACEFS + "/README")


live = pytest.mark.skipif(not have_tracefs(), reason="needs root and tracefs")

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]


def nobody_reaches_build():
    """Whether uid 65534 can import the built modules (not when the checkout is under a
    private directory, e.g. a mktemp -d clone): the shell suites' can_nobody, for Python."""
    import sys
    r = subprocess.run(NOBODY + [sys.executable, "-c", "import surftrace"], capture_output=True,
                       cwd="/", env={"PYTHONPATH": os.environ.get("PYTHONPATH", "")})
    return r.returncode == 0


as_nobody = pytest.mark.skipif(os.geteuid() != 0 or not nobody_reaches_build(),
                               reason="the build is not reachable by an unprivileged user "
                                      "(checkout under a private home?)")


def leftovers(pid):
    """What surftrace_<pid> / lbc_<pid> still holds in tracefs (empty when clean)."""
    def ours(name):   # surftrace_<pid>, surftrace_<pid>_<n> (later runs), lbc_<pid>
        for p in ("surftrace_%d" % pid, "lbc_%d" % pid):
            if name == p or name.startswith(p + "_"):
                return True
        return False
    out = ["instance " + i for i in os.listdir(os.path.join(TRACEFS, "instances")) if ours(i)]
    with open(os.path.join(TRACEFS, "dynamic_events")) as f:
        out += [l.strip() for l in f if ours(l.split()[0].split(":")[1].split("/")[0])]
    out += ["events/" + e for e in os.listdir(os.path.join(TRACEFS, "events")) if ours(e)]
    return out


@pytest.fixture
def clean_tracefs():
    """Asserts after the test that this process left nothing in tracefs."""
    yield
    assert leftovers(os.getpid()) == []


@pytest.fixture(scope="session")
def target(tmp_path_factory):
    """tests/python/py_target.c built with -g: its functions are uprobe targets."""
    out = str(tmp_path_factory.mktemp("target") / "pytarget")
    subprocess.run(["gcc", "-g", "-O1", "-fno-omit-frame-pointer", "-o", out, os.path.join(ROOT, "tests/python/py_target.c")],
                   check=True)
    return out
