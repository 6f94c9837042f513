// SPDX-License-Identifier: MIT
/*
 * dmabuf-scene: sets up a known dma-buf situation on drm_vgem_plus and
 * drm_display, runs a command in it, and tears it down. For trying
 * dmabuf-inspect, for the real output in Documentation/debugging.rst and
 * for capturing the kernel's files the host unit tests parse.
 *
 * Usage: dmabuf-scene [--hold-ms MS] -- COMMAND [ARGS...]
 *
 * The scene, by a process named "compositor" and its child "client":
 *   scanout-A     drm_vgem_plus image, imported into drm_display, on screen
 *   scanout-B     the same, its flip waiting for an unsignalled write fence
 *   render-target drm_vgem_plus, held by fd, a read fence signalled with
 *                 -EIO
 *   decoder-out   drm_vgem_plus, held by fd, a write fence that timed out
 *   leaked-tex    drm_vgem_plus, exported and its fd closed: dark, alive
 *                 through its GEM handle
 *   camera-frame  system dma-heap, held by the client through a mapping
 *   staging       udmabuf, held by the client by fd
 * DMABUF_SCENE_PIDS in the command's environment names both processes.
 * Needs root and both modules loaded; exit status is the command's.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "vgem_plus_drm.h"

#define VGEM_TIMEOUT_PARAM "/sys/module/drm_vgem_plus/parameters/fence_timeout_ms"
#define DISPLAY_TIMEOUT_PARAM "/sys/module/drm_display/parameters/fence_timeout_ms"

/**
 * struct scanout - a drm_vgem_plus image shown through drm_display
 * @vgem_handle: the image in drm_vgem_plus
 * @dmabuf: its dma-buf
 * @handle: the import in drm_display
 * @fb_id: the framebuffer
 */
struct scanout {
	uint32_t vgem_handle;
	int dmabuf;
	uint32_t handle;
	uint32_t fb_id;
};

/**
 * struct scene - everything to tear down
 * @vgem: drm_vgem_plus render node
 * @display: drm_display card
 * @crtc: the CRTC used
 * @conn: its connector
 * @mode: the mode
 * @a: on screen
 * @b: waiting for @b_fence
 * @b_fence: fence id of @b's write fence
 * @target: render-target's fd
 * @target_handle: its handle
 * @decoder: decoder-out's fd
 * @decoder_handle: its handle
 * @leaked_handle: leaked-tex's handle
 * @child: the client process
 * @child_pipe: closing it ends the client
 * @saved_vgem_timeout: the parameter before
 * @saved_display_timeout: the parameter before
 */
struct scene {
	int vgem, display;
	uint32_t crtc, conn;
	drmModeModeInfo mode;
	struct scanout a, b;
	uint32_t b_fence;
	int target, decoder;
	uint32_t target_handle, decoder_handle, leaked_handle;
	pid_t child;
	int child_pipe;
	char saved_vgem_timeout[32], saved_display_timeout[32];
};

static void die(const char *what)
{
	fprintf(stderr, "dmabuf-scene: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void param(const char *path, char *save, size_t len, const char *val)
{
	ssize_t n;
	int fd = open(path, O_RDWR);

	if (fd < 0)
		die(path);
	if (save) {
		n = read(fd, save, len - 1);
		save[n > 0 ? n : 0] = '\0';
		save[strcspn(save, "\n")] = '\0';
	}
	if (pwrite(fd, val, strlen(val), 0) < 0)
		die(path);
	close(fd);
}

static int open_driver(const char *name, int type)
{
	drmVersionPtr v;
	char path[64];
	int i, fd;

	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), type ? "/dev/dri/renderD%d" :
			 "/dev/dri/card%d", type ? 128 + i : i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (v && !strcmp(v->name, name)) {
			drmFreeVersion(v);
			return fd;
		}
		drmFreeVersion(v);
		close(fd);
	}
	errno = ENODEV;
	die(name);
	return -1;
}

static void set_name(int dmabuf, const char *name)
{
	if (ioctl(dmabuf, DMA_BUF_SET_NAME_B, name))
		die("DMA_BUF_SET_NAME");
}

static uint32_t vgem_create(struct scene *s, uint32_t w, uint32_t h,
			    uint32_t *pitch)
{
	struct drm_vgem_plus_create c = {
		.width = w, .height = h, .format = DRM_FORMAT_XRGB8888,
	};

	if (drmIoctl(s->vgem, DRM_IOCTL_VGEM_PLUS_CREATE, &c))
		die("VGEM_PLUS_CREATE");
	if (pitch)
		*pitch = c.pitches[0];
	return c.handle;
}

static int vgem_export(struct scene *s, uint32_t handle, const char *name)
{
	int fd;

	if (drmPrimeHandleToFD(s->vgem, handle, DRM_CLOEXEC | DRM_RDWR, &fd))
		die("PRIME_HANDLE_TO_FD");
	set_name(fd, name);
	return fd;
}

