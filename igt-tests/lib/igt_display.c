// SPDX-License-Identifier: MIT
/*
 * Small KMS helpers for the drm_display tests: see igt_display.h.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt_core.h"
#include "igt_display.h"
#include "ioctl_wrappers.h"

void kms_require_atomic(int fd)
{
	igt_require(drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0);
	igt_require(drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0);
}

static bool kms_prop_find(int fd, uint32_t obj_id, uint32_t obj_type,
			  const char *name, uint32_t *id, uint64_t *value)
{
	drmModeObjectPropertiesPtr props;
	bool found = false;
	uint32_t i;

	props = drmModeObjectGetProperties(fd, obj_id, obj_type);
	igt_assert_f(props, "no properties for object %u\n", obj_id);

	for (i = 0; i < props->count_props && !found; i++) {
		drmModePropertyPtr prop = drmModeGetProperty(fd, props->props[i]);

		igt_assert(prop);
		if (!strcmp(prop->name, name)) {
			found = true;
			if (id)
				*id = prop->prop_id;
			if (value)
				*value = props->prop_values[i];
		}
		drmModeFreeProperty(prop);
	}
	drmModeFreeObjectProperties(props);
	return found;
}

uint32_t kms_prop_id(int fd, uint32_t obj_id, uint32_t obj_type,
		     const char *name)
{
	uint32_t id = 0;

	kms_prop_find(fd, obj_id, obj_type, name, &id, NULL);
	return id;
}

bool kms_prop_get(int fd, uint32_t obj_id, uint32_t obj_type,
		  const char *name, uint64_t *value)
{
	return kms_prop_find(fd, obj_id, obj_type, name, NULL, value);
}

static uint32_t primary_plane(int fd, int crtc_index)
{
	drmModePlaneResPtr planes = drmModeGetPlaneResources(fd);
	uint32_t i, id = 0;
	uint64_t type;

	igt_assert(planes);
	for (i = 0; i < planes->count_planes && !id; i++) {
		drmModePlanePtr p = drmModeGetPlane(fd, planes->planes[i]);

		igt_assert(p);
		if ((p->possible_crtcs & (1u << crtc_index)) &&
		    kms_prop_get(fd, p->plane_id, DRM_MODE_OBJECT_PLANE,
				 "type", &type) &&
		    type == DRM_PLANE_TYPE_PRIMARY)
			id = p->plane_id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	return id;
}

void kms_output_find(int fd, struct kms_output *out)
{
	drmModeResPtr res = drmModeGetResources(fd);
	int i, j;

	igt_assert(res);
	memset(out, 0, sizeof(*out));

	for (i = 0; i < res->count_connectors && !out->crtc_id; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(fd, res->connectors[i]);
		drmModeEncoderPtr e;

		igt_assert(c);
		if (c->connection != DRM_MODE_CONNECTED || !c->count_modes ||
		    !c->count_encoders) {
			drmModeFreeConnector(c);
			continue;
		}

		out->connector_id = c->connector_id;
		out->mode = c->modes[0];
		for (j = 0; j < c->count_modes; j++) {
			if (c->modes[j].type & DRM_MODE_TYPE_PREFERRED) {
				out->mode = c->modes[j];
				break;
			}
		}

		e = drmModeGetEncoder(fd, c->encoders[0]);
		igt_assert(e);
		out->encoder_id = e->encoder_id;
		for (j = 0; j < res->count_crtcs; j++) {
			if (e->possible_crtcs & (1u << j)) {
				out->crtc_id = res->crtcs[j];
				out->crtc_index = j;
				break;
			}
		}
		drmModeFreeEncoder(e);
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);

	igt_require_f(out->crtc_id, "no connected output\n");
	out->primary_id = primary_plane(fd, out->crtc_index);
	igt_assert_f(out->primary_id, "CRTC %u has no primary plane\n",
		     out->crtc_id);
	out->primary_fb_prop = kms_prop_id(fd, out->primary_id,
					   DRM_MODE_OBJECT_PLANE, "FB_ID");
	igt_assert(out->primary_fb_prop);
}

uint64_t kms_mode_frame_ns(const drmModeModeInfo *mode)
{
	igt_assert(mode->clock);
	return (uint64_t)mode->htotal * mode->vtotal * 1000000ull / mode->clock;
}

static uint32_t format_bpp(uint32_t format)
{
	switch (format) {
	case DRM_FORMAT_RGB565:
		return 16;
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
	case DRM_FORMAT_XRGB2101010:
	case DRM_FORMAT_ARGB2101010:
		return 32;
	}
	igt_assert_f(false, "no dumb layout for format %#x\n", format);
	return 0;
}

void kms_dumb_fb_create(int fd, uint32_t width, uint32_t height,
			uint32_t format, struct kms_fb *fb)
{
	struct drm_mode_create_dumb create = {
		.width = width,
		.height = height,
		.bpp = format_bpp(format),
	};
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};

	do_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create);

	memset(fb, 0, sizeof(*fb));
	fb->handle = create.handle;
	fb->width = width;
	fb->height = height;
	fb->format = format;
	fb->pitch = create.pitch;
	fb->size = create.size;

	handles[0] = fb->handle;
	pitches[0] = fb->pitch;
	igt_assert_eq(drmModeAddFB2(fd, width, height, format, handles,
				    pitches, offsets, &fb->fb_id, 0), 0);
	igt_assert(fb->fb_id);
}

void kms_fb_remove(int fd, struct kms_fb *fb)
{
	if (fb->fb_id)
		igt_assert_eq(drmModeRmFB(fd, fb->fb_id), 0);
	if (fb->handle)
		gem_close(fd, fb->handle);
	memset(fb, 0, sizeof(*fb));
}

static void add_prop(drmModeAtomicReqPtr req, int fd, uint32_t obj_id,
		     uint32_t obj_type, const char *name, uint64_t value)
{
	uint32_t prop = kms_prop_id(fd, obj_id, obj_type, name);

	igt_assert_f(prop, "object %u has no property %s\n", obj_id, name);
	igt_assert(drmModeAtomicAddProperty(req, obj_id, prop, value) >= 0);
}

static void add_plane(drmModeAtomicReqPtr req, int fd, uint32_t plane,
		      uint32_t crtc, uint32_t fb_id, uint32_t w, uint32_t h)
{
	const uint32_t t = DRM_MODE_OBJECT_PLANE;

	add_prop(req, fd, plane, t, "FB_ID", fb_id);
	add_prop(req, fd, plane, t, "CRTC_ID", crtc);
	add_prop(req, fd, plane, t, "SRC_X", 0);
	add_prop(req, fd, plane, t, "SRC_Y", 0);
	add_prop(req, fd, plane, t, "SRC_W", (uint64_t)w << 16);
	add_prop(req, fd, plane, t, "SRC_H", (uint64_t)h << 16);
	add_prop(req, fd, plane, t, "CRTC_X", 0);
	add_prop(req, fd, plane, t, "CRTC_Y", 0);
	add_prop(req, fd, plane, t, "CRTC_W", w);
	add_prop(req, fd, plane, t, "CRTC_H", h);
}

static int commit(int fd, drmModeAtomicReqPtr req, uint32_t flags,
		  void *user_data)
{
	int err = drmModeAtomicCommit(fd, req, flags, user_data) ? errno : 0;

	drmModeAtomicFree(req);
	return -err;
}

int kms_atomic_modeset(int fd, const struct kms_output *out,
		       const drmModeModeInfo *mode, uint32_t fb_id,
		       uint32_t flags, void *user_data)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	uint32_t blob = 0;
	int ret;

	igt_assert(req);
	igt_assert_eq(drmModeCreatePropertyBlob(fd, mode, sizeof(*mode), &blob), 0);

	add_prop(req, fd, out->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID", blob);
	add_prop(req, fd, out->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE", 1);
	add_prop(req, fd, out->connector_id, DRM_MODE_OBJECT_CONNECTOR,
		 "CRTC_ID", out->crtc_id);
	add_plane(req, fd, out->primary_id, out->crtc_id, fb_id,
		  mode->hdisplay, mode->vdisplay);

	ret = commit(fd, req, flags | DRM_MODE_ATOMIC_ALLOW_MODESET, user_data);
	/* The CRTC state holds its own reference to the mode blob. */
	igt_assert_eq(drmModeDestroyPropertyBlob(fd, blob), 0);
	return ret;
}

