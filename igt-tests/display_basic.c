// SPDX-License-Identifier: MIT
/*
 * Basic KMS on drm_display: what the device advertises (capabilities,
 * connector, modes, planes and their formats), framebuffer creation and
 * its errors, legacy and atomic modesets, page flips and their events,
 * vblank waits, mode validation, and scanout of dma-bufs imported from
 * drm_vgem_plus and the system dma-heap.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "igt_display.h"
#include "igt_dmabuf.h"

#define DRIVER_NAME	"drm_display"
#define MAX_SIZE	4096
#define EVENT_TIMEOUT_MS 1000
#define NUM_FLIPS	10

static const uint32_t plane_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888,
	DRM_FORMAT_ABGR8888,
	DRM_FORMAT_RGB565,
	DRM_FORMAT_XRGB2101010,
	DRM_FORMAT_ARGB2101010,
	DRM_FORMAT_NV12,
};

static unsigned int module_param(const char *name)
{
	char path[128];
	unsigned int val;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/" DRIVER_NAME "/parameters/%s",
		 name);
	f = fopen(path, "r");
	igt_assert_f(f, "cannot read %s\n", path);
	igt_assert_eq(fscanf(f, "%u", &val), 1);
	fclose(f);
	return val;
}

/* Reads the flip-complete event @user_data for @crtc_id. */
static void read_flip_event(int fd, uint32_t crtc_id, uint64_t user_data,
			    struct drm_event_vblank *ev)
{
	igt_assert_f(kms_read_event(fd, EVENT_TIMEOUT_MS, ev),
		     "no flip event %llu within %d ms\n",
		     (unsigned long long)user_data, EVENT_TIMEOUT_MS);
	igt_assert_eq_u32(ev->base.type, DRM_EVENT_FLIP_COMPLETE);
	igt_assert_eq_u64(ev->user_data, user_data);
	igt_assert_eq_u32(ev->crtc_id, crtc_id);
}

/*
 * The event's time is a CLOCK_MONOTONIC time, recent, and not before
 * @not_before (microseconds).
 */
static void check_event_time(const struct drm_event_vblank *ev,
			     uint64_t not_before)
{
	uint64_t now = kms_now_us(), t = kms_event_usec(ev);

	igt_assert_f(t >= not_before && t <= now && now - t < 1000000,
		     "event %llu at %llu us: not between %llu us and now, %llu us\n",
		     (unsigned long long)ev->user_data, (unsigned long long)t,
		     (unsigned long long)not_before, (unsigned long long)now);
}

/*
 * @b follows @a: at least one vblank later, later in time, and the time
 * matches the number of vblanks: within half a frame per vblank.
 */
static void check_vblank_step(uint32_t seq_a, uint64_t us_a,
			      uint32_t seq_b, uint64_t us_b, uint64_t frame_us)
{
	uint32_t dseq = seq_b - seq_a;
	uint64_t dt = us_b - us_a;

	igt_assert_f((int32_t)dseq >= 1,
		     "sequence did not advance: %u -> %u\n", seq_a, seq_b);
	igt_assert_f(us_b > us_a, "timestamp did not advance: %llu -> %llu us\n",
		     (unsigned long long)us_a, (unsigned long long)us_b);
	igt_assert_f(2 * dt >= dseq * frame_us && 2 * dt <= 3 * dseq * frame_us,
		     "%u vblanks in %llu us, frame %llu us\n", dseq,
		     (unsigned long long)dt, (unsigned long long)frame_us);
}

