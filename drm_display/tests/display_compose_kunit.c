// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the pixel arithmetic and the composition of frames:
 * every format to 16 bits and back, the blend formulas, NV12, and whole
 * small frames composed from layers in memory, with their CRCs.
 */

#include <linux/crc32.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/prandom.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include <drm/drm_blend.h>
#include <drm/drm_fourcc.h>
#include <kunit/test.h>

#if IS_ENABLED(CONFIG_X86_64) && !IS_ENABLED(CONFIG_UML)
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#endif

#include "../display_compose.h"

/* ---- one pixel ---------------------------------------------------------- */

static unsigned int cpp_of(u32 format)
{
	return format == DRM_FORMAT_RGB565 ? 2 : 4;
}

static u32 load(const u8 *p, unsigned int cpp)
{
	return cpp == 2 ? get_unaligned_le16(p) : get_unaligned_le32(p);
}

static void store(u8 *p, unsigned int cpp, u32 v)
{
	if (cpp == 2)
		put_unaligned_le16(v, p);
	else
		put_unaligned_le32(v, p);
}

static struct display_argb16 read_px(u32 format, u32 raw)
{
	struct display_argb16 px;
	u8 src[4] = {};
	const u8 *row[2] = { src, NULL };

	store(src, cpp_of(format), raw);
	display_pixels_reader(format)(&px, row, 0, 1);
	return px;
}

static u32 write_px(u32 format, struct display_argb16 px)
{
	__le32 canon;
	u8 dst[4] = {};

	display_pixels_quantize(&canon, &px, 1);
	display_pixels_write(format, dst, &px, &canon, 1);
	return load(dst, cpp_of(format));
}

/**
 * struct rt_case - a format whose values must survive a round trip
 * @format: the format
 * @color: its color bits
 * @opaque: bits written as ones
 * @shifts: lowest bit of each channel
 * @bits: width of each channel
 */
struct rt_case {
	u32 format;
	u32 color, opaque;
	u8 shifts[3], bits[3];
};

static const struct rt_case rt_cases[] = {
	{ DRM_FORMAT_XRGB8888, 0x00ffffff, 0xff000000, { 16, 8, 0 }, { 8, 8, 8 } },
	{ DRM_FORMAT_ARGB8888, 0x00ffffff, 0xff000000, { 16, 8, 0 }, { 8, 8, 8 } },
	{ DRM_FORMAT_XBGR8888, 0x00ffffff, 0xff000000, { 0, 8, 16 }, { 8, 8, 8 } },
	{ DRM_FORMAT_ABGR8888, 0x00ffffff, 0xff000000, { 0, 8, 16 }, { 8, 8, 8 } },
	{ DRM_FORMAT_RGB565, 0xffff, 0, { 11, 5, 0 }, { 5, 6, 5 } },
	{ DRM_FORMAT_XRGB2101010, 0x3fffffff, 0xc0000000, { 20, 10, 0 }, { 10, 10, 10 } },
	{ DRM_FORMAT_ARGB2101010, 0x3fffffff, 0xc0000000, { 20, 10, 0 }, { 10, 10, 10 } },
};

static void rt_case_desc(const struct rt_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%p4cc", &c->format);
}

KUNIT_ARRAY_PARAM(rt, rt_cases, rt_case_desc);

/*
 * Every value of every channel, read to 16 bits and written back in the
 * same format, is unchanged; the X or alpha bits come out as ones
 * whatever they were.
 */
static void display_test_round_trip(struct kunit *test)
{
	const struct rt_case *c = test->param_value;
	u32 raw, out, v, junk = ~c->color & (cpp_of(c->format) == 2 ? 0 : ~0u);
	int ch;

	KUNIT_ASSERT_TRUE(test, display_pixels_can_write(c->format));
	for (ch = 0; ch < 3; ch++) {
		for (v = 0; v < BIT(c->bits[ch]); v++) {
			raw = v << c->shifts[ch] | (junk & 0x5a5a5a5a);
			out = write_px(c->format, read_px(c->format, raw));
			KUNIT_ASSERT_EQ_MSG(test, out, (raw & c->color) | c->opaque,
					    "channel %d value %u", ch, v);
		}
	}
}

/* The extremes of every format widen to the extremes of 16 bits. */
static void display_test_widen_extremes(struct kunit *test)
{
	const struct rt_case *c = test->param_value;
	struct display_argb16 px;

	px = read_px(c->format, c->color | c->opaque);
	KUNIT_EXPECT_EQ(test, px.r, 0xffff);
	KUNIT_EXPECT_EQ(test, px.g, 0xffff);
	KUNIT_EXPECT_EQ(test, px.b, 0xffff);
	KUNIT_EXPECT_EQ(test, px.a, 0xffff);
	px = read_px(c->format, 0);
	KUNIT_EXPECT_EQ(test, px.r, 0);
	KUNIT_EXPECT_EQ(test, px.g, 0);
	KUNIT_EXPECT_EQ(test, px.b, 0);
}

/* Alpha: ignored in X formats, widened in A formats. */
static void display_test_alpha(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, read_px(DRM_FORMAT_XRGB8888, 0).a, 0xffff);
	KUNIT_EXPECT_EQ(test, read_px(DRM_FORMAT_ARGB8888, 0x80000000).a, 0x8080);
	KUNIT_EXPECT_EQ(test, read_px(DRM_FORMAT_ABGR8888, 0x01000000).a, 0x0101);
	KUNIT_EXPECT_EQ(test, read_px(DRM_FORMAT_XRGB2101010, 0).a, 0xffff);
	KUNIT_EXPECT_EQ(test, read_px(DRM_FORMAT_ARGB2101010, 0x40000000).a, 0x5555);
	KUNIT_EXPECT_EQ(test, read_px(DRM_FORMAT_ARGB2101010, 0xc0000000).a, 0xffff);
	KUNIT_EXPECT_EQ(test, read_px(DRM_FORMAT_RGB565, 0).a, 0xffff);
}

/* Cross-format writes round to the nearest value. */
static void display_test_narrow_rounding(struct kunit *test)
{
	struct display_argb16 px = { .a = 0xffff };

	/* 10 bits 0x200 is 0x8020; to 8 bits: 0x8020 / 257 = 127.6. */
	px.r = 0x8020;
	KUNIT_EXPECT_EQ(test, write_px(DRM_FORMAT_XRGB8888, px), 0xff800000);
	/* 0x807f / 257 = 127.996: 0x80, not a truncated 0x7f. */
	px.r = 0x807f;
	KUNIT_EXPECT_EQ(test, write_px(DRM_FORMAT_XRGB8888, px), 0xff800000);
	px.r = 0x7f7f;
	KUNIT_EXPECT_EQ(test, write_px(DRM_FORMAT_XRGB8888, px), 0xff7f0000);
	/* 8-bit 0x84 to 5 bits: 0x84 * 31 / 255 = 16.05. */
	px.r = 0x8484;
	KUNIT_EXPECT_EQ(test, write_px(DRM_FORMAT_RGB565, px), 16 << 11);
	/* 8-bit 0x42 to 10 bits: 0x42 * 1023 / 255 = 264.8. */
	px.r = 0x4242;
	KUNIT_EXPECT_EQ(test, write_px(DRM_FORMAT_XRGB2101010, px),
			0xc0000000 | 265 << 20);
}

