# SPDX-License-Identifier: MIT
# Man pages: docs/man/NAME.SECTION.scd (scdoc) -> $(B)/man/NAME.SECTION, one source each.
# Installed by make install; tests/packaging/man.sh renders them with warnings on.
MAN_SRCS  := $(sort $(wildcard docs/man/*.scd))
MAN_PAGES := $(MAN_SRCS:docs/man/%.scd=$(B)/man/%)

$(B)/man/%: docs/man/%.scd
	@mkdir -p $(dir $@)
	scdoc <$< >$@.tmp && mv $@.tmp $@

.PHONY: man
man: $(MAN_PAGES)
TEST_EXTRA_DEPS += $(MAN_PAGES)
