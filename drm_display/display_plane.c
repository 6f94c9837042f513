// SPDX-License-Identifier: GPL-2.0-only
/*
 * Planes: primary, cursor and overlays, each able to show any of our
 * formats from a linear buffer, mapped for the CPU while committed.
 */

#include <linux/dma-fence.h>
#include <linux/slab.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_blend.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_atomic_helper.h>
#include <kunit/visibility.h>

#include "display_drv.h"

/*
 * Every one must be in drm_format_info()'s table (a KUnit test checks).
 * The writeback connectors write all of them too.
 */
const u32 display_plane_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888,
	DRM_FORMAT_ABGR8888,
	DRM_FORMAT_RGB565,
	DRM_FORMAT_XRGB2101010,
	DRM_FORMAT_ARGB2101010,
	DRM_FORMAT_NV12,
};
EXPORT_SYMBOL_IF_KUNIT(display_plane_formats);
const unsigned int display_num_plane_formats =
	ARRAY_SIZE(display_plane_formats);
EXPORT_SYMBOL_IF_KUNIT(display_num_plane_formats);

static const u64 display_plane_modifiers[] = {
	DRM_FORMAT_MOD_LINEAR,
	DRM_FORMAT_MOD_INVALID,
};

/**
 * display_format_info - the format info of one of the planes' formats
 * @format: DRM fourcc
 *
 * Return: the core's info for @format, or NULL when no plane of ours has
 * it (without the warning drm_format_info() gives for unknown codes).
 */
