// SPDX-License-Identifier: MIT
/*
 * Basic behaviour of drm_vgem_plus: the vgem identity, dumb buffers on the
 * card node, allocation and mmap on the render node, and the rejection of
 * every malformed request.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>

#include "igt.h"

static void test_version(int fd, const char *node)
{
	drmVersionPtr v = drmGetVersion(fd);

	igt_assert(v);
	igt_info("%s: %s %d.%d.%d %s (%s)\n", node, v->name,
		 v->version_major, v->version_minor, v->version_patchlevel,
		 v->date, v->desc);
	igt_assert_eq(strcmp(v->name, "vgem"), 0);
	igt_assert(strstr(v->desc, "drm_vgem_plus"));
	drmFreeVersion(v);
}

static void test_dumb_create(int fd)
{
	struct vgem_bo bo = { .width = 1024, .height = 768, .bpp = 32 };

	vgem_create(fd, &bo);
	igt_assert_neq(bo.handle, 0);
	igt_assert_eq_u32(bo.pitch, 1024 * 4);
	igt_assert_eq_u64(bo.size, 1024 * 4 * 768);
	gem_close(fd, bo.handle);
}

static void test_dumb_create_bad(int fd)
{
	/* As upstream, the DRM core ignores the flags field. */
	static const struct { uint32_t w, h, bpp; } bad[] = {
		{ 0, 768, 32 },		/* no width */
		{ 1024, 0, 32 },		/* no height */
		{ 1024, 768, 0 },		/* no depth */
		{ 0xffffffff, 2, 32 },	/* width * cpp overflows */
		{ 65536, 65536, 32 },	/* pitch * height overflows */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct drm_mode_create_dumb arg = {
			.width = bad[i].w, .height = bad[i].h,
			.bpp = bad[i].bpp,
		};

		igt_debug("case %u\n", i);
		do_ioctl_err(fd, DRM_IOCTL_MODE_CREATE_DUMB, &arg, EINVAL);
	}
}

/*
 * A row of 2^32 bits or more: 6.12's shmem helper computed width * bpp in
 * 32 bits and returned a pitch of 8 here. The pages are never touched.
 */
static void test_dumb_create_wide(int fd)
{
	struct vgem_bo bo = { .width = (1u << 26) + 1, .height = 1, .bpp = 64 };

	vgem_create(fd, &bo);
	igt_assert_eq_u32(bo.pitch, bo.width * 8);
	igt_assert_eq_u64(bo.size, ((uint64_t)bo.pitch + 4095) & ~4095ull);
	gem_close(fd, bo.handle);
}

/* Fresh pages read as zero; writes persist across mappings. */
static void test_dumb_mmap(int fd)
{
	struct vgem_bo bo = { .width = 256, .height = 64, .bpp = 32 };
	uint32_t *ptr;
	unsigned int i;

	vgem_create(fd, &bo);
	ptr = vgem_mmap(fd, &bo, PROT_READ | PROT_WRITE);
	for (i = 0; i < bo.size / 4; i++) {
		igt_assert_eq_u32(ptr[i], 0);
		ptr[i] = i ^ 0xdeadbeef;
	}
	munmap(ptr, bo.size);

	ptr = vgem_mmap(fd, &bo, PROT_READ);
	for (i = 0; i < bo.size / 4; i++)
		igt_assert_eq_u32(ptr[i], i ^ 0xdeadbeef);
	munmap(ptr, bo.size);
	gem_close(fd, bo.handle);
}

/* The render node is for rendering: modesetting-only dumb ioctls refuse. */
static void test_render_no_dumb(int render)
{
	struct drm_mode_create_dumb arg = {
		.width = 64, .height = 64, .bpp = 32,
	};

	do_ioctl_err(render, DRM_IOCTL_MODE_CREATE_DUMB, &arg, EACCES);
}

static void test_create_size(int fd)
{
	struct drm_vgem_plus_create arg = { .size = 4097 };

	igt_assert_eq(__vgem_plus_create(fd, &arg), 0);
	igt_assert_neq(arg.handle, 0);
	igt_assert_eq_u64(arg.size, 8192);
	igt_assert_eq_u32(arg.num_planes, 0);
	igt_assert_eq_u32(arg.pitches[0], 0);
	gem_close(fd, arg.handle);
}