static void test_driver(void)
{
	const uint64_t prime = DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT;
	int fd = drm_open_driver(DRIVER_DISPLAY);
	drmModePlaneResPtr planes;
	drmVersionPtr version;
	drmModeResPtr res;
	uint32_t legacy, crtc;
	uint64_t cap;

	version = drmGetVersion(fd);
	igt_assert(version);
	igt_assert_eq(strcmp(version->name, DRIVER_NAME), 0);
	drmFreeVersion(version);

	igt_assert_eq(drmGetCap(fd, DRM_CAP_DUMB_BUFFER, &cap), 0);
	igt_assert_eq_u64(cap, 1);
	igt_assert_eq(drmGetCap(fd, DRM_CAP_PRIME, &cap), 0);
	igt_assert_eq_u64(cap & prime, prime);
	igt_assert_eq(drmGetCap(fd, DRM_CAP_TIMESTAMP_MONOTONIC, &cap), 0);
	igt_assert_eq_u64(cap, 1);
	igt_assert_eq(drmGetCap(fd, DRM_CAP_CRTC_IN_VBLANK_EVENT, &cap), 0);
	igt_assert_eq_u64(cap, 1);

	res = drmModeGetResources(fd);
	igt_assert(res && res->count_crtcs > 0);
	crtc = res->crtcs[0];

	/* Primary and cursor planes show only to universal-plane clients. */
	planes = drmModeGetPlaneResources(fd);
	igt_assert(planes);
	legacy = planes->count_planes;
	drmModeFreePlaneResources(planes);

	igt_assert_eq(drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1), 0);
	planes = drmModeGetPlaneResources(fd);
	igt_assert(planes);
	igt_assert_eq(planes->count_planes, legacy + 2 * res->count_crtcs);
	drmModeFreePlaneResources(planes);

	/* Atomic properties show only to atomic clients. */
	igt_assert_eq(kms_prop_id(fd, crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE"), 0);
	igt_assert_eq(drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1), 0);
	igt_assert(kms_prop_id(fd, crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE"));

	drmModeFreeResources(res);
	drm_close_driver(fd);
}

static void check_connector(int fd, drmModeResPtr res, int index)
{
	drmModeConnectorPtr c = drmModeGetConnector(fd, res->connectors[index]);
	int i, preferred = 0, max_w = 0, max_h = 0;
	drmModeEncoderPtr e;

	igt_assert(c);
	igt_assert_eq(c->connector_type, DRM_MODE_CONNECTOR_VIRTUAL);
	igt_assert_eq(c->connection, DRM_MODE_CONNECTED);
	igt_assert(c->count_modes > 0);

	for (i = 0; i < c->count_modes; i++) {
		const drmModeModeInfo *m = &c->modes[i];

		igt_debug("mode %d: %s %ux%u@%u clock %u type %#x\n", i,
			  m->name, m->hdisplay, m->vdisplay, m->vrefresh,
			  m->clock, m->type);
		igt_assert_f(m->hdisplay <= MAX_SIZE && m->vdisplay <= MAX_SIZE,
			     "mode %s beyond %dx%d\n", m->name, MAX_SIZE, MAX_SIZE);
		if (m->type & DRM_MODE_TYPE_PREFERRED) {
			igt_assert_f(m->hdisplay == 1024 && m->vdisplay == 768,
				     "preferred mode %s is not 1024x768\n",
				     m->name);
			preferred++;
		}
		if (m->hdisplay > max_w)
			max_w = m->hdisplay;
		if (m->vdisplay > max_h)
			max_h = m->vdisplay;
	}
	/* One preferred mode, sorted first. */
	igt_assert_eq(preferred, 1);
	igt_assert(c->modes[0].type & DRM_MODE_TYPE_PREFERRED);
	igt_assert_eq(c->modes[0].vrefresh, 60);
	/* The largest DMT mode within 4096x4096 is 4096x2160. */
	igt_assert_eq(max_w, 4096);
	igt_assert_eq(max_h, 2160);

	/* One virtual encoder feeding the CRTC of the same index. */
	igt_assert_eq(c->count_encoders, 1);
	e = drmModeGetEncoder(fd, c->encoders[0]);
	igt_assert(e);
	igt_assert_eq(e->encoder_type, DRM_MODE_ENCODER_VIRTUAL);
	igt_assert_eq_u32(e->possible_crtcs, 1u << index);
	igt_assert(index < res->count_crtcs);

	/* Everything is off: nothing routed yet. */
	igt_assert_eq_u32(c->encoder_id, 0);
	igt_assert_eq_u32(e->crtc_id, 0);

	drmModeFreeEncoder(e);
	drmModeFreeConnector(c);
}

static void test_connector(int fd)
{
	int outputs = module_param("num_outputs");
	drmModeResPtr res = drmModeGetResources(fd);
	int i;

	igt_assert(res);
	/* Writeback connectors stay hidden without their client cap. */
	igt_assert_eq(res->count_connectors, outputs);
	/* Encoders are all listed: the virtual one and the writeback one. */
	igt_assert_eq(res->count_encoders, 2 * outputs);
	igt_assert_eq(res->count_crtcs, outputs);
	igt_assert_eq(res->min_width, 16);
	igt_assert_eq(res->max_width, MAX_SIZE);
	igt_assert_eq(res->max_height, MAX_SIZE);

	for (i = 0; i < res->count_connectors; i++)
		check_connector(fd, res, i);

	drmModeFreeResources(res);
}

static void check_in_formats(int fd, drmModePlanePtr p)
{
	const struct drm_format_modifier_blob *hdr;
	const struct drm_format_modifier *mods;
	drmModePropertyBlobPtr blob;
	const uint32_t *formats;
	uint64_t blob_id;
	uint32_t i;

	igt_assert(kms_prop_get(fd, p->plane_id, DRM_MODE_OBJECT_PLANE,
				"IN_FORMATS", &blob_id));
	blob = drmModeGetPropertyBlob(fd, blob_id);
	igt_assert(blob);
	igt_assert(blob->length >= sizeof(*hdr));

	hdr = blob->data;
	igt_assert_eq(hdr->version, FORMAT_BLOB_CURRENT);
	igt_assert_eq(hdr->count_formats, p->count_formats);
	formats = (const uint32_t *)((const char *)hdr + hdr->formats_offset);
	for (i = 0; i < hdr->count_formats; i++)
		igt_assert_eq_u32(formats[i], p->formats[i]);

	/* LINEAR alone, for every format. */
	igt_assert_eq(hdr->count_modifiers, 1);
	mods = (const struct drm_format_modifier *)
		((const char *)hdr + hdr->modifiers_offset);
	igt_assert_eq_u64(mods[0].modifier, DRM_FORMAT_MOD_LINEAR);
	igt_assert_eq(mods[0].offset, 0);
	igt_assert_eq_u64(mods[0].formats, (1ull << hdr->count_formats) - 1);

	drmModeFreePropertyBlob(blob);
}

static void check_blend_modes(int fd, uint32_t plane_id)
{
	static const char *const names[] = { "None", "Pre-multiplied", "Coverage" };
	uint32_t id = kms_prop_id(fd, plane_id, DRM_MODE_OBJECT_PLANE,
				  "pixel blend mode");
	drmModePropertyPtr prop;
	unsigned int i;
	int j;

	igt_assert_f(id, "plane %u has no pixel blend mode\n", plane_id);
	prop = drmModeGetProperty(fd, id);
	igt_assert(prop && (prop->flags & DRM_MODE_PROP_ENUM));
	igt_assert_eq(prop->count_enums, (int)ARRAY_SIZE(names));
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		for (j = 0; j < prop->count_enums; j++)
			if (!strcmp(prop->enums[j].name, names[i]))
				break;
		igt_assert_f(j < prop->count_enums, "no blend mode %s\n", names[i]);
	}
	drmModeFreeProperty(prop);
}

/* Returns the plane's zpos. */
static uint64_t check_plane(int fd, drmModePlanePtr p)
{
	uint64_t zpos, alpha;
	uint32_t i;

	/* As many formats as we expect, and each of them: exactly those. */
	igt_assert_eq(p->count_formats, ARRAY_SIZE(plane_formats));
	for (i = 0; i < ARRAY_SIZE(plane_formats); i++) {
		uint32_t j;

		for (j = 0; j < p->count_formats; j++)
			if (p->formats[j] == plane_formats[i])
				break;
		igt_assert_f(j < p->count_formats, "plane %u: no format %#x\n",
			     p->plane_id, plane_formats[i]);
	}

	igt_assert(kms_prop_get(fd, p->plane_id, DRM_MODE_OBJECT_PLANE,
				"zpos", &zpos));
	igt_assert(kms_prop_get(fd, p->plane_id, DRM_MODE_OBJECT_PLANE,
				"alpha", &alpha));
	igt_assert_eq_u64(alpha, 0xffff);
	check_blend_modes(fd, p->plane_id);
	check_in_formats(fd, p);

	return zpos;
}

static void test_planes(int fd)
{
	unsigned int overlays = module_param("num_overlays");
	drmModeResPtr res = drmModeGetResources(fd);
	drmModePlaneResPtr planes = drmModeGetPlaneResources(fd);
	int crtc;

	igt_assert(res && planes);
	igt_assert_eq(planes->count_planes, res->count_crtcs * (2 + overlays));

	for (crtc = 0; crtc < res->count_crtcs; crtc++) {
		unsigned int primary = 0, cursor = 0, overlay = 0;
		uint64_t zpos_primary = 0, zpos_cursor = 0, zpos_overlay = 0;
		uint32_t i;

		for (i = 0; i < planes->count_planes; i++) {
			drmModePlanePtr p = drmModeGetPlane(fd, planes->planes[i]);
			uint64_t type, zpos;

			igt_assert(p);
			if (!(p->possible_crtcs & (1u << crtc))) {
				drmModeFreePlane(p);
				continue;
			}
			/* Every plane belongs to one CRTC. */
			igt_assert_eq_u32(p->possible_crtcs, 1u << crtc);
			igt_assert(kms_prop_get(fd, p->plane_id,
						DRM_MODE_OBJECT_PLANE, "type",
						&type));
			zpos = check_plane(fd, p);
			switch (type) {
			case DRM_PLANE_TYPE_PRIMARY:
				primary++;
				zpos_primary = zpos;
				break;
			case DRM_PLANE_TYPE_CURSOR:
				cursor++;
				zpos_cursor = zpos;
				break;
			case DRM_PLANE_TYPE_OVERLAY:
				overlay++;
				zpos_overlay = zpos;
				break;
			default:
				igt_assert_f(false, "plane %u: type %llu\n",
					     p->plane_id, (unsigned long long)type);
			}
			drmModeFreePlane(p);
		}

		igt_assert_eq(primary, 1);
		igt_assert_eq(cursor, 1);
		igt_assert_eq(overlay, overlays);
		/* Stacked bottom to top: primary, overlays, cursor. */
		igt_assert(zpos_primary < zpos_cursor);
		if (overlays)
			igt_assert(zpos_primary < zpos_overlay &&
				   zpos_overlay < zpos_cursor);
	}

	drmModeFreePlaneResources(planes);
	drmModeFreeResources(res);
}

static void addfb2_err(int fd, const struct drm_mode_fb_cmd2 *good,
		       void (*edit)(struct drm_mode_fb_cmd2 *f), int err,
		       const char *what)
{
	struct drm_mode_fb_cmd2 f = *good;
	int ret;

	edit(&f);
	ret = igt_ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &f) ? errno : 0;
	if (!ret)
		igt_assert_eq(drmModeRmFB(fd, f.fb_id), 0);
	igt_assert_f(ret == err, "%s: ADDFB2 gave %d (%s), expected %d (%s)\n",
		     what, -ret, strerror(ret), -err, strerror(err));
}

