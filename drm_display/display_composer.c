// SPDX-License-Identifier: GPL-2.0-only
/*
 * When composition runs: only when someone needs pixels.
 *
 * Each output has a frame, published when a commit is flushed, and a
 * generation that increases whenever the frame or its pixels change (a
 * flip, a modeset, DIRTYFB on a framebuffer it shows). Nothing is composed
 * per vblank: with a CRC reader, the vblank timer adds the cached CRC of
 * the current generation itself, and queues the worker only when the
 * cache is stale; a writeback job queues the worker when its commit
 * publishes the frame to capture.
 *
 * Frame numbers of CRC entries are consecutive vblank counts. When the
 * worker falls behind it labels the vblanks it missed with the frame it
 * composed, which may be newer than what those vblanks showed, never
 * older: no vblank goes without an entry and no entry shows a frame
 * before it was published.
 */

#include <linux/dma-fence.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_managed.h>
#include <drm/drm_vblank.h>

#include "display_drv.h"

/* Vblanks one composition may label when the worker lags. */
#define DISPLAY_CRC_CATCH_UP	64

static unsigned int crc_refresh_ms = 1000;
module_param(crc_refresh_ms, uint, 0644);
MODULE_PARM_DESC(crc_refresh_ms,
		 "With a CRC reader, recompose at least this often, in ms, to catch front-buffer writes made without DIRTYFB; 0 never (default 1000)");

static struct display_composer *to_composer(struct display_output *out)
{
	return &out->composer;
}

/* The cached CRC is that of the current frame. */
static bool display_crc_fresh(struct display_composer *c)
{
	unsigned int refresh_ms = READ_ONCE(crc_refresh_ms);

	return c->crc_valid && c->crc_gen == c->gen &&
	       (!refresh_ms ||
		ktime_ms_delta(ktime_get(), c->crc_time) < refresh_ms);
}

/* CRC entries for every vblank up to @last; the caller holds the lock. */
static void display_crc_emit(struct display_output *out, u64 last)
{
	struct display_composer *c = to_composer(out);
	u32 crc = c->crc;

	if (last > c->crc_last + DISPLAY_CRC_CATCH_UP)
		c->crc_last = last - DISPLAY_CRC_CATCH_UP;

	/* Fails only without a reader, or one too slow: the core says so. */
	while (c->crc_last < last) {
		c->crc_last++;
		drm_crtc_add_crc_entry(&out->crtc, true, (u32)c->crc_last, &crc);
	}
}

static void display_composer_queue(struct display_output *out)
{
	struct display_device *ddev = to_display_dev(out->crtc.dev);

	queue_work(ddev->compose_wq, &out->composer.work);
}

/**
 * display_composer_vblank - what a vblank means for composition
 * @out: the output whose vblank it is, in its vblank timer
 *
 * Adds the CRC entry of this vblank, and of any the timer skipped, or has
 * the worker compute it.
 */
void display_composer_vblank(struct display_output *out)
{
	struct display_composer *c = to_composer(out);
	u64 frame = drm_crtc_vblank_count(&out->crtc);
	unsigned long flags;
	bool queue = false;

	spin_lock_irqsave(&c->lock, flags);
	if (c->crc_on) {
		if (!c->crc_pend && display_crc_fresh(c)) {
			display_crc_emit(out, frame);
		} else {
			c->crc_pend = frame;
			queue = true;
		}
	}
	spin_unlock_irqrestore(&c->lock, flags);

	if (queue)
		display_composer_queue(out);
}

static void display_composer_account(struct display_composer *c,
				     const struct display_compose_stats *run)
{
	struct display_compose_stats *s = &c->stats;

	s->composes++;
	s->crcs += run->crcs;
	s->wb_jobs += run->wb_jobs;
	s->copy_rows += run->copy_rows;
	s->rows += run->rows;
	s->last_ns = run->last_ns;
	s->max_ns = max(s->max_ns, run->last_ns);
	s->total_ns += run->last_ns;
}

/*
 * Composes @frame for the CRC and/or the writeback @targets, and completes
 * the targets' jobs. Returns the CRC.
 */
static u32 display_composer_compose(struct display_output *out,
				    struct display_frame *frame, bool crc,
				    struct list_head *targets,
				    struct display_compose_stats *run)
{
	struct display_composer *c = to_composer(out);
	ktime_t start = ktime_get();
	u32 value = 0;
	bool cookie;

	run->crcs = crc;
	run->wb_jobs = list_count_nodes(targets);

