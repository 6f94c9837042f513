// SPDX-License-Identifier: GPL-2.0-only
/*
 * CRTC: an hrtimer stands in for the vertical blank of the current mode.
 */

#include <linux/slab.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_atomic_state_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_modes.h>
#include <drm/drm_vblank.h>

#include "display_drv.h"

/* Slowest and fastest refresh a mode may ask for, in Hz. */
#define DISPLAY_MIN_REFRESH	1
#define DISPLAY_MAX_REFRESH	480

/*
 * A slow guest can miss frames: the timer then skips them quietly, as a
 * display would, instead of firing late ones back to back or logging.
 * Once vblanks are off it stops by itself: see display_disable_vblank().
 */
static enum hrtimer_restart display_vblank_fire(struct hrtimer *timer)
{
	struct display_output *out = container_of(timer, struct display_output,
						  vblank_timer);

	if (!READ_ONCE(out->vblank_on))
		return HRTIMER_NORESTART;

	hrtimer_forward_now(timer, READ_ONCE(out->period));
	drm_crtc_handle_vblank(&out->crtc);
	display_composer_vblank(out);

	return READ_ONCE(out->vblank_on) ? HRTIMER_RESTART : HRTIMER_NORESTART;
}

static int display_enable_vblank(struct drm_crtc *crtc)
{
	struct drm_vblank_crtc *vblank = drm_crtc_vblank_crtc(crtc);
	struct display_output *out = crtc_to_output(crtc);

	drm_calc_timestamping_constants(crtc, &crtc->mode);
	WRITE_ONCE(out->period, ns_to_ktime(vblank->framedur_ns));
	WRITE_ONCE(out->vblank_on, true);
	hrtimer_start(&out->vblank_timer, out->period, HRTIMER_MODE_REL);

	return 0;
}

/*
 * The DRM core calls this with event_lock or vblank_time_lock held, both
 * of which drm_handle_vblank() takes: waiting here for a running timer
 * callback (hrtimer_cancel()) deadlocks the two CPUs. The callback that
 * cannot be cancelled finds vblanks disabled under those locks, and the
 * flag stops it from re-arming; display_crtc_stop_timer() waits for it
 * before the output goes away.
 */
static void display_disable_vblank(struct drm_crtc *crtc)
{
	struct display_output *out = crtc_to_output(crtc);

	WRITE_ONCE(out->vblank_on, false);
	hrtimer_try_to_cancel(&out->vblank_timer);
}

static void display_crtc_stop_timer(struct drm_device *dev, void *data)
{
	struct display_output *out = data;

	WRITE_ONCE(out->vblank_on, false);
	hrtimer_cancel(&out->vblank_timer);
}

/*
 * The timer is moved forward before the vblank is handled, as hardware
 * updates its registers before raising the interrupt: the vblank that
 * just happened is one period before the next expiry.
 */
static bool display_get_vblank_timestamp(struct drm_crtc *crtc, int *max_error,
					 ktime_t *vblank_time,
					 bool in_vblank_irq)
{
	struct display_output *out = crtc_to_output(crtc);
	struct drm_vblank_crtc *vblank = drm_crtc_vblank_crtc(crtc);

	if (!READ_ONCE(vblank->enabled)) {
		*vblank_time = ktime_get();
		return true;
	}

	*vblank_time = ktime_sub(hrtimer_get_expires(&out->vblank_timer),
				 out->period);
	return true;
}

static void display_crtc_reset(struct drm_crtc *crtc)
{
	struct display_crtc_state *state = kzalloc(sizeof(*state), GFP_KERNEL);

	if (crtc->state)
		crtc->funcs->atomic_destroy_state(crtc, crtc->state);
	__drm_atomic_helper_crtc_reset(crtc, state ? &state->base : NULL);
}

static struct drm_crtc_state *
display_crtc_duplicate_state(struct drm_crtc *crtc)
{
	struct display_crtc_state *state;

	if (WARN_ON(!crtc->state))
		return NULL;

	state = kzalloc(sizeof(*state), GFP_KERNEL);
	if (!state)
		return NULL;

	state->frame = display_frame_alloc();
	if (!state->frame) {
		kfree(state);
		return NULL;
	}

	__drm_atomic_helper_crtc_duplicate_state(crtc, &state->base);
	return &state->base;
}

static void display_crtc_destroy_state(struct drm_crtc *crtc,
				       struct drm_crtc_state *crtc_state)
{
	struct display_crtc_state *state = to_display_crtc_state(crtc_state);

	/* Never flushed: still empty, nothing mapped. */
	display_frame_put(state->frame);
	__drm_atomic_helper_crtc_destroy_state(crtc_state);
	kfree(state);
}