static void fb_unknown_format(struct drm_mode_fb_cmd2 *f)
{
	f->pixel_format = fourcc_code('X', 'X', 'X', 'X');
}

static void fb_unsupported_format(struct drm_mode_fb_cmd2 *f)
{
	f->pixel_format = DRM_FORMAT_YUYV;
}

static void fb_small_pitch(struct drm_mode_fb_cmd2 *f)
{
	f->pitches[0] = f->width * 4 - 4;
}

static void fb_big_pitch(struct drm_mode_fb_cmd2 *f)
{
	f->pitches[0] *= 2;
}

static void fb_no_handle(struct drm_mode_fb_cmd2 *f)
{
	f->handles[0] = 0;
}

static void fb_bad_handle(struct drm_mode_fb_cmd2 *f)
{
	f->handles[0] += 1000;
}

static void fb_offset_outside(struct drm_mode_fb_cmd2 *f)
{
	f->offsets[0] = 4096;
}

static void fb_zero_width(struct drm_mode_fb_cmd2 *f)
{
	f->width = 0;
}

static void fb_zero_height(struct drm_mode_fb_cmd2 *f)
{
	f->height = 0;
}

static void fb_too_wide(struct drm_mode_fb_cmd2 *f)
{
	f->width = MAX_SIZE + 1;
}

static void fb_too_high(struct drm_mode_fb_cmd2 *f)
{
	f->height = MAX_SIZE + 1;
}

static void fb_tiled_modifier(struct drm_mode_fb_cmd2 *f)
{
	f->flags = DRM_MODE_FB_MODIFIERS;
	f->modifier[0] = I915_FORMAT_MOD_X_TILED;
}

static void fb_modifier_without_flag(struct drm_mode_fb_cmd2 *f)
{
	f->modifier[0] = I915_FORMAT_MOD_X_TILED;
}

static void fb_bad_flags(struct drm_mode_fb_cmd2 *f)
{
	f->flags = 1u << 31;
}

static void fb_linear_modifier(struct drm_mode_fb_cmd2 *f)
{
	f->flags = DRM_MODE_FB_MODIFIERS;
	f->modifier[0] = DRM_FORMAT_MOD_LINEAR;
}

/* The GEM handle GETFB2 hands out is another handle of the same object. */
static void check_same_object(int fd, uint32_t a, uint32_t b)
{
	int da = prime_handle_to_fd(fd, a), db = prime_handle_to_fd(fd, b);

	igt_assert_eq_u64(dmabuf_inode(da), dmabuf_inode(db));
	close(da);
	close(db);
}

static void test_addfb2(int fd)
{
	struct drm_mode_create_dumb create = {
		.width = 1024, .height = 768, .bpp = 32,
	};
	struct drm_mode_create_dumb nv12 = {
		.width = 1024, .height = 768 * 3 / 2, .bpp = 8,
	};
	struct drm_mode_fb_cmd2 f = {
		.width = 1024, .height = 768,
		.pixel_format = DRM_FORMAT_XRGB8888,
	};
	struct drm_mode_fb_cmd2 g;
	drmModeFB2Ptr fb2;

	do_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create);
	igt_assert(create.pitch >= 1024 * 4);
	igt_assert(create.size >= (uint64_t)create.pitch * 768);
	f.handles[0] = create.handle;
	f.pitches[0] = create.pitch;

	do_ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &f);
	igt_assert(f.fb_id);

	fb2 = drmModeGetFB2(fd, f.fb_id);
	igt_assert(fb2);
	igt_assert_eq_u32(fb2->fb_id, f.fb_id);
	igt_assert_eq_u32(fb2->width, 1024);
	igt_assert_eq_u32(fb2->height, 768);
	igt_assert_eq_u32(fb2->pixel_format, DRM_FORMAT_XRGB8888);
	igt_assert_eq_u64(fb2->modifier, DRM_FORMAT_MOD_LINEAR);
	igt_assert_eq_u32(fb2->pitches[0], create.pitch);
	igt_assert_eq_u32(fb2->offsets[0], 0);
	igt_assert_eq_u32(fb2->pitches[1], 0);
	igt_assert_eq_u32(fb2->handles[1], 0);
	/* We are root: GETFB2 gives a handle, a new one to the same buffer. */
	igt_assert(fb2->handles[0]);
	igt_assert_neq_u32(fb2->handles[0], create.handle);
	check_same_object(fd, fb2->handles[0], create.handle);
	gem_close(fd, fb2->handles[0]);
	drmModeFreeFB2(fb2);

	do_ioctl(fd, DRM_IOCTL_MODE_RMFB, &f.fb_id);
	do_ioctl_err(fd, DRM_IOCTL_MODE_RMFB, &f.fb_id, ENOENT);
	igt_assert(!drmModeGetFB2(fd, f.fb_id));
	igt_assert_eq(errno, ENOENT);
	f.fb_id = 0;

	/* LINEAR is accepted when given explicitly. */
	g = f;
	fb_linear_modifier(&g);
	do_ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &g);
	fb2 = drmModeGetFB2(fd, g.fb_id);
	igt_assert(fb2);
	igt_assert(fb2->flags & DRM_MODE_FB_MODIFIERS);
	igt_assert_eq_u64(fb2->modifier, DRM_FORMAT_MOD_LINEAR);
	gem_close(fd, fb2->handles[0]);
	drmModeFreeFB2(fb2);
	do_ioctl(fd, DRM_IOCTL_MODE_RMFB, &g.fb_id);

	addfb2_err(fd, &f, fb_unknown_format, EINVAL, "unknown format");
	addfb2_err(fd, &f, fb_unsupported_format, EINVAL, "format no plane has");
	addfb2_err(fd, &f, fb_small_pitch, EINVAL, "pitch below width * cpp");
	addfb2_err(fd, &f, fb_big_pitch, EINVAL, "pitch beyond the buffer");
	addfb2_err(fd, &f, fb_no_handle, EINVAL, "handle 0");
	addfb2_err(fd, &f, fb_bad_handle, ENOENT, "unknown handle");
	addfb2_err(fd, &f, fb_offset_outside, EINVAL, "offset beyond the buffer");
	addfb2_err(fd, &f, fb_zero_width, EINVAL, "width 0");
	addfb2_err(fd, &f, fb_zero_height, EINVAL, "height 0");
	addfb2_err(fd, &f, fb_too_wide, EINVAL, "width above the maximum");
	addfb2_err(fd, &f, fb_too_high, EINVAL, "height above the maximum");
	addfb2_err(fd, &f, fb_tiled_modifier, EINVAL, "unsupported modifier");
	addfb2_err(fd, &f, fb_modifier_without_flag, EINVAL,
		   "modifier without DRM_MODE_FB_MODIFIERS");
	addfb2_err(fd, &f, fb_bad_flags, EINVAL, "unknown flags");

	/* Two-plane NV12 from one buffer, chroma after luma. */
	do_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &nv12);
	g = (struct drm_mode_fb_cmd2) {
		.width = 1024, .height = 768,
		.pixel_format = DRM_FORMAT_NV12,
		.handles = { nv12.handle, nv12.handle },
		.pitches = { nv12.pitch, nv12.pitch },
		.offsets = { 0, nv12.pitch * 768 },
	};
	do_ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &g);
	do_ioctl(fd, DRM_IOCTL_MODE_RMFB, &g.fb_id);
	/* ... but not when the chroma plane falls off the end. */
	g.offsets[1] = nv12.size;
	do_ioctl_err(fd, DRM_IOCTL_MODE_ADDFB2, &g, EINVAL);

	gem_close(fd, nv12.handle);
	gem_close(fd, create.handle);
}

