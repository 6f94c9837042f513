// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pixel arithmetic of composition: every plane format to 16 bits per
 * channel, the blend modes, and 16 bits back to each writeback format.
 *
 * Conversions go a row at a time, one loop per format, with no call per
 * pixel. Widening replicates the high bits into the low ones, so that the
 * largest value of any width becomes 0xffff; narrowing rounds to the
 * nearest, so a value of n bits widened and narrowed to n bits again is
 * unchanged.
 */

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include <drm/drm_blend.h>
#include <drm/drm_fourcc.h>
#include <kunit/visibility.h>

#if IS_ENABLED(CONFIG_X86_64) && !IS_ENABLED(CONFIG_UML)
#include <linux/jump_label.h>

#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/simd.h>
#endif

#include "display_compose.h"

#define C16_MAX	0xffff

static inline u16 from8(u32 v)
{
	return v * 257;
}

static inline u16 from10(u32 v)
{
	return v << 6 | v >> 4;
}

static inline u16 from5(u32 v)
{
	return v << 11 | v << 6 | v << 1 | v >> 4;
}

static inline u16 from6(u32 v)
{
	return v << 10 | v << 4 | v >> 2;
}

static inline u16 from2(u32 v)
{
	return v * 0x5555;
}

/* To @bits bits, rounded to the nearest. */
static inline u32 to_bits(u16 c, unsigned int bits)
{
	return DIV_ROUND_CLOSEST((u32)c * (BIT(bits) - 1), C16_MAX);
}

static inline u32 to8(u16 c)
{
	return DIV_ROUND_CLOSEST((u32)c, 257);
}

static void read_xrgb8888(struct display_argb16 *dst, const u8 *const row[2],
			  unsigned int x, unsigned int n)
{
	const __le32 *src = (const __le32 *)row[0] + x;
	unsigned int i;
	u32 v;

	for (i = 0; i < n; i++) {
		v = le32_to_cpu(src[i]);
		dst[i].a = C16_MAX;
		dst[i].r = from8(v >> 16 & 0xff);
		dst[i].g = from8(v >> 8 & 0xff);
		dst[i].b = from8(v & 0xff);
	}
}

static void read_argb8888(struct display_argb16 *dst, const u8 *const row[2],
			  unsigned int x, unsigned int n)
{
	const __le32 *src = (const __le32 *)row[0] + x;
	unsigned int i;
	u32 v;

	for (i = 0; i < n; i++) {
		v = le32_to_cpu(src[i]);
		dst[i].a = from8(v >> 24);
		dst[i].r = from8(v >> 16 & 0xff);
		dst[i].g = from8(v >> 8 & 0xff);
		dst[i].b = from8(v & 0xff);
	}
}

static void read_xbgr8888(struct display_argb16 *dst, const u8 *const row[2],
			  unsigned int x, unsigned int n)
{
	const __le32 *src = (const __le32 *)row[0] + x;
	unsigned int i;
	u32 v;

	for (i = 0; i < n; i++) {
		v = le32_to_cpu(src[i]);
		dst[i].a = C16_MAX;
		dst[i].b = from8(v >> 16 & 0xff);
		dst[i].g = from8(v >> 8 & 0xff);
		dst[i].r = from8(v & 0xff);
	}
}

static void read_abgr8888(struct display_argb16 *dst, const u8 *const row[2],
			  unsigned int x, unsigned int n)
{
	const __le32 *src = (const __le32 *)row[0] + x;
	unsigned int i;
	u32 v;

	for (i = 0; i < n; i++) {
		v = le32_to_cpu(src[i]);
		dst[i].a = from8(v >> 24);
		dst[i].b = from8(v >> 16 & 0xff);
		dst[i].g = from8(v >> 8 & 0xff);
		dst[i].r = from8(v & 0xff);
	}
}

