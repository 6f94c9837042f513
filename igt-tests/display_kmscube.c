// SPDX-License-Identifier: MIT
/*
 * kmscube on drm_display: mesa knows no driver by that name and falls
 * back to kms_swrast, llvmpipe rendering into our dumb buffers, which it
 * scans out with ADDFB2 and page flips. Each subtest runs kmscube for a
 * fixed number of frames under a time limit: it must exit 0, the
 * debugfs dump must have counted about as many flips, and halfway the
 * screen must show a picture, not one flat colour.
 *
 * Debian's kmscube quits at once when its stdin is readable (even at
 * EOF): it gets a pipe nobody writes to.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "igt_display_dump.h"

#define KMSCUBE		"/usr/bin/kmscube"
#define FRAMES		24
/*
 * 10 to 20 s each for 24 frames under TCG, 35 s and more on the debug
 * kernel with other guests about: a hang ends here, before igt-run's
 * 120 s.
 */
#define TIME_LIMIT_S	90
/* The modeset before the first frame, the RMFB of the last at exit. */
#define EXTRA_FLIPS	3

static char card[64];
/*
 * The file counting flips stays open, not master: opened while kmscube
 * starts, it would take DRM master from under kmscube's open.
 */
static int card_fd = -1;
static pid_t child = -1;
/* Grab the screen once this many flips were counted; what it showed. */
static unsigned long long grab_at_flip;
static int screen_colours = -1;

/* The card node of drm_display, by driver name, not by number. */
static void find_card(void)
{
	drmVersionPtr v;
	int i, fd;

	for (i = 0; i < 16 && !card[0]; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (v && !strcmp(v->name, "drm_display")) {
			snprintf(card, sizeof(card), "%s", path);
			card_fd = fd;
		} else {
			close(fd);
		}
		drmFreeVersion(v);
	}
	igt_require_f(card[0], "no drm_display card\n");
	/* The first open of a card without master becomes master. */
	if (drmIsMaster(card_fd))
		igt_assert_eq(drmDropMaster(card_fd), 0);
}

/* Flips and skipped frames summed over every CRTC. */
static void count_flips(unsigned long long *flips, unsigned long long *skipped)
{
	int fd = card_fd;
	struct dump_crtc c;
	drmModeResPtr res;
	int i;

	res = drmModeGetResources(fd);
	igt_assert(res);
	*flips = *skipped = 0;
	for (i = 0; i < res->count_crtcs; i++) {
		dump_get_crtc_by_index(fd, i, &c);
		*flips += c.flips;
		*skipped += c.skipped;
	}
	drmModeFreeResources(res);
}

/* Distinct values among 64x64 pixels spread over an XRGB8888 image. */
static int count_colours(const uint8_t *px, const drmModeFB2 *fb)
{
	uint32_t seen[16], v;
	int n = 0, i, x, y;

	for (y = 0; y < 64; y++)
		for (x = 0; x < 64; x++) {
			v = *(const uint32_t *)(px + fb->offsets[0] +
						(size_t)(y * fb->height / 64) * fb->pitches[0] +
						(size_t)(x * fb->width / 64) * 4) & 0xffffff;
			for (i = 0; i < n && seen[i] != v; i++)
				;
			if (i == n && n < 16)
				seen[n++] = v;
		}
	return n;
}

/*
 * How many colours the framebuffer on the first lit plane shows. GETFB2
 * gives root a handle to it, kms_swrast's buffers are our dumb buffers,
 * and MAP_DUMB maps them. Writeback would need DRM master: kmscube has it
 * (it flips: this open cannot take master from it).
 */
static int grab_screen(void)
{
	int fd = open(card, O_RDWR | O_CLOEXEC), colours = 0;
	struct drm_mode_map_dumb map = {};
	drmModePlaneResPtr res;
	drmModeFB2Ptr fb = NULL;
	drmModePlanePtr plane;
	uint32_t i;
	size_t size;
	void *px;

	igt_assert_lte(0, fd);
	drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	res = drmModeGetPlaneResources(fd);
	igt_assert(res);
	for (i = 0; i < res->count_planes && !fb; i++) {
		plane = drmModeGetPlane(fd, res->planes[i]);
		if (plane && plane->fb_id)
			fb = drmModeGetFB2(fd, plane->fb_id);
		drmModeFreePlane(plane);
	}
	drmModeFreePlaneResources(res);
	if (fb && fb->pixel_format == DRM_FORMAT_XRGB8888 && fb->handles[0]) {
		map.handle = fb->handles[0];
		do_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map);
		size = fb->offsets[0] + (size_t)fb->pitches[0] * fb->height;
		px = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, map.offset);
		igt_assert(px != MAP_FAILED);
		colours = count_colours(px, fb);
		munmap(px, size);
		igt_info("screen: fb %u %ux%u, %d colours in 64x64 samples\n",
			 fb->fb_id, fb->width, fb->height, colours);
	}
	drmModeFreeFB2(fb);
	close(fd);	/* and with it the handle */
	return colours;
}

/* Once kmscube is halfway, look at what it shows (checked each 0.5 s). */
static void maybe_grab_screen(void)
{
	static unsigned int tick;
	unsigned long long flips, skipped;

	if (screen_colours >= 0 || ++tick % 10)
		return;
	count_flips(&flips, &skipped);
	if (flips >= grab_at_flip)
		screen_colours = grab_screen();
}

/* A killed kmscube can take seconds to tear its threads down. */
static void kill_child(void)
{
	struct timespec start = {};

	if (child <= 0)
		return;
	kill(child, SIGKILL);
	while (waitpid(child, NULL, WNOHANG) == 0 &&
	       igt_nsec_elapsed(&start) < 20000000000ull)
		usleep(50000);
	child = -1;
}