static bool same_timings(const drmModeModeInfo *a, const drmModeModeInfo *b)
{
	return a->clock == b->clock &&
	       a->hdisplay == b->hdisplay && a->hsync_start == b->hsync_start &&
	       a->hsync_end == b->hsync_end && a->htotal == b->htotal &&
	       a->vdisplay == b->vdisplay && a->vsync_start == b->vsync_start &&
	       a->vsync_end == b->vsync_end && a->vtotal == b->vtotal &&
	       a->flags == b->flags && a->vrefresh == b->vrefresh &&
	       !strcmp(a->name, b->name);
}

static void test_modeset(int fd, const struct kms_output *out)
{
	drmModeModeInfo mode = out->mode;
	uint32_t conn = out->connector_id;
	struct kms_fb fb, small;
	drmModeConnectorPtr c;
	drmModeEncoderPtr e;
	drmModeCrtcPtr crtc;
	uint64_t active;

	kms_dumb_fb_create(fd, mode.hdisplay, mode.vdisplay,
			   DRM_FORMAT_XRGB8888, &fb);
	kms_dumb_fb_create(fd, mode.hdisplay / 2, mode.vdisplay / 2,
			   DRM_FORMAT_XRGB8888, &small);

	/* The framebuffer must cover the mode. */
	igt_assert_eq(drmModeSetCrtc(fd, out->crtc_id, small.fb_id, 0, 0,
				     &conn, 1, &mode), -ENOSPC);

	igt_assert_eq(drmModeSetCrtc(fd, out->crtc_id, fb.fb_id, 0, 0,
				     &conn, 1, &mode), 0);

	crtc = drmModeGetCrtc(fd, out->crtc_id);
	igt_assert(crtc);
	igt_assert(crtc->mode_valid);
	igt_assert(same_timings(&crtc->mode, &mode));
	igt_assert_eq_u32(crtc->buffer_id, fb.fb_id);
	igt_assert_eq_u32(crtc->x, 0);
	igt_assert_eq_u32(crtc->y, 0);
	igt_assert_eq_u32(crtc->width, mode.hdisplay);
	igt_assert_eq_u32(crtc->height, mode.vdisplay);
	drmModeFreeCrtc(crtc);
	igt_assert(kms_prop_get(fd, out->crtc_id, DRM_MODE_OBJECT_CRTC,
				"ACTIVE", &active));
	igt_assert_eq_u64(active, 1);

	/* The connector is routed through its encoder to the CRTC. */
	c = drmModeGetConnector(fd, out->connector_id);
	igt_assert(c);
	igt_assert_eq_u32(c->encoder_id, out->encoder_id);
	drmModeFreeConnector(c);
	e = drmModeGetEncoder(fd, out->encoder_id);
	igt_assert(e);
	igt_assert_eq_u32(e->crtc_id, out->crtc_id);
	drmModeFreeEncoder(e);

	/* Legacy disable. */
	igt_assert_eq(drmModeSetCrtc(fd, out->crtc_id, 0, 0, 0, NULL, 0, NULL), 0);
	crtc = drmModeGetCrtc(fd, out->crtc_id);
	igt_assert(crtc);
	igt_assert(!crtc->mode_valid);
	igt_assert_eq_u32(crtc->buffer_id, 0);
	drmModeFreeCrtc(crtc);
	igt_assert(kms_prop_get(fd, out->crtc_id, DRM_MODE_OBJECT_CRTC,
				"ACTIVE", &active));
	igt_assert_eq_u64(active, 0);

	kms_fb_remove(fd, &small);
	kms_fb_remove(fd, &fb);
}

enum flip_kind { FLIP_ATOMIC, FLIP_LEGACY };

static int flip(int fd, const struct kms_output *out, enum flip_kind kind,
		uint32_t fb_id, uintptr_t user_data)
{
	if (kind == FLIP_LEGACY)
		return drmModePageFlip(fd, out->crtc_id, fb_id,
				       DRM_MODE_PAGE_FLIP_EVENT,
				       kms_user_data(user_data));

	return kms_atomic_flip(fd, out, fb_id,
			       DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK,
			       kms_user_data(user_data));
}

/*
 * A second flip while one is pending is refused with -EBUSY. The first
 * flip completes at a vblank, in the vblank timer no earlier than that
 * vblank's timestamp: a second flip that returned before then must have
 * been refused. Submitted right after a vblank this leaves nearly a frame;
 * when TCG stalled us past the vblank the attempt proves nothing and is
 * repeated.
 */
static void check_flip_busy(int fd, const struct kms_output *out,
			    enum flip_kind kind, const struct kms_fb fb[2],
			    struct drm_event_vblank *last)
{
	int attempt, ret = 0;

	for (attempt = 0; attempt < 10; attempt++) {
		uint64_t returned;

		igt_assert_eq(flip(fd, out, kind, fb[0].fb_id, 1000), 0);
		ret = flip(fd, out, kind, fb[1].fb_id, 1001);
		returned = kms_now_us();

		read_flip_event(fd, out->crtc_id, 1000, last);
		if (ret == -EBUSY)
			return;

		igt_assert_f(ret == 0, "second flip: %d (%s)\n", ret,
			     strerror(-ret));
		igt_assert_f(returned >= kms_event_usec(last),
			     "second flip accepted at %llu us, before the first completed at %llu us\n",
			     (unsigned long long)returned,
			     (unsigned long long)kms_event_usec(last));
		igt_debug("attempt %d: the first flip had completed\n", attempt);
		read_flip_event(fd, out->crtc_id, 1001, last);
	}
	igt_assert_f(false, "never managed to flip twice within one frame\n");
}

