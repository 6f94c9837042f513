/* SPDX-License-Identifier: MIT */
/*
 * The picture of one frame of the zero-copy demo, as a pure function of
 * the frame number and the size: the demo draws it into its buffers, and
 * whoever checks a capture (the demo itself, igt-tests/demo_zero_copy.c)
 * computes what each pixel must read. Header only, so that the test can
 * share it without linking the demo.
 *
 * A red ramp that slides with the frame number over a green ramp that
 * grows downwards, a white bar that moves across, the ring buffer in use
 * as one lit box of three in the top left corner, and the frame number in
 * seven-segment digits on a white panel in the middle. Everything but the
 * ramps is rectangles, so drawing fills rows fast and the expected colour
 * of a pixel is a short search.
 */
#ifndef DEMO_PATTERN_H
#define DEMO_PATTERN_H

#include <stdint.h>

#include <drm_fourcc.h>

/* Buffers in the ring: frame f is drawn into buffer f % DEMO_RING. */
#define DEMO_RING		3
#define PATTERN_DIGITS		4
#define PATTERN_MAX_RECTS	(2 + 1 + DEMO_RING + 1 + 7 * PATTERN_DIGITS)

/**
 * struct pattern_rect - a filled rectangle of the picture
 * @x: left column
 * @y: top row
 * @w: width
 * @h: height
 * @rgb: 0xRRGGBB
 */
struct pattern_rect {
	uint32_t x, y, w, h;
	uint32_t rgb;
};

/**
 * struct pattern - one frame's picture
 * @w: width in pixels
 * @h: height in pixels
 * @frame: frame number
 * @num_rects: rectangles in @rects, drawn in order over the ramps
 * @rects: the rectangles
 */
struct pattern {
	uint32_t w, h, frame;
	int num_rects;
	struct pattern_rect rects[PATTERN_MAX_RECTS];
};

static inline void pattern_add(struct pattern *p, uint32_t x, uint32_t y,
			       uint32_t w, uint32_t h, uint32_t rgb)
{
	if (!w || !h || x >= p->w || y >= p->h)
		return;
	if (w > p->w - x)
		w = p->w - x;
	if (h > p->h - y)
		h = p->h - y;
	p->rects[p->num_rects++] = (struct pattern_rect){ x, y, w, h, rgb };
}

/* Segments a..g of a seven-segment digit, bit 0 = a. */
static inline uint32_t pattern_segments(unsigned int digit)
{
	static const uint8_t seg[10] = {
		0x3f, 0x06, 0x5b, 0x4f, 0x66, 0x6d, 0x7d, 0x07, 0x7f, 0x6f,
	};

	return seg[digit % 10];
}

/* One digit in the cell at (x, y) of @dw x @dh, segments @t thick. */
static inline void pattern_digit(struct pattern *p, uint32_t x, uint32_t y,
				 uint32_t dw, uint32_t dh, uint32_t t,
				 unsigned int digit)
{
	uint32_t segs = pattern_segments(digit), half = dh / 2;
	const uint32_t ink = 0x202020;

	if (segs & 0x01)
		pattern_add(p, x, y, dw, t, ink);			/* a */
	if (segs & 0x02)
		pattern_add(p, x + dw - t, y, t, half + t / 2, ink);	/* b */
	if (segs & 0x04)
		pattern_add(p, x + dw - t, y + half - t / 2, t,
			    dh - half + t / 2, ink);			/* c */
	if (segs & 0x08)
		pattern_add(p, x, y + dh - t, dw, t, ink);		/* d */
	if (segs & 0x10)
		pattern_add(p, x, y + half - t / 2, t, dh - half + t / 2,
			    ink);					/* e */
	if (segs & 0x20)
		pattern_add(p, x, y, t, half + t / 2, ink);		/* f */
	if (segs & 0x40)
		pattern_add(p, x, y + half - t / 2, dw, t, ink);	/* g */
}

