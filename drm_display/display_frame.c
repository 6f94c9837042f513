// SPDX-License-Identifier: GPL-2.0-only
/*
 * Frames: what a CRTC shows, captured from its plane states when a commit
 * is flushed, so that composition can read it later without the states.
 *
 * A frame holds a reference to the CPU mapping of every framebuffer it
 * shows. Mappings are made in begin_fb_access (ioctl context) and shared
 * by reference from then on; whoever drops the last reference unmaps, so
 * no frame is ever released in the vblank timer or under a spinlock.
 */

#include <linux/slab.h>

#include <drm/drm_atomic.h>
#include <drm/drm_blend.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>

#include "display_drv.h"

static_assert(2 + DISPLAY_MAX_OVERLAYS <= DISPLAY_FRAME_MAX_LAYERS);

/**
 * display_fbmap_create - map a framebuffer for composition
 * @fb: the framebuffer
 *
 * Return: the mapping with one reference, or an ERR_PTR(): -ENOMEM,
 * -EOPNOTSUPP for I/O memory, or the error of the buffer's vmap.
 */
struct display_fbmap *display_fbmap_create(struct drm_framebuffer *fb)
{
	struct display_fbmap *fbm;
	int i, ret;

	fbm = kzalloc(sizeof(*fbm), GFP_KERNEL);
	if (!fbm)
		return ERR_PTR(-ENOMEM);

	ret = drm_gem_fb_vmap(fb, fbm->map, fbm->data);
	if (ret) {
		kfree(fbm);
		return ERR_PTR(ret);
	}

	/* Composition reads with plain loads. */
	for (i = 0; i < fb->format->num_planes; i++) {
		if (fbm->map[i].is_iomem) {
			drm_gem_fb_vunmap(fb, fbm->map);
			kfree(fbm);
			return ERR_PTR(-EOPNOTSUPP);
		}
	}

	kref_init(&fbm->ref);
	drm_framebuffer_get(fb);
	fbm->fb = fb;
	return fbm;
}

/**
 * display_fbmap_get - take a reference to a mapping
 * @fbm: the mapping, or NULL
 *
 * Return: @fbm.
 */
struct display_fbmap *display_fbmap_get(struct display_fbmap *fbm)
{
	if (fbm)
		kref_get(&fbm->ref);
	return fbm;
}

static void display_fbmap_release(struct kref *ref)
{
	struct display_fbmap *fbm = container_of(ref, struct display_fbmap, ref);

	drm_gem_fb_vunmap(fbm->fb, fbm->map);
	drm_framebuffer_put(fbm->fb);
	kfree(fbm);
}

/**
 * display_fbmap_put - drop a reference to a mapping
 * @fbm: the mapping, or NULL
 *
 * Might sleep: the last reference unmaps.
 */
void display_fbmap_put(struct display_fbmap *fbm)
{
	if (fbm)
		kref_put(&fbm->ref, display_fbmap_release);
}

/**
 * display_geom_from_state - where a plane state shows its framebuffer
 * @geom: out
 * @state: the plane state, checked
 */
void display_geom_from_state(struct display_geom *geom,
			     const struct drm_plane_state *state)
{
	geom->src = state->src;
	geom->dst = state->dst;
	geom->alpha = state->alpha;
	geom->blend = state->pixel_blend_mode;
	geom->zpos = state->normalized_zpos;
	geom->visible = state->visible;
}

/**
 * display_frame_alloc - an empty frame
 *
 * Return: the frame with one reference, or NULL.
 */
struct display_frame *display_frame_alloc(void)
{
	struct display_frame *frame = kzalloc(sizeof(*frame), GFP_KERNEL);

	if (frame)
		kref_init(&frame->ref);
	return frame;
}

/**
 * display_frame_get - take a reference to a frame
 * @frame: the frame, or NULL
 *
 * Return: @frame.
 */
struct display_frame *display_frame_get(struct display_frame *frame)
{
	if (frame)
		kref_get(&frame->ref);
	return frame;
}

static void display_frame_release(struct kref *ref)
{
	struct display_frame *frame = container_of(ref, struct display_frame,
						   ref);
	unsigned int i;

	for (i = 0; i < frame->num_layers; i++)
		display_fbmap_put(frame->layers[i].fbm);
	kfree(frame);
}

