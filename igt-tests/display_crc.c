// SPDX-License-Identifier: MIT
/*
 * CRC capture on drm_display (debugfs crtc-N/crc, source "auto"), over the
 * composed frame: the planes blended in zpos order over black.
 *
 * The CRC is documented as the CRC-32 of the frame as opaque ARGB8888, so
 * besides IGT's usual comparisons between configurations (same frame, same
 * CRC; one pixel changed, another), the tests compute the CRC a frame
 * must have from a model of it: what the planes show, blended by the
 * formulas of the "pixel blend mode" property.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "igt_atomic.h"
#include "igt_display.h"
#include "igt_dmabuf.h"
#include "igt_fb.h"
#include "igt_frame_model.h"
#include "igt_pipe_crc.h"

#define PARAM_DIR	"/sys/module/drm_display/parameters/"
#define PARAM_TIMEOUT	PARAM_DIR "fence_timeout_ms"
#define PARAM_SKIP	PARAM_DIR "fence_skip"

#define MAX_FBS		8
#define CURSOR_SIZE	64
#define OVERLAY_W	256
#define OVERLAY_H	128
/* Entries checked for stability: a sixth of a second at 60 Hz. */
#define STABLE_ENTRIES	10
/* How long a fence-blocked flip is watched. */
#define BLOCKED_MS	300
#define SKIP_TIMEOUT_MS	400

/*
 * Everything a failed subtest may leave behind, for recover(): locals of
 * the main body do not survive igt's longjmp.
 */
static struct {
	int fd, vgem;
	struct kms_output out;
	uint32_t mode_blob;
	uint32_t overlay, cursor;
	struct igt_pipe_crc pc;
	struct igt_fb fbs[MAX_FBS];
	struct frame_model model;
	/* A vgem image imported into the display. */
	uint32_t vgem_handle, vgem_import, vgem_fb;
	int vgem_dmabuf;
	uint32_t fence;
	int out_fence;
	bool params_saved;
	char saved_timeout[16], saved_skip[16];
} data = { .fd = -1, .vgem = -1, .vgem_dmabuf = -1, .out_fence = -1 };

/* ---- framebuffers ------------------------------------------------------- */

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

static void fb_free(struct igt_fb *fb)
{
	igt_remove_fb(data.fd, fb);
}

/* A color per pixel that changes with x and y, X byte @x_byte. */
static uint32_t pattern(uint32_t x, uint32_t y, uint32_t x_byte)
{
	return x_byte << 24 | ((x * 3 + y) & 0xff) << 16 |
	       ((y * 5) & 0xff) << 8 | ((x ^ y) & 0xff);
}

/* A mode-sized XRGB8888 framebuffer with the pattern, and its model. */
static struct igt_fb *pattern_fb(uint32_t x_byte, struct frame_model *m)
{
	struct igt_fb *fb = fb_new(data.out.mode.hdisplay,
				   data.out.mode.vdisplay, DRM_FORMAT_XRGB8888);
	uint32_t x, y, *row;

	for (y = 0; y < fb->height; y++) {
		row = (uint32_t *)(fb->map + (size_t)y * fb->pitches[0]);
		for (x = 0; x < fb->width; x++)
			row[x] = pattern(x, y, x_byte);
	}
	if (m) {
		for (y = 0; y < fb->height; y++)
			for (x = 0; x < fb->width; x++)
				m->px[y * m->w + x] = pattern(x, y, 0xff);
	}
	return fb;
}

/* ---- commits ------------------------------------------------------------ */

/*
 * One blocking commit of the whole output: the mode, and the primary,
 * overlay and cursor planes where given, off where NULL.
 */
