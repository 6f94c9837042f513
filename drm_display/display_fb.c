// SPDX-License-Identifier: GPL-2.0-only
/*
 * Buffers: the layout of dumb buffers, with arithmetic that cannot wrap.
 *
 * drm_gem_shmem_dumb_create() in 6.12 computes width * bpp in 32 bits, so
 * a wide enough request gets a pitch and size too small for one row,
 * although the core's own check (width * cpp) passed.
 */

#include <linux/math.h>
#include <linux/mm.h>
#include <linux/overflow.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_print.h>

#include "display_drv.h"

/**
 * display_dumb_layout - pitch and size of a dumb buffer
 * @width: width in pixels
 * @height: height in rows
 * @bpp: bits per pixel, a multiple of 8
 * @pitch: out: bytes per row, width times bytes per pixel
 * @size: out: bytes of the buffer, page aligned
 *
 * Return: 0, or -EINVAL for a zero argument, a @bpp that is not a whole
 * number of bytes, or a buffer larger than %DISPLAY_DUMB_MAX_BYTES.
 */
static int display_dumb_layout(u32 width, u32 height, u32 bpp, u32 *pitch,
			       u64 *size)
{
	u64 row, bytes;

	if (!width || !height || !bpp || bpp % 8)
		return -EINVAL;

	/* Below 2^61: a u32 width times a u32 bpp / 8. */
	row = (u64)width * (bpp / 8);
	if (check_mul_overflow(row, (u64)height, &bytes) ||
	    bytes > DISPLAY_DUMB_MAX_BYTES)
		return -EINVAL;

	/* Both fit: row <= bytes <= DISPLAY_DUMB_MAX_BYTES. */
	*pitch = row;
	*size = PAGE_ALIGN(bytes);
	return 0;
}

/**
 * display_dumb_create - &drm_driver.dumb_create for shmem buffers
 * @file: DRM file the handle is for
 * @dev: DRM device
 * @args: the request; the core has zeroed its pitch, size and handle
 *
 * Return: 0 or a negative errno.
 */
int display_dumb_create(struct drm_file *file, struct drm_device *dev,
			struct drm_mode_create_dumb *args)
{
	struct drm_gem_shmem_object *shmem;
	u32 pitch;
	u64 size;
	int ret;

	ret = display_dumb_layout(args->width, args->height, args->bpp,
				  &pitch, &size);
	if (ret) {
		drm_dbg_kms(dev, "bad dumb buffer %ux%u bpp %u\n",
			    args->width, args->height, args->bpp);
		return ret;
	}

	shmem = drm_gem_shmem_create(dev, size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);

	ret = drm_gem_handle_create(file, &shmem->base, &args->handle);
	/* The handle holds the object now, or nothing does. */
	drm_gem_object_put(&shmem->base);
	if (ret)
		return ret;

	args->pitch = pitch;
	args->size = size;
	return 0;
}
