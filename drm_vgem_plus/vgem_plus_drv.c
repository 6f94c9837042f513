// SPDX-License-Identifier: GPL-2.0-only
/*
 * drm_vgem_plus: a render-only GEM exporter for testing buffer sharing.
 *
 * It calls itself "vgem" and keeps vgem's ioctls, so that every vgem user
 * works unchanged, and adds render-node allocation, richer fences,
 * per-client memory stats in fdinfo and a debugfs view of its objects.
 */

#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "vgem_plus_drm.h"
#include "vgem_plus_drv.h"

#define DRIVER_NAME	"vgem"
#define DRIVER_DESC	"Virtual GEM provider, extended (drm_vgem_plus)"
#define DRIVER_DATE	"20261121"
#define DRIVER_MAJOR	1
#define DRIVER_MINOR	0

#define PLATFORM_NAME	"vgem_plus"

static struct platform_device *vgem_plus_pdev;

static int vgem_plus_open(struct drm_device *dev, struct drm_file *file)
{
	struct vgem_plus_file *vfile;

	vfile = kzalloc(sizeof(*vfile), GFP_KERNEL);
	if (!vfile)
		return -ENOMEM;

	vgem_plus_fence_file_init(vfile, file);
	file->driver_priv = vfile;

	return 0;
}

static void vgem_plus_postclose(struct drm_device *dev, struct drm_file *file)
{
	struct vgem_plus_file *vfile = file->driver_priv;

	vgem_plus_fence_file_fini(vfile);
	kfree(vfile);
}

static const struct drm_ioctl_desc vgem_plus_ioctls[] = {
	DRM_IOCTL_DEF_DRV(VGEM_FENCE_ATTACH, vgem_plus_fence_attach_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VGEM_FENCE_SIGNAL, vgem_plus_fence_signal_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VGEM_PLUS_CREATE, vgem_plus_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VGEM_PLUS_MAP_OFFSET, vgem_plus_map_offset_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VGEM_PLUS_FENCE_SIGNAL_ERROR,
			  vgem_plus_fence_signal_error_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VGEM_PLUS_FENCE_EXPORT, vgem_plus_fence_export_ioctl,
			  DRM_RENDER_ALLOW),
};

static const struct file_operations vgem_plus_fops = {
	.owner = THIS_MODULE,
	DRM_GEM_FOPS,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver vgem_plus_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER,
	.open = vgem_plus_open,
	.postclose = vgem_plus_postclose,
	.show_fdinfo = drm_show_memory_stats,
	.ioctls = vgem_plus_ioctls,
	.num_ioctls = ARRAY_SIZE(vgem_plus_ioctls),
	.fops = &vgem_plus_fops,

	/* DRM_GEM_SHMEM_DRIVER_OPS with a dumb_create that cannot wrap */
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.dumb_create = vgem_plus_dumb_create,
	.gem_create_object = vgem_plus_gem_create_object,
	.gem_prime_import = vgem_plus_gem_prime_import,

	.name = DRIVER_NAME,
	.desc = DRIVER_DESC,
	.date = DRIVER_DATE,
	.major = DRIVER_MAJOR,
	.minor = DRIVER_MINOR,
};

static int __init vgem_plus_probe(struct platform_device *pdev)
{
	struct vgem_plus_device *vdev;
	int ret;

	/* Importing attaches our device: it needs a DMA mask to map. */
	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;

	vdev = devm_drm_dev_alloc(&pdev->dev, &vgem_plus_driver,
				  struct vgem_plus_device, drm);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);

	ret = drmm_mutex_init(&vdev->drm, &vdev->objects_lock);
	if (ret)
		return ret;
	INIT_LIST_HEAD(&vdev->objects);
	vgem_plus_debugfs_init(vdev);
	platform_set_drvdata(pdev, vdev);

	return drm_dev_register(&vdev->drm, 0);
}

static void vgem_plus_remove(struct platform_device *pdev)
{
	struct vgem_plus_device *vdev = platform_get_drvdata(pdev);

	drm_dev_unregister(&vdev->drm);
}

static struct platform_driver vgem_plus_platform_driver = {
	.remove = vgem_plus_remove,
	.driver = {
		.name = PLATFORM_NAME,
	},
};

/*
 * One device, probed once: a failed probe fails the load, and the device
 * cannot be unbound through sysfs under its users.
 */
static int __init vgem_plus_init(void)
{
	vgem_plus_pdev = platform_create_bundle(&vgem_plus_platform_driver,
						vgem_plus_probe, NULL, 0,
						NULL, 0);

	return PTR_ERR_OR_ZERO(vgem_plus_pdev);
}

static void __exit vgem_plus_exit(void)
{
	platform_device_unregister(vgem_plus_pdev);
	platform_driver_unregister(&vgem_plus_platform_driver);
}

module_init(vgem_plus_init);
module_exit(vgem_plus_exit);

MODULE_AUTHOR("drm-prime-lab developers");
MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
