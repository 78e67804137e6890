# SPDX-License-Identifier: MIT
# Kernel lab (tests/lab): boots Debian 5.10, 6.1 and 6.12 kernels under QEMU/TCG and runs the
# kprobe checks inside (docs/LAB.md). `make lab` builds the static binaries the guest needs
# into build-static/ (lab-static), fetches the kernels once into .cache/lab/ and runs
# tests/lab/run.sh. LAB=1 tests/run.sh runs the same suite.
LAB_STATIC_B := build-static
# Static link order: every library after the ones that need it (libdw needs bz2/lzma,
# readline needs tinfo). pkg-config --static lists the private dependencies. No libarchive
# (Debian has no static libacl/liblz4): the guest's surftrace reads no packages. No
# libtracecmd (no static archive in Debian): the guest's surftrace does not record (-w). No
# libcrypto (CRYPTO=0): the guest hashes no big files.
LAB_STATIC_LIBS := $(shell pkg-config --static --libs libbpf libtraceevent libdw 2>/dev/null) \
  -lelf -lz -llzma -lbz2 $(shell pkg-config --static --libs capstone 2>/dev/null || echo -lcapstone) \
  -lreadline -ltinfo -lpthread

# The arm64 guest's surftrace (docs/LAB.md): cross-compiled with Debian's
# gcc-aarch64-linux-gnu against the :arm64 -dev packages that tests/lab/_fetch_arm64.sh
# extracts into a sysroot in the lab cache (the machine's dpkg architecture is untouched).
# Same libraries and switches as lab-static; pkg-config reads the sysroot's .pc files.
LAB_ARM64_B       := build-arm64
LAB_ARM64_SYSROOT ?= $(CURDIR)/.cache/lab/arm64-sysroot
LAB_ARM64_PC      := PKG_CONFIG_LIBDIR=$(LAB_ARM64_SYSROOT)/usr/lib/aarch64-linux-gnu/pkgconfig:$(LAB_ARM64_SYSROOT)/usr/share/pkgconfig \
  PKG_CONFIG_SYSROOT_DIR=$(LAB_ARM64_SYSROOT)
LAB_ARM64_LIBS     = $(shell $(LAB_ARM64_PC) pkg-config --static --libs libbpf libtraceevent libdw capstone) \
  -lelf -lz -lzstd -llzma -lbz2 -lreadline -ltinfo -lpthread

.PHONY: lab lab-static lab-fetch lab-static-arm64 lab-fetch-arm64
# The sysroot is fetched as a prerequisite: make expands a whole recipe (LAB_ARM64_LIBS's
# pkg-config) before running its first line, which on a fresh cache was before the fetch.
lab-fetch-arm64:
	bash tests/lab/_fetch_arm64.sh
lab-static-arm64: lab-fetch-arm64
	$(LAB_ARM64_PC) $(MAKE) B=$(LAB_ARM64_B) CC=aarch64-linux-gnu-gcc PKGS="libbpf libtraceevent libdw" CRYPTO=0 \
	  EXTRA_LDFLAGS=-static \
	  EXTRA_CFLAGS="-DST_CAPSTONE_LINKED -DST_NO_LIBARCHIVE -DST_NO_LIBTRACECMD -I$(LAB_ARM64_SYSROOT)/usr/include/aarch64-linux-gnu" \
	  CLI_LIBS="-L$(LAB_ARM64_SYSROOT)/usr/lib/aarch64-linux-gnu $(LAB_ARM64_LIBS)" $(LAB_ARM64_B)/surftrace
	@mkdir -p $(LAB_ARM64_B)/lab
	aarch64-linux-gnu-gcc -std=gnu11 -O2 $(WARN) -static -o $(LAB_ARM64_B)/lab/labtool tests/lab/helpers/labtool.c
lab-static:
	$(MAKE) B=$(LAB_STATIC_B) EXTRA_LDFLAGS=-static CRYPTO=0 \
	  EXTRA_CFLAGS="-DST_CAPSTONE_LINKED -DST_NO_LIBARCHIVE -DST_NO_LIBTRACECMD" \
	  CLI_LIBS="$(LAB_STATIC_LIBS)" $(LAB_STATIC_B)/surftrace
	$(MAKE) B=$(LAB_STATIC_B) LBC_STATIC=1 CRYPTO=0 $(LAB_STATIC_B)/lbc || echo "lab: static lbc not built (optional)"
	@mkdir -p $(LAB_STATIC_B)/lab
	$(CC) -std=gnu11 -O2 $(WARN) -static -o $(LAB_STATIC_B)/lab/labtool tests/lab/helpers/labtool.c

lab-fetch:
	bash tests/lab/_fetch.sh

lab: lab-static lab-fetch
	B=$(B) LAB_ST=$(CURDIR)/$(LAB_STATIC_B)/surftrace LAB_TOOL=$(CURDIR)/$(LAB_STATIC_B)/lab/labtool \
	  bash tests/lab/run.sh
