// SPDX-License-Identifier: MIT
/*
 * drm_vgem_plus must stay loaded while anything it made is alive: an open
 * device file, a dma-buf, or a fence in a sync_file. Once all are gone it
 * unloads cleanly and loads again.
 *
 * Needs IGT_KMOD_DIR to point at the built module to load it back.
 */

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"

#define MODULE "drm_vgem_plus"

static void unload_and_reload(void)
{
	int fd;

	igt_assert_eq(igt_kmod_unload(MODULE), 0);
	igt_assert(!igt_kmod_is_loaded(MODULE));
	igt_assert_eq(__drm_open_driver(DRIVER_VGEM), -1);

	igt_assert_eq(igt_kmod_load(MODULE, ""), 0);
	fd = drm_open_driver_render(DRIVER_VGEM);
	vgem_plus_create(fd, 4096);
	close(fd);
}

static void test_busy_while_open(void)
{
	int fd = drm_open_driver(DRIVER_VGEM);

	igt_assert_eq(igt_kmod_unload(MODULE), -EWOULDBLOCK);
	close(fd);
	unload_and_reload();
}

static void test_busy_while_dmabuf(void)
{
	int fd = drm_open_driver_render(DRIVER_VGEM), dmabuf;

	igt_assert_eq(drmPrimeHandleToFD(fd, vgem_plus_create(fd, 4096), DRM_CLOEXEC, &dmabuf), 0);
	close(fd);
	igt_assert_eq(igt_kmod_unload(MODULE), -EWOULDBLOCK);
	close(dmabuf);
	unload_and_reload();
}

static void test_busy_while_sync_file(void)
{
	int fd = drm_open_driver_render(DRIVER_VGEM);
	struct drm_vgem_fence_attach attach = {
		.handle = vgem_plus_create(fd, 4096), .flags = WIP_VGEM_FENCE_NOTIMEOUT,
	};
	struct drm_vgem_plus_fence_export export = { .flags = 0 };

	igt_assert_eq(__vgem_fence_attach(fd, &attach), 0);
	export.fence = attach.out_fence;
	do_ioctl(fd, DRM_IOCTL_VGEM_PLUS_FENCE_EXPORT, &export);
	close(fd);
	igt_assert_eq(igt_kmod_unload(MODULE), -EWOULDBLOCK);
	close(export.fd);
	unload_and_reload();
}

igt_main
{
	igt_fixture {
		igt_require_f(getenv("IGT_KMOD_DIR"),
			      "IGT_KMOD_DIR must name the directory of %s.ko\n",
			      MODULE);
		igt_require(igt_kmod_is_loaded(MODULE));
	}

	igt_describe("An open device file keeps the module loaded.");
	igt_subtest("busy-while-open")
		test_busy_while_open();

	igt_describe("A dma-buf keeps the module loaded after its device file closed.");
	igt_subtest("busy-while-dmabuf")
		test_busy_while_dmabuf();

	igt_describe("A fence in a sync_file keeps the module loaded.");
	igt_subtest("busy-while-sync-file")
		test_busy_while_sync_file();
}
