// SPDX-License-Identifier: MIT
/*
 * Writing captures as PNG files with libpng: each frame at full size,
 * and an overview of all of them as a grid of thumbnails, each framed in
 * green (the frame drawn, shown pixel for pixel), red (its flip skipped:
 * the capture shows the frame kept on screen) or orange (shown, but not
 * as drawn: a frame scanned out before it was finished, --sync=none),
 * with the number of the frame whose commit captured it underneath.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <png.h>

#include "demo.h"

#define TILE_W		256
#define BORDER		4
#define GAP		8
#define COLUMNS		4
#define BACKGROUND	0x202020
#define CAPTION		28
#define CAPTION_INK	0xe0e0e0

/* Writes @h rows of 8-bit RGB from @row(ctx, y, out) to @path. */
static void write_rows(const char *path, uint32_t w, uint32_t h, int level,
			   void (*row)(const void *ctx, uint32_t y, uint8_t *out),
			   const void *ctx)
{
	png_structp png;
	png_infop info;
	uint8_t *line;
	FILE *f;
	uint32_t y;

	f = fopen(path, "wb");
	if (!f)
		die_errno(path);
	line = malloc(w * 3);
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png ? png_create_info_struct(png) : NULL;
	if (!line || !info)
		die("libpng: out of memory\n");
	if (setjmp(png_jmpbuf(png)))
		die("libpng could not write %s\n", path);
	png_init_io(png, f);
	png_set_compression_level(png, level);
	png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < h; y++) {
		row(ctx, y, line);
		png_write_row(png, line);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(line);
	if (fclose(f))
		die_errno(path);
}

struct xrgb_image {
	const uint8_t *map;
	uint32_t w, pitch;
};

static void xrgb_row(const void *ctx, uint32_t y, uint8_t *out)
{
	const struct xrgb_image *img = ctx;
	const uint32_t *src = (const uint32_t *)(img->map + (size_t)y * img->pitch);
	uint32_t x;

	for (x = 0; x < img->w; x++) {
		out[3 * x] = src[x] >> 16;
		out[3 * x + 1] = src[x] >> 8;
		out[3 * x + 2] = src[x];
	}
}

/* An XRGB8888 image as an RGB PNG; @level: zlib's 0 (none) to 9 (best). */
void png_write_xrgb(const char *path, const uint8_t *map, uint32_t w,
		    uint32_t h, uint32_t pitch, int level)
{
	struct xrgb_image img = { .map = map, .w = w, .pitch = pitch };

	write_rows(path, w, h, level, xrgb_row, &img);
}

/* ---- the overview ------------------------------------------------------- */

struct overview {
	const struct demo *d;
	uint32_t scale, tw, th, cols, w, h;
	struct pattern captions[MAX_CAPTURES];
};

/* The frame number in seven-segment digits, centred in a tw x CAPTION strip. */
static void caption_init(struct pattern *p, uint32_t tw, unsigned int frame)
{
	const uint32_t dw = 10, dh = 18, t = 2, gap = 4;
	const uint32_t x0 = (tw - PATTERN_DIGITS * (dw + gap)) / 2;
	unsigned int i;

	p->w = tw;
	p->h = CAPTION;
	p->num_rects = 0;
	for (i = 0; i < PATTERN_DIGITS; i++, frame /= 10)
		pattern_digit(p, x0 + (PATTERN_DIGITS - 1 - i) * (dw + gap),
			      (CAPTION - dh) / 2, dw, dh, t, frame % 10);
}

static uint32_t caption_pixel(const struct pattern *p, uint32_t x, uint32_t y)
{
	int i;

	for (i = 0; i < p->num_rects; i++) {
		const struct pattern_rect *r = &p->rects[i];

		if (x >= r->x && x - r->x < r->w && y >= r->y && y - r->y < r->h)
			return CAPTION_INK;
	}
	return BACKGROUND;
}

static uint32_t border_colour(const struct capture *c)
{
	if (!c->done)
		return 0x808080;
	if (c->shows != c->frame)
		return 0xe02020;
	return c->wrong ? 0xf09020 : 0x20c040;
}

/* The average of the @s x @s block at (x, y) of a capture, 0xRRGGBB. */
static uint32_t box(const struct capture *c, uint32_t x, uint32_t y,
		    uint32_t s)
{
	uint32_t r = 0, g = 0, b = 0, i, j, px, n = s * s;

	for (j = 0; j < s; j++) {
		const uint32_t *row = (const uint32_t *)(c->map +
			(size_t)(y + j) * c->pitch);

		for (i = 0; i < s; i++) {
			px = row[x + i];
			r += px >> 16 & 0xff;
			g += px >> 8 & 0xff;
			b += px & 0xff;
		}
	}
	return (r / n) << 16 | (g / n) << 8 | b / n;
}

