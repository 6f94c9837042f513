// SPDX-License-Identifier: MIT
/*
 * What drm_vgem_plus tells about itself: per-client memory stats in DRM
 * fdinfo, and the debugfs "objects" view of objects, dma-bufs, fences and
 * client handles.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "igt_dmabuf.h"

static void touch(int fd, uint32_t handle, size_t size)
{
	char *ptr = vgem_plus_mmap(fd, handle, size);

	memset(ptr, 1, size);
	munmap(ptr, size);
}

static uint32_t attach(int fd, uint32_t handle, uint32_t flags)
{
	struct drm_vgem_fence_attach arg = { .handle = handle, .flags = flags };

	igt_assert_eq(__vgem_fence_attach(fd, &arg), 0);
	return arg.out_fence;
}

static unsigned long long client_id(int fd)
{
	char val[32];

	igt_assert(fdinfo_get(fd, "drm-client-id", val, sizeof(val)));
	return strtoull(val, NULL, 10);
}

static void test_fdinfo_keys(int fd)
{
	int other = drm_open_driver_render(DRIVER_VGEM);
	char val[32];

	igt_assert(fdinfo_get(fd, "drm-driver", val, sizeof(val)));
	igt_assert_eq(strcmp(val, "vgem"), 0);
	igt_assert_neq(client_id(fd), client_id(other));
	igt_assert_eq(fdinfo_get_bytes(fd, "drm-total-memory"), 0);
	close(other);
}

/*
 * total counts every handle, resident only backed pages, shared what has
 * a dma-buf or a second handle, active what has unsignalled fences.
 */
static void test_fdinfo_memory(int fd)
{
	uint32_t a = vgem_plus_create(fd, 64 * 1024), b = vgem_plus_create(fd, 1024 * 1024);
	uint32_t fence;
	int dmabuf;

	igt_assert_eq(fdinfo_get_bytes(fd, "drm-total-memory"), 1088 * 1024);
	igt_assert_eq(fdinfo_get_bytes(fd, "drm-resident-memory"), 0);
	igt_assert_eq(fdinfo_get_bytes(fd, "drm-shared-memory"), 0);

	touch(fd, a, 64 * 1024);
	igt_assert_eq(fdinfo_get_bytes(fd, "drm-resident-memory"), 64 * 1024);

	igt_assert_eq(drmPrimeHandleToFD(fd, b, DRM_CLOEXEC, &dmabuf), 0);
	igt_assert_eq(fdinfo_get_bytes(fd, "drm-shared-memory"), 1024 * 1024);

	fence = attach(fd, a, VGEM_FENCE_WRITE);
	igt_assert_eq(fdinfo_get_bytes(fd, "drm-active-memory"), 64 * 1024);
	vgem_fence_signal(fd, fence);
	igt_assert_eq(fdinfo_get_bytes(fd, "drm-active-memory"), 0);

	close(dmabuf);
	gem_close(fd, a);
	gem_close(fd, b);
	igt_assert_eq(fdinfo_get_bytes(fd, "drm-total-memory"), 0);
}

/* The line of @text that starts with @prefix, or NULL. */
static const char *find_line(const char *text, const char *prefix)
{
	size_t len = strlen(prefix);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, prefix, len))
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* The record of object @id: its line and the tab-indented lines after. */
static char *object_record(int card, unsigned int id)
{
	char *text = drm_debugfs_read(card, "objects"), *rec, prefix[32];
	const char *start, *end;

	snprintf(prefix, sizeof(prefix), "object %u ", id);
	start = find_line(text, prefix);
	igt_assert_f(start, "no \"%s\" in:\n%s", prefix, text);
	for (end = strchr(start, '\n'); end && end[1] == '\t';
	     end = strchr(end + 1, '\n'))
		;
	rec = strndup(start, end ? (size_t)(end - start) : strlen(start));
	free(text);
	return rec;
}

