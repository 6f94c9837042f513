// SPDX-License-Identifier: MIT
/*
 * ADDFB2 on drm_display, case by case: each request differs from a good
 * one in one respect and must fail with the errno the DRM core's checks
 * (drm_internal_framebuffer_create(), framebuffer_check()) or drm_display's
 * own (display_fb_create(), display_fb_check()) give it; a few odd but
 * valid requests must succeed. Also legacy ADDFB's depth/bpp pairs.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"

#define WIDTH		1024
#define HEIGHT		768
#define MAX_SIZE	4096
#define MIN_SIZE	16

/* Handles resolved when the case runs. */
enum {
	H_GOOD = 1,	/* the base buffer */
	H_ZERO,		/* 0 */
	H_STALE,	/* closed before the call */
	H_OTHER,	/* a handle of another file, unknown to ours */
	H_SMALL,	/* a buffer too small for the framebuffer */
	H_CHROMA,	/* a buffer of its own for NV12's chroma */
};

enum field {
	F_NONE,
	F_WIDTH,
	F_HEIGHT,
	F_FORMAT,
	F_FLAGS,
	F_HANDLE,	/* value: H_* */
	F_PITCH,
	F_OFFSET,
	F_MODIFIER,
};

struct edit {
	enum field field;
	int plane;
	uint64_t value;
};

/**
 * struct addfb_case - one request and its outcome
 * @name: what is wrong (or odd) with it
 * @nv12: based on the NV12 request, else on the XRGB8888 one
 * @edits: what differs from the base request
 * @err: the errno, 0 when it must succeed
 */
struct addfb_case {
	const char *name;
	bool nv12;
	struct edit edits[3];
	int err;
};

#define E(f, p, v) { F_##f, p, v }

