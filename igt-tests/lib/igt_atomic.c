// SPDX-License-Identifier: MIT
/*
 * Atomic requests built property by property: see igt_atomic.h.
 */

#include <errno.h>

#include "igt_atomic.h"
#include "igt_core.h"
#include "igt_display.h"

drmModeAtomicReqPtr kms_req_new(void)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();

	igt_assert(req);
	return req;
}

void kms_req_set(drmModeAtomicReqPtr req, int fd, uint32_t obj_id,
		 uint32_t obj_type, const char *name, uint64_t value)
{
	uint32_t prop = kms_prop_id(fd, obj_id, obj_type, name);

	igt_assert_f(prop, "object %u has no property %s\n", obj_id, name);
	igt_assert(drmModeAtomicAddProperty(req, obj_id, prop, value) >= 0);
}

void kms_req_plane(drmModeAtomicReqPtr req, int fd, uint32_t plane_id,
		   uint32_t crtc_id, const struct kms_plane_pos *pos)
{
	const uint32_t t = DRM_MODE_OBJECT_PLANE;

	kms_req_set(req, fd, plane_id, t, "FB_ID", pos->fb_id);
	kms_req_set(req, fd, plane_id, t, "CRTC_ID", pos->fb_id ? crtc_id : 0);
	if (!pos->fb_id)
		return;
	kms_req_set(req, fd, plane_id, t, "SRC_X", (uint64_t)pos->src_x << 16);
	kms_req_set(req, fd, plane_id, t, "SRC_Y", (uint64_t)pos->src_y << 16);
	kms_req_set(req, fd, plane_id, t, "SRC_W", (uint64_t)pos->src_w << 16);
	kms_req_set(req, fd, plane_id, t, "SRC_H", (uint64_t)pos->src_h << 16);
	kms_req_set(req, fd, plane_id, t, "CRTC_X", (uint64_t)(int64_t)pos->crtc_x);
	kms_req_set(req, fd, plane_id, t, "CRTC_Y", (uint64_t)(int64_t)pos->crtc_y);
	kms_req_set(req, fd, plane_id, t, "CRTC_W", pos->crtc_w);
	kms_req_set(req, fd, plane_id, t, "CRTC_H", pos->crtc_h);
}

struct kms_plane_pos kms_plane_at(uint32_t fb_id, uint32_t w, uint32_t h,
				  int32_t x, int32_t y)
{
	return (struct kms_plane_pos){
		.fb_id = fb_id,
		.src_w = w, .src_h = h,
		.crtc_x = x, .crtc_y = y,
		.crtc_w = w, .crtc_h = h,
	};
}

int kms_req_commit(int fd, drmModeAtomicReqPtr req, uint32_t flags,
		   void *user_data)
{
	int err = drmModeAtomicCommit(fd, req, flags, user_data) ? errno : 0;

	drmModeAtomicFree(req);
	return -err;
}

uint32_t kms_find_plane(int fd, int crtc_index, uint64_t type, int n)
{
	drmModePlaneResPtr planes = drmModeGetPlaneResources(fd);
	uint32_t i, id = 0;
	uint64_t t;

	igt_assert(planes);
	for (i = 0; i < planes->count_planes && !id; i++) {
		drmModePlanePtr p = drmModeGetPlane(fd, planes->planes[i]);

		igt_assert(p);
		if ((p->possible_crtcs & (1u << crtc_index)) &&
		    kms_prop_get(fd, p->plane_id, DRM_MODE_OBJECT_PLANE,
				 "type", &t) && t == type && n-- == 0)
			id = p->plane_id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	return id;
}
