// SPDX-License-Identifier: MIT
/*
 * drm_display's debugfs state dump (framebuffers, planes, crtcs): what it
 * says about our own and imported buffers, the framebuffer committed
 * against the one shown while a flip waits for its fence and after a
 * skipped frame, and that it can be read while a blocking commit holds
 * the modeset locks. Also what RMFB and CLOSEFB of the framebuffer on
 * screen do, and a buffer whose exporter was killed while on screen.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "igt_display.h"
#include "igt_display_dump.h"
#include "igt_dmabuf.h"

#define EXPORTER		"drm_vgem_plus"
#define PARAM_TIMEOUT		"/sys/module/drm_display/parameters/fence_timeout_ms"
#define PARAM_SKIP		"/sys/module/drm_display/parameters/fence_skip"
#define PARAM_VGEM_TIMEOUT	"/sys/module/drm_vgem_plus/parameters/fence_timeout_ms"
#define XR24			"XR24 little-endian (0x34325258)"
#define EVENT_TIMEOUT_MS	1000
/* How long a flip held back by a fence is watched for not completing. */
#define BLOCKED_MS		300
/* A debugfs read that waited for the modeset locks would take seconds. */
#define READ_MAX_MS		1000
#define MODESET_EVENT		100

enum { BUF_A, BUF_B, BUF_F, NUM_BUFS };

/**
 * struct scanout_buf - a dma-buf imported into drm_display with an fb
 * @vgem_handle: the object in our drm_vgem_plus file, 0 when another
 *               process made it
 * @dmabuf: the dma-buf, -1 when none
 * @ino: its inode
 * @handle: the import in drm_display
 * @fb_id: the framebuffer on it
 * @name: the dma-buf's name
 */
struct scanout_buf {
	uint32_t vgem_handle;
	int dmabuf;
	unsigned long ino;
	uint32_t handle;
	uint32_t fb_id;
	char name[32];
};

#define NUM_PARAMS 3
static const char *const param_paths[NUM_PARAMS] = {
	PARAM_TIMEOUT, PARAM_SKIP, PARAM_VGEM_TIMEOUT,
};

/*
 * What a failed subtest may leave behind, for recover() and the exit
 * handler: main-body locals do not survive igt's longjmp.
 */
static struct {
	pid_t pid;
	char comm[32];
	int vgem, display;
	uint64_t client;
	struct kms_output out;
	char plane[32];
	struct scanout_buf buf[NUM_BUFS];
	uint32_t fences[4];	/* unsignalled fences of @vgem */
	int num_fences;
	int fds[8];		/* sync_files, sockets, foreign files */
	pid_t child;
	bool params_saved;
	char saved[NUM_PARAMS][16];
	pthread_t thread;
	bool thread_running;
} data = { .vgem = -1, .display = -1, .child = -1 };

static int fd_track(int fd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(data.fds); i++) {
		if (data.fds[i] < 0) {
			data.fds[i] = fd;
			return fd;
		}
	}
	igt_assert_f(false, "too many open fds\n");
	return fd;
}

static void fd_untrack(int fd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(data.fds); i++)
		if (data.fds[i] == fd)
			data.fds[i] = -1;
}

static void fd_close(int fd)
{
	fd_untrack(fd);
	close(fd);
}

/* ---- module parameters ------------------------------------------------ */

static void param_set(const char *path, const char *val)
{
	igt_assert(data.params_saved);
	igt_sysfs_set(path, val);
}

static void params_restore(void)
{
	int i;

	if (!data.params_saved)
		return;
	for (i = 0; i < NUM_PARAMS; i++)
		igt_sysfs_write(param_paths[i], data.saved[i]);
}

/* ---- fences ----------------------------------------------------------- */

static uint32_t fence_attach(uint32_t vgem_handle, uint32_t flags)
{
	struct drm_vgem_fence_attach arg = {
		.handle = vgem_handle,
		.flags = flags | WIP_VGEM_FENCE_NOTIMEOUT,
	};

	igt_assert(data.num_fences < (int)ARRAY_SIZE(data.fences));
	igt_assert_eq(__vgem_fence_attach(data.vgem, &arg), 0);
	data.fences[data.num_fences++] = arg.out_fence;
	return arg.out_fence;
}

static void fence_signal(uint32_t id)
{
	int i, ret = __vgem_fence_signal(data.vgem, id);

	for (i = 0; i < data.num_fences; i++)
		if (data.fences[i] == id)
			data.fences[i] = data.fences[--data.num_fences];
	igt_assert_eq(ret, 0);
}

static int sync_file_status(int sf)
{
	struct sync_file_info info;

	memset(&info, 0, sizeof(info));
	do_ioctl(sf, SYNC_IOC_FILE_INFO, &info);
	return info.status;
}

static uint64_t drm_client_id(int fd)
{
	char val[32];

	igt_assert_f(fdinfo_get(fd, "drm-client-id", val, sizeof(val)),
		     "no drm-client-id in fdinfo\n");
	return strtoull(val, NULL, 10);
}

/* ---- buffers and flips ------------------------------------------------ */

static void buf_import(struct scanout_buf *b, uint32_t pitch, uint32_t offset)
{
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};

	b->ino = dmabuf_inode(b->dmabuf);
	b->handle = prime_fd_to_handle(data.display, b->dmabuf);
	handles[0] = b->handle;
	pitches[0] = pitch;
	offsets[0] = offset;
	igt_assert_eq(drmModeAddFB2(data.display, data.out.mode.hdisplay,
				    data.out.mode.vdisplay, DRM_FORMAT_XRGB8888,
				    handles, pitches, offsets, &b->fb_id, 0), 0);
}