static void test_atomic_flip(int fd, const struct kms_output *out)
{
	const uint64_t frame_us = kms_mode_frame_ns(&out->mode) / 1000;
	struct drm_event_vblank ev, first, prev;
	struct kms_fb fb[2];
	uint32_t vblanks;
	uint64_t span_us;
	int i;

	kms_dumb_fb_create(fd, out->mode.hdisplay, out->mode.vdisplay,
			   DRM_FORMAT_XRGB8888, &fb[0]);
	kms_dumb_fb_create(fd, out->mode.hdisplay, out->mode.vdisplay,
			   DRM_FORMAT_XRGB8888, &fb[1]);

	/* The modeset's own event: see atomic-modeset-event-timestamp. */
	igt_assert_eq(kms_atomic_modeset(fd, out, &out->mode, fb[0].fb_id,
					 DRM_MODE_PAGE_FLIP_EVENT,
					 kms_user_data(100)), 0);
	read_flip_event(fd, out->crtc_id, 100, &ev);

	for (i = 1; i <= NUM_FLIPS; i++) {
		prev = ev;
		igt_assert_eq(flip(fd, out, FLIP_ATOMIC, fb[i & 1].fb_id, i), 0);
		read_flip_event(fd, out->crtc_id, i, &ev);
		check_event_time(&ev, 0);
		igt_debug("flip %d: sequence %u at %llu us\n", i, ev.sequence,
			  (unsigned long long)kms_event_usec(&ev));
		if (i == 1)
			first = ev;
		else
			check_vblank_step(prev.sequence, kms_event_usec(&prev),
					  ev.sequence, kms_event_usec(&ev),
					  frame_us);
	}

	/*
	 * Vblanks come once per frame of the mode (60 Hz), whatever the
	 * guest's load; how many a flip takes depends on how soon we get
	 * to make the next commit, so it is logged, not asserted.
	 */
	span_us = kms_event_usec(&ev) - kms_event_usec(&first);
	vblanks = ev.sequence - first.sequence;
	igt_info("flips 2-%d: %u vblanks in %llu us, frame %llu us\n",
		 NUM_FLIPS, vblanks, (unsigned long long)span_us,
		 (unsigned long long)frame_us);
	igt_assert_f(2 * span_us >= vblanks * frame_us &&
		     2 * span_us <= 3 * vblanks * frame_us,
		     "%u vblanks in %llu us, frame %llu us\n", vblanks,
		     (unsigned long long)span_us, (unsigned long long)frame_us);

	check_flip_busy(fd, out, FLIP_ATOMIC, fb, &ev);

	kms_disable_all(fd);
	kms_fb_remove(fd, &fb[1]);
	kms_fb_remove(fd, &fb[0]);
}

/*
 * The event of a modeset that turns the CRTC on belongs to its first
 * vblank: a timestamp after the commit was made, and a sequence that
 * matches the vblanks until the next flip. A disabling commit delivers
 * its event too.
 */
static void test_modeset_event(int fd, const struct kms_output *out)
{
	const uint64_t frame_us = kms_mode_frame_ns(&out->mode) / 1000;
	struct drm_event_vblank on, ev;
	struct kms_fb fb;
	uint64_t start;

	kms_dumb_fb_create(fd, out->mode.hdisplay, out->mode.vdisplay,
			   DRM_FORMAT_XRGB8888, &fb);

	start = kms_now_us();
	igt_assert_eq(kms_atomic_modeset(fd, out, &out->mode, fb.fb_id,
					 DRM_MODE_PAGE_FLIP_EVENT |
					 DRM_MODE_ATOMIC_NONBLOCK,
					 kms_user_data(1)), 0);
	read_flip_event(fd, out->crtc_id, 1, &on);
	igt_debug("enable: sequence %u at %llu us, commit at %llu us\n",
		  on.sequence, (unsigned long long)kms_event_usec(&on),
		  (unsigned long long)start);
	check_event_time(&on, start);

	igt_assert_eq(flip(fd, out, FLIP_ATOMIC, fb.fb_id, 2), 0);
	read_flip_event(fd, out->crtc_id, 2, &ev);
	check_event_time(&ev, kms_event_usec(&on));
	check_vblank_step(on.sequence, kms_event_usec(&on), ev.sequence,
			  kms_event_usec(&ev), frame_us);

	igt_assert_eq(kms_atomic_disable(fd, out, DRM_MODE_PAGE_FLIP_EVENT |
					 DRM_MODE_ATOMIC_NONBLOCK,
					 kms_user_data(3)), 0);
	read_flip_event(fd, out->crtc_id, 3, &ev);

	kms_disable_all(fd);
	kms_fb_remove(fd, &fb);
}

static void test_legacy_flip(int fd, const struct kms_output *out)
{
	drmModeModeInfo mode = out->mode;
	uint32_t conn = out->connector_id;
	struct drm_event_vblank ev, prev;
	struct kms_fb fb[2];
	drmModeCrtcPtr crtc;
	int i;

	kms_dumb_fb_create(fd, mode.hdisplay, mode.vdisplay,
			   DRM_FORMAT_XRGB8888, &fb[0]);
	kms_dumb_fb_create(fd, mode.hdisplay, mode.vdisplay,
			   DRM_FORMAT_XRGB8888, &fb[1]);
	igt_assert_eq(drmModeSetCrtc(fd, out->crtc_id, fb[0].fb_id, 0, 0,
				     &conn, 1, &mode), 0);

	for (i = 1; i <= 4; i++) {
		igt_assert_eq(flip(fd, out, FLIP_LEGACY, fb[i & 1].fb_id, i), 0);
		read_flip_event(fd, out->crtc_id, i, &ev);
		check_event_time(&ev, 0);
		if (i > 1)
			igt_assert((int32_t)(ev.sequence - prev.sequence) >= 1 &&
				   kms_event_usec(&ev) > kms_event_usec(&prev));
		prev = ev;

		crtc = drmModeGetCrtc(fd, out->crtc_id);
		igt_assert(crtc);
		igt_assert_eq_u32(crtc->buffer_id, fb[i & 1].fb_id);
		drmModeFreeCrtc(crtc);
	}

	check_flip_busy(fd, out, FLIP_LEGACY, fb, &ev);

	igt_assert_eq(drmModeSetCrtc(fd, out->crtc_id, 0, 0, 0, NULL, 0, NULL), 0);
	kms_fb_remove(fd, &fb[1]);
	kms_fb_remove(fd, &fb[0]);
}

static int wait_vblank(int fd, int crtc_index, uint32_t type, uint32_t seq,
		       union drm_wait_vblank *vbl)
{
	memset(vbl, 0, sizeof(*vbl));
	vbl->request.type = type |
		((crtc_index << _DRM_VBLANK_HIGH_CRTC_SHIFT) &
		 _DRM_VBLANK_HIGH_CRTC_MASK);
	vbl->request.sequence = seq;
	return igt_ioctl(fd, DRM_IOCTL_WAIT_VBLANK, vbl) ? -errno : 0;
}

static uint64_t vbl_usec(const union drm_wait_vblank *vbl)
{
	return (uint64_t)vbl->reply.tval_sec * 1000000ull + vbl->reply.tval_usec;
}

