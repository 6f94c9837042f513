// SPDX-License-Identifier: GPL-2.0-only
/*
 * Composition of a frame, row by row: the planes blended over opaque
 * black in zpos order, then the row's CRC and its copy in each writeback
 * buffer.
 *
 * The CRC is the standard CRC-32 of the frame as opaque little-endian
 * ARGB8888 (rows of width pixels, no padding): what the frame looks like
 * at 8 bits per channel, whatever the formats of its planes. X bits do
 * not count, a black frame has a CRC other than 0, and two frames that
 * differ in one pixel have different CRCs.
 */

#include <linux/crc32.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <drm/drm_fourcc.h>
#include <kunit/visibility.h>

#include "display_compose.h"

/**
 * display_compose_buf_init - allocate the rows of composition
 * @buf: the rows
 * @width: the widest frame
 *
 * Return: 0 or -ENOMEM.
 */
int display_compose_buf_init(struct display_compose_buf *buf,
			     unsigned int width)
{
	buf->line = kvcalloc(width, sizeof(*buf->line), GFP_KERNEL);
	buf->stage = kvcalloc(width, sizeof(*buf->stage), GFP_KERNEL);
	buf->canon = kvcalloc(width, sizeof(*buf->canon), GFP_KERNEL);
	buf->width = width;
	if (buf->line && buf->stage && buf->canon)
		return 0;

	display_compose_buf_fini(buf);
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(display_compose_buf_init);

/**
 * display_compose_buf_fini - free the rows of composition
 * @buf: the rows
 */
void display_compose_buf_fini(struct display_compose_buf *buf)
{
	kvfree(buf->line);
	kvfree(buf->stage);
	kvfree(buf->canon);
	memset(buf, 0, sizeof(*buf));
}
EXPORT_SYMBOL_IF_KUNIT(display_compose_buf_fini);

static bool layer_on_row(const struct display_layer *l, unsigned int y)
{
	return y >= l->dst.y1 && y < l->dst.y2;
}

static bool layer_fills_row(const struct display_layer *l, unsigned int width)
{
	return l->opaque && l->dst.x1 == 0 && l->dst.x2 == width;
}

/* The rows of each plane of @l's format that frame row @y shows. */
static void layer_rows(const struct display_layer *l, unsigned int y,
		       const u8 *row[2])
{
	unsigned int sy = l->sy + y - l->dst.y1;

	row[0] = l->vaddr[0] + (size_t)sy * l->pitch[0];
	/* Two-plane formats here have vertically halved chroma (NV12). */
	row[1] = l->vaddr[1] ? l->vaddr[1] + (size_t)(sy / 2) * l->pitch[1] :
		 NULL;
}

static void black(struct display_argb16 *line, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		line[i] = (struct display_argb16){ .a = 0xffff };
}

/*
 * Blends layers @from and up into @buf->line for row @y, over black or,
 * when @from is not 0, over the opaque layer below it.
 */
static void compose_blend(const struct display_frame *frame,
			  struct display_compose_buf *buf, unsigned int y,
			  int from)
{
	const struct display_layer *l;
	const u8 *row[2];
	unsigned int n;
	int i;

	for (i = from; i < frame->num_layers; i++) {
		l = &frame->layers[i];
		if (!layer_on_row(l, y))
			continue;
		layer_rows(l, y, row);
		n = l->dst.x2 - l->dst.x1;
		if (l->opaque) {
			l->read(buf->line + l->dst.x1, row, l->sx, n);
			continue;
		}
		l->read(buf->stage, row, l->sx, n);
		display_pixels_blend(buf->line + l->dst.x1, buf->stage, n,
				     l->alpha, l->blend);
	}
}

/*
 * Composes row @y into @buf->canon, and into @buf->line unless the row is
 * one layer's pixels copied as they are. Returns whether @buf->line holds
 * the row.
 */
static bool compose_row(const struct display_frame *frame,
			struct display_compose_buf *buf, unsigned int y)
{
	const struct display_layer *l;
	bool covered = false;
	const u8 *row[2];
	int base;

	/* Nothing below the topmost layer that hides the whole row counts. */
	for (base = frame->num_layers - 1; base >= 0; base--) {
		l = &frame->layers[base];
		if (!layer_on_row(l, y))
			continue;
		if (layer_fills_row(l, frame->width))
			break;
		covered = true;
	}

	if (base >= 0 && !covered && l->copy) {
		layer_rows(l, y, row);
		display_pixels_copy_opaque(buf->canon,
					   (const __le32 *)row[0] + l->sx,
					   frame->width);
		return false;
	}

	if (base < 0) {
		black(buf->line, frame->width);
		base = 0;
	}
	compose_blend(frame, buf, y, base);
	display_pixels_quantize(buf->canon, buf->line, frame->width);
	return true;
}

static void write_targets(struct list_head *targets,
			  struct display_compose_buf *buf, unsigned int y,
			  unsigned int width, bool line_valid)
{
	struct display_wb_target *t;

	list_for_each_entry(t, targets, link) {
		if (t->format == DRM_FORMAT_NV12) {
			display_pixels_write_nv12(t->vaddr + (size_t)y * t->pitch,
						  t->chroma + (size_t)(y / 2) * t->chroma_pitch,
						  buf->canon, width, y & 1);
			continue;
		}
		if (!line_valid && display_pixels_write_needs_line(t->format)) {
			display_pixels_expand(buf->line, buf->canon, width);
			line_valid = true;
		}
		display_pixels_write(t->format, t->vaddr + (size_t)y * t->pitch,
				     buf->line, buf->canon, width);
	}
}

/**
 * display_compose - compose a frame
 * @frame: the frame; its layers must lie inside it
 * @buf: rows at least as wide as @frame
 * @crc: compute the CRC
 * @targets: list of &struct display_wb_target to write the frame to, of
 *           @frame's size
 * @copy_rows: incremented by the rows copied without conversion
 *
 * Return: the CRC when @crc is set, else 0.
 */
u32 display_compose(const struct display_frame *frame,
		    struct display_compose_buf *buf, bool crc,
		    struct list_head *targets, u64 *copy_rows)
{
	u32 value = ~0u;
	bool line_valid;
	unsigned int y;

	for (y = 0; y < frame->height; y++) {
		line_valid = compose_row(frame, buf, y);
		if (!line_valid)
			(*copy_rows)++;
		if (crc)
			value = crc32_le(value, (const u8 *)buf->canon,
					 frame->width * sizeof(*buf->canon));
		write_targets(targets, buf, y, frame->width, line_valid);
	}

	return crc ? ~value : 0;
}
EXPORT_SYMBOL_IF_KUNIT(display_compose);