/* A mode-sized XRGB8888 image on drm_vgem_plus, imported into drm_display. */
static void buf_create(struct scanout_buf *b, const char *name)
{
	struct drm_vgem_plus_create create = {
		.width = data.out.mode.hdisplay,
		.height = data.out.mode.vdisplay,
		.format = DRM_FORMAT_XRGB8888,
	};

	igt_assert_eq(__vgem_plus_create(data.vgem, &create), 0);
	b->vgem_handle = create.handle;
	b->dmabuf = prime_handle_to_fd(data.vgem, create.handle);
	snprintf(b->name, sizeof(b->name), "%s", name);
	igt_assert_eq(dmabuf_set_name(b->dmabuf, name), 0);
	buf_import(b, create.pitches[0], create.offsets[0]);
}

/* Asserts nothing: it also mops up after a failed subtest. */
static void buf_free(struct scanout_buf *b)
{
	struct drm_gem_close close_arg = {};

	if (b->fb_id)
		drmModeRmFB(data.display, b->fb_id);
	if (b->handle) {
		close_arg.handle = b->handle;
		drmIoctl(data.display, DRM_IOCTL_GEM_CLOSE, &close_arg);
	}
	if (b->vgem_handle) {
		close_arg.handle = b->vgem_handle;
		drmIoctl(data.vgem, DRM_IOCTL_GEM_CLOSE, &close_arg);
	}
	if (b->dmabuf >= 0)
		close(b->dmabuf);
	memset(b, 0, sizeof(*b));
	b->dmabuf = -1;
}

/* Drops everything of @b; its dma-buf must then leave bufinfo. */
static void buf_free_and_check_gone(struct scanout_buf *b)
{
	struct timespec start = {};
	struct bufinfo_buffer bi;
	unsigned long ino = b->ino;

	buf_free(b);
	/* The last plane state lets go when its commit is cleaned up. */
	while (bufinfo_find(ino, &bi)) {
		igt_assert_f(igt_nsec_elapsed(&start) < 2000000000ull,
			     "dma-buf %lu still there after we dropped it\n",
			     ino);
		usleep(10000);
	}
}

static int flip(uint32_t fb_id, int32_t *out_fence, uintptr_t user_data)
{
	int ret;

	ret = kms_atomic_flip_fenced(data.display, &data.out, fb_id, -1,
				     out_fence, DRM_MODE_PAGE_FLIP_EVENT |
				     DRM_MODE_ATOMIC_NONBLOCK,
				     kms_user_data(user_data));
	if (!ret && out_fence)
		fd_track(*out_fence);
	return ret;
}

static void expect_flip_event(uintptr_t user_data, int timeout_ms)
{
	struct drm_event_vblank ev;

	igt_assert_f(kms_read_event(data.display, timeout_ms, &ev),
		     "no flip event %llu within %d ms\n",
		     (unsigned long long)user_data, timeout_ms);
	igt_assert_eq_u32(ev.base.type, DRM_EVENT_FLIP_COMPLETE);
	igt_assert_eq_u64(ev.user_data, user_data);
}

static void expect_no_event(int timeout_ms, const char *why)
{
	struct drm_event_vblank ev;

	igt_assert_f(!kms_read_event(data.display, timeout_ms, &ev),
		     "flip event %llu within %d ms, although %s\n",
		     (unsigned long long)ev.user_data, timeout_ms, why);
}

static void flip_and_wait(uint32_t fb_id, uintptr_t user_data)
{
	igt_assert_eq(flip(fb_id, NULL, user_data), 0);
	expect_flip_event(user_data, EVENT_TIMEOUT_MS);
}

/* ---- the dump --------------------------------------------------------- */

static void get_plane(struct dump_plane *p)
{
	dump_get_plane(data.display, data.plane, p);
}

static void get_crtc(struct dump_crtc *c)
{
	dump_get_crtc_by_index(data.display, data.out.crtc_index, c);
}

/*
 * The plane's records settle when the commit tail has run: a flip event
 * can reach us first. Waits up to a second for committed @fb, shown
 * @shown and fence-wait @waiting.
 */
static void wait_plane(uint32_t fb, uint32_t shown, int waiting,
		       struct dump_plane *p)
{
	struct timespec start = {};

	for (;;) {
		get_plane(p);
		if (p->fb == fb && p->shown_fb == shown &&
		    p->fence_wait == waiting)
			return;
		igt_assert_f(igt_nsec_elapsed(&start) < 1000000000ull,
			     "%s: fb %u shown-fb %u fence-wait %d, expected fb %u shown-fb %u fence-wait %d\n",
			     p->name, p->fb, p->shown_fb, p->fence_wait, fb,
			     shown, waiting);
		usleep(10000);
	}
}

/* The counters of the CRTC reach @flips (and @skipped) within a second. */
static void wait_crtc(unsigned long long flips, unsigned long long skipped,
		      struct dump_crtc *c)
{
	struct timespec start = {};

	for (;;) {
		get_crtc(c);
		if (c->flips == flips && c->skipped == skipped)
			return;
		igt_assert_f(c->flips <= flips && c->skipped <= skipped &&
			     igt_nsec_elapsed(&start) < 1000000000ull,
			     "%s: flips %llu skipped %llu, expected %llu %llu\n",
			     c->name, c->flips, c->skipped, flips, skipped);
		usleep(10000);
	}
}

