// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fenced scanout with bounded waits.
 *
 * The atomic helpers wait for a plane's fence with no time limit before
 * the driver's commit tail runs, so a fence that never signals wedges the
 * commit worker forever. Here prepare_fb takes the fence out of the plane
 * state, where the helpers look, and the commit tail waits for it itself:
 * at most fence_timeout_ms, then one report in the kernel log and the
 * fence_policy decides. Every wait in progress is listed in debugfs.
 */

#include <linux/dma-buf.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-fence-unwrap.h>
#include <linux/dma-resv.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <uapi/linux/dma-buf.h>

#include <drm/drm_atomic.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_vblank.h>
#include <kunit/visibility.h>

#include "display_drv.h"

/* Bounded above so that one slice of waiting is never a hung task. */
#define DISPLAY_FENCE_TIMEOUT_MAX_MS	60000

static unsigned int fence_timeout_ms = 5000;

static int display_fence_timeout_set(const char *val,
				     const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, DISPLAY_FENCE_TIMEOUT_MAX_MS);
}

static const struct kernel_param_ops display_fence_timeout_ops = {
	.set = display_fence_timeout_set,
	.get = param_get_uint,
};

module_param_cb(fence_timeout_ms, &display_fence_timeout_ops,
		&fence_timeout_ms, 0644);
MODULE_PARM_DESC(fence_timeout_ms,
		 "Milliseconds a commit waits for a buffer's fence before reporting it, 1 to 60000 (default 5000)");

static bool fence_skip = true;
module_param(fence_skip, bool, 0644);
MODULE_PARM_DESC(fence_skip,
		 "After a fence timeout, skip the frame (Y: keep the previous buffer on screen, complete the flip, signal OUT_FENCE with -ETIMEDOUT) or keep waiting (N) (default Y)");

/*
 * The first fence of a container that has not signalled: the culprit. It
 * lives as long as @fence, which contains it.
 */
static struct dma_fence *display_fence_culprit(struct dma_fence *fence)
{
	struct dma_fence_unwrap iter;
	struct dma_fence *f;

	dma_fence_unwrap_for_each(f, &iter, fence) {
		if (!dma_fence_is_signaled(f)) {
			/* Leaving early: drop the cursor's own reference. */
			dma_fence_put(iter.chain);
			return f;
		}
	}
	return fence;
}

/* Where the plane's buffer comes from, for the report and debugfs. */
static void display_fence_describe_buffer(struct display_fence_wait *wait,
					  struct drm_framebuffer *fb)
{
	struct drm_gem_object *obj = fb ? fb->obj[0] : NULL;
	struct dma_buf *dmabuf = obj && obj->import_attach ?
				 obj->import_attach->dmabuf : NULL;

	/* An IN_FENCE_FD on a plane being switched off: no buffer. */
	if (!obj) {
		strscpy(wait->exporter, "none", sizeof(wait->exporter));
		return;
	}
	if (!dmabuf) {
		strscpy(wait->exporter, "drm_display", sizeof(wait->exporter));
		return;
	}

	/* The import's attachment holds a reference on the dma-buf's file. */
	wait->ino = file_inode(dmabuf->file)->i_ino;
	strscpy(wait->exporter, dmabuf->exp_name, sizeof(wait->exporter));
	spin_lock(&dmabuf->name_lock);
	if (dmabuf->name)
		strscpy(wait->name, dmabuf->name, sizeof(wait->name));
	spin_unlock(&dmabuf->name_lock);
}

static void display_fence_report(struct display_device *ddev,
				 struct display_fence_wait *wait)
{
	struct dma_fence *f = display_fence_culprit(wait->fence);

	drm_warn(&ddev->drm,
		 "fence timed out after %u ms: fence %s:%s seq %llu, buffer dma-buf ino %lu \"%s\" from %s, plane %s on %s, committed by %s[%d]; %s\n",
		 wait->timeout_ms, f->ops->get_driver_name(f),
		 f->ops->get_timeline_name(f), f->seqno, wait->ino, wait->name,
		 wait->exporter, wait->plane, wait->crtc, wait->comm, wait->pid,
		 wait->skip ? "skipping the frame, the previous buffer stays on screen" :
			      "still waiting");
}