static int __commit(const struct kms_plane_pos *primary,
		    const struct kms_plane_pos *overlay,
		    const struct kms_plane_pos *cursor, uint32_t flags)
{
	drmModeAtomicReqPtr req = kms_req_new();
	const struct kms_plane_pos off = {};

	kms_req_set(req, data.fd, data.out.crtc_id, DRM_MODE_OBJECT_CRTC,
		    "MODE_ID", data.mode_blob);
	kms_req_set(req, data.fd, data.out.crtc_id, DRM_MODE_OBJECT_CRTC,
		    "ACTIVE", 1);
	kms_req_set(req, data.fd, data.out.connector_id,
		    DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", data.out.crtc_id);
	kms_req_plane(req, data.fd, data.out.primary_id, data.out.crtc_id,
		      primary ? primary : &off);
	if (data.overlay)
		kms_req_plane(req, data.fd, data.overlay, data.out.crtc_id,
			      overlay ? overlay : &off);
	kms_req_plane(req, data.fd, data.cursor, data.out.crtc_id,
		      cursor ? cursor : &off);
	return kms_req_commit(data.fd, req, flags | DRM_MODE_ATOMIC_ALLOW_MODESET,
			      NULL);
}

static void commit(const struct kms_plane_pos *primary,
		   const struct kms_plane_pos *overlay,
		   const struct kms_plane_pos *cursor)
{
	igt_assert_eq(__commit(primary, overlay, cursor, 0), 0);
}

static struct kms_plane_pos full(const struct igt_fb *fb)
{
	return kms_plane_at(fb->fb_id, fb->width, fb->height, 0, 0);
}

/* Only @fb, on the primary plane, full screen. */
static void show(const struct igt_fb *fb)
{
	struct kms_plane_pos p = full(fb);

	commit(&p, NULL, NULL);
}

static void plane_set(uint32_t plane, const char *name, uint64_t value)
{
	drmModeAtomicReqPtr req = kms_req_new();

	kms_req_set(req, data.fd, plane, DRM_MODE_OBJECT_PLANE, name, value);
	igt_assert_eq(kms_req_commit(data.fd, req, 0, NULL), 0);
}

/* The value of enum property @name of a plane named @value. */
static uint64_t plane_enum(uint32_t plane, const char *name, const char *value)
{
	drmModeObjectPropertiesPtr props;
	uint64_t v = ~0ull;
	uint32_t i;
	int j;

	props = drmModeObjectGetProperties(data.fd, plane, DRM_MODE_OBJECT_PLANE);
	igt_assert(props);
	for (i = 0; i < props->count_props; i++) {
		drmModePropertyPtr p = drmModeGetProperty(data.fd, props->props[i]);

		igt_assert(p);
		if (!strcmp(p->name, name))
			for (j = 0; j < p->count_enums; j++)
				if (!strcmp(p->enums[j].name, value))
					v = p->enums[j].value;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	igt_assert_f(v != ~0ull, "no %s \"%s\" on plane %u\n", name, value, plane);
	return v;
}

/* ---- CRCs --------------------------------------------------------------- */

/* A black frame first: capture needs an active CRTC. */
static void crc_start_lit(void)
{
	struct igt_fb *black = fb_new(data.out.mode.hdisplay,
				      data.out.mode.vdisplay,
				      DRM_FORMAT_XRGB8888);

	show(black);
	igt_pipe_crc_start(&data.pc);
}

/* The CRC of what is on screen now. */
static uint32_t crc_now(void)
{
	struct igt_crc crc;

	igt_pipe_crc_get_current(&data.pc, &crc);
	return crc.crc;
}

static void crc_expect(const struct frame_model *m, const char *what)
{
	uint32_t want = frame_model_crc(m), got = crc_now();

	igt_assert_f(got == want, "%s: CRC %#010x, the frame's is %#010x\n",
		     what, got, want);
}

/* ---- module parameters -------------------------------------------------- */

/* Async-signal-safe: the exit handler uses it. */
static bool param_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = strlen(val);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, val, len) == len;
	close(fd);
	return ok;
}

static void param_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len;

	igt_assert_f(fd >= 0, "cannot open %s: %m\n", path);
	len = read(fd, buf, size - 1);
	close(fd);
	igt_assert(len > 0);
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static void params_restore(void)
{
	if (!data.params_saved)
		return;
	param_write(PARAM_TIMEOUT, data.saved_timeout);
	param_write(PARAM_SKIP, data.saved_skip);
}

/* ---- vgem buffers ------------------------------------------------------- */

/* No assertions: recover() uses it. */
static void vgem_buf_free(void)
{
	struct drm_gem_close arg = {};

	if (data.fence) {
		__vgem_fence_signal(data.vgem, data.fence);
		data.fence = 0;
	}
	if (data.vgem_fb)
		drmModeRmFB(data.fd, data.vgem_fb);
	if (data.vgem_import) {
		arg.handle = data.vgem_import;
		drmIoctl(data.fd, DRM_IOCTL_GEM_CLOSE, &arg);
	}
	if (data.vgem_handle) {
		arg.handle = data.vgem_handle;
		drmIoctl(data.vgem, DRM_IOCTL_GEM_CLOSE, &arg);
	}
	if (data.vgem_dmabuf >= 0)
		close(data.vgem_dmabuf);
	data.vgem_fb = data.vgem_import = data.vgem_handle = 0;
	data.vgem_dmabuf = -1;
}

/* A mode-sized XRGB8888 image on vgem with the pattern, imported. */
static void vgem_buf_create(uint32_t x_byte)
{
	struct drm_vgem_plus_create create = {
		.width = data.out.mode.hdisplay,
		.height = data.out.mode.vdisplay,
		.format = DRM_FORMAT_XRGB8888,
	};
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	uint32_t x, y, *row;
	uint8_t *map;

	igt_assert_eq(__vgem_plus_create(data.vgem, &create), 0);
	data.vgem_handle = create.handle;
	map = vgem_plus_mmap(data.vgem, create.handle, create.size);
	for (y = 0; y < create.height; y++) {
		row = (uint32_t *)(map + create.offsets[0] +
				   (size_t)y * create.pitches[0]);
		for (x = 0; x < create.width; x++)
			row[x] = pattern(x, y, x_byte);
	}
	munmap(map, create.size);

	data.vgem_dmabuf = prime_handle_to_fd(data.vgem, create.handle);
	igt_assert_eq(dmabuf_set_name(data.vgem_dmabuf, "crc-B"), 0);
	data.vgem_import = prime_fd_to_handle(data.fd, data.vgem_dmabuf);
	handles[0] = data.vgem_import;
	pitches[0] = create.pitches[0];
	offsets[0] = create.offsets[0];
	igt_assert_eq(drmModeAddFB2(data.fd, create.width, create.height,
				    DRM_FORMAT_XRGB8888, handles, pitches,
				    offsets, &data.vgem_fb, 0), 0);
}