	/* The writeback fences signal below: no allocation, no waiting. */
	cookie = dma_fence_begin_signalling();
	if (frame) {
		value = display_compose(frame, &c->buf, crc, targets,
					&run->copy_rows);
		run->rows = frame->height;
	}
	display_writeback_complete(out, targets, frame ? 0 : -ENODEV);
	dma_fence_end_signalling(cookie);

	run->last_ns = ktime_to_ns(ktime_sub(ktime_get(), start));
	return value;
}

static void display_composer_run(struct display_output *out)
{
	struct display_composer *c = to_composer(out);
	struct display_compose_stats run = {};
	struct display_frame *frame;
	bool want_crc, compose;
	LIST_HEAD(targets);
	u64 gen, last;
	u32 crc = 0;

	spin_lock_irq(&c->lock);
	frame = display_frame_get(c->frame);
	gen = c->gen;
	last = c->crc_pend;
	want_crc = c->crc_on && last && frame && !display_crc_fresh(c);
	list_splice_init(&c->wb_armed, &targets);
	spin_unlock_irq(&c->lock);

	/* Completing the jobs empties @targets. */
	compose = want_crc || !list_empty(&targets);
	if (compose)
		crc = display_composer_compose(out, frame, want_crc, &targets,
					       &run);

	spin_lock_irq(&c->lock);
	if (compose)
		display_composer_account(c, &run);
	if (want_crc) {
		c->crc = crc;
		c->crc_gen = gen;
		c->crc_valid = true;
		c->crc_time = ktime_get();
	}
	if (c->crc_on && last && frame && c->crc_valid)
		display_crc_emit(out, last);
	if (c->crc_pend == last)
		c->crc_pend = 0;
	spin_unlock_irq(&c->lock);

	display_frame_put(frame);
}

static void display_composer_work(struct work_struct *work)
{
	struct display_output *out = container_of(work, struct display_output,
						  composer.work);

	display_composer_run(out);
}

/**
 * display_composer_publish - show a new frame
 * @out: the output
 * @frame: the frame, whose reference passes to @out
 *
 * Called when a commit is flushed, before its flip event is armed: the
 * vblank that completes the flip already has the new frame. The writeback
 * jobs of the commit are composed from it.
 */
void display_composer_publish(struct display_output *out,
			      struct display_frame *frame)
{
	struct display_composer *c = to_composer(out);
	struct display_frame *old;
	bool jobs;

	spin_lock_irq(&c->lock);
	old = c->frame;
	c->frame = frame;
	c->gen++;
	jobs = !list_empty(&c->wb_staged);
	list_splice_tail_init(&c->wb_staged, &c->wb_armed);
	spin_unlock_irq(&c->lock);

	if (jobs)
		display_composer_queue(out);
	display_frame_put(old);
}

/**
 * display_composer_stage - a writeback job for the frame being committed
 * @out: the output
 * @target: where the job writes
 *
 * Called from the writeback connector's atomic_commit, which runs before
 * the commit's frame is published.
 */
void display_composer_stage(struct display_output *out,
			    struct display_wb_target *target)
{
	struct display_composer *c = to_composer(out);

	spin_lock_irq(&c->lock);
	list_add_tail(&target->link, &c->wb_staged);
	spin_unlock_irq(&c->lock);
}

/**
 * display_composer_enable - the CRTC has been switched on
 * @out: the output, its vblank on
 *
 * A CRC reader that stayed open gets entries from the next vblank on, not
 * for the vblanks the CRTC was off.
 */
void display_composer_enable(struct display_output *out)
{
	struct display_composer *c = to_composer(out);
	u64 frame = drm_crtc_vblank_count(&out->crtc);

	spin_lock_irq(&c->lock);
	c->crc_last = frame;
	c->crc_pend = 0;
	spin_unlock_irq(&c->lock);
}

/**
 * display_composer_disable - the CRTC is being switched off
 * @out: the output, its vblank off already
 *
 * Waits for the worker, which completes any writeback job of the last
 * frame, then drops the frame.
 */
void display_composer_disable(struct display_output *out)
{
	struct display_composer *c = to_composer(out);
	struct display_frame *old;

	flush_work(&c->work);

	spin_lock_irq(&c->lock);
	old = c->frame;
	c->frame = NULL;
	c->gen++;
	c->crc_pend = 0;
	spin_unlock_irq(&c->lock);

	display_frame_put(old);
}

/**
 * display_composer_set_crc - start or stop CRC capture
 * @out: the output
 * @on: start
 * @was_on: out: whether it was running
 *
 * A started capture holds a vblank reference, so that the timer runs.
 *
 * Return: 0, or the error of drm_crtc_vblank_get() when starting, with
 * nothing changed.
 */
