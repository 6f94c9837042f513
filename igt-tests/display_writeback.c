// SPDX-License-Identifier: MIT
/*
 * The writeback connector of drm_display: a commit with WRITEBACK_FB_ID
 * gets the composed frame written to that framebuffer, in any of the
 * connector's formats, and its WRITEBACK_OUT_FENCE_PTR sync_file signals
 * when it is there. In the spirit of IGT's kms_writeback, with pixels
 * checked one by one: each format's own values survive exactly (10 bits
 * in XRGB2101010 too), other formats convert by drm_display's rounding
 * rule, X bits do not matter and alpha is written opaque.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "igt_atomic.h"
#include "igt_display.h"
#include "igt_fb.h"
#include "igt_frame_model.h"
#include "igt_pipe_crc.h"
#include "igt_writeback.h"

#define MODE_W		640
#define MODE_H		480
#define MAX_FBS		8
#define FENCE_MS	1000
/* What an untouched writeback buffer holds. */
#define SENTINEL	0x5a

static const uint32_t wb_formats[] = {
	DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_XBGR8888,
	DRM_FORMAT_ABGR8888, DRM_FORMAT_RGB565, DRM_FORMAT_XRGB2101010,
	DRM_FORMAT_ARGB2101010,
};
static const char *const wb_format_names[] = {
	"xrgb8888", "argb8888", "xbgr8888", "abgr8888", "rgb565",
	"xrgb2101010", "argb2101010",
};

/**
 * struct wb_commit - one commit of the writeback output
 * @primary: primary plane, NULL for off
 * @overlay: first overlay plane, NULL for off
 * @cursor: cursor plane, NULL for off
 * @wb_fb: WRITEBACK_FB_ID, 0 for none (set to 0 with an @out_fence)
 * @out_fence: WRITEBACK_OUT_FENCE_PTR target, NULL for none
 * @clone: drive the virtual connector too
 * @flags: atomic flags (ALLOW_MODESET is added)
 */
struct wb_commit {
	const struct kms_plane_pos *primary, *overlay, *cursor;
	uint32_t wb_fb;
	int32_t *out_fence;
	bool clone;
	uint32_t flags;
};

/* What a failed subtest leaves behind, for recover(). */
static struct {
	int fd;
	struct kms_writeback wb;
	struct kms_output out;
	drmModeModeInfo mode;
	uint32_t mode_blob;
	uint32_t overlay, cursor;
	struct igt_fb fbs[MAX_FBS];
	int fences[4];
	struct frame_model model;
	struct igt_pipe_crc pc;
} data = { .fd = -1, .fences = { -1, -1, -1, -1 } };

/* ---- framebuffers and fences ------------------------------------------ */

static struct igt_fb *fb_new(uint32_t w, uint32_t h, uint32_t format)
{
	int i;

	for (i = 0; i < MAX_FBS; i++) {
		if (!data.fbs[i].fb_id) {
			igt_create_fb(data.fd, w, h, format, &data.fbs[i]);
			return &data.fbs[i];
		}
	}
	igt_assert_f(false, "too many framebuffers\n");
	return NULL;
}

/* A mode-sized writeback target full of SENTINEL bytes. */
static struct igt_fb *wb_fb_new(uint32_t format)
{
	struct igt_fb *fb = fb_new(MODE_W, MODE_H, format);

	memset(fb->map, SENTINEL, fb->size);
	return fb;
}

static void fence_close(int32_t *fence)
{
	if (*fence >= 0)
		close(*fence);
	*fence = -1;
}

/* The writeback of a commit completed without error. */
static void fence_wait_ok(int32_t *fence)
{
	igt_assert_lte(0, *fence);
	igt_assert_f(kms_sync_file_wait(*fence, FENCE_MS),
		     "writeback fence not signalled in %d ms\n", FENCE_MS);
	igt_assert_eq(kms_sync_file_status(*fence), 1);
	fence_close(fence);
}

/* ---- commits ------------------------------------------------------------ */

