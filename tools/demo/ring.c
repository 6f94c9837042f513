// SPDX-License-Identifier: MIT
/*
 * The ring of buffers: allocated on drm_vgem_plus at the mode's size,
 * exported as named dma-bufs, mapped for the CPU through the dma-buf,
 * imported into drm_display and made framebuffers. Both drivers then
 * work on the same pages: nothing is ever copied.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "demo.h"
#include "vgem_plus_drm.h"

static void export(int vgem, uint32_t handle, int slot, struct buffer *b)
{
	struct stat st;

	if (drmPrimeHandleToFD(vgem, handle, DRM_CLOEXEC | DRM_RDWR,
			       &b->dmabuf))
		die_errno("PRIME export from drm_vgem_plus");
	snprintf(b->name, sizeof(b->name), "zero-copy-%d", slot);
	if (ioctl(b->dmabuf, DMA_BUF_SET_NAME_B, b->name))
		die_errno("DMA_BUF_SET_NAME");
	if (fstat(b->dmabuf, &st))
		die_errno("fstat dma-buf");
	b->ino = st.st_ino;
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      b->dmabuf, 0);
	if (b->map == MAP_FAILED)
		die_errno("mmap dma-buf");
}

static void import(int display, const struct output *out, uint32_t format,
		   uint32_t num_planes, struct buffer *b)
{
	uint32_t handles[4] = {};
	uint32_t i;

	if (drmPrimeFDToHandle(display, b->dmabuf, &b->handle))
		die_errno("PRIME import into drm_display");
	for (i = 0; i < num_planes; i++)
		handles[i] = b->handle;
	if (drmModeAddFB2(display, out->mode.hdisplay, out->mode.vdisplay,
			  format, handles, b->pitches, b->offsets, &b->fb_id, 0))
		die_errno("drmModeAddFB2 on the imported buffer");
}

static void buffer_create(struct demo *d, int slot)
{
	struct drm_vgem_plus_create create = {
		.width = d->out.mode.hdisplay,
		.height = d->out.mode.vdisplay,
		.format = d->o.format,
	};
	struct buffer *b = &d->ring[slot];

	if (drmIoctl(d->dev.vgem, DRM_IOCTL_VGEM_PLUS_CREATE, &create))
		die_errno("DRM_IOCTL_VGEM_PLUS_CREATE");
	b->vgem_handle = create.handle;
	b->size = create.size;
	memcpy(b->pitches, create.pitches, sizeof(b->pitches));
	memcpy(b->offsets, create.offsets, sizeof(b->offsets));
	export(d->dev.vgem, create.handle, slot, b);
	import(d->dev.display, &d->out, d->o.format, create.num_planes, b);
}

void ring_create(struct demo *d)
{
	int i;

	for (i = 0; i < DEMO_RING; i++)
		buffer_create(d, i);
}

static void gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close arg = { .handle = handle };

	if (handle && drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &arg))
		die_errno("GEM_CLOSE");
}

void ring_destroy(struct demo *d)
{
	int i;

	for (i = 0; i < DEMO_RING; i++) {
		struct buffer *b = &d->ring[i];

		if (drmModeRmFB(d->dev.display, b->fb_id))
			die_errno("drmModeRmFB");
		gem_close(d->dev.display, b->handle);
		munmap(b->map, b->size);
		close(b->dmabuf);
		gem_close(d->dev.vgem, b->vgem_handle);
		memset(b, 0, sizeof(*b));
	}
}

static void cpu_sync(const struct buffer *b, uint64_t flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	if (ioctl(b->dmabuf, DMA_BUF_IOCTL_SYNC, &sync))
		die_errno("DMA_BUF_IOCTL_SYNC");
}

/*
 * CPU access through the dma-buf mapping is bracketed by
 * DMA_BUF_IOCTL_SYNC. SYNC_START for writing waits for every fence of
 * the buffer, our own too: it comes before the frame's fence is attached.
 */
void buffer_cpu_begin(const struct buffer *b)
{
	cpu_sync(b, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
}

void buffer_cpu_end(const struct buffer *b)
{
	cpu_sync(b, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
}