static void display_test_copy_opaque(struct kunit *test)
{
	__le32 src[3] = { cpu_to_le32(0x00123456), cpu_to_le32(0x42abcdef),
			  cpu_to_le32(0xffffffff) };
	__le32 copied[3], quantized[3];
	struct display_argb16 line[3];
	const u8 *row[2] = { (const u8 *)src, NULL };

	display_pixels_copy_opaque(copied, src, 3);
	display_pixels_reader(DRM_FORMAT_XRGB8888)(line, row, 0, 3);
	display_pixels_quantize(quantized, line, 3);
	KUNIT_EXPECT_MEMEQ(test, copied, quantized, sizeof(copied));
	KUNIT_EXPECT_EQ(test, le32_to_cpu(copied[1]), 0xffabcdef);
}

/* Test data that is the same on every run. */
static void random_fill(struct rnd_state *rnd, void *buf, size_t size)
{
	prandom_bytes_state(rnd, buf, size);
}

/* The reference: every pixel as it is, its X byte 0xff. */
static __le32 opaque_px(__le32 v)
{
	return cpu_to_le32(le32_to_cpu(v) | 0xff000000);
}

/* Never a result: those have 0xff in their top byte. */
#define COPY_CANARY	cpu_to_le32(0x5a5a5a5a)
/* Pixels checked on each side of a copy. */
#define COPY_GUARD	8
#define COPY_MAX	300

/*
 * Checks @dst, with COPY_GUARD pixels on each side: the first @done of
 * @n pixels from @src with the X byte set, the rest untouched.
 */
static void check_copy(struct kunit *test, const __le32 *dst,
		       const __le32 *src, unsigned int n, unsigned int done,
		       const char *what, unsigned int sx, unsigned int dx)
{
	__le32 want;
	int i;

	for (i = -COPY_GUARD; i < (int)n + COPY_GUARD; i++) {
		want = i >= 0 && (unsigned int)i < done ? opaque_px(src[i]) :
		       COPY_CANARY;
		if (dst[i] != want)
			KUNIT_FAIL_AND_ABORT(test,
					     "%s: pixel %d of %u (%u done), source at +%u, destination at +%u: %08x, want %08x",
					     what, i, n, done, sx, dx,
					     le32_to_cpu(dst[i]),
					     le32_to_cpu(want));
	}
}

/* Whether display_pixels_copy_opaque_simd() should run on this CPU. */
static bool copy_simd_expected(void)
{
#if IS_ENABLED(CONFIG_X86_64) && !IS_ENABLED(CONFIG_UML)
	return boot_cpu_has(X86_FEATURE_AVX2) &&
	       cpu_has_xfeatures(XFEATURE_MASK_SSE | XFEATURE_MASK_YMM, NULL);
#else
	return false;
#endif
}

/*
 * Copies @n pixels from @sx pixels into a source buffer to @dx pixels
 * into a destination one, with display_pixels_copy_opaque_simd() then
 * display_pixels_copy_opaque(), and checks each against the reference.
 * Returns the pixels the SIMD copy did.
 */
static unsigned int copy_case(struct kunit *test, struct rnd_state *rnd,
			      __le32 *src, __le32 *dst, unsigned int n,
			      unsigned int sx, unsigned int dx)
{
	__le32 *d = dst + COPY_GUARD + dx;
	const __le32 *s = src + sx;
	unsigned int done, i;

	random_fill(rnd, src, (COPY_MAX + 8) * sizeof(*src));
	for (i = 0; i < COPY_MAX + 8 + 2 * COPY_GUARD; i++)
		dst[i] = COPY_CANARY;
	done = display_pixels_copy_opaque_simd(d, s, n);
	KUNIT_EXPECT_TRUE_MSG(test, done == 0 || done == round_down(n, 32),
			      "%u of %u pixels", done, n);
	check_copy(test, d, s, n, done, "SIMD", sx, dx);

	for (i = 0; i < COPY_MAX + 8 + 2 * COPY_GUARD; i++)
		dst[i] = COPY_CANARY;
	display_pixels_copy_opaque(d, s, n);
	check_copy(test, d, s, n, n, "whole", sx, dx);
	return done;
}

/*
 * display_pixels_copy_opaque_simd() (AVX2, 32 pixels a step) on rows of
 * at least 32 pixels, most not a multiple of 8, at every 4-byte offset
 * from 32-byte alignment, then the whole copy, whose 64-bit loop and
 * scalar tail do the rest.
 */
