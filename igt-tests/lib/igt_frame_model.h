/* SPDX-License-Identifier: MIT */
/*
 * A model of what drm_display's CRTC shows, to check CRCs and writeback
 * against: the frame as opaque ARGB8888 words, the planes blended into it
 * by the documented formulas of the "pixel blend mode" property, and the
 * CRC drm_display documents for a frame (CRC-32 of its little-endian
 * words).
 */
#ifndef IGT_FRAME_MODEL_H
#define IGT_FRAME_MODEL_H

#include <stdbool.h>
#include <stdint.h>

struct igt_fb;

/**
 * struct frame_model - a frame, one 0xffRRGGBB word per pixel
 * @w: pixels
 * @h: rows
 * @px: the pixels, row after row
 */
struct frame_model {
	uint32_t w, h;
	uint32_t *px;
};

/* Values of the "pixel blend mode" property; model_blend_names[] names them. */
enum model_blend {
	MODEL_BLEND_NONE,
	MODEL_BLEND_PREMULTI,
	MODEL_BLEND_COVERAGE,
};
extern const char *const model_blend_names[];

void frame_model_init(struct frame_model *m, uint32_t w, uint32_t h);
void frame_model_fini(struct frame_model *m);
/* Every pixel @rgb. */
void frame_model_fill(struct frame_model *m, uint32_t rgb);
/* The XRGB8888 or ARGB8888 @fb as a full-frame opaque plane shows it. */
void frame_model_copy_fb(struct frame_model *m, const struct igt_fb *fb);
/*
 * The ARGB8888 (or, @has_alpha false, XRGB8888) @fb as a plane at
 * (@x, @y) with plane alpha @alpha in blend mode @mode, clipped.
 */
void frame_model_blend_fb(struct frame_model *m, const struct igt_fb *fb,
			  int32_t x, int32_t y, uint32_t alpha,
			  enum model_blend mode, bool has_alpha);
/* The CRC drm_display gives the frame. */
uint32_t frame_model_crc(const struct frame_model *m);

/* One ARGB8888 pixel blended over an opaque one. */
uint32_t model_blend_px(uint32_t fg, uint32_t bg, uint32_t alpha,
			enum model_blend mode);
/* 16 bits to @bits, rounded to the nearest (drm_display's rule). */
uint32_t model_to_bits(uint32_t c16, unsigned int bits);

#endif /* IGT_FRAME_MODEL_H */
