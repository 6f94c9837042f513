/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * drm_display: composition of a CRTC's planes into the frame it shows,
 * for CRC capture and writeback.
 */
#ifndef _DISPLAY_COMPOSE_H_
#define _DISPLAY_COMPOSE_H_

#include <linux/iosys-map.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <drm/drm_fourcc.h>
#include <drm/drm_rect.h>

struct drm_atomic_state;
struct drm_crtc;
struct drm_framebuffer;
struct drm_plane_state;
struct display_fbmap;

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

void display_pixels_init(void);
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
void display_pixels_write_nv12(u8 *luma, u8 *chroma, const __le32 *canon,
			       unsigned int n, bool second);
void display_pixels_write(u32 format, u8 *dst,
			  const struct display_argb16 *line,
			  const __le32 *canon, unsigned int n);
#if IS_ENABLED(CONFIG_KUNIT)
unsigned int display_pixels_copy_opaque_simd(__le32 *dst, const __le32 *src,
					     unsigned int n);
#endif

/* ---- frames composed row by row (display_compose.c) ---- */

/* Primary, cursor and the most overlays a CRTC can have, with room. */
#define DISPLAY_FRAME_MAX_LAYERS	8

/**
 * struct display_layer - one plane of a frame, ready to be read
 * @fbm: mapping it reads, referenced (NULL in KUnit tests)
 * @read: converter for its format
 * @vaddr: first byte of each plane of the format
 * @pitch: bytes per row of each plane of the format
 * @dst: the pixels it covers, inside the frame
 * @sx: source column of @dst's left edge
 * @sy: source row of @dst's top edge
 * @alpha: plane alpha
 * @blend: pixel blend mode
 * @opaque: covers what is below it completely
 * @copy: opaque XRGB8888-like pixels, copied as they are
 * @zpos: normalized zpos, the sort key
 */
struct display_layer {
	struct display_fbmap *fbm;
	display_read_row_t read;
	const u8 *vaddr[2];
	unsigned int pitch[2];
	struct drm_rect dst;
	unsigned int sx, sy;
	u16 alpha;
	u16 blend;
	bool opaque;
	bool copy;
	unsigned int zpos;
};

/**
 * struct display_frame - what a CRTC shows, bottom layer first
 * @ref: references: the output's, and the worker's while it composes
 * @width: pixels
 * @height: rows
 * @num_layers: layers in use
 * @layers: the visible planes by zpos
 */
struct display_frame {
	struct kref ref;
	unsigned int width, height;
	unsigned int num_layers;
	struct display_layer layers[DISPLAY_FRAME_MAX_LAYERS];
};

/**
 * struct display_wb_target - a buffer a composed frame is written to
 * @link: entry in a list of targets of one composition
 * @vaddr: first pixel (NV12: of the luma plane)
 * @pitch: bytes per row (NV12: of the luma plane)
 * @format: DRM fourcc, one display_pixels_can_write() accepts
 * @chroma: NV12 only: first sample pair of the chroma plane
 * @chroma_pitch: NV12 only: bytes per row of the chroma plane
 */
struct display_wb_target {
	struct list_head link;
	u8 *vaddr;
	unsigned int pitch;
	u32 format;
	u8 *chroma;
	unsigned int chroma_pitch;
};

/**
 * struct display_compose_buf - the rows composition works in
 * @line: the row being composed
 * @stage: a plane's pixels before they are blended into @line
 * @canon: @line at 8 bits per channel, what the CRC covers
 * @width: pixels each can hold
 */
struct display_compose_buf {
	struct display_argb16 *line;
	struct display_argb16 *stage;
	__le32 *canon;
	unsigned int width;
};

void display_compose_crc_init(void);
void display_compose_crc_exit(void);
int display_compose_buf_init(struct display_compose_buf *buf,
			     unsigned int width);
void display_compose_buf_fini(struct display_compose_buf *buf);
u32 display_compose(const struct display_frame *frame,
		    struct display_compose_buf *buf, bool crc,
		    struct list_head *targets, u64 *copy_rows);
