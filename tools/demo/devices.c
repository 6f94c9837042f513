// SPDX-License-Identifier: MIT
/*
 * Finding the two devices by what their drivers are called, never by
 * node number: drm_vgem_plus reports the DRM driver name "vgem" (it is a
 * drop-in vgem) with "drm_vgem_plus" in its description; drm_display
 * reports "drm_display".
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "demo.h"

#define MAX_DEVICES 16

static bool is_vgem_plus(const drmVersion *v)
{
	return !strcmp(v->name, "vgem") && v->desc &&
	       strstr(v->desc, "drm_vgem_plus");
}

static bool is_display(const drmVersion *v)
{
	return !strcmp(v->name, "drm_display");
}

/* The @node of the first device whose driver @match()es; -1 if none. */
static int open_node(int node, bool (*match)(const drmVersion *v),
		     char *path, size_t len)
{
	drmDevicePtr devs[MAX_DEVICES];
	int i, n, fd = -1;

	n = drmGetDevices2(0, devs, MAX_DEVICES);
	for (i = 0; i < n && fd < 0; i++) {
		drmVersionPtr v;

		if (!(devs[i]->available_nodes & (1 << node)))
			continue;
		fd = open(devs[i]->nodes[node], O_RDWR | O_CLOEXEC);
		v = fd >= 0 ? drmGetVersion(fd) : NULL;
		if (v && match(v)) {
			snprintf(path, len, "%s", devs[i]->nodes[node]);
		} else if (fd >= 0) {
			close(fd);
			fd = -1;
		}
		drmFreeVersion(v);
	}
	drmFreeDevices(devs, n > 0 ? n : 0);
	return fd;
}

void devices_open(struct devices *dev)
{
	dev->vgem = open_node(DRM_NODE_RENDER, is_vgem_plus, dev->vgem_path,
			      sizeof(dev->vgem_path));
	if (dev->vgem < 0)
		die("no drm_vgem_plus render node (is drm_vgem_plus.ko loaded?)\n");
	dev->display = open_node(DRM_NODE_PRIMARY, is_display,
				 dev->display_path, sizeof(dev->display_path));
	if (dev->display < 0)
		die("no drm_display card (is drm_display.ko loaded?)\n");
}

void devices_close(struct devices *dev)
{
	close(dev->display);
	close(dev->vgem);
	dev->display = dev->vgem = -1;
}

/*
 * A debugfs file of the DRM device of @fd (dri/<minor of its card>), or
 * NULL when it cannot be read (debugfs not mounted, not root).
 */
char *display_debugfs_read(int fd, const char *name)
{
	char path[128];
	struct stat st;

	if (fstat(fd, &st))
		die_errno("fstat");
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/%s",
		 minor(st.st_rdev), name);
	return read_file(path);
}
