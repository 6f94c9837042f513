// SPDX-License-Identifier: MIT
/*
 * dma-buf helpers for tests: see igt_dmabuf.h.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#include "igt_bufinfo.h"
#include "igt_core.h"
#include "igt_dmabuf.h"

int dmabuf_heap_alloc(size_t size)
{
	struct dma_heap_allocation_data data = {
		.len = size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap, ret;

	heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		return -errno;

	ret = ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data) ? -errno : (int)data.fd;
	close(heap);
	return ret;
}

int udmabuf_alloc(size_t size)
{
	struct udmabuf_create create = { .size = size };
	int dev, memfd, ret;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;

	memfd = memfd_create("udmabuf-test", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, size) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		ret = -errno;
		goto out;
	}

	create.memfd = memfd;
	create.flags = UDMABUF_FLAGS_CLOEXEC;
	ret = ioctl(dev, UDMABUF_CREATE, &create);
	if (ret < 0)
		ret = -errno;
out:
	if (memfd >= 0)
		close(memfd);
	close(dev);
	return ret;
}

unsigned long dmabuf_inode(int dmabuf_fd)
{
	struct stat st;

	igt_assert(fstat(dmabuf_fd, &st) == 0);
	return st.st_ino;
}

int dmabuf_set_name(int dmabuf_fd, const char *name)
{
	return ioctl(dmabuf_fd, DMA_BUF_SET_NAME_B, name) ? -errno : 0;
}

int dmabuf_sync(int dmabuf_fd, uint64_t flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	return ioctl(dmabuf_fd, DMA_BUF_IOCTL_SYNC, &sync) ? -errno : 0;
}

/* A copy of the shared parser's buffer, for tests that want plain text. */
static void bufinfo_copy(const struct bufinfo_buf *b, struct bufinfo_buffer *out)
{
	const struct bufinfo_fence *f;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->size = b->size;
	out->flags = b->flags;
	out->mode = b->mode;
	out->count = b->count;
	snprintf(out->exp_name, sizeof(out->exp_name), "%s", b->exp_name);
	out->ino = b->ino;
	snprintf(out->name, sizeof(out->name), "%s", b->name ?: "<none>");
	for (i = 0; i < b->num_fences && i < ARRAY_SIZE(out->fences); i++) {
		f = &b->fences[i];
		snprintf(out->fences[i], sizeof(out->fences[i]),
			 "%s fence:%s %s seq %llu %s", f->usage, f->driver,
			 f->timeline, f->seqno,
			 f->signalled ? "signalled" : "unsignalled");
	}
	out->num_fences = i;
	for (i = 0; i < b->num_attached && i < ARRAY_SIZE(out->attached); i++)
		snprintf(out->attached[i], sizeof(out->attached[i]), "%s",
			 b->attached[i]);
	out->num_attached = i;
}

bool bufinfo_find(unsigned long ino, struct bufinfo_buffer *out)
{
	const struct bufinfo_buf *b;
	struct bufinfo bi;

	igt_bufinfo_read(&bi);
	b = bufinfo_lookup(&bi, ino);
	if (b)
		bufinfo_copy(b, out);
	bufinfo_free(&bi);
	return b;
}

bool fdinfo_get(int fd, const char *key, char *val, size_t len)
{
	char path[64], *line = NULL;
	size_t n = 0, klen = strlen(key);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	igt_assert(f);
	while (!found && getline(&line, &n, f) > 0) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		snprintf(val, len, "%s", line + klen + 1 + strspn(line + klen + 1, " \t"));
		val[strcspn(val, "\n")] = '\0';
		found = true;
	}
	free(line);
	fclose(f);
	return found;
}

int64_t fdinfo_get_bytes(int fd, const char *key)
{
	static const char *const units[] = { "", "KiB", "MiB", "GiB" };
	char val[64], *unit;
	int64_t bytes;
	unsigned int i;

	if (!fdinfo_get(fd, key, val, sizeof(val)))
		return -1;

	bytes = strtoll(val, &unit, 10);
	unit += strspn(unit, " ");
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(unit, units[i]))
			return bytes << (10 * i);

	igt_assert_f(false, "unknown unit in %s: %s\n", key, val);
	return -1;
}

char *drm_debugfs_read(int drm_fd, const char *name)
{
	char path[128], *buf = NULL;
	size_t len = 0, n;
	struct stat st;
	FILE *f, *out;

	igt_assert(fstat(drm_fd, &st) == 0);
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/%s",
		 minor(st.st_rdev), name);
	f = fopen(path, "r");
	igt_assert_f(f, "cannot open %s\n", path);

	out = open_memstream(&buf, &len);
	igt_assert(out);
	do {
		char chunk[4096];

		n = fread(chunk, 1, sizeof(chunk), f);
		fwrite(chunk, 1, n, out);
	} while (n);
	fclose(f);
	fclose(out);
	return buf;
}
