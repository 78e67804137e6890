# SPDX-License-Identifier: MIT
# make python: the `surftrace` and `lbc` extension modules and the `pylcc` package in
# $(B)/python (PYTHONPATH=$(B)/python python3 -c 'import surftrace, lbc, pylcc').
# The extension links the project's own archives (built -fPIC), so it needs no .so at
# run time; `pip install --no-build-isolation ./python` builds the same way.
PYTHON ?= $(shell [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)
PY_SRCS := $(wildcard python/src/*.c python/src/*.h) python/setup.py include/surftrace.h \
           lbc/liblbc.h

$(B)/python/.stamp: $(B)/libsurftrace.a $(B)/liblbc.a $(PY_SRCS) $(wildcard python/pylcc/*.py) \
                     $(B)/gen/version.h
	cd python && SURFTRACE_LIBDIR=$(abspath $(B)) $(PYTHON) setup.py -q build_ext --force \
	  --build-lib $(abspath $(B)/python) --build-temp $(abspath $(B)/python-tmp)
	rm -rf $(B)/python/pylcc && cp -r python/pylcc $(B)/python/pylcc
	@touch $@

.PHONY: python
python: $(B)/python/.stamp

TEST_EXTRA_DEPS += python

# The link flags of the two archives and the version, for python/setup.py (one home: this
# Makefile): release is the package version (VERSION), version what --version prints.
.PHONY: python-libs
python-libs:
	@echo "surftrace: $(PKG_LIBS)"
	@echo "lbc: $(LBC_LIBS)"
	@echo "release: $(RELEASE)"
	@echo "version: $(ST_VERSION)"