static void test_vblank_wait(int fd, const struct kms_output *out)
{
	const uint64_t frame_us = kms_mode_frame_ns(&out->mode) / 1000;
	union drm_wait_vblank vbl, prev;
	struct kms_fb fb;
	uint32_t target;
	uint64_t now;
	int i;

	/* No vblanks on a CRTC that is off. */
	igt_assert_eq(wait_vblank(fd, out->crtc_index, DRM_VBLANK_RELATIVE, 1,
				  &vbl), -EINVAL);

	kms_dumb_fb_create(fd, out->mode.hdisplay, out->mode.vdisplay,
			   DRM_FORMAT_XRGB8888, &fb);
	igt_assert_eq(kms_atomic_modeset(fd, out, &out->mode, fb.fb_id, 0,
					 NULL), 0);

	igt_assert_eq(wait_vblank(fd, out->crtc_index, DRM_VBLANK_RELATIVE, 1,
				  &prev), 0);
	for (i = 0; i < 5; i++) {
		igt_assert_eq(wait_vblank(fd, out->crtc_index,
					  DRM_VBLANK_RELATIVE, 1, &vbl), 0);
		now = kms_now_us();
		igt_debug("relative: sequence %u at %llu us\n",
			  vbl.reply.sequence, (unsigned long long)vbl_usec(&vbl));
		igt_assert(vbl_usec(&vbl) <= now && now - vbl_usec(&vbl) < 1000000);
		check_vblank_step(prev.reply.sequence, vbl_usec(&prev),
				  vbl.reply.sequence, vbl_usec(&vbl), frame_us);
		prev = vbl;
	}

	target = prev.reply.sequence + 3;
	igt_assert_eq(wait_vblank(fd, out->crtc_index, DRM_VBLANK_ABSOLUTE,
				  target, &vbl), 0);
	igt_assert_f((int32_t)(vbl.reply.sequence - target) >= 0,
		     "woke at %u before %u\n", vbl.reply.sequence, target);
	check_vblank_step(prev.reply.sequence, vbl_usec(&prev),
			  vbl.reply.sequence, vbl_usec(&vbl), frame_us);

	kms_disable_all(fd);
	igt_assert_eq(wait_vblank(fd, out->crtc_index, DRM_VBLANK_RELATIVE, 1,
				  &vbl), -EINVAL);
	igt_assert_eq(wait_vblank(fd, out->crtc_index, DRM_VBLANK_ABSOLUTE,
				  target + 1000, &vbl), -EINVAL);

	kms_fb_remove(fd, &fb);
}

/* DMT 640x480@60 with its clock replaced. */
static drmModeModeInfo mode_640x480(uint32_t clock)
{
	drmModeModeInfo m = {
		.clock = clock,
		.hdisplay = 640, .hsync_start = 656, .hsync_end = 752,
		.htotal = 800,
		.vdisplay = 480, .vsync_start = 490, .vsync_end = 492,
		.vtotal = 525,
		.flags = DRM_MODE_FLAG_NHSYNC | DRM_MODE_FLAG_NVSYNC,
		.type = DRM_MODE_TYPE_USERDEF,
		.name = "640x480",
	};

	return m;
}

static void run_on_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	igt_assert_eq(sched_setaffinity(0, sizeof(set), &set), 0);
}

/*
 * Switching the CRTC off stops vblanks under locks that the vblank
 * handler takes: a timer firing at 480 Hz on another CPU meanwhile must
 * neither deadlock (upstream vkms of 6.12 waits for the handler there)
 * nor keep firing. The timer starts on the CPU that enables vblanks.
 */
static void test_vblank_off_race(int fd, const struct kms_output *out)
{
	drmModeModeInfo fast = mode_640x480(480 * 800 * 525 / 1000);
	union drm_wait_vblank vbl;
	struct kms_fb fb;
	int i;

	igt_require_f(sysconf(_SC_NPROCESSORS_ONLN) >= 2, "needs two CPUs\n");
	kms_dumb_fb_create(fd, 640, 480, DRM_FORMAT_XRGB8888, &fb);
	for (i = 0; i < 500; i++) {
		run_on_cpu(i & 1);
		igt_assert_eq(kms_atomic_modeset(fd, out, &fast, fb.fb_id, 0,
						 NULL), 0);
		igt_assert_eq(wait_vblank(fd, out->crtc_index,
					  DRM_VBLANK_RELATIVE, 1, &vbl), 0);
		run_on_cpu(!(i & 1));
		igt_assert_eq(kms_atomic_disable(fd, out, 0, NULL), 0);
		igt_assert_eq(wait_vblank(fd, out->crtc_index,
					  DRM_VBLANK_RELATIVE, 1, &vbl), -EINVAL);
	}
	kms_fb_remove(fd, &fb);
}

/*
 * Legacy cursor updates do not wait for the flips before them: each
 * commit's tail must not touch its new CRTC state after hw_done, which
 * a cursor update may free (KASAN reports it on the debug tier).
 */
static void test_cursor_during_flips(int fd, const struct kms_output *out)
{
	struct drm_event_vblank ev;
	struct kms_fb fb[2], cursor;
	int i, ret;

	for (i = 0; i < 2; i++)
		kms_dumb_fb_create(fd, out->mode.hdisplay, out->mode.vdisplay,
				   DRM_FORMAT_XRGB8888, &fb[i]);
	kms_dumb_fb_create(fd, 64, 64, DRM_FORMAT_ARGB8888, &cursor);
	igt_assert_eq(kms_atomic_modeset(fd, out, &out->mode, fb[0].fb_id,
					 0, NULL), 0);

	for (i = 1; i <= 100; i++) {
		do {
			ret = kms_atomic_flip(fd, out, fb[i & 1].fb_id,
					      DRM_MODE_PAGE_FLIP_EVENT |
					      DRM_MODE_ATOMIC_NONBLOCK,
					      kms_user_data(i));
		} while (ret == -EBUSY && !usleep(1000));
		igt_assert_eq(ret, 0);
		igt_assert_eq(drmModeSetCursor(fd, out->crtc_id, cursor.handle,
					       64, 64), 0);
		igt_assert_eq(drmModeMoveCursor(fd, out->crtc_id, i, i), 0);
		igt_assert_eq(drmModeSetCursor(fd, out->crtc_id, 0, 0, 0), 0);
		igt_assert_f(kms_read_event(fd, 1000, &ev),
			     "no flip event for flip %d\n", i);
		igt_assert_eq_u64(ev.user_data, (uintptr_t)kms_user_data(i));
	}

	kms_disable_all(fd);
	kms_fb_remove(fd, &cursor);
	for (i = 0; i < 2; i++)
		kms_fb_remove(fd, &fb[i]);
}

static void test_mode_validation(int fd, const struct kms_output *out)
{
	const uint32_t test = DRM_MODE_ATOMIC_TEST_ONLY;
	struct {
		const char *what;
		drmModeModeInfo mode;
	} bad[] = {
		{ "clock 0", mode_640x480(0) },
		{ "htotal 0", mode_640x480(25175) },
		{ "vtotal 0", mode_640x480(25175) },
		{ "htotal below hdisplay", mode_640x480(25175) },
		{ "vtotal below vdisplay", mode_640x480(25175) },
		/* 1000 MHz over 800x525 is 2381 Hz. */
		{ "2381 Hz", mode_640x480(1000000) },
		{ "481 Hz", mode_640x480(202020) },
		{ "below 1 Hz", mode_640x480(1) },
	};
	drmModeModeInfo good;
	struct kms_fb fb;
	uint64_t active;
	unsigned int i;

	bad[1].mode.htotal = 0;
	bad[2].mode.vtotal = 0;
	bad[3].mode.htotal = 600;
	bad[4].mode.vtotal = 400;

	kms_dumb_fb_create(fd, 1024, 768, DRM_FORMAT_XRGB8888, &fb);

	/* The same commit with sane timings passes, up to 480 Hz. */
	good = mode_640x480(25175);
	igt_assert_eq(kms_atomic_modeset(fd, out, &good, fb.fb_id, test, NULL), 0);
	good = mode_640x480(201600);
	igt_assert_eq(kms_atomic_modeset(fd, out, &good, fb.fb_id, test, NULL), 0);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int ret = kms_atomic_modeset(fd, out, &bad[i].mode, fb.fb_id,
					     test, NULL);

		igt_assert_f(ret == -EINVAL, "%s: %d (%s), expected -EINVAL\n",
			     bad[i].what, ret, strerror(-ret));
	}

	/* A real commit too, and it leaves the CRTC off. */
	igt_assert_eq(kms_atomic_modeset(fd, out, &bad[6].mode, fb.fb_id, 0,
					 NULL), -EINVAL);
	igt_assert(kms_prop_get(fd, out->crtc_id, DRM_MODE_OBJECT_CRTC,
				"ACTIVE", &active));
	igt_assert_eq_u64(active, 0);

	kms_fb_remove(fd, &fb);
}

