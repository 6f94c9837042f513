// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for what drm_display decides without a device: the planes'
 * format table, the dumb buffer layout, the framebuffer checks, the
 * fence-wait policy and the totals line of debugfs fence_waits.
 */

#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include <drm/drm_fourcc.h>
#include <drm/drm_mode.h>
#include <kunit/test.h>

#include "../display_drv.h"

/* ---- format table ---------------------------------------------------- */

struct format_case {
	u32 format;
	u8 num_planes;
	u8 cpp[2];
	u8 hsub, vsub;
	bool alpha;
};

/* What the planes advertise, as the core's table describes it. */
static const struct format_case format_cases[] = {
	{ DRM_FORMAT_XRGB8888, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_ARGB8888, 1, { 4 }, 1, 1, true },
	{ DRM_FORMAT_XBGR8888, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_ABGR8888, 1, { 4 }, 1, 1, true },
	{ DRM_FORMAT_RGB565, 1, { 2 }, 1, 1, false },
	{ DRM_FORMAT_XRGB2101010, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_ARGB2101010, 1, { 4 }, 1, 1, true },
	{ DRM_FORMAT_NV12, 2, { 1, 2 }, 2, 2, false },
};

static void format_case_desc(const struct format_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%p4cc", &c->format);
}

KUNIT_ARRAY_PARAM(format, format_cases, format_case_desc);

static void display_test_format_info(struct kunit *test)
{
	const struct format_case *c = test->param_value;
	const struct drm_format_info *info = display_format_info(c->format);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, info);
	KUNIT_EXPECT_EQ(test, info->format, c->format);
	KUNIT_EXPECT_EQ(test, info->num_planes, c->num_planes);
	for (i = 0; i < c->num_planes; i++)
		KUNIT_EXPECT_EQ_MSG(test, info->cpp[i], c->cpp[i], "plane %d", i);
	KUNIT_EXPECT_EQ(test, info->hsub, c->hsub);
	KUNIT_EXPECT_EQ(test, info->vsub, c->vsub);
	KUNIT_EXPECT_EQ(test, info->has_alpha, c->alpha);
}

/* The cases above are exactly the advertised formats, none twice. */
static void display_test_formats_covered(struct kunit *test)
{
	unsigned int i, j, found;

	KUNIT_EXPECT_EQ(test, display_num_plane_formats,
			ARRAY_SIZE(format_cases));
	for (i = 0; i < display_num_plane_formats; i++) {
		u32 format = display_plane_formats[i];

		found = 0;
		for (j = 0; j < ARRAY_SIZE(format_cases); j++)
			found += format_cases[j].format == format;
		KUNIT_EXPECT_EQ_MSG(test, found, 1, "format %p4cc", &format);
	}
}

static void display_test_formats_unique(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < display_num_plane_formats; i++)
		for (j = i + 1; j < display_num_plane_formats; j++)
			KUNIT_EXPECT_NE_MSG(test, display_plane_formats[i],
					    display_plane_formats[j],
					    "entries %u and %u", i, j);
}

/* Whatever is added later: the A in the fourcc and the alpha agree. */
static void display_test_formats_alpha(struct kunit *test)
{
	const struct drm_format_info *info;
	unsigned int i;

	for (i = 0; i < display_num_plane_formats; i++) {
		u32 format = display_plane_formats[i];

		info = display_format_info(format);
		KUNIT_ASSERT_NOT_NULL_MSG(test, info, "format %p4cc", &format);
		KUNIT_EXPECT_EQ_MSG(test, info->has_alpha,
				    (format & 0xff) == 'A',
				    "format %p4cc", &format);
	}
}

/* No answer, and no warning from drm_format_info(), for the others. */
static void display_test_format_unknown(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, display_format_info(DRM_FORMAT_YUYV));
	KUNIT_EXPECT_NULL(test, display_format_info(DRM_FORMAT_C8));
	KUNIT_EXPECT_NULL(test, display_format_info(fourcc_code('X', 'X', 'X', 'X')));
	KUNIT_EXPECT_NULL(test, display_format_info(0));
}

