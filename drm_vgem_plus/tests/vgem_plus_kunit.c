// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for what drm_vgem_plus computes without a device: the image
 * layout of VGEM_PLUS_CREATE, the fence life cycle (timeout, errors,
 * reference counting) and the debugfs fence line.
 */

#include <linux/dma-fence.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include <drm/drm_fourcc.h>
#include <kunit/test.h>

#include "vgem_plus_drm.h"
#include "../vgem_plus_drv.h"

struct layout_case {
	const char *name;
	u32 format, width, height;
	int ret;
	u32 num_planes;
	u32 pitches[4], offsets[4];
	u64 size;
};

static const struct layout_case layout_cases[] = {
	{ "xrgb8888 tight", DRM_FORMAT_XRGB8888, 1024, 768, 0,
	  1, { 4096 }, { 0 }, 4096 * 768 },
	{ "xrgb8888 padded", DRM_FORMAT_XRGB8888, 1000, 10, 0,
	  1, { 4032 }, { 0 }, 40320 },
	{ "rgb565 one pixel", DRM_FORMAT_RGB565, 1, 1, 0,
	  1, { 64 }, { 0 }, 64 },
	{ "rgb888 odd", DRM_FORMAT_RGB888, 7, 3, 0,
	  1, { 64 }, { 0 }, 192 },
	{ "nv12 odd", DRM_FORMAT_NV12, 641, 481, 0,
	  2, { 704, 704 }, { 0, 704 * 481 }, 704 * 481 + 704 * 241 },
	{ "yuv420 three planes", DRM_FORMAT_YUV420, 100, 50, 0,
	  3, { 128, 64, 64 }, { 0, 6400, 8000 }, 9600 },
	{ "p010", DRM_FORMAT_P010, 64, 2, 0,
	  2, { 128, 128 }, { 0, 256 }, 384 },
	{ "zero width", DRM_FORMAT_XRGB8888, 0, 1, -EINVAL },
	{ "zero height", DRM_FORMAT_XRGB8888, 1, 0, -EINVAL },
	{ "unknown fourcc", 0x20202020, 64, 64, -EINVAL },
	{ "no format", 0, 64, 64, -EINVAL },
	{ "block format", DRM_FORMAT_C4, 64, 64, -EINVAL },
	{ "pitch beyond u32", DRM_FORMAT_ARGB16161616F, U32_MAX, 1, -EINVAL },
	{ "plane offset beyond u32", DRM_FORMAT_NV12, 0xffff, 0x10000,
	  -EINVAL },
	{ "largest single plane", DRM_FORMAT_R8, U32_MAX - 63, U32_MAX, 0,
	  1, { U32_MAX - 63 }, { 0 }, (u64)(U32_MAX - 63) * U32_MAX },
};

