/* SPDX-License-Identifier: MIT */
/*
 * bufinfo for the dmabuf_* tests, read with dmabuf-inspect's own parser
 * (tools/dmabuf/bufinfo_parse.h): what the tests check is what the tool
 * reads. Link with libdmabuf.a (igt-tests/Makefile does for dmabuf_*).
 */
#ifndef IGT_BUFINFO_H
#define IGT_BUFINFO_H

#include <stddef.h>

#include "bufinfo_parse.h"

/*
 * Reads /sys/kernel/debug/dma_buf/bufinfo into @bi. Asserts that it can
 * be read within 10 s, that every line has the 6.12 format (no parser
 * warning) and that its totals line is the count and sum of the buffers.
 */
void igt_bufinfo_read(struct bufinfo *bi);

/* The buffer with inode @ino in @bi; asserts that it is listed. */
const struct bufinfo_buf *igt_bufinfo_get(const struct bufinfo *bi,
					  unsigned long ino);

/* Waits up to 2 s until none of @inos is listed; asserts. */
void igt_bufinfo_wait_gone(const unsigned long *inos, size_t n);

/*
 * The device name of a DRM fd's device, as dma-buf attachments name it
 * (dev_name(): the sysfs name of the device behind /dev/dri/...).
 */
void igt_drm_device_name(int drm_fd, char *name, size_t len);

#endif /* IGT_BUFINFO_H */