/* Object ids come from the client's handle line. */
static unsigned int object_id(int card, int fd, uint32_t handle)
{
	char *text = drm_debugfs_read(card, "objects"), prefix[64];
	const char *client, *line;
	unsigned int id = 0;

	snprintf(prefix, sizeof(prefix), "client %llu ", client_id(fd));
	client = find_line(text, prefix);
	igt_assert_f(client, "no \"%s\" in:\n%s", prefix, text);
	snprintf(prefix, sizeof(prefix), "\thandle %u object ", handle);
	line = find_line(client, prefix);
	igt_assert_f(line, "no \"%s\" in:\n%s", prefix, client);
	igt_assert_eq(sscanf(line + strlen(prefix), "%u", &id), 1);
	free(text);
	return id;
}

static void test_debugfs_object(int card)
{
	uint32_t handle = vgem_plus_create(card, 8192);
	unsigned int id = object_id(card, card, handle);
	char *rec, expect[128];

	rec = object_record(card, id);
	igt_info("%s\n", rec);
	snprintf(expect, sizeof(expect),
		 "object %u size 8192 resident 0 creator %d \"vgem_plus_debug\" age-ms ",
		 id, getpid());
	igt_assert_f(!strncmp(rec, expect, strlen(expect)), "%s\n", rec);
	igt_assert(!strstr(rec, "\texported"));
	free(rec);

	touch(card, handle, 8192);
	rec = object_record(card, id);
	igt_assert_f(strstr(rec, " resident 8192 "), "%s\n", rec);
	free(rec);

	gem_close(card, handle);
	rec = drm_debugfs_read(card, "objects");
	snprintf(expect, sizeof(expect), "object %u ", id);
	igt_assert(!find_line(rec, expect));
	free(rec);
}

static void test_debugfs_dmabuf(int card)
{
	uint32_t handle = vgem_plus_create(card, 4096);
	unsigned int id = object_id(card, card, handle);
	char *rec, expect[128];
	int dmabuf;

	igt_assert_eq(drmPrimeHandleToFD(card, handle, DRM_CLOEXEC, &dmabuf), 0);
	igt_assert_eq(dmabuf_set_name(dmabuf, "a name\\with \"odd\" bytes"), 0);
	rec = object_record(card, id);
	igt_info("%s\n", rec);
	snprintf(expect, sizeof(expect),
		 "\texported ino %lu exporter drm_vgem_plus name \"a\\040name\\134with\\040\\042odd\\042\\040bytes\"",
		 dmabuf_inode(dmabuf));
	igt_assert_f(strstr(rec, expect), "want %s in:\n%s\n", expect, rec);
	free(rec);

	/* Alive only through the dma-buf: still listed, still exported. */
	gem_close(card, handle);
	rec = object_record(card, id);
	igt_assert_f(strstr(rec, expect), "%s\n", rec);
	free(rec);

	close(dmabuf);
	rec = drm_debugfs_read(card, "objects");
	snprintf(expect, sizeof(expect), "object %u ", id);
	igt_assert(!find_line(rec, expect));
	free(rec);
}

static void test_debugfs_fences(int card)
{
	uint32_t handle = vgem_plus_create(card, 4096), w, r;
	unsigned int id = object_id(card, card, handle);
	struct drm_vgem_plus_fence_signal_error err;
	char *rec, expect[128];

	w = attach(card, handle, VGEM_FENCE_WRITE);
	rec = object_record(card, id);
	igt_info("%s\n", rec);
	snprintf(expect, sizeof(expect),
		 "\tfence write drm_vgem_plus client-%llu seq %u unsignalled age-ms ",
		 client_id(card), w);
	igt_assert_f(strstr(rec, expect), "want %s in:\n%s\n", expect, rec);
	free(rec);

	vgem_fence_signal(card, w);
	snprintf(expect, sizeof(expect), "seq %u signalled age-ms", w);
	rec = object_record(card, id);
	igt_assert_f(strstr(rec, expect), "want %s in:\n%s\n", expect, rec);
	free(rec);

	r = attach(card, handle, 0);
	err = (struct drm_vgem_plus_fence_signal_error){ .fence = r, .error = -EIO };
	do_ioctl(card, DRM_IOCTL_VGEM_PLUS_FENCE_SIGNAL_ERROR, &err);
	snprintf(expect, sizeof(expect), "\tfence read drm_vgem_plus client-%llu seq %u signalled error %d age-ms",
		 client_id(card), r, -EIO);
	rec = object_record(card, id);
	igt_info("%s\n", rec);
	igt_assert_f(strstr(rec, expect), "want %s in:\n%s\n", expect, rec);
	free(rec);

	gem_close(card, handle);
}

