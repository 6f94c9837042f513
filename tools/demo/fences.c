// SPDX-License-Identifier: MIT
/*
 * Fences: drm_vgem_plus write fences, which the demo signals when a frame
 * is drawn (a stand-in for a GPU finishing its job), exported as
 * sync_files for explicit sync; and sync_files the display hands back.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "demo.h"
#include "vgem_plus_drm.h"

/*
 * A write fence on @handle. No timeout of drm_vgem_plus's own: only the
 * demo signals it (or closing the file does), so --hang really hangs.
 */
uint32_t fence_attach(int vgem, uint32_t handle)
{
	struct drm_vgem_fence_attach arg = {
		.handle = handle,
		.flags = VGEM_FENCE_WRITE | WIP_VGEM_FENCE_NOTIMEOUT,
	};

	if (drmIoctl(vgem, DRM_IOCTL_VGEM_FENCE_ATTACH, &arg))
		die_errno("VGEM_FENCE_ATTACH");
	return arg.out_fence;
}

void fence_signal(int vgem, uint32_t fence)
{
	struct drm_vgem_fence_signal arg = { .fence = fence };

	if (drmIoctl(vgem, DRM_IOCTL_VGEM_FENCE_SIGNAL, &arg))
		die_errno("VGEM_FENCE_SIGNAL");
}

/* Signals @fence with @error (negative errno), as after a GPU reset. */
void fence_signal_error(int vgem, uint32_t fence, int error)
{
	struct drm_vgem_plus_fence_signal_error arg = {
		.fence = fence, .error = error,
	};

	if (drmIoctl(vgem, DRM_IOCTL_VGEM_PLUS_FENCE_SIGNAL_ERROR, &arg))
		die_errno("VGEM_PLUS_FENCE_SIGNAL_ERROR");
}

/* The fence as a sync_file fd. */
int fence_export(int vgem, uint32_t fence)
{
	struct drm_vgem_plus_fence_export arg = {
		.fence = fence, .flags = VGEM_PLUS_FENCE_EXPORT_CLOEXEC,
	};

	if (drmIoctl(vgem, DRM_IOCTL_VGEM_PLUS_FENCE_EXPORT, &arg))
		die_errno("VGEM_PLUS_FENCE_EXPORT");
	return arg.fd;
}

/* Whether the sync_file signalled within @timeout_ms. */
bool sync_file_wait(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret;

	while ((ret = poll(&pfd, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	if (ret < 0)
		die_errno("poll sync_file");
	return ret == 1;
}

/* 1 signalled, 0 not yet, a negative errno when signalled with one. */
int sync_file_status(int fd)
{
	struct sync_file_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(fd, SYNC_IOC_FILE_INFO, &info))
		die_errno("SYNC_IOC_FILE_INFO");
	return info.status;
}

/* A plain object of @size bytes on drm_vgem_plus. */
uint32_t vgem_create(int vgem, uint64_t size)
{
	struct drm_vgem_plus_create arg = { .size = size };

	if (drmIoctl(vgem, DRM_IOCTL_VGEM_PLUS_CREATE, &arg))
		die_errno("DRM_IOCTL_VGEM_PLUS_CREATE");
	return arg.handle;
}
