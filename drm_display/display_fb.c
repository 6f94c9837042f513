// SPDX-License-Identifier: GPL-2.0-only
/*
 * Buffers: the layout of dumb buffers and the checks on framebuffers, with
 * arithmetic that cannot wrap.
 *
 * drm_gem_shmem_dumb_create() in 6.12 computes width * bpp in 32 bits, so
 * a wide enough request gets a pitch and size too small for one row,
 * although the core's own check (width * cpp) passed.
 */

#include <linux/math.h>
#include <linux/mm.h>
#include <linux/overflow.h>

#include <drm/drm_file.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_print.h>
#include <kunit/visibility.h>

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
VISIBLE_IF_KUNIT int display_dumb_layout(u32 width, u32 height, u32 bpp,
					 u32 *pitch, u64 *size)
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
EXPORT_SYMBOL_IF_KUNIT(display_dumb_layout);

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

	/*
	 * display_gem_fault() finds pages by the fake offset, so it must
	 * exist before a dma-buf of the object is mapped, and never change.
	 */
	ret = drm_gem_create_mmap_offset(&shmem->base);
	if (!ret)
		ret = drm_gem_handle_create(file, &shmem->base, &args->handle);
	/* The handle holds the object now, or nothing does. */
	drm_gem_object_put(&shmem->base);
	if (ret)
		return ret;

	args->pitch = pitch;
	args->size = size;
	return 0;
}

/**
 * display_fb_check - whether the planes can show a framebuffer
 * @cmd: the ADDFB2 request
 * @obj_size: size of the buffer object of each plane of the format
 * @reason: out: why not, for the log
 *
 * Before this, the core's framebuffer_check() has made sure that the format
 * is known, the size within the mode config's limits, every pitch at least
 * a row and no plane's end beyond 4 GiB. What scanout relies on beyond
 * that: whole chroma samples for subsampled formats, pitches and offsets in
 * whole pixels. The format and modifier (one of the planes', linear) and
 * every plane's last byte inside its object (in 64 bits) are checked again
 * after this by drm_gem_fb_init_with_funcs(): they are here too so that
 * this function alone vouches for a layout, and can be tested alone.
 *
 * Return: 0, or -EINVAL with @reason set.
 */
VISIBLE_IF_KUNIT int display_fb_check(const struct drm_mode_fb_cmd2 *cmd,
				      const u64 *obj_size, const char **reason)
{
	const struct drm_format_info *info;
	u64 row, end;
	u32 height;
	int i;

	if (!cmd->width || !cmd->height) {
		*reason = "no pixels";
		return -EINVAL;
	}
	info = display_format_info(cmd->pixel_format);
	if (!info) {
		*reason = "format no plane has";
		return -EINVAL;
	}
	if (cmd->width % info->hsub || cmd->height % info->vsub) {
		*reason = "size not a whole number of chroma samples";
		return -EINVAL;
	}

	for (i = 0; i < info->num_planes; i++) {
		if (cmd->modifier[i] != DRM_FORMAT_MOD_LINEAR) {
			*reason = "modifier not linear";
			return -EINVAL;
		}
		if (cmd->pitches[i] % info->cpp[i]) {
			*reason = "pitch not a whole number of pixels";
			return -EINVAL;
		}
		if (cmd->offsets[i] % info->cpp[i]) {
			*reason = "offset not a whole number of pixels";
			return -EINVAL;
		}

		/* Whole chroma samples: no rounding up. */
		row = (u64)cmd->width / (i ? info->hsub : 1) * info->cpp[i];
		height = cmd->height / (i ? info->vsub : 1);
		end = cmd->offsets[i] + (u64)(height - 1) * cmd->pitches[i] + row;
		if (end > obj_size[i]) {
			*reason = "plane beyond its buffer object";
			return -EINVAL;
		}
	}

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(display_fb_check);

/* DIRTYFB: the front buffer was drawn to, cached CRCs of it are stale. */
static int display_fb_dirty(struct drm_framebuffer *fb, struct drm_file *file,
			    unsigned int flags, unsigned int color,
			    struct drm_clip_rect *clips, unsigned int num_clips)
{
	display_composer_fb_dirty(to_display_dev(fb->dev), fb);
	return 0;
}

static const struct drm_framebuffer_funcs display_fb_funcs = {
	.destroy = drm_gem_fb_destroy,
	.create_handle = drm_gem_fb_create_handle,
	.dirty = display_fb_dirty,
};

/**
 * display_fb_create - &drm_mode_config_funcs.fb_create
 * @dev: DRM device
 * @file: DRM file whose handles @cmd names
 * @cmd: the ADDFB2 request, checked by the core
 *
 * Return: the framebuffer or an ERR_PTR(): -ENOENT for an unknown handle,
 * -EINVAL for a framebuffer the planes cannot show.
 */
struct drm_framebuffer *display_fb_create(struct drm_device *dev,
					  struct drm_file *file,
					  const struct drm_mode_fb_cmd2 *cmd)
{
	const struct drm_format_info *info = drm_get_format_info(dev, cmd);
	u64 obj_size[DRM_FORMAT_MAX_PLANES] = {};
	struct drm_gem_object *obj;
	const char *reason;
	int i, ret;

	/* framebuffer_check() has found @info already. */
	if (!info)
		return ERR_PTR(-EINVAL);

	for (i = 0; i < info->num_planes; i++) {
		obj = drm_gem_object_lookup(file, cmd->handles[i]);
		if (!obj) {
			drm_dbg_kms(dev, "no buffer object for plane %d\n", i);
			return ERR_PTR(-ENOENT);
		}
		obj_size[i] = obj->size;
		drm_gem_object_put(obj);
	}

	ret = display_fb_check(cmd, obj_size, &reason);
	if (ret) {
		drm_dbg_kms(dev,
			    "bad framebuffer %p4cc %ux%u modifier %#llx pitches %u %u offsets %u %u: %s\n",
			    &cmd->pixel_format, cmd->width, cmd->height,
			    cmd->modifier[0], cmd->pitches[0], cmd->pitches[1],
			    cmd->offsets[0], cmd->offsets[1], reason);
		return ERR_PTR(ret);
	}

	/*
	 * This looks the objects up again, and checks their sizes again: a
	 * handle closed and reused meanwhile gets no further than that.
	 */
	return drm_gem_fb_create_with_funcs(dev, file, cmd, &display_fb_funcs);
}
