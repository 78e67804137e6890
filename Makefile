# SPDX-License-Identifier: MIT
# surftrace build. Each src/<stage>/ folder is one stage of the flow; every .c file in
# src/ (except src/cli) goes into build/libsurftrace.a, the CLI links against it.
# Fragments (lbc/lbc.mk, guide/guide.mk, tests/lab/lab.mk, tests/tests.mk, bench/bench.mk)
# add their own targets.
CC      ?= cc
PKGS    := libbpf libtraceevent libdw libtracecmd
# libcrypto (OpenSSL): SHA-256 of big inputs (hive sources, uprobe targets, cached BTF) with
# the CPU's SHA instructions; util/sha256.c dlopen()s it on the first one (linked, it would
# cost every run ~1.5 MB), so only its headers are built against. CRYPTO=0 builds without it
# (the lab's static build: lbc and the guest's surftrace hash only small things); lbc's own
# copy of sha256.o is always the portable one.
CRYPTO  ?= 1
# libarchive: only its headers; src/util/archive_dl.c dlopen()s it when `hive add` reads a
# package (linked, it would cost every run ~3.5 MB: libxml2, ICU, libstdc++...).
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS)) $(shell pkg-config --cflags libarchive 2>/dev/null) \
  $(if $(filter 1,$(CRYPTO)),$(shell pkg-config --cflags libcrypto))
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

