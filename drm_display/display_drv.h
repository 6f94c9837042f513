/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * drm_display: a virtual KMS display that scans out imported dma-bufs.
 */
#ifndef _DISPLAY_DRV_H_
#define _DISPLAY_DRV_H_

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_device.h>
#include <drm/drm_encoder.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_plane.h>
#include <drm/drm_writeback.h>

#include "display_compose.h"

struct display_dump;
struct dma_fence;
struct drm_file;
struct drm_format_info;
struct drm_mode_create_dumb;
struct drm_mode_fb_cmd2;

#define DISPLAY_MAX_OUTPUTS	4
#define DISPLAY_MAX_OVERLAYS	4

#define DISPLAY_MIN_SIZE	16
#define DISPLAY_MAX_SIZE	4096
#define DISPLAY_DEFAULT_WIDTH	1024
#define DISPLAY_DEFAULT_HEIGHT	768

/*
 * The largest dumb buffer: room for a framebuffer of the largest size in
 * the widest pixels the core knows (8 bytes). No scanout needs more.
 */
#define DISPLAY_DUMB_MAX_BYTES	((u64)DISPLAY_MAX_SIZE * DISPLAY_MAX_SIZE * 8)

/**
 * struct display_output - one CRTC, encoder and connector
 * @crtc: CRTC
 * @encoder: virtual encoder feeding @connector
 * @connector: always connected virtual connector
 * @vblank_timer: fires once per frame of the current mode
 * @period: frame duration of the current mode
 * @vblank_on: vblanks are enabled; the timer stops re-arming once clear
 * @wb: writeback connector on @crtc
 * @composer: composition of what @crtc shows
 */
struct display_output {
	struct drm_crtc crtc;
	struct drm_encoder encoder;
	struct drm_connector connector;
	struct hrtimer vblank_timer;
	ktime_t period;
	bool vblank_on;
	struct drm_writeback_connector wb;
	struct display_composer composer;
};

/**
 * struct display_plane_state - plane state with what scanout waits for
 * @base: shadow-plane state (the buffer mapped for the CPU)
 * @fence: fence to wait for before showing @base's framebuffer
 * @pid: thread group id of the committing process
 * @comm: command name of the committing process
 * @shown: the framebuffer actually on screen once committed: the new one,
 *         or the previous one when the wait for @fence timed out
 * @fbmap: mapping of @base's framebuffer, from begin_fb_access to
 *         end_fb_access
 * @shown_map: mapping of @shown, which goes with it
 * @shown_geom: where @shown is on screen, which goes with it too
 */
struct display_plane_state {
	struct drm_shadow_plane_state base;
	struct dma_fence *fence;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	struct drm_framebuffer *shown;
	struct display_fbmap *fbmap;
	struct display_fbmap *shown_map;
	struct display_geom shown_geom;
};

/**
 * struct display_crtc_state - CRTC state with the frame it will show
 * @base: CRTC state
 * @frame: empty frame, allocated with the state so that flush does not
 *         allocate, given to the output when the state is flushed
 */
struct display_crtc_state {
	struct drm_crtc_state base;
	struct display_frame *frame;
};

/**
 * struct display_fence_wait - a commit waiting for a plane's fence
 * @link: entry in &display_device.fence_waits
 * @fence: the fence
 * @since: when the wait began
 * @timeout_ms: fence_timeout_ms when it began
 * @skip: fence_skip when it began, then after each slice of waiting
 * @pid: committing process
 * @comm: its command name
 * @plane: plane name
 * @crtc: CRTC name
 * @ino: inode of the buffer's dma-buf, 0 for our own buffers
 * @exporter: exporter of the buffer
 * @name: dma-buf name
 * @reported: the timeout was reported
 */
struct display_fence_wait {
	struct list_head link;
	struct dma_fence *fence;
	ktime_t since;
	unsigned int timeout_ms;
	bool skip;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	char plane[32];
	char crtc[32];
	unsigned long ino;
	char exporter[32];
	char name[32];
	bool reported;
};

/**
 * enum display_fence_verdict - what a commit does after a slice of waiting
 * @DISPLAY_FENCE_SHOWN: the fence signalled, show the new buffer
 * @DISPLAY_FENCE_SKIP: stop waiting, skip the frame
 * @DISPLAY_FENCE_REPORT_SKIP: report the timeout, skip the frame
 * @DISPLAY_FENCE_REPORT_WAIT: report the timeout, wait another slice
 * @DISPLAY_FENCE_WAIT: wait another slice
 */
enum display_fence_verdict {
	DISPLAY_FENCE_SHOWN,
	DISPLAY_FENCE_SKIP,
	DISPLAY_FENCE_REPORT_SKIP,
	DISPLAY_FENCE_REPORT_WAIT,
	DISPLAY_FENCE_WAIT,
};

/**
 * struct display_fence_stats - totals over all fence waits
 * @waits: waits begun
 * @done: waits ended
 * @timeouts: waits that timed out
 * @total_ns: time spent in waits that ended
 * @max_ns: longest wait that ended
 */
struct display_fence_stats {
	u64 waits;
	u64 done;
	u64 timeouts;
	s64 total_ns;
	s64 max_ns;
};

/**
 * struct display_device - the drm_display device
 * @drm: DRM device
 * @num_outputs: outputs in use
 * @outputs: the outputs
 * @fence_lock: protects @fence_waits and @fence_stats
 * @fence_waits: waits in progress
 * @fence_stats: totals
 * @dump: what the debugfs state dump shows (display_debugfs.c)
 * @compose_wq: runs the outputs' composition workers
 * @wb_jobs: writeback jobs prepared and not cleaned up yet
 * @wb_idle: woken when @wb_jobs drops to 0
 */
