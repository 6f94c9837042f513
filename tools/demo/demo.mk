# SPDX-License-Identifier: MIT
#
# The demo programs, for the top-level Makefile: include this after
# TOOL_CFLAGS and TOOL_LDLIBS are set; it adds them to the "tools" target.
#   zero_copy  drm_vgem_plus renders, drm_display scans out (all of
#              tools/demo/ but grab.c)
#   kms_grab   the picture on a CRTC of drm_display, as a PNG

DEMO_PROGS := $(O)/tools/zero_copy $(O)/tools/kms_grab
DEMO_HDRS := $(wildcard tools/demo/*.h) uapi/drm/vgem_plus_drm.h
ZERO_COPY_SRCS := $(filter-out tools/demo/grab.c,$(wildcard tools/demo/*.c))
KMS_GRAB_SRCS := tools/demo/grab.c tools/demo/png.c tools/demo/util.c
DEMO_CFLAGS = $(TOOL_CFLAGS) $(shell pkg-config --cflags libpng)
DEMO_LDLIBS = $(TOOL_LDLIBS) $(shell pkg-config --libs libpng)

tools: $(DEMO_PROGS)

$(O)/tools/zero_copy: $(ZERO_COPY_SRCS) $(DEMO_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(DEMO_CFLAGS) -o $@ $(ZERO_COPY_SRCS) $(DEMO_LDLIBS)

$(O)/tools/kms_grab: $(KMS_GRAB_SRCS) $(DEMO_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(DEMO_CFLAGS) -o $@ $(KMS_GRAB_SRCS) $(DEMO_LDLIBS)