int kms_atomic_flip(int fd, const struct kms_output *out, uint32_t fb_id,
		    uint32_t flags, void *user_data)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();

	igt_assert(req);
	igt_assert(drmModeAtomicAddProperty(req, out->primary_id,
					    out->primary_fb_prop, fb_id) >= 0);
	return commit(fd, req, flags, user_data);
}

int kms_atomic_flip_fenced(int fd, const struct kms_output *out,
			   uint32_t fb_id, int in_fence_fd, int32_t *out_fence,
			   uint32_t flags, void *user_data)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();

	igt_assert(req);
	igt_assert(drmModeAtomicAddProperty(req, out->primary_id,
					    out->primary_fb_prop, fb_id) >= 0);
	if (in_fence_fd >= 0)
		add_prop(req, fd, out->primary_id, DRM_MODE_OBJECT_PLANE,
			 "IN_FENCE_FD", in_fence_fd);
	if (out_fence) {
		*out_fence = -1;
		add_prop(req, fd, out->crtc_id, DRM_MODE_OBJECT_CRTC,
			 "OUT_FENCE_PTR", (uintptr_t)out_fence);
	}
	return commit(fd, req, flags, user_data);
}

int kms_atomic_disable(int fd, const struct kms_output *out, uint32_t flags,
		       void *user_data)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();

	igt_assert(req);
	add_prop(req, fd, out->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID", 0);
	add_prop(req, fd, out->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE", 0);
	add_prop(req, fd, out->connector_id, DRM_MODE_OBJECT_CONNECTOR,
		 "CRTC_ID", 0);
	add_prop(req, fd, out->primary_id, DRM_MODE_OBJECT_PLANE, "FB_ID", 0);
	add_prop(req, fd, out->primary_id, DRM_MODE_OBJECT_PLANE, "CRTC_ID", 0);
	return commit(fd, req, flags | DRM_MODE_ATOMIC_ALLOW_MODESET, user_data);
}

void kms_disable_all(int fd)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	drmModeResPtr res = drmModeGetResources(fd);
	drmModePlaneResPtr planes = drmModeGetPlaneResources(fd);
	int i;

	igt_assert(req && res && planes);
	for (i = 0; i < res->count_crtcs; i++) {
		add_prop(req, fd, res->crtcs[i], DRM_MODE_OBJECT_CRTC, "MODE_ID", 0);
		add_prop(req, fd, res->crtcs[i], DRM_MODE_OBJECT_CRTC, "ACTIVE", 0);
	}
	for (i = 0; i < res->count_connectors; i++)
		add_prop(req, fd, res->connectors[i], DRM_MODE_OBJECT_CONNECTOR,
			 "CRTC_ID", 0);
	for (i = 0; i < (int)planes->count_planes; i++) {
		add_prop(req, fd, planes->planes[i], DRM_MODE_OBJECT_PLANE,
			 "FB_ID", 0);
		add_prop(req, fd, planes->planes[i], DRM_MODE_OBJECT_PLANE,
			 "CRTC_ID", 0);
	}
	drmModeFreePlaneResources(planes);
	drmModeFreeResources(res);

	igt_assert_eq(commit(fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), 0);
}