static struct kunit_case display_format_test_cases[] = {
	KUNIT_CASE_PARAM(display_test_format_info, format_gen_params),
	KUNIT_CASE(display_test_formats_covered),
	KUNIT_CASE(display_test_formats_unique),
	KUNIT_CASE(display_test_formats_alpha),
	KUNIT_CASE(display_test_format_unknown),
	{}
};

static struct kunit_suite display_format_test_suite = {
	.name = "drm_display_formats",
	.test_cases = display_format_test_cases,
};

/* ---- dumb buffer layout ---------------------------------------------- */

struct dumb_case {
	const char *name;
	u32 width, height, bpp;
	int ret;
	u32 pitch;
	u64 size;
};

static const struct dumb_case dumb_cases[] = {
	{ "xrgb8888 1024x768", 1024, 768, 32, 0, 4096, 4096 * 768 },
	{ "one pixel", 1, 1, 8, 0, 1, PAGE_SIZE },
	{ "rgb565 odd width", 641, 3, 16, 0, 1282, PAGE_ALIGN(1282 * 3) },
	{ "24 bpp", 640, 480, 24, 0, 1920, PAGE_ALIGN(1920 * 480) },
	{ "64 bpp", 100, 10, 64, 0, 800, PAGE_ALIGN(8000) },
	{ "largest", DISPLAY_MAX_SIZE, DISPLAY_MAX_SIZE, 64, 0,
	  DISPLAY_MAX_SIZE * 8, DISPLAY_DUMB_MAX_BYTES },
	{ "one row wide", DISPLAY_DUMB_MAX_BYTES / 8, 1, 64, 0,
	  DISPLAY_DUMB_MAX_BYTES, DISPLAY_DUMB_MAX_BYTES },
	{ "one row too many", DISPLAY_MAX_SIZE, DISPLAY_MAX_SIZE + 1, 64,
	  -EINVAL },
	/* width * bpp wraps in 32 bits: the helper made pitch 324165808. */
	{ "width * bpp beyond u32", 510282774, 1, 64, -EINVAL },
	/* ... and here 0 and 8, which a limit on the size would not catch. */
	{ "width * bpp 2^32", 1 << 26, 1, 64, -EINVAL },
	{ "width * bpp 2^32 + 64", (1 << 26) + 1, 1, 64, -EINVAL },
	{ "bpp 0", 64, 64, 0, -EINVAL },
	{ "bpp 7", 64, 64, 7, -EINVAL },
	{ "bpp 12", 64, 64, 12, -EINVAL },
	{ "width 0", 0, 64, 32, -EINVAL },
	{ "height 0", 64, 0, 32, -EINVAL },
	{ "huge width", U32_MAX, 1, 8, -EINVAL },
	{ "huge height", 1, U32_MAX, 8, -EINVAL },
	{ "size beyond u64", U32_MAX, U32_MAX, U32_MAX - 7, -EINVAL },
};

static void dumb_case_desc(const struct dumb_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dumb, dumb_cases, dumb_case_desc);

static void display_test_dumb_layout(struct kunit *test)
{
	const struct dumb_case *c = test->param_value;
	u32 pitch = 0;
	u64 size = 0;
	int ret;

	ret = display_dumb_layout(c->width, c->height, c->bpp, &pitch, &size);
	KUNIT_ASSERT_EQ(test, ret, c->ret);
	if (ret)
		return;

	KUNIT_EXPECT_EQ(test, pitch, c->pitch);
	KUNIT_EXPECT_EQ(test, size, c->size);
	/* Whatever the numbers: a row fits a pitch, every row the size. */
	KUNIT_EXPECT_GE(test, (u64)pitch, (u64)c->width * (c->bpp / 8));
	KUNIT_EXPECT_GE(test, size, (u64)pitch * c->height);
	KUNIT_EXPECT_EQ(test, size % PAGE_SIZE, 0);
}

static struct kunit_case display_dumb_test_cases[] = {
	KUNIT_CASE_PARAM(display_test_dumb_layout, dumb_gen_params),
	{}
};

static struct kunit_suite display_dumb_test_suite = {
	.name = "drm_display_dumb",
	.test_cases = display_dumb_test_cases,
};

/* ---- framebuffer checks ---------------------------------------------- */

struct fb_case {
	const char *name;
	u32 format, width, height;
	u64 modifier;
	u32 pitches[2], offsets[2];
	u64 obj_size[2];
	int ret;
	const char *reason;
};