/* ---- recovery ----------------------------------------------------------- */

static void exit_handler(void)
{
	if (data.fence && data.vgem >= 0)
		__vgem_fence_signal(data.vgem, data.fence);
	params_restore();
}

static void recover(void)
{
	struct drm_event_vblank ev;
	int i;

	igt_pipe_crc_stop(&data.pc);
	exit_handler();
	data.fence = 0;
	if (data.out_fence >= 0)
		close(data.out_fence);
	data.out_fence = -1;
	kms_disable_all(data.fd);
	while (kms_read_event(data.fd, 0, &ev))
		;
	vgem_buf_free();
	for (i = 0; i < MAX_FBS; i++)
		if (data.fbs[i].fb_id)
			fb_free(&data.fbs[i]);
	/* Plane properties back to their defaults. */
	plane_set(data.out.primary_id, "zpos", 0);
	if (data.overlay) {
		plane_set(data.overlay, "alpha", 0xffff);
		plane_set(data.overlay, "pixel blend mode",
			  plane_enum(data.overlay, "pixel blend mode",
				     "Pre-multiplied"));
	}
}

/* ---- subtests ----------------------------------------------------------- */

static void test_bad_source(void)
{
	char control[64];

	igt_assert_eq(igt_pipe_crc_set_source(&data.pc, "foo"), -EINVAL);
	igt_assert_eq(igt_pipe_crc_set_source(&data.pc, "auto"), 0);
	igt_pipe_crc_read_control(&data.pc, control, sizeof(control));
	igt_assert_f(!strcmp(control, "auto*\n"),
		     "control lists \"%s\"\n", control);
}

static void test_inactive(void)
{
	int ret = __igt_pipe_crc_start(&data.pc);

	igt_pipe_crc_stop(&data.pc);
	igt_assert_eq(ret, -EIO);
}

static void test_stable(void)
{
	struct igt_crc crcs[STABLE_ENTRIES];
	uint32_t before;
	int i;

	show(pattern_fb(0x42, NULL));
	before = kms_vblank_count(data.fd, data.out.crtc_index);
	igt_pipe_crc_start(&data.pc);
	for (i = 0; i < STABLE_ENTRIES; i++)
		igt_pipe_crc_get_single(&data.pc, &crcs[i]);
	igt_pipe_crc_stop(&data.pc);

	igt_assert(crcs[0].has_frame);
	igt_assert_f((int32_t)(crcs[0].frame - before) > 0,
		     "first entry for frame %u, before the start at %u\n",
		     crcs[0].frame, before);
	for (i = 0; i < STABLE_ENTRIES; i++) {
		igt_assert(crcs[i].has_frame);
		igt_assert_neq_u32(crcs[i].crc, 0);
		igt_assert_neq_u32(crcs[i].crc, 0xffffffff);
		igt_assert_eq_u32(crcs[i].crc, crcs[0].crc);
		if (i)
			igt_assert_eq_u32(crcs[i].frame, crcs[i - 1].frame + 1);
	}
}

/*
 * What computes the CRCs (debugfs compose's crc-impl): the PCLMULQDQ
 * driver when its module was loaded before ours (tools/check.sh loads it
 * where the kernel has it), crc32_le() or another fast driver otherwise,
 * never the generic driver, which is crc32_le() behind indirect calls.
 */
static void crc_impl(char *impl, size_t len)
{
	char *text = drm_debugfs_read(data.fd, "compose"), *line;

	line = strstr(text, "crc-impl ");
	igt_assert_f(line, "no crc-impl line in compose:\n%s", text);
	igt_assert(len >= 64);
	igt_assert_eq(sscanf(line, "crc-impl %63s", impl), 1);
	free(text);
	igt_info("CRCs computed by %s\n", impl);
	if (access("/sys/module/crc32_pclmul", F_OK) == 0)
		igt_assert_f(!strcmp(impl, "crc32-pclmul"),
			     "crc32_pclmul is loaded, CRCs computed by %s\n",
			     impl);
	igt_assert_f(strcmp(impl, "crc32-generic"),
		     "the generic crc32 driver is crc32_le() made slower\n");
}

static void test_reference(void)
{
	char impl[64];

	crc_impl(impl, sizeof(impl));
	show(pattern_fb(0x42, &data.model));
	igt_pipe_crc_start(&data.pc);
	crc_expect(&data.model, "pattern");
	igt_pipe_crc_stop(&data.pc);
}

static void test_black(void)
{
	struct igt_fb *fb = fb_new(data.out.mode.hdisplay,
				   data.out.mode.vdisplay, DRM_FORMAT_XRGB8888);
	struct igt_crc crc;

	show(fb);
	igt_pipe_crc_collect_crc(&data.pc, &crc);
	igt_assert_neq_u32(crc.crc, 0);
	frame_model_fill(&data.model, 0);
	igt_assert_eq_u32(crc.crc, frame_model_crc(&data.model));
}

static void test_x_bits(void)
{
	struct igt_fb *a = pattern_fb(0x00, NULL), *b = pattern_fb(0x42, NULL);
	uint32_t crc_a, crc_b;

	show(a);
	igt_pipe_crc_start(&data.pc);
	crc_a = crc_now();
	show(b);
	crc_b = crc_now();
	igt_pipe_crc_stop(&data.pc);
	igt_assert_eq_u32(crc_a, crc_b);
}