/* @fb describes @b: an XRGB8888 mode-sized fb on an imported dma-buf. */
static void check_imported_fb(const struct scanout_buf *b,
			      const struct dump_fb *fb, uint32_t pitch)
{
	const struct dump_fb_layer *l = &fb->layers[0];
	struct bufinfo_buffer bi;

	igt_assert_eq_u32(fb->id, b->fb_id);
	igt_assert_f(!strcmp(fb->format, XR24), "format \"%s\"\n", fb->format);
	igt_assert_eq_u64(fb->modifier, DRM_FORMAT_MOD_LINEAR);
	igt_assert_eq_u32(fb->width, data.out.mode.hdisplay);
	igt_assert_eq_u32(fb->height, data.out.mode.vdisplay);
	igt_assert_eq(fb->num_layers, 1);
	igt_assert_eq_u32(l->pitch, pitch);
	igt_assert_eq_u32(l->offset, 0);
	igt_assert_f(!strcmp(l->exporter, EXPORTER) && l->ino == b->ino &&
		     !strcmp(l->name, b->name),
		     "fb %u: exporter %s ino %lu name \"%s\", expected " EXPORTER " %lu \"%s\"\n",
		     fb->id, l->exporter, l->ino, l->name, b->ino, b->name);
	/* The inode and the name are those bufinfo lists. */
	igt_assert(bufinfo_find(b->ino, &bi));
	igt_assert(!strcmp(bi.exp_name, l->exporter));
	igt_assert_eq_u64(bi.size, l->gem_size);
	igt_assert(!strcmp(bi.name, b->name));
}

/*
 * A framebuffer's last reference, a plane state's, goes when the commit
 * that replaced the state is cleaned up, a little after its event.
 */
static void wait_fb_gone(uint32_t fb_id)
{
	struct timespec start = {};
	struct dump_fb fb;

	while (dump_find_fb(data.display, fb_id, &fb)) {
		igt_assert_f(igt_nsec_elapsed(&start) < 2000000000ull,
			     "fb %u still listed, refcount %u\n", fb_id,
			     fb.refcount);
		usleep(10000);
	}
}

/* Buffers A and B, and the CRTC on with A. */
static void scanout_setup(void)
{
	buf_create(&data.buf[BUF_A], "dump-A");
	buf_create(&data.buf[BUF_B], "dump-B");
	igt_assert_eq(kms_atomic_modeset(data.display, &data.out,
					 &data.out.mode, data.buf[BUF_A].fb_id,
					 DRM_MODE_PAGE_FLIP_EVENT,
					 kms_user_data(MODESET_EVENT)), 0);
	expect_flip_event(MODESET_EVENT, EVENT_TIMEOUT_MS);
}

static void scanout_teardown(void)
{
	int i;

	igt_assert_f(data.num_fences == 0, "%d fences left unsignalled\n",
		     data.num_fences);
	kms_disable_all(data.display);
	expect_no_event(0, "no flip is pending");
	for (i = 0; i < NUM_BUFS; i++)
		buf_free_and_check_gone(&data.buf[i]);
}

/* ---- clean-up after failures ------------------------------------------ */

static void exit_handler(void)
{
	if (getpid() != data.pid)
		return;
	while (data.num_fences > 0)
		__vgem_fence_signal(data.vgem, data.fences[--data.num_fences]);
	if (data.child > 0) {
		kill(data.child, SIGKILL);
		waitpid(data.child, NULL, 0);
		data.child = -1;
	}
	params_restore();
}

static void recover(void)
{
	struct drm_event_vblank ev;
	unsigned int i;

	/* Signalled fences let a blocked commit thread return. */
	exit_handler();
	if (data.thread_running) {
		pthread_join(data.thread, NULL);
		data.thread_running = false;
	}
	for (i = 0; i < ARRAY_SIZE(data.fds); i++)
		if (data.fds[i] >= 0)
			fd_close(data.fds[i]);
	kms_disable_all(data.display);
	while (kms_read_event(data.display, 0, &ev))
		;
	for (i = 0; i < NUM_BUFS; i++)
		buf_free(&data.buf[i]);
}

/* ---- subtests: framebuffers ------------------------------------------- */

static void test_dumb_fb(void)
{
	struct dump_fb fb;
	struct kms_fb kfb;
	int dmabuf;

	kms_dumb_fb_create(data.display, 640, 480, DRM_FORMAT_XRGB8888, &kfb);

	igt_assert(dump_find_fb(data.display, kfb.fb_id, &fb));
	igt_assert_f(!strcmp(fb.format, XR24), "format \"%s\"\n", fb.format);
	igt_assert_eq_u64(fb.modifier, DRM_FORMAT_MOD_LINEAR);
	igt_assert_eq_u32(fb.width, 640);
	igt_assert_eq_u32(fb.height, 480);
	igt_assert_eq(fb.num_layers, 1);
	/* Ours alone: the dump's own reference is not counted. */
	igt_assert_eq(fb.refcount, 1);
	igt_assert_f(!strcmp(fb.comm, data.comm) &&
		     !strcmp(fb.owner_comm, data.comm),
		     "comm \"%s\" owner-comm \"%s\", expected \"%s\"\n",
		     fb.comm, fb.owner_comm, data.comm);
	igt_assert_eq(fb.owner_pid, data.pid);
	igt_assert_eq_u64(fb.owner_client, drm_client_id(data.display));
	igt_assert_eq_u32(fb.layers[0].pitch, kfb.pitch);
	igt_assert_eq_u32(fb.layers[0].offset, 0);
	igt_assert_eq_u64(fb.layers[0].gem_size, kfb.size);
	/* Our own buffer, never exported: no dma-buf. */
	igt_assert(!strcmp(fb.layers[0].exporter, "drm_display"));
	igt_assert_eq(fb.layers[0].ino, 0);
	igt_assert(!strcmp(fb.layers[0].name, ""));

	/* Exported: the dma-buf's inode, and its name, escaped and back. */
	dmabuf = prime_handle_to_fd(data.display, kfb.handle);
	igt_assert_eq(dmabuf_set_name(dmabuf, "my \"dumb\"\tfb"), 0);
	igt_assert(dump_find_fb(data.display, kfb.fb_id, &fb));
	igt_assert(!strcmp(fb.layers[0].exporter, "drm_display"));
	igt_assert_eq_u64(fb.layers[0].ino, dmabuf_inode(dmabuf));
	igt_assert_f(!strcmp(fb.layers[0].name, "my \"dumb\"\tfb"),
		     "name \"%s\"\n", fb.layers[0].name);
	close(dmabuf);

	kms_fb_remove(data.display, &kfb);
	igt_assert(!dump_find_fb(data.display, kfb.fb_id, &fb));
}