const char *display_compose_crc_driver(void);

/* ---- what a CRTC shows (display_frame.c) ---- */

/**
 * struct display_fbmap - a framebuffer mapped for the CPU, shared by the
 * plane states and frames that show it
 * @ref: references; the last one unmaps, so it is dropped where
 *       sleeping is allowed
 * @fb: the framebuffer, referenced
 * @map: mapping of each buffer object
 * @data: the same with the framebuffer's offsets applied
 */
struct display_fbmap {
	struct kref ref;
	struct drm_framebuffer *fb;
	struct iosys_map map[DRM_FORMAT_MAX_PLANES];
	struct iosys_map data[DRM_FORMAT_MAX_PLANES];
};

/**
 * struct display_geom - where a plane shows its framebuffer
 * @src: source rectangle, 16.16 fixed point, clipped
 * @dst: destination rectangle on the CRTC, clipped
 * @alpha: plane alpha
 * @blend: pixel blend mode, DRM_MODE_BLEND_*
 * @zpos: normalized zpos
 * @visible: the plane shows something
 */
struct display_geom {
	struct drm_rect src;
	struct drm_rect dst;
	u16 alpha;
	u16 blend;
	unsigned int zpos;
	bool visible;
};

struct display_fbmap *display_fbmap_create(struct drm_framebuffer *fb);
struct display_fbmap *display_fbmap_get(struct display_fbmap *fbm);
void display_fbmap_put(struct display_fbmap *fbm);
void display_geom_from_state(struct display_geom *geom,
			     const struct drm_plane_state *state);
struct display_frame *display_frame_alloc(void);
struct display_frame *display_frame_get(struct display_frame *frame);
void display_frame_put(struct display_frame *frame);
void display_frame_build(struct display_frame *frame,
			 struct drm_atomic_state *state, struct drm_crtc *crtc);
bool display_frame_shows(const struct display_frame *frame,
			 const struct drm_framebuffer *fb);

/* ---- when composition runs (display_composer.c) ---- */

/**
 * struct display_compose_stats - what composition cost
 * @composes: frames composed
 * @crcs: of these, the ones a CRC was computed for
 * @wb_jobs: writeback jobs completed
 * @copy_rows: rows copied from one plane without conversion
 * @rows: rows composed
 * @last_ns: duration of the last composition
 * @max_ns: longest composition
 * @total_ns: sum of all
 */
struct display_compose_stats {
	u64 composes;
	u64 crcs;
	u64 wb_jobs;
	u64 copy_rows;
	u64 rows;
	u64 last_ns;
	u64 max_ns;
	u64 total_ns;
};

/**
 * struct display_composer - composition for one output
 * @lock: protects every field up to @work; taken in the vblank timer
 * @frame: what the CRTC shows, NULL while it is off
 * @gen: increases whenever @frame or its pixels change
 * @crc_on: a reader has crtc-N/crc/data open
 * @crc_vblank: @crc_on holds a vblank reference
 * @crc_valid: @crc is the CRC of generation @crc_gen
 * @crc: the cached CRC
 * @crc_gen: generation @crc is of
 * @crc_time: when @crc was computed
 * @crc_last: last frame number a CRC entry was added for
 * @crc_pend: newest vblank waiting for the worker, 0 for none
 * @wb_staged: writeback jobs of the commit in progress
 * @wb_armed: writeback jobs waiting for a composition
 * @stats: totals for debugfs
 * @work: composes when someone needs pixels
 * @buf: the worker's rows
 */
struct display_composer {
	spinlock_t lock; /* see above */
	struct display_frame *frame;
	u64 gen;
	bool crc_on;
	bool crc_vblank;
	bool crc_valid;
	u32 crc;
	u64 crc_gen;
	ktime_t crc_time;
	u64 crc_last;
	u64 crc_pend;
	struct list_head wb_staged;
	struct list_head wb_armed;
	struct display_compose_stats stats;

	struct work_struct work;
	struct display_compose_buf buf;
};

#endif /* _DISPLAY_COMPOSE_H_ */