static void test_one_pixel(void)
{
	struct igt_fb *a = pattern_fb(0x42, NULL), *b = pattern_fb(0x42, NULL);
	uint32_t x = a->width / 3, y = a->height / 2, crc_a, crc_b;

	igt_fb_set_pixel(b, x, y, igt_fb_get_pixel(b, x, y) ^ 0x000001);
	show(a);
	igt_pipe_crc_start(&data.pc);
	crc_a = crc_now();
	show(b);
	crc_b = crc_now();
	igt_assert_neq_u32(crc_a, crc_b);
	show(a);
	igt_assert_eq_u32(crc_now(), crc_a);
	igt_pipe_crc_stop(&data.pc);
}

static void test_dirtyfb(void)
{
	struct igt_fb *fb = pattern_fb(0x42, &data.model);
	uint32_t x = 17, y = 33, crc_before;
	drmModeClip clip = { x, y, x + 1, y + 1 };

	show(fb);
	igt_pipe_crc_start(&data.pc);
	crc_before = crc_now();
	igt_assert_eq_u32(crc_before, frame_model_crc(&data.model));

	/* Drawn into the front buffer, then reported. */
	igt_fb_set_pixel(fb, x, y, 0x00ff00ff);
	data.model.px[y * data.model.w + x] = 0xffff00ff;
	igt_assert_eq(drmModeDirtyFB(data.fd, fb->fb_id, &clip, 1), 0);
	crc_expect(&data.model, "after DIRTYFB");
	igt_pipe_crc_stop(&data.pc);
}

/* Opaque colors every plane format can show exactly. */
static const uint32_t quadrant_rgb[4] = {
	0xff0000, 0x00ff00, 0x0000ff, 0xffffff,
};

static uint32_t raw_color(uint32_t format, uint32_t rgb)
{
	uint32_t r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;

	switch (format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		return 0xff000000 | rgb;
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		return 0xff000000 | b << 16 | g << 8 | r;
	case DRM_FORMAT_RGB565:
		return (r >> 3) << 11 | (g >> 2) << 5 | b >> 3;
	case DRM_FORMAT_XRGB2101010:
	case DRM_FORMAT_ARGB2101010:
		return 3u << 30 | (r * 1023 / 255) << 20 |
		       (g * 1023 / 255) << 10 | b * 1023 / 255;
	}
	igt_assert_f(false, "format %#x\n", format);
	return 0;
}

static void test_formats(void)
{
	static const uint32_t formats[] = {
		DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_XBGR8888,
		DRM_FORMAT_ABGR8888, DRM_FORMAT_RGB565, DRM_FORMAT_XRGB2101010,
		DRM_FORMAT_ARGB2101010,
	};
	uint32_t w = data.out.mode.hdisplay, h = data.out.mode.vdisplay;
	uint32_t x, y, q, want;
	struct igt_fb *fb;
	unsigned int i;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			data.model.px[y * w + x] = 0xff000000 |
				quadrant_rgb[(y >= h / 2) * 2 + (x >= w / 2)];
	want = frame_model_crc(&data.model);

	crc_start_lit();
	for (i = 0; i < ARRAY_SIZE(formats); i++) {
		fb = fb_new(w, h, formats[i]);
		for (q = 0; q < 4; q++)
			igt_fb_fill_rect(fb, q % 2 * (w / 2), q / 2 * (h / 2),
					 w / 2, h / 2,
					 raw_color(formats[i], quadrant_rgb[q]));
		show(fb);
		igt_assert_f(crc_now() == want, "format %.4s: wrong CRC\n",
			     (const char *)&formats[i]);
		igt_pipe_crc_drain(&data.pc, NULL);
		/* Removing the framebuffer on screen switches its plane off. */
		fb_free(fb);
	}
	igt_pipe_crc_stop(&data.pc);
}

static void test_nv12(void)
{
	uint32_t w = data.out.mode.hdisplay, h = data.out.mode.vdisplay;
	struct igt_fb *nv12 = fb_new(w, h, DRM_FORMAT_NV12);
	struct igt_fb *xrgb = fb_new(w, h, DRM_FORMAT_XRGB8888);
	uint32_t white, black;

	crc_start_lit();
	igt_fb_fill(xrgb, 0xffffffff);
	show(xrgb);
	white = crc_now();
	igt_fb_fill_nv12(nv12, 235, 128, 128);
	show(nv12);
	igt_assert_eq_u32(crc_now(), white);

	igt_fb_fill(xrgb, 0);
	show(xrgb);
	black = crc_now();
	igt_assert_neq_u32(black, white);
	igt_fb_fill_nv12(nv12, 16, 128, 128);
	show(nv12);
	igt_assert_eq_u32(crc_now(), black);
	igt_pipe_crc_stop(&data.pc);
}

/*
 * A plane moved over the pattern gives the CRC of the pattern with the
 * plane drawn in, wherever it is, also partly off screen; moved back,
 * the first CRC again.
 */