static void test_imported_fb(void)
{
	struct drm_vgem_plus_create luma = {
		.size = 1024 * 768,
	}, chroma = {
		.size = 1024 * 768 / 2,
	};
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	struct scanout_buf *a = &data.buf[BUF_A];
	int dmabuf[2], i, before;
	uint32_t nv12, h[2];
	struct dump_fb fb;

	before = dump_count_fbs(data.display);
	buf_create(a, "dump-A");
	igt_assert(dump_find_fb(data.display, a->fb_id, &fb));
	check_imported_fb(a, &fb, fb.layers[0].pitch);
	igt_assert_eq(fb.owner_pid, data.pid);
	igt_assert_eq(dump_count_fbs(data.display), before + 1);

	/* NV12 from two dma-bufs: each layer names its own. */
	igt_assert_eq(__vgem_plus_create(data.vgem, &luma), 0);
	igt_assert_eq(__vgem_plus_create(data.vgem, &chroma), 0);
	dmabuf[0] = prime_handle_to_fd(data.vgem, luma.handle);
	dmabuf[1] = prime_handle_to_fd(data.vgem, chroma.handle);
	igt_assert_eq(dmabuf_set_name(dmabuf[0], "luma"), 0);
	igt_assert_eq(dmabuf_set_name(dmabuf[1], "chroma"), 0);
	for (i = 0; i < 2; i++) {
		h[i] = prime_fd_to_handle(data.display, dmabuf[i]);
		handles[i] = h[i];
		pitches[i] = 1024;
	}
	igt_assert_eq(drmModeAddFB2(data.display, 1024, 768, DRM_FORMAT_NV12,
				    handles, pitches, offsets, &nv12, 0), 0);
	igt_assert(dump_find_fb(data.display, nv12, &fb));
	igt_assert_f(!strcmp(fb.format, "NV12 little-endian (0x3231564e)"),
		     "format \"%s\"\n", fb.format);
	igt_assert_eq(fb.num_layers, 2);
	for (i = 0; i < 2; i++) {
		igt_assert(!strcmp(fb.layers[i].exporter, EXPORTER));
		igt_assert_eq_u64(fb.layers[i].ino, dmabuf_inode(dmabuf[i]));
		igt_assert_eq_u32(fb.layers[i].pitch, 1024);
	}
	igt_assert(!strcmp(fb.layers[0].name, "luma"));
	igt_assert(!strcmp(fb.layers[1].name, "chroma"));
	igt_assert_eq_u64(fb.layers[0].gem_size, luma.size);
	igt_assert_eq_u64(fb.layers[1].gem_size, chroma.size);

	igt_assert_eq(drmModeRmFB(data.display, nv12), 0);
	igt_assert(!dump_find_fb(data.display, nv12, &fb));
	for (i = 0; i < 2; i++) {
		gem_close(data.display, h[i]);
		close(dmabuf[i]);
	}
	gem_close(data.vgem, luma.handle);
	gem_close(data.vgem, chroma.handle);
	buf_free_and_check_gone(a);
	igt_assert_eq(dump_count_fbs(data.display), before);
}

/* ---- subtests: planes ------------------------------------------------- */

static void test_planes(void)
{
	struct scanout_buf *a = &data.buf[BUF_A], *b = &data.buf[BUF_B];
	struct dump_crtc c0, c;
	struct dump_plane p;
	char want[64];

	get_crtc(&c0);
	igt_assert_eq(c0.active, 0);
	get_plane(&p);
	igt_assert(!strcmp(p.type, "primary"));
	igt_assert(!strcmp(p.crtc, "-") && !p.fb && !p.shown_fb);

	scanout_setup();
	wait_crtc(c0.flips + 1, c0.skipped, &c);
	igt_assert_eq(c.active, 1);
	wait_plane(a->fb_id, a->fb_id, 0, &p);
	snprintf(want, sizeof(want), "crtc-%d", data.out.crtc_index);
	igt_assert(!strcmp(p.crtc, want));
	snprintf(want, sizeof(want), "%u.000000x%u.000000+0.000000+0.000000",
		 data.out.mode.hdisplay, data.out.mode.vdisplay);
	igt_assert_f(!strcmp(p.src, want), "src %s, expected %s\n", p.src, want);
	snprintf(want, sizeof(want), "%ux%u+0+0", data.out.mode.hdisplay,
		 data.out.mode.vdisplay);
	igt_assert_f(!strcmp(p.dst, want), "dst %s, expected %s\n", p.dst, want);
	igt_assert_eq(p.zpos, 0);
	igt_assert_eq(p.alpha, 0xffff);
	igt_assert(!strcmp(p.blend, "premulti"));

	/* Each flip counts once, and the plane follows. */
	flip_and_wait(b->fb_id, 1);
	wait_plane(b->fb_id, b->fb_id, 0, &p);
	flip_and_wait(a->fb_id, 2);
	wait_plane(a->fb_id, a->fb_id, 0, &p);
	wait_crtc(c0.flips + 3, c0.skipped, &c);

	kms_disable_all(data.display);
	wait_plane(0, 0, 0, &p);
	igt_assert(!strcmp(p.crtc, "-"));
	get_crtc(&c);
	igt_assert_eq(c.active, 0);
	scanout_teardown();
}

