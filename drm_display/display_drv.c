// SPDX-License-Identifier: GPL-2.0-only
/*
 * drm_display: a virtual KMS display-only device that scans out buffers
 * other drivers export (PRIME import), its own dumb buffers included.
 */

#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_mode_config.h>
#include <drm/drm_vblank.h>

#include "display_drv.h"

#define DRIVER_NAME	"drm_display"
#define DRIVER_DESC	"Virtual display for dma-buf scanout with fenced flips"
#define DRIVER_DATE	"20261121"
#define DRIVER_MAJOR	1
#define DRIVER_MINOR	0

static unsigned int num_outputs = 1;
module_param(num_outputs, uint, 0444);
MODULE_PARM_DESC(num_outputs, "CRTC/connector pairs, 1 to 4 (default 1)");

static unsigned int num_overlays = 1;
module_param(num_overlays, uint, 0444);
MODULE_PARM_DESC(num_overlays, "Overlay planes per CRTC, 0 to 4 (default 1)");

static struct platform_device *display_pdev;

/* DEFINE_DRM_GEM_FOPS() with fdinfo: drm-client-id names a file in debugfs. */
static const struct file_operations display_fops = {
	.owner = THIS_MODULE,
	DRM_GEM_FOPS,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver display_driver = {
	.driver_features = DRIVER_GEM | DRIVER_MODESET | DRIVER_ATOMIC,
	.fops = &display_fops,
	/* DRM_GEM_SHMEM_DRIVER_OPS, with our objects and dumb_create. */
	.gem_create_object = display_gem_create_object,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.dumb_create = display_dumb_create,

	.name = DRIVER_NAME,
	.desc = DRIVER_DESC,
	.date = DRIVER_DATE,
	.major = DRIVER_MAJOR,
	.minor = DRIVER_MINOR,
};

static const struct drm_mode_config_funcs display_mode_config_funcs = {
	.fb_create = display_fb_create,
	.atomic_check = drm_atomic_helper_check,
	.atomic_commit = drm_atomic_helper_commit,
};

/*
 * After the bounded fence waits, as drm_atomic_helper_commit_tail_rpm():
 * CRTCs are enabled before the planes are committed, so that the flush of
 * a modeset that switches a CRTC on arms its event on a running vblank.
 * But the last wait is for the flip events, not the helpers' vblank wait,
 * which gives up with a WARN after 100 ms that a starved guest can exceed.
 */
static void display_atomic_commit_tail(struct drm_atomic_state *state)
{
	struct drm_device *dev = state->dev;
	struct display_commit_crtcs crtcs;

	display_wait_for_fences(state);

	drm_atomic_helper_commit_modeset_disables(dev, state);
	drm_atomic_helper_commit_modeset_enables(dev, state);
	drm_atomic_helper_commit_planes(dev, state,
					DRM_PLANE_COMMIT_ACTIVE_ONLY);
	display_debugfs_commit_crtcs(state, &crtcs);
	drm_atomic_helper_commit_hw_done(state);
	drm_atomic_helper_wait_for_flip_done(dev, state);
	display_debugfs_commit_done(dev, &crtcs);
	drm_atomic_helper_cleanup_planes(dev, state);
}

static const struct drm_mode_config_helper_funcs display_mode_config_helpers = {
	.atomic_commit_tail = display_atomic_commit_tail,
};

static int display_modeset_init(struct display_device *ddev)
{
	struct drm_device *dev = &ddev->drm;
	unsigned int i;
	int ret;

	ret = drmm_mode_config_init(dev);
	if (ret)
		return ret;

	dev->mode_config.funcs = &display_mode_config_funcs;
	dev->mode_config.helper_private = &display_mode_config_helpers;
	dev->mode_config.min_width = DISPLAY_MIN_SIZE;
	dev->mode_config.min_height = DISPLAY_MIN_SIZE;
	dev->mode_config.max_width = DISPLAY_MAX_SIZE;
	dev->mode_config.max_height = DISPLAY_MAX_SIZE;
	dev->mode_config.cursor_width = 512;
	dev->mode_config.cursor_height = 512;
	/* Composition stacks the planes by normalized_zpos. */
	dev->mode_config.normalize_zpos = true;

	for (i = 0; i < ddev->num_outputs; i++) {
		ret = display_output_init(ddev, i, num_overlays);
		if (ret)
			return ret;
	}

	drm_mode_config_reset(dev);
	return 0;
}

static int __init display_probe(struct platform_device *pdev)
{
	struct display_device *ddev;
	int ret;

	/* Importing maps other drivers' buffers for our device. */
	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;

	ddev = devm_drm_dev_alloc(&pdev->dev, &display_driver,
				  struct display_device, drm);
	if (IS_ERR(ddev))
		return PTR_ERR(ddev);
	ddev->num_outputs = num_outputs;
	spin_lock_init(&ddev->fence_lock);
	INIT_LIST_HEAD(&ddev->fence_waits);
	init_waitqueue_head(&ddev->wb_idle);
	display_fence_debugfs_init(ddev);

	ret = display_compose_init(ddev);
	if (ret)
		return ret;

	ret = drm_vblank_init(&ddev->drm, ddev->num_outputs);
	if (ret)
		return ret;

	ret = display_modeset_init(ddev);
	if (ret)
		return ret;

	ret = display_debugfs_init(ddev);
	if (ret)
		return ret;

	platform_set_drvdata(pdev, ddev);
	return drm_dev_register(&ddev->drm, 0);
}

static void display_remove(struct platform_device *pdev)
{
	struct display_device *ddev = platform_get_drvdata(pdev);

	drm_dev_unregister(&ddev->drm);
	drm_atomic_helper_shutdown(&ddev->drm);
	/* The core cleans writeback jobs up asynchronously. */
	display_writeback_wait_idle(ddev);
}

static struct platform_driver display_platform_driver = {
	.remove = display_remove,
	.driver = {
		.name = DRIVER_NAME,
		/* Only module exit removes the device: see display_crc.c. */
		.suppress_bind_attrs = true,
	},
};

static int __init display_init(void)
{
	if (!num_outputs || num_outputs > DISPLAY_MAX_OUTPUTS ||
	    num_overlays > DISPLAY_MAX_OVERLAYS)
		return -EINVAL;

	display_pixels_init();
	display_compose_crc_init();
	display_pdev = platform_create_bundle(&display_platform_driver,
					      display_probe, NULL, 0, NULL, 0);
	if (IS_ERR(display_pdev)) {
		display_compose_crc_exit();
		return PTR_ERR(display_pdev);
	}
	return 0;
}

static void __exit display_exit(void)
{
	platform_device_unregister(display_pdev);
	platform_driver_unregister(&display_platform_driver);
	display_compose_crc_exit();
}

module_init(display_init);
module_exit(display_exit);

MODULE_AUTHOR("drm-prime-lab developers");
MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
