# SPDX-License-Identifier: MIT
# surfguide, the interactive guide (docs/GUIDE.md). guide/*.c except surfguide.c are
# also linked into surftrace for `surftrace -i` (top Makefile, CLI_SRCS).
GUIDE_OBJS := $(patsubst %.c,$(B)/%.o,$(filter-out guide/surfguide.c,$(wildcard guide/*.c)))
$(B)/surfguide: $(B)/guide/surfguide.o $(GUIDE_OBJS) $(B)/libsurftrace.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(B)/guide/surfguide.o $(GUIDE_OBJS) \
	  $(B)/libsurftrace.a $(CLI_LIBS)

# Completion engine unit test (cmocka); tests/run.sh runs every $(B)/tests/test_*.
$(B)/tests/test_guide_complete: tests/guide/test_guide_complete.c $(GUIDE_OBJS) $(B)/libsurftrace.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -Iguide -o $@ $< $(GUIDE_OBJS) $(B)/libsurftrace.a \
	  $(CLI_LIBS) -lcmocka

.PHONY: guide
guide: $(B)/surfguide $(B)/tests/test_guide_complete
TEST_EXTRA_DEPS += $(B)/surfguide $(B)/tests/test_guide_complete
