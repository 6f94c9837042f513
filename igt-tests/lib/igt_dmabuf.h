/* SPDX-License-Identifier: MIT */
/*
 * dma-buf helpers for tests: other exporters to import from, and readers
 * for the kernel's views of a buffer (bufinfo, fdinfo, DRM debugfs).
 */
#ifndef IGT_DMABUF_H
#define IGT_DMABUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A dma-buf from the system dma-heap; -errno on failure. */
int dmabuf_heap_alloc(size_t size);
/* A dma-buf made by udmabuf from a sealed memfd; -errno on failure. */
int udmabuf_alloc(size_t size);

/* Inode number of a dma-buf fd, the key bufinfo lists buffers by. */
unsigned long dmabuf_inode(int dmabuf_fd);
/* Sets the dma-buf's name (DMA_BUF_SET_NAME); 0 or -errno. */
int dmabuf_set_name(int dmabuf_fd, const char *name);
/* DMA_BUF_IOCTL_SYNC; 0 or -errno. */
int dmabuf_sync(int dmabuf_fd, uint64_t flags);

/**
 * struct bufinfo_buffer - one buffer of /sys/kernel/debug/dma_buf/bufinfo
 * @size: bytes
 * @flags: file flags
 * @mode: file mode
 * @count: file reference count
 * @exp_name: exporter name
 * @ino: inode number
 * @name: buffer name, "<none>" when unset
 * @num_fences: fence lines
 * @fences: the fence lines, without the leading tab
 * @num_attached: attached devices
 * @attached: device names of the attachments
 */
struct bufinfo_buffer {
	size_t size;
	unsigned int flags, mode;
	long count;
	char exp_name[64];
	unsigned long ino;
	char name[64];
	int num_fences;
	char fences[8][128];
	int num_attached;
	char attached[8][64];
};

/*
 * Finds the buffer with inode @ino in bufinfo, read with dmabuf-inspect's
 * parser (igt_bufinfo_read(), which asserts the format and the totals).
 * Returns true when found; false when absent.
 */
bool bufinfo_find(unsigned long ino, struct bufinfo_buffer *out);

/*
 * Value of @key in /proc/self/fdinfo/<fd>, copied to @val; false when the
 * key is absent.
 */
bool fdinfo_get(int fd, const char *key, char *val, size_t len);
/* A DRM memory stat ("drm-total-memory" ...) in bytes, -1 if absent. */
int64_t fdinfo_get_bytes(int fd, const char *key);

/* Whole contents of a DRM device's debugfs file, malloc'ed; asserts. */
char *drm_debugfs_read(int drm_fd, const char *name);

#endif /* IGT_DMABUF_H */
