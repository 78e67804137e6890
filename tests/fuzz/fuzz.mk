# SPDX-License-Identifier: MIT
# libFuzzer builds (`make fuzz`, or tests/fuzz/run.sh which also runs them). Always clang and
# its own folder: the sanitizer flags must not leak into $(B).
#   fuzz_parse     the expression parser alone
#   fuzz_translate parser + compiler over the small BTF of tests/unit/data/kfix.c
FUZZ_CC   ?= clang
FUZZ_DIR  := build-fuzz
FUZZ_SRCS := $(sort $(wildcard src/expr/*.c src/util/*.c)) tests/fuzz/fuzz_parse.c
FUZZ_TR_SRCS := $(sort $(wildcard src/expr/*.c src/util/*.c src/compile/*.c src/types/*.c \
	src/output/convert.c)) tests/fuzz/fuzz_translate.c
FUZZ_FLAGS := -g -O1 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -Isrc -I$(B)/gen \
	$(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

.PHONY: fuzz
fuzz: $(FUZZ_DIR)/fuzz_parse $(FUZZ_DIR)/fuzz_translate $(B)/tests/kfix.o

$(FUZZ_DIR)/fuzz_parse: $(FUZZ_SRCS) $(wildcard src/expr/*.h src/util/*.h)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(FUZZ_SRCS)

$(FUZZ_DIR)/fuzz_translate: $(FUZZ_TR_SRCS) $(wildcard src/*/*.h) $(B)/gen/convhash.h
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(FUZZ_TR_SRCS) $(PKG_LIBS)
