// SPDX-License-Identifier: GPL-2.0-only
/*
 * Outputs: a CRTC with its planes, a virtual encoder and an always
 * connected virtual connector offering the usual modes up to 4K, and a
 * writeback connector capturing what the CRTC shows.
 */

#include <drm/drm_atomic_helper.h>
#include <drm/drm_edid.h>
#include <drm/drm_probe_helper.h>

#include "display_drv.h"

/**
 * display_connector_get_modes - the modes of every connector of ours
 * @connector: the virtual or the writeback connector of an output
 *
 * Return: the number of modes added.
 */
int display_connector_get_modes(struct drm_connector *connector)
{
	int count;

	count = drm_add_modes_noedid(connector, DISPLAY_MAX_SIZE,
				     DISPLAY_MAX_SIZE);
	drm_set_preferred_mode(connector, DISPLAY_DEFAULT_WIDTH,
			       DISPLAY_DEFAULT_HEIGHT);

	return count;
}

static const struct drm_connector_helper_funcs display_connector_helper_funcs = {
	.get_modes = display_connector_get_modes,
};

static const struct drm_connector_funcs display_connector_funcs = {
	.fill_modes = drm_helper_probe_single_connector_modes,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

static int display_output_planes(struct display_device *ddev, u32 crtc_mask,
				 unsigned int overlays,
				 struct drm_plane **primary,
				 struct drm_plane **cursor)
{
	struct drm_plane *overlay;
	unsigned int i;

	*primary = display_plane_create(ddev, DRM_PLANE_TYPE_PRIMARY, crtc_mask);
	if (IS_ERR(*primary))
		return PTR_ERR(*primary);

	*cursor = display_plane_create(ddev, DRM_PLANE_TYPE_CURSOR, crtc_mask);
	if (IS_ERR(*cursor))
		return PTR_ERR(*cursor);

	for (i = 0; i < overlays; i++) {
		overlay = display_plane_create(ddev, DRM_PLANE_TYPE_OVERLAY,
					       crtc_mask);
		if (IS_ERR(overlay))
			return PTR_ERR(overlay);
	}

	return 0;
}

int display_output_init(struct display_device *ddev, unsigned int index,
			unsigned int overlays)
{
	struct display_output *out = &ddev->outputs[index];
	struct drm_plane *primary, *cursor;
	int ret;

	ret = display_output_planes(ddev, BIT(index), overlays, &primary,
				    &cursor);
	if (ret)
		return ret;

	ret = display_crtc_init(ddev, out, primary, cursor);
	if (ret)
		return ret;

	ret = drmm_encoder_init(&ddev->drm, &out->encoder, NULL,
				DRM_MODE_ENCODER_VIRTUAL, NULL);
	if (ret)
		return ret;
	out->encoder.possible_crtcs = drm_crtc_mask(&out->crtc);

	ret = drmm_connector_init(&ddev->drm, &out->connector,
				  &display_connector_funcs,
				  DRM_MODE_CONNECTOR_VIRTUAL, NULL);
	if (ret)
		return ret;
	drm_connector_helper_add(&out->connector,
				 &display_connector_helper_funcs);

	ret = drm_connector_attach_encoder(&out->connector, &out->encoder);
	if (ret)
		return ret;

	ret = display_writeback_init(ddev, out);
	if (ret)
		return ret;

	return display_composer_init(ddev, out);
}
