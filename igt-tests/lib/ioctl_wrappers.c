// SPDX-License-Identifier: MIT
/*
 * GEM and PRIME helpers under IGT's names: see ioctl_wrappers.h.
 */

#include <fcntl.h>
#include <sys/mman.h>

#include <xf86drm.h>

#include "ioctl_wrappers.h"

void gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close arg = { .handle = handle };

	do_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &arg);
}

int prime_handle_to_fd(int fd, uint32_t handle)
{
	int dma_buf_fd = -1;

	igt_assert_eq(drmPrimeHandleToFD(fd, handle, DRM_CLOEXEC | DRM_RDWR,
					 &dma_buf_fd), 0);
	igt_assert_lte(0, dma_buf_fd);
	return dma_buf_fd;
}

uint32_t prime_fd_to_handle(int fd, int dma_buf_fd)
{
	uint32_t handle = 0;

	igt_assert_eq(drmPrimeFDToHandle(fd, dma_buf_fd, &handle), 0);
	igt_assert(handle);
	return handle;
}

void *prime_mmap(int dma_buf_fd, size_t size)
{
	void *ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 dma_buf_fd, 0);

	igt_assert(ptr != MAP_FAILED);
	return ptr;
}
