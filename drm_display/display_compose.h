/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * drm_display: composition of a CRTC's planes into the frame it shows,
 * for CRC capture and writeback.
 */
#ifndef _DISPLAY_COMPOSE_H_
#define _DISPLAY_COMPOSE_H_

#include <linux/types.h>

/* ---- pixels (display_pixels.c) ---- */

/**
 * struct display_argb16 - one pixel with 16 bits per channel
 * @a: alpha, 0xffff opaque
 * @r: red
 * @g: green
 * @b: blue
 */
struct display_argb16 {
	u16 a, r, g, b;
};

/**
 * typedef display_read_row_t - converts pixels of a row to 16 bits
 * @dst: @n pixels out
 * @row: the row in each plane of the format (chroma: the row of samples
 *       that covers it)
 * @x: first pixel of the row to convert
 * @n: pixels to convert
 */
typedef void (*display_read_row_t)(struct display_argb16 *dst,
				   const u8 *const row[2], unsigned int x,
				   unsigned int n);

display_read_row_t display_pixels_reader(u32 format);
void display_pixels_blend(struct display_argb16 *bg,
			  const struct display_argb16 *fg, unsigned int n,
			  u16 alpha, unsigned int mode);
void display_pixels_quantize(__le32 *dst, const struct display_argb16 *src,
			     unsigned int n);
void display_pixels_expand(struct display_argb16 *dst, const __le32 *src,
			   unsigned int n);
void display_pixels_copy_opaque(__le32 *dst, const __le32 *src,
				unsigned int n);
bool display_pixels_can_write(u32 format);
bool display_pixels_write_needs_line(u32 format);
void display_pixels_write(u32 format, u8 *dst,
			  const struct display_argb16 *line,
			  const __le32 *canon, unsigned int n);

#endif /* _DISPLAY_COMPOSE_H_ */