/* The picture of frame @frame at @w x @h (both at least 64). */
static inline void pattern_init(struct pattern *p, uint32_t w, uint32_t h,
				uint32_t frame)
{
	static const uint32_t lit[DEMO_RING] = { 0xe03c3c, 0x3cc83c, 0x3c64f0 };
	uint32_t dw = w / 12, dh = h / 4, t = dw / 5 ? dw / 5 : 1;
	uint32_t gap = dw / 3, pw, ph, px, py, box = w / 24, bar = w / 40;
	unsigned int i, n = frame;

	p->w = w;
	p->h = h;
	p->frame = frame;
	p->num_rects = 0;

	/* The moving bar, with a dark edge so that it shows on white. */
	pattern_add(p, (frame * 12) % (w - bar - 2), 0, bar + 2, h, 0x000000);
	pattern_add(p, (frame * 12) % (w - bar - 2) + 1, 0, bar, h, 0xffffff);

	/* The ring: the box of this frame's buffer lit. */
	pattern_add(p, box / 2, box / 2, (box * 3 / 2) * DEMO_RING + box / 2,
		    box * 2, 0x101010);
	for (i = 0; i < DEMO_RING; i++)
		pattern_add(p, box + i * (box * 3 / 2), box, box, box,
			    i == frame % DEMO_RING ? lit[i] : 0x484848);

	/* The frame number on its panel. */
	pw = PATTERN_DIGITS * dw + (PATTERN_DIGITS + 1) * gap;
	ph = dh + 2 * gap;
	px = (w - pw) / 2;
	py = (h - ph) / 2;
	pattern_add(p, px, py, pw, ph, 0xf0f0f0);
	for (i = 0; i < PATTERN_DIGITS; i++) {
		pattern_digit(p, px + pw - (i + 1) * (dw + gap), py + gap,
			      dw, dh, t, n % 10);
		n /= 10;
	}
}

/* The ramps under the rectangles: red by column, green by row. */
static inline uint32_t pattern_red(const struct pattern *p, uint32_t x)
{
	return (x * 256 / p->w + p->frame * 4) & 0xff;
}

static inline uint32_t pattern_green(const struct pattern *p, uint32_t y)
{
	return y * 255 / (p->h - 1);
}

static inline uint32_t pattern_blue(const struct pattern *p)
{
	return 0x50 + (p->frame * 2 & 0x3f);
}

/* 0xRRGGBB of the pixel at (x, y). */
static inline uint32_t pattern_rgb(const struct pattern *p, uint32_t x,
				   uint32_t y)
{
	const struct pattern_rect *r;
	int i;

	for (i = p->num_rects - 1; i >= 0; i--) {
		r = &p->rects[i];
		if (x >= r->x && x - r->x < r->w && y >= r->y && y - r->y < r->h)
			return r->rgb;
	}
	return pattern_red(p, x) << 16 | pattern_green(p, y) << 8 |
	       pattern_blue(p);
}

/* ---- formats ------------------------------------------------------------ */

/* 8-bit 0xRRGGBB stored as a pixel of @format (4 or 2 bytes). */
static inline uint32_t pattern_pack(uint32_t format, uint32_t rgb)
{
	uint32_t r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;

	switch (format) {
	case DRM_FORMAT_RGB565:
		return (r >> 3) << 11 | (g >> 2) << 5 | b >> 3;
	case DRM_FORMAT_XRGB2101010:
		return 3u << 30 | (r << 2 | r >> 6) << 20 |
		       (g << 2 | g >> 6) << 10 | (b << 2 | b >> 6);
	default:
		return 0xff000000 | rgb;
	}
}

/* drm_display widens a channel of @bits to 16 by replicating its bits. */
static inline uint32_t pattern_widen(uint32_t v, unsigned int bits)
{
	uint32_t c = 0;
	int shift;

	for (shift = 16 - bits; shift > -(int)bits; shift -= bits)
		c |= shift >= 0 ? v << shift : v >> -shift;
	return c & 0xffff;
}

/* ... and narrows 16 bits to 8 rounding to the nearest. */
static inline uint32_t pattern_narrow8(uint32_t c)
{
	return (c * 255 + 0x7fff) / 0xffff;
}

/*
 * What an XRGB8888 writeback of a plane in @format showing @rgb reads:
 * the colour stored in @format, widened and rounded back to 8 bits.
 */
static inline uint32_t pattern_through(uint32_t format, uint32_t rgb)
{
	uint32_t px = pattern_pack(format, rgb);

	switch (format) {
	case DRM_FORMAT_RGB565:
		return pattern_narrow8(pattern_widen(px >> 11 & 0x1f, 5)) << 16 |
		       pattern_narrow8(pattern_widen(px >> 5 & 0x3f, 6)) << 8 |
		       pattern_narrow8(pattern_widen(px & 0x1f, 5));
	case DRM_FORMAT_XRGB2101010:
		return pattern_narrow8(pattern_widen(px >> 20 & 0x3ff, 10)) << 16 |
		       pattern_narrow8(pattern_widen(px >> 10 & 0x3ff, 10)) << 8 |
		       pattern_narrow8(pattern_widen(px & 0x3ff, 10));
	default:
		return rgb;
	}
}

#endif /* DEMO_PATTERN_H */