static const struct addfb_case cases[] = {
	/* Sizes: the mode config's limits. */
	{ "width 0", false, { E(WIDTH, 0, 0) }, EINVAL },
	{ "height 0", false, { E(HEIGHT, 0, 0) }, EINVAL },
	{ "width below the minimum", false, { E(WIDTH, 0, MIN_SIZE - 1) }, EINVAL },
	{ "width above the maximum", false, { E(WIDTH, 0, MAX_SIZE + 1) }, EINVAL },
	{ "height above the maximum", false, { E(HEIGHT, 0, MAX_SIZE + 1) }, EINVAL },

	/* Pitches. */
	{ "pitch 0", false, { E(PITCH, 0, 0) }, EINVAL },
	{ "pitch below a row", false, { E(PITCH, 0, WIDTH * 4 - 4) }, EINVAL },
	{ "pitch not a whole number of pixels", false,
	  { E(PITCH, 0, WIDTH * 4 + 2), E(HEIGHT, 0, HEIGHT - 1) }, EINVAL },
	{ "pitch beyond the buffer", false, { E(PITCH, 0, WIDTH * 8) }, EINVAL },
	{ "pitch * height beyond 4 GiB", false,
	  { E(PITCH, 0, 0xfffffffcu) }, ERANGE },

	/* Offsets. */
	{ "offset not a whole number of pixels", false,
	  { E(OFFSET, 0, 2), E(WIDTH, 0, WIDTH - 1) }, EINVAL },
	{ "offset past the buffer", false, { E(OFFSET, 0, 4096) }, EINVAL },
	{ "offset beyond 4 GiB", false, { E(OFFSET, 0, 0xfffff000u) }, ERANGE },

	/* Handles. */
	{ "handle 0", false, { E(HANDLE, 0, H_ZERO) }, EINVAL },
	{ "stale handle", false, { E(HANDLE, 0, H_STALE) }, ENOENT },
	{ "another file's handle", false, { E(HANDLE, 0, H_OTHER) }, ENOENT },
	{ "buffer too small", false, { E(HANDLE, 0, H_SMALL) }, EINVAL },
	{ "handle for an unused plane with modifiers", false,
	  { E(FLAGS, 0, DRM_MODE_FB_MODIFIERS), E(HANDLE, 1, H_GOOD) }, EINVAL },

	/* Modifiers and flags. */
	{ "X-tiled modifier", false,
	  { E(FLAGS, 0, DRM_MODE_FB_MODIFIERS),
	    E(MODIFIER, 0, I915_FORMAT_MOD_X_TILED) }, EINVAL },
	{ "DRM_FORMAT_MOD_INVALID", false,
	  { E(FLAGS, 0, DRM_MODE_FB_MODIFIERS),
	    E(MODIFIER, 0, DRM_FORMAT_MOD_INVALID) }, EINVAL },
	{ "modifier without DRM_MODE_FB_MODIFIERS", false,
	  { E(MODIFIER, 0, I915_FORMAT_MOD_X_TILED) }, EINVAL },
	{ "modifier on an unused plane", false,
	  { E(FLAGS, 0, DRM_MODE_FB_MODIFIERS),
	    E(MODIFIER, 1, DRM_FORMAT_MOD_LINEAR + 1) }, EINVAL },
	{ "pitch of an unused plane with modifiers", false,
	  { E(FLAGS, 0, DRM_MODE_FB_MODIFIERS), E(PITCH, 1, WIDTH * 4) }, EINVAL },
	{ "unknown flag", false, { E(FLAGS, 0, 1u << 31) }, EINVAL },

	/* Formats. */
	{ "unknown format", false,
	  { E(FORMAT, 0, fourcc_code('X', 'X', 'X', 'X')) }, EINVAL },
	{ "format 0", false, { E(FORMAT, 0, 0) }, EINVAL },
	{ "YUYV, no plane has it", false, { E(FORMAT, 0, DRM_FORMAT_YUYV) }, EINVAL },
	{ "C8, no plane has it", false, { E(FORMAT, 0, DRM_FORMAT_C8) }, EINVAL },
	{ "RGB888, no plane has it", false,
	  { E(FORMAT, 0, DRM_FORMAT_RGB888), E(PITCH, 0, WIDTH * 3) }, EINVAL },

	/* NV12. */
	{ "NV12 odd width", true, { E(WIDTH, 0, WIDTH - 1) }, EINVAL },
	{ "NV12 odd height", true, { E(HEIGHT, 0, HEIGHT - 1) }, EINVAL },
	{ "NV12 without a chroma handle", true, { E(HANDLE, 1, H_ZERO) }, EINVAL },
	{ "NV12 chroma pitch below a row", true,
	  { E(PITCH, 1, WIDTH - 2) }, EINVAL },
	{ "NV12 chroma pitch not a whole number of samples", true,
	  { E(PITCH, 1, WIDTH + 1), E(HEIGHT, 0, HEIGHT - 2) }, EINVAL },
	{ "NV12 chroma offset not a whole number of samples", true,
	  { E(OFFSET, 1, WIDTH * HEIGHT + 1), E(HEIGHT, 0, HEIGHT - 2) }, EINVAL },
	{ "NV12 chroma past the buffer", true,
	  { E(OFFSET, 1, WIDTH * HEIGHT * 3 / 2) }, EINVAL },
	{ "NV12 chroma in a stale handle", true, { E(HANDLE, 1, H_STALE) }, ENOENT },
	{ "NV12 modifiers differing per plane", true,
	  { E(FLAGS, 0, DRM_MODE_FB_MODIFIERS),
	    E(MODIFIER, 1, I915_FORMAT_MOD_X_TILED) }, EINVAL },

	/* Odd but valid. */
	{ "DRM_MODE_FB_MODIFIERS with LINEAR", false,
	  { E(FLAGS, 0, DRM_MODE_FB_MODIFIERS) }, 0 },
	{ "handle and pitch of an unused plane without modifiers (old userspace)",
	  false, { E(HANDLE, 1, H_GOOD), E(PITCH, 1, WIDTH * 4) }, 0 },
	{ "smallest size", false,
	  { E(WIDTH, 0, MIN_SIZE), E(HEIGHT, 0, MIN_SIZE) }, 0 },
	{ "offset and pitch in whole pixels, inside the buffer", false,
	  { E(OFFSET, 0, 4), E(WIDTH, 0, WIDTH - 1) }, 0 },
	{ "NV12 luma and chroma in one buffer", true, { E(NONE, 0, 0) }, 0 },
	{ "NV12 chroma in a buffer of its own", true,
	  { E(HANDLE, 1, H_CHROMA), E(OFFSET, 1, 0) }, 0 },
	{ "NV12 with DRM_MODE_FB_MODIFIERS and LINEAR", true,
	  { E(FLAGS, 0, DRM_MODE_FB_MODIFIERS) }, 0 },
};