/**
 * display_frame_put - drop a reference to a frame
 * @frame: the frame, or NULL
 *
 * Might sleep: the last reference can unmap framebuffers.
 */
void display_frame_put(struct display_frame *frame)
{
	if (frame)
		kref_put(&frame->ref, display_frame_release);
}

/*
 * The plane as it is on screen: its shown framebuffer where it showed it,
 * cut to the frame (a frame skipped across a modeset keeps the geometry of
 * the old mode).
 */
static void display_frame_add(struct display_frame *frame,
			      const struct display_plane_state *dstate)
{
	const struct display_geom *geom = &dstate->shown_geom;
	struct display_fbmap *fbm = dstate->shown_map;
	const struct drm_format_info *info;
	struct display_layer *l;
	struct drm_rect dst = geom->dst;

	if (!fbm || !geom->visible ||
	    !drm_rect_intersect(&dst, &DRM_RECT_INIT(0, 0, frame->width,
						     frame->height)) ||
	    frame->num_layers == ARRAY_SIZE(frame->layers))
		return;

	info = fbm->fb->format;
	l = &frame->layers[frame->num_layers];
	l->read = display_pixels_reader(info->format);
	if (!l->read)
		return;

	l->fbm = display_fbmap_get(fbm);
	l->vaddr[0] = fbm->data[0].vaddr;
	l->vaddr[1] = info->num_planes > 1 ? fbm->data[1].vaddr : NULL;
	l->pitch[0] = fbm->fb->pitches[0];
	l->pitch[1] = fbm->fb->pitches[1];
	l->dst = dst;
	l->sx = (geom->src.x1 >> 16) + dst.x1 - geom->dst.x1;
	l->sy = (geom->src.y1 >> 16) + dst.y1 - geom->dst.y1;
	l->alpha = geom->alpha;
	l->blend = geom->blend;
	l->zpos = geom->zpos;
	l->opaque = (!info->has_alpha || geom->blend == DRM_MODE_BLEND_PIXEL_NONE) &&
		    geom->alpha == DRM_BLEND_ALPHA_OPAQUE;
	l->copy = l->opaque && (info->format == DRM_FORMAT_XRGB8888 ||
				info->format == DRM_FORMAT_ARGB8888);
	frame->num_layers++;
}

/* By zpos; a stable sort keeps plane order for ties. */
static void display_frame_sort(struct display_frame *frame)
{
	struct display_layer tmp;
	unsigned int i, j;

	for (i = 1; i < frame->num_layers; i++) {
		tmp = frame->layers[i];
		for (j = i; j > 0 && frame->layers[j - 1].zpos > tmp.zpos; j--)
			frame->layers[j] = frame->layers[j - 1];
		frame->layers[j] = tmp;
	}
}

/**
 * display_frame_build - capture what a CRTC shows after a commit
 * @frame: an empty frame
 * @state: the commit, its fence waits done
 * @crtc: the CRTC, active in @state
 *
 * Planes the commit does not touch are read from their current state: a
 * later commit that changes one of them also changes the CRTC, and so
 * waits for this one to be done with its hardware part.
 */
void display_frame_build(struct display_frame *frame,
			 struct drm_atomic_state *state, struct drm_crtc *crtc)
{
	const struct drm_crtc_state *crtc_state =
		drm_atomic_get_new_crtc_state(state, crtc);
	struct drm_plane_state *plane_state;
	struct drm_plane *plane;

	frame->width = crtc_state->mode.hdisplay;
	frame->height = crtc_state->mode.vdisplay;

	drm_for_each_plane_mask(plane, crtc->dev, crtc_state->plane_mask) {
		plane_state = drm_atomic_get_new_plane_state(state, plane);
		if (!plane_state)
			plane_state = plane->state;
		display_frame_add(frame, to_display_plane_state(plane_state));
	}

	display_frame_sort(frame);
}

/**
 * display_frame_shows - whether a frame shows a framebuffer
 * @frame: the frame, or NULL
 * @fb: the framebuffer
 *
 * Return: true when one of its layers reads @fb.
 */
bool display_frame_shows(const struct display_frame *frame,
			 const struct drm_framebuffer *fb)
{
	unsigned int i;

	for (i = 0; frame && i < frame->num_layers; i++)
		if (frame->layers[i].fbm && frame->layers[i].fbm->fb == fb)
			return true;
	return false;
}