static void display_test_copy_opaque_simd(struct kunit *test)
{
	static const unsigned int lengths[] = {
		32, 33, 39, 45, 63, 64, 65, 95, 100, 127, 131, 257, COPY_MAX,
	};
	bool simd = copy_simd_expected();
	struct rnd_state rnd;
	unsigned int i, sx, dx, done;
	__le32 *src, *dst;

	src = kunit_kmalloc_array(test, COPY_MAX + 8, sizeof(*src), GFP_KERNEL);
	dst = kunit_kmalloc_array(test, COPY_MAX + 8 + 2 * COPY_GUARD,
				  sizeof(*dst), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	prandom_seed_state(&rnd, 20261122);

	for (i = 0; i < ARRAY_SIZE(lengths); i++) {
		for (sx = 0; sx < 8; sx++) {
			for (dx = 0; dx < 8; dx += 3) {
				done = copy_case(test, &rnd, src, dst,
						 lengths[i], sx, dx);
				/* The SIMD path must really run where it can. */
				if (simd)
					KUNIT_EXPECT_EQ_MSG(test, done,
							    round_down(lengths[i], 32),
							    "%u pixels", lengths[i]);
			}
		}
	}
	kunit_info(test, "%s\n", simd ? "AVX2 copy checked" :
		   "no AVX2 here: the 64-bit loop did it all");
}

/*
 * The 64-bit loop, two pixels a word, and the scalar tail after it, on
 * rows too short for the SIMD copy: a source only 4-byte aligned (odd
 * pixels into its buffer, as at an odd sx), every length up to 31.
 */
static void display_test_copy_opaque_words(struct kunit *test)
{
	struct rnd_state rnd;
	unsigned int n, sx, dx;
	__le32 *src, *dst;

	src = kunit_kmalloc_array(test, COPY_MAX + 8, sizeof(*src), GFP_KERNEL);
	dst = kunit_kmalloc_array(test, COPY_MAX + 8 + 2 * COPY_GUARD,
				  sizeof(*dst), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	prandom_seed_state(&rnd, 4242);

	for (n = 0; n < 32; n++)
		for (sx = 0; sx < 4; sx++)
			for (dx = 0; dx < 2; dx++)
				KUNIT_EXPECT_EQ(test, copy_case(test, &rnd, src,
								dst, n, sx, dx),
						0);
}

static void display_test_nv12(struct kunit *test)
{
	/* Two rows of luma, one of chroma: (Cb, Cr) pairs. */
	static const u8 luma[4] = { 235, 16, 81, 126 };
	static const u8 chroma[4] = { 128, 128, 90, 240 };
	const u8 *row[2] = { luma, chroma };
	struct display_argb16 px[4];

	display_pixels_reader(DRM_FORMAT_NV12)(px, row, 0, 4);
	/* White and black exactly. */
	KUNIT_EXPECT_EQ(test, px[0].r, 0xffff);
	KUNIT_EXPECT_EQ(test, px[0].g, 0xffff);
	KUNIT_EXPECT_EQ(test, px[0].b, 0xffff);
	KUNIT_EXPECT_EQ(test, px[0].a, 0xffff);
	KUNIT_EXPECT_EQ(test, px[1].r, 0);
	KUNIT_EXPECT_EQ(test, px[1].g, 0);
	KUNIT_EXPECT_EQ(test, px[1].b, 0);
	/* BT.601 red (81, 90, 240): red, clamped below 0 elsewhere. */
	KUNIT_EXPECT_GE(test, px[2].r, 0xfe00);
	KUNIT_EXPECT_LE(test, px[2].g, 0x0100);
	KUNIT_EXPECT_LE(test, px[2].b, 0x0100);
	/* Pixel 3 shares pixel 2's chroma sample. */
	KUNIT_EXPECT_GT(test, px[3].r, px[3].g);

	/* Starting at an odd pixel picks the same sample. */
	display_pixels_reader(DRM_FORMAT_NV12)(px, row, 3, 1);
	KUNIT_EXPECT_GT(test, px[0].r, px[0].g);
}

/* White, black, red, red over white, black, white, white. */
static void display_test_nv12_write(struct kunit *test)
{
	static const u32 rows[2][4] = {
		{ 0xffffffff, 0xff000000, 0xffff0000, 0xffff0000 },
		{ 0xffffffff, 0xff000000, 0xffffffff, 0xffffffff },
	};
	static const u8 want_luma[2][4] = {
		{ 235, 16, 81, 81 }, { 235, 16, 235, 235 },
	};
	/* Grey, then the mean of BT.601 red (90, 240) and white (128, 128). */
	static const u8 want_chroma[4] = { 128, 128, 109, 184 };
	u8 luma[2][4], chroma[4];
	__le32 canon[4];
	unsigned int y, x;

	for (y = 0; y < 2; y++) {
		for (x = 0; x < 4; x++)
			canon[x] = cpu_to_le32(rows[y][x]);
		display_pixels_write_nv12(luma[y], chroma, canon, 4, y);
	}
	KUNIT_EXPECT_MEMEQ(test, luma, want_luma, sizeof(luma));
	KUNIT_EXPECT_MEMEQ(test, chroma, want_chroma, sizeof(chroma));

	/* The first row alone: its own chroma, red exactly as read_nv12's. */
	display_pixels_write_nv12(luma[0], chroma, canon, 4, false);
	KUNIT_EXPECT_EQ(test, chroma[2], 128);
	for (x = 0; x < 4; x++)
		canon[x] = cpu_to_le32(rows[0][x]);
	display_pixels_write_nv12(luma[0], chroma, canon, 4, false);
	KUNIT_EXPECT_EQ(test, chroma[2], 90);
	KUNIT_EXPECT_EQ(test, chroma[3], 240);
}

static void display_test_readers(struct kunit *test)
{
	KUNIT_EXPECT_NOT_NULL(test, display_pixels_reader(DRM_FORMAT_NV12));
	KUNIT_EXPECT_NULL(test, display_pixels_reader(DRM_FORMAT_YUYV));
	KUNIT_EXPECT_TRUE(test, display_pixels_can_write(DRM_FORMAT_NV12));
	KUNIT_EXPECT_FALSE(test, display_pixels_can_write(DRM_FORMAT_YUYV));
	KUNIT_EXPECT_TRUE(test, display_pixels_write_needs_line(DRM_FORMAT_RGB565));
	KUNIT_EXPECT_FALSE(test, display_pixels_write_needs_line(DRM_FORMAT_XBGR8888));
}

static struct kunit_case display_pixels_test_cases[] = {
	KUNIT_CASE_PARAM(display_test_round_trip, rt_gen_params),
	KUNIT_CASE_PARAM(display_test_widen_extremes, rt_gen_params),
	KUNIT_CASE(display_test_alpha),
	KUNIT_CASE(display_test_narrow_rounding),
	KUNIT_CASE(display_test_copy_opaque),
	KUNIT_CASE(display_test_copy_opaque_simd),
	KUNIT_CASE(display_test_copy_opaque_words),
	KUNIT_CASE(display_test_nv12),
	KUNIT_CASE(display_test_nv12_write),
	KUNIT_CASE(display_test_readers),
	{}
};

static struct kunit_suite display_pixels_test_suite = {
	.name = "drm_display_pixels",
	.test_cases = display_pixels_test_cases,
};

/* ---- blending ------------------------------------------------------------ */

struct blend_case {
	const char *name;
	unsigned int mode;
	u16 alpha;
	struct display_argb16 fg, bg;
	u16 r;
};

/* r values by the property's formulas, products rounded to 16 bits. */
static const struct blend_case blend_cases[] = {
	{ "none-opaque", DRM_MODE_BLEND_PIXEL_NONE, 0xffff,
	  { 0x0000, 0x1234, 0, 0 }, { 0xffff, 0xffff, 0, 0 }, 0x1234 },
	{ "none-transparent", DRM_MODE_BLEND_PIXEL_NONE, 0,
	  { 0xffff, 0x1234, 0, 0 }, { 0xffff, 0x4321, 0, 0 }, 0x4321 },
	{ "none-half", DRM_MODE_BLEND_PIXEL_NONE, 0x8000,
	  { 0, 0xffff, 0, 0 }, { 0xffff, 0, 0, 0 }, 0x8000 },
	{ "premulti", DRM_MODE_BLEND_PREMULTI, 0xffff,
	  { 0x8000, 0x4000, 0, 0 }, { 0xffff, 0xffff, 0, 0 }, 0xbfff },
	{ "premulti-plane-alpha", DRM_MODE_BLEND_PREMULTI, 0x8000,
	  { 0xffff, 0xffff, 0, 0 }, { 0xffff, 0, 0, 0 }, 0x8000 },
	{ "premulti-alpha-0-adds", DRM_MODE_BLEND_PREMULTI, 0xffff,
	  { 0, 0x1000, 0, 0 }, { 0xffff, 0x2000, 0, 0 }, 0x3000 },
	{ "premulti-clamped", DRM_MODE_BLEND_PREMULTI, 0xffff,
	  { 0x8000, 0xffff, 0, 0 }, { 0xffff, 0xffff, 0, 0 }, 0xffff },
	{ "coverage", DRM_MODE_BLEND_COVERAGE, 0xffff,
	  { 0x8000, 0x4000, 0, 0 }, { 0xffff, 0xffff, 0, 0 }, 0x9fff },
	{ "coverage-alpha-0", DRM_MODE_BLEND_COVERAGE, 0xffff,
	  { 0, 0x1000, 0, 0 }, { 0xffff, 0x2000, 0, 0 }, 0x2000 },
	{ "coverage-opaque", DRM_MODE_BLEND_COVERAGE, 0xffff,
	  { 0xffff, 0x1234, 0, 0 }, { 0xffff, 0x4321, 0, 0 }, 0x1234 },
};

static void blend_case_desc(const struct blend_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(blend, blend_cases, blend_case_desc);

static void display_test_blend(struct kunit *test)
{
	const struct blend_case *c = test->param_value;
	struct display_argb16 bg = c->bg;

	display_pixels_blend(&bg, &c->fg, 1, c->alpha, c->mode);
	KUNIT_EXPECT_EQ(test, bg.r, c->r);
	KUNIT_EXPECT_EQ(test, bg.a, 0xffff);
}

/* Plane alpha and pixel alpha multiply the same either way round. */
static void display_test_blend_commutes(struct kunit *test)
{
	struct display_argb16 a = { .a = 0xffff, .r = 0x2000 }, b = a;
	struct display_argb16 fa = { .a = 0xfcfc, .r = 0xffff };
	struct display_argb16 fb = { .a = 0x7e7e, .r = 0xffff };

	display_pixels_blend(&a, &fa, 1, 0x7e7e, DRM_MODE_BLEND_COVERAGE);
	display_pixels_blend(&b, &fb, 1, 0xfcfc, DRM_MODE_BLEND_COVERAGE);
	KUNIT_EXPECT_EQ(test, a.r, b.r);
}

/* a * b / 0xffff, rounded to the nearest. */
static u32 ref_mul(u32 a, u32 b)
{
	return DIV_ROUND_CLOSEST(a * b, 0xffff);
}

/*
 * The reference: the "pixel blend mode" property's formula for one
 * pixel, products rounded to 16 bits, over an opaque @bg. With k the
 * factor of the colors (pa, or pa * fg.a for coverage) and a the
 * opacity (pa, or pa * fg.a unless None): out = k * fg + (1 - a) * bg.
 */
static void ref_blend(struct display_argb16 *bg,
		      const struct display_argb16 *fg, u16 pa,
		      unsigned int mode)
{
	u32 a = mode == DRM_MODE_BLEND_PIXEL_NONE ? pa : ref_mul(pa, fg->a);
	u32 k = mode == DRM_MODE_BLEND_COVERAGE ? a : pa;

	bg->r = min(ref_mul(k, fg->r) + ref_mul(0xffff - a, bg->r), 0xffff);
	bg->g = min(ref_mul(k, fg->g) + ref_mul(0xffff - a, bg->g), 0xffff);
	bg->b = min(ref_mul(k, fg->b) + ref_mul(0xffff - a, bg->b), 0xffff);
	bg->a = 0xffff;
}

#define BLEND_ROW	67

/* The pixels of display_test_blend_rows(): too many for the stack. */
struct blend_rows {
	struct display_argb16 fg[BLEND_ROW], bg[BLEND_ROW];
	struct display_argb16 got[BLEND_ROW], want[BLEND_ROW];
};

/* Blends @b->fg over @b->bg in one call and checks it against ref_blend(). */
static void check_blend_row(struct kunit *test, struct blend_rows *b,
			    u16 pa, unsigned int mode)
{
	const struct display_argb16 *f, *g, *w;
	unsigned int i;

	memcpy(b->got, b->bg, sizeof(b->bg));
	memcpy(b->want, b->bg, sizeof(b->bg));
	display_pixels_blend(b->got, b->fg, BLEND_ROW, pa, mode);
	for (i = 0; i < BLEND_ROW; i++)
		ref_blend(&b->want[i], &b->fg[i], pa, mode);

	for (i = 0; i < BLEND_ROW; i++) {
		f = &b->fg[i];
		g = &b->got[i];
		w = &b->want[i];
		if (memcmp(g, w, sizeof(*g)))
			KUNIT_FAIL_AND_ABORT(test,
					     "mode %u plane alpha %#x pixel %u, fg %04x %04x %04x %04x: %04x %04x %04x %04x, want %04x %04x %04x %04x",
					     mode, pa, i, f->a, f->r, f->g, f->b,
					     g->a, g->r, g->g, g->b,
					     w->a, w->r, w->g, w->b);
	}
}

/*
 * Rows of pixels blended in one call, at full plane alpha (the path
 * without the products by it) and at others, in each mode, against
 * ref_blend() a pixel at a time: runs of pixel alpha 0xffff (copied
 * when the plane alpha is full too), of 0, and anything else, colors
 * brighter than their alpha included.
 */
static void display_test_blend_rows(struct kunit *test)
{
	static const unsigned int modes[] = {
		DRM_MODE_BLEND_PREMULTI, DRM_MODE_BLEND_COVERAGE,
		DRM_MODE_BLEND_PIXEL_NONE,
	};
	static const u16 plane_alphas[] = { 0xffff, 0xfffe, 0x8000, 0 };
	struct blend_rows *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	unsigned int m, p, i, round;
	struct rnd_state rnd;

	KUNIT_ASSERT_NOT_NULL(test, b);
	prandom_seed_state(&rnd, 1234);
	for (round = 0; round < 8; round++) {
		random_fill(&rnd, b->fg, sizeof(b->fg));
		random_fill(&rnd, b->bg, sizeof(b->bg));
		for (i = 0; i < BLEND_ROW; i++) {
			b->bg[i].a = 0xffff;
			/* Round 0: a row of opaque pixels only. */
			if (!round || i % 5 < 2)
				b->fg[i].a = 0xffff;
			else if (i % 5 == 2)
				b->fg[i].a = 0;
		}
		for (m = 0; m < ARRAY_SIZE(modes); m++)
			for (p = 0; p < ARRAY_SIZE(plane_alphas); p++)
				check_blend_row(test, b, plane_alphas[p],
						modes[m]);
	}
}

static struct kunit_case display_blend_test_cases[] = {
	KUNIT_CASE_PARAM(display_test_blend, blend_gen_params),
	KUNIT_CASE(display_test_blend_commutes),
	KUNIT_CASE(display_test_blend_rows),
	{}
};

static struct kunit_suite display_blend_test_suite = {
	.name = "drm_display_blend",
	.test_cases = display_blend_test_cases,
};

/* ---- frames -------------------------------------------------------------- */

#define FW	8
#define FH	4

KUNIT_DEFINE_ACTION_WRAPPER(compose_buf_release, display_compose_buf_fini,
			    struct display_compose_buf *);

/*
 * A frame of @w x @h and in @buf rows to compose it, both freed with the
 * test, even one an assertion ends.
 */
static struct display_frame *frame_new_size(struct kunit *test,
					    struct display_compose_buf **buf,
					    unsigned int w, unsigned int h)
{
	struct display_frame *frame = kunit_kzalloc(test, sizeof(*frame),
						    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, frame);
	frame->width = w;
	frame->height = h;
	/* Not on the stack: the action runs after the test function. */
	*buf = kunit_kzalloc(test, sizeof(**buf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, *buf);
	KUNIT_ASSERT_EQ(test, display_compose_buf_init(*buf, w), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, compose_buf_release,
							*buf), 0);
	return frame;
}

static struct display_frame *frame_new(struct kunit *test,
				       struct display_compose_buf **buf)
{
	return frame_new_size(test, buf, FW, FH);
}

/* A layer of @w x @h pixels of @format at (@x, @y), buffer from kunit. */
static struct display_layer *layer_add(struct kunit *test,
				       struct display_frame *frame,
				       u32 format, int x, int y, int w, int h)
{
	struct display_layer *l = &frame->layers[frame->num_layers++];
	unsigned int cpp = cpp_of(format);

	l->read = display_pixels_reader(format);
	l->pitch[0] = w * cpp;
	l->vaddr[0] = kunit_kzalloc(test, l->pitch[0] * h, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l->vaddr[0]);
	l->dst = DRM_RECT_INIT(x, y, w, h);
	l->alpha = 0xffff;
	l->blend = DRM_MODE_BLEND_PREMULTI;
	l->opaque = !(format == DRM_FORMAT_ARGB8888 ||
		      format == DRM_FORMAT_ABGR8888 ||
		      format == DRM_FORMAT_ARGB2101010);
	l->copy = format == DRM_FORMAT_XRGB8888;
	return l;
}

/* The test's own buffer, which composition only reads. */
static u8 *layer_buf(struct display_layer *l)
{
	return (u8 *)l->vaddr[0];
}

static void layer_set(struct display_layer *l, unsigned int x, unsigned int y,
		      u32 raw, unsigned int cpp)
{
	store(layer_buf(l) + y * l->pitch[0] + x * cpp, cpp, raw);
}

/* The CRC of @px (FW x FH opaque ARGB8888 words) as documented. */
static u32 crc_of(const u32 *px)
{
	__le32 le[FW * FH];
	unsigned int i;

	for (i = 0; i < FW * FH; i++)
		le[i] = cpu_to_le32(px[i]);
	return ~crc32_le(~0u, (const u8 *)le, sizeof(le));
}

/* A writeback buffer of @w x @h, NV12 (@w and @h even) included. */
static void target_init_size(struct kunit *test, struct display_wb_target *t,
			     u32 format, struct list_head *targets,
			     unsigned int w, unsigned int h)
{
	t->format = format;
	if (format == DRM_FORMAT_NV12) {
		t->pitch = w;
		t->chroma_pitch = w;
		t->chroma = kunit_kzalloc(test, w * h / 2, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, t->chroma);
	} else {
		t->pitch = w * cpp_of(format);
	}
	t->vaddr = kunit_kzalloc(test, t->pitch * h, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->vaddr);
	list_add_tail(&t->link, targets);
}

static void target_init(struct kunit *test, struct display_wb_target *t,
			u32 format, struct list_head *targets)
{
	target_init_size(test, t, format, targets, FW, FH);
}

static u32 target_px(const struct display_wb_target *t, unsigned int x,
		     unsigned int y)
{
	unsigned int cpp = cpp_of(t->format);

	return load(t->vaddr + y * t->pitch + x * cpp, cpp);
}

static void display_test_black(struct kunit *test)
{
	struct display_compose_buf *buf;
	struct display_frame *frame = frame_new(test, &buf);
	u32 px[FW * FH], crc;
	u64 copy_rows = 0;
	unsigned int i;
	LIST_HEAD(targets);

	for (i = 0; i < FW * FH; i++)
		px[i] = 0xff000000;
	crc = display_compose(frame, buf, true, &targets, &copy_rows);
	KUNIT_EXPECT_EQ(test, crc, crc_of(px));
	KUNIT_EXPECT_NE(test, crc, 0);
	KUNIT_EXPECT_EQ(test, copy_rows, 0);
}

/*
 * One opaque XRGB8888 layer: copied without conversion or through the
 * 16-bit rows, the same CRC and the same writeback pixels.
 */
static void display_test_copy_path(struct kunit *test)
{
	struct display_wb_target t[2], u[2];
	struct display_compose_buf *buf;
	struct display_frame *frame = frame_new(test, &buf);
	struct display_layer *l;
	u64 copy_rows = 0;
	unsigned int x, y;
	LIST_HEAD(tl);
	LIST_HEAD(ul);
	u32 crc_copy;

	l = layer_add(test, frame, DRM_FORMAT_XRGB8888, 0, 0, FW, FH);
	for (y = 0; y < FH; y++)
		for (x = 0; x < FW; x++)
			layer_set(l, x, y, 0x5a000000 | (x * 37 + y * 101) * 0x10307, 4);
	target_init(test, &t[0], DRM_FORMAT_XRGB8888, &tl);
	target_init(test, &t[1], DRM_FORMAT_XRGB2101010, &tl);
	target_init(test, &u[0], DRM_FORMAT_XRGB8888, &ul);
	target_init(test, &u[1], DRM_FORMAT_XRGB2101010, &ul);

	crc_copy = display_compose(frame, buf, true, &tl, &copy_rows);
	KUNIT_EXPECT_EQ(test, copy_rows, FH);
	l->copy = false;
	copy_rows = 0;
	KUNIT_EXPECT_EQ(test, display_compose(frame, buf, true, &ul, &copy_rows),
			crc_copy);
	KUNIT_EXPECT_EQ(test, copy_rows, 0);
	KUNIT_EXPECT_MEMEQ(test, t[0].vaddr, u[0].vaddr, FW * FH * 4);
	KUNIT_EXPECT_MEMEQ(test, t[1].vaddr, u[1].vaddr, FW * FH * 4);
	/* The X byte became 0xff. */
	KUNIT_EXPECT_EQ(test, target_px(&t[0], 0, 0) >> 24, 0xff);
}

/*
 * A layer cut from the middle of its buffer, over a smaller one, over
 * black: every pixel where it belongs.
 */
static void display_test_geometry(struct kunit *test)
{
	struct display_compose_buf *buf;
	struct display_frame *frame = frame_new(test, &buf);
	struct display_wb_target t;
	struct display_layer *bottom, *top;
	u32 want[FW * FH], got;
	u64 copy_rows = 0;
	unsigned int x, y;
	LIST_HEAD(tl);

	/* Bottom: 3x2 red at (1, 1). */
	bottom = layer_add(test, frame, DRM_FORMAT_XRGB8888, 1, 1, 3, 2);
	for (y = 0; y < 2; y++)
		for (x = 0; x < 3; x++)
			layer_set(bottom, x, y, 0xff0000, 4);
	/* Top: a 6x4 buffer of which the 3x2 at (2, 1) shows at (3, 2). */
	top = layer_add(test, frame, DRM_FORMAT_XRGB8888, 3, 2, 6, 4);
	top->dst = DRM_RECT_INIT(3, 2, 3, 2);
	top->sx = 2;
	top->sy = 1;
	for (y = 0; y < 4; y++)
		for (x = 0; x < 6; x++)
			layer_set(top, x, y, y << 8 | x, 4);
	target_init(test, &t, DRM_FORMAT_XRGB8888, &tl);

	for (y = 0; y < FH; y++) {
		for (x = 0; x < FW; x++) {
			want[y * FW + x] = 0xff000000;
			if (x >= 1 && x < 4 && y >= 1 && y < 3)
				want[y * FW + x] = 0xffff0000;
			if (x >= 3 && x < 6 && y >= 2 && y < 4)
				want[y * FW + x] = 0xff000000 |
						   (y - 2 + 1) << 8 | (x - 3 + 2);
		}
	}
	KUNIT_EXPECT_EQ(test, display_compose(frame, buf, true, &tl, &copy_rows),
			crc_of(want));
	for (y = 0; y < FH; y++) {
		for (x = 0; x < FW; x++) {
			got = target_px(&t, x, y);
			KUNIT_EXPECT_EQ_MSG(test, got, want[y * FW + x],
					    "pixel (%u, %u)", x, y);
		}
	}
}

/* Half-transparent pixels over a color, premultiplied. */
static void display_test_blended_frame(struct kunit *test)
{
	struct display_compose_buf *buf;
	struct display_frame *frame = frame_new(test, &buf);
	struct display_wb_target t;
	struct display_layer *l;
	u64 copy_rows = 0;
	LIST_HEAD(tl);

	l = layer_add(test, frame, DRM_FORMAT_XRGB8888, 0, 0, FW, FH);
	memset(layer_buf(l), 0xff, FW * FH * 4);
	l = layer_add(test, frame, DRM_FORMAT_ARGB8888, 0, 0, FW, FH);
	/* Alpha 0x80 premultiplied black: white becomes half white. */
	memset(layer_buf(l), 0, FW * FH * 4);
	layer_set(l, 0, 0, 0x80000000, 4);
	target_init(test, &t, DRM_FORMAT_XRGB8888, &tl);

	display_compose(frame, buf, false, &tl, &copy_rows);
	/* 0xffff * (1 - 0x8080 / 0xffff) = 0x7f7f: 0x7f. */
	KUNIT_EXPECT_EQ(test, target_px(&t, 0, 0), 0xff7f7f7f);
	/* Alpha 0 premultiplied black: white stays. */
	KUNIT_EXPECT_EQ(test, target_px(&t, 1, 0), 0xffffffff);
}

/* NV12 white and black give the CRCs of XRGB8888 white and black. */
static void display_test_nv12_frame(struct kunit *test)
{
	static const u8 yuv[2][3] = { { 235, 128, 128 }, { 16, 128, 128 } };
	struct display_compose_buf *buf;
	struct display_frame *frame = frame_new(test, &buf);
	struct display_layer *l = &frame->layers[0];
	u32 px[FW * FH];
	u64 copy_rows = 0;
	unsigned int i, c;
	LIST_HEAD(tl);
	u8 *luma, *chroma;

	frame->num_layers = 1;
	l->read = display_pixels_reader(DRM_FORMAT_NV12);
	l->pitch[0] = FW;
	l->pitch[1] = FW;
	luma = kunit_kzalloc(test, FW * FH, GFP_KERNEL);
	chroma = kunit_kzalloc(test, FW * FH / 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, luma);
	KUNIT_ASSERT_NOT_NULL(test, chroma);
	l->vaddr[0] = luma;
	l->vaddr[1] = chroma;
	l->dst = DRM_RECT_INIT(0, 0, FW, FH);
	l->alpha = 0xffff;
	l->opaque = true;

	for (c = 0; c < 2; c++) {
		memset(luma, yuv[c][0], FW * FH);
		for (i = 0; i < FW * FH / 2; i += 2) {
			chroma[i] = yuv[c][1];
			chroma[i + 1] = yuv[c][2];
		}
		for (i = 0; i < FW * FH; i++)
			px[i] = c ? 0xff000000 : 0xffffffff;
		KUNIT_EXPECT_EQ(test, display_compose(frame, buf, true, &tl,
						      &copy_rows),
				crc_of(px));
	}
}

/* 10-bit colors survive in 10-bit writeback; 565 rounds them. */
static void display_test_ten_bits(struct kunit *test)
{
	struct display_wb_target t[2];
	struct display_compose_buf *buf;
	struct display_frame *frame = frame_new(test, &buf);
	struct display_layer *l;
	u64 copy_rows = 0;
	unsigned int x, y;
	LIST_HEAD(tl);
	u32 v;

	l = layer_add(test, frame, DRM_FORMAT_XRGB2101010, 0, 0, FW, FH);
	for (y = 0; y < FH; y++)
		for (x = 0; x < FW; x++)
			layer_set(l, x, y, (x * 131 + y * 977) * 0x100401 & 0x3fffffff, 4);
	target_init(test, &t[0], DRM_FORMAT_ARGB2101010, &tl);
	target_init(test, &t[1], DRM_FORMAT_RGB565, &tl);

	display_compose(frame, buf, false, &tl, &copy_rows);
	for (y = 0; y < FH; y++) {
		for (x = 0; x < FW; x++) {
			v = (x * 131 + y * 977) * 0x100401 & 0x3fffffff;
			KUNIT_EXPECT_EQ(test, target_px(&t[0], x, y), v | 0xc0000000);
		}
	}
	/* 0x3ff00000: red 1023 is 31, the rest 0. */
	layer_set(l, 0, 0, 0x3ff00000, 4);
	display_compose(frame, buf, false, &tl, &copy_rows);
	KUNIT_EXPECT_EQ(test, target_px(&t[1], 0, 0), 0xf800);
}

/* ---- frames against a reference composition ---- */

/* A layer of random pixels, as layer_add() makes them. */
static struct display_layer *layer_add_random(struct kunit *test,
					      struct display_frame *frame,
					      u32 format, int x, int y, int w,
					      int h, struct rnd_state *rnd)
{
	struct display_layer *l = layer_add(test, frame, format, x, y, w, h);

	random_fill(rnd, layer_buf(l), l->pitch[0] * h);
	return l;
}

/* The formats the reference reads: 8 bits per channel, RGB. */
static const u32 ref_formats[] = {
	DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888, DRM_FORMAT_ABGR8888,
};

static u32 layer_format(struct kunit *test, const struct display_layer *l)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ref_formats); i++)
		if (l->read == display_pixels_reader(ref_formats[i]))
			return ref_formats[i];
	KUNIT_FAIL_AND_ABORT(test, "a layer the reference cannot read");
	return 0;
}

