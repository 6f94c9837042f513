/* SPDX-License-Identifier: MIT */
/*
 * The zero-copy demo (tools/demo/zero_copy): drm_vgem_plus renders, by
 * CPU, into a ring of buffers that drm_display scans out through
 * dma-buf, with fences between them. Shared declarations of its files.
 */
#ifndef DEMO_H
#define DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xf86drmMode.h>

#include "pattern.h"

#define MAX_CAPTURES	32

enum sync_mode { SYNC_IMPLICIT, SYNC_EXPLICIT, SYNC_NONE };

/**
 * struct options - the command line
 * @frames: frames to show
 * @width: mode width, 0 for the connector's preferred mode
 * @height: mode height
 * @format: DRM fourcc of the buffers
 * @sync: how the display learns that a frame is drawn
 * @late_ms: delay between drawing a frame and signalling its fence
 * @hang_frame: the frame whose fence is never signalled, -1 for none
 * @captures: frames to capture through writeback
 * @png_dir: where to write the captures as PNG, NULL for nowhere
 * @report: where to write the machine-readable report, NULL for nowhere
 * @brief: leave out the set-up details (devices, buffers, bufinfo)
 */
struct options {
	unsigned int frames;
	unsigned int width, height;
	uint32_t format;
	enum sync_mode sync;
	unsigned int late_ms;
	int hang_frame;
	unsigned int captures;
	const char *png_dir;
	const char *report;
	bool brief;
};

/**
 * struct devices - the two DRM devices, found by driver name
 * @vgem: drm_vgem_plus's render node
 * @display: drm_display's primary (card) node
 * @vgem_path: its node
 * @display_path: its node
 */
struct devices {
	int vgem, display;
	char vgem_path[64], display_path[64];
};

/**
 * struct output - drm_display's pipe the demo drives, with property ids
 * @connector_id: the virtual connector
 * @wb_connector_id: the writeback connector of the same CRTC, 0 if none
 * @crtc_id: the CRTC
 * @crtc_index: its index (vblank pipe, "crtc-N" in debugfs)
 * @primary_id: its primary plane
 * @plane_index: that plane's index ("plane-N")
 * @other_planes: the other planes that can be on the CRTC
 * @num_other_planes: how many
 * @mode: the mode shown
 * @mode_blob: @mode as a property blob
 * @connector_name: e.g. "Virtual-1"
 */
struct output {
	uint32_t connector_id, wb_connector_id, crtc_id;
	int crtc_index;
	uint32_t primary_id;
	int plane_index;
	uint32_t other_planes[8];
	int num_other_planes;
	drmModeModeInfo mode;
	uint32_t mode_blob;
	char connector_name[32];
};

/**
 * struct buffer - one buffer of the ring, from exporter to framebuffer
 * @vgem_handle: the object in drm_vgem_plus
 * @dmabuf: its dma-buf
 * @ino: the dma-buf's inode, as bufinfo lists it
 * @name: the dma-buf's name
 * @map: the dma-buf mapped for the CPU
 * @size: bytes
 * @pitches: per plane, as drm_vgem_plus laid the image out
 * @offsets: ditto
 * @handle: the import in drm_display
 * @fb_id: the framebuffer on it
 */
struct buffer {
	uint32_t vgem_handle;
	int dmabuf;
	unsigned long ino;
	char name[32];
	uint8_t *map;
	size_t size;
	uint32_t pitches[4], offsets[4];
	uint32_t handle, fb_id;
};

/**
 * struct capture - a writeback target and what it got
 * @frame: the frame whose commit wrote it back
 * @fb_id: a dumb framebuffer of drm_display, XRGB8888 at the mode's size
 * @handle: its GEM handle
 * @map: its pixels
 * @pitch: bytes per row
 * @size: bytes
 * @fence: WRITEBACK_OUT_FENCE_PTR's sync_file, -1 once waited for
 * @done: the fence signalled without error
 * @shows: the frame the capture should show (the frame itself, or the
 *         one kept on screen when it was skipped)
 * @wrong: pixels that differ from @shows' picture, -1 before checking
 * @png: the PNG written, "" for none
 */
struct capture {
	unsigned int frame;
	uint32_t fb_id, handle;
	uint8_t *map;
	uint32_t pitch;
	uint64_t size;
	int32_t fence;
	bool done;
	unsigned int shows;
	long wrong;
	char png[256];
};

/**
 * struct frame_rec - what happened to one frame, times in microseconds
 *                    of CLOCK_MONOTONIC (that of flip events)
 * @commit_us: before the flip's commit
 * @drawn_us: the frame drawn
 * @signal_us: its fence signalled, 0 if never
 * @vbl_before: vblank count just before the signal
 * @vbl_after: just after
 * @event_us: the flip event's timestamp: the nominal time of its vblank,
 *            which drm_display's vblank timer may handle a little late
 * @recv_us: the flip event read
 * @event_seq: the flip event's vblank
 * @status: OUT_FENCE status: 1 shown, negative errno when skipped
 * @capture: index in the captures, -1 for none
 */
