# SPDX-License-Identifier: MIT
"""`pip install --no-build-isolation ./python` offline on Debian 12: into a venv made
with --system-site-packages (Debian's pip refuses system installs without
--break-system-packages), with --target, and into a plain venv whose setuptools has no
`wheel` package to make wheels with (pyenv's and bare venvs' Pythons; the project's backend
writes the wheel then); the installed modules work from outside the checkout."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

PY = "/usr/bin/python3"
pytestmark = pytest.mark.skipif(
    not os.path.exists(PY) or subprocess.run([PY, "-m", "pip", "--version"],
                                             capture_output=True).returncode != 0,
    reason="needs Debian's python3 with pip (python3-pip)")

CHECK = ("import surftrace, lbc, pylcc.lbcBase, json; "
         "print(surftrace.__file__); "
         "print(json.dumps(surftrace.show('e sched/sched_switch f:prev_pid>0')))")


def clean_tree():
    for d in ("build", "surftrace.egg-info"):
        shutil.rmtree(os.path.join(ROOT, "python", d), ignore_errors=True)


def test_pip_install_into_a_venv(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([PY, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    try:
        r = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-index",
                            "--no-build-isolation", os.path.join(ROOT, "python")],
                           capture_output=True, text=True)
    finally:
        clean_tree()
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    out = subprocess.run([str(venv / "bin" / "python"), "-c", CHECK], capture_output=True,
                         text=True, cwd="/", env={"PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    path, shown = out.stdout.splitlines()
    assert path.startswith(str(venv)) and '"filter": "prev_pid>0"' in shown


def test_pip_install_target_dir(tmp_path):
    try:
        r = subprocess.run([PY, "-m", "pip", "install", "--no-index", "--no-build-isolation",
                            "--target", str(tmp_path / "t"), os.path.join(ROOT, "python")],
                           capture_output=True, text=True)
    finally:
        clean_tree()
    assert r.returncode == 0, r.stderr[-2000:]
    out = subprocess.run([PY, "-c", CHECK], capture_output=True, text=True, cwd="/",
                         env={"PYTHONPATH": str(tmp_path / "t"), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(str(tmp_path / "t"))


def test_pip_install_without_the_wheel_package(tmp_path):
    """A plain venv (no system site packages): pip and setuptools, but no `wheel`."""
    venv = tmp_path / "venv"
    subprocess.run([PY, "-m", "venv", str(venv)], check=True)
    vpy = str(venv / "bin" / "python")
    nowheel = subprocess.run([vpy, "-c", "import wheel"], capture_output=True).returncode != 0
    if not nowheel:
        pytest.skip("this venv has the wheel package: nothing to prove")
    try:
        r = subprocess.run([vpy, "-m", "pip", "install", "--no-index", "--no-build-isolation",
                            os.path.join(ROOT, "python")], capture_output=True, text=True)
    finally:
        clean_tree()
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    out = subprocess.run([vpy, "-c", CHECK], capture_output=True, text=True, cwd="/",
                         env={"PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    path, shown = out.stdout.splitlines()
    assert path.startswith(str(venv)) and '"filter": "prev_pid>0"' in shown
    ver = subprocess.run([vpy, "-m", "pip", "show", "surftrace"], capture_output=True,
                         text=True, env={"PATH": "/usr/bin:/bin"}).stdout
    with open(os.path.join(ROOT, "VERSION")) as f:
        assert "Version: %s\n" % f.read().strip() in ver, ver
    # pip's own record of it is right: uninstall removes every file it installed
    r = subprocess.run([vpy, "-m", "pip", "uninstall", "-y", "surftrace"], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    left = subprocess.run([vpy, "-c", "import surftrace"], capture_output=True, cwd="/",
                          env={"PATH": "/usr/bin:/bin"})
    assert left.returncode != 0
