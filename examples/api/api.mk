# SPDX-License-Identifier: MIT
# The libsurftrace example (examples/api/api_example.c), linked against the static
# library only: proof that include/surftrace.h is all a program needs.
API_EXAMPLE := $(B)/examples/api_example

$(API_EXAMPLE): examples/api/api_example.c include/surftrace.h $(B)/libsurftrace.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(B)/libsurftrace.a $(PKG_LIBS) -lpthread

.PHONY: api-example
api-example: $(API_EXAMPLE)
TEST_EXTRA_DEPS += $(API_EXAMPLE)
