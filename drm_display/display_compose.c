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
#include <linux/printk.h>
#include <linux/slab.h>

#if IS_REACHABLE(CONFIG_CRYPTO_HASH)
#include <crypto/hash.h>
#endif
#include <drm/drm_fourcc.h>
#include <kunit/visibility.h>

#include "display_compose.h"

struct shash_desc;

#if IS_REACHABLE(CONFIG_CRYPTO_HASH)
/*
 * A crypto API "crc32" faster than crc32_le() (6.12 has no arch version
 * of it on x86: slice-by-8 tables), seeded with ~0, or NULL. One for the
 * module: its key is set once, before any use, and the running state of
 * a CRC is in each shash_desc, so compositions share it.
 */
static struct crypto_shash *display_crc_tfm;
#endif

/**
 * display_compose_crc_init - pick the CRC-32 implementation
 *
 * May load the module of a crypto API "crc32"; without a fast one,
 * composition uses crc32_le().
 */
void __init display_compose_crc_init(void)
{
#if IS_REACHABLE(CONFIG_CRYPTO_HASH)
	/* Fast implementations first. */
	static const char *const display_crc_drivers[] = {
		"crc32-pclmul", "crc32",
	};
	const __le32 seed = cpu_to_le32(~0u);
	struct crypto_shash *tfm;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(display_crc_drivers); i++) {
		tfm = crypto_alloc_shash(display_crc_drivers[i], 0, 0);
		if (IS_ERR(tfm))
			continue;
		/* The generic one is crc32_le() behind indirect calls. */
		if (strcmp(crypto_shash_driver_name(tfm), "crc32-generic") &&
		    !crypto_shash_setkey(tfm, (const u8 *)&seed, sizeof(seed))) {
			display_crc_tfm = tfm;
			return;
		}
		crypto_free_shash(tfm);
	}
#endif
}

/**
 * display_compose_crc_exit - free what display_compose_crc_init() took
 *
 * No composition may run any more.
 */
void display_compose_crc_exit(void)
{
#if IS_REACHABLE(CONFIG_CRYPTO_HASH)
	if (display_crc_tfm)
		crypto_free_shash(display_crc_tfm);
	display_crc_tfm = NULL;
#endif
}

/**
 * display_compose_crc_driver - what computes composition's CRCs
 *
 * Return: the crypto API driver's name, or NULL for crc32_le().
 */