static void read_rgb565(struct display_argb16 *dst, const u8 *const row[2],
			unsigned int x, unsigned int n)
{
	const __le16 *src = (const __le16 *)row[0] + x;
	unsigned int i;
	u32 v;

	for (i = 0; i < n; i++) {
		v = le16_to_cpu(src[i]);
		dst[i].a = C16_MAX;
		dst[i].r = from5(v >> 11);
		dst[i].g = from6(v >> 5 & 0x3f);
		dst[i].b = from5(v & 0x1f);
	}
}

static void read_xrgb2101010(struct display_argb16 *dst,
			     const u8 *const row[2], unsigned int x,
			     unsigned int n)
{
	const __le32 *src = (const __le32 *)row[0] + x;
	unsigned int i;
	u32 v;

	for (i = 0; i < n; i++) {
		v = le32_to_cpu(src[i]);
		dst[i].a = C16_MAX;
		dst[i].r = from10(v >> 20 & 0x3ff);
		dst[i].g = from10(v >> 10 & 0x3ff);
		dst[i].b = from10(v & 0x3ff);
	}
}

static void read_argb2101010(struct display_argb16 *dst,
			     const u8 *const row[2], unsigned int x,
			     unsigned int n)
{
	const __le32 *src = (const __le32 *)row[0] + x;
	unsigned int i;
	u32 v;

	for (i = 0; i < n; i++) {
		v = le32_to_cpu(src[i]);
		dst[i].a = from2(v >> 30);
		dst[i].r = from10(v >> 20 & 0x3ff);
		dst[i].g = from10(v >> 10 & 0x3ff);
		dst[i].b = from10(v & 0x3ff);
	}
}

/*
 * BT.601, limited range: the weights of 255/219 Y' and of 255/224 Cb, Cr
 * in the R, G, B sums, 16.16 fixed point, in 8-bit units.
 */
#define YUV_Y		76309
#define YUV_R_CR	104597
#define YUV_G_CB	25675
#define YUV_G_CR	53279
#define YUV_B_CB	132201

/* An 8-bit sum in 16.16 to 16 bits: times 257, rounded, clamped. */
static inline u16 yuv_channel(s32 sum)
{
	u64 v = max(sum, 0);

	return min_t(u64, DIV_ROUND_CLOSEST_ULL(v * 257, 65536), C16_MAX);
}

/* Each pixel takes the chroma sample of its pair: nearest, no filter. */
static void read_nv12(struct display_argb16 *dst, const u8 *const row[2],
		      unsigned int x, unsigned int n)
{
	const u8 *luma = row[0];
	const u8 *chroma = row[1];
	unsigned int i, px;
	s32 y, cb, cr;

	for (i = 0; i < n; i++) {
		px = x + i;
		y = (luma[px] - 16) * YUV_Y;
		cb = chroma[px & ~1u] - 128;
		cr = chroma[px | 1u] - 128;
		dst[i].a = C16_MAX;
		dst[i].r = yuv_channel(y + YUV_R_CR * cr);
		dst[i].g = yuv_channel(y - YUV_G_CB * cb - YUV_G_CR * cr);
		dst[i].b = yuv_channel(y + YUV_B_CB * cb);
	}
}

/**
 * display_pixels_reader - the row converter of a plane format
 * @format: DRM fourcc
 *
 * Return: the converter, or NULL for a format no plane has.
 */