int display_composer_set_crc(struct display_output *out, bool on,
			     bool *was_on)
{
	struct display_composer *c = to_composer(out);
	bool vblank = false, put;
	int ret;

	if (on) {
		ret = drm_crtc_vblank_get(&out->crtc);
		if (ret)
			return ret;
		vblank = true;
	}

	spin_lock_irq(&c->lock);
	*was_on = c->crc_on;
	put = c->crc_vblank;
	c->crc_on = on;
	c->crc_vblank = vblank;
	c->crc_last = drm_crtc_vblank_count(&out->crtc);
	c->crc_pend = 0;
	spin_unlock_irq(&c->lock);

	if (put)
		drm_crtc_vblank_put(&out->crtc);
	return 0;
}

/**
 * display_composer_fb_dirty - a framebuffer's pixels changed (DIRTYFB)
 * @ddev: the device
 * @fb: the framebuffer
 *
 * The cached CRC of every frame that shows @fb is stale.
 */
void display_composer_fb_dirty(struct display_device *ddev,
			       struct drm_framebuffer *fb)
{
	struct display_composer *c;
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < ddev->num_outputs; i++) {
		c = to_composer(&ddev->outputs[i]);
		spin_lock_irqsave(&c->lock, flags);
		if (display_frame_shows(c->frame, fb))
			c->gen++;
		spin_unlock_irqrestore(&c->lock, flags);
	}
}

static void display_composer_release(struct drm_device *dev, void *data)
{
	struct display_composer *c = data;

	cancel_work_sync(&c->work);
	display_frame_put(c->frame);
	c->frame = NULL;
	display_compose_buf_fini(&c->buf);
}

/**
 * display_composer_init - set up composition for an output
 * @ddev: the device
 * @out: the output
 *
 * Return: 0 or -ENOMEM.
 */
int display_composer_init(struct display_device *ddev,
			  struct display_output *out)
{
	struct display_composer *c = to_composer(out);
	int ret;

	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->wb_staged);
	INIT_LIST_HEAD(&c->wb_armed);
	INIT_WORK(&c->work, display_composer_work);

	ret = display_compose_buf_init(&c->buf, DISPLAY_MAX_SIZE);
	if (ret)
		return ret;

	return drmm_add_action_or_reset(&ddev->drm, display_composer_release, c);
}

static void display_composer_show(struct seq_file *m,
				  struct display_output *out)
{
	struct display_composer *c = to_composer(out);
	struct display_compose_stats s;
	bool crc_on, crc_valid;
	u64 gen, crc_last;
	u32 crc;

	spin_lock_irq(&c->lock);
	s = c->stats;
	gen = c->gen;
	crc_on = c->crc_on;
	crc_valid = c->crc_valid;
	crc = c->crc;
	crc_last = c->crc_last;
	spin_unlock_irq(&c->lock);

	seq_printf(m, "%s gen %llu crc %s",
		   out->crtc.name, gen, crc_on ? "on" : "off");
	if (crc_valid)
		seq_printf(m, " last-crc 0x%08x last-frame %llu", crc, crc_last);
	seq_printf(m, " composes %llu crcs %llu wb-jobs %llu rows %llu copy-rows %llu last-us %llu max-us %llu mean-us %llu\n",
		   s.composes, s.crcs, s.wb_jobs, s.rows, s.copy_rows,
		   div_u64(s.last_ns, NSEC_PER_USEC),
		   div_u64(s.max_ns, NSEC_PER_USEC),
		   s.composes ? div64_u64(s.total_ns, s.composes * NSEC_PER_USEC) : 0);
}

static int display_compose_stats_show(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct display_device *ddev = to_display_dev(entry->dev);
	unsigned int i;

	seq_printf(m, "crc-refresh-ms %u\n", READ_ONCE(crc_refresh_ms));
	seq_printf(m, "crc-impl %s\n", display_compose_crc_driver() ?: "crc32_le");
	for (i = 0; i < ddev->num_outputs; i++)
		display_composer_show(m, &ddev->outputs[i]);
	return 0;
}

static void display_compose_wq_destroy(struct drm_device *dev, void *data)
{
	destroy_workqueue(data);
}

/**
 * display_compose_init - the device's composition workqueue and debugfs
 * @ddev: the device
 *
 * Return: 0 or -ENOMEM.
 */
int display_compose_init(struct display_device *ddev)
{
	ddev->compose_wq = alloc_workqueue("drm_display_compose", WQ_UNBOUND, 0);
	if (!ddev->compose_wq)
		return -ENOMEM;

	drm_debugfs_add_file(&ddev->drm, "compose", display_compose_stats_show,
			     NULL);
	return drmm_add_action_or_reset(&ddev->drm, display_compose_wq_destroy,
					ddev->compose_wq);
}