static void *blocking_commit(void *arg)
{
	drmModeAtomicReqPtr req = arg;
	intptr_t ret;

	ret = drmModeAtomicCommit(data.display, req, 0, NULL) ? -errno : 0;
	return (void *)ret;
}

/* Reads all three files, each within READ_MAX_MS. */
static void read_dump_quickly(struct dump_plane *p)
{
	static const char *const files[] = { "framebuffers", "crtcs" };
	struct timespec start = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files); i++)
		free(drm_debugfs_read(data.display, files[i]));
	get_plane(p);
	igt_assert_f(igt_nsec_elapsed(&start) < READ_MAX_MS * 1000000ull,
		     "reading the dump took %llu ms\n",
		     (unsigned long long)igt_nsec_elapsed(&start) / 1000000);
}

static void test_blocked_commit(void)
{
	struct scanout_buf *a = &data.buf[BUF_A], *b = &data.buf[BUF_B];
	drmModeAtomicReqPtr req;
	struct dump_plane p;
	struct dump_fb fb;
	struct timespec start = {};
	uint32_t fence;
	void *ret;

	scanout_setup();
	/* Long enough that the commit is still blocked when we look. */
	param_set(PARAM_TIMEOUT, "20000");
	param_set(PARAM_SKIP, "Y");

	fence = fence_attach(b->vgem_handle, VGEM_FENCE_WRITE);
	req = drmModeAtomicAlloc();
	igt_assert(req);
	igt_assert(drmModeAtomicAddProperty(req, data.out.primary_id,
					    data.out.primary_fb_prop,
					    b->fb_id) >= 0);
	igt_assert_eq(pthread_create(&data.thread, NULL, blocking_commit, req), 0);
	data.thread_running = true;

	/* The commit holds the modeset locks while it waits for the fence. */
	for (;;) {
		read_dump_quickly(&p);
		if (p.fence_wait)
			break;
		igt_assert_f(igt_nsec_elapsed(&start) < 2000000000ull,
			     "the blocking commit never waited for its fence\n");
		usleep(10000);
	}
	usleep(BLOCKED_MS * 1000);
	read_dump_quickly(&p);
	igt_assert_f(p.fb == b->fb_id && p.shown_fb == a->fb_id &&
		     p.fence_wait == 1,
		     "while blocked: fb %u shown-fb %u fence-wait %d, expected %u %u 1\n",
		     p.fb, p.shown_fb, p.fence_wait, b->fb_id, a->fb_id);
	igt_assert(dump_find_fb(data.display, b->fb_id, &fb));
	check_imported_fb(b, &fb, fb.layers[0].pitch);
	igt_assert_eq(pthread_tryjoin_np(data.thread, &ret), EBUSY);

	fence_signal(fence);
	igt_assert_eq(pthread_join(data.thread, &ret), 0);
	data.thread_running = false;
	drmModeAtomicFree(req);
	igt_assert_eq((int)(intptr_t)ret, 0);
	wait_plane(b->fb_id, b->fb_id, 0, &p);

	params_restore();
	scanout_teardown();
}

static void test_skipped_flip(void)
{
	struct scanout_buf *a = &data.buf[BUF_A], *b = &data.buf[BUF_B];
	struct dump_crtc c0, c;
	struct dump_plane p0, p;
	uint32_t fence;
	int32_t of;

	scanout_setup();
	param_set(PARAM_TIMEOUT, "300");
	param_set(PARAM_SKIP, "Y");
	get_crtc(&c0);
	get_plane(&p0);

	fence = fence_attach(b->vgem_handle, VGEM_FENCE_WRITE);
	igt_assert_eq(flip(b->fb_id, &of, 1), 0);
	usleep(100 * 1000);
	get_plane(&p);
	igt_assert_f(p.fb == b->fb_id && p.shown_fb == a->fb_id &&
		     p.fence_wait == 1,
		     "while waiting: fb %u shown-fb %u fence-wait %d, expected %u %u 1\n",
		     p.fb, p.shown_fb, p.fence_wait, b->fb_id, a->fb_id);

	/* Skipped: B is committed, A stays on screen. */
	expect_flip_event(1, 3000);
	igt_assert_eq(sync_file_status(of), -ETIMEDOUT);
	fd_close(of);
	wait_plane(b->fb_id, a->fb_id, 0, &p);
	igt_assert_eq(p.skipped, p0.skipped + 1);
	wait_crtc(c0.flips + 1, c0.skipped + 1, &c);

	fence_signal(fence);
	params_restore();

	/* The next flips show what they commit. */
	flip_and_wait(a->fb_id, 2);
	wait_plane(a->fb_id, a->fb_id, 0, &p);
	flip_and_wait(b->fb_id, 3);
	wait_plane(b->fb_id, b->fb_id, 0, &p);
	igt_assert_eq(p.skipped, p0.skipped + 1);
	wait_crtc(c0.flips + 3, c0.skipped + 1, &c);
	scanout_teardown();
}