/* @c of 16 bits to @bits bits, rounded to the nearest. */
static u32 ref_bits(u32 c, unsigned int bits)
{
	return DIV_ROUND_CLOSEST(c * (BIT(bits) - 1), 0xffff);
}

/* A pixel of @format to 16 bits: an 8-bit v is v * 0x101. */
static struct display_argb16 ref_read(u32 format, u32 raw)
{
	bool bgr = format == DRM_FORMAT_XBGR8888 ||
		   format == DRM_FORMAT_ABGR8888;
	bool x = format == DRM_FORMAT_XRGB8888 ||
		 format == DRM_FORMAT_XBGR8888;
	struct display_argb16 px;

	px.a = x ? 0xffff : (raw >> 24) * 0x101;
	px.r = (bgr ? raw & 0xff : raw >> 16 & 0xff) * 0x101;
	px.g = (raw >> 8 & 0xff) * 0x101;
	px.b = (bgr ? raw >> 16 & 0xff : raw & 0xff) * 0x101;
	return px;
}

static u32 ref_canon(const struct display_argb16 *px)
{
	return 0xff000000 | ref_bits(px->r, 8) << 16 | ref_bits(px->g, 8) << 8 |
	       ref_bits(px->b, 8);
}

/**
 * struct ref_frame - a frame composed one pixel at a time
 * @w: pixels
 * @h: rows
 * @px: the pixels at 16 bits per channel
 * @canon: the pixels at 8 bits, what the CRC covers
 * @copy_rows: rows one opaque XRGB8888 layer shows alone
 */
