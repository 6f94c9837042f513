// SPDX-License-Identifier: MIT
/*
 * drm_bench: finding the devices and the GEM ioctls both exporters share.
 *
 * Upstream vgem and drm_vgem_plus both call themselves "vgem", so devices
 * are told apart by the platform device behind the card in sysfs
 * (/sys/class/drm/cardN/device): vgem, vgem_plus, vkms, drm_display.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "bench.h"
#include "vgem_plus_drm.h"

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Opens the card node whose platform device is named @platform. */
void dev_open(struct dev *d, const char *platform)
{
	char link[PATH_MAX], path[PATH_MAX], node[PATH_MAX];
	struct dirent *de;
	drmVersionPtr v;
	ssize_t n;
	DIR *dir;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	dir = opendir("/sys/class/drm");
	if (!dir)
		die("no /sys/class/drm");
	while ((de = readdir(dir))) {
		const char *base;

		if (strncmp(de->d_name, "card", 4) || !all_digits(de->d_name + 4))
			continue;
		snprintf(path, sizeof(path), "/sys/class/drm/%s/device",
			 de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = 0;
		base = strrchr(link, '/');
		base = base ? base + 1 : link;
		if (strcmp(base, platform))
			continue;
		d->minor = atoi(de->d_name + 4);
		snprintf(node, sizeof(node), "/dev/dri/%s", de->d_name);
		d->fd = open(node, O_RDWR | O_CLOEXEC);
		if (d->fd < 0)
			die("open %s: %s", node, strerror(errno));
		break;
	}
	closedir(dir);
	if (d->fd < 0)
		die("no DRM card with platform device %s (module not loaded?)",
		    platform);

	snprintf(d->platform, sizeof(d->platform), "%s", platform);
	v = drmGetVersion(d->fd);
	if (!v)
		die("DRM_IOCTL_VERSION on %s failed", platform);
	snprintf(d->driver, sizeof(d->driver), "%s", v->name);
	drmFreeVersion(v);
}

int dumb_create(int fd, unsigned int w, unsigned int h, unsigned int bpp,
		uint32_t *handle, uint32_t *pitch, uint64_t *size)
{
	struct drm_mode_create_dumb c = { .width = w, .height = h, .bpp = bpp };

	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c))
		return -errno;
	*handle = c.handle;
	if (pitch)
		*pitch = c.pitch;
	if (size)
		*size = c.size;
	return 0;
}

void dumb_destroy(int fd, uint32_t handle)
{
	struct drm_mode_destroy_dumb d = { .handle = handle };

	if (drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &d))
		die("DESTROY_DUMB: %s", strerror(errno));
}

void gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	if (drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &c))
		die("GEM_CLOSE: %s", strerror(errno));
}

void *dumb_map(int fd, uint32_t handle, uint64_t size)
{
	struct drm_mode_map_dumb m = { .handle = handle };
	void *p;

	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &m))
		die("MAP_DUMB: %s", strerror(errno));
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
	if (p == MAP_FAILED)
		die("mmap of a dumb buffer: %s", strerror(errno));
	return p;
}

/* VGEM_FENCE_ATTACH/SIGNAL: the same numbers and structs in both. */
int vgem_fence_attach(int fd, uint32_t handle, bool write, uint32_t *fence)
{
	struct drm_vgem_fence_attach a = {
		.handle = handle,
		.flags = write ? VGEM_FENCE_WRITE : 0,
	};

	if (drmIoctl(fd, DRM_IOCTL_VGEM_FENCE_ATTACH, &a))
		return -errno;
	*fence = a.out_fence;
	return 0;
}

int vgem_fence_signal(int fd, uint32_t fence)
{
	struct drm_vgem_fence_signal s = { .fence = fence };

	if (drmIoctl(fd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &s))
		return -errno;
	return 0;
}
