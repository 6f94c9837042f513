// SPDX-License-Identifier: MIT
/*
 * Atomic commits on drm_display: the modeset, the nonblocking flips with
 * their fences and writeback jobs, switching off; flip events; the
 * vblank counter.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "demo.h"

/* Property ids, looked up once. */
static struct {
	uint32_t fb_id, crtc_id, src_x, src_y, src_w, src_h;
	uint32_t crtc_x, crtc_y, crtc_w, crtc_h, in_fence_fd;
	uint32_t mode_id, active, out_fence_ptr, conn_crtc_id;
	uint32_t wb_crtc_id, wb_fb_id, wb_out_fence_ptr;
} P;

static void props_init(int fd, const struct output *out)
{
	const uint32_t pl = out->primary_id, PL = DRM_MODE_OBJECT_PLANE;

	if (P.fb_id)
		return;
	P.fb_id = prop_id(fd, pl, PL, "FB_ID");
	P.crtc_id = prop_id(fd, pl, PL, "CRTC_ID");
	P.src_x = prop_id(fd, pl, PL, "SRC_X");
	P.src_y = prop_id(fd, pl, PL, "SRC_Y");
	P.src_w = prop_id(fd, pl, PL, "SRC_W");
	P.src_h = prop_id(fd, pl, PL, "SRC_H");
	P.crtc_x = prop_id(fd, pl, PL, "CRTC_X");
	P.crtc_y = prop_id(fd, pl, PL, "CRTC_Y");
	P.crtc_w = prop_id(fd, pl, PL, "CRTC_W");
	P.crtc_h = prop_id(fd, pl, PL, "CRTC_H");
	P.in_fence_fd = prop_id(fd, pl, PL, "IN_FENCE_FD");
	P.mode_id = prop_id(fd, out->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID");
	P.active = prop_id(fd, out->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE");
	P.out_fence_ptr = prop_id(fd, out->crtc_id, DRM_MODE_OBJECT_CRTC,
				  "OUT_FENCE_PTR");
	P.conn_crtc_id = prop_id(fd, out->connector_id,
				 DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
	if (!out->wb_connector_id)
		return;
	P.wb_crtc_id = prop_id(fd, out->wb_connector_id,
			       DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
	P.wb_fb_id = prop_id(fd, out->wb_connector_id,
			     DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_FB_ID");
	P.wb_out_fence_ptr = prop_id(fd, out->wb_connector_id,
				     DRM_MODE_OBJECT_CONNECTOR,
				     "WRITEBACK_OUT_FENCE_PTR");
}

static void add(drmModeAtomicReqPtr req, uint32_t obj, uint32_t prop,
		uint64_t value)
{
	if (drmModeAtomicAddProperty(req, obj, prop, value) < 0)
		die("drmModeAtomicAddProperty: out of memory\n");
}

static int commit(int fd, drmModeAtomicReqPtr req, uint32_t flags,
		  uint64_t user)
{
	int ret = drmModeAtomicCommit(fd, req, flags, (void *)(uintptr_t)user);

	drmModeAtomicFree(req);
	return ret ? -errno : 0;
}

static drmModeAtomicReqPtr request(void)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();

	if (!req)
		die("drmModeAtomicAlloc: out of memory\n");
	return req;
}

/* The primary plane showing @fb_id whole, or off. */
static void add_primary(drmModeAtomicReqPtr req, const struct output *out,
			uint32_t fb_id)
{
	const uint32_t pl = out->primary_id;
	const uint32_t w = out->mode.hdisplay, h = out->mode.vdisplay;

	add(req, pl, P.fb_id, fb_id);
	add(req, pl, P.crtc_id, fb_id ? out->crtc_id : 0);
	add(req, pl, P.src_x, 0);
	add(req, pl, P.src_y, 0);
	add(req, pl, P.src_w, fb_id ? (uint64_t)w << 16 : 0);
	add(req, pl, P.src_h, fb_id ? (uint64_t)h << 16 : 0);
	add(req, pl, P.crtc_x, 0);
	add(req, pl, P.crtc_y, 0);
	add(req, pl, P.crtc_w, fb_id ? w : 0);
	add(req, pl, P.crtc_h, fb_id ? h : 0);
}

/*
 * The CRTC on at the mode with @fb_id on its primary plane, every other
 * plane it may have off, the virtual connector on it and, when frames are
 * to be captured, the writeback connector too (a clone). Blocking; waits
 * for the modeset's flip event.
 */
void kms_modeset(struct demo *d, uint32_t fb_id)
{
	const struct output *out = &d->out;
	drmModeAtomicReqPtr req;
	int i, ret;

	props_init(d->dev.display, out);
	req = request();
	add(req, out->crtc_id, P.mode_id, out->mode_blob);
	add(req, out->crtc_id, P.active, 1);
	add(req, out->connector_id, P.conn_crtc_id, out->crtc_id);
	if (d->num_caps)
		add(req, out->wb_connector_id, P.wb_crtc_id, out->crtc_id);
	add_primary(req, out, fb_id);
	for (i = 0; i < out->num_other_planes; i++) {
		add(req, out->other_planes[i], P.fb_id, 0);
		add(req, out->other_planes[i], P.crtc_id, 0);
	}
	ret = commit(d->dev.display, req, DRM_MODE_ATOMIC_ALLOW_MODESET |
		     DRM_MODE_PAGE_FLIP_EVENT, 0);
	if (ret)
		die("modeset of crtc-%d to %s: %s\n", out->crtc_index,
		    out->mode.name, strerror(-ret));
	if (!kms_wait_event(d->dev.display, 2000, 0, NULL, NULL))
		die("no flip event for the modeset within 2 s\n");
}

/*
 * A nonblocking flip of the primary plane to @fb_id with a flip event
 * carrying @user: IN_FENCE_FD @in_fence unless negative, the CRTC's
 * OUT_FENCE into @out_fence, and the writeback job @cap unless NULL.
 */
void kms_flip(struct demo *d, uint32_t fb_id, int in_fence,
	      int32_t *out_fence, const struct capture *cap, uint64_t user)
{
	const struct output *out = &d->out;
	drmModeAtomicReqPtr req = request();
	int ret;

	add(req, out->primary_id, P.fb_id, fb_id);
	if (in_fence >= 0)
		add(req, out->primary_id, P.in_fence_fd, in_fence);
	*out_fence = -1;
	add(req, out->crtc_id, P.out_fence_ptr, (uintptr_t)out_fence);
	if (cap) {
		add(req, out->wb_connector_id, P.wb_fb_id, cap->fb_id);
		add(req, out->wb_connector_id, P.wb_out_fence_ptr,
		    (uintptr_t)&cap->fence);
	}
	ret = commit(d->dev.display, req, DRM_MODE_ATOMIC_NONBLOCK |
		     DRM_MODE_PAGE_FLIP_EVENT, user);
	if (ret)
		die("flip to framebuffer %u: %s\n", fb_id, strerror(-ret));
}

/* Everything of our pipe off, blocking. */
void kms_disable(struct demo *d)
{
	const struct output *out = &d->out;
	drmModeAtomicReqPtr req = request();
	int ret;

	add(req, out->crtc_id, P.mode_id, 0);
	add(req, out->crtc_id, P.active, 0);
	add(req, out->connector_id, P.conn_crtc_id, 0);
	if (d->num_caps)
		add(req, out->wb_connector_id, P.wb_crtc_id, 0);
	add_primary(req, out, 0);
	ret = commit(d->dev.display, req, DRM_MODE_ATOMIC_ALLOW_MODESET, 0);
	if (ret)
		die("switching crtc-%d off: %s\n", out->crtc_index,
		    strerror(-ret));
}

/*
 * Waits up to @timeout_ms for the flip event of @user; its vblank and
 * timestamp go to @seq and @usec (either may be NULL). False on timeout.
 */
bool kms_wait_event(int fd, int timeout_ms, uint64_t user, uint32_t *seq,
		    uint64_t *usec)
{
	uint64_t deadline = now_us() + timeout_ms * 1000ull, now;
	struct drm_event_vblank ev;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t len;

	while ((now = now_us()) < deadline) {
		if (poll(&pfd, 1, (deadline - now + 999) / 1000) <= 0)
			continue;
		/* A buffer of one event's size: read() hands out one. */
		len = read(fd, &ev, sizeof(ev));
		if (len < 0 && errno == EINTR)
			continue;
		if (len != sizeof(ev))
			die("reading a DRM event: %zd bytes\n", len);
		if (ev.base.type != DRM_EVENT_FLIP_COMPLETE || ev.user_data != user)
			die("unexpected DRM event type %u for %llu\n",
			    ev.base.type, (unsigned long long)ev.user_data);
		if (seq)
			*seq = ev.sequence;
		if (usec)
			*usec = ev.tv_sec * 1000000ull + ev.tv_usec;
		return true;
	}
	return false;
}

/* The vblank count of the CRTC at @crtc_index, now. */
uint32_t kms_vblank_count(int fd, int crtc_index)
{
	drmVBlank vbl;

	memset(&vbl, 0, sizeof(vbl));
	vbl.request.type = DRM_VBLANK_RELATIVE |
		((crtc_index << DRM_VBLANK_HIGH_CRTC_SHIFT) &
		 DRM_VBLANK_HIGH_CRTC_MASK);
	if (drmWaitVBlank(fd, &vbl))
		die_errno("drmWaitVBlank");
	return vbl.reply.sequence;
}