bool kms_read_event(int fd, int timeout_ms, struct drm_event_vblank *ev)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t len;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return false;

	/* A buffer of one event's size: read() hands out exactly one. */
	len = read(fd, ev, sizeof(*ev));
	igt_assert_eq((int)len, (int)sizeof(*ev));
	igt_assert_f(ev->base.type == DRM_EVENT_VBLANK ||
		     ev->base.type == DRM_EVENT_FLIP_COMPLETE,
		     "unexpected DRM event type %#x\n", ev->base.type);
	igt_assert_eq(ev->base.length, sizeof(*ev));
	return true;
}

uint64_t kms_event_usec(const struct drm_event_vblank *ev)
{
	return (uint64_t)ev->tv_sec * 1000000ull + ev->tv_usec;
}

uint32_t kms_vblank_count(int fd, int crtc_index)
{
	union drm_wait_vblank vbl;

	memset(&vbl, 0, sizeof(vbl));
	vbl.request.type = DRM_VBLANK_RELATIVE |
		((crtc_index << _DRM_VBLANK_HIGH_CRTC_SHIFT) &
		 _DRM_VBLANK_HIGH_CRTC_MASK);
	do_ioctl(fd, DRM_IOCTL_WAIT_VBLANK, &vbl);
	return vbl.reply.sequence;
}

uint64_t kms_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
}

void *kms_user_data(uintptr_t v)
{
	return (void *)v;
}
