# SPDX-License-Identifier: MIT
"""surftrace.show() and ExprError: the same translation as `surftrace -S --json` (the CLI
is an independent consumer of the same C API), bad input as exceptions, no root needed."""
import json
import os
import subprocess
import sys

import pytest
import surftrace

from conftest import ROOT, as_nobody, cli

# The seed README's expressions that translate on this kernel (tests/golden/readme.sh).
README = [
    "p wake_up_new_task",
    "r wake_up_new_task",
    "p do_filp_open dfd=%0",
    "p do_filp_open dfd=X%0",
    "p wake_up_new_task comm=%0->comm",
    "p wake_up_new_task uesrs=S%0->mm->mm_users",
    "p wake_up_new_task node=%0->se.run_node.rb_left",
    'p wake_up_new_task comm=%0->comm f:comm=="python3"',
    "p do_filp_open+121 filp=X!(u64)%ax",
    "p do_filp_open+121 pos=X!(struct file*)%ax->f_pos",
    "r do_filp_open filp=$retval",
    "r do_filp_open pos=$retval->f_pos",
    "p __netif_receive_skb proto=@(struct iphdr *)l3%0->protocol "
    "ip_src=@(struct iphdr *)%0->saddr f:proto==1&&ip_src==127.0.0.1",
    "p do_filp_open n=$pathname->name",
    "e sched/sched_switch f:prev_pid>0",
    'e sched/sched_switch f:prev_pid>0&&next_comm~"sh*"',
]


def cli_show(exprs, *args):
    r = cli("-S", "--json", *args, *exprs)
    assert r.returncode == 0, r.stderr
    return [json.loads(l) for l in r.stdout.splitlines()]


@pytest.mark.parametrize("expr", README)
def test_show_equals_cli(expr):
    assert surftrace.show(expr) == cli_show([expr])


def test_show_many_at_once_keeps_indices():
    got = surftrace.show(README)
    assert got == cli_show(README)
    assert [d["type"] for d in got] == [e[0] for e in README]
    assert set(got[0]) == {"v", "type", "fxpr", "filter"}


def test_show_arch_and_btf_file():
    btf = "/sys/kernel/btf/vmlinux"
    e = ["p do_filp_open dfd=%0 n=$pathname->name"]
    arm = surftrace.show(e, btf=btf, arch="aarch64")
    assert arm == cli_show(e, "--btf", btf, "--arch", "aarch64")
    assert "%x0" in arm[0]["fxpr"] and "%di" not in arm[0]["fxpr"]


def test_show_uprobe(target):
    e = "P %s:py_target neg=%%0 name=%%1" % target
    assert surftrace.show(e) == cli_show([e])


@as_nobody
def test_show_user_can_call_without_root(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("already not root")
    code = ("import surftrace, json; "
            "print(json.dumps(surftrace.show(['p do_filp_open dfd=X%0', 'e sched/sched_switch'])))")
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                        sys.executable, "-c", code], capture_output=True, text=True,
                       env={"PYTHONPATH": os.environ.get("PYTHONPATH", ""), "PATH": "/usr/bin:/bin"},
                       cwd="/")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == cli_show(["p do_filp_open dfd=X%0", "e sched/sched_switch"])


BAD = [
    ("p do_filp_open n=$pathnam->name", "did you mean '$pathname'"),
    ("p no_such_function_xyz", "no_such_function_xyz"),
    ("e sched/sched_switch f:prev_pidd>0", "did you mean 'prev_pid'"),
    ("p wake_up_new_task comm=%0->commm", "comm"),
    ("x foo", ""),
    ("p do_filp_open dfd=%9", ""),
]


@pytest.mark.parametrize("expr,hint", BAD)
def test_bad_expression_is_expr_error_like_cli(expr, hint):
    with pytest.raises(surftrace.ExprError) as ei:
        surftrace.show(["e sched/sched_switch", expr])
    e = ei.value
    r = cli("-S", "e sched/sched_switch", expr)
    assert r.returncode == 2
    # the CLI's message: "surftrace: error: expression 2, column C: MSG", then the
    # expression with a caret under column C
    lines = r.stderr.rstrip("\n").split("\n")
    line = lines[0]
    assert line == "surftrace: error: " + str(e)
    if e.col:
        assert lines[1:] == [expr, " " * (e.col - 1) + "^"]
    assert e.expr == expr and e.index == 1
    assert hint in e.msg
    if e.col:
        assert "column %d: %s" % (e.col, e.msg) in line
    assert isinstance(e, ValueError)


def test_column_points_at_the_token():
    with pytest.raises(surftrace.ExprError) as ei:
        surftrace.show("p do_filp_open n=$pathnam->name")
    e = ei.value
    assert e.expr[e.col - 1:].startswith("$pathnam")


@pytest.mark.parametrize("arg,exc", [(42, TypeError), ([1, 2], TypeError), ([], ValueError),
                                     (None, TypeError)])
def test_wrong_types(arg, exc):
    with pytest.raises(exc):
        surftrace.show(arg)


def test_bad_options():
    with pytest.raises(TypeError):
        surftrace.show("p do_filp_open", btf=3)
    with pytest.raises((ValueError, OSError)) as ei:
        surftrace.show("p do_filp_open", btf="/nonexistent/btf")
    assert "/nonexistent/btf" in str(ei.value)
    with pytest.raises((ValueError, surftrace.ExprError)) as ei:
        surftrace.show("p do_filp_open", arch="sparc")
    assert "sparc" in str(ei.value)


def test_bad_input_in_session_constructor_touches_nothing():
    with pytest.raises(surftrace.ExprError):
        surftrace.Surftrace(["e sched/sched_switch", "p do_filp_open n=$pathnam->name"])


def test_version_is_the_commands():
    """surftrace.__version__ and lbc.__version__ are one version, the project's: the
    release the commands print (`surftrace --version`) and VERSION hold. (The part after
    '+' names the commit the module was built from: a CLI rebuilt after a commit alone may
    differ there.)"""
    import lbc
    out = cli("--version").stdout.split()
    with open(os.path.join(ROOT, "VERSION")) as f:
        release = f.read().strip()
    assert surftrace.__version__ == lbc.__version__
    assert out[0] == "surftrace"
    assert surftrace.__version__.split("+")[0] == out[1].split("+")[0] == release
