// SPDX-License-Identifier: MIT
/* Harness self test: drmtest/igt_kmod/ioctl_wrappers without any device. */
#include <errno.h>

#include <xf86drm.h>

#include "igt_core.h"
#include "drmtest.h"
#include "igt_kmod.h"
#include "ioctl_wrappers.h"

igt_main
{
	igt_subtest("open-vgem") {
		int fd = drm_open_driver(DRIVER_VGEM);

		igt_info("opened vgem\n");
		drm_close_driver(fd);
	}

	igt_subtest("open-display-render") {
		int fd = drm_open_driver_render(DRIVER_DISPLAY);

		drm_close_driver(fd);
	}

	igt_subtest("no-device-minus-one") {
		igt_assert_eq(__drm_open_driver(DRIVER_VGEM), -1);
		igt_assert_eq(__drm_open_driver_render(DRIVER_ANY), -1);
	}

	igt_subtest("do-ioctl-fails") {
		struct drm_version v = { 0 };

		do_ioctl(-1, DRM_IOCTL_VERSION, &v);
	}

	igt_subtest("do-ioctl-err-ok") {
		struct drm_version v = { 0 };

		do_ioctl_err(-1, DRM_IOCTL_VERSION, &v, EBADF);
	}

	igt_subtest("do-ioctl-err-wrong-errno") {
		struct drm_version v = { 0 };

		do_ioctl_err(-1, DRM_IOCTL_VERSION, &v, EINVAL);
	}

	igt_subtest("kmod") {
		char line[256], name[128] = "";
		int ret;
		FILE *f = fopen("/proc/modules", "r");

		igt_assert(!igt_kmod_is_loaded("igt_selftest_no_such_module"));
		if (f && fgets(line, sizeof(line), f) && sscanf(line, "%127s", name) == 1)
			igt_assert(igt_kmod_is_loaded(name));
		if (f)
			fclose(f);

		unsetenv("IGT_KMOD_DIR");
		igt_assert_eq(igt_kmod_load("igt_selftest_no_such_module", NULL), -ENOENT);
		setenv("IGT_KMOD_DIR", "/nonexistent-igt-kmod-dir", 1);
		igt_assert_eq(igt_kmod_load("igt_selftest_no_such_module", "x=1"), -ENOENT);
		setenv("IGT_KMOD_DIR", "/nonexistent-a::/nonexistent-b", 1);
		igt_assert_eq(igt_kmod_load("igt_selftest_no_such_module", NULL), -ENOENT);
		ret = igt_kmod_unload("igt_selftest_no_such_module");
		/* -ENOENT as root, -EPERM otherwise, -ENOSYS in some sandboxes */
		igt_assert_f(ret < 0, "unload returned %d\n", ret);
	}
}