struct ref_frame {
	unsigned int w, h;
	struct display_argb16 *px;
	__le32 *canon;
	u64 copy_rows;
};

/*
 * Whether row @y of @frame is one XRGB8888 layer's pixels alone: the
 * topmost layer that is opaque and spans the row is one, and no layer
 * above it is on the row.
 */
static bool ref_row_copied(const struct display_frame *frame, unsigned int y)
{
	const struct display_layer *l;
	int i, base = -1;

	for (i = 0; i < frame->num_layers; i++) {
		l = &frame->layers[i];
		if (y < l->dst.y1 || y >= l->dst.y2)
			continue;
		if (l->opaque && l->dst.x1 == 0 && l->dst.x2 == frame->width)
			base = i;
		else
			base = -1;
	}
	return base >= 0 && frame->layers[base].copy;
}

/*
 * Composes @frame one pixel at a time: opaque black, then every layer
 * over the pixel in order, read and blended by the definitions.
 */
static struct ref_frame *ref_compose(struct kunit *test,
				     const struct display_frame *frame)
{
	struct ref_frame *ref = kunit_kzalloc(test, sizeof(*ref), GFP_KERNEL);
	unsigned int n = frame->width * frame->height, x, y, sx, sy;
	const struct display_layer *l;
	struct display_argb16 px, fg;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ref);
	ref->w = frame->width;
	ref->h = frame->height;
	ref->px = kunit_kcalloc(test, n, sizeof(*ref->px), GFP_KERNEL);
	ref->canon = kunit_kcalloc(test, n, sizeof(*ref->canon), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ref->px);
	KUNIT_ASSERT_NOT_NULL(test, ref->canon);

	for (y = 0; y < ref->h; y++) {
		for (x = 0; x < ref->w; x++) {
			px = (struct display_argb16){ .a = 0xffff };
			for (i = 0; i < frame->num_layers; i++) {
				l = &frame->layers[i];
				if (x < l->dst.x1 || x >= l->dst.x2 ||
				    y < l->dst.y1 || y >= l->dst.y2)
					continue;
				sx = l->sx + x - l->dst.x1;
				sy = l->sy + y - l->dst.y1;
				fg = ref_read(layer_format(test, l),
					      get_unaligned_le32(l->vaddr[0] +
								 sy * l->pitch[0] +
								 sx * 4));
				ref_blend(&px, &fg, l->alpha, l->blend);
			}
			ref->px[y * ref->w + x] = px;
			ref->canon[y * ref->w + x] = cpu_to_le32(ref_canon(&px));
		}
		ref->copy_rows += ref_row_copied(frame, y);
	}
	return ref;
}

