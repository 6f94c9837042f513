/* SPDX-License-Identifier: MIT */
/* vgem helpers in the spirit of IGT's lib/igt_vgem.h */
#ifndef IGT_VGEM_H
#define IGT_VGEM_H

#include <stdbool.h>
#include <stdint.h>

#include "vgem_plus_drm.h"

struct vgem_bo {
	uint32_t handle;
	uint32_t width, height;
	uint32_t bpp, pitch;
	uint64_t size;
};

/* DRM_IOCTL_MODE_CREATE_DUMB from bo->width/height/bpp; fills handle, pitch, size. */
int __vgem_create(int fd, struct vgem_bo *bo);		/* 0 or -errno */
void vgem_create(int fd, struct vgem_bo *bo);		/* asserts */

/* DRM_IOCTL_MODE_MAP_DUMB + mmap(MAP_SHARED) of bo->size bytes. */
void *__vgem_mmap(int fd, struct vgem_bo *bo, unsigned prot);	/* NULL on error */
void *vgem_mmap(int fd, struct vgem_bo *bo, unsigned prot);	/* asserts */

bool vgem_has_fences(int fd);
bool vgem_fence_has_flag(int fd, unsigned flags);

int __vgem_fence_attach(int fd, struct drm_vgem_fence_attach *arg);	/* 0 or -errno */
uint32_t vgem_fence_attach(int fd, struct vgem_bo *bo, unsigned flags);	/* asserts; fence id */
int __vgem_fence_signal(int fd, uint32_t fence);			/* 0 or -errno */
void vgem_fence_signal(int fd, uint32_t fence);				/* asserts */

/* drm_vgem_plus: DRM_IOCTL_VGEM_PLUS_CREATE (any node); 0 or -errno. */
int __vgem_plus_create(int fd, struct drm_vgem_plus_create *arg);
/* An object of @size bytes; asserts. */
uint32_t vgem_plus_create(int fd, uint64_t size);
/* DRM_IOCTL_VGEM_PLUS_MAP_OFFSET + mmap(MAP_SHARED, read-write); asserts. */
void *vgem_plus_mmap(int fd, uint32_t handle, size_t size);

#endif /* IGT_VGEM_H */
