// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writeback: each output has a writeback connector on its CRTC that
 * captures the composed frame of a commit into a framebuffer of the mode's
 * size, in any plane format, and signals the commit's writeback
 * out-fence when done.
 *
 * A job's buffer is mapped when the commit is prepared (ioctl context).
 * The connector's atomic_commit stages the job; the CRTC's flush publishes
 * the commit's frame and arms the staged jobs with it, so a job never
 * captures the frame before its commit. The composition worker writes and
 * signals the jobs in the order they were queued.
 */

#include <linux/atomic.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_edid.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_writeback.h>

#include "display_drv.h"

/**
 * struct display_wb_job - &drm_writeback_job.priv
 * @target: where composition writes
 * @map: the mapping of the job's framebuffer
 */
struct display_wb_job {
	struct display_wb_target target;
	struct iosys_map map[DRM_FORMAT_MAX_PLANES];
};

static struct display_output *wb_to_output(struct drm_writeback_connector *wb)
{
	return container_of(wb, struct display_output, wb);
}

static int display_wb_get_modes(struct drm_connector *connector)
{
	int count;

	count = drm_add_modes_noedid(connector, DISPLAY_MAX_SIZE,
				     DISPLAY_MAX_SIZE);
	drm_set_preferred_mode(connector, DISPLAY_DEFAULT_WIDTH,
			       DISPLAY_DEFAULT_HEIGHT);
	return count;
}

/* The core has checked that a job with a framebuffer has an active CRTC. */
static int display_wb_atomic_check(struct drm_connector *connector,
				   struct drm_atomic_state *state)
{
	struct drm_connector_state *conn_state =
		drm_atomic_get_new_connector_state(state, connector);
	struct drm_writeback_job *job = conn_state->writeback_job;
	const struct drm_crtc_state *crtc_state;
	const struct drm_framebuffer *fb;

	if (!job || !job->fb)
		return 0;

	fb = job->fb;
	crtc_state = drm_atomic_get_new_crtc_state(state, conn_state->crtc);
	if (fb->width != crtc_state->mode.hdisplay ||
	    fb->height != crtc_state->mode.vdisplay) {
		drm_dbg_kms(connector->dev,
			    "writeback framebuffer %ux%u, mode %ux%u\n",
			    fb->width, fb->height, crtc_state->mode.hdisplay,
			    crtc_state->mode.vdisplay);
		return -EINVAL;
	}

	return drm_atomic_helper_check_wb_connector_state(connector, state);
}

static int display_wb_prepare_job(struct drm_writeback_connector *wb,
				  struct drm_writeback_job *job)
{
	struct display_device *ddev = to_display_dev(wb->base.dev);
	struct drm_framebuffer *fb = job->fb;
	struct iosys_map data[DRM_FORMAT_MAX_PLANES];
	struct display_wb_job *wj;
	int ret;

	if (!fb)
		return 0;

	wj = kzalloc(sizeof(*wj), GFP_KERNEL);
	if (!wj)
		return -ENOMEM;

	ret = drm_gem_fb_vmap(fb, wj->map, data);
	if (ret)
		goto err_free;
	if (data[0].is_iomem) {
		ret = -EOPNOTSUPP;
		goto err_vunmap;
	}

	wj->target.vaddr = data[0].vaddr;
	wj->target.pitch = fb->pitches[0];
	wj->target.format = fb->format->format;
	if (fb->format->num_planes == 2) {
		wj->target.chroma = data[1].vaddr;
		wj->target.chroma_pitch = fb->pitches[1];
	}
	job->priv = wj;
	atomic_inc(&ddev->wb_jobs);
	return 0;

err_vunmap:
	drm_gem_fb_vunmap(fb, wj->map);
err_free:
	kfree(wj);
	return ret;
}

/*
 * Runs from the core's cleanup work after the job signalled, or when its
 * commit was dropped. The core would drop the job's framebuffer reference
 * after this returns, where nothing tells remove() about it: the last
 * reference can destroy the framebuffer, so it is dropped here, before
 * the count remove() waits for.
 */
static void display_wb_cleanup_job(struct drm_writeback_connector *wb,
				   struct drm_writeback_job *job)
{
	struct display_device *ddev = to_display_dev(wb->base.dev);
	struct display_wb_job *wj = job->priv;
	struct drm_framebuffer *fb = job->fb;

	if (!wj)
		return;

	drm_gem_fb_vunmap(fb, wj->map);
	kfree(wj);
	job->priv = NULL;
	job->fb = NULL;
	drm_framebuffer_put(fb);

	if (atomic_dec_and_test(&ddev->wb_jobs))
		wake_up_all(&ddev->wb_idle);
}

/* Before the planes are committed: the job waits for the commit's frame. */
static void display_wb_atomic_commit(struct drm_connector *connector,
				     struct drm_atomic_state *state)
{
	struct drm_writeback_connector *wb = drm_connector_to_writeback(connector);
	struct drm_connector_state *conn_state =
		drm_atomic_get_new_connector_state(state, connector);
	struct display_wb_job *wj = conn_state->writeback_job->priv;

	drm_writeback_queue_job(wb, conn_state);
	display_composer_stage(wb_to_output(wb), &wj->target);
}

static const struct drm_connector_helper_funcs display_wb_helper_funcs = {
	.get_modes = display_wb_get_modes,
	.atomic_check = display_wb_atomic_check,
	.prepare_writeback_job = display_wb_prepare_job,
	.cleanup_writeback_job = display_wb_cleanup_job,
	.atomic_commit = display_wb_atomic_commit,
};

/* drm_writeback_connector_init() is not managed: so is the destroy. */
static const struct drm_connector_funcs display_wb_connector_funcs = {
	.fill_modes = drm_helper_probe_single_connector_modes,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
	.destroy = drm_connector_cleanup,
};

/**
 * display_writeback_init - the writeback connector of an output
 * @ddev: the device
 * @out: the output, its CRTC and encoder initialized
 *
 * The output's encoder and the writeback encoder are clones of each
 * other, so that one commit can drive both.
 *
 * Return: 0 or a negative errno.
 */
int display_writeback_init(struct display_device *ddev,
			   struct display_output *out)
{
	u32 clones;
	int ret;

	drm_connector_helper_add(&out->wb.base, &display_wb_helper_funcs);
	ret = drm_writeback_connector_init(&ddev->drm, &out->wb,
					   &display_wb_connector_funcs, NULL,
					   display_plane_formats,
					   display_num_plane_formats,
					   drm_crtc_mask(&out->crtc));
	if (ret)
		return ret;

	clones = drm_encoder_mask(&out->encoder) |
		 drm_encoder_mask(&out->wb.encoder);
	out->encoder.possible_clones = clones;
	out->wb.encoder.possible_clones = clones;
	return 0;
}

/**
 * display_writeback_complete - signal writeback jobs
 * @out: the output
 * @targets: the jobs' targets, in the order the jobs were queued; emptied
 * @status: 0 when written, else the error the out-fences get
 */
void display_writeback_complete(struct display_output *out,
				struct list_head *targets, int status)
{
	struct display_wb_target *t, *next;

	/* Signalling lets the core free the job, @t with it. */
	list_for_each_entry_safe(t, next, targets, link) {
		list_del(&t->link);
		drm_writeback_signal_completion(&out->wb, status);
	}
}

/**
 * display_writeback_wait_idle - wait until every job is cleaned up
 * @ddev: the device, its CRTCs off
 */
void display_writeback_wait_idle(struct display_device *ddev)
{
	wait_event(ddev->wb_idle, !atomic_read(&ddev->wb_jobs));
}