static void layout_case_desc(const struct layout_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(layout, layout_cases, layout_case_desc);

static void vgem_plus_test_image_layout(struct kunit *test)
{
	const struct layout_case *c = test->param_value;
	u32 num_planes = 0, pitches[4] = {}, offsets[4] = {};
	u64 size = 0;
	int i, ret;

	ret = vgem_plus_image_layout(c->format, c->width, c->height,
				     &num_planes, pitches, offsets, &size);
	KUNIT_ASSERT_EQ(test, ret, c->ret);
	if (ret)
		return;

	KUNIT_EXPECT_EQ(test, num_planes, c->num_planes);
	KUNIT_EXPECT_EQ(test, size, c->size);
	for (i = 0; i < num_planes; i++) {
		KUNIT_EXPECT_EQ(test, pitches[i], c->pitches[i]);
		KUNIT_EXPECT_EQ(test, offsets[i], c->offsets[i]);
		KUNIT_EXPECT_EQ(test, pitches[i] % VGEM_PLUS_PITCH_ALIGN, 0);
	}
}

struct dumb_case {
	const char *name;
	u32 width, height, bpp;
	int ret;
	u32 pitch;
	u64 size;
};

/* The core has already refused what overflows width * cpp or the size. */
static const struct dumb_case dumb_cases[] = {
	{ "xrgb8888", 1024, 768, 32, 0, 4096, 4096 * 768 },
	{ "one byte", 1, 1, 8, 0, 1, PAGE_SIZE },
	{ "nv12-style 12 bpp", 3, 2, 12, 0, 5, PAGE_SIZE },
	{ "row of 2^32 bits", (1u << 26) + 1, 1, 64, 0, (1u << 29) + 8,
	  PAGE_ALIGN((1ull << 29) + 8) },
	{ "largest pitch", U32_MAX, 1, 8, 0, U32_MAX, PAGE_ALIGN((u64)U32_MAX) },
	{ "pitch beyond u32", U32_MAX, 1, 16, -EINVAL },
	{ "no depth", 64, 64, 0, -EINVAL },
	{ "no width", 0, 64, 32, -EINVAL },
	{ "no height", 64, 0, 32, -EINVAL },
};

static void dumb_case_desc(const struct dumb_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dumb, dumb_cases, dumb_case_desc);

static void vgem_plus_test_dumb_layout(struct kunit *test)
{
	const struct dumb_case *c = test->param_value;
	struct drm_mode_create_dumb args = {
		.width = c->width, .height = c->height, .bpp = c->bpp,
	};

	KUNIT_ASSERT_EQ(test, vgem_plus_dumb_layout(&args), c->ret);
	if (c->ret)
		return;
	KUNIT_EXPECT_EQ(test, args.pitch, c->pitch);
	KUNIT_EXPECT_EQ(test, args.size, c->size);
}

/* drm_format_info() warns on codes it does not know: ours must all be known. */
static void vgem_plus_test_formats_known(struct kunit *test)
{
	u32 num_planes, pitches[4], offsets[4];
	unsigned int i;
	u64 size;

	for (i = 0; i < vgem_plus_num_image_formats; i++) {
		u32 format = vgem_plus_image_formats[i];

		KUNIT_EXPECT_NOT_NULL_MSG(test, drm_format_info(format),
					  "format %p4cc", &format);
		KUNIT_EXPECT_EQ_MSG(test, vgem_plus_image_layout(format, 64, 64,
								 &num_planes,
								 pitches,
								 offsets,
								 &size),
				    0, "format %p4cc", &format);
	}
}

/* A file without a DRM device: enough for the fence functions. */
static struct vgem_plus_file *fence_test_file(struct kunit *test)
{
	struct vgem_plus_file *vfile;

	vfile = kunit_kzalloc(test, sizeof(*vfile), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vfile);
	strscpy(vfile->timeline, "client-42", sizeof(vfile->timeline));
	return vfile;
}

static void vgem_plus_test_fence_identity(struct kunit *test)
{
	struct dma_fence *fence;

	fence = vgem_plus_fence_create(fence_test_file(test), 7,
				       WIP_VGEM_FENCE_NOTIMEOUT);
	KUNIT_ASSERT_NOT_NULL(test, fence);
	KUNIT_EXPECT_TRUE(test, vgem_plus_is_our_fence(fence));
	KUNIT_EXPECT_EQ(test, fence->seqno, 7);
	KUNIT_EXPECT_STREQ(test, fence->ops->get_driver_name(fence),
			   "drm_vgem_plus");
	KUNIT_EXPECT_STREQ(test, fence->ops->get_timeline_name(fence),
			   "client-42");
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));

	KUNIT_EXPECT_TRUE(test, vgem_plus_fence_complete(fence, 0));
	dma_fence_put(fence);
}

/* Each fence has its own context, or dma_resv would merge them. */
static void vgem_plus_test_fence_contexts(struct kunit *test)
{
	struct vgem_plus_file *vfile = fence_test_file(test);
	struct dma_fence *a, *b;

	a = vgem_plus_fence_create(vfile, 1, WIP_VGEM_FENCE_NOTIMEOUT);
	b = vgem_plus_fence_create(vfile, 2, WIP_VGEM_FENCE_NOTIMEOUT);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_NE(test, a->context, b->context);

	vgem_plus_fence_complete(a, 0);
	vgem_plus_fence_complete(b, 0);
	dma_fence_put(a);
	dma_fence_put(b);
}

/* Only the first completion counts, and its error sticks. */
static void vgem_plus_test_fence_complete_once(struct kunit *test)
{
	struct dma_fence *fence;

	fence = vgem_plus_fence_create(fence_test_file(test), 1,
				       WIP_VGEM_FENCE_NOTIMEOUT);
	KUNIT_ASSERT_NOT_NULL(test, fence);

	KUNIT_EXPECT_TRUE(test, vgem_plus_fence_complete(fence, -EIO));
	KUNIT_EXPECT_FALSE(test, vgem_plus_fence_complete(fence, -EINVAL));
	KUNIT_EXPECT_FALSE(test, vgem_plus_fence_complete(fence, 0));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), -EIO);
	dma_fence_put(fence);
}