static void display_fence_wait_begin(struct display_device *ddev,
				     struct display_fence_wait *wait,
				     struct drm_plane_state *plane_state)
{
	struct display_plane_state *dstate = to_display_plane_state(plane_state);

	memset(wait, 0, sizeof(*wait));
	wait->fence = dstate->fence;
	wait->since = ktime_get();
	wait->timeout_ms = READ_ONCE(fence_timeout_ms);
	wait->skip = READ_ONCE(fence_skip);
	wait->pid = dstate->pid;
	strscpy(wait->comm, dstate->comm, sizeof(wait->comm));
	strscpy(wait->plane, plane_state->plane->name, sizeof(wait->plane));
	strscpy(wait->crtc, plane_state->crtc ? plane_state->crtc->name : "-",
		sizeof(wait->crtc));
	display_fence_describe_buffer(wait, plane_state->fb);

	spin_lock(&ddev->fence_lock);
	list_add_tail(&wait->link, &ddev->fence_waits);
	ddev->fence_stats.waits++;
	spin_unlock(&ddev->fence_lock);
}

static void display_fence_wait_end(struct display_device *ddev,
				   struct display_fence_wait *wait)
{
	s64 ns = ktime_to_ns(ktime_sub(ktime_get(), wait->since));

	spin_lock(&ddev->fence_lock);
	list_del(&wait->link);
	ddev->fence_stats.done++;
	ddev->fence_stats.total_ns += ns;
	ddev->fence_stats.max_ns = max(ddev->fence_stats.max_ns, ns);
	spin_unlock(&ddev->fence_lock);
}

static void display_fence_timed_out(struct display_device *ddev,
				    struct display_fence_wait *wait)
{
	spin_lock(&ddev->fence_lock);
	ddev->fence_stats.timeouts++;
	spin_unlock(&ddev->fence_lock);

	display_fence_report(ddev, wait);
}

/**
 * display_fence_policy - what to do after one slice of waiting for a fence
 * @left: what dma_fence_wait_timeout() returned: > 0 signalled, 0 timed
 *        out, < 0 interrupted (a blocking commit got a signal)
 * @reported: this wait's timeout has been reported already
 * @skip: fence_skip now
 *
 * A timeout is reported once per wait, however many slices it lasts.
 *
 * Return: the verdict.
 */
VISIBLE_IF_KUNIT enum display_fence_verdict
display_fence_policy(long left, bool reported, bool skip)
{
	if (left > 0)
		return DISPLAY_FENCE_SHOWN;
	/* Nothing to report: the committer chose to stop. */
	if (left < 0)
		return DISPLAY_FENCE_SKIP;
	if (!reported)
		return skip ? DISPLAY_FENCE_REPORT_SKIP : DISPLAY_FENCE_REPORT_WAIT;
	return skip ? DISPLAY_FENCE_SKIP : DISPLAY_FENCE_WAIT;
}
EXPORT_SYMBOL_IF_KUNIT(display_fence_policy);

/*
 * Returns true when the fence signalled, false when the frame is to be
 * skipped. Keeping on waiting goes in fence_timeout_ms slices, rereading
 * the policy each time: the worker is never a hung task, and a wait that
 * can never end (its signaller blocked behind this very commit) is given
 * up by switching fence_skip on. A blocking commit can be interrupted,
 * which skips the frame; the commit worker gets no signals.
 */
static bool display_fence_wait(struct display_device *ddev,
			       struct drm_plane_state *plane_state)
{
	enum display_fence_verdict verdict;
	struct display_fence_wait wait;
	long left;

