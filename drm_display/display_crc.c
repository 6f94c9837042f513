// SPDX-License-Identifier: GPL-2.0-only
/*
 * CRC capture: one source, "auto", one value per frame: the CRC of the
 * composed frame (see display_compose.c).
 *
 * The core calls set_crc_source(NULL) when the data file is closed, even
 * after the device is gone, and its file operations belong to drm.ko: a
 * running capture pins this module so that it cannot be unloaded under an
 * open reader (the device cannot be unbound either: the platform driver
 * has no bind attributes).
 */

#include <linux/module.h>
#include <linux/string.h>

#include <drm/drm_print.h>

#include "display_drv.h"

static const char *const display_crc_sources[] = { "auto" };

/* NULL means off, which is always possible. */
static int display_crc_source_parse(const char *source, bool *on)
{
	*on = source && *source;
	if (*on && strcmp(source, "auto"))
		return -EINVAL;
	return 0;
}

/**
 * display_crtc_verify_crc_source - &drm_crtc_funcs.verify_crc_source
 * @crtc: the CRTC
 * @source: the source name
 * @values_cnt: out: values per entry
 *
 * Return: 0, or -EINVAL for a source other than "auto".
 */
int display_crtc_verify_crc_source(struct drm_crtc *crtc, const char *source,
				   size_t *values_cnt)
{
	bool on;
	int ret;

	ret = display_crc_source_parse(source, &on);
	if (ret) {
		drm_dbg_kms(crtc->dev, "unknown CRC source \"%s\"\n", source);
		return ret;
	}

	*values_cnt = 1;
	return 0;
}

/**
 * display_crtc_get_crc_sources - &drm_crtc_funcs.get_crc_sources
 * @crtc: the CRTC
 * @count: out: number of sources
 *
 * Return: the source names.
 */
const char *const *display_crtc_get_crc_sources(struct drm_crtc *crtc,
						size_t *count)
{
	*count = ARRAY_SIZE(display_crc_sources);
	return display_crc_sources;
}

/**
 * display_crtc_set_crc_source - &drm_crtc_funcs.set_crc_source
 * @crtc: the CRTC
 * @source: "auto" to start capturing, NULL to stop
 *
 * Return: 0, -EINVAL for an unknown source, -EIO when the CRTC has no
 * vblank to capture at.
 */
int display_crtc_set_crc_source(struct drm_crtc *crtc, const char *source)
{
	struct display_output *out = crtc_to_output(crtc);
	bool on, was_on;
	int ret;

	ret = display_crc_source_parse(source, &on);
	if (ret)
		return ret;

	ret = display_composer_set_crc(out, on, &was_on);
	if (ret) {
		drm_dbg_kms(crtc->dev, "no vblank for CRC capture: %d\n", ret);
		return -EIO;
	}

	if (on && !was_on)
		__module_get(THIS_MODULE);
	/* Last: a reader's close may be what lets the module go. */
	if (!on && was_on)
		module_put(THIS_MODULE);
	return 0;
}
