/* SPDX-License-Identifier: MIT */
/*
 * CPU-mapped dumb framebuffers in every format drm_display's planes take
 * (NV12 included), with raw pixel access, in the spirit of IGT's
 * lib/igt_fb.h but without cairo: pixels are given as the format's own
 * bits.
 */
#ifndef IGT_FB_H
#define IGT_FB_H

#include <stdint.h>

/**
 * struct igt_fb - a dumb buffer, its framebuffer and its CPU mapping
 * @fb_id: framebuffer
 * @handle: GEM handle
 * @width: pixels
 * @height: rows
 * @format: DRM fourcc
 * @num_planes: planes of the format
 * @cpp: bytes per pixel of each plane
 * @pitches: bytes per row of each plane
 * @offsets: offset of each plane in the buffer
 * @size: bytes of the buffer
 * @map: the buffer, mapped read-write
 */
struct igt_fb {
	uint32_t fb_id;
	uint32_t handle;
	uint32_t width, height, format;
	int num_planes;
	uint32_t cpp[2];
	uint32_t pitches[2];
	uint32_t offsets[2];
	uint64_t size;
	uint8_t *map;
};

/* A zero-filled dumb framebuffer of @format, mapped. */
void igt_create_fb(int fd, uint32_t width, uint32_t height, uint32_t format,
		   struct igt_fb *fb);
/* Unmaps, RMFB and GEM close; clears @fb. Nothing to do when cleared. */
void igt_remove_fb(int fd, struct igt_fb *fb);

/* Single-plane formats: one pixel's bits (2 or 4 bytes, little endian). */
void igt_fb_set_pixel(struct igt_fb *fb, uint32_t x, uint32_t y,
		      uint32_t raw);
uint32_t igt_fb_get_pixel(const struct igt_fb *fb, uint32_t x, uint32_t y);
void igt_fb_fill_rect(struct igt_fb *fb, uint32_t x, uint32_t y, uint32_t w,
		      uint32_t h, uint32_t raw);
void igt_fb_fill(struct igt_fb *fb, uint32_t raw);

/* NV12: every pixel the same Y', Cb, Cr. */
void igt_fb_fill_nv12(struct igt_fb *fb, uint8_t y, uint8_t cb, uint8_t cr);

#endif /* IGT_FB_H */