static void test_plane_moved(uint32_t plane, uint32_t w, uint32_t h)
{
	const int32_t pos[][2] = {
		{ 100, 100 }, { 301, 157 }, { -20, -10 },
		{ (int32_t)data.out.mode.hdisplay - (int32_t)w / 2,
		  (int32_t)data.out.mode.vdisplay - (int32_t)h / 3 },
	};
	struct frame_model *m = &data.model;
	struct kms_plane_pos p, q;
	struct igt_fb *primary, *fb;
	uint32_t first = 0;
	unsigned int i;

	igt_require(plane);
	fb = fb_new(w, h, DRM_FORMAT_ARGB8888);
	igt_fb_fill(fb, 0xff20c040);
	igt_fb_fill_rect(fb, w / 4, h / 4, w / 2, h / 2, 0xff804020);

	crc_start_lit();
	for (i = 0; i < ARRAY_SIZE(pos); i++) {
		primary = pattern_fb(0x42, m);
		p = full(primary);
		q = kms_plane_at(fb->fb_id, w, h, pos[i][0], pos[i][1]);
		/* Partly off screen: the source is cut as the CRTC is. */
		commit(&p, plane == data.overlay ? &q : NULL,
		       plane == data.cursor ? &q : NULL);
		frame_model_blend_fb(m, fb, pos[i][0], pos[i][1], 0xffff,
			       MODEL_BLEND_PREMULTI, true);
		crc_expect(m, "plane moved");
		if (!i)
			first = crc_now();
		igt_pipe_crc_drain(&data.pc, NULL);
		fb_free(primary);
	}
	/* Back where it was first. */
	primary = pattern_fb(0x42, NULL);
	p = full(primary);
	q = kms_plane_at(fb->fb_id, w, h, pos[0][0], pos[0][1]);
	commit(&p, plane == data.overlay ? &q : NULL,
	       plane == data.cursor ? &q : NULL);
	igt_assert_eq_u32(crc_now(), first);
	igt_pipe_crc_stop(&data.pc);
}

/* An overlay of pixels with three alphas, in one blend mode. */
static void check_blend(struct igt_fb *primary, struct igt_fb *fb,
			uint32_t alpha, enum model_blend mode)
{
	struct frame_model *m = &data.model;
	struct kms_plane_pos p = full(primary);
	struct kms_plane_pos q = kms_plane_at(fb->fb_id, fb->width, fb->height,
					      40, 60);
	char what[64];

	plane_set(data.overlay, "alpha", alpha);
	plane_set(data.overlay, "pixel blend mode",
		  plane_enum(data.overlay, "pixel blend mode",
			     model_blend_names[mode]));
	commit(&p, &q, NULL);

	frame_model_copy_fb(m, primary);
	frame_model_blend_fb(m, fb, 40, 60, alpha, mode, true);
	snprintf(what, sizeof(what), "%s, plane alpha %#x",
		 model_blend_names[mode], alpha);
	crc_expect(m, what);
	igt_pipe_crc_drain(&data.pc, NULL);
}

static void test_blend(void)
{
	static const uint32_t alphas[] = { 0xffff, 0x8000, 0x0000 };
	uint32_t w = data.out.mode.hdisplay, h = data.out.mode.vdisplay;
	struct igt_fb *primary, *fb;
	unsigned int i;
	enum model_blend mode;

	igt_require(data.overlay);
	primary = fb_new(w, h, DRM_FORMAT_XRGB8888);
	igt_fb_fill(primary, 0x00306090);
	/*
	 * Pixels of alpha 0xff, 0x80 and 0; the last with a color, which
	 * premultiplied blending adds, coverage hides, None shows.
	 */
	fb = fb_new(OVERLAY_W, OVERLAY_H, DRM_FORMAT_ARGB8888);
	igt_fb_fill_rect(fb, 0, 0, OVERLAY_W / 3, OVERLAY_H, 0xffc08040);
	igt_fb_fill_rect(fb, OVERLAY_W / 3, 0, OVERLAY_W / 3, OVERLAY_H,
			 0x80602010);
	igt_fb_fill_rect(fb, 2 * (OVERLAY_W / 3), 0,
			 OVERLAY_W - 2 * (OVERLAY_W / 3), OVERLAY_H, 0x00102030);

	crc_start_lit();
	for (mode = MODEL_BLEND_NONE; mode <= MODEL_BLEND_COVERAGE; mode++)
		for (i = 0; i < ARRAY_SIZE(alphas); i++)
			check_blend(primary, fb, alphas[i], mode);
	igt_pipe_crc_stop(&data.pc);
}

/*
 * Plane alpha and pixel alpha multiply: 0x7e7e on pixels of alpha 0xfc
 * shows like 0xfcfc on pixels of alpha 0x7e (kms_plane_alpha_blend's
 * coverage-7efc).
 */
static void test_alpha_7efc(void)
{
	uint32_t w = data.out.mode.hdisplay, h = data.out.mode.vdisplay;
	struct igt_fb *primary, *fc, *f7;
	struct kms_plane_pos p, q;
	uint32_t crc_a, crc_b;

	igt_require(data.overlay);
	primary = fb_new(w, h, DRM_FORMAT_XRGB8888);
	fc = fb_new(w, h, DRM_FORMAT_ARGB8888);
	f7 = fb_new(w, h, DRM_FORMAT_ARGB8888);
	igt_fb_fill(fc, 0xfcff0000);
	igt_fb_fill(f7, 0x7eff0000);
	p = full(primary);

	crc_start_lit();
	plane_set(data.overlay, "pixel blend mode",
		  plane_enum(data.overlay, "pixel blend mode", "Coverage"));
	plane_set(data.overlay, "alpha", 0x7e7e);
	q = full(fc);
	commit(&p, &q, NULL);
	crc_a = crc_now();
	plane_set(data.overlay, "alpha", 0xfcfc);
	q = full(f7);
	commit(&p, &q, NULL);
	crc_b = crc_now();
	igt_pipe_crc_stop(&data.pc);
	igt_assert_eq_u32(crc_a, crc_b);
}

