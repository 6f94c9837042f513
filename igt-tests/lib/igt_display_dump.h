/* SPDX-License-Identifier: MIT */
/*
 * Readers for drm_display's debugfs state dump: the framebuffers, planes
 * and crtcs files (see Documentation/drm_display.rst). Every reader
 * asserts that what it reads has the documented layout.
 */
#ifndef IGT_DISPLAY_DUMP_H
#define IGT_DISPLAY_DUMP_H

#include <stdbool.h>
#include <stdint.h>

/**
 * struct dump_fb_layer - one "fb ID layer N ..." line
 * @pitch: bytes per row
 * @offset: bytes from the start of the buffer object
 * @gem_size: size of the buffer object
 * @exporter: where the buffer comes from: the exporter of an imported
 *            dma-buf, or "drm_display"
 * @ino: inode of the dma-buf, 0 for a drm_display buffer never exported
 * @name: dma-buf name, unescaped
 */
struct dump_fb_layer {
	uint32_t pitch, offset;
	uint64_t gem_size;
	char exporter[64];
	unsigned long ino;
	char name[64];
};

/**
 * struct dump_fb - one framebuffer of the framebuffers file
 * @id: framebuffer id
 * @format: the %p4cc text, e.g. "XR24 little-endian (0x34325258)"
 * @modifier: format modifier
 * @width: pixels
 * @height: pixels
 * @num_layers: planes of the format (lines that follow)
 * @refcount: references besides the reader's
 * @comm: command that created it
 * @owner_pid: process of the file that holds it, 0 when none does
 * @owner_client: drm-client-id of that file, 0 when none
 * @owner_comm: command of that process
 * @layers: the layer lines
 */
struct dump_fb {
	uint32_t id;
	char format[64];
	uint64_t modifier;
	uint32_t width, height;
	unsigned int num_layers, refcount;
	char comm[64];
	int owner_pid;
	uint64_t owner_client;
	char owner_comm[64];
	struct dump_fb_layer layers[4];
};

/**
 * struct dump_plane - one line of the planes file
 * @name: plane name, "plane-N"
 * @type: primary, overlay or cursor
 * @crtc: CRTC name or "-"
 * @fb: framebuffer committed, 0 for none
 * @shown_fb: framebuffer on screen, 0 for none
 * @fence_wait: the committed framebuffer waits for its fence
 * @skipped: frames skipped on a fence timeout
 * @src: source rectangle as printed (16.16 as decimals)
 * @dst: destination rectangle, WxH+X+Y
 * @zpos: zpos
 * @alpha: alpha
 * @blend: blend mode name
 */
struct dump_plane {
	char name[32], type[16], crtc[32];
	uint32_t fb, shown_fb;
	int fence_wait;
	unsigned long long skipped;
	char src[96], dst[64];
	unsigned int zpos, alpha;
	char blend[16];
};

/**
 * struct dump_crtc - one line of the crtcs file
 * @name: CRTC name, "crtc-N"
 * @active: on after the newest completed commit
 * @flips: commits completed while on
 * @skipped: frames its planes skipped
 */
struct dump_crtc {
	char name[32];
	int active;
	unsigned long long flips, skipped;
};

/* Framebuffer @fb_id in the framebuffers file; false when not listed. */
bool dump_find_fb(int drm_fd, uint32_t fb_id, struct dump_fb *out);
/* Number of framebuffers listed. */
int dump_count_fbs(int drm_fd);
/* The plane named @name ("plane-N"); asserts that it is listed. */
void dump_get_plane(int drm_fd, const char *name, struct dump_plane *out);
/* The plane of KMS object id @plane_id (its name has its index). */
void dump_get_plane_by_id(int drm_fd, uint32_t plane_id,
			  struct dump_plane *out);
/* The CRTC named @name ("crtc-N"); asserts that it is listed. */
void dump_get_crtc(int drm_fd, const char *name, struct dump_crtc *out);
/* The CRTC at index @crtc_index. */
void dump_get_crtc_by_index(int drm_fd, int crtc_index, struct dump_crtc *out);

/* Undoes seq_escape() octal escapes of @in into @out. */
void dump_unescape(const char *in, char *out, size_t size);

#endif /* IGT_DISPLAY_DUMP_H */
