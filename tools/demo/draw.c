// SPDX-License-Identifier: MIT
/*
 * Drawing a frame's picture (pattern.h) by CPU into a buffer of the ring,
 * row by row: the ramps, then the rectangles that cross the row, then
 * the row converted to the buffer's format and written out in one go
 * (the mapping is write-combined: no reads, sequential writes).
 */

#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "demo.h"

static void row_rgb(const struct pattern *p, const uint32_t *ramp, uint32_t y,
		    uint32_t *row)
{
	uint32_t gb = pattern_green(p, y) << 8 | pattern_blue(p), x;
	int i;

	for (x = 0; x < p->w; x++)
		row[x] = ramp[x] | gb;
	for (i = 0; i < p->num_rects; i++) {
		const struct pattern_rect *r = &p->rects[i];

		if (y < r->y || y - r->y >= r->h)
			continue;
		for (x = r->x; x < r->x + r->w; x++)
			row[x] = r->rgb;
	}
}

static void row_store(uint32_t format, const uint32_t *row, uint32_t w,
		      uint8_t *dst)
{
	uint32_t x;

	if (format == DRM_FORMAT_RGB565) {
		uint16_t *d16 = (uint16_t *)dst;

		for (x = 0; x < w; x++)
			d16[x] = pattern_pack(format, row[x]);
		return;
	}
	for (x = 0; x < w; x++)
		((uint32_t *)dst)[x] = pattern_pack(format, row[x]);
}

void draw_frame(const struct buffer *b, uint32_t format, uint32_t w,
		uint32_t h, unsigned int frame)
{
	uint32_t *ramp = malloc(w * sizeof(*ramp)), *row = malloc(w * 4);
	uint32_t x, y;
	struct pattern p;

	if (!ramp || !row)
		die("out of memory\n");
	pattern_init(&p, w, h, frame);
	for (x = 0; x < w; x++)
		ramp[x] = pattern_red(&p, x) << 16;
	for (y = 0; y < h; y++) {
		row_rgb(&p, ramp, y, row);
		row_store(format, row, w, b->map + b->offsets[0] +
			  (size_t)y * b->pitches[0]);
	}
	free(row);
	free(ramp);
}