#define XR24_SIZE	(4096 * 768)
#define NV12_LUMA	(1024 * 768)
#define NV12_SIZE	(NV12_LUMA * 3 / 2)

static const struct fb_case fb_cases[] = {
	{ "xrgb8888", DRM_FORMAT_XRGB8888, 1024, 768, DRM_FORMAT_MOD_LINEAR,
	  { 4096 }, { 0 }, { XR24_SIZE }, 0 },
	{ "xrgb8888 padded, offset", DRM_FORMAT_XRGB8888, 1000, 768, 0,
	  { 4096 }, { 4096 }, { XR24_SIZE + 4096 }, 0 },
	{ "xrgb8888 last byte at the end", DRM_FORMAT_XRGB8888, 1000, 768, 0,
	  { 4096 }, { 0 }, { 4096 * 767 + 4000 }, 0 },
	{ "rgb565", DRM_FORMAT_RGB565, 640, 480, 0,
	  { 1280 }, { 0 }, { 1280 * 480 }, 0 },
	{ "nv12 one object", DRM_FORMAT_NV12, 1024, 768, 0,
	  { 1024, 1024 }, { 0, NV12_LUMA }, { NV12_SIZE, NV12_SIZE }, 0 },
	{ "nv12 two objects", DRM_FORMAT_NV12, 1024, 768, 0,
	  { 1024, 1024 }, { 0, 0 }, { NV12_LUMA, NV12_LUMA / 2 }, 0 },
	{ "no pixels", DRM_FORMAT_XRGB8888, 0, 768, 0,
	  { 4096 }, { 0 }, { XR24_SIZE }, -EINVAL, "no pixels" },
	{ "format no plane has", DRM_FORMAT_YUYV, 1024, 768, 0,
	  { 2048 }, { 0 }, { XR24_SIZE }, -EINVAL, "format no plane has" },
	{ "unknown format", fourcc_code('X', 'X', 'X', 'X'), 1024, 768, 0,
	  { 4096 }, { 0 }, { XR24_SIZE }, -EINVAL, "format no plane has" },
	{ "nv12 odd width", DRM_FORMAT_NV12, 1023, 768, 0,
	  { 1024, 1024 }, { 0, NV12_LUMA }, { NV12_SIZE, NV12_SIZE }, -EINVAL,
	  "size not a whole number of chroma samples" },
	{ "nv12 odd height", DRM_FORMAT_NV12, 1024, 767, 0,
	  { 1024, 1024 }, { 0, NV12_LUMA }, { NV12_SIZE, NV12_SIZE }, -EINVAL,
	  "size not a whole number of chroma samples" },
	{ "x-tiled", DRM_FORMAT_XRGB8888, 1024, 768,
	  fourcc_mod_code(INTEL, 1), { 4096 }, { 0 }, { XR24_SIZE }, -EINVAL,
	  "modifier not linear" },
	{ "invalid modifier", DRM_FORMAT_XRGB8888, 1024, 768,
	  DRM_FORMAT_MOD_INVALID, { 4096 }, { 0 }, { XR24_SIZE }, -EINVAL,
	  "modifier not linear" },
	{ "xrgb8888 pitch in part pixels", DRM_FORMAT_XRGB8888, 1000, 768, 0,
	  { 4002 }, { 0 }, { XR24_SIZE }, -EINVAL,
	  "pitch not a whole number of pixels" },
	{ "rgb565 odd pitch", DRM_FORMAT_RGB565, 640, 480, 0,
	  { 1281 }, { 0 }, { 1281 * 480 }, -EINVAL,
	  "pitch not a whole number of pixels" },
	{ "nv12 odd chroma pitch", DRM_FORMAT_NV12, 1024, 768, 0,
	  { 1024, 1025 }, { 0, NV12_LUMA }, { NV12_SIZE, NV12_SIZE }, -EINVAL,
	  "pitch not a whole number of pixels" },
	{ "xrgb8888 misaligned offset", DRM_FORMAT_XRGB8888, 1024, 768, 0,
	  { 4096 }, { 2 }, { XR24_SIZE + 4096 }, -EINVAL,
	  "offset not a whole number of pixels" },
	{ "nv12 odd chroma offset", DRM_FORMAT_NV12, 1024, 768, 0,
	  { 1024, 1024 }, { 0, NV12_LUMA + 1 }, { NV12_SIZE, NV12_SIZE + 1 },
	  -EINVAL, "offset not a whole number of pixels" },
	{ "object one byte short", DRM_FORMAT_XRGB8888, 1000, 768, 0,
	  { 4096 }, { 0 }, { 4096 * 767 + 3999 }, -EINVAL,
	  "plane beyond its buffer object" },
	{ "nv12 chroma past the end", DRM_FORMAT_NV12, 1024, 768, 0,
	  { 1024, 1024 }, { 0, NV12_SIZE }, { NV12_SIZE, NV12_SIZE }, -EINVAL,
	  "plane beyond its buffer object" },
	{ "nv12 chroma object too small", DRM_FORMAT_NV12, 1024, 768, 0,
	  { 1024, 1024 }, { 0, 0 }, { NV12_LUMA, NV12_LUMA / 2 - 1 }, -EINVAL,
	  "plane beyond its buffer object" },
	/* In 32 bits the end wraps to 0x2ff000, inside the object. */
	{ "offset + rows beyond u32", DRM_FORMAT_XRGB8888, 1024, 768, 0,
	  { 4096 }, { 0xfffff000 }, { XR24_SIZE }, -EINVAL,
	  "plane beyond its buffer object" },
	/* In 32 bits 2 * pitch is 0: the end would be one row. */
	{ "pitch * rows beyond u32", DRM_FORMAT_XRGB8888, 1024, 3, 0,
	  { 0x80000000 }, { 0 }, { XR24_SIZE }, -EINVAL,
	  "plane beyond its buffer object" },
};

