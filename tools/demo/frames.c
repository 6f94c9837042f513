// SPDX-License-Identifier: MIT
/*
 * The run: set-up, then frame after frame. Each frame's flip is committed
 * first, with the frame's fence unsignalled (on the buffer for implicit
 * sync, as IN_FENCE_FD for explicit sync), as a compositor queues a flip
 * to a buffer the GPU is still rendering; then the frame is drawn by CPU
 * into that very buffer through its dma-buf mapping, and the fence
 * signalled, --late ms later if asked. drm_display holds the flip until
 * the signal and completes it at the next vblank. The next frame starts
 * once the flip event is there.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "demo.h"

/* Time for a flip whose fence has signalled, generous for slow guests. */
#define EVENT_TIMEOUT_MS	5000
/* What the hung fence is finally signalled with, as by a GPU reset. */
#define HANG_ERROR		(-EIO)

/* The flip's OUT_FENCE: 1 when the frame was shown, else its error. */
static int out_fence_status(int32_t out_fence)
{
	int status;

	if (out_fence < 0)
		die("the flip gave no OUT_FENCE\n");
	if (!sync_file_wait(out_fence, EVENT_TIMEOUT_MS))
		die("OUT_FENCE not signalled after the flip event\n");
	status = sync_file_status(out_fence);
	close(out_fence);
	return status;
}

static void signal_frame(struct demo *d, struct frame_rec *r, uint32_t fence)
{
	const int fd = d->dev.display, crtc = d->out.crtc_index;

	if (d->o.late_ms)
		sleep_ms(d->o.late_ms);
	r->vbl_before = kms_vblank_count(fd, crtc);
	if (d->o.sync != SYNC_NONE)
		fence_signal(d->dev.vgem, fence);
	r->signal_us = now_us();
	r->vbl_after = kms_vblank_count(fd, crtc);
}

static void wait_flip(struct demo *d, struct frame_rec *r, unsigned int f,
		      int timeout_ms)
{
	if (!kms_wait_event(d->dev.display, timeout_ms, f + 1, &r->event_seq,
			    &r->event_us))
		die("no flip event for frame %u within %d ms\n", f, timeout_ms);
	r->recv_us = now_us();
}

/*
 * The hung frame: its fence is never signalled. Halfway through
 * drm_display's timeout the wait shows in fence_waits; at the timeout
 * drm_display reports it and (fence_skip=Y) skips the frame. Then the
 * "GPU" is reset: the fence is signalled with an error. With fence_skip=N
 * the flip only completes after that.
 */
static void hang_frame(struct demo *d, struct frame_rec *r, unsigned int f,
		       uint32_t fence)
{
	const int half = d->fence_timeout_ms / 2;
	bool reset = false;

	if (!kms_wait_event(d->dev.display, half, f + 1, &r->event_seq,
			    &r->event_us)) {
		fence_waits_line(d);
		if (!kms_wait_event(d->dev.display, d->fence_timeout_ms - half +
				    EVENT_TIMEOUT_MS, f + 1, &r->event_seq,
				    &r->event_us)) {
			fence_signal_error(d->dev.vgem, fence, HANG_ERROR);
			reset = true;
			wait_flip(d, r, f, EVENT_TIMEOUT_MS);
		}
	}
	if (!r->recv_us)
		r->recv_us = now_us();
	if (!reset)
		fence_signal_error(d->dev.vgem, fence, HANG_ERROR);
	r->signal_us = now_us();
	r->vbl_before = r->vbl_after = kms_vblank_count(d->dev.display,
							d->out.crtc_index);
}

/* The frame's fence, attached before its flip is committed. */
static uint32_t frame_fence(struct demo *d, const struct buffer *b,
			    int *in_fence)
{
	uint32_t fence;

	*in_fence = -1;
	switch (d->o.sync) {
	case SYNC_IMPLICIT:
		return fence_attach(d->dev.vgem, b->vgem_handle);
	case SYNC_EXPLICIT:
		fence = fence_attach(d->dev.vgem, d->job);
		*in_fence = fence_export(d->dev.vgem, fence);
		return fence;
	default:
		return 0;
	}
}

static void run_frame(struct demo *d, unsigned int f)
{
	const struct buffer *b = &d->ring[f % DEMO_RING];
	struct frame_rec *r = &d->frames[f];
	struct capture *cap = r->capture >= 0 ? &d->caps[r->capture] : NULL;
	int32_t out_fence;
	uint32_t fence;
	int in_fence;

	buffer_cpu_begin(b);
	fence = frame_fence(d, b, &in_fence);
	r->commit_us = now_us();
	kms_flip(d, b->fb_id, in_fence, &out_fence, cap, f + 1);
	if (in_fence >= 0)
		close(in_fence);
	if (!f)
		d->bufinfo_busy = bufinfo_lines(d);

	draw_frame(b, d->o.format, d->out.mode.hdisplay, d->out.mode.vdisplay, f);
	buffer_cpu_end(b);
	r->drawn_us = now_us();

	if ((int)f == d->o.hang_frame) {
		hang_frame(d, r, f, fence);
	} else {
		signal_frame(d, r, fence);
		wait_flip(d, r, f, EVENT_TIMEOUT_MS + d->o.late_ms);
	}
	r->status = out_fence_status(out_fence);
	if (cap)
		capture_collect(cap);
}

static void setup(struct demo *d)
{
	unsigned int f;

	d->frames = calloc(d->o.frames, sizeof(*d->frames));
	if (!d->frames)
		die("out of memory\n");
	for (f = 0; f < d->o.frames; f++)
		d->frames[f].capture = -1;
	captures_plan(d);
	ring_create(d);
	if (d->o.sync == SYNC_EXPLICIT)
		d->job = vgem_create(d->dev.vgem, 4096);
	captures_create(d);
	d->bufinfo_idle = bufinfo_lines(d);
	module_params_read(d);
}

void frames_run(struct demo *d)
{
	unsigned int f;

	setup(d);
	report_setup(d);
	/* The last buffer of the ring, still black, until frame 0. */
	kms_modeset(d, d->ring[DEMO_RING - 1].fb_id);
	counters_read(d, &d->before);
	kmsg_begin(d);
	d->start_us = now_us();
	for (f = 0; f < d->o.frames; f++)
		run_frame(d, f);
	/* A flip event can come a moment before the flip is counted. */
	sleep_ms(50);
	counters_read(d, &d->after);
	kmsg_collect(d);
	kms_disable(d);
}