/* The primary plane raised above an opaque overlay hides it. */
static void test_zpos(void)
{
	struct frame_model *m = &data.model;
	struct igt_fb *primary, *fb;
	struct kms_plane_pos p, q;

	igt_require(data.overlay);
	primary = pattern_fb(0x42, m);
	fb = fb_new(OVERLAY_W, OVERLAY_H, DRM_FORMAT_XRGB8888);
	igt_fb_fill(fb, 0x00ffff00);
	p = full(primary);
	q = kms_plane_at(fb->fb_id, OVERLAY_W, OVERLAY_H, 10, 20);

	crc_start_lit();
	commit(&p, &q, NULL);
	igt_assert_neq_u32(crc_now(), frame_model_crc(m));
	plane_set(data.out.primary_id, "zpos", 3);
	crc_expect(m, "primary above the overlay");
	igt_pipe_crc_stop(&data.pc);
}

static void test_vgem_import(void)
{
	uint32_t crc_vgem, crc_dumb;
	struct kms_plane_pos p;

	vgem_buf_create(0x42);
	crc_start_lit();
	show(pattern_fb(0x42, NULL));
	crc_dumb = crc_now();
	p = kms_plane_at(data.vgem_fb, data.out.mode.hdisplay,
			 data.out.mode.vdisplay, 0, 0);
	commit(&p, NULL, NULL);
	crc_vgem = crc_now();
	igt_pipe_crc_stop(&data.pc);
	igt_assert_eq_u32(crc_vgem, crc_dumb);
}

/* Every CRC read within @ms equals @want, and there is at least one. */
static void crc_hold(uint32_t want, int ms, const char *why)
{
	uint64_t end = kms_now_us() + ms * 1000ull;
	struct igt_crc crc;
	int n = 0;

	while (kms_now_us() < end) {
		if (!igt_pipe_crc_read(&data.pc, 50, &crc))
			continue;
		igt_assert_f(crc.crc == want, "%s: CRC %#010x at frame %u, expected %#010x\n",
			     why, crc.crc, crc.frame, want);
		n++;
	}
	igt_assert_f(n > 0, "%s: no CRC in %d ms\n", why, ms);
}

static int sync_file_status(int fd)
{
	struct sync_file_info info = {};

	do_ioctl(fd, SYNC_IOC_FILE_INFO, &info);
	return info.status;
}

/*
 * A nonblocking flip to a buffer with an unsignalled write fence: the
 * old frame's CRC until the fence signals, then the new one's; with
 * fence_skip, the old frame's for good.
 */
static void test_fence(bool skip)
{
	struct drm_vgem_fence_attach attach = {};
	struct drm_event_vblank ev;
	uint32_t crc_a, crc_b;
	struct igt_fb *a;
	char val[16];

	igt_require(data.vgem >= 0 &&
		    vgem_fence_has_flag(data.vgem, VGEM_FENCE_WRITE |
					WIP_VGEM_FENCE_NOTIMEOUT));
	vgem_buf_create(0x42);
	a = pattern_fb(0x42, NULL);
	igt_fb_fill_rect(a, 0, 0, 64, 64, 0x00ffffff);

	crc_start_lit();
	commit(&(struct kms_plane_pos){ .fb_id = data.vgem_fb,
		.src_w = a->width, .src_h = a->height,
		.crtc_w = a->width, .crtc_h = a->height }, NULL, NULL);
	crc_b = crc_now();
	show(a);
	crc_a = crc_now();
	igt_assert_neq_u32(crc_a, crc_b);

	if (skip) {
		snprintf(val, sizeof(val), "%d", SKIP_TIMEOUT_MS);
		igt_assert(param_write(PARAM_TIMEOUT, val));
		igt_assert(param_write(PARAM_SKIP, "Y"));
	}

	attach.handle = data.vgem_handle;
	attach.flags = VGEM_FENCE_WRITE | WIP_VGEM_FENCE_NOTIMEOUT;
	igt_assert_eq(__vgem_fence_attach(data.vgem, &attach), 0);
	data.fence = attach.out_fence;
	igt_assert_eq(kms_atomic_flip_fenced(data.fd, &data.out, data.vgem_fb,
					     -1, &data.out_fence,
					     DRM_MODE_PAGE_FLIP_EVENT |
					     DRM_MODE_ATOMIC_NONBLOCK, NULL), 0);

	crc_hold(crc_a, BLOCKED_MS, "flip blocked by a fence");
	if (skip) {
		igt_assert(kms_read_event(data.fd, 10 * SKIP_TIMEOUT_MS, &ev));
		igt_assert_eq(sync_file_status(data.out_fence), -ETIMEDOUT);
		crc_hold(crc_a, BLOCKED_MS, "frame skipped");
		vgem_fence_signal(data.vgem, data.fence);
		data.fence = 0;
		crc_hold(crc_a, BLOCKED_MS, "fence signalled after the skip");
	} else {
		vgem_fence_signal(data.vgem, data.fence);
		data.fence = 0;
		igt_assert(kms_read_event(data.fd, 1000, &ev));
		igt_assert_eq(sync_file_status(data.out_fence), 1);
		igt_assert_eq_u32(crc_now(), crc_b);
	}
	igt_pipe_crc_stop(&data.pc);
	params_restore();
}

