// SPDX-License-Identifier: MIT
/*
 * drm_bench: the little KMS both displays need: one CRTC with its
 * virtual and writeback connectors, primary, overlay and cursor planes,
 * modesets, dumb framebuffers, flip events.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "bench.h"

#define MAX_PROPS 128

static struct {
	int fd;
	uint32_t obj;
	char name[32];
	uint32_t id;
} props[MAX_PROPS];
static int nprops;

uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectPropertiesPtr op;
	uint32_t id = 0, i;
	int k;

	for (k = 0; k < nprops; k++)
		if (props[k].fd == fd && props[k].obj == obj &&
		    !strcmp(props[k].name, name))
			return props[k].id;

	op = drmModeObjectGetProperties(fd, obj, type);
	if (!op)
		die("no properties on object %u", obj);
	for (i = 0; i < op->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, op->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(op);
	if (!id)
		die("object %u has no property %s", obj, name);
	if (nprops < MAX_PROPS) {
		props[nprops].fd = fd;
		props[nprops].obj = obj;
		snprintf(props[nprops].name, sizeof(props[nprops].name), "%s",
			 name);
		props[nprops].id = id;
		nprops++;
	}
	return id;
}

static uint64_t plane_type(int fd, uint32_t plane)
{
	drmModeObjectPropertiesPtr op;
	uint64_t type = ~0ull;
	uint32_t i;

	op = drmModeObjectGetProperties(fd, plane, DRM_MODE_OBJECT_PLANE);
	if (!op)
		die("no properties on plane %u", plane);
	for (i = 0; i < op->count_props; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, op->props[i]);

		if (p && !strcmp(p->name, "type"))
			type = op->prop_values[i];
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(op);
	return type;
}

/* Finds the first CRTC, its connectors and one plane of each type. */
void kms_init(struct pair *p)
{
	int fd = p->disp.fd;
	struct kms *k = &p->kms;
	drmModePlaneResPtr pres;
	drmModeResPtr res;
	uint32_t i;

	memset(k, 0, sizeof(*k));
	if (drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) ||
	    drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1))
		die("%s: no atomic modesetting", p->disp.platform);
	/* Both have writeback; without it, the writeback rows are skipped. */
	drmSetClientCap(fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1);

	res = drmModeGetResources(fd);
	if (!res || !res->count_crtcs)
		die("%s: no CRTC", p->disp.platform);
	k->crtc = res->crtcs[0];
	for (i = 0; i < (uint32_t)res->count_connectors; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(fd,
							    res->connectors[i]);

		if (!c)
			continue;
		if (c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK) {
			if (!k->wb_conn)
				k->wb_conn = c->connector_id;
		} else if (!k->conn &&
			   c->connection == DRM_MODE_CONNECTED) {
			k->conn = c->connector_id;
		}
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	if (!k->conn)
		die("%s: no connected connector", p->disp.platform);

	pres = drmModeGetPlaneResources(fd);
	if (!pres)
		die("%s: no planes", p->disp.platform);
	for (i = 0; i < pres->count_planes; i++) {
		drmModePlanePtr pl = drmModeGetPlane(fd, pres->planes[i]);
		uint64_t type;

		if (!pl)
			continue;
		if (pl->possible_crtcs & 1) {
			type = plane_type(fd, pl->plane_id);
			if (type == DRM_PLANE_TYPE_PRIMARY && !k->primary)
				k->primary = pl->plane_id;
			else if (type == DRM_PLANE_TYPE_OVERLAY && !k->overlay)
				k->overlay = pl->plane_id;
			else if (type == DRM_PLANE_TYPE_CURSOR && !k->cursor)
				k->cursor = pl->plane_id;
		}
		drmModeFreePlane(pl);
	}
	drmModeFreePlaneResources(pres);
	if (!k->primary)
		die("%s: no primary plane", p->disp.platform);
}

/* The connector's mode of that size, the one nearest 60 Hz. */
static bool find_mode(int fd, uint32_t conn, unsigned int w, unsigned int h,
		      drmModeModeInfo *out)
{
	drmModeConnectorPtr c = drmModeGetConnector(fd, conn);
	int best = -1, i;

	if (!c)
		die("connector %u vanished", conn);
	for (i = 0; i < c->count_modes; i++) {
		drmModeModeInfo *m = &c->modes[i];

		if (m->hdisplay != w || m->vdisplay != h ||
		    (m->flags & DRM_MODE_FLAG_INTERLACE))
			continue;
		if (best < 0 || abs((int)m->vrefresh - 60) <
				abs((int)c->modes[best].vrefresh - 60))
			best = i;
	}
	if (best >= 0 && out)
		*out = c->modes[best];
	drmModeFreeConnector(c);
	return best >= 0;
}