	display_fence_wait_begin(ddev, &wait, plane_state);
	for (;;) {
		left = dma_fence_wait_timeout(wait.fence, true,
					      msecs_to_jiffies(wait.timeout_ms));
		wait.skip = READ_ONCE(fence_skip);
		verdict = display_fence_policy(left, wait.reported, wait.skip);
		if (verdict == DISPLAY_FENCE_REPORT_SKIP ||
		    verdict == DISPLAY_FENCE_REPORT_WAIT) {
			display_fence_timed_out(ddev, &wait);
			wait.reported = true;
		}
		if (verdict != DISPLAY_FENCE_WAIT &&
		    verdict != DISPLAY_FENCE_REPORT_WAIT)
			break;
		wait.timeout_ms = READ_ONCE(fence_timeout_ms);
	}
	display_fence_wait_end(ddev, &wait);

	return verdict == DISPLAY_FENCE_SHOWN;
}

/* The flip completes, but its OUT_FENCE says the frame was not shown. */
static void display_fence_fail_out_fence(struct drm_atomic_state *state,
					 struct drm_crtc *crtc)
{
	struct drm_crtc_state *crtc_state;

	if (!crtc)
		return;
	crtc_state = drm_atomic_get_new_crtc_state(state, crtc);
	if (crtc_state && crtc_state->event && crtc_state->event->base.fence)
		dma_fence_set_error(crtc_state->event->base.fence, -ETIMEDOUT);
}

/**
 * display_wait_for_fences - bounded wait for every plane's fence
 * @state: the commit
 *
 * A plane whose fence times out under the skip policy keeps showing the
 * buffer it showed before.
 */
void display_wait_for_fences(struct drm_atomic_state *state)
{
	struct display_device *ddev = to_display_dev(state->dev);
	struct drm_plane_state *old_state, *new_state;
	struct display_plane_state *dnew;
	struct drm_plane *plane;
	int i;

	display_debugfs_commit_begin(state);
	for_each_oldnew_plane_in_state(state, plane, old_state, new_state, i) {
		dnew = to_display_plane_state(new_state);
		if (!dnew->fence || display_fence_wait(ddev, new_state)) {
			display_plane_state_show(dnew, new_state->fb);
			display_debugfs_plane_shown(new_state, dnew->shown, false);
			continue;
		}

		display_plane_state_keep_shown(dnew,
					       to_display_plane_state(old_state));
		display_debugfs_plane_shown(new_state, dnew->shown, true);
		display_fence_fail_out_fence(state, new_state->crtc);
	}
}

/* Adds @new to @fence, a chain when both are there. Consumes @new. */
static int display_fence_add(struct dma_fence **fence, struct dma_fence *new)
{
	struct dma_fence_chain *chain;

	if (!new)
		return 0;
	if (!*fence) {
		*fence = new;
		return 0;
	}

	chain = dma_fence_chain_alloc();
	if (!chain) {
		dma_fence_put(new);
		return -ENOMEM;
	}
	dma_fence_chain_init(chain, *fence, new, 1);
	*fence = &chain->base;
	return 0;
}

/*
 * What drm_gem_plane_helper_prepare_fb() of 6.12 collects: the explicit
 * fence, or else the WRITE fences of each buffer object (with an
 * explicit fence only the KERNEL ones). The helper leaks a buffer's fence
 * when the chain to hold it cannot be allocated, which NV12 needs for its
 * second plane in the same object; here the fence is dropped, and an
 * object already seen is not asked again.
 */
static int display_fence_collect(struct drm_plane_state *state,
				 struct dma_fence **out)
{
	struct dma_fence *fence = dma_fence_get(state->fence), *new;
	enum dma_resv_usage usage = fence ? DMA_RESV_USAGE_KERNEL :
					    DMA_RESV_USAGE_WRITE;
	struct drm_gem_object *obj, *prev = NULL;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < state->fb->format->num_planes && !ret; i++, prev = obj) {
		obj = drm_gem_fb_get_obj(state->fb, i);
		if (!obj)
			ret = -EINVAL;
		else if (obj != prev)
			ret = dma_resv_get_singleton(obj->resv, usage, &new) ?:
			      display_fence_add(&fence, new);
	}
	if (ret) {
		dma_fence_put(fence);
		return ret;
	}

	*out = fence;
	return 0;
}