static void test_debugfs_import(int card)
{
	int dmabuf = dmabuf_heap_alloc(8192);
	uint32_t handle;
	unsigned int id;
	char *rec, expect[128];

	igt_require_f(dmabuf >= 0, "no system dma-heap: %d\n", dmabuf);
	igt_assert_eq(drmPrimeFDToHandle(card, dmabuf, &handle), 0);
	id = object_id(card, card, handle);
	rec = object_record(card, id);
	igt_info("%s\n", rec);
	snprintf(expect, sizeof(expect), "\timported ino %lu exporter system name \"\"",
		 dmabuf_inode(dmabuf));
	igt_assert_f(strstr(rec, expect), "want %s in:\n%s\n", expect, rec);
	free(rec);

	gem_close(card, handle);
	close(dmabuf);
}

/* A process name cannot forge records: it is quoted and escaped. */
static void test_debugfs_escaped_comm(int card)
{
	char saved[16], *rec, expect[128];
	unsigned int id;
	uint32_t handle;

	igt_assert_eq(prctl(PR_GET_NAME, saved), 0);
	igt_assert_eq(prctl(PR_SET_NAME, "a\nobject 1 \""), 0);
	handle = vgem_plus_create(card, 4096);
	igt_assert_eq(prctl(PR_SET_NAME, saved), 0);

	id = object_id(card, card, handle);
	rec = object_record(card, id);
	igt_info("%s\n", rec);
	snprintf(expect, sizeof(expect), "creator %d \"a\\012object\\0401\\040\\042\" age-ms",
		 getpid());
	igt_assert_f(strstr(rec, expect), "want %s in:\n%s\n", expect, rec);
	igt_assert(!strchr(rec, '\n'));
	free(rec);
	gem_close(card, handle);
}

/* Every client is listed with each handle it holds. */
static void test_debugfs_clients(int card)
{
	int other = drm_open_driver_render(DRIVER_VGEM);
	uint32_t a = vgem_plus_create(other, 4096), b = vgem_plus_create(other, 4096);
	char *text = drm_debugfs_read(card, "objects"), prefix[64];
	const char *client;

	snprintf(prefix, sizeof(prefix), "client %llu pid %d comm \"vgem_plus_debug\"\n",
		 client_id(other), getpid());
	client = find_line(text, prefix);
	igt_assert_f(client, "want %s in:\n%s", prefix, text);
	igt_assert(object_id(card, other, a) != object_id(card, other, b));
	igt_assert(find_line(text, "total objects "));
	free(text);
	close(other);
}

igt_main
{
	int card = -1, render = -1;

	igt_fixture {
		card = drm_open_driver(DRIVER_VGEM);
		render = drm_open_driver_render(DRIVER_VGEM);
	}

	igt_describe("fdinfo names the driver and a distinct client id.");
	igt_subtest("fdinfo-keys")
		test_fdinfo_keys(render);

	igt_describe("fdinfo memory stats follow allocation, use and sharing.");
	igt_subtest("fdinfo-memory")
		test_fdinfo_memory(render);

	igt_describe("debugfs lists an object with size, residency, creator.");
	igt_subtest("debugfs-object")
		test_debugfs_object(card);

	igt_describe("debugfs shows the exported dma-buf's inode and name.");
	igt_subtest("debugfs-dmabuf")
		test_debugfs_dmabuf(card);

	igt_describe("debugfs shows fences with usage, timeline, state, error.");
	igt_subtest("debugfs-fences")
		test_debugfs_fences(card);

	igt_describe("debugfs shows where an imported object comes from.");
	igt_subtest("debugfs-import")
		test_debugfs_import(card);

	igt_describe("debugfs quotes and escapes command names.");
	igt_subtest("debugfs-escaped-comm")
		test_debugfs_escaped_comm(card);

	igt_describe("debugfs lists clients and their handles.");
	igt_subtest("debugfs-clients")
		test_debugfs_clients(card);

	igt_fixture {
		close(render);
		close(card);
	}
}