/* ---- subtests: RMFB and CLOSEFB of what is on screen ----------------- */

static void test_rmfb_on_screen(void)
{
	struct scanout_buf *a = &data.buf[BUF_A];
	struct dump_crtc c;
	struct dump_plane p;
	struct dump_fb fb;
	uint32_t id;

	scanout_setup();
	id = a->fb_id;
	wait_plane(id, id, 0, &p);

	/* The core takes it off the plane; the CRTC stays on. */
	igt_assert_eq(drmModeRmFB(data.display, id), 0);
	a->fb_id = 0;
	get_plane(&p);
	igt_assert_f(p.fb == 0 && p.shown_fb == 0 && !strcmp(p.crtc, "-"),
		     "after RMFB: fb %u shown-fb %u crtc %s\n", p.fb,
		     p.shown_fb, p.crtc);
	get_crtc(&c);
	igt_assert_eq(c.active, 1);
	igt_assert(!dump_find_fb(data.display, id, &fb));
	igt_assert(!drmModeGetFB2(data.display, id));
	igt_assert_eq(errno, ENOENT);

	/* Nothing holds the buffer any more but its handles. */
	buf_free_and_check_gone(a);
	scanout_teardown();
}

static void test_closefb_on_screen(void)
{
	struct scanout_buf *a = &data.buf[BUF_A], *b = &data.buf[BUF_B];
	struct drm_mode_closefb cl = {};
	struct dump_plane p;
	struct dump_fb fb;
	uint32_t id;

	scanout_setup();
	id = a->fb_id;
	cl.fb_id = id;
	igt_require_f(igt_ioctl(data.display, DRM_IOCTL_MODE_CLOSEFB, &cl) == 0,
		      "no CLOSEFB: %m\n");

	/* Still on screen, still listed, but no file owns it. */
	get_plane(&p);
	igt_assert(p.fb == id && p.shown_fb == id);
	igt_assert(dump_find_fb(data.display, id, &fb));
	igt_assert_f(fb.owner_pid == 0 && fb.owner_client == 0 &&
		     !strcmp(fb.owner_comm, ""),
		     "owner %d %llu \"%s\" after CLOSEFB\n", fb.owner_pid,
		     (unsigned long long)fb.owner_client, fb.owner_comm);
	check_imported_fb(a, &fb, fb.layers[0].pitch);
	a->fb_id = 0;
	do_ioctl_err(data.display, DRM_IOCTL_MODE_RMFB, &id, ENOENT);

	/* Replaced, it goes, and its buffer with it. */
	flip_and_wait(b->fb_id, 1);
	wait_plane(b->fb_id, b->fb_id, 0, &p);
	wait_fb_gone(id);
	buf_free_and_check_gone(a);
	scanout_teardown();
}

/*
 * After a skipped frame the plane shows a framebuffer its state no longer
 * names: RMFB, which only looks at the states, leaves it on screen until
 * the plane's next commit.
 */
static void test_rmfb_skipped_shown(void)
{
	struct scanout_buf *a = &data.buf[BUF_A], *b = &data.buf[BUF_B];
	struct dump_plane p;
	struct dump_fb fb;
	uint32_t fence, id;

	scanout_setup();
	id = a->fb_id;
	param_set(PARAM_TIMEOUT, "300");
	param_set(PARAM_SKIP, "Y");
	fence = fence_attach(b->vgem_handle, VGEM_FENCE_WRITE);
	igt_assert_eq(flip(b->fb_id, NULL, 1), 0);
	expect_flip_event(1, 3000);
	wait_plane(b->fb_id, id, 0, &p);
	fence_signal(fence);
	params_restore();

	igt_assert_eq(drmModeRmFB(data.display, id), 0);
	a->fb_id = 0;
	get_plane(&p);
	igt_assert_f(p.fb == b->fb_id && p.shown_fb == id,
		     "after RMFB: fb %u shown-fb %u\n", p.fb, p.shown_fb);
	igt_assert(dump_find_fb(data.display, id, &fb));
	igt_assert_eq(fb.owner_pid, 0);

	flip_and_wait(b->fb_id, 2);
	wait_plane(b->fb_id, b->fb_id, 0, &p);
	wait_fb_gone(id);
	buf_free_and_check_gone(a);
	scanout_teardown();
}

/* ---- subtests: the exporter killed ----------------------------------- */

/* What the exporter child sends along with its fds. */
struct exporter_msg {
	int32_t error;		/* 0, or the -errno of step @step */
	int32_t step;
	uint32_t fence;
	uint32_t pitch;
	uint64_t client;
};

static uint64_t child_client_id(int fd)
{
	char path[64], line[256];
	unsigned long long id = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "drm-client-id: %llu", &id) == 1)
			break;
	fclose(f);
	return id;
}

static int send_fds(int sock, const int *fds, int n, const void *buf,
		    size_t len)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))] = {};
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;

	if (n > 0) {
		msg.msg_control = cbuf;
		msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(cmsg), fds, n * sizeof(int));
	}
	return sendmsg(sock, &msg, 0) == (ssize_t)len ? 0 : -errno;
}