/**
 * display_plane_prepare_fb - collect the fence a commit must wait for
 * @plane: the plane
 * @state: its new state
 *
 * The implicit WRITE fences of the buffer, or the explicit IN_FENCE_FD,
 * as drm_gem_plane_helper_prepare_fb() would choose them, kept where only
 * display_wait_for_fences() looks. A plane without a framebuffer waits
 * for its IN_FENCE_FD alone.
 *
 * Return: 0 or a negative errno.
 */
int display_plane_prepare_fb(struct drm_plane *plane,
			     struct drm_plane_state *state)
{
	struct display_plane_state *dstate = to_display_plane_state(state);
	struct dma_fence *fence = NULL;
	int ret;

	if (state->fb) {
		ret = display_fence_collect(state, &fence);
		if (ret)
			return ret;
		dma_fence_put(state->fence);
		state->fence = fence;
	}

	dstate->fence = state->fence;
	state->fence = NULL;
	dstate->pid = task_tgid_nr(current);
	get_task_comm(dstate->comm, current);
	return 0;
}

/**
 * display_fence_stats_ms - the longest and the mean of the ended waits
 * @stats: the totals
 * @max_ms: out: longest wait, in whole milliseconds
 * @mean_ms: out: mean wait, in whole milliseconds, 0 before any ended
 */
VISIBLE_IF_KUNIT void
display_fence_stats_ms(const struct display_fence_stats *stats,
		       s64 *max_ms, s64 *mean_ms)
{
	*max_ms = div_s64(stats->max_ns, NSEC_PER_MSEC);
	/* Not total / (done * NSEC_PER_MSEC): the product could wrap. */
	*mean_ms = stats->done ?
		   div_s64(div64_s64(stats->total_ns, stats->done), NSEC_PER_MSEC) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(display_fence_stats_ms);

/**
 * display_fence_show_totals - the totals line of debugfs fence_waits
 * @m: the file
 * @stats: the totals
 */
VISIBLE_IF_KUNIT void
display_fence_show_totals(struct seq_file *m,
			  const struct display_fence_stats *stats)
{
	s64 max_ms, mean_ms;

	display_fence_stats_ms(stats, &max_ms, &mean_ms);
	seq_printf(m, "total waits %llu timeouts %llu max-ms %lld mean-ms %lld\n",
		   stats->waits, stats->timeouts, max_ms, mean_ms);
}
EXPORT_SYMBOL_IF_KUNIT(display_fence_show_totals);

static int display_fence_waits_show(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct display_device *ddev = to_display_dev(entry->dev);
	struct display_fence_stats stats;
	struct display_fence_wait *wait;
	struct dma_fence *f;

	seq_printf(m, "policy %s timeout-ms %u\n",
		   READ_ONCE(fence_skip) ? "skip" : "wait",
		   READ_ONCE(fence_timeout_ms));

	spin_lock(&ddev->fence_lock);
	stats = ddev->fence_stats;
	list_for_each_entry(wait, &ddev->fence_waits, link) {
		f = display_fence_culprit(wait->fence);
		seq_printf(m, "wait plane %s crtc %s since-ms %lld fence %s %s seq %llu dmabuf-ino %lu exporter %s committer %d ",
			   wait->plane, wait->crtc,
			   ktime_ms_delta(ktime_get(), wait->since),
			   f->ops->get_driver_name(f),
			   f->ops->get_timeline_name(f), f->seqno, wait->ino,
			   wait->exporter, wait->pid);
		seq_escape(m, wait->comm, " \t\n\\\"");
		seq_puts(m, " name \"");
		seq_escape(m, wait->name, " \t\n\\\"");
		seq_puts(m, "\"\n");
	}
	spin_unlock(&ddev->fence_lock);

	display_fence_show_totals(m, &stats);
	return 0;
}

void display_fence_debugfs_init(struct display_device *ddev)
{
	drm_debugfs_add_file(&ddev->drm, "fence_waits",
			     display_fence_waits_show, NULL);
}