bool kms_has_mode(struct pair *p, unsigned int w, unsigned int h)
{
	return find_mode(p->disp.fd, p->kms.conn, w, h, NULL);
}

static void add(drmModeAtomicReqPtr req, int fd, uint32_t obj, uint32_t type,
		const char *name, uint64_t value)
{
	if (drmModeAtomicAddProperty(req, obj, prop_id(fd, obj, type, name),
				     value) < 0)
		die("drmModeAtomicAddProperty %s", name);
}

void kms_add(drmModeAtomicReqPtr req, struct pair *p, uint32_t obj,
	     uint32_t type, const char *name, uint64_t value)
{
	add(req, p->disp.fd, obj, type, name, value);
}

/* @fb_id shown whole at x, y, w x h on the CRTC; 0 switches it off. */
void kms_add_plane(drmModeAtomicReqPtr req, struct pair *p, uint32_t plane,
		   uint32_t fb_id, int x, int y, unsigned int w,
		   unsigned int h)
{
	int fd = p->disp.fd;
	uint32_t t = DRM_MODE_OBJECT_PLANE;

	add(req, fd, plane, t, "FB_ID", fb_id);
	add(req, fd, plane, t, "CRTC_ID", fb_id ? p->kms.crtc : 0);
	if (!fb_id)
		return;
	add(req, fd, plane, t, "SRC_X", 0);
	add(req, fd, plane, t, "SRC_Y", 0);
	add(req, fd, plane, t, "SRC_W", (uint64_t)w << 16);
	add(req, fd, plane, t, "SRC_H", (uint64_t)h << 16);
	add(req, fd, plane, t, "CRTC_X", (uint64_t)(int64_t)x);
	add(req, fd, plane, t, "CRTC_Y", (uint64_t)(int64_t)y);
	add(req, fd, plane, t, "CRTC_W", w);
	add(req, fd, plane, t, "CRTC_H", h);
}

/* A nonblocking flip of the primary plane, with an event. */
int kms_flip(struct pair *p, uint32_t fb_id, void *event_data)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	int ret;

	add(req, p->disp.fd, p->kms.primary, DRM_MODE_OBJECT_PLANE, "FB_ID",
	    fb_id);
	ret = drmModeAtomicCommit(p->disp.fd, req,
				  DRM_MODE_ATOMIC_NONBLOCK |
				  DRM_MODE_PAGE_FLIP_EVENT, event_data);
	drmModeAtomicFree(req);
	return ret ? -errno : 0;
}