/* What a writeback pixel of @format is for @px, by the format's layout. */
static u32 ref_write(u32 format, const struct display_argb16 *px)
{
	u32 c = ref_canon(px);

	switch (format) {
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		return 0xff000000 | (c & 0xff) << 16 | (c & 0xff00) |
		       (c >> 16 & 0xff);
	case DRM_FORMAT_RGB565:
		return ref_bits(px->r, 5) << 11 | ref_bits(px->g, 6) << 5 |
		       ref_bits(px->b, 5);
	case DRM_FORMAT_XRGB2101010:
	case DRM_FORMAT_ARGB2101010:
		return 0xc0000000 | ref_bits(px->r, 10) << 20 |
		       ref_bits(px->g, 10) << 10 | ref_bits(px->b, 10);
	}
	return c;
}

/*
 * An NV12 target against display_pixels_write_nv12() (tested on its own
 * above) run on the reference's rows, two by two.
 */
static void check_target_nv12(struct kunit *test, const struct ref_frame *ref,
			      const struct display_wb_target *t)
{
	u8 *luma = kunit_kzalloc(test, ref->w * ref->h, GFP_KERNEL);
	u8 *chroma = kunit_kzalloc(test, ref->w * ref->h / 2, GFP_KERNEL);
	unsigned int y;

	KUNIT_ASSERT_NOT_NULL(test, luma);
	KUNIT_ASSERT_NOT_NULL(test, chroma);
	for (y = 0; y < ref->h; y++)
		display_pixels_write_nv12(luma + y * ref->w,
					  chroma + y / 2 * ref->w,
					  ref->canon + y * ref->w, ref->w,
					  y & 1);
	KUNIT_EXPECT_MEMEQ_MSG(test, t->vaddr, luma, ref->w * ref->h, "luma");
	KUNIT_EXPECT_MEMEQ_MSG(test, t->chroma, chroma, ref->w * ref->h / 2,
			       "chroma");
}

