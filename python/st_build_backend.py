# SPDX-License-Identifier: MIT
"""PEP 517 build backend for `pip install --no-build-isolation ./python`: setuptools' own
(setuptools.build_meta) when it can make wheels, else the same build written into a wheel
here. setuptools before 70.1 makes wheels only with the separate `wheel` package, which
Debian's python3 has (python3-wheel) but a pyenv or bare venv Python often does not: there
pip stopped with "invalid command 'bdist_wheel'". The modules are built by setup.py either
way (`setup.py build`); only the zip around them differs."""
import base64
import hashlib
import os
import subprocess
import sys
import sysconfig
import tempfile
import zipfile

from setuptools import build_meta as _meta
from setuptools.build_meta import *  # noqa: F401,F403 (the other hooks unchanged)

HERE = os.path.dirname(os.path.abspath(__file__))


def _makes_wheels():
    for mod in ("setuptools.command.bdist_wheel", "wheel.bdist_wheel"):
        try:
            __import__(mod)
            return True
        except ImportError:
            pass
    return False


_WHEELS = _makes_wheels()
if not _WHEELS:
    # without bdist_wheel setuptools cannot prepare metadata either; pip then takes it
    # from the wheel build_wheel makes (PEP 517: the hook is optional)
    del prepare_metadata_for_build_wheel  # noqa: F821


def get_requires_for_build_wheel(config_settings=None):
    return _meta.get_requires_for_build_wheel(config_settings) if _WHEELS else []


def _project():
    from setuptools.config.pyprojecttoml import read_configuration
    proj = read_configuration(os.path.join(HERE, "pyproject.toml"))["project"]
    if "version" not in proj:
        # dynamic: setup.py has it (the project's VERSION)
        out = subprocess.run([sys.executable, "setup.py", "-q", "--version"], cwd=HERE,
                             check=True, capture_output=True, text=True).stdout
        proj["version"] = out.strip().splitlines()[-1]
    return proj


def _tag():
    ver = "cp%d%d" % sys.version_info[:2]
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return "%s-%s-%s" % (ver, ver, plat)


def _digest(data):
    h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + h.decode()


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    if _WHEELS:
        return _meta.build_wheel(wheel_directory, config_settings, metadata_directory)
    proj = _project()
    name, version = proj["name"], proj["version"]
    dist = "%s-%s" % (name, version)
    whl = "%s-%s.whl" % (dist, _tag())
    with tempfile.TemporaryDirectory() as tmp:
        lib = os.path.join(tmp, "lib")
        # build output goes to stderr: PEP 517 frontends read hook results, not stdout
        subprocess.run([sys.executable, "setup.py", "-q", "build", "--build-base",
                        os.path.join(tmp, "b"), "--build-lib", lib], cwd=HERE, check=True,
                       stdout=sys.stderr)
        files = {}
        for d, _, names in os.walk(lib):
            for n in sorted(names):
                p = os.path.join(d, n)
                with open(p, "rb") as f:
                    files[os.path.relpath(p, lib)] = f.read()
        meta = ["Metadata-Version: 2.1", "Name: " + name, "Version: " + version]
        if proj.get("description"):
            meta.append("Summary: " + proj["description"])
        if proj.get("requires-python"):
            meta.append("Requires-Python: " + proj["requires-python"])
        lic = proj.get("license") or {}
        if lic.get("text"):
            meta.append("License: " + lic["text"])
        info = dist + ".dist-info/"
        files[info + "METADATA"] = ("\n".join(meta) + "\n").encode()
        files[info + "WHEEL"] = ("Wheel-Version: 1.0\nGenerator: st_build_backend\n"
                                 "Root-Is-Purelib: false\nTag: %s\n" % _tag()).encode()
        record = ["%s,%s,%d" % (p, _digest(b), len(b)) for p, b in sorted(files.items())]
        record.append(info + "RECORD,,")
        files[info + "RECORD"] = ("\n".join(record) + "\n").encode()
        with zipfile.ZipFile(os.path.join(wheel_directory, whl), "w",
                             zipfile.ZIP_DEFLATED) as z:
            for p in sorted(files):
                z.writestr(p, files[p])
    return whl
