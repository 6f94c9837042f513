// SPDX-License-Identifier: MIT
/*
 * kms_grab: the picture a CRTC of drm_display shows, from another process
 * than the one driving it (kmscube in "make demo"), as a PNG.
 *
 * Writeback would be the way to capture it, but a writeback job is part
 * of an atomic commit, and only the DRM master may commit: while kmscube
 * is master, SET_MASTER fails with EBUSY. So, like ffmpeg's kmsgrab, it
 * reads the framebuffer on screen: GETFB2 hands root (CAP_SYS_ADMIN) a
 * GEM handle to it, which MAP_DUMB maps. The copy is kept only when the
 * CRTC still shows the same framebuffer after it (no flip in between).
 *
 * Usage: kms_grab [--crtc N] [--brief] OUT.png
 *   --brief  do not say who is DRM master and why that matters
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "demo.h"

#define ATTEMPTS	5

/* drm_display's card, by driver name. */
static int open_display(char *path, size_t len)
{
	drmDevicePtr devs[16];
	int i, n, fd = -1;

	n = drmGetDevices2(0, devs, 16);
	for (i = 0; i < n && fd < 0; i++) {
		drmVersionPtr v;

		if (!(devs[i]->available_nodes & (1 << DRM_NODE_PRIMARY)))
			continue;
		fd = open(devs[i]->nodes[DRM_NODE_PRIMARY], O_RDWR | O_CLOEXEC);
		v = fd >= 0 ? drmGetVersion(fd) : NULL;
		if (v && !strcmp(v->name, "drm_display")) {
			snprintf(path, len, "%s", devs[i]->nodes[DRM_NODE_PRIMARY]);
		} else if (fd >= 0) {
			close(fd);
			fd = -1;
		}
		drmFreeVersion(v);
	}
	drmFreeDevices(devs, n > 0 ? n : 0);
	if (fd < 0)
		die("no drm_display card (is drm_display.ko loaded?)\n");
	return fd;
}

/* Says who is master; never stays master itself. */
static void say_master(int fd)
{
	if (drmSetMaster(fd) == 0) {
		drmDropMaster(fd);
		printf("kms_grab: nobody is DRM master of drm_display\n");
		return;
	}
	printf("kms_grab: writeback needs an atomic commit, which only the DRM master may make; SET_MASTER: %s (another process is master), so the picture is read from the framebuffer on screen (GETFB2, as root)\n",
	       strerror(errno));
}

static uint32_t crtc_fb(int fd, uint32_t crtc_id)
{
	drmModeCrtcPtr crtc = drmModeGetCrtc(fd, crtc_id);
	uint32_t fb;

	if (!crtc)
		die_errno("drmModeGetCrtc");
	fb = crtc->mode_valid ? crtc->buffer_id : 0;
	drmModeFreeCrtc(crtc);
	return fb;
}

/*
 * The framebuffer @fb_id copied into @pixels (XRGB8888, tightly packed,
 * reallocated), its size into @w and @h.
 */
static void copy_fb(int fd, uint32_t fb_id, uint32_t **pixels, uint32_t *w,
		    uint32_t *h)
{
	struct drm_mode_map_dumb map = {};
	struct drm_gem_close close_arg = {};
	drmModeFB2Ptr fb = drmModeGetFB2(fd, fb_id);
	uint8_t *src;
	size_t size;
	uint32_t y;

	if (!fb)
		die_errno("drmModeGetFB2");
	if (!fb->handles[0])
		die("GETFB2 gave no buffer handle: run as root\n");
	if (fb->pixel_format != DRM_FORMAT_XRGB8888 &&
	    fb->pixel_format != DRM_FORMAT_ARGB8888)
		die("framebuffer %u is not XRGB8888 or ARGB8888\n", fb_id);
	*w = fb->width;
	*h = fb->height;
	size = (size_t)fb->pitches[0] * fb->height + fb->offsets[0];
	map.handle = fb->handles[0];
	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map))
		die_errno("MAP_DUMB of the framebuffer's buffer");
	src = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, map.offset);
	if (src == MAP_FAILED)
		die_errno("mmap of the framebuffer's buffer");
	*pixels = realloc(*pixels, (size_t)*w * *h * 4);
	if (!*pixels)
		die("out of memory\n");
	for (y = 0; y < *h; y++)
		memcpy(*pixels + (size_t)y * *w,
		       src + fb->offsets[0] + (size_t)y * fb->pitches[0], *w * 4);
	munmap(src, size);
	close_arg.handle = fb->handles[0];
	drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &close_arg);
	drmModeFreeFB2(fb);
}

/* Share of pixels that are not black, in percent. */
static double lit_percent(const uint32_t *px, size_t n)
{
	size_t i, lit = 0;

	for (i = 0; i < n; i++)
		lit += (px[i] & 0xffffff) != 0;
	return n ? 100.0 * lit / n : 0;
}

static uint32_t crtc_at(int fd, int index)
{
	drmModeResPtr res = drmModeGetResources(fd);
	uint32_t id;

	if (!res)
		die_errno("drmModeGetResources");
	if (index >= res->count_crtcs)
		die("no crtc-%d\n", index);
	id = res->crtcs[index];
	drmModeFreeResources(res);
	return id;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "crtc", required_argument, NULL, 'c' },
		{ "brief", no_argument, NULL, 'b' },
		{}
	};
	bool brief = false;
	uint32_t *pixels = NULL, w = 0, h = 0, crtc_id, fb = 0;
	int fd, c, index = 0, attempt;
	char path[64];

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'c') {
			index = atoi(optarg);
		} else if (c == 'b') {
			brief = true;
		} else {
			fprintf(stderr, "usage: kms_grab [--crtc N] [--brief] OUT.png\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: kms_grab [--crtc N] [--brief] OUT.png\n");
		return 2;
	}
	fd = open_display(path, sizeof(path));
	if (!brief)
		say_master(fd);
	crtc_id = crtc_at(fd, index);
	for (attempt = 1; attempt <= ATTEMPTS; attempt++) {
		fb = crtc_fb(fd, crtc_id);
		if (!fb)
			die("crtc-%d of %s is off\n", index, path);
		copy_fb(fd, fb, &pixels, &w, &h);
		if (crtc_fb(fd, crtc_id) == fb)
			break;
	}
	if (attempt > ATTEMPTS)
		die("crtc-%d flipped during each of %d copies\n", index, ATTEMPTS);
	png_write_xrgb(argv[optind], (const uint8_t *)pixels, w, h, w * 4, 6);
	printf("kms_grab: crtc-%d of %s shows framebuffer %u, %ux%u: %.1f%% of its pixels not black -> %s\n",
	       index, path, fb, w, h, lit_percent(pixels, (size_t)w * h),
	       argv[optind]);
	free(pixels);
	close(fd);
	return 0;
}