/* The pending timer owns a reference, dropped when it is cancelled. */
static void vgem_plus_test_fence_timer_reference(struct kunit *test)
{
	struct dma_fence *timed, *untimed;

	timed = vgem_plus_fence_create(fence_test_file(test), 1, 0);
	untimed = vgem_plus_fence_create(fence_test_file(test), 2,
					 WIP_VGEM_FENCE_NOTIMEOUT);
	KUNIT_ASSERT_NOT_NULL(test, timed);
	KUNIT_ASSERT_NOT_NULL(test, untimed);
	KUNIT_EXPECT_EQ(test, kref_read(&timed->refcount), 2);
	KUNIT_EXPECT_EQ(test, kref_read(&untimed->refcount), 1);

	vgem_plus_fence_cancel_timer(timed);
	KUNIT_EXPECT_EQ(test, kref_read(&timed->refcount), 1);
	vgem_plus_fence_cancel_timer(timed);
	KUNIT_EXPECT_EQ(test, kref_read(&timed->refcount), 1);
	vgem_plus_fence_cancel_timer(untimed);
	KUNIT_EXPECT_EQ(test, kref_read(&untimed->refcount), 1);

	vgem_plus_fence_complete(timed, 0);
	vgem_plus_fence_complete(untimed, 0);
	dma_fence_put(timed);
	dma_fence_put(untimed);
}

/* With a short timeout the fence signals by itself with -ETIMEDOUT. */
static void vgem_plus_test_fence_timeout(struct kunit *test)
{
	unsigned int saved = vgem_plus_fence_timeout_ms;
	struct dma_fence *fence;
	long left;
	int i;

	vgem_plus_fence_timeout_ms = 20;
	fence = vgem_plus_fence_create(fence_test_file(test), 1, 0);
	vgem_plus_fence_timeout_ms = saved;
	KUNIT_ASSERT_NOT_NULL(test, fence);

	left = dma_fence_wait_timeout(fence, false, msecs_to_jiffies(5000));
	KUNIT_EXPECT_GT(test, left, 0);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), -ETIMEDOUT);
	/* The timer drops its own reference just after signalling. */
	for (i = 0; i < 50 && kref_read(&fence->refcount) > 1; i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, kref_read(&fence->refcount), 1);
	KUNIT_EXPECT_FALSE(test, vgem_plus_fence_complete(fence, 0));
	dma_fence_put(fence);
}

static void vgem_plus_test_fence_line(struct kunit *test)
{
	struct seq_file m = {};
	struct dma_fence *fence;
	const char *want;

	m.size = 256;
	m.buf = kunit_kzalloc(test, m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);
	fence = vgem_plus_fence_create(fence_test_file(test), 3,
				       WIP_VGEM_FENCE_NOTIMEOUT);
	KUNIT_ASSERT_NOT_NULL(test, fence);

	vgem_plus_show_fence(&m, fence, DMA_RESV_USAGE_WRITE);
	want = "\tfence write drm_vgem_plus client-42 seq 3 unsignalled age-ms ";
	KUNIT_EXPECT_EQ(test, strncmp(m.buf, want, strlen(want)), 0);
	KUNIT_EXPECT_EQ(test, m.buf[m.count - 1], '\n');

	m.count = 0;
	vgem_plus_fence_complete(fence, -EIO);
	vgem_plus_show_fence(&m, fence, DMA_RESV_USAGE_READ);
	want = "\tfence read drm_vgem_plus client-42 seq 3 signalled error -5 age-ms ";
	KUNIT_EXPECT_EQ(test, strncmp(m.buf, want, strlen(want)), 0);
	dma_fence_put(fence);
}

static struct kunit_case vgem_plus_test_cases[] = {
	KUNIT_CASE_PARAM(vgem_plus_test_image_layout, layout_gen_params),
	KUNIT_CASE(vgem_plus_test_formats_known),
	KUNIT_CASE_PARAM(vgem_plus_test_dumb_layout, dumb_gen_params),
	KUNIT_CASE(vgem_plus_test_fence_identity),
	KUNIT_CASE(vgem_plus_test_fence_contexts),
	KUNIT_CASE(vgem_plus_test_fence_complete_once),
	KUNIT_CASE(vgem_plus_test_fence_timer_reference),
	KUNIT_CASE(vgem_plus_test_fence_timeout),
	KUNIT_CASE(vgem_plus_test_fence_line),
	{}
};

static struct kunit_suite vgem_plus_test_suite = {
	.name = "drm_vgem_plus",
	.test_cases = vgem_plus_test_cases,
};

kunit_test_suite(vgem_plus_test_suite);

MODULE_DESCRIPTION("KUnit tests for drm_vgem_plus");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