/* Runs kmscube with @mode; its output goes to @out (a memfd). */
/*
 * @cpu_caps, when set, caps the CPU features llvmpipe generates code for
 * (mesa's GALLIUM_OVERRIDE_CPU_CAPS).
 */
static int run_kmscube(const char *mode, const char *cpu_caps, int out,
		       double *seconds)
{
	char count[16];
	const char *argv[] = { KMSCUBE, "-D", card, "-c", count, "-M", mode,
			       NULL };
	struct timespec start = {};
	int status, in[2];
	pid_t ret;

	snprintf(count, sizeof(count), "%d", FRAMES);
	igt_assert_eq(pipe2(in, O_CLOEXEC), 0);
	igt_nsec_elapsed(&start);
	fflush(NULL);
	child = fork();
	igt_assert_lte(0, child);
	if (child == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
		if (cpu_caps)
			setenv("GALLIUM_OVERRIDE_CPU_CAPS", cpu_caps, 1);
		execv(KMSCUBE, (char **)argv);
		_exit(127);
	}
	close(in[0]);

	/* in[1] stays open and silent until kmscube is done. */
	while ((ret = waitpid(child, &status, WNOHANG)) == 0) {
		maybe_grab_screen();
		if (igt_nsec_elapsed(&start) > TIME_LIMIT_S * 1000000000ull) {
			close(in[1]);
			kill_child();
			igt_assert_f(false, "kmscube -M %s still running after %d s\n",
				     mode, TIME_LIMIT_S);
		}
		usleep(50000);
	}
	igt_assert_eq(ret, child);
	child = -1;
	close(in[1]);
	*seconds = igt_nsec_elapsed(&start) / 1e9;
	return status;
}

/* The last @lines lines of what kmscube printed, for the log. */
static void show_output(int out, const char *what, int lines)
{
	off_t len = lseek(out, 0, SEEK_END);
	char *text, *p;
	int n = 0;

	if (len <= 0)
		return;
	text = mmap(NULL, len, PROT_READ, MAP_PRIVATE, out, 0);
	igt_assert(text != MAP_FAILED);
	for (p = text + len - 1; p > text && n <= lines; p--)
		n += *p == '\n';
	igt_info("%s:\n%.*s\n", what, (int)(text + len - p), p);
	munmap(text, len);
}

static bool output_has(int out, const char *needle)
{
	off_t len = lseek(out, 0, SEEK_END);
	char *text;
	bool found;

	if (len <= 0)
		return false;
	text = mmap(NULL, len, PROT_READ, MAP_PRIVATE, out, 0);
	igt_assert(text != MAP_FAILED);
	found = memmem(text, len, needle, strlen(needle));
	munmap(text, len);
	return found;
}

static void test_kmscube(const char *mode, const char *cpu_caps)
{
	unsigned long long flips0, skipped0, flips, skipped;
	char last[64];
	double seconds;
	int out, status;

	out = memfd_create("kmscube-output", MFD_CLOEXEC);
	igt_assert_lte(0, out);
	count_flips(&flips0, &skipped0);
	grab_at_flip = flips0 + FRAMES / 2;
	screen_colours = -1;

	status = run_kmscube(mode, cpu_caps, out, &seconds);
	igt_info("kmscube -M %s -c %d: %.1f s\n", mode, FRAMES, seconds);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		show_output(out, "kmscube's output ends", 15);
		igt_assert_f(false, "kmscube -M %s: status %#x\n", mode, status);
	}
	/* It counts from 0: the last report is of frame FRAMES - 1. */
	snprintf(last, sizeof(last), "Rendered %d frames", FRAMES - 1);
	if (!output_has(out, last)) {
		show_output(out, "kmscube's output ends", 15);
		igt_assert_f(false, "kmscube never reported \"%s\"\n", last);
	}
	if (output_has(out, "llvmpipe"))
		igt_info("rendered by llvmpipe (kms_swrast)\n");

	count_flips(&flips, &skipped);
	igt_info("flips %llu -> %llu\n", flips0, flips);
	igt_assert_f(flips - flips0 >= FRAMES &&
		     flips - flips0 <= FRAMES + EXTRA_FLIPS,
		     "%llu flips for %d frames\n", flips - flips0, FRAMES);
	igt_assert_eq_u64(skipped, skipped0);
	/* The cube over its background: not one flat colour. */
	igt_assert_f(screen_colours >= 4,
		     "the screen halfway through showed %d colours\n",
		     screen_colours);
	close(out);
}

igt_main
{
	igt_fixture {
		igt_require_f(access(KMSCUBE, X_OK) == 0,
			      KMSCUBE " not installed (tools/setup.sh installs it)\n");
		find_card();
	}

	igt_describe("kmscube's smooth shaded cube, rendered by llvmpipe into "
		     "dumb buffers and flipped.");
	igt_subtest("smooth")
		test_kmscube("smooth", NULL);

	/*
	 * llvmpipe's AVX2 texture gathers fault under QEMU's TCG (see
	 * Documentation/drm_display.rst): "sse4.1" keeps it to SSE, the
	 * rest of the path (dumb buffer, PRIME, ADDFB2, flips) is the same.
	 */
	igt_describe("kmscube's RGBA textured cube: a dumb buffer exported and "
		     "imported back as a texture.");
	igt_subtest("rgba")
		test_kmscube("rgba", "sse4.1");

	igt_describe("kmscube's NV12 textured cube, two images converted in "
		     "the shader.");
	igt_subtest("nv12-2img")
		test_kmscube("nv12-2img", NULL);

	igt_fixture
		kill_child();
}