/* 0xRRGGBB of the overview at (x, y). */
static uint32_t overview_pixel(const struct overview *ov, uint32_t x,
			       uint32_t y)
{
	const uint32_t cell_w = ov->tw + 2 * BORDER + GAP;
	const uint32_t cell_h = ov->th + 2 * BORDER + CAPTION + GAP;
	uint32_t col, rowi, cx, cy, i;
	const struct capture *c;

	if (x < GAP || y < GAP)
		return BACKGROUND;
	col = (x - GAP) / cell_w;
	rowi = (y - GAP) / cell_h;
	cx = (x - GAP) % cell_w;
	cy = (y - GAP) % cell_h;
	i = rowi * ov->cols + col;
	if (col >= ov->cols || i >= ov->d->num_caps || cx >= ov->tw + 2 * BORDER)
		return BACKGROUND;
	if (cy >= ov->th + 2 * BORDER + CAPTION)
		return BACKGROUND;
	if (cy >= ov->th + 2 * BORDER)
		return cx < BORDER || cx >= ov->tw + BORDER ? BACKGROUND :
		       caption_pixel(&ov->captions[i], cx - BORDER,
				     cy - ov->th - 2 * BORDER);
	c = &ov->d->caps[i];
	if (cx < BORDER || cy < BORDER || cx >= ov->tw + BORDER ||
	    cy >= ov->th + BORDER)
		return border_colour(c);
	return box(c, (cx - BORDER) * ov->scale, (cy - BORDER) * ov->scale,
		   ov->scale);
}

static void overview_row(const void *ctx, uint32_t y, uint8_t *out)
{
	const struct overview *ov = ctx;
	uint32_t x, px;

	for (x = 0; x < ov->w; x++) {
		px = overview_pixel(ov, x, y);
		out[3 * x] = px >> 16;
		out[3 * x + 1] = px >> 8;
		out[3 * x + 2] = px;
	}
}

/* Every capture, scaled down by a whole factor to about TILE_W wide. */
void png_write_overview(const char *path, const struct demo *d)
{
	const uint32_t w = d->out.mode.hdisplay, h = d->out.mode.vdisplay;
	struct overview *ov = calloc(1, sizeof(*ov));
	uint32_t rows, i;

	if (!ov)
		die("out of memory\n");
	ov->d = d;
	ov->scale = w > TILE_W ? (w + TILE_W - 1) / TILE_W : 1;
	ov->tw = w / ov->scale;
	ov->th = h / ov->scale;
	ov->cols = d->num_caps < COLUMNS ? d->num_caps : COLUMNS;
	rows = (d->num_caps + ov->cols - 1) / ov->cols;
	ov->w = GAP + ov->cols * (ov->tw + 2 * BORDER + GAP);
	ov->h = GAP + rows * (ov->th + 2 * BORDER + CAPTION + GAP);
	for (i = 0; i < d->num_caps; i++)
		caption_init(&ov->captions[i], ov->tw, d->caps[i].frame);
	write_rows(path, ov->w, ov->h, 9, overview_row, ov);
	free(ov);
}

/* mkdir -p */
static void make_dir(const char *dir)
{
	char path[256], *p;

	snprintf(path, sizeof(path), "%s", dir);
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			die_errno(path);
		*p = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		die_errno(path);
}

/*
 * Every capture as frame-NNNN.png (fast compression: the guest is slow)
 * and overview.png, in --png's directory.
 */
void png_write_captures(struct demo *d)
{
	const uint32_t w = d->out.mode.hdisplay, h = d->out.mode.vdisplay;
	char path[300];
	unsigned int i;

	if (!d->o.png_dir || !d->num_caps)
		return;
	make_dir(d->o.png_dir);
	for (i = 0; i < d->num_caps; i++) {
		struct capture *c = &d->caps[i];

		snprintf(c->png, sizeof(c->png), "%s/frame-%04u.png",
			 d->o.png_dir, c->frame);
		png_write_xrgb(c->png, c->map, w, h, c->pitch, 1);
	}
	snprintf(path, sizeof(path), "%s/overview.png", d->o.png_dir);
	png_write_overview(path, d);
}
