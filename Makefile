# surftrace build. Each src/<stage>/ folder is one stage of the flow; every .c file in
# src/ (except src/cli) goes into build/libsurftrace.a, the CLI links against it.
# Fragments (lbc/lbc.mk, guide/guide.mk, tests/lab/lab.mk, tests/tests.mk, bench/bench.mk)
# add their own targets.
CC      ?= cc
PKGS    := libbpf libtraceevent libdw
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lelf -lz
WARN    := -Wall -Wextra -Werror
B       ?= build
# CPPFLAGS/CFLAGS/LDFLAGS from the environment or the command line (dpkg-buildflags'
# hardening) come first and are kept; the project's own flags are appended with override,
# so -Werror, -fPIC (one set of objects for the .a and the .so) and the include paths
# hold whatever is passed.
CFLAGS  ?= -O2 -g
override CFLAGS += $(CPPFLAGS) -std=gnu11 $(WARN) -fPIC -D_GNU_SOURCE -Iinclude -Isrc \
	-I$(B)/gen $(PKG_CFLAGS) $(EXTRA_CFLAGS)
override LDFLAGS += $(EXTRA_LDFLAGS)

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

# One version for the commands, libraries and .pc files (scripts/version.sh: git describe
# in a checkout, else VERSION); $(B)/gen/version.h is rewritten only when it changes.
ST_VERSION := $(shell sh scripts/version.sh)
RELEASE    := $(shell cat VERSION)
.PHONY: FORCE
$(B)/gen/version.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define ST_VERSION "$(ST_VERSION)"' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(B)/src/cli/main.o $(B)/guide/surfguide.o $(B)/lbc-obj/lbc_main.o: $(B)/gen/version.h
# Objects are rebuilt when the compiler or its flags change (a build/ made before -fPIC,
# or with other CFLAGS, must not end up in the shared libraries).
$(B)/gen/cflags: FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(subst ','\'',$(CC) $(CFLAGS))' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

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

$(LIB_OBJS) $(CLI_OBJS) $(LBC_OBJS) $(B)/guide/surfguide.o $(B)/lbc-obj/lbc_main.o: $(B)/gen/cflags

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