const char *display_compose_crc_driver(void)
{
#if IS_REACHABLE(CONFIG_CRYPTO_HASH)
	if (display_crc_tfm)
		return crypto_shash_driver_name(display_crc_tfm);
#endif
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(display_compose_crc_driver);

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

/* Layer @l's part of row @y into @buf->line: copied if opaque, else blended. */
static void compose_layer(struct display_compose_buf *buf,
			  const struct display_layer *l, unsigned int y)
{
	unsigned int n = l->dst.x2 - l->dst.x1;
	const u8 *row[2];

	layer_rows(l, y, row);
	if (l->opaque) {
		l->read(buf->line + l->dst.x1, row, l->sx, n);
		return;
	}
	l->read(buf->stage, row, l->sx, n);
	display_pixels_blend(buf->line + l->dst.x1, buf->stage, n, l->alpha,
			     l->blend);
}

/*
 * Blends layers @from and up into @buf->line for row @y, over black or,
 * when @from is not 0, over the opaque layer below it.
 */
static void compose_blend(const struct display_frame *frame,
			  struct display_compose_buf *buf, unsigned int y,
			  int from)
{
	int i;

	for (i = from; i < frame->num_layers; i++)
		if (layer_on_row(&frame->layers[i], y))
			compose_layer(buf, &frame->layers[i], y);
}

/* The topmost layer that hides the whole of row @y, or -1. */
static int row_base(const struct display_frame *frame, unsigned int y)
{
	const struct display_layer *l;
	int i;

	for (i = frame->num_layers - 1; i >= 0; i--) {
		l = &frame->layers[i];
		if (layer_on_row(l, y) && layer_fills_row(l, frame->width))
			break;
	}
	return i;
}

/* Columns x0 to x1 (excluded) of a row. */
struct compose_span {
	unsigned int x0, x1;
};

/*
 * The columns of row @y that layers above @base cover, as sorted,
 * disjoint spans, each holding whole layers. Returns how many.
 */
static int covered_spans(const struct display_frame *frame, unsigned int y,
			 int base, struct compose_span *sp)
{
	const struct display_layer *l;
	int i, j, n = 0;

	for (i = base + 1; i < frame->num_layers; i++) {
		l = &frame->layers[i];
		if (!layer_on_row(l, y) || l->dst.x1 >= l->dst.x2)
			continue;
		for (j = n; j > 0 && sp[j - 1].x0 > l->dst.x1; j--)
			sp[j] = sp[j - 1];
		sp[j].x0 = l->dst.x1;
		sp[j].x1 = l->dst.x2;
		n++;
	}
	for (i = 0, j = 0; i < n; i++) {
		if (j && sp[i].x0 <= sp[j - 1].x1)
			sp[j - 1].x1 = max(sp[j - 1].x1, sp[i].x1);
		else
			sp[j++] = sp[i];
	}
	return j;
}

/* Blends row @y into @buf->line and rounds it into @buf->canon. */
static void compose_row(const struct display_frame *frame,
			struct display_compose_buf *buf, unsigned int y,
			int base)
{
	if (base < 0) {
		black(buf->line, frame->width);
		base = 0;
	}
	compose_blend(frame, buf, y, base);
	display_pixels_quantize(buf->canon, buf->line, frame->width);
}

/*
 * Columns x0 to x1 of row @y, a span of covered_spans(): the opaque layer
 * @base with the layers above it that lie in the span, blended in
 * @buf->line and rounded into @buf->canon.
 */
static void compose_span(const struct display_frame *frame,
			 struct display_compose_buf *buf, unsigned int y,
			 int base, unsigned int x0, unsigned int x1)
{
	const struct display_layer *l = &frame->layers[base];
	const u8 *row[2];
	int i;

	layer_rows(l, y, row);
	l->read(buf->line + x0, row, l->sx + x0 - l->dst.x1, x1 - x0);
	for (i = base + 1; i < frame->num_layers; i++) {
		l = &frame->layers[i];
		if (!layer_on_row(l, y) || l->dst.x1 < x0 || l->dst.x2 > x1)
			continue;
		compose_layer(buf, l, y);
	}
	display_pixels_quantize(buf->canon + x0, buf->line + x0, x1 - x0);
}

/* Opaque ARGB8888, the format of @buf->canon, written as it is. */
static bool target_takes_canon(u32 format)
{
	return format == DRM_FORMAT_XRGB8888 || format == DRM_FORMAT_ARGB8888;
}

static unsigned int target_cpp(u32 format)
{
	return format == DRM_FORMAT_RGB565 ? 2 : 4;
}

static u8 *target_at(const struct display_wb_target *t, unsigned int y,
		     unsigned int x)
{
	return t->vaddr + (size_t)y * t->pitch + x * target_cpp(t->format);
}

/*
 * Writes columns @x to @x + @n of row @y, composed in @buf->line and
 * @buf->canon, to every target.
 */
static void write_span(struct list_head *targets,
		       struct display_compose_buf *buf, unsigned int y,
		       unsigned int x, unsigned int n)
{
	struct display_wb_target *t;

	list_for_each_entry(t, targets, link)
		if (t->format != DRM_FORMAT_NV12)
			display_pixels_write(t->format, target_at(t, y, x),
					     buf->line + x, buf->canon + x, n);
}

/* Whether a target needs whole rows of @buf->canon: NV12 pairs pixels. */
static bool targets_need_canon(struct list_head *targets)
{
	struct display_wb_target *t;

	list_for_each_entry(t, targets, link)
		if (t->format == DRM_FORMAT_NV12)
			return true;
	return false;
}

/* Writes row @y, whole in @buf->canon, to the NV12 targets. */
static void write_row_nv12(struct list_head *targets,
			   struct display_compose_buf *buf, unsigned int y,
			   unsigned int width)
{
	struct display_wb_target *t;

	list_for_each_entry(t, targets, link)
		if (t->format == DRM_FORMAT_NV12)
			display_pixels_write_nv12(t->vaddr + (size_t)y * t->pitch,
						  t->chroma + (size_t)(y / 2) * t->chroma_pitch,
						  buf->canon, width, y & 1);
}

/*
 * Writes columns @x to @x + @n of row @y, which show the pixels at @src
 * unchanged, to every target: straight from @src to the targets in
 * canon's format (one pass, no copy of a copy); through @buf->canon,
 * computed unless @canon_valid, and @buf->line to the others.
 */
static void write_span_copied(struct list_head *targets,
			      struct display_compose_buf *buf,
			      unsigned int y, unsigned int x, unsigned int n,
			      const __le32 *src, bool canon_valid)
{
	struct display_wb_target *t;
	bool line_valid = false;

	list_for_each_entry(t, targets, link) {
		/* NV12 pairs pixels: written whole rows, from canon. */
		if (t->format == DRM_FORMAT_NV12)
			continue;
		if (target_takes_canon(t->format)) {
			display_pixels_copy_opaque((__le32 *)target_at(t, y, x),
						   src, n);
			continue;
		}
		if (!canon_valid) {
			display_pixels_copy_opaque(buf->canon + x, src, n);
			canon_valid = true;
		}
		if (!line_valid && display_pixels_write_needs_line(t->format)) {
			display_pixels_expand(buf->line + x, buf->canon + x, n);
			line_valid = true;
		}
		display_pixels_write(t->format, target_at(t, y, x),
				     buf->line + x, buf->canon + x, n);
	}
}

/*
 * Row @y over the opaque XRGB8888-like layer @base, which hides the whole
 * row: the columns no layer above covers are its pixels, copied (into
 * @buf->canon when @canon, and into the targets); only the spans that the
 * layers above cover are blended at 16 bits per channel. Copying is
 * exact: display_pixels_copy_opaque() gives what reading to 16 bits and
 * rounding back would. Returns whether the whole row was copied.
 */
static bool compose_over_copy(const struct display_frame *frame,
			      struct display_compose_buf *buf, unsigned int y,
			      int base, bool canon, struct list_head *targets)
{
	const struct display_layer *b = &frame->layers[base];
	struct compose_span sp[DISPLAY_FRAME_MAX_LAYERS];
	unsigned int x = 0, end;
	const __le32 *src;
	const u8 *row[2];
	int i, n;

	n = covered_spans(frame, y, base, sp);
	layer_rows(b, y, row);
	/* @base fills the row: column x is its pixel sx + x. */
	src = (const __le32 *)row[0] + b->sx;
	for (i = 0; i <= n; i++) {
		end = i < n ? sp[i].x0 : frame->width;
		if (x < end) {
			if (canon)
				display_pixels_copy_opaque(buf->canon + x,
							   src + x, end - x);
			write_span_copied(targets, buf, y, x, end - x, src + x,
					  canon);
		}
		if (i == n)
			break;
		compose_span(frame, buf, y, base, sp[i].x0, sp[i].x1);
		write_span(targets, buf, y, sp[i].x0, sp[i].x1 - sp[i].x0);
		x = sp[i].x1;
	}
	return !n;
}

/*
 * The running CRC of a composition: the crypto API's "crc32" when
 * display_compose_crc_init() found a fast one (PCLMULQDQ on x86),
 * crc32_le() otherwise. The same value either way. @err: the first error
 * of the crypto API, after which the CRC is lost.
 */
struct compose_crc {
	u32 value;
	struct shash_desc *desc;
	int err;
};

/* Starts a CRC in @desc, or with crc32_le() when @desc is NULL. */
static void crc_begin(struct compose_crc *c, struct shash_desc *desc)
{
	c->value = ~0u;
	c->desc = NULL;
	c->err = 0;
#if IS_REACHABLE(CONFIG_CRYPTO_HASH)
	if (desc && display_crc_tfm) {
		desc->tfm = display_crc_tfm;
		if (!crypto_shash_init(desc))
			c->desc = desc;
	}
#endif
}

static void crc_update(struct compose_crc *c, const __le32 *p, unsigned int n)
{
#if IS_REACHABLE(CONFIG_CRYPTO_HASH)
	if (c->desc) {
		if (!c->err)
			c->err = crypto_shash_update(c->desc, (const u8 *)p,
						     n * sizeof(*p));
		return;
	}
#endif
	c->value = crc32_le(c->value, (const u8 *)p, n * sizeof(*p));
}

/* Ends a CRC: 0 and the value in @value, or the crypto API's error. */
static int crc_end(struct compose_crc *c, u32 *value)
{
#if IS_REACHABLE(CONFIG_CRYPTO_HASH)
	__le32 raw;

	if (c->desc) {
		if (!c->err)
			c->err = crypto_shash_final(c->desc, (u8 *)&raw);
		if (c->err)
			return c->err;
		*value = ~le32_to_cpu(raw);
		return 0;
	}
#endif
	*value = ~c->value;
	return 0;
}

/*
 * Composes every row of @frame into @targets and into @c, the running
 * CRC, unless @c is NULL.
 */
static void compose_rows(const struct display_frame *frame,
			 struct display_compose_buf *buf,
			 struct compose_crc *c, struct list_head *targets,
			 u64 *copy_rows)
{
	bool nv12 = targets_need_canon(targets);
	unsigned int y;
	int base;

	for (y = 0; y < frame->height; y++) {
		base = row_base(frame, y);
		if (base >= 0 && frame->layers[base].copy) {
			if (compose_over_copy(frame, buf, y, base, c || nv12,
					      targets))
				(*copy_rows)++;
		} else {
			compose_row(frame, buf, y, base);
			write_span(targets, buf, y, 0, frame->width);
		}
		if (c)
			crc_update(c, buf->canon, frame->width);
		if (nv12)
			write_row_nv12(targets, buf, y, frame->width);
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
#if IS_REACHABLE(CONFIG_CRYPTO_HASH)
	SHASH_DESC_ON_STACK(desc, display_crc_tfm);
#else
	struct shash_desc *desc = NULL;
#endif
	struct compose_crc c;
	LIST_HEAD(no_targets);
	u64 again = 0;
	u32 value;
	int err;

	if (!crc) {
		compose_rows(frame, buf, NULL, targets, copy_rows);
		return 0;
	}

	crc_begin(&c, desc);
	compose_rows(frame, buf, &c, targets, copy_rows);
	err = crc_end(&c, &value);
	if (!err)
		return value;

	/*
	 * The crypto API failed (crc32's implementations never do), and
	 * with it the CRC: the frame again for its CRC alone, with
	 * crc32_le(), rather than a wrong value.
	 */
	pr_warn_once("drm_display: crypto API crc32 failed (%d), using crc32_le()\n",
		     err);
	crc_begin(&c, NULL);
	compose_rows(frame, buf, &c, &no_targets, &again);
	crc_end(&c, &value);
	return value;
}
EXPORT_SYMBOL_IF_KUNIT(display_compose);
