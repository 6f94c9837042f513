/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * drm_display: a virtual KMS display that scans out imported dma-bufs.
 */
#ifndef _DISPLAY_DRV_H_
#define _DISPLAY_DRV_H_

#include <linux/hrtimer.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_device.h>
#include <drm/drm_encoder.h>
#include <drm/drm_plane.h>

#define DISPLAY_MAX_OUTPUTS	4
#define DISPLAY_MAX_OVERLAYS	4

#define DISPLAY_MIN_SIZE	16
#define DISPLAY_MAX_SIZE	4096
#define DISPLAY_DEFAULT_WIDTH	1024
#define DISPLAY_DEFAULT_HEIGHT	768

/**
 * struct display_output - one CRTC, encoder and connector
 * @crtc: CRTC
 * @encoder: virtual encoder feeding @connector
 * @connector: always connected virtual connector
 * @vblank_timer: fires once per frame of the current mode
 * @period: frame duration of the current mode
 */
struct display_output {
	struct drm_crtc crtc;
	struct drm_encoder encoder;
	struct drm_connector connector;
	struct hrtimer vblank_timer;
	ktime_t period;
};

/**
 * struct display_device - the drm_display device
 * @drm: DRM device
 * @num_outputs: outputs in use
 * @outputs: the outputs
 */
struct display_device {
	struct drm_device drm;
	unsigned int num_outputs;
	struct display_output outputs[DISPLAY_MAX_OUTPUTS];
};

static inline struct display_device *to_display_dev(struct drm_device *dev)
{
	return container_of(dev, struct display_device, drm);
}

static inline struct display_output *crtc_to_output(struct drm_crtc *crtc)
{
	return container_of(crtc, struct display_output, crtc);
}

/* display_crtc.c */
int display_crtc_init(struct display_device *ddev, struct display_output *out,
		      struct drm_plane *primary, struct drm_plane *cursor);

/* display_plane.c */
struct drm_plane *display_plane_create(struct display_device *ddev,
				       enum drm_plane_type type,
				       u32 possible_crtcs);

/* display_output.c */
int display_output_init(struct display_device *ddev, unsigned int index,
			unsigned int overlays);

#endif /* _DISPLAY_DRV_H_ */
