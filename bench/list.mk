# SPDX-License-Identifier: MIT
# Discovery bench helper (bench/list_bench.sh runs it when built).
$(B)/bench/list_match: bench/list_match.c $(B)/libsurftrace.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libsurftrace.a $(PKG_LIBS)
TEST_EXTRA_DEPS += $(B)/bench/list_match