/* The CRC survives the CRTC going off and on (with its reader closed). */
static void test_dpms(void)
{
	struct igt_fb *fb = pattern_fb(0x42, NULL);
	struct igt_crc before, after;

	show(fb);
	igt_pipe_crc_start(&data.pc);
	igt_pipe_crc_get_single(&data.pc, &before);
	igt_assert_eq(kms_atomic_disable(data.fd, &data.out, 0, NULL), 0);
	igt_pipe_crc_stop(&data.pc);
	show(fb);
	igt_pipe_crc_collect_crc(&data.pc, &after);
	igt_assert_eq_u32(after.crc, before.crc);
}

/*
 * Flips on every frame between two images while capturing: no frame
 * goes without an entry, and each shows one of the images.
 */
static void test_flip_sequence(void)
{
	struct igt_fb *fb[2] = { pattern_fb(0x42, NULL), pattern_fb(0x42, NULL) };
	struct igt_crc crc, prev;
	uint32_t crcs[2];
	int i, n = 0;

	igt_fb_fill_rect(fb[1], 200, 200, 300, 100, 0x00ff8000);
	crc_start_lit();
	for (i = 0; i < 2; i++) {
		show(fb[i]);
		crcs[i] = crc_now();
	}
	igt_assert_neq_u32(crcs[0], crcs[1]);
	igt_pipe_crc_get_single(&data.pc, &prev);

	for (i = 0; i < 20; i++) {
		igt_assert_eq(kms_atomic_flip(data.fd, &data.out,
					      fb[i % 2]->fb_id, 0, NULL), 0);
		while (igt_pipe_crc_read(&data.pc, 0, &crc)) {
			igt_assert_eq_u32(crc.frame, prev.frame + 1);
			igt_assert_f(crc.crc == crcs[0] || crc.crc == crcs[1],
				     "frame %u: CRC %#010x of neither image\n",
				     crc.frame, crc.crc);
			prev = crc;
			n++;
		}
	}
	igt_pipe_crc_stop(&data.pc);
	igt_info("%d entries over 20 flips\n", n);
	igt_assert_lt(0, n);
}

/* The totals of debugfs compose for our CRTC. */
struct compose_stats {
	unsigned long long composes, crcs, rows, copy_rows;
	unsigned long long last_us, max_us, mean_us;
};

static void compose_stats(struct compose_stats *st)
{
	char *text = drm_debugfs_read(data.fd, "compose"), *line, want[16];

	snprintf(want, sizeof(want), "crtc-%d ", data.out.crtc_index);
	line = strstr(text, want);
	igt_assert_f(line, "no %s line in compose:\n%s", want, text);
	line = strstr(line, " composes ");
	igt_assert(line);
	igt_assert_eq(sscanf(line, " composes %llu crcs %llu wb-jobs %*u rows %llu copy-rows %llu last-us %llu max-us %llu mean-us %llu",
			     &st->composes, &st->crcs, &st->rows,
			     &st->copy_rows, &st->last_us, &st->max_us,
			     &st->mean_us), 7);
	free(text);
}

/*
 * Nothing is composed without a CRC reader; with one, a static frame is
 * composed once, not per vblank, by the copy path; a changed frame once
 * more. Prints what composing a frame of the mode costs.
 */
static void test_on_demand(void)
{
	struct igt_fb *a = pattern_fb(0x42, NULL), *b = pattern_fb(0x00, NULL);
	struct compose_stats s0, s1, s2, s3;
	struct igt_crc crc;
	int i;

	show(a);
	compose_stats(&s0);
	for (i = 0; i < 5; i++) {
		igt_assert_eq(kms_atomic_flip(data.fd, &data.out,
					      (i % 2 ? a : b)->fb_id, 0, NULL), 0);
	}
	compose_stats(&s1);
	igt_assert_eq_u64(s1.composes, s0.composes);

	igt_pipe_crc_start(&data.pc);
	for (i = 0; i < 20; i++)
		igt_pipe_crc_get_single(&data.pc, &crc);
	compose_stats(&s2);
	/* One, and one more if crc_refresh_ms passed meanwhile. */
	igt_assert_lte(s2.composes - s1.composes, 2);
	igt_assert_lte(1, s2.composes - s1.composes);
	igt_assert_eq_u64(s2.copy_rows - s1.copy_rows, s2.rows - s1.rows);

	show(a);
	crc_now();
	igt_pipe_crc_stop(&data.pc);
	compose_stats(&s3);
	igt_assert_lte(1, s3.composes - s2.composes);
	igt_info("%ux%u: %llu composes, last %llu us, max %llu us, mean %llu us\n",
		 data.out.mode.hdisplay, data.out.mode.vdisplay, s3.composes,
		 s3.last_us, s3.max_us, s3.mean_us);
}

