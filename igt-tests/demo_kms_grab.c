// SPDX-License-Identifier: MIT
/*
 * kms_grab (build/tools/kms_grab), with which "make demo" takes pictures
 * of kmscube on drm_display: while another process is DRM master it
 * cannot use writeback (SET_MASTER fails with EBUSY, which it reports),
 * and reads the framebuffer on screen instead. Here the test is the
 * master, shows a picture of its own (tools/demo/pattern.h) and checks
 * kms_grab's PNG against it pixel for pixel.
 */

#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "igt_demo_png.h"
#include "igt_display.h"
#include "igt_fb.h"

#include "../tools/demo/pattern.h"

#define FRAME		42
#define PNG_PATH	"/tmp/demo_kms_grab.png"

static struct {
	int fd;
	char grab[PATH_MAX];
	struct kms_output out;
	struct igt_fb fb;
} data = { .fd = -1 };

static void find_grab(void)
{
	char self[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	igt_assert_lt(0, n);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(data.grab, sizeof(data.grab), "%s/../tools/kms_grab", self);
	igt_assert_f(access(data.grab, X_OK) == 0,
		     "%s not built (make builds it)\n", data.grab);
}

/* kms_grab OUT.png; its exit status, its output in @text (malloc'ed). */
static int run_grab(char **text)
{
	int out = memfd_create("kms_grab-output", MFD_CLOEXEC), status;
	off_t len;
	pid_t pid;

	igt_assert_lte(0, out);
	fflush(NULL);
	pid = fork();
	igt_assert_lte(0, pid);
	if (!pid) {
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
		execl(data.grab, data.grab, PNG_PATH, (char *)NULL);
		_exit(127);
	}
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	len = lseek(out, 0, SEEK_END);
	*text = calloc(1, len + 1);
	igt_assert(*text);
	igt_assert_eq(pread(out, *text, len, 0), len);
	close(out);
	igt_info("kms_grab said:\n%s", *text);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Frame FRAME's picture in an XRGB8888 framebuffer of the mode's size. */
static void draw(struct igt_fb *fb)
{
	struct pattern p;
	uint32_t x, y;

	pattern_init(&p, fb->width, fb->height, FRAME);
	for (y = 0; y < fb->height; y++)
		for (x = 0; x < fb->width; x++)
			igt_fb_set_pixel(fb, x, y, pattern_rgb(&p, x, y));
}

static void check_png(const struct igt_fb *fb)
{
	uint8_t *rgb = igt_png_load_rgb(PNG_PATH, fb->width, fb->height);
	uint32_t x, y, got, want;
	struct pattern p;
	long wrong = 0;

	pattern_init(&p, fb->width, fb->height, FRAME);
	for (y = 0; y < fb->height; y++) {
		for (x = 0; x < fb->width; x++) {
			const uint8_t *px = rgb + 3 * ((size_t)y * fb->width + x);

			got = px[0] << 16 | px[1] << 8 | px[2];
			want = pattern_rgb(&p, x, y);
			if (got != want && wrong++ < 3)
				igt_warn("(%u, %u): %06x, expected %06x\n", x, y,
					 got, want);
		}
	}
	free(rgb);
	igt_assert_f(!wrong, "%ld pixels of the grab differ\n", wrong);
}

static void test_grab(void)
{
	char *text, want[128];

	igt_require_f(drmIsMaster(data.fd), "the test is not DRM master\n");
	igt_create_fb(data.fd, data.out.mode.hdisplay, data.out.mode.vdisplay,
		      DRM_FORMAT_XRGB8888, &data.fb);
	draw(&data.fb);
	igt_assert_eq(kms_atomic_modeset(data.fd, &data.out, &data.out.mode,
					 data.fb.fb_id, 0, NULL), 0);

	igt_assert_eq(run_grab(&text), 0);
	/* We are master: kms_grab cannot be, and says so. */
	igt_assert_f(strstr(text, "SET_MASTER: Device or resource busy"),
		     "kms_grab does not report SET_MASTER's EBUSY\n");
	snprintf(want, sizeof(want), "shows framebuffer %u, %ux%u:",
		 data.fb.fb_id, data.fb.width, data.fb.height);
	igt_assert_f(strstr(text, want), "no \"%s\"\n", want);
	free(text);
	check_png(&data.fb);
	unlink(PNG_PATH);
}

static void test_crtc_off(void)
{
	char *text;

	kms_disable_all(data.fd);
	igt_assert_eq(run_grab(&text), 1);
	igt_assert_f(strstr(text, "is off"), "kms_grab does not say the CRTC is off\n");
	free(text);
	igt_assert(access(PNG_PATH, F_OK) != 0);
}

static void recover(void)
{
	kms_disable_all(data.fd);
	igt_remove_fb(data.fd, &data.fb);
	unlink(PNG_PATH);
}

igt_main
{
	igt_fixture {
		find_grab();
		data.fd = drm_open_driver(DRIVER_DISPLAY);
		kms_require_atomic(data.fd);
		kms_output_find(data.fd, &data.out);
	}

	igt_describe("With the test as DRM master, kms_grab reports that it "
		     "cannot be master and writes the framebuffer on screen to "
		     "a PNG, pixel for pixel.");
	igt_subtest("grab") {
		recover();
		test_grab();
	}

	igt_describe("A CRTC that is off: kms_grab fails and writes nothing.");
	igt_subtest("crtc-off") {
		recover();
		test_crtc_off();
	}

	igt_fixture {
		recover();
		drm_close_driver(data.fd);
	}
}