static bool attached_to_display(unsigned long ino, bool *listed)
{
	struct bufinfo_buffer b;
	int i;

	*listed = bufinfo_find(ino, &b);
	for (i = 0; *listed && i < b.num_attached; i++)
		if (!strcmp(b.attached[i], DRIVER_NAME))
			return true;
	return false;
}

/*
 * Plane and framebuffer references drop when the commit that replaced
 * them is cleaned up, which can trail the ioctl a little.
 */
static void wait_detached(unsigned long ino)
{
	struct timespec start = {};
	bool listed;

	while (attached_to_display(ino, &listed)) {
		igt_assert_f(igt_nsec_elapsed(&start) < 2000000000ull,
			     "dma-buf %lu still attached to " DRIVER_NAME "\n",
			     ino);
		usleep(10000);
	}
	igt_assert_f(listed, "dma-buf %lu vanished while its fd is open\n", ino);
}

/*
 * Imports two dma-bufs of a 1024x768 XRGB8888 image (@pitch, @offset),
 * scans one out, flips to the other, and removes everything again.
 */
static void test_import_scanout(int fd, const struct kms_output *out,
				const int dmabuf[2], uint32_t pitch,
				uint32_t offset)
{
	drmModeModeInfo mode = out->mode;
	uint32_t handle[2], fb_id[2];
	struct drm_event_vblank ev;
	unsigned long ino[2];
	bool listed;
	int i;

	igt_require(mode.hdisplay == 1024 && mode.vdisplay == 768);

	for (i = 0; i < 2; i++) {
		uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
		int again;

		ino[i] = dmabuf_inode(dmabuf[i]);
		igt_assert(!attached_to_display(ino[i], &listed) && listed);

		handle[i] = prime_fd_to_handle(fd, dmabuf[i]);
		igt_assert_eq_u32(prime_fd_to_handle(fd, dmabuf[i]), handle[i]);
		/* Exporting an import gives the original dma-buf back. */
		again = prime_handle_to_fd(fd, handle[i]);
		igt_assert_eq_u64(dmabuf_inode(again), ino[i]);
		close(again);

		handles[0] = handle[i];
		pitches[0] = pitch;
		offsets[0] = offset;
		igt_assert_eq(drmModeAddFB2(fd, 1024, 768, DRM_FORMAT_XRGB8888,
					    handles, pitches, offsets,
					    &fb_id[i], 0), 0);
		igt_assert_f(attached_to_display(ino[i], &listed),
			     "imported dma-buf %lu not attached to " DRIVER_NAME "\n",
			     ino[i]);
	}

	igt_assert_eq(kms_atomic_modeset(fd, out, &mode, fb_id[0],
					 DRM_MODE_PAGE_FLIP_EVENT,
					 kms_user_data(1)), 0);
	read_flip_event(fd, out->crtc_id, 1, &ev);
	igt_assert_eq(flip(fd, out, FLIP_ATOMIC, fb_id[1], 2), 0);
	read_flip_event(fd, out->crtc_id, 2, &ev);
	igt_assert_eq(flip(fd, out, FLIP_ATOMIC, fb_id[0], 3), 0);
	read_flip_event(fd, out->crtc_id, 3, &ev);

	for (i = 0; i < 2; i++)
		igt_assert(attached_to_display(ino[i], &listed));

	kms_disable_all(fd);
	for (i = 0; i < 2; i++) {
		igt_assert_eq(drmModeRmFB(fd, fb_id[i]), 0);
		gem_close(fd, handle[i]);
		wait_detached(ino[i]);
	}
}

static void test_import_vgem(int fd, const struct kms_output *out)
{
	int vgem = drm_open_driver_render(DRIVER_VGEM);
	struct drm_vgem_plus_create create[2];
	int dmabuf[2], i;

	for (i = 0; i < 2; i++) {
		create[i] = (struct drm_vgem_plus_create) {
			.width = 1024, .height = 768,
			.format = DRM_FORMAT_XRGB8888,
		};
		igt_assert_eq(__vgem_plus_create(vgem, &create[i]), 0);
		igt_assert_eq(create[i].num_planes, 1);
		igt_assert(create[i].pitches[0] >= 1024 * 4);
		dmabuf[i] = prime_handle_to_fd(vgem, create[i].handle);
	}
	igt_assert_eq_u32(create[1].pitches[0], create[0].pitches[0]);
	igt_assert_eq_u32(create[1].offsets[0], create[0].offsets[0]);

	test_import_scanout(fd, out, dmabuf, create[0].pitches[0],
			    create[0].offsets[0]);

	for (i = 0; i < 2; i++) {
		unsigned long ino = dmabuf_inode(dmabuf[i]);
		struct bufinfo_buffer b;

		close(dmabuf[i]);
		gem_close(vgem, create[i].handle);
		igt_assert(!bufinfo_find(ino, &b));
	}
	drm_close_driver(vgem);
}

/* Scanout of buffers from an exporter that is not a DRM driver. */
static void test_import_foreign(int fd, const struct kms_output *out,
				int (*alloc)(size_t size), const char *exporter)
{
	const uint32_t pitch = 1024 * 4;
	int dmabuf[2], i;

	for (i = 0; i < 2; i++) {
		dmabuf[i] = alloc(pitch * 768);
		igt_require_f(dmabuf[i] >= 0, "no %s: %s\n", exporter,
			      strerror(-dmabuf[i]));
	}

	test_import_scanout(fd, out, dmabuf, pitch, 0);

	for (i = 0; i < 2; i++) {
		unsigned long ino = dmabuf_inode(dmabuf[i]);
		struct bufinfo_buffer b;

		close(dmabuf[i]);
		igt_assert(!bufinfo_find(ino, &b));
	}
}