static void test_create_image(int fd)
{
	struct drm_vgem_plus_create xrgb = {
		.width = 1000, .height = 10, .format = DRM_FORMAT_XRGB8888,
	};
	struct drm_vgem_plus_create nv12 = {
		.width = 641, .height = 481, .format = DRM_FORMAT_NV12,
	};

	igt_assert_eq(__vgem_plus_create(fd, &xrgb), 0);
	igt_assert_eq_u32(xrgb.num_planes, 1);
	igt_assert_eq_u32(xrgb.pitches[0], 4032);	/* 4000, 64-aligned */
	igt_assert_eq_u32(xrgb.offsets[0], 0);
	igt_assert_eq_u64(xrgb.size, 40960);		/* 40320, paged */

	/* Y 704 x 481, then CbCr 704 x 241 (641 / 2 rounded up, 2 bytes) */
	igt_assert_eq(__vgem_plus_create(fd, &nv12), 0);
	igt_assert_eq_u32(nv12.num_planes, 2);
	igt_assert_eq_u32(nv12.pitches[0], 704);
	igt_assert_eq_u32(nv12.pitches[1], 704);
	igt_assert_eq_u32(nv12.offsets[1], 704 * 481);
	igt_assert_eq_u64(nv12.size, 512000);

	gem_close(fd, xrgb.handle);
	gem_close(fd, nv12.handle);
}

static void test_create_bad(int fd)
{
	static const struct {
		const char *what;
		struct drm_vgem_plus_create arg;
		int err;
	} bad[] = {
		{ "nothing", { .size = 0 }, EINVAL },
		{ "flags", { .size = 4096, .flags = 1 }, EINVAL },
		{ "pad", { .size = 4096, .pad = 1 }, EINVAL },
		{ "size and image", { .size = 4096, .width = 64, .height = 64,
				      .format = DRM_FORMAT_XRGB8888 }, EINVAL },
		{ "size and width", { .size = 4096, .width = 64 }, EINVAL },
		{ "no height", { .width = 64, .format = DRM_FORMAT_XRGB8888 },
		  EINVAL },
		{ "no width", { .height = 64, .format = DRM_FORMAT_XRGB8888 },
		  EINVAL },
		{ "no format", { .width = 64, .height = 64 }, EINVAL },
		{ "unknown format", { .width = 64, .height = 64,
				      .format = 0x20202020 }, EINVAL },
		/* Unknown to the kernel's format table: must not WARN. */
		{ "r16", { .width = 64, .height = 64,
			   .format = fourcc_code('R', '1', '6', ' ') }, EINVAL },
		{ "gr88", { .width = 64, .height = 64,
			    .format = fourcc_code('G', 'R', '8', '8') }, EINVAL },
		{ "compressed format", { .width = 64, .height = 64,
					 .format = fourcc_code('C', '4', ' ', ' ') }, EINVAL },
		{ "pitch overflow", { .width = 0xffffffff, .height = 1,
				      .format = DRM_FORMAT_ARGB16161616F },
		  EINVAL },
		{ "offset overflow", { .width = 0xffff, .height = 0x10000,
				       .format = DRM_FORMAT_NV12 }, EINVAL },
		{ "bigger than memory", { .size = 1ull << 60 }, E2BIG },
		{ "image bigger than memory", { .width = 0x7fff, .height = 0xffff,
						.format = DRM_FORMAT_XRGB8888 },
		  E2BIG },
		{ "size wraps", { .size = ~0ull }, E2BIG },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct drm_vgem_plus_create arg = bad[i].arg;

		igt_debug("case %s\n", bad[i].what);
		igt_assert_f(__vgem_plus_create(fd, &arg) == -bad[i].err,
			     "%s: expected -%d\n", bad[i].what, bad[i].err);
	}
}

static void test_render_mmap(int render)
{
	const size_t size = 3 * 4096;
	uint32_t handle = vgem_plus_create(render, size);
	uint8_t *a, *b;

	a = vgem_plus_mmap(render, handle, size);
	b = vgem_plus_mmap(render, handle, size);
	memset(a, 0xa5, size);
	igt_assert_eq(b[0], 0xa5);
	igt_assert_eq(b[size - 1], 0xa5);
	munmap(a, size);
	munmap(b, size);
	gem_close(render, handle);
}

/*
 * What is left of a mapping after its head is unmapped still shows the
 * pages it showed: the fault handler must go by vm_pgoff, not by the
 * address within the vma (6.12's shmem helper did the latter).
 */
static void test_mmap_partial_unmap(int render)
{
	const size_t page = 4096, size = 4 * page;
	uint32_t handle = vgem_plus_create(render, size);
	uint8_t *ptr = vgem_plus_mmap(render, handle, size);
	unsigned int i;

	for (i = 0; i < 4; i++)
		memset(ptr + i * page, 0x10 + i, page);
	munmap(ptr, size);

	ptr = vgem_plus_mmap(render, handle, size);
	igt_assert_eq(munmap(ptr, 2 * page), 0);
	for (i = 2; i < 4; i++) {
		igt_assert_eq(ptr[i * page], 0x10 + i);
		igt_assert_eq(ptr[i * page + page - 1], 0x10 + i);
	}
	munmap(ptr + 2 * page, 2 * page);
	gem_close(render, handle);
}