/* Receives up to two fds (-1 for those not sent); tracks them. */
static void recv_fds(int sock, int fds[2], void *buf, size_t len)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))] = {};
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	struct cmsghdr *cmsg;
	int i, n = 0;

	fds[0] = fds[1] = -1;
	igt_assert_f(poll(&pfd, 1, 10000) == 1, "no word from the exporter\n");
	igt_assert_eq((int)recvmsg(sock, &msg, MSG_CMSG_CLOEXEC), (int)len);
	cmsg = CMSG_FIRSTHDR(&msg);
	if (cmsg && cmsg->cmsg_level == SOL_SOCKET &&
	    cmsg->cmsg_type == SCM_RIGHTS) {
		n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(cmsg), n * sizeof(int));
	}
	for (i = 0; i < n; i++)
		fd_track(fds[i]);
}

/*
 * The exporter: a named XRGB8888 image on drm_vgem_plus, sent as a
 * dma-buf; with @fenced a write fence on it too (one that times out, after
 * drm_vgem_plus's fence_timeout_ms) and its device file along with it.
 * Then it waits to be killed.
 */
__attribute__((noreturn))
static void exporter_child(int sock, bool fenced)
{
	struct drm_vgem_plus_create create = {
		.width = data.out.mode.hdisplay,
		.height = data.out.mode.vdisplay,
		.format = DRM_FORMAT_XRGB8888,
	};
	struct drm_vgem_fence_attach attach = { .flags = VGEM_FENCE_WRITE };
	struct exporter_msg msg = {};
	int vgem, fds[2] = { -1, -1 };
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	vgem = __drm_open_driver_render(DRIVER_VGEM);
	if (vgem < 0) {
		msg.error = -ENODEV, msg.step = 1;
	} else if (__vgem_plus_create(vgem, &create)) {
		msg.error = -errno, msg.step = 2;
	} else if (drmPrimeHandleToFD(vgem, create.handle,
				      DRM_CLOEXEC | DRM_RDWR, &fds[0])) {
		msg.error = -errno, msg.step = 3;
	} else if ((msg.error = dmabuf_set_name(fds[0], "exporter-child"))) {
		msg.step = 4;
	} else if (fenced) {
		attach.handle = create.handle;
		msg.error = __vgem_fence_attach(vgem, &attach);
		msg.step = 5;
		fds[1] = vgem;
	}
	msg.fence = attach.out_fence;
	msg.pitch = create.pitches[0];
	msg.client = vgem >= 0 ? child_client_id(vgem) : 0;

	if (send_fds(sock, fds, msg.error ? 0 : 1 + fenced, &msg, sizeof(msg)))
		_exit(1);
	while (read(sock, &c, 1) > 0)
		;
	_exit(0);
}

/*
 * Starts the exporter; its dma-buf, imported with an fb, goes to BUF_F.
 * Returns the socket to it, which keeps it waiting.
 */
static int exporter_start(bool fenced, struct exporter_msg *msg,
			  int *vgem_file)
{
	struct scanout_buf *f = &data.buf[BUF_F];
	int sv[2], fds[2];

	igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	fflush(NULL);
	data.child = fork();
	igt_assert_lte(0, data.child);
	if (data.child == 0) {
		close(sv[0]);
		exporter_child(sv[1], fenced);
	}
	close(sv[1]);
	fd_track(sv[0]);

	recv_fds(sv[0], fds, msg, sizeof(*msg));
	igt_assert_f(msg->error == 0, "exporter failed at step %d: %s\n",
		     msg->step, strerror(-msg->error));
	igt_assert_lte(0, fds[0]);
	igt_assert_eq(fds[1] >= 0, fenced);
	/* buf_free() closes the dma-buf. */
	fd_untrack(fds[0]);
	f->dmabuf = fds[0];
	*vgem_file = fds[1];
	snprintf(f->name, sizeof(f->name), "exporter-child");
	buf_import(f, msg->pitch, 0);
	return sv[0];
}

static void exporter_kill(int sock)
{
	int status;

	igt_assert_eq(kill(data.child, SIGKILL), 0);
	igt_assert_eq(waitpid(data.child, &status, 0), data.child);
	data.child = -1;
	igt_assert_f(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		     "exporter ended with status %#x before the kill\n", status);
	fd_close(sock);
}

static void test_exporter_killed(void)
{
	struct scanout_buf *a = &data.buf[BUF_A], *f = &data.buf[BUF_F];
	struct exporter_msg msg;
	struct dump_plane p;
	struct dump_fb fb;
	int sock, unused;

	scanout_setup();
	sock = exporter_start(false, &msg, &unused);
	flip_and_wait(f->fb_id, 1);
	wait_plane(f->fb_id, f->fb_id, 0, &p);

	exporter_kill(sock);

	/* The buffer outlives its exporter for as long as we hold it. */
	get_plane(&p);
	igt_assert(p.fb == f->fb_id && p.shown_fb == f->fb_id);
	igt_assert(dump_find_fb(data.display, f->fb_id, &fb));
	check_imported_fb(f, &fb, msg.pitch);
	flip_and_wait(a->fb_id, 2);
	flip_and_wait(f->fb_id, 3);
	wait_plane(f->fb_id, f->fb_id, 0, &p);

	/* RMFB takes it off the screen; then closing the handles frees it. */
	igt_assert_eq(drmModeRmFB(data.display, f->fb_id), 0);
	f->fb_id = 0;
	wait_plane(0, 0, 0, &p);
	buf_free_and_check_gone(f);
	scanout_teardown();
}

/*
 * The exporter dies with a write fence on its buffer that its device
 * file, still open elsewhere (as a GPU job outlives the process that
 * submitted it), keeps unsignalled: drm_display's bounded wait skips the
 * frame; the fence later times out by itself, and the buffer then shows.
 */