LIB_SRCS := $(sort $(wildcard src/expr/*.c src/types/*.c src/hive/*.c src/compile/*.c src/session/*.c \
              src/read/*.c src/record/*.c src/output/*.c src/aggregate/*.c src/graph/*.c src/discover/*.c src/util/*.c src/api/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
# The guide's code (guide/*.c except its own main) is linked into surftrace for `-i`.
CLI_SRCS := $(sort $(wildcard src/cli/*.c) $(filter-out guide/surfguide.c,$(wildcard guide/*.c)))
CLI_OBJS := $(CLI_SRCS:%.c=$(B)/%.o)
# capstone, libarchive and libcrypto are dlopen()ed by src/util/capstone_dl.c (only -F
# needs it), src/util/archive_dl.c (only `hive add` of a package) and src/util/sha256.c
CLI_LIBS := $(PKG_LIBS) -lreadline -lpthread -ldl

.PHONY: all clean test unit asan
all: $(B)/surftrace $(B)/surfguide $(B)/lbc libs

# One version for the commands, libraries and .pc files (scripts/version.sh: git describe
# in a checkout, else VERSION); $(B)/gen/version.h is rewritten only when it changes.
ST_VERSION := $(shell sh scripts/version.sh)
RELEASE    := $(shell cat VERSION)
.PHONY: FORCE
$(B)/gen/version.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define ST_VERSION "$(ST_VERSION)"' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
# The DWARF -> BTF converter's sources, hashed: a cached conversion (types/btf_cache.c)
# made by any other converter is never taken, even without a version bump.
CONV_SRCS := $(sort $(wildcard src/types/dwarf_*.c src/types/dwarf_*.h)) src/types/usym.h
$(B)/gen/convhash.h: $(CONV_SRCS)
	@mkdir -p $(dir $@)
	@echo "#define ST_DWARF_BTF_SRCHASH \"$$(cat $(CONV_SRCS) | sha256sum | cut -c1-16)\"" >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(B)/src/types/btf_cache.o: $(B)/gen/convhash.h
# `surftrace -i` is the CLI's command over the guide's own header
$(B)/src/cli/cmd_guide.o: override CFLAGS += -Iguide
$(B)/src/cli/main.o $(B)/guide/surfguide.o $(B)/lbc-obj/lbc_main.o: $(B)/gen/version.h
# Objects are rebuilt when the compiler or its flags change (a build/ made before -fPIC,
# or with other CFLAGS, must not end up in the shared libraries).
$(B)/gen/cflags: FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(subst ','\'',$(CC) $(CFLAGS))' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

ifeq ($(CRYPTO),1)
$(B)/src/util/sha256.o: override CFLAGS += -DST_HAVE_LIBCRYPTO
endif
$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# Plain member names: every source file's basename is unique (tests/build/layout.sh), so
# tools that unpack archives (strip, dh_strip) see one member per object.
$(B)/libsurftrace.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The shared libraries (make libs): the same -fPIC objects as the archives, a soname of
# major SO_MAJOR and a version script that exports only the public API. The commands link
# the archives: they use the internal st_* API the .so files hide.
SO_MAJOR := 0
SO_LIBS  := $(B)/libsurftrace.so $(B)/liblbc.so
.PHONY: libs
libs: $(SO_LIBS) $(B)/libsurftrace.a $(B)/liblbc.a
# so_link NAME, OBJS, LIBS, MAP: link $(B)/NAME.so.$(RELEASE) and its two symlinks.
define so_link
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(1).so.$(SO_MAJOR) -Wl,--no-undefined \
	  -Wl,--version-script=$(4) -o $(B)/$(1).so.$(RELEASE) $(2) $(3)
	ln -sf $(1).so.$(RELEASE) $(B)/$(1).so.$(SO_MAJOR)
	ln -sf $(1).so.$(SO_MAJOR) $(B)/$(1).so
endef
$(B)/libsurftrace.so: $(LIB_OBJS) src/api/libsurftrace.map
	$(call so_link,libsurftrace,$(LIB_OBJS),$(PKG_LIBS) -lpthread -ldl,src/api/libsurftrace.map)

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

# make install [PREFIX=/usr/local] [DESTDIR=] [LIBDIR=$(PREFIX)/lib] ...: the commands, the
# shared and static libraries, headers, pkg-config files, man pages, bash completion.
# make uninstall removes exactly what install put there.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INST_BINS    := surftrace surfguide lbc
INST_HEADERS := include/surftrace.h lbc/lbc.h lbc/liblbc.h
INST_LIBS    := libsurftrace liblbc
PC_IN_libsurftrace := src/api/libsurftrace.pc.in
PC_IN_liblbc := lbc/liblbc.pc.in
.PHONY: install uninstall
install: all $(MAN_PAGES)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
	  $(DESTDIR)$(PKGCONFIGDIR)
	install -m 755 $(INST_BINS:%=$(B)/%) $(DESTDIR)$(BINDIR)/
	install -m 644 $(INST_HEADERS) $(DESTDIR)$(INCLUDEDIR)/
	$(foreach l,$(INST_LIBS),\
	  install -m 644 $(B)/$(l).a $(DESTDIR)$(LIBDIR)/ && \
	  install -m 755 $(B)/$(l).so.$(RELEASE) $(DESTDIR)$(LIBDIR)/ && \
	  ln -sf $(l).so.$(RELEASE) $(DESTDIR)$(LIBDIR)/$(l).so.$(SO_MAJOR) && \
	  ln -sf $(l).so.$(SO_MAJOR) $(DESTDIR)$(LIBDIR)/$(l).so && \
	  sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	      -e 's|@VERSION@|$(RELEASE)|; s|@REQUIRES@|$(PKGS)|' $(PC_IN_$(l)) >$(DESTDIR)$(PKGCONFIGDIR)/$(l).pc && ) true
	for m in $(MAN_PAGES); do s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s && \
	  install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; done
	$(if $(BASH_COMPLETION),install -d $(DESTDIR)$(BASHCOMPDIR) && \
	  for c in $(INST_BINS); do install -m 644 $(BASH_COMPLETION) $(DESTDIR)$(BASHCOMPDIR)/$$c || exit 1; done)

uninstall:
	rm -f $(INST_BINS:%=$(DESTDIR)$(BINDIR)/%) $(INST_BINS:%=$(DESTDIR)$(BASHCOMPDIR)/%)
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/,$(notdir $(INST_HEADERS)))
	for l in $(INST_LIBS); do rm -f $(DESTDIR)$(LIBDIR)/$$l.a $(DESTDIR)$(LIBDIR)/$$l.so \
	  $(DESTDIR)$(LIBDIR)/$$l.so.$(SO_MAJOR) $(DESTDIR)$(LIBDIR)/$$l.so.$(RELEASE) \
	  $(DESTDIR)$(PKGCONFIGDIR)/$$l.pc; done
	for m in $(notdir $(MAN_PAGES)); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$$m; done
