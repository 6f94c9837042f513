// SPDX-License-Identifier: MIT
/*
 * CPU-mapped dumb framebuffers: see igt_fb.h.
 */

#include <string.h>
#include <sys/mman.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt_core.h"
#include "igt_fb.h"
#include "ioctl_wrappers.h"

static void layout(struct igt_fb *fb, uint32_t *dumb_bpp,
		   uint32_t *dumb_height)
{
	*dumb_height = fb->height;
	fb->num_planes = 1;
	switch (fb->format) {
	case DRM_FORMAT_RGB565:
		fb->cpp[0] = 2;
		break;
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
	case DRM_FORMAT_XRGB2101010:
	case DRM_FORMAT_ARGB2101010:
		fb->cpp[0] = 4;
		break;
	case DRM_FORMAT_NV12:
		/* Luma, then half as many rows of CbCr pairs. */
		igt_assert(fb->width % 2 == 0 && fb->height % 2 == 0);
		fb->num_planes = 2;
		fb->cpp[0] = 1;
		fb->cpp[1] = 2;
		*dumb_height = fb->height * 3 / 2;
		break;
	default:
		igt_assert_f(false, "no layout for format %#x\n", fb->format);
	}
	*dumb_bpp = fb->cpp[0] * 8;
}

void igt_create_fb(int fd, uint32_t width, uint32_t height, uint32_t format,
		   struct igt_fb *fb)
{
	struct drm_mode_create_dumb create = {};
	struct drm_mode_map_dumb map = {};
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	int i;

	memset(fb, 0, sizeof(*fb));
	fb->width = width;
	fb->height = height;
	fb->format = format;
	create.width = width;
	layout(fb, &create.bpp, &create.height);
	do_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create);
	fb->handle = create.handle;
	fb->size = create.size;

	fb->pitches[0] = create.pitch;
	if (fb->num_planes == 2) {
		fb->pitches[1] = create.pitch;
		fb->offsets[1] = create.pitch * height;
	}

	map.handle = fb->handle;
	do_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map);
	fb->map = mmap(NULL, fb->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       map.offset);
	igt_assert(fb->map != MAP_FAILED);

	for (i = 0; i < fb->num_planes; i++) {
		handles[i] = fb->handle;
		pitches[i] = fb->pitches[i];
		offsets[i] = fb->offsets[i];
	}
	igt_assert_eq(drmModeAddFB2(fd, width, height, format, handles, pitches,
				    offsets, &fb->fb_id, 0), 0);
}

void igt_remove_fb(int fd, struct igt_fb *fb)
{
	if (fb->map)
		munmap(fb->map, fb->size);
	if (fb->fb_id)
		igt_assert_eq(drmModeRmFB(fd, fb->fb_id), 0);
	if (fb->handle)
		gem_close(fd, fb->handle);
	memset(fb, 0, sizeof(*fb));
}

static uint8_t *pixel(const struct igt_fb *fb, uint32_t x, uint32_t y)
{
	igt_assert(fb->num_planes == 1 && x < fb->width && y < fb->height);
	return fb->map + fb->offsets[0] + (size_t)y * fb->pitches[0] +
	       x * fb->cpp[0];
}

void igt_fb_set_pixel(struct igt_fb *fb, uint32_t x, uint32_t y, uint32_t raw)
{
	uint8_t *p = pixel(fb, x, y);
	uint32_t i;

	for (i = 0; i < fb->cpp[0]; i++)
		p[i] = raw >> (8 * i);
}

uint32_t igt_fb_get_pixel(const struct igt_fb *fb, uint32_t x, uint32_t y)
{
	const uint8_t *p = pixel(fb, x, y);
	uint32_t i, raw = 0;

	for (i = 0; i < fb->cpp[0]; i++)
		raw |= (uint32_t)p[i] << (8 * i);
	return raw;
}

void igt_fb_fill_rect(struct igt_fb *fb, uint32_t x, uint32_t y, uint32_t w,
		      uint32_t h, uint32_t raw)
{
	uint32_t i, j;

	igt_assert(x + w <= fb->width && y + h <= fb->height);
	if (!w || !h)
		return;
	/* One row pixel by pixel, the others copied from it. */
	for (i = x; i < x + w; i++)
		igt_fb_set_pixel(fb, i, y, raw);
	for (j = y + 1; j < y + h; j++)
		memcpy(pixel(fb, x, j), pixel(fb, x, y), w * fb->cpp[0]);
}

void igt_fb_fill(struct igt_fb *fb, uint32_t raw)
{
	igt_fb_fill_rect(fb, 0, 0, fb->width, fb->height, raw);
}

void igt_fb_fill_nv12(struct igt_fb *fb, uint8_t y, uint8_t cb, uint8_t cr)
{
	uint8_t *luma = fb->map + fb->offsets[0];
	uint8_t *chroma = fb->map + fb->offsets[1];
	uint32_t row, i;

	igt_assert(fb->format == DRM_FORMAT_NV12);
	for (row = 0; row < fb->height; row++)
		memset(luma + (size_t)row * fb->pitches[0], y, fb->width);
	for (row = 0; row < fb->height / 2; row++) {
		for (i = 0; i < fb->width; i += 2) {
			chroma[(size_t)row * fb->pitches[1] + i] = cb;
			chroma[(size_t)row * fb->pitches[1] + i + 1] = cr;
		}
	}
}