static void test_exporter_killed_fence_hung(void)
{
	struct scanout_buf *f = &data.buf[BUF_F], *a = &data.buf[BUF_A];
	struct exporter_msg msg;
	struct pollfd pfd;
	struct dump_plane p;
	struct dump_fb fb;
	int sock, vgem_file;
	int32_t of;

	scanout_setup();
	param_set(PARAM_TIMEOUT, "300");
	param_set(PARAM_SKIP, "Y");
	param_set(PARAM_VGEM_TIMEOUT, "2000");
	sock = exporter_start(true, &msg, &vgem_file);
	exporter_kill(sock);

	igt_assert_eq(flip(f->fb_id, &of, 1), 0);
	expect_flip_event(1, 3000);
	igt_assert_eq(sync_file_status(of), -ETIMEDOUT);
	fd_close(of);
	wait_plane(f->fb_id, a->fb_id, 0, &p);
	igt_assert(dump_find_fb(data.display, f->fb_id, &fb));
	check_imported_fb(f, &fb, msg.pitch);

	/* drm_vgem_plus's own timeout ends the fence; F can then show. */
	pfd = (struct pollfd){ .fd = f->dmabuf, .events = POLLIN };
	igt_assert_eq(poll(&pfd, 1, 5000), 1);
	params_restore();
	flip_and_wait(f->fb_id, 2);
	wait_plane(f->fb_id, f->fb_id, 0, &p);

	fd_close(vgem_file);
	igt_assert_eq(drmModeRmFB(data.display, f->fb_id), 0);
	f->fb_id = 0;
	wait_plane(0, 0, 0, &p);
	buf_free_and_check_gone(f);
	scanout_teardown();
}

igt_main
{
	int i;

	igt_fixture {
		data.pid = getpid();
		for (i = 0; i < NUM_BUFS; i++)
			data.buf[i].dmabuf = -1;
		for (i = 0; i < (int)ARRAY_SIZE(data.fds); i++)
			data.fds[i] = -1;
		igt_sysfs_read("/proc/self/comm", data.comm, sizeof(data.comm));

		data.display = drm_open_driver(DRIVER_DISPLAY);
		kms_require_atomic(data.display);
		kms_output_find(data.display, &data.out);
		/* See display_fence.c: the vgem file must close first. */
		data.vgem = drm_open_driver_render(DRIVER_VGEM);
		igt_assert_lt(data.display, data.vgem);
		igt_require(vgem_fence_has_flag(data.vgem, VGEM_FENCE_WRITE |
						WIP_VGEM_FENCE_NOTIMEOUT));
		data.client = drm_client_id(data.vgem);
		{
			struct dump_plane p;

			dump_get_plane_by_id(data.display, data.out.primary_id, &p);
			snprintf(data.plane, sizeof(data.plane), "%s", p.name);
		}

		for (i = 0; i < NUM_PARAMS; i++)
			igt_sysfs_read(param_paths[i], data.saved[i],
				   sizeof(data.saved[i]));
		data.params_saved = true;
		igt_install_exit_handler(exit_handler);
		kms_disable_all(data.display);
	}

	igt_describe("Our own dumb buffer: format, layout, creator and owner; "
		     "the dma-buf inode and name once exported.");
	igt_subtest("framebuffer-dumb") {
		recover();
		test_dumb_fb();
	}

	igt_describe("Imported drm_vgem_plus buffers: inode, exporter and name "
		     "per layer, as bufinfo shows them.");
	igt_subtest("framebuffer-imported") {
		recover();
		test_imported_fb();
	}

	igt_describe("The plane line follows modesets and flips; the CRTC "
		     "counts its flips.");
	igt_subtest("planes-and-flips") {
		recover();
		test_planes();
	}

	igt_describe("While a blocking commit waits for a fence, holding the "
		     "modeset locks, the dump reads at once: committed B, "
		     "shown A, fence-wait.");
	igt_subtest("blocked-commit") {
		recover();
		test_blocked_commit();
	}

	igt_describe("A frame skipped on a fence timeout: committed B, shown "
		     "A, counted; the next flips show what they commit.");
	igt_subtest("skipped-flip") {
		recover();
		test_skipped_flip();
	}

	igt_describe("RMFB of the framebuffer on screen takes it off its "
		     "plane (the CRTC stays on) and frees it.");
	igt_subtest("rmfb-on-screen") {
		recover();
		test_rmfb_on_screen();
	}

	igt_describe("CLOSEFB of the framebuffer on screen leaves it there, "
		     "ownerless, until the plane moves on.");
	igt_subtest("closefb-on-screen") {
		recover();
		test_closefb_on_screen();
	}

	igt_describe("RMFB of a framebuffer shown only because the next "
		     "frame was skipped leaves it on screen until the next "
		     "commit.");
	igt_subtest("rmfb-skipped-shown") {
		recover();
		test_rmfb_skipped_shown();
	}

	igt_describe("The exporter is killed while its buffer is on screen: "
		     "it stays, flips go on, RMFB and close free it.");
	igt_subtest("exporter-killed") {
		recover();
		test_exporter_killed();
	}

	igt_describe("The exporter is killed holding an unsignalled write "
		     "fence its file keeps: the bounded wait skips the frame.");
	igt_subtest("exporter-killed-fence-hung") {
		recover();
		test_exporter_killed_fence_hung();
	}

	igt_fixture {
		recover();
		drm_close_driver(data.vgem);
		drm_close_driver(data.display);
	}
}
