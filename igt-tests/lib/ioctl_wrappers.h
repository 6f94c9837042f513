/* SPDX-License-Identifier: MIT */
#ifndef IOCTL_WRAPPERS_H
#define IOCTL_WRAPPERS_H

#include <errno.h>

#include "igt_core.h"

/* drmIoctl() by default: restarts on EINTR/EAGAIN, returns -1 + errno. */
extern int (*igt_ioctl)(int fd, unsigned long request, void *arg);

/* Asserts that the ioctl succeeds. */
#define do_ioctl(fd, ioc, ioc_data) do { \
	int igt_ioctl_ret__ = igt_ioctl((fd), (ioc), (ioc_data)); \
	if (igt_ioctl_ret__ != 0) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, \
				  "igt_ioctl(" #fd ", " #ioc ", " #ioc_data ") == 0", \
				  "error: %d != 0\n", igt_ioctl_ret__); \
	errno = 0; \
} while (0)

/* Asserts that the ioctl fails with errno == err. */
#define do_ioctl_err(fd, ioc, ioc_data, err) do { \
	int igt_ioctl_ret__ = igt_ioctl((fd), (ioc), (ioc_data)); \
	int igt_ioctl_err__ = errno; \
	if (igt_ioctl_ret__ != -1) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, \
				  "igt_ioctl(" #fd ", " #ioc ", " #ioc_data ") == -1", \
				  "error: %d != -1\n", igt_ioctl_ret__); \
	if (igt_ioctl_err__ != (err)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, "errno == " #err, \
				  "error: %d != %d\n", igt_ioctl_err__, (err)); \
	errno = 0; \
} while (0)

#include <stddef.h>
#include <stdint.h>

/* GEM and PRIME helpers with IGT's names; all assert success. */
void gem_close(int fd, uint32_t handle);
/* A dma-buf fd (DRM_CLOEXEC | DRM_RDWR, so it can be mapped writable). */
int prime_handle_to_fd(int fd, uint32_t handle);
uint32_t prime_fd_to_handle(int fd, int dma_buf_fd);
/* mmap(MAP_SHARED, read-write) of a whole dma-buf. */
void *prime_mmap(int dma_buf_fd, size_t size);

#endif /* IOCTL_WRAPPERS_H */
