# make python: the `surftrace` and `lbc` extension modules and the `pylcc` package in
# $(B)/python (PYTHONPATH=$(B)/python python3 -c 'import surftrace, lbc, pylcc').
# The C libraries are built position-independent in $(B)/pic for the extension.
PYTHON ?= $(shell [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)
PY_SRCS := $(wildcard python/src/*.c python/src/*.h) python/setup.py

$(B)/pic/libsurftrace.a $(B)/pic/liblbc.a: FORCE_PIC
	$(MAKE) --no-print-directory B=$(B)/pic EXTRA_CFLAGS=-fPIC $@
.PHONY: FORCE_PIC python

$(B)/python/.stamp: $(B)/pic/libsurftrace.a $(B)/pic/liblbc.a $(PY_SRCS) $(wildcard python/pylcc/*.py)
	cd python && SURFTRACE_LIBDIR=$(abspath $(B)/pic) $(PYTHON) setup.py -q build_ext \
	  --build-lib $(abspath $(B)/python) --build-temp $(abspath $(B)/python-tmp)
	rm -rf $(B)/python/pylcc && cp -r python/pylcc $(B)/python/pylcc
	@touch $@

python: $(B)/python/.stamp

TEST_EXTRA_DEPS += python