struct frame_rec {
	uint64_t commit_us, drawn_us, signal_us, event_us, recv_us;
	uint32_t vbl_before, vbl_after, event_seq;
	int status;
	int capture;
};

/**
 * struct counters - drm_display's debugfs counters
 * @waits: fence_waits: waits begun
 * @timeouts: fence_waits: waits that timed out
 * @max_ms: fence_waits: longest wait
 * @flips: crtcs: commits completed on our CRTC while on
 * @skipped: crtcs: frames skipped on our CRTC
 */
struct counters {
	unsigned long long waits, timeouts;
	long long max_ms;
	unsigned long long flips, skipped;
};

/**
 * struct demo - everything of one run
 * @o: options
 * @dev: devices
 * @out: the pipe
 * @ring: the buffers
 * @job: explicit sync: the drm_vgem_plus object the fences go on
 * @frames: one record per frame
 * @caps: the captures
 * @num_caps: how many
 * @before: counters before the first frame
 * @after: counters after the last
 * @bufinfo_idle: bufinfo lines of the ring after import
 * @bufinfo_busy: bufinfo lines of the ring while frame 0's flip waits
 * @fence_wait_line: fence_waits' line for the hung frame's flip
 * @kmsg_fd: /dev/kmsg from the start of the run, -1 if unreadable
 * @timeout_lines: drm_display's fence timeout reports of this run
 * @num_timeout_lines: how many (at most 4 kept)
 * @fence_timeout_ms: drm_display's fence_timeout_ms
 * @fence_skip: drm_display's fence_skip
 * @start_us: when the frames began
 */
struct demo {
	struct options o;
	struct devices dev;
	struct output out;
	struct buffer ring[DEMO_RING];
	uint32_t job;
	struct frame_rec *frames;
	struct capture caps[MAX_CAPTURES];
	unsigned int num_caps;
	struct counters before, after;
	char *bufinfo_idle, *bufinfo_busy;
	char fence_wait_line[512];
	int kmsg_fd;
	char timeout_lines[4][512];
	int num_timeout_lines;
	unsigned int fence_timeout_ms;
	bool fence_skip;
	uint64_t start_us;
};

/* util.c */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void die_errno(const char *what) __attribute__((noreturn));
uint64_t now_us(void);
void sleep_ms(unsigned int ms);
const char *format_name(uint32_t format);
uint32_t format_from_name(const char *name);
char *read_file(const char *path);

/* options.c */
void options_parse(int argc, char **argv, struct options *o);

/* devices.c */
void devices_open(struct devices *dev);
void devices_close(struct devices *dev);
char *display_debugfs_read(int fd, const char *name);

/* output.c */
void output_find(int fd, unsigned int width, unsigned int height,
		 struct output *out);
uint32_t prop_id(int fd, uint32_t obj_id, uint32_t obj_type,
		 const char *name);

/* ring.c */
void ring_create(struct demo *d);
void ring_destroy(struct demo *d);
void buffer_cpu_begin(const struct buffer *b);
void buffer_cpu_end(const struct buffer *b);

/* draw.c */
void draw_frame(const struct buffer *b, uint32_t format, uint32_t w,
		uint32_t h, unsigned int frame);

/* fences.c */
uint32_t fence_attach(int vgem, uint32_t handle);
void fence_signal(int vgem, uint32_t fence);
void fence_signal_error(int vgem, uint32_t fence, int error);
int fence_export(int vgem, uint32_t fence);
bool sync_file_wait(int fd, int timeout_ms);
int sync_file_status(int fd);
uint32_t vgem_create(int vgem, uint64_t size);

/* kms.c */
void kms_modeset(struct demo *d, uint32_t fb_id);
void kms_flip(struct demo *d, uint32_t fb_id, int in_fence,
	      int32_t *out_fence, const struct capture *cap, uint64_t user);
void kms_disable(struct demo *d);
bool kms_wait_event(int fd, int timeout_ms, uint64_t user, uint32_t *seq,
		    uint64_t *usec);
uint32_t kms_vblank_count(int fd, int crtc_index);

/* capture.c */
void captures_plan(struct demo *d);
void captures_create(struct demo *d);
void capture_collect(struct capture *c);
void captures_check(struct demo *d);
void captures_destroy(struct demo *d);

/* png.c */
void png_write_xrgb(const char *path, const uint8_t *map, uint32_t w,
		    uint32_t h, uint32_t pitch, int level);
void png_write_overview(const char *path, const struct demo *d);
void png_write_captures(struct demo *d);

/* debugfs.c */
void counters_read(struct demo *d, struct counters *c);
char *bufinfo_lines(const struct demo *d);
char *fence_waits_line(struct demo *d);
void kmsg_begin(struct demo *d);
void kmsg_collect(struct demo *d);
void module_params_read(struct demo *d);

/* frames.c */
void frames_run(struct demo *d);

/* report.c */
void report_setup(const struct demo *d);
void report_print(const struct demo *d);
bool report_ok(const struct demo *d);
void report_write(const struct demo *d, const char *path);

#endif /* DEMO_H */