static void plane_off(drmModeAtomicReqPtr req, int fd, uint32_t plane)
{
	if (!plane)
		return;
	add(req, fd, plane, DRM_MODE_OBJECT_PLANE, "FB_ID", 0);
	add(req, fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_ID", 0);
}

/*
 * Switches the CRTC on at w x h showing @fb_id full screen on the primary
 * plane, every other plane off, driving the virtual connector or, with
 * @wb, the writeback connector alone (vkms cannot drive both: its
 * encoders are no clones). Keeps the CRTC on across mode changes (one
 * commit): upstream vkms of 6.12 can deadlock when its vblank is switched
 * off at the wrong moment, so the benchmark modesets as little as it can.
 */
int kms_modeset(struct pair *p, unsigned int w, unsigned int h,
		uint32_t fb_id, bool wb)
{
	struct kms *k = &p->kms;
	int fd = p->disp.fd, ret;
	drmModeAtomicReqPtr req;
	drmModeModeInfo mode;
	uint32_t blob;

	if (!find_mode(fd, k->conn, w, h, &mode))
		die("%s lists no %ux%u mode", p->disp.platform, w, h);
	if (drmModeCreatePropertyBlob(fd, &mode, sizeof(mode), &blob))
		die("CreatePropertyBlob: %s", strerror(errno));

	req = drmModeAtomicAlloc();
	add(req, fd, k->crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID", blob);
	add(req, fd, k->crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE", 1);
	add(req, fd, k->conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID",
	    wb ? 0 : k->crtc);
	kms_add_plane(req, p, k->primary, fb_id, 0, 0, w, h);
	plane_off(req, fd, k->overlay);
	plane_off(req, fd, k->cursor);
	if (k->wb_conn)
		add(req, fd, k->wb_conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID",
		    wb ? k->crtc : 0);
	else if (wb)
		die("%s has no writeback connector", p->disp.platform);
	ret = drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
	drmModeAtomicFree(req);
	if (ret)
		die("%s: modeset %ux%u: %s", p->disp.platform, w, h,
		    strerror(errno));
	if (k->blob)
		drmModeDestroyPropertyBlob(fd, k->blob);
	k->blob = blob;
	k->width = w;
	k->height = h;
	k->vrefresh = mode.vrefresh;
	k->period = (double)mode.htotal * mode.vtotal / (mode.clock * 1000.0);
	return 0;
}

/* A dumb buffer with a framebuffer, mapped. */
void fb_create(int fd, struct fb *fb, unsigned int w, unsigned int h,
	       uint32_t format)
{
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	int ret;

	memset(fb, 0, sizeof(*fb));
	ret = dumb_create(fd, w, h, 32, &fb->handle, &fb->pitch, &fb->size);
	if (ret)
		die("CREATE_DUMB %ux%u: %s", w, h, strerror(-ret));
	handles[0] = fb->handle;
	pitches[0] = fb->pitch;
	if (drmModeAddFB2(fd, w, h, format, handles, pitches, offsets,
			  &fb->fb_id, 0))
		die("ADDFB2 %ux%u: %s", w, h, strerror(errno));
	fb->w = w;
	fb->h = h;
	fb->format = format;
	fb->map = dumb_map(fd, fb->handle, fb->size);
}

void fb_destroy(int fd, struct fb *fb)
{
	if (fb->map)
		munmap(fb->map, fb->size);
	if (fb->fb_id)
		drmModeRmFB(fd, fb->fb_id);
	if (fb->handle)
		dumb_destroy(fd, fb->handle);
	memset(fb, 0, sizeof(*fb));
}

/*
 * A gradient that differs with @seed; premultiplied by @alpha for the
 * formats with alpha.
 */
void fb_fill(struct fb *fb, uint32_t seed, uint8_t alpha)
{
	unsigned int x, y;

	for (y = 0; y < fb->h; y++) {
		uint32_t *row = (uint32_t *)((char *)fb->map + (size_t)y * fb->pitch);

		for (x = 0; x < fb->w; x++) {
			uint32_t r = (x + seed) & 0xff, g = (y + 3 * seed) & 0xff;
			uint32_t b = (x ^ y ^ seed) & 0xff;

			if (fb->format == DRM_FORMAT_ARGB8888) {
				r = r * alpha / 255;
				g = g * alpha / 255;
				b = b * alpha / 255;
			}
			row[x] = (uint32_t)alpha << 24 | r << 16 | g << 8 | b;
		}
	}
}

static void on_flip(int fd, unsigned int seq, unsigned int sec,
		    unsigned int usec, unsigned int crtc, void *data)
{
	struct flip_event *ev = data;

	(void)fd;
	(void)crtc;
	ev->done = true;
	ev->sequence = seq;
	ev->time = sec + usec * 1e-6;
}

/* Waits for the flip event whose user data is @ev. 0, or -ETIMEDOUT. */
int kms_wait_event(int fd, struct flip_event *ev, double timeout_s)
{
	drmEventContext ctx = {
		.version = 3,
		.page_flip_handler2 = on_flip,
	};
	double end = now_s() + timeout_s;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (!ev->done) {
		double left = end - now_s();

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, (int)(left * 1000) + 1) > 0)
			drmHandleEvent(fd, &ctx);
	}
	return 0;
}

/* Blocks until the next vblank of CRTC 0: its sequence and time. */
int kms_wait_vblank(int fd, unsigned int *seq, double *time)
{
	drmVBlank vb = {
		.request.type = DRM_VBLANK_RELATIVE,
		.request.sequence = 1,
	};

	if (drmWaitVBlank(fd, &vb))
		return -errno;
	*seq = vb.reply.sequence;
	*time = vb.reply.tval_sec + vb.reply.tval_usec * 1e-6;
	return 0;
}
