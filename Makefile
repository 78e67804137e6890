# surftrace build. Each src/<stage>/ folder is one stage of the flow; every .c file in
# src/ (except src/cli) goes into build/libsurftrace.a, the CLI links against it.
# Fragments (lbc/lbc.mk, guide/guide.mk, tests/lab/lab.mk, tests/tests.mk, bench/bench.mk)
# add their own targets.
CC      ?= cc
PKGS    := libbpf libtraceevent libdw
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lelf -lz
WARN    := -Wall -Wextra -Werror
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 $(WARN) -D_GNU_SOURCE -Iinclude -Isrc $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS += $(EXTRA_LDFLAGS)
B       ?= build

LIB_SRCS := $(sort $(wildcard src/expr/*.c src/types/*.c src/compile/*.c src/session/*.c \
              src/read/*.c src/output/*.c src/discover/*.c src/util/*.c src/api/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
# The guide's code (guide/*.c except its own main) is linked into surftrace for `-i`.
CLI_SRCS := $(sort $(wildcard src/cli/*.c) $(filter-out guide/surfguide.c,$(wildcard guide/*.c)))
CLI_OBJS := $(CLI_SRCS:%.c=$(B)/%.o)
# capstone is dlopen()ed by src/discover/capstone_dl.c (only -F needs it)
CLI_LIBS := $(PKG_LIBS) -lreadline -lpthread -ldl

.PHONY: all clean test unit asan
all: $(B)/surftrace $(B)/surfguide $(B)/lbc

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/libsurftrace.a: $(LIB_OBJS)
	@rm -f $@
	ar rcsP $@ $^

$(B)/surftrace: $(CLI_OBJS) $(B)/libsurftrace.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(B)/libsurftrace.a $(CLI_LIBS)

clean:
	rm -rf build

# Every stage/tool folder may add targets in its own *.mk fragment.
-include $(sort $(wildcard */*.mk */*/*.mk))

# Everything a test run needs, built once (fragments append to TEST_EXTRA_DEPS).
test-deps: all unit $(TEST_EXTRA_DEPS)
-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)

# make install [PREFIX=/usr/local] [DESTDIR=]: the commands, lbc.h and the C API header.
PREFIX ?= /usr/local
.PHONY: install
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include/surftrace
	install -m 755 $(B)/surftrace $(B)/surfguide $(B)/lbc $(DESTDIR)$(PREFIX)/bin/
	install -m 644 include/surftrace.h lbc/lbc.h lbc/liblbc.h $(DESTDIR)$(PREFIX)/include/surftrace/