static void test_map_offset_bad(int fd)
{
	uint32_t handle = vgem_plus_create(fd, 4096);
	struct drm_vgem_plus_map_offset arg;

	arg = (struct drm_vgem_plus_map_offset){ .handle = handle, .flags = 1 };
	do_ioctl_err(fd, DRM_IOCTL_VGEM_PLUS_MAP_OFFSET, &arg, EINVAL);
	arg = (struct drm_vgem_plus_map_offset){ .handle = handle + 1 };
	do_ioctl_err(fd, DRM_IOCTL_VGEM_PLUS_MAP_OFFSET, &arg, ENOENT);
	arg = (struct drm_vgem_plus_map_offset){ .handle = 0 };
	do_ioctl_err(fd, DRM_IOCTL_VGEM_PLUS_MAP_OFFSET, &arg, ENOENT);
	gem_close(fd, handle);
}

/* A mmap offset is only good on the file that holds a handle to it. */
static void test_mmap_other_client(int fd)
{
	int other = drm_open_driver_render(DRIVER_VGEM);
	uint32_t handle = vgem_plus_create(fd, 4096);
	struct drm_vgem_plus_map_offset arg = { .handle = handle };
	void *ptr;

	do_ioctl(fd, DRM_IOCTL_VGEM_PLUS_MAP_OFFSET, &arg);
	ptr = mmap(NULL, 4096, PROT_READ, MAP_SHARED, other, arg.offset);
	igt_assert(ptr == MAP_FAILED);
	igt_assert_eq(errno, EACCES);
	close(other);
	gem_close(fd, handle);
}

static void test_handles_private(int fd)
{
	int other = drm_open_driver(DRIVER_VGEM);
	uint32_t handle = vgem_plus_create(fd, 4096);
	struct drm_gem_close arg = { .handle = handle };

	do_ioctl_err(other, DRM_IOCTL_GEM_CLOSE, &arg, EINVAL);
	close(other);
	gem_close(fd, handle);
	do_ioctl_err(fd, DRM_IOCTL_GEM_CLOSE, &arg, EINVAL);
}

/* Unknown driver ioctls after ours are rejected, not misrouted. */
static void test_unknown_ioctl(int fd)
{
	uint64_t junk[8] = {};

	do_ioctl_err(fd, DRM_IOWR(DRM_COMMAND_BASE + 0x7, uint64_t[8]), junk,
		     EINVAL);
	do_ioctl_err(fd, DRM_IOWR(DRM_COMMAND_BASE + 0x0, uint64_t[8]), junk,
		     EINVAL);
}

igt_main
{
	int card = -1, render = -1;

	igt_fixture {
		card = drm_open_driver(DRIVER_VGEM);
		render = drm_open_driver_render(DRIVER_VGEM);
	}

	igt_describe("Both nodes identify as vgem, described as drm_vgem_plus.");
	igt_subtest("version") {
		test_version(card, "card");
		test_version(render, "render");
	}

	igt_describe("A dumb buffer gets a handle, a tight pitch and a size.");
	igt_subtest("dumb-create")
		test_dumb_create(card);

	igt_describe("Malformed and overflowing dumb buffers are refused.");
	igt_subtest("dumb-create-bad")
		test_dumb_create_bad(card);

	igt_describe("A dumb buffer with a row of more than 2^32 bits gets a pitch that holds it.");
	igt_subtest("dumb-create-wide")
		test_dumb_create_wide(card);

	igt_describe("Dumb buffers map zeroed and keep what is written.");
	igt_subtest("dumb-mmap")
		test_dumb_mmap(card);

	igt_describe("The render node refuses dumb buffers with EACCES.");
	igt_subtest("render-no-dumb")
		test_render_no_dumb(render);

	igt_describe("Allocating by size rounds up to whole pages.");
	igt_subtest_f("create-size-%s", "render")
		test_create_size(render);
	igt_subtest_f("create-size-%s", "card")
		test_create_size(card);

	igt_describe("Allocating an image lays out aligned planes.");
	igt_subtest("create-image")
		test_create_image(render);

	igt_describe("Every malformed allocation fails with its errno.");
	igt_subtest("create-bad")
		test_create_bad(render);

	igt_describe("Objects map on the render node, coherently.");
	igt_subtest("render-mmap")
		test_render_mmap(render);

	igt_describe("A mapping whose head is unmapped keeps showing its own pages.");
	igt_subtest("mmap-partial-unmap")
		test_mmap_partial_unmap(render);

	igt_describe("MAP_OFFSET checks flags and handle.");
	igt_subtest("map-offset-bad")
		test_map_offset_bad(render);

	igt_describe("Another client cannot map an object it has no handle to.");
	igt_subtest("mmap-other-client")
		test_mmap_other_client(render);

	igt_describe("Handles are private to their file.");
	igt_subtest("handles-private")
		test_handles_private(card);

	igt_describe("Driver ioctl numbers we do not have are refused.");
	igt_subtest("unknown-ioctl")
		test_unknown_ioctl(render);

	igt_fixture {
		close(render);
		close(card);
	}
}
