// SPDX-License-Identifier: MIT
/*
 * Capturing frames through drm_display's writeback connector: some flips
 * carry a writeback job into a dumb buffer of drm_display, which gets
 * the frame that commit put on screen. Each capture is then checked
 * pixel for pixel against the picture it should show.
 */

#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "demo.h"

/* What a capture holds before writeback writes it. */
#define SENTINEL	0x5a
/* No frame shown yet: the first buffer of the modeset, never drawn. */
#define SHOWS_NOTHING	(~0u)

static void plan_add(struct demo *d, unsigned int frame)
{
	unsigned int i;

	if (frame >= d->o.frames)
		return;
	for (i = 0; i < d->num_caps; i++)
		if (d->caps[i].frame == frame)
			return;
	if (d->num_caps < MAX_CAPTURES)
		d->caps[d->num_caps++].frame = frame;
}

static int by_frame(const void *a, const void *b)
{
	const struct capture *x = a, *y = b;

	return (int)x->frame - (int)y->frame;
}

/*
 * Which frames to capture: --captures of them spread evenly from the
 * first to the last, and with --hang the hung frame and the next.
 */
void captures_plan(struct demo *d)
{
	unsigned int n = d->o.captures, i;

	if (n > d->o.frames)
		n = d->o.frames;
	for (i = 0; i < n; i++)
		plan_add(d, n > 1 ? i * (d->o.frames - 1) / (n - 1) :
				    d->o.frames - 1);
	if (n && d->o.hang_frame >= 0) {
		plan_add(d, d->o.hang_frame);
		plan_add(d, d->o.hang_frame + 1);
	}
	qsort(d->caps, d->num_caps, sizeof(d->caps[0]), by_frame);
	for (i = 0; i < d->num_caps; i++) {
		d->frames[d->caps[i].frame].capture = i;
		d->caps[i].fence = -1;
		d->caps[i].wrong = -1;
	}
	if (d->num_caps && !d->out.wb_connector_id)
		die("drm_display has no writeback connector on crtc-%d\n",
		    d->out.crtc_index);
}

static void capture_create(int fd, const struct output *out, struct capture *c)
{
	struct drm_mode_create_dumb create = {
		.width = out->mode.hdisplay, .height = out->mode.vdisplay,
		.bpp = 32,
	};
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	struct drm_mode_map_dumb map = {};

	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create))
		die_errno("CREATE_DUMB for a writeback buffer");
	c->handle = create.handle;
	c->pitch = create.pitch;
	c->size = create.size;
	handles[0] = c->handle;
	pitches[0] = c->pitch;
	if (drmModeAddFB2(fd, create.width, create.height, DRM_FORMAT_XRGB8888,
			  handles, pitches, offsets, &c->fb_id, 0))
		die_errno("drmModeAddFB2 for a writeback buffer");
	map.handle = c->handle;
	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map))
		die_errno("MAP_DUMB");
	c->map = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		      map.offset);
	if (c->map == MAP_FAILED)
		die_errno("mmap a writeback buffer");
	memset(c->map, SENTINEL, c->size);
}

void captures_create(struct demo *d)
{
	unsigned int i;

	for (i = 0; i < d->num_caps; i++)
		capture_create(d->dev.display, &d->out, &d->caps[i]);
}

/* Waits for the job of @c (after its flip event: it is due by then). */
void capture_collect(struct capture *c)
{
	if (c->fence < 0)
		die("no writeback fence for frame %u\n", c->frame);
	c->done = sync_file_wait(c->fence, 2000) &&
		  sync_file_status(c->fence) == 1;
	close(c->fence);
	c->fence = -1;
}

/* The frame on screen after frame @f's flip: @f, or an older one. */
static unsigned int frame_shown(const struct demo *d, unsigned int f)
{
	for (;;) {
		if (d->frames[f].status == 1)
			return f;
		if (!f)
			return SHOWS_NOTHING;
		f--;
	}
}

/* Pixels of @c whose colour is not @shows' picture's. */
static long count_wrong(const struct demo *d, const struct capture *c)
{
	const uint32_t w = d->out.mode.hdisplay, h = d->out.mode.vdisplay;
	const struct pattern_rect *r;
	int on_row[PATTERN_MAX_RECTS], n, i;
	uint32_t x, y, want, got;
	struct pattern p;
	long wrong = 0;

	pattern_init(&p, w, h, c->shows == SHOWS_NOTHING ? 0 : c->shows);
	for (y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)(c->map + (size_t)y * c->pitch);

		for (n = 0, i = 0; i < p.num_rects; i++)
			if (y >= p.rects[i].y && y - p.rects[i].y < p.rects[i].h)
				on_row[n++] = i;
		for (x = 0; x < w; x++) {
			want = pattern_red(&p, x) << 16 |
			       pattern_green(&p, y) << 8 | pattern_blue(&p);
			for (i = n - 1; i >= 0; i--) {
				r = &p.rects[on_row[i]];
				if (x >= r->x && x - r->x < r->w) {
					want = r->rgb;
					break;
				}
			}
			if (c->shows == SHOWS_NOTHING)
				want = 0;
			else
				want = pattern_through(d->o.format, want);
			got = row[x] & 0xffffff;
			wrong += got != want;
		}
	}
	return wrong;
}

void captures_check(struct demo *d)
{
	unsigned int i;

	for (i = 0; i < d->num_caps; i++) {
		struct capture *c = &d->caps[i];

		c->shows = frame_shown(d, c->frame);
		c->wrong = c->done ? count_wrong(d, c) : -1;
	}
}

void captures_destroy(struct demo *d)
{
	struct drm_mode_destroy_dumb destroy = {};
	unsigned int i;

	for (i = 0; i < d->num_caps; i++) {
		struct capture *c = &d->caps[i];

		munmap(c->map, c->size);
		drmModeRmFB(d->dev.display, c->fb_id);
		destroy.handle = c->handle;
		drmIoctl(d->dev.display, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
		c->map = NULL;
	}
}
