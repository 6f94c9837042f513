/* SPDX-License-Identifier: MIT */
/*
 * DRM device opening, IGT style: a device is identified only by the DRM
 * driver name reported by DRM_IOCTL_VERSION.  Never loads any module.
 */
#ifndef DRMTEST_H
#define DRMTEST_H

#include <stdbool.h>

#define DRIVER_VGEM	(1 << 0)	/* driver name "vgem" (drm_vgem_plus) */
#define DRIVER_DISPLAY	(1 << 1)	/* driver name "drm_display" */
/* As in IGT: any driver except vgem (vgem is no real device). */
#define DRIVER_ANY	~(DRIVER_VGEM)

/* Returns an fd for the first matching /dev/dri/card* node, or -1. */
int __drm_open_driver(int chipset);
/* Same for /dev/dri/renderD* nodes. */
int __drm_open_driver_render(int chipset);
/* As above, but igt_skip() when no matching device exists. */
int drm_open_driver(int chipset);
int drm_open_driver_render(int chipset);
int drm_close_driver(int fd);

bool is_vgem_device(int fd);
bool is_display_device(int fd);

#endif /* DRMTEST_H */