struct display_device {
	struct drm_device drm;
	unsigned int num_outputs;
	struct display_output outputs[DISPLAY_MAX_OUTPUTS];
	spinlock_t fence_lock; /* see @fence_lock above */
	struct list_head fence_waits;
	struct display_fence_stats fence_stats;
	struct display_dump *dump;
	struct workqueue_struct *compose_wq;
	atomic_t wb_jobs;
	wait_queue_head_t wb_idle;
};

static inline struct display_plane_state *
to_display_plane_state(struct drm_plane_state *state)
{
	return container_of(to_drm_shadow_plane_state(state),
			    struct display_plane_state, base);
}

static inline struct display_device *to_display_dev(struct drm_device *dev)
{
	return container_of(dev, struct display_device, drm);
}

static inline struct display_output *crtc_to_output(struct drm_crtc *crtc)
{
	return container_of(crtc, struct display_output, crtc);
}

static inline struct display_crtc_state *
to_display_crtc_state(struct drm_crtc_state *state)
{
	return container_of(state, struct display_crtc_state, base);
}

/* display_crtc.c */
int display_crtc_init(struct display_device *ddev, struct display_output *out,
		      struct drm_plane *primary, struct drm_plane *cursor);

/* display_plane.c */
const struct drm_format_info *display_format_info(u32 format);
struct drm_plane *display_plane_create(struct display_device *ddev,
				       enum drm_plane_type type,
				       u32 possible_crtcs);

void display_plane_state_keep_shown(struct display_plane_state *new_state,
				    struct display_plane_state *old_state);
void display_plane_state_show(struct display_plane_state *state,
			      struct drm_framebuffer *fb);

/* display_fence.c */
int display_plane_prepare_fb(struct drm_plane *plane,
			     struct drm_plane_state *state);
void display_wait_for_fences(struct drm_atomic_state *state);
void display_fence_debugfs_init(struct display_device *ddev);

/* display_debugfs.c */

/**
 * struct display_commit_crtcs - CRTCs of a commit, as drm_crtc_mask() bits
 * @in_commit: every CRTC in the commit
 * @active: those the commit leaves active
 */
struct display_commit_crtcs {
	u32 in_commit;
	u32 active;
};

int display_debugfs_init(struct display_device *ddev);
void display_debugfs_commit_begin(struct drm_atomic_state *state);
void display_debugfs_plane_shown(struct drm_plane_state *state,
				 struct drm_framebuffer *shown, bool skipped);
void display_debugfs_commit_crtcs(struct drm_atomic_state *state,
				  struct display_commit_crtcs *crtcs);
void display_debugfs_commit_done(struct drm_device *dev,
				 const struct display_commit_crtcs *crtcs);

/* display_fb.c */
int display_dumb_create(struct drm_file *file, struct drm_device *dev,
			struct drm_mode_create_dumb *args);
struct drm_framebuffer *display_fb_create(struct drm_device *dev,
					  struct drm_file *file,
					  const struct drm_mode_fb_cmd2 *cmd);

/* display_gem.c */
struct drm_gem_object *display_gem_create_object(struct drm_device *dev,
						 size_t size);

/* display_output.c */
int display_output_init(struct display_device *ddev, unsigned int index,
			unsigned int overlays);

/* display_composer.c */
int display_compose_init(struct display_device *ddev);
int display_composer_init(struct display_device *ddev,
			  struct display_output *out);
void display_composer_vblank(struct display_output *out);
void display_composer_publish(struct display_output *out,
			      struct display_frame *frame);
void display_composer_stage(struct display_output *out,
			    struct display_wb_target *target);
void display_composer_enable(struct display_output *out);
void display_composer_disable(struct display_output *out);
int display_composer_set_crc(struct display_output *out, bool on,
			     bool *was_on);
void display_composer_fb_dirty(struct display_device *ddev,
			       struct drm_framebuffer *fb);

/* display_crc.c */
int display_crtc_verify_crc_source(struct drm_crtc *crtc, const char *source,
				   size_t *values_cnt);
const char *const *display_crtc_get_crc_sources(struct drm_crtc *crtc,
						size_t *count);
int display_crtc_set_crc_source(struct drm_crtc *crtc, const char *source);

/* display_writeback.c */
int display_writeback_init(struct display_device *ddev,
			   struct display_output *out);
void display_writeback_complete(struct display_output *out,
				struct list_head *targets, int status);
void display_writeback_wait_idle(struct display_device *ddev);

/* display_plane.c: the formats of every plane and writeback connector */
extern const u32 display_plane_formats[];
extern const unsigned int display_num_plane_formats;

#if IS_ENABLED(CONFIG_KUNIT)
/* Internals the KUnit tests in tests/ reach. */
struct seq_file;
int display_dumb_layout(u32 width, u32 height, u32 bpp, u32 *pitch,
			u64 *size);
int display_fb_check(const struct drm_mode_fb_cmd2 *cmd, const u64 *obj_size,
		     const char **reason);
enum display_fence_verdict display_fence_policy(long left, bool reported,
						bool skip);
void display_fence_stats_ms(const struct display_fence_stats *stats,
			    s64 *max_ms, s64 *mean_ms);
void display_fence_show_totals(struct seq_file *m,
			       const struct display_fence_stats *stats);
#endif

#endif /* _DISPLAY_DRV_H_ */
