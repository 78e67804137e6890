# SPDX-License-Identifier: MIT
# lbc: liblbc ($(B)/liblbc.a) and the lbc command ($(B)/lbc). Standalone on purpose (libbpf,
# libelf, libz only) so the kernel lab can link it with -static: make B=... LBC_STATIC=1.
LBC_SRCS := $(filter-out lbc/lbc_main.c,$(sort $(wildcard lbc/*.c)))
# Objects live in $(B)/lbc-obj/: $(B)/lbc is the command itself. SHA-256 is shared with
# the bundles (src/util/sha256.c), process start times with the sweep (src/util/proc.c),
# strict number options with surftrace (src/util/numarg.c), trusted directories with
# whoever loads from disk as root (src/util/safedir.c), the JSON string writer
# (src/util/json.c), vmlinux.h with the hive (src/types/btf_header.c), where the kernel's
# types are when it has no BTF (src/types/hive_index.c, kident.c, util/err.c), full
# writes (src/util/file.c), where tracefs is (src/session/tracefs.c), walking BTF types
# (src/types/btf_walk.c), kernel symbols (src/types/kallsyms.c), number writers
# (src/util/numfmt.c).
LBC_OBJS := $(LBC_SRCS:lbc/%.c=$(B)/lbc-obj/%.o) $(B)/lbc-obj/sha256.o $(B)/lbc-obj/proc.o \
            $(B)/lbc-obj/numarg.o $(B)/lbc-obj/safedir.o $(B)/lbc-obj/json.o $(B)/lbc-obj/file.o \
            $(B)/lbc-obj/btf_header.o $(B)/lbc-obj/kident.o $(B)/lbc-obj/hive_index.o \
            $(B)/lbc-obj/err.o $(B)/lbc-obj/stopio.o $(B)/lbc-obj/stopsig.o \
            $(B)/lbc-obj/runname.o $(B)/lbc-obj/tracefs.o $(B)/lbc-obj/btf_walk.o \
            $(B)/lbc-obj/kallsyms.o $(B)/lbc-obj/numfmt.o
LBC_LIBS := $(shell pkg-config --libs libbpf) -lelf -lz
LBC_LDFLAGS := $(if $(LBC_STATIC),-static)

$(B)/lbc-obj/%.o: lbc/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/lbc-obj/%.o: src/util/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/lbc-obj/%.o: src/session/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/lbc-obj/%.o: src/types/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# lbc.h is embedded with .incbin (lbc_embed.c): rebuild when it changes.
$(B)/lbc-obj/lbc_embed.o: lbc/lbc.h

$(B)/liblbc.a: $(LBC_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/lbc: $(B)/lbc-obj/lbc_main.o $(B)/liblbc.a
	$(CC) $(CFLAGS) $(LDFLAGS) $(LBC_LDFLAGS) -o $@ $^ $(LBC_LIBS)

.PHONY: lbc
lbc: $(B)/lbc

TEST_EXTRA_DEPS += $(B)/lbc
-include $(LBC_OBJS:.o=.d) $(B)/lbc-obj/lbc_main.d

# examples/lbc/codeSeparate: the seed's "code separate" example as a C program on liblbc.
$(B)/examples/lbc/codeSeparate: examples/lbc/codeSeparate.c $(B)/liblbc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ilbc $(LDFLAGS) $(LBC_LDFLAGS) -o $@ $< $(B)/liblbc.a $(LBC_LIBS)

TEST_EXTRA_DEPS += $(B)/examples/lbc/codeSeparate

# liblbc.so (make libs, top Makefile): the same objects, exporting only lbc_* (liblbc.map).
$(B)/liblbc.so: $(LBC_OBJS) lbc/liblbc.map
	$(call so_link,liblbc,$(LBC_OBJS),$(LBC_LIBS),lbc/liblbc.map)
