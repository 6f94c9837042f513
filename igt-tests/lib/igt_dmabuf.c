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

#include "igt_core.h"
#include "igt_dmabuf.h"

#define BUFINFO "/sys/kernel/debug/dma_buf/bufinfo"

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

/* "%08zu\t%08x\t%08x\t%08ld\t%s\t%08lu\t%s": the name may hold tabs. */
static bool bufinfo_parse_buffer(char *line, struct bufinfo_buffer *b)
{
	char *field[7], *save = NULL, *p = line;
	int i;

	for (i = 0; i < 6; i++) {
		field[i] = strtok_r(p, "\t", &save);
		p = NULL;
		if (!field[i])
			return false;
	}
	field[6] = save ? save : "";
	field[6][strcspn(field[6], "\n")] = '\0';

	memset(b, 0, sizeof(*b));
	b->size = strtoull(field[0], NULL, 10);
	b->flags = strtoul(field[1], NULL, 16);
	b->mode = strtoul(field[2], NULL, 16);
	b->count = strtol(field[3], NULL, 10);
	snprintf(b->exp_name, sizeof(b->exp_name), "%s", field[4]);
	b->ino = strtoul(field[5], NULL, 10);
	snprintf(b->name, sizeof(b->name), "%s", field[6]);
	return true;
}

static void bufinfo_parse_detail(const char *line, struct bufinfo_buffer *b)
{
	const char *text = line + 1;

	if (strstr(text, " fence:") && b->num_fences < 8)
		snprintf(b->fences[b->num_fences++], sizeof(b->fences[0]),
			 "%.*s", (int)strcspn(text, "\n"), text);
	else if (strncmp(text, "Attached Devices:", 17) &&
		 strncmp(text, "Total ", 6) && b->num_attached < 8)
		snprintf(b->attached[b->num_attached++],
			 sizeof(b->attached[0]), "%.*s",
			 (int)strcspn(text, "\n"), text);
}

/*
 * Calls @fn for every buffer, with its detail lines parsed; stops when
 * @fn returns true. Buffer lines start with a digit, details with a tab.
 */
static bool bufinfo_walk(bool (*fn)(struct bufinfo_buffer *, void *),
			 void *data)
{
	struct bufinfo_buffer cur;
	bool have = false, stop = false;
	char *line = NULL;
	size_t len = 0;
	FILE *f;

	f = fopen(BUFINFO, "r");
	igt_assert_f(f, "cannot read " BUFINFO " (debugfs mounted?)\n");

	while (!stop && getline(&line, &len, f) > 0) {
		if (line[0] == '\t') {
			if (have)
				bufinfo_parse_detail(line, &cur);
			continue;
		}
		if (have)
			stop = fn(&cur, data);
		have = line[0] >= '0' && line[0] <= '9' &&
		       bufinfo_parse_buffer(line, &cur);
	}
	if (have && !stop)
		stop = fn(&cur, data);

	free(line);
	fclose(f);
	return stop;
}

struct bufinfo_query {
	unsigned long ino;
	const char *exp_name;
	struct bufinfo_buffer *out;
	int count;
};

static bool bufinfo_match_ino(struct bufinfo_buffer *b, void *data)
{
	struct bufinfo_query *q = data;

	if (b->ino != q->ino)
		return false;
	*q->out = *b;
	return true;
}

bool bufinfo_find(unsigned long ino, struct bufinfo_buffer *out)
{
	struct bufinfo_query q = { .ino = ino, .out = out };

	return bufinfo_walk(bufinfo_match_ino, &q);
}

static bool bufinfo_match_exporter(struct bufinfo_buffer *b, void *data)
{
	struct bufinfo_query *q = data;

	q->count += !strcmp(b->exp_name, q->exp_name);
	return false;
}

int bufinfo_count(const char *exp_name)
{
	struct bufinfo_query q = { .exp_name = exp_name };

	bufinfo_walk(bufinfo_match_exporter, &q);
	return q.count;
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