static void test_dumb_export(int fd)
{
	struct drm_mode_create_dumb create = {
		.width = 1024, .height = 768, .bpp = 32,
	};
	struct drm_mode_map_dumb map = {};
	uint32_t *cpu, *shared;
	struct bufinfo_buffer b;
	unsigned long ino;
	int dmabuf, again;
	size_t i, n;

	do_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create);
	n = create.size / 4;

	dmabuf = prime_handle_to_fd(fd, create.handle);
	ino = dmabuf_inode(dmabuf);
	igt_assert(bufinfo_find(ino, &b));
	igt_assert_eq_u64(b.size, create.size);

	/* One dma-buf per buffer, and importing it finds our handle. */
	again = prime_handle_to_fd(fd, create.handle);
	igt_assert_eq_u64(dmabuf_inode(again), ino);
	close(again);
	igt_assert_eq_u32(prime_fd_to_handle(fd, dmabuf), create.handle);

	map.handle = create.handle;
	do_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map);
	cpu = mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   map.offset);
	igt_assert(cpu != MAP_FAILED);
	shared = prime_mmap(dmabuf, create.size);

	/* Both mappings show the same pages, both ways. */
	for (i = 0; i < n; i++)
		cpu[i] = 0xc0ffee00 + i;
	for (i = 0; i < n; i++)
		igt_assert_f(shared[i] == 0xc0ffee00 + (uint32_t)i,
			     "word %zu: %#x\n", i, shared[i]);
	for (i = 0; i < n; i++)
		shared[i] = ~i;
	for (i = 0; i < n; i++)
		igt_assert_f(cpu[i] == ~(uint32_t)i, "word %zu: %#x\n", i, cpu[i]);

	munmap(shared, create.size);
	munmap(cpu, create.size);

	map.handle = create.handle + 1000;
	do_ioctl_err(fd, DRM_IOCTL_MODE_MAP_DUMB, &map, ENOENT);

	close(dmabuf);
	gem_close(fd, create.handle);
	igt_assert(!bufinfo_find(ino, &b));
}

/* Each page of a 4-page dumb buffer holds its own index in every byte. */
static void check_page(const uint8_t *p, unsigned int index)
{
	igt_assert_f(p[0] == 0x40 + index && p[4095] == 0x40 + index,
		     "page %u shows %#x..%#x\n", index, p[0], p[4095]);
}

/*
 * Mappings that start past the first page of a dumb buffer: a dma-buf
 * mmap() at an offset, and what is left of a mapping whose head is gone.
 * The 6.12 shmem helper's fault handler showed page 0 for both.
 */
static void test_dumb_mmap_offset(int fd)
{
	struct drm_mode_create_dumb create = {
		.width = 64, .height = 64, .bpp = 32,
	};
	struct drm_mode_map_dumb map = {};
	const size_t page = 4096;
	uint8_t *cpu, *tail;
	unsigned int i;
	int dmabuf;

	do_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create);
	igt_assert_eq_u64(create.size, 4 * page);

	/* The dma-buf is mapped before the dumb offset is ever asked for. */
	dmabuf = prime_handle_to_fd(fd, create.handle);
	tail = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf,
		    2 * page);
	igt_assert(tail != MAP_FAILED);

	map.handle = create.handle;
	do_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map);
	cpu = mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   map.offset);
	igt_assert(cpu != MAP_FAILED);
	for (i = 0; i < 4; i++)
		memset(cpu + i * page, 0x40 + i, page);

	for (i = 0; i < 2; i++)
		check_page(tail + i * page, 2 + i);

	igt_assert_eq(munmap(cpu, 2 * page), 0);
	for (i = 2; i < 4; i++)
		check_page(cpu + i * page, i);

	munmap(cpu + 2 * page, 2 * page);
	munmap(tail, 2 * page);
	close(dmabuf);
	gem_close(fd, create.handle);
}

igt_main
{
	struct kms_output output;
	int fd = -1;

	igt_describe("Driver name, capabilities and client capabilities.");
	igt_subtest("driver")
		test_driver();

	igt_subtest_group {
		igt_fixture {
			fd = drm_open_driver(DRIVER_DISPLAY);
			kms_require_atomic(fd);
			kms_output_find(fd, &output);
		}

		/*
		 * Each subtest starts from and leaves everything off; a
		 * failed one leaves its objects to the closing of its fd.
		 */
		igt_describe("Virtual connector, its modes, encoder and CRTC.");
		igt_subtest("connector") {
			kms_disable_all(fd);
			test_connector(fd);
			kms_disable_all(fd);
		}

		igt_describe("Primary, cursor and overlays: formats, modifiers, blending.");
		igt_subtest("planes") {
			kms_disable_all(fd);
			test_planes(fd);
			kms_disable_all(fd);
		}

		igt_describe("ADDFB2, GETFB2 and RMFB on a dumb buffer, and ADDFB2's errors.");
		igt_subtest("addfb2-basic") {
			kms_disable_all(fd);
			test_addfb2(fd);
			kms_disable_all(fd);
		}

		igt_describe("Legacy SETCRTC with the preferred mode, read back, disable.");
		igt_subtest("modeset") {
			kms_disable_all(fd);
			test_modeset(fd, &output);
			kms_disable_all(fd);
		}

		igt_describe("Atomic modeset, then nonblocking flips: events, sequences, timestamps, -EBUSY.");
		igt_subtest("atomic-modeset-and-flip-event") {
			kms_disable_all(fd);
			test_atomic_flip(fd, &output);
			kms_disable_all(fd);
		}

		igt_describe("The event of an enabling modeset carries its first vblank; disabling gives one too.");
		igt_subtest("atomic-modeset-event-timestamp") {
			kms_disable_all(fd);
			test_modeset_event(fd, &output);
			kms_disable_all(fd);
		}

		igt_describe("Legacy PAGE_FLIP with an event, and -EBUSY while pending.");
		igt_subtest("legacy-page-flip") {
			kms_disable_all(fd);
			test_legacy_flip(fd, &output);
			kms_disable_all(fd);
		}

		igt_describe("Legacy cursor updates between nonblocking flips.");
		igt_subtest("cursor-during-flips") {
			kms_disable_all(fd);
			test_cursor_during_flips(fd, &output);
		}

		igt_describe("WAIT_VBLANK relative and absolute; refused while the CRTC is off.");
		igt_subtest("vblank-wait") {
			kms_disable_all(fd);
			test_vblank_wait(fd, &output);
			kms_disable_all(fd);
		}

		igt_describe("Switching a 480 Hz CRTC off and on 500 times neither "
			     "deadlocks nor leaves vblanks running.");
		igt_subtest("vblank-off-race") {
			kms_disable_all(fd);
			test_vblank_off_race(fd, &output);
			kms_disable_all(fd);
		}

		igt_describe("Modes with absurd timings or refresh rates are refused.");
		igt_subtest("mode-validation") {
			kms_disable_all(fd);
			test_mode_validation(fd, &output);
			kms_disable_all(fd);
		}

		igt_describe("Scanout of drm_vgem_plus buffers imported through PRIME.");
		igt_subtest("import-vgem-scanout") {
			kms_disable_all(fd);
			test_import_vgem(fd, &output);
			kms_disable_all(fd);
		}

		igt_describe("Scanout of system dma-heap buffers.");
		igt_subtest("import-heap-scanout") {
			kms_disable_all(fd);
			test_import_foreign(fd, &output, dmabuf_heap_alloc,
					    "system dma-heap");
			kms_disable_all(fd);
		}

		igt_describe("Scanout of udmabuf buffers.");
		igt_subtest("import-udmabuf-scanout") {
			kms_disable_all(fd);
			test_import_foreign(fd, &output, udmabuf_alloc,
					    "udmabuf");
			kms_disable_all(fd);
		}

		igt_describe("Dumb buffers export, self-import and map.");
		igt_subtest("dumb-export") {
			kms_disable_all(fd);
			test_dumb_export(fd);
			kms_disable_all(fd);
		}

		igt_describe("Dumb buffer mappings that start past page 0.");
		igt_subtest("dumb-mmap-offset")
			test_dumb_mmap_offset(fd);

		igt_fixture
			drm_close_driver(fd);
	}
}
