# SPDX-License-Identifier: MIT
"""Builds the `surftrace` and `lbc` extension modules (C, over libsurftrace and liblbc)
and the `pylcc` package. The C libraries come from the project's own Makefile (-fPIC archives in ../build, or
SURFTRACE_LIBDIR when set, as `make python` does), so the extension holds no copy of
their logic and needs no shared library at run time.
SURFTRACE_LINK=shared links libsurftrace.so.0 and liblbc.so.0 (in SURFTRACE_LIBDIR) instead,
as the Debian package python3-surftrace does (debian/rules): the modules then use the
installed libraries and depend on them."""
import glob
import os
import shlex
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIBDIR = os.environ.get("SURFTRACE_LIBDIR") or os.path.join(ROOT, "build")
LINK = os.environ.get("SURFTRACE_LINK") or "static"
if LINK not in ("static", "shared"):
    raise SystemExit("setup.py: SURFTRACE_LINK must be 'static' or 'shared', not '%s'" % LINK)
SHARED = LINK == "shared"


def link_flags():
    """The archives' link flags as the Makefile has them (`make python-libs`)."""
    out = subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT, "python-libs"],
                         check=True, capture_output=True, text=True).stdout
    return {l.split(":", 1)[0]: shlex.split(l.split(":", 1)[1]) for l in out.splitlines()
            if ":" in l}


# The package's version is the project's (VERSION); __version__ is what `surftrace
# --version` prints (git describe in a checkout).
LIBS = link_flags()
RELEASE = LIBS["release"][0]
VERSION_MACRO = [("ST_VERSION", '"%s"' % LIBS["version"][0])]


def linked(lib):
    """How an extension gets LIB ('surftrace' or 'lbc'): its archive, or its shared
    library with the link flags kept only where the module itself calls them (the lbc
    module calls libbpf)."""
    if SHARED:
        return {"extra_link_args": ["-Wl,--as-needed", "-L" + LIBDIR, "-l" + lib] + LIBS[lib]}
    return {"extra_objects": [os.path.join(LIBDIR, "lib%s.a" % lib)],
            "extra_link_args": LIBS[lib]}


def libfile(lib):
    return os.path.join(LIBDIR, "lib%s.%s" % (lib, "so" if SHARED else "a"))


class BuildWithLibs(build_ext):
    """Makes the archives (and the shared libraries) first (a no-op when they are up to
    date)."""

    def run(self):
        if not os.environ.get("SURFTRACE_LIBDIR"):
            subprocess.run(["make", "-C", ROOT, "-s", "-j2", "build/libsurftrace.a",
                            "build/liblbc.a"] + (["libs"] if SHARED else []), check=True)
        super().run()


CFLAGS = ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-Wno-missing-field-initializers",
          "-D_GNU_SOURCE"]
SRC = os.path.relpath(os.path.join(HERE, "src"), HERE)

surftrace_ext = Extension(
    "surftrace",
    sources=[os.path.join(SRC, "surftrace_mod.c")],
    include_dirs=[os.path.join(ROOT, "include")],
    extra_compile_args=CFLAGS,
    depends=[libfile("surftrace"), os.path.join(ROOT, "include/surftrace.h")],
    define_macros=VERSION_MACRO,
    **linked("surftrace"),
)

lbc_ext = Extension(
    "lbc",
    sources=sorted(glob.glob(os.path.join(SRC, "lbc*.c"))),
    include_dirs=[os.path.join(ROOT, "lbc"), SRC],
    extra_compile_args=CFLAGS,
    depends=[libfile("lbc"), os.path.join(ROOT, "lbc/liblbc.h")]
    + sorted(glob.glob(os.path.join(SRC, "*.h"))),
    define_macros=VERSION_MACRO,
    **linked("lbc"),
)

setup(version=RELEASE, ext_modules=[surftrace_ext, lbc_ext],
      cmdclass={"build_ext": BuildWithLibs})