static uint32_t fence_attach(struct scene *s, uint32_t handle, uint32_t flags)
{
	struct drm_vgem_fence_attach a = { .handle = handle, .flags = flags };

	if (drmIoctl(s->vgem, DRM_IOCTL_VGEM_FENCE_ATTACH, &a))
		die("VGEM_FENCE_ATTACH");
	return a.out_fence;
}

static void find_output(struct scene *s)
{
	drmModeResPtr res = drmModeGetResources(s->display);
	drmModeConnectorPtr c = NULL;
	int i;

	for (i = 0; res && i < res->count_connectors; i++) {
		c = drmModeGetConnector(s->display, res->connectors[i]);
		if (c && c->connection == DRM_MODE_CONNECTED && c->count_modes)
			break;
		drmModeFreeConnector(c);
		c = NULL;
	}
	if (!c || !res->count_crtcs) {
		errno = ENODEV;
		die("no connected output on drm_display");
	}
	s->conn = c->connector_id;
	s->mode = c->modes[0];
	s->crtc = res->crtcs[0];
	drmModeFreeConnector(c);
	drmModeFreeResources(res);
}

static void scanout_create(struct scene *s, struct scanout *so,
			   const char *name)
{
	uint32_t pitch, handles[4] = {}, pitches[4] = {}, offsets[4] = {};

	so->vgem_handle = vgem_create(s, s->mode.hdisplay, s->mode.vdisplay,
				      &pitch);
	so->dmabuf = vgem_export(s, so->vgem_handle, name);
	if (drmPrimeFDToHandle(s->display, so->dmabuf, &so->handle))
		die("PRIME_FD_TO_HANDLE");
	handles[0] = so->handle;
	pitches[0] = pitch;
	if (drmModeAddFB2(s->display, s->mode.hdisplay, s->mode.vdisplay,
			  DRM_FORMAT_XRGB8888, handles, pitches, offsets,
			  &so->fb_id, 0))
		die("ADDFB2");
}

static void wait_flip(struct scene *s)
{
	drmEventContext ev = { .version = 2 };
	struct pollfd pfd = { .fd = s->display, .events = POLLIN };

	if (poll(&pfd, 1, 10000) != 1)
		die("no flip event");
	drmHandleEvent(s->display, &ev);
}

/* scanout-A on screen, scanout-B's flip waiting for its fence. */
static void setup_display(struct scene *s)
{
	/* Longer than any command run in the scene, so no timeout report. */
	param(DISPLAY_TIMEOUT_PARAM, s->saved_display_timeout,
	      sizeof(s->saved_display_timeout), "60000");
	find_output(s);
	scanout_create(s, &s->a, "scanout-A");
	scanout_create(s, &s->b, "scanout-B");
	if (drmModeSetCrtc(s->display, s->crtc, s->a.fb_id, 0, 0, &s->conn, 1,
			   &s->mode))
		die("SETCRTC");
	s->b_fence = fence_attach(s, s->b.vgem_handle,
				  VGEM_FENCE_WRITE | WIP_VGEM_FENCE_NOTIMEOUT);
	if (drmModePageFlip(s->display, s->crtc, s->b.fb_id,
			    DRM_MODE_PAGE_FLIP_EVENT, NULL))
		die("PAGE_FLIP");
}

/*
 * A read fence failed with -EIO, a write fence that timed out: on two
 * buffers, as a new fence replaces a signalled one in the reservation.
 */
static void setup_failed_fences(struct scene *s)
{
	struct drm_vgem_plus_fence_signal_error err = { .error = -EIO };
	struct drm_vgem_fence_signal sig = {};

	s->target_handle = vgem_create(s, 256, 256, NULL);
	s->target = vgem_export(s, s->target_handle, "render-target");
	err.fence = fence_attach(s, s->target_handle, 0);
	if (drmIoctl(s->vgem, DRM_IOCTL_VGEM_PLUS_FENCE_SIGNAL_ERROR, &err))
		die("FENCE_SIGNAL_ERROR");

	s->decoder_handle = vgem_create(s, 256, 128, NULL);
	s->decoder = vgem_export(s, s->decoder_handle, "decoder-out");
	param(VGEM_TIMEOUT_PARAM, s->saved_vgem_timeout,
	      sizeof(s->saved_vgem_timeout), "100");
	sig.fence = fence_attach(s, s->decoder_handle, VGEM_FENCE_WRITE);
	param(VGEM_TIMEOUT_PARAM, NULL, 0, s->saved_vgem_timeout);
	usleep(300 * 1000);
	/* Forgets the id; the fence stays on the buffer, timed out. */
	if (!drmIoctl(s->vgem, DRM_IOCTL_VGEM_FENCE_SIGNAL, &sig) ||
	    errno != ETIMEDOUT)
		die("the write fence did not time out");
}