static void fb_case_desc(const struct fb_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fb, fb_cases, fb_case_desc);

static void display_test_fb_check(struct kunit *test)
{
	const struct fb_case *c = test->param_value;
	struct drm_mode_fb_cmd2 cmd = {
		.width = c->width,
		.height = c->height,
		.pixel_format = c->format,
		.flags = c->modifier ? DRM_MODE_FB_MODIFIERS : 0,
		.handles = { 1, 1 },
		.pitches = { c->pitches[0], c->pitches[1] },
		.offsets = { c->offsets[0], c->offsets[1] },
		.modifier = { c->modifier, c->modifier },
	};
	u64 obj_size[DRM_FORMAT_MAX_PLANES] = { c->obj_size[0], c->obj_size[1] };
	const char *reason = NULL;
	int ret;

	ret = display_fb_check(&cmd, obj_size, &reason);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (c->ret)
		KUNIT_EXPECT_STREQ(test, reason, c->reason);
	else
		KUNIT_EXPECT_NULL(test, reason);
}

static struct kunit_case display_fb_test_cases[] = {
	KUNIT_CASE_PARAM(display_test_fb_check, fb_gen_params),
	{}
};

static struct kunit_suite display_fb_test_suite = {
	.name = "drm_display_fb",
	.test_cases = display_fb_test_cases,
};

/* ---- fence-wait policy ----------------------------------------------- */

struct policy_case {
	const char *name;
	long left;
	bool reported, skip;
	enum display_fence_verdict verdict;
};

static const struct policy_case policy_cases[] = {
	{ "signalled", 1, false, true, DISPLAY_FENCE_SHOWN },
	{ "signalled at once", MAX_SCHEDULE_TIMEOUT, false, false,
	  DISPLAY_FENCE_SHOWN },
	{ "signalled after a report", 5, true, false, DISPLAY_FENCE_SHOWN },
	{ "first timeout, skip", 0, false, true, DISPLAY_FENCE_REPORT_SKIP },
	{ "first timeout, wait", 0, false, false, DISPLAY_FENCE_REPORT_WAIT },
	{ "later timeout, wait", 0, true, false, DISPLAY_FENCE_WAIT },
	{ "later timeout, switched to skip", 0, true, true, DISPLAY_FENCE_SKIP },
	{ "interrupted", -ERESTARTSYS, false, false, DISPLAY_FENCE_SKIP },
	{ "interrupted, skip", -ERESTARTSYS, false, true, DISPLAY_FENCE_SKIP },
	{ "interrupted after a report", -ERESTARTSYS, true, false,
	  DISPLAY_FENCE_SKIP },
};