static const struct drm_crtc_funcs display_crtc_funcs = {
	.set_config = drm_atomic_helper_set_config,
	.page_flip = drm_atomic_helper_page_flip,
	.reset = display_crtc_reset,
	.atomic_duplicate_state = display_crtc_duplicate_state,
	.atomic_destroy_state = display_crtc_destroy_state,
	.enable_vblank = display_enable_vblank,
	.disable_vblank = display_disable_vblank,
	.get_vblank_timestamp = display_get_vblank_timestamp,
	.set_crc_source = display_crtc_set_crc_source,
	.verify_crc_source = display_crtc_verify_crc_source,
	.get_crc_sources = display_crtc_get_crc_sources,
};

/*
 * Refuse timings that would arm an absurd timer: no clock, no blanking
 * totals, or a refresh rate no display has.
 */
static enum drm_mode_status
display_crtc_mode_valid(struct drm_crtc *crtc, const struct drm_display_mode *mode)
{
	u64 refresh_mhz;

	if (!mode->clock || !mode->htotal || !mode->vtotal)
		return MODE_CLOCK_RANGE;
	if (mode->htotal < mode->hdisplay || mode->vtotal < mode->vdisplay)
		return MODE_H_ILLEGAL;

	refresh_mhz = div64_u64((u64)mode->clock * 1000000,
				(u64)mode->htotal * mode->vtotal);
	if (refresh_mhz < DISPLAY_MIN_REFRESH * 1000 ||
	    refresh_mhz > DISPLAY_MAX_REFRESH * 1000)
		return MODE_CLOCK_RANGE;

	return MODE_OK;
}

static void display_crtc_atomic_enable(struct drm_crtc *crtc,
				       struct drm_atomic_state *state)
{
	drm_crtc_vblank_on(crtc);
	display_composer_enable(crtc_to_output(crtc));
}

/*
 * The commit's own CRTC state, not crtc->state: in a nonblocking commit's
 * worker that may already belong to a later commit.
 */
static struct drm_pending_vblank_event *
display_crtc_take_event(struct drm_crtc *crtc, struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state =
		drm_atomic_get_new_crtc_state(state, crtc);
	struct drm_pending_vblank_event *event = crtc_state->event;

	crtc_state->event = NULL;
	return event;
}

/*
 * A CRTC being switched off is not flushed by the commit tail: its event
 * goes out here, stamped with the last vblank.
 */
static void display_crtc_atomic_disable(struct drm_crtc *crtc,
					struct drm_atomic_state *state)
{
	struct drm_pending_vblank_event *event;

	drm_crtc_vblank_off(crtc);
	display_composer_disable(crtc_to_output(crtc));

	event = display_crtc_take_event(crtc, state);
	if (!event)
		return;

	spin_lock_irq(&crtc->dev->event_lock);
	drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irq(&crtc->dev->event_lock);
}

/*
 * Publishes what the CRTC shows now, then completes the flip at the next
 * vblank, or now when vblanks are off.
 */
static void display_crtc_atomic_flush(struct drm_crtc *crtc,
				      struct drm_atomic_state *state)
{
	struct display_crtc_state *crtc_state =
		to_display_crtc_state(drm_atomic_get_new_crtc_state(state, crtc));
	struct drm_pending_vblank_event *event;

	if (crtc_state->frame) {
		display_frame_build(crtc_state->frame, state, crtc);
		display_composer_publish(crtc_to_output(crtc), crtc_state->frame);
		crtc_state->frame = NULL;
	}

	event = display_crtc_take_event(crtc, state);
	if (!event)
		return;

	spin_lock_irq(&crtc->dev->event_lock);
	if (drm_crtc_vblank_get(crtc) == 0)
		drm_crtc_arm_vblank_event(crtc, event);
	else
		drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irq(&crtc->dev->event_lock);
}

static const struct drm_crtc_helper_funcs display_crtc_helper_funcs = {
	.mode_valid = display_crtc_mode_valid,
	.atomic_flush = display_crtc_atomic_flush,
	.atomic_enable = display_crtc_atomic_enable,
	.atomic_disable = display_crtc_atomic_disable,
};

int display_crtc_init(struct display_device *ddev, struct display_output *out,
		      struct drm_plane *primary, struct drm_plane *cursor)
{
	int ret;

	ret = drmm_crtc_init_with_planes(&ddev->drm, &out->crtc, primary,
					 cursor, &display_crtc_funcs, NULL);
	if (ret)
		return ret;

	drm_crtc_helper_add(&out->crtc, &display_crtc_helper_funcs);
	hrtimer_init(&out->vblank_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	out->vblank_timer.function = display_vblank_fire;

	return drmm_add_action_or_reset(&ddev->drm, display_crtc_stop_timer,
					out);
}