static int wb_commit(const struct wb_commit *c)
{
	drmModeAtomicReqPtr req = kms_req_new();
	const struct kms_plane_pos off = {};
	const uint32_t crtc = data.wb.crtc_id;

	kms_req_set(req, data.fd, crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID",
		    data.mode_blob);
	kms_req_set(req, data.fd, crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE", 1);
	kms_req_set(req, data.fd, data.wb.connector_id,
		    DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", crtc);
	kms_req_set(req, data.fd, data.out.connector_id,
		    DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", c->clone ? crtc : 0);
	kms_req_plane(req, data.fd, data.wb.primary_id, crtc,
		      c->primary ? c->primary : &off);
	if (data.overlay)
		kms_req_plane(req, data.fd, data.overlay, crtc,
			      c->overlay ? c->overlay : &off);
	kms_req_plane(req, data.fd, data.cursor, crtc,
		      c->cursor ? c->cursor : &off);
	/* A fence pointer alone makes no job: the core ignores it. */
	if (c->wb_fb || c->out_fence)
		kms_req_set(req, data.fd, data.wb.connector_id,
			    DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_FB_ID",
			    c->wb_fb);
	if (c->out_fence) {
		*c->out_fence = -1;
		kms_req_set(req, data.fd, data.wb.connector_id,
			    DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_OUT_FENCE_PTR",
			    (uintptr_t)c->out_fence);
	}
	return kms_req_commit(data.fd, req,
			      c->flags | DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
}

/* @in full screen, written back to @out; waits for the fence. */
static void capture(const struct igt_fb *in, const struct igt_fb *out)
{
	struct kms_plane_pos p = kms_plane_at(in->fb_id, in->width, in->height,
					      0, 0);
	int32_t *fence = &data.fences[0];

	igt_assert_eq(wb_commit(&(struct wb_commit){
		.primary = &p, .wb_fb = out->fb_id, .out_fence = fence }), 0);
	fence_wait_ok(fence);
}

/* ---- pixels --------------------------------------------------------------- */

struct rgb16 {
	uint32_t r, g, b;
};

/* Well mixed bits per pixel: every position and bit pattern differs. */
static uint32_t noise(uint32_t x, uint32_t y, uint32_t seed)
{
	uint32_t v = x * 0x9e3779b1u ^ (y + seed) * 0x85ebca77u;

	v ^= v >> 15;
	v *= 0x2c1b3c6du;
	v ^= v >> 12;
	return v;
}

static uint32_t from_bits(uint32_t v, unsigned int bits)
{
	switch (bits) {
	case 5:
		return v << 11 | v << 6 | v << 1 | v >> 4;
	case 6:
		return v << 10 | v << 4 | v >> 2;
	case 8:
		return v * 257;
	case 10:
		return v << 6 | v >> 4;
	}
	igt_assert(false);
	return 0;
}

/*
 * An opaque pixel's colors at 16 bits; pixels with alpha show their
 * colors unchanged too: premultiplied over black.
 */
static void unpack(uint32_t format, uint32_t raw, struct rgb16 *c)
{
	switch (format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		c->r = from_bits(raw >> 16 & 0xff, 8);
		c->g = from_bits(raw >> 8 & 0xff, 8);
		c->b = from_bits(raw & 0xff, 8);
		return;
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		c->b = from_bits(raw >> 16 & 0xff, 8);
		c->g = from_bits(raw >> 8 & 0xff, 8);
		c->r = from_bits(raw & 0xff, 8);
		return;
	case DRM_FORMAT_RGB565:
		c->r = from_bits(raw >> 11 & 0x1f, 5);
		c->g = from_bits(raw >> 5 & 0x3f, 6);
		c->b = from_bits(raw & 0x1f, 5);
		return;
	case DRM_FORMAT_XRGB2101010:
	case DRM_FORMAT_ARGB2101010:
		c->r = from_bits(raw >> 20 & 0x3ff, 10);
		c->g = from_bits(raw >> 10 & 0x3ff, 10);
		c->b = from_bits(raw & 0x3ff, 10);
		return;
	}
	igt_assert_f(false, "format %#x\n", format);
}

/* What writeback writes for @c: colors rounded, alpha and X all ones. */
static uint32_t pack(uint32_t format, const struct rgb16 *c)
{
	uint32_t r8 = model_to_bits(c->r, 8), g8 = model_to_bits(c->g, 8);
	uint32_t b8 = model_to_bits(c->b, 8);

	switch (format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		return 0xff000000 | r8 << 16 | g8 << 8 | b8;
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		return 0xff000000 | b8 << 16 | g8 << 8 | r8;
	case DRM_FORMAT_RGB565:
		return model_to_bits(c->r, 5) << 11 |
		       model_to_bits(c->g, 6) << 5 | model_to_bits(c->b, 5);
	case DRM_FORMAT_XRGB2101010:
	case DRM_FORMAT_ARGB2101010:
		return 3u << 30 | model_to_bits(c->r, 10) << 20 |
		       model_to_bits(c->g, 10) << 10 | model_to_bits(c->b, 10);
	}
	igt_assert_f(false, "format %#x\n", format);
	return 0;
}

/* The bits of a pixel that count: colors, and alpha where there is one. */
static uint32_t checked_bits(uint32_t format)
{
	switch (format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_XBGR8888:
		return 0x00ffffff;
	case DRM_FORMAT_RGB565:
		return 0xffff;
	case DRM_FORMAT_XRGB2101010:
		return 0x3fffffff;
	}
	return 0xffffffff;
}

static const char *format_name(uint32_t format, char buf[5])
{
	memcpy(buf, &format, 4);
	buf[4] = '\0';
	return buf;
}

/* Every pixel of @out against @expect(x, y). */
static void check_pixels(const struct igt_fb *out,
			 uint32_t (*expect)(uint32_t x, uint32_t y, void *ctx),
			 void *ctx, const char *what)
{
	uint32_t mask = checked_bits(out->format), x, y, got, want;
	int bad = 0;
	char name[5];

	for (y = 0; y < out->height; y++) {
		for (x = 0; x < out->width; x++) {
			got = igt_fb_get_pixel(out, x, y);
			want = expect(x, y, ctx);
			if ((got & mask) == (want & mask))
				continue;
			if (bad++ < 4)
				igt_warn("%s: %s at (%u, %u): %#010x, expected %#010x\n",
					 what, format_name(out->format, name), x,
					 y, got, want);
		}
	}
	igt_assert_f(!bad, "%s: %d pixels wrong in %s\n", what, bad,
		     format_name(out->format, name));
}

/* An input framebuffer of @format full of noise. */
static struct igt_fb *noise_fb(uint32_t format, uint32_t seed)
{
	struct igt_fb *fb = fb_new(MODE_W, MODE_H, format);
	uint32_t x, y, v;

	for (y = 0; y < MODE_H; y++) {
		for (x = 0; x < MODE_W; x++) {
			v = noise(x, y, seed);
			igt_fb_set_pixel(fb, x, y,
					 format == DRM_FORMAT_RGB565 ? v & 0xffff : v);
		}
	}
	return fb;
}

/* @in's pixel converted to @out's format. */
static uint32_t expect_converted(uint32_t x, uint32_t y, void *ctx)
{
	const struct igt_fb *const *fbs = ctx;
	struct rgb16 c;

	unpack(fbs[0]->format, igt_fb_get_pixel(fbs[0], x, y), &c);
	return pack(fbs[1]->format, &c);
}

static uint32_t expect_model(uint32_t x, uint32_t y, void *ctx)
{
	const struct frame_model *m = ctx;

	return m->px[y * m->w + x];
}

/* ---- recovery ------------------------------------------------------------ */

static void recover(void)
{
	unsigned int i;

	igt_pipe_crc_stop(&data.pc);
	for (i = 0; i < ARRAY_SIZE(data.fences); i++)
		fence_close(&data.fences[i]);
	kms_disable_all(data.fd);
	for (i = 0; i < MAX_FBS; i++)
		igt_remove_fb(data.fd, &data.fbs[i]);
}

/* ---- subtests ------------------------------------------------------------ */

static void test_pixel_formats(void)
{
	uint32_t formats[16], want;
	unsigned int i, j;
	int n;

	n = kms_writeback_formats(data.fd, &data.wb, formats, 16);
	igt_assert_eq(n, (int)ARRAY_SIZE(wb_formats) + 1);
	for (i = 0; i <= ARRAY_SIZE(wb_formats); i++) {
		want = i < ARRAY_SIZE(wb_formats) ? wb_formats[i] :
		       DRM_FORMAT_NV12;
		for (j = 0; j < (unsigned int)n; j++)
			if (formats[j] == want)
				break;
		igt_assert_f(j < (unsigned int)n, "format %#x not listed\n",
			     want);
	}
}

static void test_invalid(void)
{
	struct igt_fb *in = noise_fb(DRM_FORMAT_XRGB8888, 1);
	struct igt_fb *half = fb_new(MODE_W / 2, MODE_H / 2, DRM_FORMAT_XRGB8888);
	struct igt_fb *wide = fb_new(MODE_W * 2, MODE_H, DRM_FORMAT_XRGB8888);
	struct igt_fb *good = wb_fb_new(DRM_FORMAT_XRGB8888);
	struct kms_plane_pos p = kms_plane_at(in->fb_id, MODE_W, MODE_H, 0, 0);
	int32_t *fence = &data.fences[0];
	struct wb_commit c = { .primary = &p, .out_fence = fence };

	c.wb_fb = half->fb_id;
	c.flags = DRM_MODE_ATOMIC_TEST_ONLY;
	igt_assert_eq(wb_commit(&c), -EINVAL);
	c.flags = 0;
	igt_assert_eq(wb_commit(&c), -EINVAL);
	igt_assert_eq(*fence, -1);

	c.wb_fb = wide->fb_id;
	igt_assert_eq(wb_commit(&c), -EINVAL);

	/* An out-fence needs a framebuffer. */
	c.wb_fb = 0;
	igt_assert_eq(wb_commit(&c), -EINVAL);

	/* Nothing was written by any of them. */
	c.wb_fb = good->fb_id;
	c.flags = DRM_MODE_ATOMIC_TEST_ONLY;
	igt_assert_eq(wb_commit(&c), 0);
	igt_assert_eq(good->map[0], SENTINEL);
	igt_assert_eq(good->map[good->size - 1], SENTINEL);
}

static void test_fb_id_reads_zero(void)
{
	struct igt_fb *in = noise_fb(DRM_FORMAT_XRGB8888, 2);
	struct igt_fb *out = wb_fb_new(DRM_FORMAT_XRGB8888);
	uint64_t fb_id = ~0ull;

	capture(in, out);
	igt_assert(kms_prop_get(data.fd, data.wb.connector_id,
				DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_FB_ID",
				&fb_id));
	igt_assert_eq_u64(fb_id, 0);
}

/*
 * Writeback in @format of three inputs: the same format (exact), XRGB8888
 * and XRGB2101010 (converted by the rounding rule; 10 bits survive in
 * the 10-bit formats).
 */
static void test_format(uint32_t format)
{
	const uint32_t inputs[] = { format, DRM_FORMAT_XRGB8888,
				    DRM_FORMAT_XRGB2101010 };
	const struct igt_fb *fbs[2];
	struct igt_fb *in, *out;
	char what[64], name[5];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(inputs); i++) {
		in = noise_fb(inputs[i], i);
		out = wb_fb_new(format);
		capture(in, out);
		fbs[0] = in;
		fbs[1] = out;
		snprintf(what, sizeof(what), "from %s",
			 format_name(inputs[i], name));
		check_pixels(out, expect_converted, fbs, what);
		igt_remove_fb(data.fd, out);
		igt_remove_fb(data.fd, in);
	}
}

/* BT.601 limited range, as documented: 16.16 weights in 8-bit units. */
static uint32_t yuv_c16(int32_t sum)
{
	uint64_t v = sum < 0 ? 0 : sum;

	v = (v * 257 + 32768) / 65536;
	return v > 0xffff ? 0xffff : v;
}

static uint32_t expect_yuv(uint32_t x, uint32_t y, void *ctx)
{
	const uint8_t *yuv = ctx;
	int32_t l = (yuv[0] - 16) * 76309, cb = yuv[1] - 128, cr = yuv[2] - 128;
	struct rgb16 c = {
		.r = yuv_c16(l + 104597 * cr),
		.g = yuv_c16(l - 25675 * cb - 53279 * cr),
		.b = yuv_c16(l + 132201 * cb),
	};

	(void)x;
	(void)y;
	return pack(DRM_FORMAT_XRGB8888, &c);
}

static void test_nv12_input(void)
{
	static const uint8_t yuv[][3] = {
		{ 235, 128, 128 }, { 16, 128, 128 }, { 81, 90, 240 },
		{ 145, 54, 34 }, { 41, 240, 110 },
	};
	struct igt_fb *in = fb_new(MODE_W, MODE_H, DRM_FORMAT_NV12);
	struct igt_fb *out;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(yuv); i++) {
		igt_fb_fill_nv12(in, yuv[i][0], yuv[i][1], yuv[i][2]);
		out = wb_fb_new(DRM_FORMAT_XRGB8888);
		capture(in, out);
		check_pixels(out, expect_yuv, (void *)yuv[i], "NV12");
		igt_remove_fb(data.fd, out);
	}
	/* White and black exactly. */
	igt_assert_eq_u32(expect_yuv(0, 0, (void *)yuv[0]), 0xffffffff);
	igt_assert_eq_u32(expect_yuv(0, 0, (void *)yuv[1]), 0xff000000);
}

/* BT.601 limited range of 8-bit R, G, B, not rounded. */
static double bt601(const double rgb[3], unsigned int channel)
{
	static const double w[3][3] = {
		{ 65.481, 128.553, 24.966 },
		{ -37.797, -74.203, 112.0 },
		{ 112.0, -93.786, -18.214 },
	};
	double v = channel ? 128 : 16;
	unsigned int i;

	for (i = 0; i < 3; i++)
		v += w[channel][i] * rgb[i] / 255;
	return v;
}

static void xrgb_to_rgb(uint32_t v, double rgb[3])
{
	rgb[0] = v >> 16 & 0xff;
	rgb[1] = v >> 8 & 0xff;
	rgb[2] = v & 0xff;
}

/* One NV12 sample against the exact value: off by at most @slack. */
static int check_sample(uint8_t got, double want, double slack,
			const char *what, uint32_t x, uint32_t y)
{
	if (got >= want - slack && got <= want + slack)
		return 0;
	igt_warn("NV12 %s at (%u, %u): %u, expected %.2f\n", what, x, y, got,
		 want);
	return 1;
}

/* Luma of every pixel, chroma of every 2x2 block (their mean). */
static int check_nv12(const struct igt_fb *in, const struct igt_fb *out)
{
	const uint8_t *luma = out->map + out->offsets[0];
	const uint8_t *chroma = out->map + out->offsets[1];
	double rgb[3], mean[3];
	uint32_t x, y, i, c;
	int bad = 0;

	for (y = 0; y < out->height; y++)
		for (x = 0; x < out->width; x++) {
			xrgb_to_rgb(igt_fb_get_pixel(in, x, y), rgb);
			bad += check_sample(luma[y * out->pitches[0] + x],
					    bt601(rgb, 0), 0.51, "Y", x, y);
		}
	for (y = 0; y < out->height; y += 2)
		for (x = 0; x < out->width; x += 2) {
			memset(mean, 0, sizeof(mean));
			for (i = 0; i < 4; i++) {
				xrgb_to_rgb(igt_fb_get_pixel(in, x + i % 2,
							     y + i / 2), rgb);
				for (c = 0; c < 3; c++)
					mean[c] += rgb[c] / 4;
			}
			/* Rounded per row, then the two rows averaged. */
			for (c = 1; c < 3; c++)
				bad += check_sample(chroma[y / 2 * out->pitches[1] + x + c - 1],
						    bt601(mean, c), 1.01,
						    c == 1 ? "Cb" : "Cr", x, y);
		}
	return bad;
}

static void test_nv12_output(void)
{
	struct igt_fb *in = noise_fb(DRM_FORMAT_XRGB8888, 7);
	struct igt_fb *out = wb_fb_new(DRM_FORMAT_NV12);
	int bad;

	capture(in, out);
	bad = check_nv12(in, out);
	igt_assert_f(!bad, "%d NV12 samples wrong\n", bad);
}

/*
 * Primary, an overlay showing part of its framebuffer, and a cursor of
 * half-transparent pixels partly off screen: the frame as the model
 * blends it, pixel for pixel, and its CRC.
 */
static void test_composed(void)
{
	struct igt_fb *primary = noise_fb(DRM_FORMAT_XRGB8888, 7);
	struct igt_fb *overlay = fb_new(200, 100, DRM_FORMAT_XRGB8888);
	struct igt_fb *cursor = fb_new(64, 64, DRM_FORMAT_ARGB8888);
	struct igt_fb *out = wb_fb_new(DRM_FORMAT_XRGB8888);
	struct igt_fb *sub = fb_new(180, 90, DRM_FORMAT_XRGB8888);
	struct kms_plane_pos p = kms_plane_at(primary->fb_id, MODE_W, MODE_H,
					      0, 0);
	struct kms_plane_pos o = {
		.fb_id = overlay->fb_id, .src_x = 12, .src_y = 6,
		.src_w = 180, .src_h = 90, .crtc_x = 50, .crtc_y = 70,
		.crtc_w = 180, .crtc_h = 90,
	};
	struct kms_plane_pos k = kms_plane_at(cursor->fb_id, 64, 64,
					      MODE_W - 40, MODE_H - 24);
	int32_t *fence = &data.fences[0];
	uint32_t x, y, crc_expected;
	struct igt_crc crc;

	igt_require(data.overlay);
	for (y = 0; y < overlay->height; y++)
		for (x = 0; x < overlay->width; x++)
			igt_fb_set_pixel(overlay, x, y, noise(x, y, 8));
	for (y = 0; y < 64; y++)
		for (x = 0; x < 64; x++)
			igt_fb_set_pixel(cursor, x, y,
					 (x * 4) << 24 | (noise(x, y, 9) & 0x00ffffff));
	/* The model of the overlay: the part of its framebuffer it shows. */
	for (y = 0; y < 90; y++)
		for (x = 0; x < 180; x++)
			igt_fb_set_pixel(sub, x, y,
					 igt_fb_get_pixel(overlay, x + 12, y + 6));

	frame_model_copy_fb(&data.model, primary);
	frame_model_blend_fb(&data.model, sub, 50, 70, 0xffff,
			     MODEL_BLEND_PREMULTI, false);
	frame_model_blend_fb(&data.model, cursor, MODE_W - 40, MODE_H - 24,
			     0xffff, MODEL_BLEND_PREMULTI, true);
	crc_expected = frame_model_crc(&data.model);

	igt_assert_eq(wb_commit(&(struct wb_commit){ .primary = &p }), 0);
	igt_pipe_crc_start(&data.pc);
	igt_assert_eq(wb_commit(&(struct wb_commit){
		.primary = &p, .overlay = &o, .cursor = &k,
		.wb_fb = out->fb_id, .out_fence = fence }), 0);
	fence_wait_ok(fence);
	check_pixels(out, expect_model, &data.model, "composed");
	igt_pipe_crc_get_current(&data.pc, &crc);
	igt_pipe_crc_stop(&data.pc);
	igt_assert_eq_u32(crc.crc, crc_expected);
}

/* A commit without a writeback job leaves the last buffer alone. */
static void test_no_job_no_write(void)
{
	struct igt_fb *a = noise_fb(DRM_FORMAT_XRGB8888, 3);
	struct igt_fb *b = noise_fb(DRM_FORMAT_XRGB8888, 4);
	struct igt_fb *out = wb_fb_new(DRM_FORMAT_XRGB8888);
	struct kms_plane_pos p = kms_plane_at(b->fb_id, MODE_W, MODE_H, 0, 0);
	const struct igt_fb *fbs[2] = { a, out };
	struct drm_event_vblank ev;
	int i;

	capture(a, out);
	check_pixels(out, expect_converted, fbs, "captured");
	/* Flips without a job, with time for a stray write to land. */
	for (i = 0; i < 3; i++) {
		p.fb_id = (i % 2 ? a : b)->fb_id;
		igt_assert_eq(wb_commit(&(struct wb_commit){
			.primary = &p, .flags = DRM_MODE_PAGE_FLIP_EVENT }), 0);
		igt_assert(kms_read_event(data.fd, FENCE_MS, &ev));
	}
	check_pixels(out, expect_converted, fbs, "after flips without a job");
}

/* Each commit's job gets its own commit's frame, in order. */
static void test_one_per_commit(bool clone)
{
	struct igt_fb *in[3], *out[3];
	const struct igt_fb *fbs[2];
	struct kms_plane_pos p;
	int32_t *fence[3];
	int i;

	for (i = 0; i < 3; i++) {
		in[i] = noise_fb(DRM_FORMAT_XRGB8888, 10 + i);
		out[i] = wb_fb_new(DRM_FORMAT_XRGB8888);
		fence[i] = &data.fences[i];
	}
	for (i = 0; i < 3; i++) {
		p = kms_plane_at(in[i]->fb_id, MODE_W, MODE_H, 0, 0);
		igt_assert_eq(wb_commit(&(struct wb_commit){
			.primary = &p, .wb_fb = out[i]->fb_id,
			.out_fence = fence[i], .clone = clone }), 0);
	}
	for (i = 0; i < 3; i++) {
		fence_wait_ok(fence[i]);
		fbs[0] = in[i];
		fbs[1] = out[i];
		check_pixels(out[i], expect_converted, fbs, "commit in a row");
	}
}

igt_main
{
	unsigned int i;

	igt_fixture {
		data.fd = drm_open_driver(DRIVER_DISPLAY);
		kms_require_atomic(data.fd);
		kms_output_find(data.fd, &data.out);
		kms_writeback_find(data.fd, &data.wb);
		igt_assert_eq(data.wb.crtc_id, data.out.crtc_id);
		data.overlay = kms_find_plane(data.fd, data.wb.crtc_index,
					      DRM_PLANE_TYPE_OVERLAY, 0);
		data.cursor = kms_find_plane(data.fd, data.wb.crtc_index,
					     DRM_PLANE_TYPE_CURSOR, 0);
		igt_assert(data.cursor);
		kms_connector_mode(data.fd, data.wb.connector_id, MODE_W,
				   MODE_H, &data.mode);
		igt_assert_eq(drmModeCreatePropertyBlob(data.fd, &data.mode,
							sizeof(data.mode),
							&data.mode_blob), 0);
		frame_model_init(&data.model, MODE_W, MODE_H);
		igt_pipe_crc_init(&data.pc, data.fd, data.wb.crtc_index, "auto");
		kms_disable_all(data.fd);
	}

	igt_describe("WRITEBACK_PIXEL_FORMATS lists the eight formats.");
	igt_subtest("pixel-formats") {
		recover();
		test_pixel_formats();
	}

	igt_describe("A framebuffer not of the mode's size, or an "
		     "out-fence without a framebuffer, is refused with EINVAL.");
	igt_subtest("invalid-parameters") {
		recover();
		test_invalid();
	}

	igt_describe("WRITEBACK_FB_ID is not kept: it reads 0.");
	igt_subtest("fb-id-reads-zero") {
		recover();
		test_fb_id_reads_zero();
	}

	for (i = 0; i < ARRAY_SIZE(wb_formats); i++) {
		igt_describe("Writeback in this format of inputs in it, in "
			     "XRGB8888 and in XRGB2101010, pixel for pixel.");
		igt_subtest_f("check-output-%s", wb_format_names[i]) {
			recover();
			test_format(wb_formats[i]);
		}
	}

	igt_describe("NV12 output: BT.601 limited range luma per pixel, "
		     "chroma the mean of each 2x2 block.");
	igt_subtest("nv12-output") {
		recover();
		test_nv12_output();
	}

	igt_describe("NV12 input converts by BT.601 limited range.");
	igt_subtest("nv12-input") {
		recover();
		test_nv12_input();
	}

	igt_describe("Three planes blended, clipped and cut: pixel for pixel "
		     "the model's frame, and the CRTC's CRC is its CRC.");
	igt_subtest("composed") {
		recover();
		test_composed();
	}

	igt_describe("Commits without a job do not touch the last buffer.");
	igt_subtest("no-job-no-write") {
		recover();
		test_no_job_no_write();
	}

	igt_describe("Commits in a row each get their own frame.");
	igt_subtest("one-per-commit") {
		recover();
		test_one_per_commit(false);
	}

	igt_describe("Writeback and the virtual connector on one CRTC.");
	igt_subtest("clone") {
		recover();
		test_one_per_commit(true);
	}

	igt_fixture {
		recover();
		frame_model_fini(&data.model);
		drmModeDestroyPropertyBlob(data.fd, data.mode_blob);
		drm_close_driver(data.fd);
	}
}