static void setup_leak(struct scene *s)
{
	s->leaked_handle = vgem_create(s, 128, 128, NULL);
	close(vgem_export(s, s->leaked_handle, "leaked-tex"));
}

static int heap_alloc(size_t size)
{
	struct dma_heap_allocation_data d = {
		.len = size, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);

	if (heap < 0 || ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &d))
		die("/dev/dma_heap/system");
	close(heap);
	return d.fd;
}

static int udmabuf_alloc(size_t size)
{
	struct udmabuf_create c = { .size = size, .flags = UDMABUF_FLAGS_CLOEXEC };
	int dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	int memfd = memfd_create("staging", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	int fd;

	if (dev < 0 || memfd < 0 || ftruncate(memfd, size) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK))
		die("udmabuf");
	c.memfd = memfd;
	fd = ioctl(dev, UDMABUF_CREATE, &c);
	if (fd < 0)
		die("UDMABUF_CREATE");
	close(memfd);
	close(dev);
	return fd;
}

/* The client maps a heap buffer (no fd left) and holds a udmabuf's fd. */
static void client(int ready, int done)
{
	int heap, staging;
	char c;

	prctl(PR_SET_NAME, "client");
	heap = heap_alloc(1 << 20);
	set_name(heap, "camera-frame");
	if (mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, heap, 0) ==
	    MAP_FAILED)
		die("mmap");
	close(heap);
	staging = udmabuf_alloc(64 * 1024);
	set_name(staging, "staging");
	if (write(ready, "r", 1) != 1)
		die("write");
	/* Until the parent closes its end. */
	while (read(done, &c, 1) > 0)
		;
	close(staging);
	_exit(0);
}

static void setup_client(struct scene *s)
{
	int ready[2], done[2];
	char c;

	if (pipe(ready) || pipe(done))
		die("pipe");
	s->child = fork();
	if (s->child < 0)
		die("fork");
	if (!s->child) {
		close(ready[0]);
		close(done[1]);
		client(ready[1], done[0]);
	}
	close(ready[1]);
	close(done[0]);
	s->child_pipe = done[1];
	if (read(ready[0], &c, 1) != 1)
		die("the client failed");
	close(ready[0]);
}

static void gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

static void teardown(struct scene *s)
{
	struct drm_vgem_fence_signal sig = { .fence = s->b_fence };
	struct scanout *so[2] = { &s->a, &s->b };
	int i;

	if (drmIoctl(s->vgem, DRM_IOCTL_VGEM_FENCE_SIGNAL, &sig))
		die("FENCE_SIGNAL");
	wait_flip(s);
	drmModeSetCrtc(s->display, s->crtc, 0, 0, 0, NULL, 0, NULL);
	for (i = 0; i < 2; i++) {
		drmModeRmFB(s->display, so[i]->fb_id);
		gem_close(s->display, so[i]->handle);
		gem_close(s->vgem, so[i]->vgem_handle);
		close(so[i]->dmabuf);
	}
	close(s->target);
	gem_close(s->vgem, s->target_handle);
	close(s->decoder);
	gem_close(s->vgem, s->decoder_handle);
	gem_close(s->vgem, s->leaked_handle);
	close(s->child_pipe);
	waitpid(s->child, NULL, 0);
	param(DISPLAY_TIMEOUT_PARAM, NULL, 0, s->saved_display_timeout);
	close(s->display);
	close(s->vgem);
}

static int run(char **argv, const struct scene *s)
{
	char pids[64];
	pid_t pid;
	int status;

	snprintf(pids, sizeof(pids), "%d %d", getpid(), s->child);
	setenv("DMABUF_SCENE_PIDS", pids, 1);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		execvp(argv[0], argv);
		die(argv[0]);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	struct scene s = { .child = -1 };
	unsigned int hold_ms = 0;
	int i = 1, ret;

	if (i + 1 < argc && !strcmp(argv[i], "--hold-ms")) {
		hold_ms = atoi(argv[i + 1]);
		i += 2;
	}
	if (i >= argc || strcmp(argv[i], "--") || i + 1 >= argc) {
		fprintf(stderr, "usage: dmabuf-scene [--hold-ms MS] -- COMMAND [ARGS...]\n");
		return 2;
	}
	prctl(PR_SET_NAME, "compositor");
	/* First: the client inherits none of the compositor's files. */
	setup_client(&s);
	s.vgem = open_driver("vgem", 1);
	s.display = open_driver("drm_display", 0);
	setup_failed_fences(&s);
	setup_leak(&s);
	setup_display(&s);
	/* Lets the flip's wait age before the command looks. */
	usleep(hold_ms * 1000);
	ret = run(argv + i + 1, &s);
	teardown(&s);
	return ret;
}
