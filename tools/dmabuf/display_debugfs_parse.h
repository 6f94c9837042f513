/* SPDX-License-Identifier: MIT */
/*
 * Parsers of drm_display's debugfs files (drm_display/display_debugfs.c
 * and display_fence.c): "fence_waits", the commits waiting for a fence
 * now and since when; "framebuffers", every framebuffer with the dma-buf
 * behind each layer; "planes", what each plane committed and shows.
 */
#ifndef DMABUF_DISPLAY_DEBUGFS_PARSE_H
#define DMABUF_DISPLAY_DEBUGFS_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/**
 * struct display_wait - one "wait ..." line of fence_waits
 * @plane: plane name
 * @crtc: CRTC name
 * @since_ms: milliseconds the commit has waited
 * @driver: driver of the fence waited for (the first unsignalled one)
 * @timeline: its timeline
 * @seqno: its seqno
 * @ino: inode of the dma-buf of the plane's buffer, 0 when none
 * @exporter: its exporter, "drm_display" or "none"
 * @committer_pid: process that made the commit
 * @committer_comm: its command name
 * @name: the dma-buf's name
 */
struct display_wait {
	char *plane, *crtc;
	long long since_ms;
	char *driver, *timeline;
	unsigned long long seqno;
	unsigned long ino;
	char *exporter;
	int committer_pid;
	char *committer_comm;
	char *name;
};

/**
 * struct display_fence_waits - the fence_waits file
 * @policy: "skip" or "wait"
 * @timeout_ms: fence_timeout_ms
 * @waits: the waits in progress
 * @num_waits: entries in @waits
 * @total_waits: waits since the module loaded
 * @timeouts: how many of them timed out
 */
struct display_fence_waits {
	char *policy;
	unsigned long long timeout_ms;
	struct display_wait *waits;
	size_t num_waits, cap_waits;
	unsigned long long total_waits, timeouts;
};

bool display_fence_waits_parse(const char *text,
			       struct display_fence_waits *fw);
void display_fence_waits_free(struct display_fence_waits *fw);

/**
 * struct display_fb_layer - "fb ID layer N ..."
 * @gem_size: size of the buffer object
 * @exporter: exporter of its dma-buf, "drm_display" for its own
 * @ino: inode of its dma-buf, 0 for an own buffer never exported
 * @name: the dma-buf's name
 */
struct display_fb_layer {
	unsigned long long gem_size;
	char *exporter;
	unsigned long ino;
	char *name;
};

/**
 * struct display_fb - "fb ID format ..." and its layers
 * @id: framebuffer id
 * @width: pixels
 * @height: pixels
 * @owner_pid: process of the file that owns it, 0 when none does
 * @owner_client: drm-client-id of that file
 * @owner_comm: its command name
 * @layers: its layers
 * @num_layers: entries in @layers
 */
struct display_fb {
	unsigned int id;
	unsigned int width, height;
	int owner_pid;
	unsigned long long owner_client;
	char *owner_comm;
	struct display_fb_layer *layers;
	size_t num_layers, cap_layers;
};

/**
 * struct display_plane - one line of planes
 * @name: "plane-N"
 * @crtc: CRTC name, "-" for none
 * @fb: framebuffer committed
 * @shown_fb: framebuffer on screen
 * @fence_wait: the commit of @fb waits for its fence
 */
struct display_plane {
	char *name, *crtc;
	unsigned int fb, shown_fb;
	bool fence_wait;
};

/**
 * struct display_scanout - the framebuffers and planes files
 * @fbs: framebuffers
 * @num_fbs: entries in @fbs
 * @planes: planes
 * @num_planes: entries in @planes
 */
struct display_scanout {
	struct display_fb *fbs;
	size_t num_fbs, cap_fbs;
	struct display_plane *planes;
	size_t num_planes, cap_planes;
};

/* Parse the two files into @so (zeroed by the first). */
void display_framebuffers_parse(const char *text, struct display_scanout *so);
void display_planes_parse(const char *text, struct display_scanout *so);
void display_scanout_free(struct display_scanout *so);

#endif /* DMABUF_DISPLAY_DEBUGFS_PARSE_H */