static void check_target(struct kunit *test, const struct ref_frame *ref,
			 const struct display_wb_target *t)
{
	unsigned int x, y;
	u32 got, want;

	if (t->format == DRM_FORMAT_NV12) {
		check_target_nv12(test, ref, t);
		return;
	}
	for (y = 0; y < ref->h; y++) {
		for (x = 0; x < ref->w; x++) {
			got = target_px(t, x, y);
			want = ref_write(t->format, &ref->px[y * ref->w + x]);
			if (got != want)
				KUNIT_FAIL_AND_ABORT(test,
						     "%p4cc pixel (%u, %u): %08x, want %08x",
						     &t->format, x, y, got, want);
		}
	}
}

/* Writeback formats of one composition, 0 ending them. */
struct compose_run {
	bool crc;
	u32 formats[8];
};

static const struct compose_run compose_runs[] = {
	{ true, { DRM_FORMAT_XRGB8888, DRM_FORMAT_RGB565, DRM_FORMAT_XBGR8888,
		  DRM_FORMAT_XRGB2101010, DRM_FORMAT_ARGB8888,
		  DRM_FORMAT_ABGR8888, DRM_FORMAT_ARGB2101010 } },
	/* Without CRC, write_span_copied() makes the rounded row itself. */
	{ false, { DRM_FORMAT_XBGR8888, DRM_FORMAT_RGB565,
		   DRM_FORMAT_XRGB2101010 } },
	/* The 16-bit row before the 8-bit one is needed. */
	{ false, { DRM_FORMAT_RGB565, DRM_FORMAT_XRGB2101010,
		   DRM_FORMAT_XBGR8888, DRM_FORMAT_XRGB8888 } },
	/* NV12 needs whole rounded rows, even without CRC. */
	{ false, { DRM_FORMAT_NV12, DRM_FORMAT_XBGR8888 } },
	{ false, { DRM_FORMAT_NV12 } },
	{ true, { DRM_FORMAT_RGB565, DRM_FORMAT_NV12, DRM_FORMAT_XRGB8888 } },
	{ true, {} },
};

/*
 * Composes @frame once for each of compose_runs (NV12 only when
 * @nv12) and checks the CRC, every writeback buffer and the rows
 * counted as copied against ref_compose().
 */
static void check_compose_runs(struct kunit *test, struct display_frame *frame,
			       struct display_compose_buf *buf, bool nv12)
{
	const struct ref_frame *ref = ref_compose(test, frame);
	const struct compose_run *run;
	struct display_wb_target *t;
	unsigned int r, i;
	u64 copy_rows;
	u32 crc, want;

	want = ~crc32_le(~0u, (const u8 *)ref->canon,
			 ref->w * ref->h * sizeof(*ref->canon));
	for (r = 0; r < ARRAY_SIZE(compose_runs); r++) {
		LIST_HEAD(targets);

		run = &compose_runs[r];
		for (i = 0; i < ARRAY_SIZE(run->formats) && run->formats[i]; i++) {
			if (run->formats[i] == DRM_FORMAT_NV12 && !nv12)
				continue;
			t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, t);
			target_init_size(test, t, run->formats[i], &targets,
					 ref->w, ref->h);
		}