igt_main
{
	igt_fixture {
		data.fd = drm_open_driver(DRIVER_DISPLAY);
		kms_require_atomic(data.fd);
		kms_output_find(data.fd, &data.out);
		data.overlay = kms_find_plane(data.fd, data.out.crtc_index,
					      DRM_PLANE_TYPE_OVERLAY, 0);
		data.cursor = kms_find_plane(data.fd, data.out.crtc_index,
					     DRM_PLANE_TYPE_CURSOR, 0);
		igt_assert(data.cursor);
		igt_assert_eq(drmModeCreatePropertyBlob(data.fd, &data.out.mode,
							sizeof(data.out.mode),
							&data.mode_blob), 0);
		igt_pipe_crc_init(&data.pc, data.fd, data.out.crtc_index, "auto");
		frame_model_init(&data.model, data.out.mode.hdisplay,
			   data.out.mode.vdisplay);

		/* After the display: see display_fence.c. */
		data.vgem = __drm_open_driver_render(DRIVER_VGEM);
		param_read(PARAM_TIMEOUT, data.saved_timeout,
			   sizeof(data.saved_timeout));
		param_read(PARAM_SKIP, data.saved_skip, sizeof(data.saved_skip));
		data.params_saved = true;
		atexit(exit_handler);
		kms_disable_all(data.fd);
	}

	igt_describe("Only the \"auto\" source exists.");
	igt_subtest("bad-source") {
		recover();
		test_bad_source();
	}

	igt_describe("Capture needs an active CRTC: opening data fails with EIO.");
	igt_subtest("inactive-crtc") {
		recover();
		test_inactive();
	}

	igt_describe("A static frame: equal nonzero CRCs of consecutive frames.");
	igt_subtest("stable") {
		recover();
		test_stable();
	}

	igt_describe("The CRC is the CRC-32 of the frame as opaque ARGB8888, "
		     "by the fastest implementation the kernel offers.");
	igt_subtest("reference") {
		recover();
		test_reference();
	}

	igt_describe("A black frame has a nonzero CRC.");
	igt_subtest("black") {
		recover();
		test_black();
	}

	igt_describe("The X bits of XRGB8888 do not count.");
	igt_subtest("x-bits-ignored") {
		recover();
		test_x_bits();
	}

	igt_describe("One pixel changed changes the CRC; back, the old CRC.");
	igt_subtest("one-pixel") {
		recover();
		test_one_pixel();
	}

	igt_describe("Front-buffer drawing shows in the CRC after DIRTYFB.");
	igt_subtest("dirtyfb") {
		recover();
		test_dirtyfb();
	}

	igt_describe("The same picture in every RGB plane format, the same CRC.");
	igt_subtest("formats") {
		recover();
		test_formats();
	}

	igt_describe("NV12 white and black give the CRCs of XRGB8888 white and black.");
	igt_subtest("nv12-white-black") {
		recover();
		test_nv12();
	}

	igt_describe("An overlay moved, also partly off screen: the CRC of the "
		     "frame with it drawn where it is.");
	igt_subtest("overlay-moved") {
		recover();
		test_plane_moved(data.overlay, OVERLAY_W, OVERLAY_H);
	}

	igt_describe("The cursor moved, also partly off screen: the CRC of the "
		     "frame with it drawn where it is.");
	igt_subtest("cursor-moved") {
		recover();
		test_plane_moved(data.cursor, CURSOR_SIZE, CURSOR_SIZE);
	}

	igt_describe("Plane alpha and the three blend modes as documented.");
	igt_subtest("blend-modes") {
		recover();
		test_blend();
	}

	igt_describe("Plane alpha 0x7e7e on alpha 0xfc equals 0xfcfc on 0x7e.");
	igt_subtest("coverage-7efc") {
		recover();
		test_alpha_7efc();
	}

	igt_describe("zpos orders the planes.");
	igt_subtest("zpos") {
		recover();
		test_zpos();
	}

	igt_describe("A buffer imported from drm_vgem_plus has the CRC of a "
		     "dumb buffer with the same pixels.");
	igt_subtest("vgem-import") {
		recover();
		test_vgem_import();
	}

	igt_describe("A flip held back by a write fence leaves the CRC alone "
		     "until the fence signals.");
	igt_subtest("fence-blocked-flip") {
		recover();
		test_fence(false);
	}

	igt_describe("A flip whose fence times out with fence_skip leaves the "
		     "old CRC for good.");
	igt_subtest("fence-timeout-skip") {
		recover();
		test_fence(true);
	}

	igt_describe("The CRC after the CRTC went off and on equals the one before.");
	igt_subtest("dpms-cycle") {
		recover();
		test_dpms();
	}

	igt_describe("Composition runs only for a CRC reader, once per frame "
		     "change, not per vblank.");
	igt_subtest("compose-on-demand") {
		recover();
		test_on_demand();
	}

	igt_describe("Flipping every frame: consecutive frame numbers, and "
		     "every CRC one of the two images'.");
	igt_subtest("flip-sequence") {
		recover();
		test_flip_sequence();
	}

	igt_fixture {
		recover();
		frame_model_fini(&data.model);
		drmModeDestroyPropertyBlob(data.fd, data.mode_blob);
		if (data.vgem >= 0)
			drm_close_driver(data.vgem);
		drm_close_driver(data.fd);
	}
}
