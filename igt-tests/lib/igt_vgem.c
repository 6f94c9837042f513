// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <xf86drm.h>

#include "igt_core.h"
#include "igt_vgem.h"
#include "ioctl_wrappers.h"

int __vgem_create(int fd, struct vgem_bo *bo)
{
	struct drm_mode_create_dumb arg;

	memset(&arg, 0, sizeof(arg));
	arg.width = bo->width;
	arg.height = bo->height;
	arg.bpp = bo->bpp;

	if (igt_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &arg))
		return -errno;

	bo->handle = arg.handle;
	bo->pitch = arg.pitch;
	bo->size = arg.size;
	return 0;
}

void vgem_create(int fd, struct vgem_bo *bo)
{
	igt_assert_eq(__vgem_create(fd, bo), 0);
}

void *__vgem_mmap(int fd, struct vgem_bo *bo, unsigned prot)
{
	struct drm_mode_map_dumb arg;
	void *ptr;

	memset(&arg, 0, sizeof(arg));
	arg.handle = bo->handle;
	if (igt_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &arg))
		return NULL;

	ptr = mmap(NULL, bo->size, prot, MAP_SHARED, fd, arg.offset);
	return ptr == MAP_FAILED ? NULL : ptr;
}

void *vgem_mmap(int fd, struct vgem_bo *bo, unsigned prot)
{
	void *ptr = __vgem_mmap(fd, bo, prot);

	igt_assert_f(ptr, "mmap of vgem bo %u (size %llu) failed\n",
		     bo->handle, (unsigned long long)bo->size);
	return ptr;
}

int __vgem_fence_attach(int fd, struct drm_vgem_fence_attach *arg)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VGEM_FENCE_ATTACH, arg))
		err = -errno;
	errno = 0;
	return err;
}

/* Handle 0 never exists: -ENOENT means the ioctl (and the flags) passed validation. */
bool vgem_has_fences(int fd)
{
	struct drm_vgem_fence_attach arg;

	memset(&arg, 0, sizeof(arg));
	return __vgem_fence_attach(fd, &arg) == -ENOENT;
}

bool vgem_fence_has_flag(int fd, unsigned flags)
{
	struct drm_vgem_fence_attach arg;

	memset(&arg, 0, sizeof(arg));
	arg.flags = flags;
	return __vgem_fence_attach(fd, &arg) == -ENOENT;
}

uint32_t vgem_fence_attach(int fd, struct vgem_bo *bo, unsigned flags)
{
	struct drm_vgem_fence_attach arg;

	memset(&arg, 0, sizeof(arg));
	arg.handle = bo->handle;
	arg.flags = flags;
	igt_assert_eq(__vgem_fence_attach(fd, &arg), 0);
	return arg.out_fence;
}

int __vgem_fence_signal(int fd, uint32_t fence)
{
	struct drm_vgem_fence_signal arg;
	int err = 0;

	memset(&arg, 0, sizeof(arg));
	arg.fence = fence;
	if (igt_ioctl(fd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &arg))
		err = -errno;
	errno = 0;
	return err;
}

void vgem_fence_signal(int fd, uint32_t fence)
{
	igt_assert_eq(__vgem_fence_signal(fd, fence), 0);
}

int __vgem_plus_create(int fd, struct drm_vgem_plus_create *arg)
{
	return igt_ioctl(fd, DRM_IOCTL_VGEM_PLUS_CREATE, arg) ? -errno : 0;
}

uint32_t vgem_plus_create(int fd, uint64_t size)
{
	struct drm_vgem_plus_create arg = { .size = size };

	igt_assert_eq(__vgem_plus_create(fd, &arg), 0);
	igt_assert(arg.handle);
	return arg.handle;
}

void *vgem_plus_mmap(int fd, uint32_t handle, size_t size)
{
	struct drm_vgem_plus_map_offset arg = { .handle = handle };
	void *ptr;

	do_ioctl(fd, DRM_IOCTL_VGEM_PLUS_MAP_OFFSET, &arg);
	ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   arg.offset);
	igt_assert(ptr != MAP_FAILED);
	return ptr;
}
