// SPDX-License-Identifier: MIT
/*
 * Unloading drm_display: an open device file keeps the module loaded,
 * whatever is on screen. Once no file is open it unloads, even with a
 * framebuffer still on screen (CLOSEFB) or flips and their events still
 * pending: the shutdown turns every output off and lets go of every
 * buffer, and a buffer imported from another driver stays usable by its
 * exporter. The module then loads again and works.
 *
 * Needs IGT_KMOD_DIR to list the directory of drm_display.ko.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "igt_display.h"
#include "igt_dmabuf.h"
#include "igt_pipe_crc.h"

#define MODULE		"drm_display"
#define EVENT_TIMEOUT_MS 1000

static void unload(void)
{
	igt_assert_eq(igt_kmod_unload(MODULE), 0);
	igt_assert(!igt_kmod_is_loaded(MODULE));
	igt_assert_eq(__drm_open_driver(DRIVER_DISPLAY), -1);
}

/* Loads the module again and checks that it lights an output up. */
static void reload(void)
{
	struct drm_event_vblank ev;
	struct kms_output out;
	struct kms_fb fb;
	int fd;

	igt_assert_eq(igt_kmod_load(MODULE, ""), 0);
	fd = drm_open_driver(DRIVER_DISPLAY);
	kms_require_atomic(fd);
	kms_output_find(fd, &out);
	kms_dumb_fb_create(fd, out.mode.hdisplay, out.mode.vdisplay,
			   DRM_FORMAT_XRGB8888, &fb);
	igt_assert_eq(kms_atomic_modeset(fd, &out, &out.mode, fb.fb_id,
					 DRM_MODE_PAGE_FLIP_EVENT,
					 kms_user_data(1)), 0);
	igt_assert(kms_read_event(fd, EVENT_TIMEOUT_MS, &ev));
	kms_disable_all(fd);
	kms_fb_remove(fd, &fb);
	drm_close_driver(fd);
}

static void test_busy_while_open(void)
{
	int fd = drm_open_driver(DRIVER_DISPLAY);

	igt_assert_eq(igt_kmod_unload(MODULE), -EWOULDBLOCK);
	igt_assert(igt_kmod_is_loaded(MODULE));
	drm_close_driver(fd);
	unload();
	reload();
}

static bool attached_to_display(unsigned long ino)
{
	struct bufinfo_buffer b;
	int i;

	igt_assert_f(bufinfo_find(ino, &b), "dma-buf %lu not in bufinfo\n", ino);
	for (i = 0; i < b.num_attached; i++)
		if (!strcmp(b.attached[i], MODULE))
			return true;
	return false;
}

static void test_fb_on_screen(void)
{
	struct drm_vgem_plus_create create = { .format = DRM_FORMAT_XRGB8888 };
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	struct drm_mode_closefb cl = {};
	struct drm_event_vblank ev;
	struct kms_output out;
	int fd, vgem, dmabuf;
	uint32_t *cpu, *shared, fence;
	unsigned long ino;
	size_t i, n;

	fd = drm_open_driver(DRIVER_DISPLAY);
	vgem = drm_open_driver_render(DRIVER_VGEM);
	kms_require_atomic(fd);
	kms_output_find(fd, &out);

	/* A drm_vgem_plus image on screen. */
	create.width = out.mode.hdisplay;
	create.height = out.mode.vdisplay;
	igt_assert_eq(__vgem_plus_create(vgem, &create), 0);
	dmabuf = prime_handle_to_fd(vgem, create.handle);
	ino = dmabuf_inode(dmabuf);
	handles[0] = prime_fd_to_handle(fd, dmabuf);
	pitches[0] = create.pitches[0];
	offsets[0] = create.offsets[0];
	igt_assert_eq(drmModeAddFB2(fd, create.width, create.height,
				    DRM_FORMAT_XRGB8888, handles, pitches,
				    offsets, &cl.fb_id, 0), 0);
	igt_assert_eq(kms_atomic_modeset(fd, &out, &out.mode, cl.fb_id,
					 DRM_MODE_PAGE_FLIP_EVENT,
					 kms_user_data(1)), 0);
	igt_assert(kms_read_event(fd, EVENT_TIMEOUT_MS, &ev));
	igt_assert(attached_to_display(ino));

	igt_assert_eq(igt_kmod_unload(MODULE), -EWOULDBLOCK);

	/*
	 * No file of ours left, but the framebuffer stays on screen: the
	 * module unloads all the same, and the shutdown lets the buffer go.
	 */
	igt_require_f(igt_ioctl(fd, DRM_IOCTL_MODE_CLOSEFB, &cl) == 0,
		      "no CLOSEFB: %m\n");
	gem_close(fd, handles[0]);
	drm_close_driver(fd);
	igt_assert(attached_to_display(ino));
	unload();
	igt_assert_f(!attached_to_display(ino),
		     "dma-buf %lu still attached after the unload\n", ino);

	/* The exporter's buffer works as before, through both mappings. */
	n = create.size / 4;
	cpu = vgem_plus_mmap(vgem, create.handle, create.size);
	shared = prime_mmap(dmabuf, create.size);
	for (i = 0; i < n; i++)
		cpu[i] = 0x5eed0000 + i;
	for (i = 0; i < n; i++)
		igt_assert_f(shared[i] == 0x5eed0000 + (uint32_t)i,
			     "word %zu: %#x\n", i, shared[i]);
	munmap(shared, create.size);
	munmap(cpu, create.size);
	fence = vgem_fence_attach(vgem, &(struct vgem_bo){
					  .handle = create.handle },
				  VGEM_FENCE_WRITE);
	vgem_fence_signal(vgem, fence);

	close(dmabuf);
	gem_close(vgem, create.handle);
	drm_close_driver(vgem);
	reload();
}