const struct drm_format_info *display_format_info(u32 format)
{
	unsigned int i;

	for (i = 0; i < display_num_plane_formats; i++)
		if (display_plane_formats[i] == format)
			return drm_format_info(format);

	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(display_format_info);

/* Drops what @state shows, with its mapping. */
static void display_plane_state_hide(struct display_plane_state *state)
{
	if (state->shown)
		drm_framebuffer_put(state->shown);
	state->shown = NULL;
	display_fbmap_put(state->shown_map);
	state->shown_map = NULL;
	memset(&state->shown_geom, 0, sizeof(state->shown_geom));
}

/**
 * display_plane_state_show - a plane state's framebuffer goes on screen
 * @state: the new plane state, its fb mapped
 * @fb: @state's framebuffer, or NULL
 *
 * It is shown with the mapping and the geometry of @state.
 */
void display_plane_state_show(struct display_plane_state *state,
			      struct drm_framebuffer *fb)
{
	display_plane_state_hide(state);
	if (!fb)
		return;

	drm_framebuffer_get(fb);
	state->shown = fb;
	state->shown_map = display_fbmap_get(state->fbmap);
	display_geom_from_state(&state->shown_geom, &state->base.base);
}

/**
 * display_plane_state_keep_shown - a skipped frame keeps what was shown
 * @new_state: the new plane state
 * @old_state: the plane state it replaces
 *
 * The old framebuffer stays on screen with its old mapping and geometry:
 * the new geometry is never applied to it.
 */
void display_plane_state_keep_shown(struct display_plane_state *new_state,
				    struct display_plane_state *old_state)
{
	display_plane_state_hide(new_state);
	if (old_state->shown)
		drm_framebuffer_get(old_state->shown);
	new_state->shown = old_state->shown;
	new_state->shown_map = display_fbmap_get(old_state->shown_map);
	new_state->shown_geom = old_state->shown_geom;
}

static void display_plane_reset(struct drm_plane *plane)
{
	struct display_plane_state *state;

	if (plane->state) {
		plane->funcs->atomic_destroy_state(plane, plane->state);
		plane->state = NULL;
	}

	state = kzalloc(sizeof(*state), GFP_KERNEL);
	if (state)
		__drm_gem_reset_shadow_plane(plane, &state->base);
}

static struct drm_plane_state *
display_plane_duplicate_state(struct drm_plane *plane)
{
	struct display_plane_state *state;

	if (WARN_ON(!plane->state))
		return NULL;

	state = kzalloc(sizeof(*state), GFP_KERNEL);
	if (!state)
		return NULL;

	__drm_gem_duplicate_shadow_plane_state(plane, &state->base);
	return &state->base.base;
}

static void display_plane_destroy_state(struct drm_plane *plane,
					struct drm_plane_state *plane_state)
{
	struct display_plane_state *state = to_display_plane_state(plane_state);

	dma_fence_put(state->fence);
	display_plane_state_hide(state);
	/* Left by a commit that failed before end_fb_access. */
	display_fbmap_put(state->fbmap);
	__drm_gem_destroy_shadow_plane_state(&state->base);
	kfree(state);
}

static const struct drm_plane_funcs display_plane_funcs = {
	.update_plane = drm_atomic_helper_update_plane,
	.disable_plane = drm_atomic_helper_disable_plane,
	.reset = display_plane_reset,
	.atomic_duplicate_state = display_plane_duplicate_state,
	.atomic_destroy_state = display_plane_destroy_state,
};

static int display_plane_atomic_check(struct drm_plane *plane,
				      struct drm_atomic_state *state)
{
	struct drm_plane_state *new_state =
		drm_atomic_get_new_plane_state(state, plane);
	struct drm_crtc_state *crtc_state;

	if (!new_state->crtc || !new_state->fb)
		return 0;

	crtc_state = drm_atomic_get_crtc_state(state, new_state->crtc);
	if (IS_ERR(crtc_state))
		return PTR_ERR(crtc_state);

	return drm_atomic_helper_check_plane_state(new_state, crtc_state,
						   DRM_PLANE_NO_SCALING,
						   DRM_PLANE_NO_SCALING,
						   true, true);
}

/* Nothing to program: whoever needs pixels reads the committed state. */
static void display_plane_atomic_update(struct drm_plane *plane,
					struct drm_atomic_state *state)
{
}

/*
 * Besides the shadow-plane mapping, which ends with the commit, a mapping
 * that lives as long as the framebuffer stays on screen, for composition.
 * Mapping can sleep and allocate: here, in ioctl context, not later.
 */
static int display_plane_begin_fb_access(struct drm_plane *plane,
					 struct drm_plane_state *state)
{
	struct display_plane_state *dstate = to_display_plane_state(state);
	struct display_fbmap *fbm;
	int ret;

	ret = drm_gem_begin_shadow_fb_access(plane, state);
	if (ret || !state->fb)
		return ret;

	fbm = display_fbmap_create(state->fb);
	if (IS_ERR(fbm)) {
		drm_gem_end_shadow_fb_access(plane, state);
		return PTR_ERR(fbm);
	}
	dstate->fbmap = fbm;
	return 0;
}

static void display_plane_end_fb_access(struct drm_plane *plane,
					struct drm_plane_state *state)
{
	struct display_plane_state *dstate = to_display_plane_state(state);

	display_fbmap_put(dstate->fbmap);
	dstate->fbmap = NULL;
	drm_gem_end_shadow_fb_access(plane, state);
}

static const struct drm_plane_helper_funcs display_plane_helper_funcs = {
	.begin_fb_access = display_plane_begin_fb_access,
	.end_fb_access = display_plane_end_fb_access,
	.prepare_fb = display_plane_prepare_fb,
	.atomic_check = display_plane_atomic_check,
	.atomic_update = display_plane_atomic_update,
};

static int display_plane_properties(struct drm_plane *plane,
				    enum drm_plane_type type)
{
	unsigned int zpos = type == DRM_PLANE_TYPE_PRIMARY ? 0 :
			    type == DRM_PLANE_TYPE_CURSOR ? DISPLAY_MAX_OVERLAYS + 1 : 1;
	int ret;

	ret = drm_plane_create_zpos_property(plane, zpos, 0,
					     DISPLAY_MAX_OVERLAYS + 1);
	if (ret)
		return ret;

	ret = drm_plane_create_alpha_property(plane);
	if (ret)
		return ret;

	return drm_plane_create_blend_mode_property(plane,
						    BIT(DRM_MODE_BLEND_PIXEL_NONE) |
						    BIT(DRM_MODE_BLEND_PREMULTI) |
						    BIT(DRM_MODE_BLEND_COVERAGE));
}

struct drm_plane *display_plane_create(struct display_device *ddev,
				       enum drm_plane_type type,
				       u32 possible_crtcs)
{
	struct drm_plane *plane;
	int ret;

	plane = __drmm_universal_plane_alloc(&ddev->drm, sizeof(*plane), 0,
					     possible_crtcs,
					     &display_plane_funcs,
					     display_plane_formats,
					     display_num_plane_formats,
					     display_plane_modifiers, type,
					     NULL);
	if (IS_ERR(plane))
		return plane;

	drm_plane_helper_add(plane, &display_plane_helper_funcs);
	ret = display_plane_properties(plane, type);

	return ret ? ERR_PTR(ret) : plane;
}