display_read_row_t display_pixels_reader(u32 format)
{
	switch (format) {
	case DRM_FORMAT_XRGB8888:
		return read_xrgb8888;
	case DRM_FORMAT_ARGB8888:
		return read_argb8888;
	case DRM_FORMAT_XBGR8888:
		return read_xbgr8888;
	case DRM_FORMAT_ABGR8888:
		return read_abgr8888;
	case DRM_FORMAT_RGB565:
		return read_rgb565;
	case DRM_FORMAT_XRGB2101010:
		return read_xrgb2101010;
	case DRM_FORMAT_ARGB2101010:
		return read_argb2101010;
	case DRM_FORMAT_NV12:
		return read_nv12;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(display_pixels_reader);

/* a * b / 0xffff, rounded: the same for (a, b) and (b, a). */
static inline u32 mul16(u32 a, u32 b)
{
	return DIV_ROUND_CLOSEST(a * b, C16_MAX);
}

static inline u16 over(u32 c, u32 bg, u32 a)
{
	return min_t(u32, c + mul16(C16_MAX - a, bg), C16_MAX);
}

/*
 * display_pixels_blend() at full plane alpha, pixel alpha blended: pa is
 * 1, so a is the pixel's alpha and k is 1 (pre-multiplied) or a
 * (coverage), without the products by pa, which mul16() makes exact.
 */
static void blend_opaque_plane(struct display_argb16 *bg,
			       const struct display_argb16 *fg,
			       unsigned int n, unsigned int mode)
{
	bool coverage = mode == DRM_MODE_BLEND_COVERAGE;
	unsigned int i;
	u32 a;

	for (i = 0; i < n; i++) {
		a = fg[i].a;
		if (a == C16_MAX) {
			bg[i].r = fg[i].r;
			bg[i].g = fg[i].g;
			bg[i].b = fg[i].b;
		} else if (coverage) {
			if (!a)
				continue;
			bg[i].r = over(mul16(a, fg[i].r), bg[i].r, a);
			bg[i].g = over(mul16(a, fg[i].g), bg[i].g, a);
			bg[i].b = over(mul16(a, fg[i].b), bg[i].b, a);
		} else {
			bg[i].r = over(fg[i].r, bg[i].r, a);
			bg[i].g = over(fg[i].g, bg[i].g, a);
			bg[i].b = over(fg[i].b, bg[i].b, a);
		}
		bg[i].a = C16_MAX;
	}
}

/**
 * display_pixels_blend - blend a plane's pixels over what is below them
 * @bg: @n pixels below, replaced by the result (opaque)
 * @fg: @n pixels of the plane
 * @n: pixels
 * @alpha: plane alpha
 * @mode: DRM_MODE_BLEND_PIXEL_NONE, _PREMULTI or _COVERAGE
 *
 * The formulas of the "pixel blend mode" property, with pa the plane
 * alpha and products of 16-bit values rounded to 16 bits: None ignores
 * the pixel's alpha, out = pa * fg + (1 - pa) * bg; Pre-multiplied,
 * out = pa * fg + (1 - pa * fg.a) * bg; Coverage, out = pa * fg.a * fg +
 * (1 - pa * fg.a) * bg. Results above the maximum (premultiplied colors
 * brighter than their alpha) are clamped.
 */
void display_pixels_blend(struct display_argb16 *bg,
			  const struct display_argb16 *fg, unsigned int n,
			  u16 alpha, unsigned int mode)
{
	unsigned int i;
	u32 a, k;

	if (alpha == C16_MAX && mode != DRM_MODE_BLEND_PIXEL_NONE) {
		blend_opaque_plane(bg, fg, n, mode);
		return;
	}

	for (i = 0; i < n; i++) {
		a = mode == DRM_MODE_BLEND_PIXEL_NONE ? alpha :
		    mul16(alpha, fg[i].a);
		/* The factor of the colors: pa, or pa * fg.a for coverage. */
		k = mode == DRM_MODE_BLEND_COVERAGE ? a : alpha;
		/* Then a is 0 too. (Premultiplied colors of alpha 0 add.) */
		if (!k)
			continue;
		if (a == C16_MAX && k == C16_MAX) {
			bg[i].r = fg[i].r;
			bg[i].g = fg[i].g;
			bg[i].b = fg[i].b;
		} else {
			bg[i].r = over(mul16(k, fg[i].r), bg[i].r, a);
			bg[i].g = over(mul16(k, fg[i].g), bg[i].g, a);
			bg[i].b = over(mul16(k, fg[i].b), bg[i].b, a);
		}
		bg[i].a = C16_MAX;
	}
}
EXPORT_SYMBOL_IF_KUNIT(display_pixels_blend);

/**
 * display_pixels_quantize - 16-bit pixels to opaque ARGB8888
 * @dst: @n pixels out, little endian
 * @src: @n pixels in; their alpha is ignored
 * @n: pixels
 *
 * Each channel is rounded to the nearest 8-bit value.
 */
void display_pixels_quantize(__le32 *dst, const struct display_argb16 *src,
			     unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = cpu_to_le32(0xff000000 | to8(src[i].r) << 16 |
				     to8(src[i].g) << 8 | to8(src[i].b));
}
EXPORT_SYMBOL_IF_KUNIT(display_pixels_quantize);

/**
 * display_pixels_expand - ARGB8888 pixels to 16 bits
 * @dst: @n pixels out
 * @src: @n pixels in, little endian
 * @n: pixels
 */
void display_pixels_expand(struct display_argb16 *dst, const __le32 *src,
			   unsigned int n)
{
	const u8 *const row[2] = { (const u8 *)src, NULL };

	read_argb8888(dst, row, 0, n);
}
EXPORT_SYMBOL_IF_KUNIT(display_pixels_expand);

#if IS_ENABLED(CONFIG_X86_64) && !IS_ENABLED(CONFIG_UML)
/* AVX2, with the YMM state saved by the kernel: decided at module init. */
static DEFINE_STATIC_KEY_FALSE(display_pixels_avx2);

/**
 * display_pixels_init - pick the CPU's fast paths, once
 */
void __init display_pixels_init(void)
{
	if (boot_cpu_has(X86_FEATURE_AVX2) &&
	    cpu_has_xfeatures(XFEATURE_MASK_SSE | XFEATURE_MASK_YMM, NULL))
		static_branch_enable(&display_pixels_avx2);
}

/**
 * display_pixels_copy_opaque_simd - the first pixels of
 * display_pixels_copy_opaque(), with AVX2
 * @dst: @n pixels out
 * @src: @n pixels in
 * @n: pixels
 *
 * Copies a multiple of 32 pixels, 128 bytes a turn: four unaligned 32-byte
 * loads ORed with the X bytes, four stores. A row then costs about what
 * memcpy() does, instead of a load, an OR and a store per two pixels.
 *
 * Return: the pixels copied: 0 without AVX2 or where SIMD cannot be used.
 */
VISIBLE_IF_KUNIT unsigned int
display_pixels_copy_opaque_simd(__le32 *dst, const __le32 *src,
				unsigned int n)
{
	unsigned long bytes = (unsigned long)(n & ~31u) * sizeof(*dst);
	const __le32 *s = src;
	__le32 *d = dst;

	if (!bytes || !static_branch_likely(&display_pixels_avx2) ||
	    !may_use_simd())
		return 0;

	/*
	 * ymm0 is the X bytes, broadcast from a register: no 32-byte
	 * constant whose alignment would matter. The loads and stores are
	 * unaligned: rows are only 4-byte aligned.
	 *
	 * ymm0 to ymm4 are not in the clobbers: the kernel is built with
	 * -mno-sse -mno-avx, and gcc then refuses vector registers there
	 * ("cannot be clobbered ... for the current target"). Nothing is
	 * lost: for the same reason the compiler never keeps a value in
	 * them, and kernel_fpu_begin() saved the task's own.
	 */
	kernel_fpu_begin();
	asm volatile("vmovd %[x], %%xmm0\n\t"
		     "vpbroadcastd %%xmm0, %%ymm0\n"
		     "1:\n\t"
		     "vpor (%[s]), %%ymm0, %%ymm1\n\t"
		     "vpor 32(%[s]), %%ymm0, %%ymm2\n\t"
		     "vpor 64(%[s]), %%ymm0, %%ymm3\n\t"
		     "vpor 96(%[s]), %%ymm0, %%ymm4\n\t"
		     "vmovdqu %%ymm1, (%[d])\n\t"
		     "vmovdqu %%ymm2, 32(%[d])\n\t"
		     "vmovdqu %%ymm3, 64(%[d])\n\t"
		     "vmovdqu %%ymm4, 96(%[d])\n\t"
		     "add $128, %[s]\n\t"
		     "add $128, %[d]\n\t"
		     "sub $128, %[b]\n\t"
		     "jnz 1b\n\t"
		     "vzeroupper"
		     : [s] "+r" (s), [d] "+r" (d), [b] "+r" (bytes)
		     : [x] "r" (0xff000000u)
		     : "memory", "cc");
	kernel_fpu_end();

	return n & ~31u;
}
#else
void __init display_pixels_init(void)
{
}

VISIBLE_IF_KUNIT unsigned int
display_pixels_copy_opaque_simd(__le32 *dst, const __le32 *src,
				unsigned int n)
{
	return 0;
}
#endif
EXPORT_SYMBOL_IF_KUNIT(display_pixels_copy_opaque_simd);

/**
 * display_pixels_copy_opaque - XRGB8888 pixels to opaque ARGB8888
 * @dst: @n pixels out
 * @src: @n pixels in
 * @n: pixels
 *
 * What display_pixels_quantize() gives for these pixels read to 16 bits,
 * at the cost of a copy: the X byte, whatever it holds, becomes 0xff.
 */
void display_pixels_copy_opaque(__le32 *dst, const __le32 *src,
				unsigned int n)
{
	const __le32 opaque = cpu_to_le32(0xff000000);
	const u64 opaque2 = 0xff000000ff000000ull;
	unsigned int i = display_pixels_copy_opaque_simd(dst, src, n);

	/*
	 * Otherwise two pixels a word, four words a turn: a quarter of the
	 * loads, stores and loop steps of a pixel at a time. Rows are only
	 * 4-byte aligned.
	 */
	for (; i + 8 <= n; i += 8) {
		u64 a = get_unaligned_le64(src + i);
		u64 b = get_unaligned_le64(src + i + 2);
		u64 c = get_unaligned_le64(src + i + 4);
		u64 d = get_unaligned_le64(src + i + 6);

		put_unaligned_le64(a | opaque2, dst + i);
		put_unaligned_le64(b | opaque2, dst + i + 2);
		put_unaligned_le64(c | opaque2, dst + i + 4);
		put_unaligned_le64(d | opaque2, dst + i + 6);
	}
	for (; i < n; i++)
		dst[i] = src[i] | opaque;
}
EXPORT_SYMBOL_IF_KUNIT(display_pixels_copy_opaque);

/**
 * display_pixels_can_write - whether composition can write a format
 * @format: DRM fourcc
 *
 * Return: true for the writeback formats.
 */
bool display_pixels_can_write(u32 format)
{
	switch (format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
	case DRM_FORMAT_RGB565:
	case DRM_FORMAT_XRGB2101010:
	case DRM_FORMAT_ARGB2101010:
	case DRM_FORMAT_NV12:
		return true;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(display_pixels_can_write);

/**
 * display_pixels_write_needs_line - whether a format is written from the
 * 16-bit row rather than the 8-bit one
 * @format: a format display_pixels_can_write() accepts
 *
 * Return: true unless the format has 8 bits per channel.
 */
bool display_pixels_write_needs_line(u32 format)
{
	switch (format) {
	case DRM_FORMAT_RGB565:
	case DRM_FORMAT_XRGB2101010:
	case DRM_FORMAT_ARGB2101010:
		return true;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(display_pixels_write_needs_line);

static void write_xbgr8888(__le32 *dst, const __le32 *canon, unsigned int n)
{
	unsigned int i;
	u32 v;

	for (i = 0; i < n; i++) {
		v = le32_to_cpu(canon[i]);
		dst[i] = cpu_to_le32((v & 0xff00ff00) | (v >> 16 & 0xff) |
				     (v & 0xff) << 16);
	}
}

static void write_rgb565(__le16 *dst, const struct display_argb16 *src,
			 unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = cpu_to_le16(to_bits(src[i].r, 5) << 11 |
				     to_bits(src[i].g, 6) << 5 |
				     to_bits(src[i].b, 5));
}

static void write_2101010(__le32 *dst, const struct display_argb16 *src,
			  unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = cpu_to_le32(0xc0000000 | to_bits(src[i].r, 10) << 20 |
				     to_bits(src[i].g, 10) << 10 |
				     to_bits(src[i].b, 10));
}

/*
 * RGB to BT.601 limited range, the inverse of read_nv12(): 16.16 weights
 * of 8-bit R, G, B in Y' (16 to 235) and in Cb, Cr (16 to 240, 128 for
 * grey). Each chroma row sums to 0, so that grey has no colour.
 */
#define RGB_Y(r, g, b)	(16829 * (r) + 33039 * (g) + 6416 * (b))
#define RGB_CB(r, g, b)	(-9714 * (r) - 19070 * (g) + 28784 * (b))
#define RGB_CR(r, g, b)	(28784 * (r) - 24103 * (g) - 4681 * (b))

/* A 16.16 sum of @shift extra bits of samples, plus @base, rounded. */
static inline u8 yuv_sample(s32 sum, unsigned int shift, u32 base)
{
	return (sum + ((base << 16 | BIT(15)) << shift)) >> (16 + shift);
}

/**
 * display_pixels_write_nv12 - write a composed row as NV12
 * @luma: first luma sample of the row
 * @chroma: first chroma pair of the row's chroma row
 * @canon: the row as display_pixels_quantize() gives it
 * @n: pixels, even
 * @second: the second row of the chroma row: average its chroma with
 *          what the first row wrote
 *
 * Each chroma pair is the mean of the 2x2 pixels it covers.
 */
void display_pixels_write_nv12(u8 *luma, u8 *chroma, const __le32 *canon,
			       unsigned int n, bool second)
{
	u32 v0, v1, r, g, b;
	unsigned int i;
	u8 cb, cr;

	for (i = 0; i + 1 < n; i += 2) {
		v0 = le32_to_cpu(canon[i]);
		v1 = le32_to_cpu(canon[i + 1]);
		luma[i] = yuv_sample(RGB_Y(v0 >> 16 & 0xff, v0 >> 8 & 0xff,
					   v0 & 0xff), 0, 16);
		luma[i + 1] = yuv_sample(RGB_Y(v1 >> 16 & 0xff, v1 >> 8 & 0xff,
					       v1 & 0xff), 0, 16);
		r = (v0 >> 16 & 0xff) + (v1 >> 16 & 0xff);
		g = (v0 >> 8 & 0xff) + (v1 >> 8 & 0xff);
		b = (v0 & 0xff) + (v1 & 0xff);
		cb = yuv_sample(RGB_CB(r, g, b), 1, 128);
		cr = yuv_sample(RGB_CR(r, g, b), 1, 128);
		if (second) {
			cb = (chroma[i] + cb + 1) / 2;
			cr = (chroma[i + 1] + cr + 1) / 2;
		}
		chroma[i] = cb;
		chroma[i + 1] = cr;
	}
}
EXPORT_SYMBOL_IF_KUNIT(display_pixels_write_nv12);

/**
 * display_pixels_write - write a composed row in a writeback format
 * @format: a format display_pixels_can_write() accepts, but NV12
 * @dst: first pixel of the row in the buffer
 * @line: the row at 16 bits per channel, when
 *        display_pixels_write_needs_line() says it is needed
 * @canon: the row as display_pixels_quantize() gives it
 * @n: pixels
 *
 * The frame is opaque: alpha and X bits are written as all ones.
 */
void display_pixels_write(u32 format, u8 *dst,
			  const struct display_argb16 *line,
			  const __le32 *canon, unsigned int n)
{
	switch (format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		memcpy(dst, canon, n * sizeof(*canon));
		break;
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		write_xbgr8888((__le32 *)dst, canon, n);
		break;
	case DRM_FORMAT_RGB565:
		write_rgb565((__le16 *)dst, line, n);
		break;
	case DRM_FORMAT_XRGB2101010:
	case DRM_FORMAT_ARGB2101010:
		write_2101010((__le32 *)dst, line, n);
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(display_pixels_write);