		copy_rows = 0;
		crc = display_compose(frame, buf, run->crc, &targets, &copy_rows);
		KUNIT_EXPECT_EQ_MSG(test, crc, run->crc ? want : 0, "run %u", r);
		KUNIT_EXPECT_EQ_MSG(test, copy_rows, ref->copy_rows, "run %u", r);
		list_for_each_entry(t, &targets, link)
			check_target(test, ref, t);
	}
}

/*
 * Rows over an opaque XRGB8888 layer, from an odd sx and sy, that layers
 * above it cover in part: copied columns and blended ones in one row.
 * Over x, zpos order is not x order; spans overlap (5..30) and touch
 * (40..50); layers cover only some rows; row 0 has no such layer (black
 * below), row 4 is another one alone (copied whole), row 7 is an opaque
 * layer that is not copied.
 */
static void display_test_compose_spans(struct kunit *test)
{
	struct display_compose_buf *buf;
	struct display_frame *frame = frame_new_size(test, &buf, 100, 8);
	struct display_layer *l;
	struct rnd_state rnd;

	prandom_seed_state(&rnd, 777);
	l = layer_add_random(test, frame, DRM_FORMAT_XRGB8888, 0, 1, 103, 9,
			     &rnd);
	l->dst = DRM_RECT_INIT(0, 1, 100, 7);
	l->sx = 3;
	l->sy = 1;
	layer_add_random(test, frame, DRM_FORMAT_ARGB8888, 20, 0, 10, 8, &rnd);
	layer_add_random(test, frame, DRM_FORMAT_XRGB8888, 5, 2, 7, 5, &rnd);
	l = layer_add_random(test, frame, DRM_FORMAT_ARGB8888, 10, 3, 15, 3,
			     &rnd);
	l->blend = DRM_MODE_BLEND_COVERAGE;
	l->alpha = 0x8000;
	layer_add_random(test, frame, DRM_FORMAT_XBGR8888, 40, 0, 5, 8, &rnd);
	l = layer_add_random(test, frame, DRM_FORMAT_ARGB8888, 45, 1, 5, 6,
			     &rnd);
	l->blend = DRM_MODE_BLEND_PIXEL_NONE;
	l->alpha = 0x4000;
	layer_add_random(test, frame, DRM_FORMAT_XBGR8888, 0, 7, 100, 1, &rnd);
	l = layer_add_random(test, frame, DRM_FORMAT_XRGB8888, 0, 4, 101, 1,
			     &rnd);
	l->dst = DRM_RECT_INIT(0, 4, 100, 1);
	l->sx = 1;

	check_compose_runs(test, frame, buf, true);
}

/*
 * Spans at both ends of the row, one inside another, two the same, one
 * pixel wide, and a chain of touching ones that ends at the right edge;
 * a width that is not a multiple of 8.
 */
static void display_test_compose_span_edges(struct kunit *test)
{
	struct display_compose_buf *buf;
	struct display_frame *frame = frame_new_size(test, &buf, 66, 4);
	struct display_layer *l;
	struct rnd_state rnd;

	prandom_seed_state(&rnd, 31337);
	l = layer_add_random(test, frame, DRM_FORMAT_XRGB8888, 0, 0, 67, 4,
			     &rnd);
	l->dst = DRM_RECT_INIT(0, 0, 66, 4);
	l->sx = 1;
	layer_add_random(test, frame, DRM_FORMAT_ARGB8888, 0, 0, 10, 4, &rnd);
	layer_add_random(test, frame, DRM_FORMAT_ABGR8888, 2, 1, 3, 2, &rnd);
	l = layer_add_random(test, frame, DRM_FORMAT_ARGB8888, 0, 0, 10, 4,
			     &rnd);
	l->blend = DRM_MODE_BLEND_COVERAGE;
	layer_add_random(test, frame, DRM_FORMAT_ARGB8888, 56, 0, 10, 4, &rnd);
	layer_add_random(test, frame, DRM_FORMAT_ARGB8888, 30, 2, 1, 1, &rnd);
	layer_add_random(test, frame, DRM_FORMAT_XRGB8888, 31, 2, 2, 2, &rnd);
	layer_add_random(test, frame, DRM_FORMAT_XRGB8888, 33, 3, 23, 1, &rnd);

	check_compose_runs(test, frame, buf, true);
}

/*
 * The CRC on rows of at least 80 bytes, where crc32-pclmul does not hand
 * them to crc32_le() (and just below), against crc32_le() on the
 * reference's bytes: copied rows, blended ones and rows of another
 * format. Marked skipped, when the comparison passed, if the module has
 * no crypto API crc32: the CRC was crc32_le()'s anyway.
 */
static void display_test_compose_crc_rows(struct kunit *test)
{
	static const unsigned int widths[] = { 19, 20, 21, 33, 64, 130, 1001 };
	const char *driver = display_compose_crc_driver();
	struct display_compose_buf *buf;
	const struct ref_frame *ref;
	struct display_frame *frame;
	struct rnd_state rnd;
	unsigned int i, w;
	u64 copy_rows = 0;
	LIST_HEAD(none);
	u32 want;

	prandom_seed_state(&rnd, 80);
	for (i = 0; i < ARRAY_SIZE(widths); i++) {
		w = widths[i];
		frame = frame_new_size(test, &buf, w, 3);
		layer_add_random(test, frame, DRM_FORMAT_XRGB8888, 0, 0, w, 3,
				 &rnd);
		layer_add_random(test, frame, DRM_FORMAT_ARGB8888, w / 3, 1,
				 w / 3 + 1, 1, &rnd);
		layer_add_random(test, frame, DRM_FORMAT_XBGR8888, 0, 2, w, 1,
				 &rnd);
		ref = ref_compose(test, frame);
		want = ~crc32_le(~0u, (const u8 *)ref->canon,
				 ref->w * ref->h * sizeof(*ref->canon));
		KUNIT_EXPECT_EQ_MSG(test, display_compose(frame, buf, true,
							  &none, &copy_rows),
				    want, "width %u", w);
	}
	if (driver)
		kunit_info(test, "CRC through %s\n", driver);
	else if (READ_ONCE(test->status) == KUNIT_SUCCESS)
		kunit_mark_skipped(test, "no crypto API crc32: crc32_le() only");
}

static struct kunit_case display_compose_test_cases[] = {
	KUNIT_CASE(display_test_black),
	KUNIT_CASE(display_test_copy_path),
	KUNIT_CASE(display_test_geometry),
	KUNIT_CASE(display_test_blended_frame),
	KUNIT_CASE(display_test_nv12_frame),
	KUNIT_CASE(display_test_ten_bits),
	KUNIT_CASE(display_test_compose_spans),
	KUNIT_CASE(display_test_compose_span_edges),
	KUNIT_CASE(display_test_compose_crc_rows),
	{}
};

static struct kunit_suite display_compose_test_suite = {
	.name = "drm_display_compose",
	.test_cases = display_compose_test_cases,
};

kunit_test_suites(&display_pixels_test_suite, &display_blend_test_suite,
		  &display_compose_test_suite);
