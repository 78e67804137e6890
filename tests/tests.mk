# SPDX-License-Identifier: MIT
# Test targets. Unit tests: tests/unit/test_*.c, one cmocka program each, linked with
# libsurftrace.a. Every suite prints TAP ("ok N - name" / "not ok N - name"); tests/run.sh
# runs all suites and ends with "N passed, N failed, N skipped".
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

$(B)/tests/%: tests/unit/%.c $(B)/libsurftrace.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TEST_DEFS_$*) -Itests/unit -o $@ $< $(B)/libsurftrace.a $(PKG_LIBS) -lcmocka -lpthread

unit: $(UNIT_BINS)

test: test-deps
	B=$(B) bash tests/run.sh

# ASan+UBSan build of the unit tests (and the CLI) in build-asan/.
asan:
	$(MAKE) B=build-asan EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -O1" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" all unit
	B=build-asan SUITES=unit bash tests/run.sh

# Small BTF for the compiler's unit tests: clang -g, then pahole -J adds .BTF to the object.
$(B)/tests/kfix.o: tests/unit/data/kfix.c tests/unit/data/kfix.h
	@mkdir -p $(dir $@)
	clang -g -O1 -c $< -o $@
	pahole -J $@
$(B)/tests/test_compile: $(B)/tests/kfix.o
TEST_DEFS_test_compile = -DKFIX_BTF='"$(B)/tests/kfix.o"'
