// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt_core.h"
#include "drmtest.h"
#include "ioctl_wrappers.h"

int (*igt_ioctl)(int fd, unsigned long request, void *arg) = drmIoctl;

#define DRIVER_OTHER (1 << 30)	/* any name we do not know */

static int driver_flag(const char *name)
{
	if (!strcmp(name, "vgem"))
		return DRIVER_VGEM;
	if (!strcmp(name, "drm_display"))
		return DRIVER_DISPLAY;
	return DRIVER_OTHER;
}

static bool has_driver(int fd, int flag)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool ret;

	if (!v)
		return false;
	ret = driver_flag(v->name) & flag;
	drmFreeVersion(v);
	return ret;
}

static int open_matching(const char *fmt, int base, int chipset)
{
	char path[64];
	int i, fd;

	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), fmt, base + i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (has_driver(fd, chipset)) {
			igt_debug("Opened %s\n", path);
			return fd;
		}
		close(fd);
	}
	return -1;
}

int __drm_open_driver(int chipset)
{
	return open_matching("/dev/dri/card%d", 0, chipset);
}

int __drm_open_driver_render(int chipset)
{
	return open_matching("/dev/dri/renderD%d", 128, chipset);
}

static const char *chipset_str(int chipset)
{
	if (chipset == DRIVER_VGEM)
		return "vgem";
	if (chipset == DRIVER_DISPLAY)
		return "drm_display";
	if (chipset == DRIVER_ANY)
		return "any";
	return "other";
}

int drm_open_driver(int chipset)
{
	int fd = __drm_open_driver(chipset);

	igt_skip_on_f(fd < 0, "No known gpu found for chipset flags 0x%x (%s)\n",
		      (unsigned int)chipset, chipset_str(chipset));
	return fd;
}

int drm_open_driver_render(int chipset)
{
	int fd = __drm_open_driver_render(chipset);

	igt_skip_on_f(fd < 0, "No known render node found for chipset flags 0x%x (%s)\n",
		      (unsigned int)chipset, chipset_str(chipset));
	return fd;
}

int drm_close_driver(int fd)
{
	return close(fd);
}

bool is_vgem_device(int fd)
{
	return has_driver(fd, DRIVER_VGEM);
}

bool is_display_device(int fd)
{
	return has_driver(fd, DRIVER_DISPLAY);
}