static struct {
	int fd, other;
	uint32_t xrgb, nv12, small, chroma, other_handle, stale;
} data = { .fd = -1, .other = -1 };

static uint32_t dumb(int fd, uint32_t width, uint32_t height, uint32_t bpp)
{
	struct drm_mode_create_dumb create = {
		.width = width, .height = height, .bpp = bpp,
	};

	do_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create);
	return create.handle;
}

static bool has_handle(int fd, uint32_t handle)
{
	struct drm_mode_map_dumb map = { .handle = handle };

	return igt_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map) == 0;
}

static uint32_t resolve_handle(uint64_t h)
{
	switch (h) {
	case H_GOOD:
		return 0;	/* keep the base's */
	case H_ZERO:
		return 0;
	case H_STALE:
		return data.stale;
	case H_OTHER:
		return data.other_handle;
	case H_SMALL:
		return data.small;
	case H_CHROMA:
		return data.chroma;
	}
	igt_assert_f(false, "bad handle code %llu\n", (unsigned long long)h);
	return 0;
}

static void base_request(bool nv12, struct drm_mode_fb_cmd2 *f)
{
	memset(f, 0, sizeof(*f));
	f->width = WIDTH;
	f->height = HEIGHT;
	if (!nv12) {
		f->pixel_format = DRM_FORMAT_XRGB8888;
		f->handles[0] = data.xrgb;
		f->pitches[0] = WIDTH * 4;
		return;
	}
	/* Luma then chroma in one buffer. */
	f->pixel_format = DRM_FORMAT_NV12;
	f->handles[0] = f->handles[1] = data.nv12;
	f->pitches[0] = f->pitches[1] = WIDTH;
	f->offsets[1] = WIDTH * HEIGHT;
}

static void apply(const struct edit *e, struct drm_mode_fb_cmd2 *f, bool nv12)
{
	switch (e->field) {
	case F_NONE:
		break;
	case F_WIDTH:
		f->width = e->value;
		break;
	case F_HEIGHT:
		f->height = e->value;
		break;
	case F_FORMAT:
		f->pixel_format = e->value;
		break;
	case F_FLAGS:
		f->flags = e->value;
		break;
	case F_HANDLE:
		if (e->value == H_GOOD)
			f->handles[e->plane] = nv12 ? data.nv12 : data.xrgb;
		else
			f->handles[e->plane] = resolve_handle(e->value);
		break;
	case F_PITCH:
		f->pitches[e->plane] = e->value;
		break;
	case F_OFFSET:
		f->offsets[e->plane] = e->value;
		break;
	case F_MODIFIER:
		f->modifier[e->plane] = e->value;
		break;
	}
}

/* Runs one case; returns whether it had the expected outcome. */
static bool run_case(const struct addfb_case *c)
{
	struct drm_mode_fb_cmd2 f;
	unsigned int i;
	int err;

	base_request(c->nv12, &f);
	for (i = 0; i < ARRAY_SIZE(c->edits); i++)
		apply(&c->edits[i], &f, c->nv12);

	err = igt_ioctl(data.fd, DRM_IOCTL_MODE_ADDFB2, &f) ? errno : 0;
	if (!err) {
		igt_assert(f.fb_id);
		igt_assert_eq(drmModeRmFB(data.fd, f.fb_id), 0);
	}
	if (err == c->err) {
		igt_debug("%s: %s\n", c->name, err ? strerror(err) : "ok");
		return true;
	}
	igt_warn("%s: ADDFB2 gave %d (%s), expected %d (%s)\n", c->name, -err,
		 err ? strerror(err) : "ok", -c->err,
		 c->err ? strerror(c->err) : "ok");
	return false;
}

static void test_matrix(void)
{
	unsigned int i, failed = 0;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		failed += !run_case(&cases[i]);
	igt_assert_f(!failed, "%u of %zu ADDFB2 cases failed\n", failed,
		     ARRAY_SIZE(cases));
}

