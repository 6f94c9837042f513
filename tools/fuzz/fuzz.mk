# SPDX-License-Identifier: MIT
#
# drm_fuzz, for the top-level Makefile: include this after TOOL_CFLAGS and
# TOOL_LDLIBS are set, and add $(O)/tools/drm_fuzz to the "tools" target.

FUZZ_SRCS := $(wildcard tools/fuzz/*.c)
FUZZ_HDRS := $(wildcard tools/fuzz/*.h)

$(O)/tools/drm_fuzz: $(FUZZ_SRCS) $(FUZZ_HDRS) uapi/drm/vgem_plus_drm.h
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) -o $@ $(FUZZ_SRCS) $(TOOL_LDLIBS) -lpthread
