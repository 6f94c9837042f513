// SPDX-License-Identifier: MIT
/*
 * A model of drm_display's composed frame: see igt_frame_model.h.
 */

#include <stdlib.h>

#include "igt_core.h"
#include "igt_fb.h"
#include "igt_frame_model.h"

const char *const model_blend_names[] = {
	[MODEL_BLEND_NONE] = "None",
	[MODEL_BLEND_PREMULTI] = "Pre-multiplied",
	[MODEL_BLEND_COVERAGE] = "Coverage",
};

void frame_model_init(struct frame_model *m, uint32_t w, uint32_t h)
{
	m->w = w;
	m->h = h;
	m->px = calloc((size_t)w * h, sizeof(*m->px));
	igt_assert(m->px);
}

void frame_model_fini(struct frame_model *m)
{
	free(m->px);
	m->px = NULL;
}

void frame_model_fill(struct frame_model *m, uint32_t rgb)
{
	size_t i;

	for (i = 0; i < (size_t)m->w * m->h; i++)
		m->px[i] = 0xff000000 | rgb;
}

void frame_model_copy_fb(struct frame_model *m, const struct igt_fb *fb)
{
	uint32_t x, y;

	igt_assert(fb->width == m->w && fb->height == m->h && fb->cpp[0] == 4);
	for (y = 0; y < m->h; y++)
		for (x = 0; x < m->w; x++)
			m->px[y * m->w + x] = 0xff000000 |
					      igt_fb_get_pixel(fb, x, y);
}

/* a * b / 0xffff, rounded. */
static uint32_t mul16(uint32_t a, uint32_t b)
{
	return (a * b + 0x7fff) / 0xffff;
}

uint32_t model_to_bits(uint32_t c16, unsigned int bits)
{
	return (c16 * ((1u << bits) - 1) + 0x7fff) / 0xffff;
}

uint32_t model_blend_px(uint32_t fg, uint32_t bg, uint32_t alpha,
			enum model_blend mode)
{
	uint32_t fa = (fg >> 24) * 257, a, k, c, b, out = 0xff000000;
	int shift;

	a = mode == MODEL_BLEND_NONE ? alpha : mul16(alpha, fa);
	k = mode == MODEL_BLEND_COVERAGE ? a : alpha;
	for (shift = 0; shift < 24; shift += 8) {
		c = (fg >> shift & 0xff) * 257;
		b = (bg >> shift & 0xff) * 257;
		c = mul16(k, c) + mul16(0xffff - a, b);
		out |= model_to_bits(c > 0xffff ? 0xffff : c, 8) << shift;
	}
	return out;
}

void frame_model_blend_fb(struct frame_model *m, const struct igt_fb *fb,
			  int32_t x, int32_t y, uint32_t alpha,
			  enum model_blend mode, bool has_alpha)
{
	int32_t i, j, mx, my;
	uint32_t fg, *px;

	for (j = 0; j < (int32_t)fb->height; j++) {
		my = y + j;
		if (my < 0 || my >= (int32_t)m->h)
			continue;
		for (i = 0; i < (int32_t)fb->width; i++) {
			mx = x + i;
			if (mx < 0 || mx >= (int32_t)m->w)
				continue;
			fg = igt_fb_get_pixel(fb, i, j);
			if (!has_alpha)
				fg |= 0xff000000;
			px = &m->px[my * m->w + mx];
			*px = model_blend_px(fg, *px, alpha, mode);
		}
	}
}

/* The standard CRC-32 (reflected 0x04c11db7), table driven. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
	static uint32_t table[256];
	uint32_t c, i, k;

	if (!table[1]) {
		for (i = 0; i < 256; i++) {
			for (c = i, k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

uint32_t frame_model_crc(const struct frame_model *m)
{
	uint32_t crc = ~0u;
	uint8_t le[4];
	size_t i;

	for (i = 0; i < (size_t)m->w * m->h; i++) {
		le[0] = m->px[i];
		le[1] = m->px[i] >> 8;
		le[2] = m->px[i] >> 16;
		le[3] = m->px[i] >> 24;
		crc = crc32_update(crc, le, 4);
	}
	return ~crc;
}