static void test_with_modifiers(void)
{
	uint32_t handles[4] = { data.xrgb }, pitches[4] = { WIDTH * 4 };
	uint32_t offsets[4] = {}, fb_id = 0;
	uint64_t modifiers[4] = { DRM_FORMAT_MOD_LINEAR };
	drmModeFB2Ptr fb2;

	igt_assert_eq(drmModeAddFB2WithModifiers(data.fd, WIDTH, HEIGHT,
						 DRM_FORMAT_XRGB8888, handles,
						 pitches, offsets, modifiers,
						 &fb_id,
						 DRM_MODE_FB_MODIFIERS), 0);
	fb2 = drmModeGetFB2(data.fd, fb_id);
	igt_assert(fb2);
	igt_assert(fb2->flags & DRM_MODE_FB_MODIFIERS);
	igt_assert_eq_u64(fb2->modifier, DRM_FORMAT_MOD_LINEAR);
	igt_assert_eq_u32(fb2->pixel_format, DRM_FORMAT_XRGB8888);
	igt_assert_eq_u32(fb2->pitches[0], WIDTH * 4);
	if (fb2->handles[0])
		gem_close(data.fd, fb2->handles[0]);
	drmModeFreeFB2(fb2);
	igt_assert_eq(drmModeRmFB(data.fd, fb_id), 0);

	/* ... and not with a tiled one. */
	modifiers[0] = I915_FORMAT_MOD_X_TILED;
	igt_assert_eq(drmModeAddFB2WithModifiers(data.fd, WIDTH, HEIGHT,
						 DRM_FORMAT_XRGB8888, handles,
						 pitches, offsets, modifiers,
						 &fb_id,
						 DRM_MODE_FB_MODIFIERS), -EINVAL);
}

/* Legacy ADDFB: the core maps depth/bpp to a format, or refuses. */
static void test_legacy_addfb(void)
{
	static const struct {
		uint8_t depth, bpp;
		int err;
	} pairs[] = {
		{ 24, 32, 0 },		/* XRGB8888 */
		{ 32, 32, 0 },		/* ARGB8888 */
		{ 30, 32, 0 },		/* XRGB2101010 */
		{ 16, 16, 0 },		/* RGB565 */
		{ 8, 8, EINVAL },	/* C8: no plane has it */
		{ 15, 16, EINVAL },	/* XRGB1555: no plane has it */
		{ 24, 24, EINVAL },	/* RGB888: no plane has it */
		{ 17, 32, EINVAL },	/* no such pair */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		uint32_t fb_id = 0;
		int ret;

		ret = drmModeAddFB(data.fd, WIDTH, HEIGHT, pairs[i].depth,
				   pairs[i].bpp, WIDTH * pairs[i].bpp / 8,
				   data.xrgb, &fb_id);
		igt_assert_f(ret == -pairs[i].err,
			     "ADDFB depth %u bpp %u: %d, expected %d\n",
			     pairs[i].depth, pairs[i].bpp, ret, -pairs[i].err);
		if (!ret)
			igt_assert_eq(drmModeRmFB(data.fd, fb_id), 0);
	}
}

igt_main
{
	igt_fixture {
		data.fd = drm_open_driver(DRIVER_DISPLAY);
		data.other = drm_open_driver(DRIVER_DISPLAY);

		data.xrgb = dumb(data.fd, WIDTH, HEIGHT, 32);
		data.nv12 = dumb(data.fd, WIDTH, HEIGHT * 3 / 2, 8);
		data.chroma = dumb(data.fd, WIDTH, HEIGHT / 2, 8);
		data.small = dumb(data.fd, 64, 64, 32);
		data.stale = dumb(data.fd, WIDTH, HEIGHT, 32);
		gem_close(data.fd, data.stale);
		igt_assert(!has_handle(data.fd, data.stale));

		/* A handle number the other file has and ours does not. */
		do {
			data.other_handle = dumb(data.other, 64, 64, 32);
		} while (has_handle(data.fd, data.other_handle));
	}

	igt_describe("Each malformed ADDFB2 request fails with its own errno; "
		     "odd but valid ones succeed.");
	igt_subtest("addfb2-matrix")
		test_matrix();

	igt_describe("AddFB2WithModifiers with LINEAR succeeds and reads back; "
		     "a tiled modifier is refused.");
	igt_subtest("addfb2-with-modifiers")
		test_with_modifiers();

	igt_describe("Legacy ADDFB: depth/bpp pairs of the planes' formats "
		     "succeed, the others fail.");
	igt_subtest("addfb-legacy-depth-bpp")
		test_legacy_addfb();

	igt_fixture {
		/* Closing the files frees every buffer. */
		drm_close_driver(data.other);
		drm_close_driver(data.fd);
	}
}
