# SPDX-License-Identifier: MIT
# Benchmarks (not tests): `make bench` builds the bench tools and runs bench/run.sh, which
# prints the tables of docs/PERFORMANCE.md. The tools are also built for `make test`
# (tests/bench-smoke runs the benches in a tiny mode).
BENCH_BINS := $(B)/bench/st_readbench $(B)/bench/getppid_loop $(B)/bench/first_event

$(B)/bench/st_readbench: bench/st_readbench.c $(B)/libsurftrace.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libsurftrace.a $(PKG_LIBS)

$(B)/bench/getppid_loop: bench/getppid_loop.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

$(B)/bench/first_event: bench/first_event.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

.PHONY: bench bench-bins
bench-bins: $(BENCH_BINS)
TEST_EXTRA_DEPS += bench-bins

bench: all bench-bins
	B=$(B) bash bench/run.sh
