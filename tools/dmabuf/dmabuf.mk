# SPDX-License-Identifier: MIT
#
# dmabuf-inspect and its host unit tests, for the top-level Makefile:
# include this after TOOL_CFLAGS and TOOL_LDLIBS are set, and add
# $(DMABUF_TOOLS) to the "tools" target.

DMABUF_SRCS := $(filter-out tools/dmabuf/main.c,$(wildcard tools/dmabuf/*.c))
DMABUF_HDRS := $(wildcard tools/dmabuf/*.h)
DMABUF_TESTS := $(wildcard tools/dmabuf/tests/*.c)
DMABUF_TOOLS := $(O)/tools/dmabuf-inspect $(O)/tools/dmabuf-unit-tests

$(O)/tools/dmabuf-inspect: tools/dmabuf/main.c $(DMABUF_SRCS) $(DMABUF_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) -o $@ tools/dmabuf/main.c $(DMABUF_SRCS) $(TOOL_LDLIBS)

$(O)/tools/dmabuf-unit-tests: $(DMABUF_TESTS) $(DMABUF_SRCS) $(DMABUF_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) -Itools/dmabuf -o $@ $(DMABUF_TESTS) $(DMABUF_SRCS) \
		$(TOOL_LDLIBS)

DMABUF_TOOLS += $(O)/tools/dmabuf-scene

$(O)/tools/dmabuf-scene: tools/dmabuf/scene/dmabuf-scene.c uapi/drm/vgem_plus_drm.h
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) -o $@ $< $(TOOL_LDLIBS)