static void policy_case_desc(const struct policy_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(policy, policy_cases, policy_case_desc);

static void display_test_fence_policy(struct kunit *test)
{
	const struct policy_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, display_fence_policy(c->left, c->reported, c->skip),
			c->verdict);
}

static struct kunit_case display_policy_test_cases[] = {
	KUNIT_CASE_PARAM(display_test_fence_policy, policy_gen_params),
	{}
};

static struct kunit_suite display_policy_test_suite = {
	.name = "drm_display_fence_policy",
	.test_cases = display_policy_test_cases,
};

/* ---- debugfs totals -------------------------------------------------- */

struct stats_case {
	const char *name;
	struct display_fence_stats stats;
	s64 max_ms, mean_ms;
	const char *line;
};

static const struct stats_case stats_cases[] = {
	{ "none", { 0, 0, 0, 0, 0 }, 0, 0,
	  "total waits 0 timeouts 0 max-ms 0 mean-ms 0\n" },
	{ "none ended yet", { 2, 0, 1, 0, 0 }, 0, 0,
	  "total waits 2 timeouts 1 max-ms 0 mean-ms 0\n" },
	{ "one of 1.5 ms", { 1, 1, 0, 1500000, 1500000 }, 1, 1,
	  "total waits 1 timeouts 0 max-ms 1 mean-ms 1\n" },
	{ "below a millisecond", { 3, 3, 0, 900000, 500000 }, 0, 0,
	  "total waits 3 timeouts 0 max-ms 0 mean-ms 0\n" },
	{ "mean rounds down", { 2, 2, 0, 5000000, 4000000 }, 4, 2,
	  "total waits 2 timeouts 0 max-ms 4 mean-ms 2\n" },
	{ "over ended waits only", { 5, 4, 2, 10400000000LL, 5200000000LL },
	  5200, 2600,
	  "total waits 5 timeouts 2 max-ms 5200 mean-ms 2600\n" },
	{ "a day", { 1, 1, 1, 86400000000000LL, 86400000000000LL },
	  86400000, 86400000,
	  "total waits 1 timeouts 1 max-ms 86400000 mean-ms 86400000\n" },
	/* done * NSEC_PER_MSEC is 2^64 + 448384: the mean must not see it. */
	{ "done * 1e6 beyond u64",
	  { 18446744073710ULL, 18446744073710ULL, 0, 1000000000000000000LL,
	    1000000 }, 1, 0,
	  "total waits 18446744073710 timeouts 0 max-ms 1 mean-ms 0\n" },
};

static void stats_case_desc(const struct stats_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(stats, stats_cases, stats_case_desc);

static void display_test_stats_ms(struct kunit *test)
{
	const struct stats_case *c = test->param_value;
	s64 max_ms = -1, mean_ms = -1;

	display_fence_stats_ms(&c->stats, &max_ms, &mean_ms);
	KUNIT_EXPECT_EQ(test, max_ms, c->max_ms);
	KUNIT_EXPECT_EQ(test, mean_ms, c->mean_ms);
}

static void display_test_stats_line(struct kunit *test)
{
	const struct stats_case *c = test->param_value;
	struct seq_file m = {};

	m.size = 128;
	m.buf = kunit_kzalloc(test, m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);

	display_fence_show_totals(&m, &c->stats);
	KUNIT_EXPECT_STREQ(test, m.buf, c->line);
	KUNIT_EXPECT_EQ(test, m.count, strlen(c->line));
}

static struct kunit_case display_stats_test_cases[] = {
	KUNIT_CASE_PARAM(display_test_stats_ms, stats_gen_params),
	KUNIT_CASE_PARAM(display_test_stats_line, stats_gen_params),
	{}
};

static struct kunit_suite display_stats_test_suite = {
	.name = "drm_display_fence_stats",
	.test_cases = display_stats_test_cases,
};

kunit_test_suites(&display_format_test_suite, &display_dumb_test_suite,
		  &display_fb_test_suite, &display_policy_test_suite,
		  &display_stats_test_suite);

MODULE_DESCRIPTION("KUnit tests for drm_display");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