static void test_events_pending(void)
{
	struct kms_output out;
	struct kms_fb fb[2];
	int fd, i, ret;

	fd = drm_open_driver(DRIVER_DISPLAY);
	kms_require_atomic(fd);
	kms_output_find(fd, &out);
	for (i = 0; i < 2; i++)
		kms_dumb_fb_create(fd, out.mode.hdisplay, out.mode.vdisplay,
				   DRM_FORMAT_XRGB8888, &fb[i]);
	igt_assert_eq(kms_atomic_modeset(fd, &out, &out.mode, fb[0].fb_id,
					 DRM_MODE_PAGE_FLIP_EVENT,
					 kms_user_data(0)), 0);

	/*
	 * Flips as fast as they are taken, their events never read; the
	 * last one is still pending when the file closes.
	 */
	for (i = 1; i <= 20; i++) {
		do {
			ret = kms_atomic_flip(fd, &out, fb[i & 1].fb_id,
					      DRM_MODE_PAGE_FLIP_EVENT |
					      DRM_MODE_ATOMIC_NONBLOCK,
					      kms_user_data(i));
		} while (ret == -EBUSY && !usleep(1000));
		igt_assert_eq(ret, 0);
	}
	drm_close_driver(fd);

	unload();
	reload();
}

/*
 * An open CRC data file pins the module: its release calls back into the
 * driver, even when the DRM device file was closed long before.
 */
static void test_crc_open(void)
{
	struct igt_pipe_crc pc;
	struct kms_output out;
	struct kms_fb fb;
	int fd;

	fd = drm_open_driver(DRIVER_DISPLAY);
	kms_require_atomic(fd);
	kms_output_find(fd, &out);
	kms_dumb_fb_create(fd, out.mode.hdisplay, out.mode.vdisplay,
			   DRM_FORMAT_XRGB8888, &fb);
	igt_assert_eq(kms_atomic_modeset(fd, &out, &out.mode, fb.fb_id, 0, 0),
		      0);
	igt_pipe_crc_init(&pc, fd, out.crtc_index, "auto");
	igt_pipe_crc_start(&pc);
	drm_close_driver(fd);

	igt_assert_eq(igt_kmod_unload(MODULE), -EWOULDBLOCK);
	igt_assert(igt_kmod_is_loaded(MODULE));
	igt_pipe_crc_stop(&pc);
	unload();
	reload();
}

igt_main
{
	igt_fixture {
		igt_require_f(getenv("IGT_KMOD_DIR"),
			      "IGT_KMOD_DIR must list the directory of %s.ko\n",
			      MODULE);
		igt_require(igt_kmod_is_loaded(MODULE));
	}

	igt_describe("An open device file keeps the module loaded; closed, "
		     "it unloads and loads again.");
	igt_subtest("busy-while-open")
		test_busy_while_open();

	igt_describe("An imported buffer on screen: busy while the file is "
		     "open; with the framebuffer closed and the file too the "
		     "module unloads, and the exporter keeps a working buffer.");
	igt_subtest("fb-on-screen")
		test_fb_on_screen();

	igt_describe("Unloading right after a burst of flips whose events "
		     "nobody read is clean.");
	igt_subtest("flips-with-events-pending")
		test_events_pending();

	igt_describe("An open CRC data file keeps the module loaded after "
		     "the device file closed; closed too, it unloads.");
	igt_subtest("crc-open")
		test_crc_open();

	/* Whatever failed, leave the module loaded for what comes next. */
	igt_fixture
		igt_assert_eq(igt_kmod_load(MODULE, ""), 0);
}
