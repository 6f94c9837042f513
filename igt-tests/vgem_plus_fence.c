// SPDX-License-Identifier: MIT
/*
 * Fences of drm_vgem_plus: vgem's FENCE_ATTACH/FENCE_SIGNAL and their
 * conflict rules, how the fences show through the exported dma-buf, the
 * fence_timeout_ms parameter and WIP_VGEM_FENCE_NOTIMEOUT, signal-on-close,
 * and the VGEM_PLUS_FENCE_SIGNAL_ERROR and VGEM_PLUS_FENCE_EXPORT ioctls.
 */

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/sync_file.h>

#include <xf86drm.h>

#include "igt.h"
#include "igt_vgem.h"
#include "vgem_plus_drm.h"

#define TIMEOUT_PARAM "/sys/module/drm_vgem_plus/parameters/fence_timeout_ms"
#define DEFAULT_TIMEOUT_MS 10000
#define SHORT_TIMEOUT_MS 300
#define WAIT_MS 5000
#define RACE_ROUNDS 200

/* fence_timeout_ms as found before this test changed it, or -1 */
static int saved_timeout_ms = -1;

static void make_bo(int fd, struct vgem_bo *bo)
{
	memset(bo, 0, sizeof(*bo));
	bo->width = 64;
	bo->height = 64;
	bo->bpp = 32;
	vgem_create(fd, bo);
}

static int __attach(int fd, uint32_t handle, uint32_t flags, uint32_t *id)
{
	struct drm_vgem_fence_attach arg = { .handle = handle, .flags = flags };
	int err;

	err = __vgem_fence_attach(fd, &arg);
	if (!err && id)
		*id = arg.out_fence;
	return err;
}

static uint32_t attach(int fd, uint32_t handle, uint32_t flags)
{
	uint32_t id = 0;

	igt_assert_eq(__attach(fd, handle, flags, &id), 0);
	igt_assert_neq(id, 0);
	return id;
}

static int __signal_error(int fd, uint32_t id, int error, uint32_t flags,
			  uint32_t pad)
{
	struct drm_vgem_plus_fence_signal_error arg = {
		.fence = id,
		.flags = flags,
		.error = error,
		.pad = pad,
	};

	if (igt_ioctl(fd, DRM_IOCTL_VGEM_PLUS_FENCE_SIGNAL_ERROR, &arg))
		return -errno;
	return 0;
}

static int __fence_export(int fd, uint32_t id, uint32_t flags, uint32_t pad,
			  int *out)
{
	struct drm_vgem_plus_fence_export arg = {
		.fence = id,
		.flags = flags,
		.fd = -1,
		.pad = pad,
	};

	if (igt_ioctl(fd, DRM_IOCTL_VGEM_PLUS_FENCE_EXPORT, &arg))
		return -errno;
	*out = arg.fd;
	return 0;
}

static int fence_export(int fd, uint32_t id, uint32_t flags)
{
	int sf = -1;

	igt_assert_eq(__fence_export(fd, id, flags, 0, &sf), 0);
	igt_assert_lte(0, sf);
	return sf;
}

/* The events of @events that are ready on @fd within @timeout_ms. */
static short poll_fd(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int ret;

	do {
		ret = poll(&pfd, 1, timeout_ms);
	} while (ret < 0 && (errno == EINTR || errno == EAGAIN));
	igt_assert_lte(0, ret);

	return ret ? pfd.revents : 0;
}

/* sync_file status: 0 active, 1 signalled, < 0 signalled with an error */
static int sync_file_status(int sf)
{
	struct sync_file_info info;

	memset(&info, 0, sizeof(info));
	do_ioctl(sf, SYNC_IOC_FILE_INFO, &info);
	igt_assert_eq_u32(info.num_fences, 1);
	return info.status;
}

/* The per-fence info of a sync_file holding exactly one fence. */
static void sync_file_fence(int sf, struct sync_fence_info *fi, char *name)
{
	struct sync_file_info info;

	memset(&info, 0, sizeof(info));
	memset(fi, 0, sizeof(*fi));
	info.num_fences = 1;
	info.sync_fence_info = (uintptr_t)fi;
	do_ioctl(sf, SYNC_IOC_FILE_INFO, &info);
	igt_assert_eq_u32(info.num_fences, 1);
	igt_assert_eq(info.status, fi->status);
	if (name)
		memcpy(name, info.name, sizeof(info.name));
}

static int dmabuf_sync_file(int dmabuf, uint32_t flags)
{
	struct dma_buf_export_sync_file arg = { .flags = flags, .fd = -1 };

	do_ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &arg);
	igt_assert_lte(0, arg.fd);
	return arg.fd;
}

static uint64_t drm_client_id(int fd)
{
	unsigned long long id = 0;
	char path[64], line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "drm-client-id: %llu", &id) == 1) {
			found = true;
			break;
		}
	fclose(f);
	igt_assert_f(found, "no drm-client-id in %s\n", path);
	return id;
}

static uint64_t elapsed_ms(struct timespec *start)
{
	return igt_nsec_elapsed(start) / 1000000;
}

static int read_timeout_param(void)
{
	char buf[32] = "";
	ssize_t len;
	int fd;

	fd = open(TIMEOUT_PARAM, O_RDONLY);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	return atoi(buf);
}

static bool write_timeout_param(int ms)
{
	char buf[32];
	int fd, len;
	bool ok;

	fd = open(TIMEOUT_PARAM, O_WRONLY);
	if (fd < 0)
		return false;
	len = snprintf(buf, sizeof(buf), "%d\n", ms);
	ok = write(fd, buf, len) == len;
	close(fd);
	return ok;
}

static void set_timeout_param(int ms)
{
	igt_assert_f(write_timeout_param(ms), "cannot write %s\n", TIMEOUT_PARAM);
	igt_assert_eq(read_timeout_param(), ms);
}

static void restore_timeout_param(void)
{
	if (saved_timeout_ms >= 0 && read_timeout_param() != saved_timeout_ms)
		write_timeout_param(saved_timeout_ms);
}

static void test_attach(int fd, uint32_t handle)
{
	uint32_t ids[8], other = vgem_plus_create(fd, 4096);
	unsigned int i, j;

	/* Read fences share the object: all attach, each with its own id. */
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		ids[i] = attach(fd, handle, 0);
		for (j = 0; j < i; j++)
			igt_assert_neq_u32(ids[i], ids[j]);
	}
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		igt_assert_eq(__vgem_fence_signal(fd, ids[i]), 0);
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		igt_assert_eq(__vgem_fence_signal(fd, ids[i]), -ENOENT);

	/* Signalled ids are not handed out again. */
	ids[0] = attach(fd, handle, VGEM_FENCE_WRITE);
	ids[1] = attach(fd, other, VGEM_FENCE_WRITE);
	igt_assert_neq_u32(ids[0], ids[1]);
	for (i = 2; i < ARRAY_SIZE(ids); i++)
		igt_assert_neq_u32(ids[0], ids[i]);
	vgem_fence_signal(fd, ids[1]);
	vgem_fence_signal(fd, ids[0]);
	igt_assert_eq(__vgem_fence_signal(fd, ids[0]), -ENOENT);
	igt_assert_eq(__vgem_fence_signal(fd, ids[1]), -ENOENT);

	gem_close(fd, other);
}

static void test_signal_unknown(int fd)
{
	static const uint32_t bad[] = { 0, 1, 12345, 0x7fffffff, ~0u };
	struct vgem_bo bo;
	uint32_t id;
	int other;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		igt_assert_eq(__vgem_fence_signal(fd, bad[i]), -ENOENT);

	/* Fence ids belong to the file that attached them. */
	make_bo(fd, &bo);
	id = attach(fd, bo.handle, VGEM_FENCE_WRITE);
	other = drm_open_driver(DRIVER_VGEM);
	igt_assert_eq(__vgem_fence_signal(other, id), -ENOENT);
	close(other);
	vgem_fence_signal(fd, id);
	gem_close(fd, bo.handle);
}

static void test_attach_invalid(int fd)
{
	struct drm_vgem_fence_attach arg;
	struct vgem_bo bo;
	int dmabuf;

	make_bo(fd, &bo);
	dmabuf = prime_handle_to_fd(fd, bo.handle);

	for (unsigned int bit = 2; bit < 32; bit++) {
		memset(&arg, 0, sizeof(arg));
		arg.handle = bo.handle;
		arg.flags = 1u << bit;
		igt_assert_eq(__vgem_fence_attach(fd, &arg), -EINVAL);
		arg.flags |= VGEM_FENCE_WRITE;
		igt_assert_eq(__vgem_fence_attach(fd, &arg), -EINVAL);
	}
	memset(&arg, 0, sizeof(arg));
	arg.handle = bo.handle;
	arg.flags = ~0u;
	igt_assert_eq(__vgem_fence_attach(fd, &arg), -EINVAL);

	memset(&arg, 0, sizeof(arg));
	arg.handle = bo.handle;
	arg.pad = 1;
	igt_assert_eq(__vgem_fence_attach(fd, &arg), -EINVAL);
	arg.pad = ~0u;
	arg.flags = VGEM_FENCE_WRITE;
	igt_assert_eq(__vgem_fence_attach(fd, &arg), -EINVAL);

	igt_assert_eq(__attach(fd, 0, 0, NULL), -ENOENT);
	igt_assert_eq(__attach(fd, bo.handle + 1000, VGEM_FENCE_WRITE, NULL),
		      -ENOENT);
	igt_assert_eq(__attach(fd, ~0u, 0, NULL), -ENOENT);

	/* None of the rejected calls left a fence on the object. */
	igt_assert_eq(poll_fd(dmabuf, POLLIN | POLLOUT, 0), POLLIN | POLLOUT);

	/* Every valid flag combination is accepted. */
	for (uint32_t flags = 0; flags <= 3; flags++) {
		uint32_t id = attach(fd, bo.handle, flags);

		vgem_fence_signal(fd, id);
	}

	close(dmabuf);
	gem_close(fd, bo.handle);
}

static void test_signal_invalid(int fd)
{
	struct drm_vgem_fence_signal arg;
	struct vgem_bo bo;
	int dmabuf;

	make_bo(fd, &bo);
	dmabuf = prime_handle_to_fd(fd, bo.handle);

	memset(&arg, 0, sizeof(arg));
	arg.fence = attach(fd, bo.handle, VGEM_FENCE_WRITE);
	arg.flags = 1;
	do_ioctl_err(fd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &arg, EINVAL);
	arg.flags = ~0u;
	do_ioctl_err(fd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &arg, EINVAL);

	/* The rejected signals did not touch the fence. */
	igt_assert_eq(poll_fd(dmabuf, POLLIN | POLLOUT, 0), 0);
	arg.flags = 0;
	do_ioctl(fd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &arg);
	igt_assert_eq(poll_fd(dmabuf, POLLIN | POLLOUT, 0), POLLIN | POLLOUT);

	close(dmabuf);
	gem_close(fd, bo.handle);
}

/*
 * Attach @first, then check that @second gets -EBUSY (or succeeds when
 * @compatible), also from a second file that imported the dma-buf, and that
 * @second attaches once @first has signalled.
 */
static void test_conflict(int fd, uint32_t first, uint32_t second,
			  bool compatible)
{
	uint32_t id, id2, handle2;
	struct vgem_bo bo;
	int dmabuf, fd2;

	make_bo(fd, &bo);
	dmabuf = prime_handle_to_fd(fd, bo.handle);
	fd2 = drm_open_driver(DRIVER_VGEM);
	handle2 = prime_fd_to_handle(fd2, dmabuf);

	id = attach(fd, bo.handle, first);
	if (compatible) {
		id2 = attach(fd, bo.handle, second);
		vgem_fence_signal(fd, id2);
		id2 = attach(fd2, handle2, second);
		vgem_fence_signal(fd2, id2);
	} else {
		igt_assert_eq(__attach(fd, bo.handle, second, NULL), -EBUSY);
		igt_assert_eq(__attach(fd2, handle2, second, NULL), -EBUSY);
		/* A failed attach adds nothing: still blocked, same reason. */
		igt_assert_eq(__attach(fd, bo.handle, second, NULL), -EBUSY);
	}
	vgem_fence_signal(fd, id);

	id = attach(fd, bo.handle, second);
	vgem_fence_signal(fd, id);
	id = attach(fd2, handle2, second);
	vgem_fence_signal(fd2, id);
	id = attach(fd, bo.handle, VGEM_FENCE_WRITE);
	vgem_fence_signal(fd, id);

	gem_close(fd2, handle2);
	close(fd2);
	close(dmabuf);
	gem_close(fd, bo.handle);
}

static void test_dmabuf_poll(int fd, uint32_t flags)
{
	bool write = flags & VGEM_FENCE_WRITE;
	struct vgem_bo bo;
	int dmabuf;
	uint32_t id;

	make_bo(fd, &bo);
	dmabuf = prime_handle_to_fd(fd, bo.handle);
	igt_assert_eq(poll_fd(dmabuf, POLLIN | POLLOUT, 0), POLLIN | POLLOUT);

	id = attach(fd, bo.handle, flags);
	/* POLLIN waits for writers, POLLOUT for every fence. */
	igt_assert_eq(poll_fd(dmabuf, POLLOUT, 0), 0);
	igt_assert_eq(poll_fd(dmabuf, POLLIN, 0), write ? 0 : POLLIN);
	igt_assert_eq(poll_fd(dmabuf, POLLIN | POLLOUT, 0), write ? 0 : POLLIN);
	/* Still not ready after a short real wait. */
	igt_assert_eq(poll_fd(dmabuf, POLLOUT, 50), 0);

	vgem_fence_signal(fd, id);
	igt_assert_eq(poll_fd(dmabuf, POLLOUT, 0), POLLOUT);
	igt_assert_eq(poll_fd(dmabuf, POLLIN, 0), POLLIN);
	igt_assert_eq(poll_fd(dmabuf, POLLIN | POLLOUT, 0), POLLIN | POLLOUT);

	close(dmabuf);
	gem_close(fd, bo.handle);
}

static void test_dmabuf_sync_file(int fd)
{
	int dmabuf, sf_read, sf_write;
	struct vgem_bo bo;
	uint32_t id;

	make_bo(fd, &bo);
	dmabuf = prime_handle_to_fd(fd, bo.handle);

	/* A write fence: readers and writers both have to wait. */
	id = attach(fd, bo.handle, VGEM_FENCE_WRITE);
	sf_read = dmabuf_sync_file(dmabuf, DMA_BUF_SYNC_READ);
	sf_write = dmabuf_sync_file(dmabuf, DMA_BUF_SYNC_WRITE);
	igt_assert_eq(poll_fd(sf_read, POLLIN, 0), 0);
	igt_assert_eq(poll_fd(sf_write, POLLIN, 0), 0);
	igt_assert_eq(sync_file_status(sf_read), 0);
	vgem_fence_signal(fd, id);
	igt_assert_eq(poll_fd(sf_read, POLLIN, WAIT_MS), POLLIN);
	igt_assert_eq(poll_fd(sf_write, POLLIN, WAIT_MS), POLLIN);
	igt_assert_eq(sync_file_status(sf_read), 1);
	igt_assert_eq(sync_file_status(sf_write), 1);
	close(sf_read);
	close(sf_write);

	/* A read fence: only writers have to wait. */
	id = attach(fd, bo.handle, 0);
	sf_read = dmabuf_sync_file(dmabuf, DMA_BUF_SYNC_READ);
	sf_write = dmabuf_sync_file(dmabuf, DMA_BUF_SYNC_WRITE);
	igt_assert_eq(poll_fd(sf_read, POLLIN, 0), POLLIN);
	igt_assert_eq(poll_fd(sf_write, POLLIN, 0), 0);
	vgem_fence_signal(fd, id);
	igt_assert_eq(poll_fd(sf_write, POLLIN, WAIT_MS), POLLIN);
	igt_assert_eq(sync_file_status(sf_write), 1);
	close(sf_read);
	close(sf_write);

	close(dmabuf);
	gem_close(fd, bo.handle);
}

static void test_timeout(int fd)
{
	struct sync_fence_info fi;
	struct timespec start = {};
	struct vgem_bo bo;
	int dmabuf, sf, other;
	uint64_t ms;
	uint32_t id;

	set_timeout_param(SHORT_TIMEOUT_MS);
	make_bo(fd, &bo);
	dmabuf = prime_handle_to_fd(fd, bo.handle);

	igt_nsec_elapsed(&start);
	id = attach(fd, bo.handle, VGEM_FENCE_WRITE);
	sf = fence_export(fd, id, 0);
	igt_assert_eq(poll_fd(dmabuf, POLLIN | POLLOUT, 0), 0);

	igt_assert_eq(poll_fd(dmabuf, POLLOUT, WAIT_MS), POLLOUT);
	ms = elapsed_ms(&start);
	igt_info("fence signalled by itself after %llu ms\n",
		 (unsigned long long)ms);
	/* jiffies granularity: allow a tick or so below the nominal value */
	igt_assert_f(ms >= SHORT_TIMEOUT_MS - 50,
		     "signalled after %llu ms, timeout is %d ms\n",
		     (unsigned long long)ms, SHORT_TIMEOUT_MS);

	igt_assert_eq(poll_fd(sf, POLLIN, 0), POLLIN);
	igt_assert_eq(sync_file_status(sf), -ETIMEDOUT);
	sync_file_fence(sf, &fi, NULL);
	igt_assert_eq(fi.status, -ETIMEDOUT);

	igt_assert_eq(__vgem_fence_signal(fd, id), -ETIMEDOUT);
	igt_assert_eq(__vgem_fence_signal(fd, id), -ENOENT);
	igt_assert_eq(__fence_export(fd, id, 0, 0, &other), -ENOENT);

	/* Signalling with an error after the timeout keeps the first error. */
	id = attach(fd, bo.handle, VGEM_FENCE_WRITE);
	close(sf);
	sf = fence_export(fd, id, 0);
	igt_assert_eq(poll_fd(sf, POLLIN, WAIT_MS), POLLIN);
	igt_assert_eq(__signal_error(fd, id, -EIO, 0, 0), -ETIMEDOUT);
	igt_assert_eq(sync_file_status(sf), -ETIMEDOUT);
	igt_assert_eq(__vgem_fence_signal(fd, id), -ENOENT);

	close(sf);
	close(dmabuf);
	gem_close(fd, bo.handle);
	set_timeout_param(saved_timeout_ms);
}

static void test_timeout_default(int fd)
{
	struct vgem_bo bo;
	int dmabuf;
	uint32_t id;

	igt_assert_eq(saved_timeout_ms, DEFAULT_TIMEOUT_MS);
	igt_assert_eq(read_timeout_param(), DEFAULT_TIMEOUT_MS);

	make_bo(fd, &bo);
	dmabuf = prime_handle_to_fd(fd, bo.handle);
	id = attach(fd, bo.handle, VGEM_FENCE_WRITE);
	igt_assert_eq(poll_fd(dmabuf, POLLOUT, 1000), 0);
	vgem_fence_signal(fd, id);
	igt_assert_eq(poll_fd(dmabuf, POLLOUT, 0), POLLOUT);

	close(dmabuf);
	gem_close(fd, bo.handle);
}

static void test_notimeout(int fd)
{
	struct vgem_bo bo, ctl;
	int sf, sf_ctl, dmabuf;
	uint32_t id, id_ctl;

	set_timeout_param(SHORT_TIMEOUT_MS);
	make_bo(fd, &bo);
	make_bo(fd, &ctl);
	dmabuf = prime_handle_to_fd(fd, bo.handle);

	id = attach(fd, bo.handle, VGEM_FENCE_WRITE | WIP_VGEM_FENCE_NOTIMEOUT);
	sf = fence_export(fd, id, 0);
	/* A control fence that does time out meanwhile. */
	id_ctl = attach(fd, ctl.handle, VGEM_FENCE_WRITE);
	sf_ctl = fence_export(fd, id_ctl, 0);

	igt_assert_eq(poll_fd(sf, POLLIN, 1000), 0);
	igt_assert_eq(poll_fd(dmabuf, POLLIN | POLLOUT, 0), 0);
	igt_assert_eq(sync_file_status(sf), 0);
	igt_assert_eq(poll_fd(sf_ctl, POLLIN, WAIT_MS), POLLIN);
	igt_assert_eq(sync_file_status(sf_ctl), -ETIMEDOUT);

	igt_assert_eq(__vgem_fence_signal(fd, id), 0);
	igt_assert_eq(poll_fd(sf, POLLIN, 0), POLLIN);
	igt_assert_eq(poll_fd(dmabuf, POLLIN | POLLOUT, 0), POLLIN | POLLOUT);
	igt_assert_eq(sync_file_status(sf), 1);
	igt_assert_eq(__vgem_fence_signal(fd, id), -ENOENT);
	igt_assert_eq(__vgem_fence_signal(fd, id_ctl), -ETIMEDOUT);

	/* A read fence without timeout stays as well. */
	id = attach(fd, bo.handle, WIP_VGEM_FENCE_NOTIMEOUT);
	igt_assert_eq(poll_fd(dmabuf, POLLOUT, 2 * SHORT_TIMEOUT_MS), 0);
	vgem_fence_signal(fd, id);
	igt_assert_eq(poll_fd(dmabuf, POLLOUT, 0), POLLOUT);

	close(sf_ctl);
	close(sf);
	close(dmabuf);
	gem_close(fd, ctl.handle);
	gem_close(fd, bo.handle);
	set_timeout_param(saved_timeout_ms);
}

static void test_close_signals(void)
{
	int fd, fd2, dmabuf_w, dmabuf_r, sf;
	uint32_t h2_w, h2_r, id;
	struct vgem_bo w, r;

	fd = drm_open_driver(DRIVER_VGEM);
	fd2 = drm_open_driver(DRIVER_VGEM);
	make_bo(fd, &w);
	make_bo(fd, &r);
	dmabuf_w = prime_handle_to_fd(fd, w.handle);
	dmabuf_r = prime_handle_to_fd(fd, r.handle);
	h2_w = prime_fd_to_handle(fd2, dmabuf_w);
	h2_r = prime_fd_to_handle(fd2, dmabuf_r);

	/* No timeout: only the close can signal them in time. */
	id = attach(fd, w.handle, VGEM_FENCE_WRITE | WIP_VGEM_FENCE_NOTIMEOUT);
	sf = fence_export(fd, id, 0);
	for (int i = 0; i < 3; i++)
		attach(fd, r.handle, WIP_VGEM_FENCE_NOTIMEOUT);
	igt_assert_eq(poll_fd(dmabuf_w, POLLIN | POLLOUT, 0), 0);
	igt_assert_eq(poll_fd(dmabuf_r, POLLOUT, 0), 0);
	igt_assert_eq(__attach(fd2, h2_w, 0, NULL), -EBUSY);
	igt_assert_eq(__attach(fd2, h2_r, VGEM_FENCE_WRITE, NULL), -EBUSY);

	close(fd);

	igt_assert_eq(poll_fd(dmabuf_w, POLLOUT, WAIT_MS), POLLOUT);
	igt_assert_eq(poll_fd(dmabuf_r, POLLOUT, WAIT_MS), POLLOUT);
	igt_assert_eq(poll_fd(sf, POLLIN, 0), POLLIN);
	igt_assert_eq(sync_file_status(sf), 1);

	/* The objects live on in the other file, free of fences. */
	id = attach(fd2, h2_w, VGEM_FENCE_WRITE);
	vgem_fence_signal(fd2, id);
	id = attach(fd2, h2_r, VGEM_FENCE_WRITE);
	vgem_fence_signal(fd2, id);

	close(sf);
	close(dmabuf_w);
	close(dmabuf_r);
	gem_close(fd2, h2_w);
	gem_close(fd2, h2_r);
	close(fd2);
}

static void test_signal_error(int fd)
{
	struct sync_fence_info fi;
	char name[32], expect[64], obj[32];
	struct vgem_bo bo;
	int dmabuf, sf;
	uint32_t id;

	make_bo(fd, &bo);
	dmabuf = prime_handle_to_fd(fd, bo.handle);
	id = attach(fd, bo.handle, VGEM_FENCE_WRITE);
	sf = fence_export(fd, id, 0);

	igt_assert_eq(__signal_error(fd, id, -EIO, 0, 0), 0);
	igt_assert_eq(poll_fd(sf, POLLIN, 0), POLLIN);
	igt_assert_eq(poll_fd(dmabuf, POLLIN | POLLOUT, 0), POLLIN | POLLOUT);
	igt_assert_eq(sync_file_status(sf), -EIO);

	sync_file_fence(sf, &fi, name);
	igt_assert_eq(fi.status, -EIO);
	igt_assert_f(!strcmp(fi.driver_name, "drm_vgem_plus"),
		     "driver_name \"%.32s\"\n", fi.driver_name);
	snprintf(obj, sizeof(obj), "client-%llu",
		 (unsigned long long)drm_client_id(fd));
	igt_assert_f(!strcmp(fi.obj_name, obj),
		     "obj_name \"%.32s\", expected \"%s\"\n", fi.obj_name, obj);
	igt_assert(fi.timestamp_ns);
	/* "<driver>-<timeline><context>-<seqno>", the seqno being the id */
	snprintf(expect, sizeof(expect), "drm_vgem_plus-%s", obj);
	igt_assert_f(!strncmp(name, expect, strlen(expect)),
		     "sync_file name \"%.32s\"\n", name);
	if (strlen(name) < sizeof(name) - 1) {
		snprintf(expect, sizeof(expect), "-%u", id);
		igt_assert_f(strlen(name) > strlen(expect) &&
			     !strcmp(name + strlen(name) - strlen(expect), expect),
			     "sync_file name \"%s\" does not end in seqno %u\n",
			     name, id);
	}

	igt_assert_eq(__signal_error(fd, id, -EIO, 0, 0), -ENOENT);
	igt_assert_eq(__vgem_fence_signal(fd, id), -ENOENT);

	/* The boundary: -MAX_ERRNO is a valid error. */
	id = attach(fd, bo.handle, VGEM_FENCE_WRITE);
	close(sf);
	sf = fence_export(fd, id, 0);
	igt_assert_eq(__signal_error(fd, id, -4095, 0, 0), 0);
	igt_assert_eq(sync_file_status(sf), -4095);

	close(sf);
	close(dmabuf);
	gem_close(fd, bo.handle);
}

static void test_signal_error_invalid(int fd)
{
	static const int bad[] = { 0, 1, EIO, 4096, -4096, -100000, INT32_MIN,
				   INT32_MAX };
	struct vgem_bo bo;
	int sf;
	uint32_t id;

	make_bo(fd, &bo);
	id = attach(fd, bo.handle, VGEM_FENCE_WRITE);
	sf = fence_export(fd, id, 0);

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		igt_assert_f(__signal_error(fd, id, bad[i], 0, 0) == -EINVAL,
			     "error %d accepted\n", bad[i]);
	igt_assert_eq(__signal_error(fd, id, -EIO, 1, 0), -EINVAL);
	igt_assert_eq(__signal_error(fd, id, -EIO, ~0u, 0), -EINVAL);
	igt_assert_eq(__signal_error(fd, id, -EIO, 0, 1), -EINVAL);
	igt_assert_eq(__signal_error(fd, id, -EIO, 0, ~0u), -EINVAL);

	igt_assert_eq(__signal_error(fd, 0, -EIO, 0, 0), -ENOENT);
	igt_assert_eq(__signal_error(fd, 12345, -EIO, 0, 0), -ENOENT);
	igt_assert_eq(__signal_error(fd, ~0u, -EIO, 0, 0), -ENOENT);

	/* Nothing of that reached the fence. */
	igt_assert_eq(sync_file_status(sf), 0);
	vgem_fence_signal(fd, id);
	igt_assert_eq(sync_file_status(sf), 1);
	igt_assert_eq(__signal_error(fd, id, -EIO, 0, 0), -ENOENT);
	igt_assert_eq(sync_file_status(sf), 1);

	close(sf);
	gem_close(fd, bo.handle);
}

static void test_export(int fd, uint32_t flags)
{
	struct sync_fence_info fi;
	struct vgem_bo bo;
	int sf, sf2, fdflags;
	uint32_t id;

	make_bo(fd, &bo);
	id = attach(fd, bo.handle, flags);

	sf = fence_export(fd, id, 0);
	fdflags = fcntl(sf, F_GETFD);
	igt_assert_lte(0, fdflags);
	igt_assert(!(fdflags & FD_CLOEXEC));

	sf2 = fence_export(fd, id, VGEM_PLUS_FENCE_EXPORT_CLOEXEC);
	igt_assert_neq(sf, sf2);
	fdflags = fcntl(sf2, F_GETFD);
	igt_assert_lte(0, fdflags);
	igt_assert(fdflags & FD_CLOEXEC);

	igt_assert_eq(poll_fd(sf, POLLIN, 0), 0);
	igt_assert_eq(poll_fd(sf2, POLLIN, 0), 0);
	igt_assert_eq(sync_file_status(sf), 0);
	sync_file_fence(sf2, &fi, NULL);
	igt_assert_eq(fi.status, 0);
	igt_assert_eq_u64(fi.timestamp_ns, 0);
	igt_assert_eq(poll_fd(sf, POLLIN, 50), 0);

	vgem_fence_signal(fd, id);
	igt_assert_eq(poll_fd(sf, POLLIN, WAIT_MS), POLLIN);
	igt_assert_eq(poll_fd(sf2, POLLIN, WAIT_MS), POLLIN);
	igt_assert_eq(sync_file_status(sf), 1);
	igt_assert_eq(sync_file_status(sf2), 1);
	sync_file_fence(sf2, &fi, NULL);
	igt_assert_eq(fi.status, 1);
	igt_assert(fi.timestamp_ns);

	/* Once signalled, the id is gone. */
	igt_assert_eq(__fence_export(fd, id, 0, 0, &sf2), -ENOENT);
	igt_assert_eq(sync_file_status(sf2), 1);

	close(sf);
	close(sf2);
	gem_close(fd, bo.handle);
}

static void test_export_invalid(int fd)
{
	struct vgem_bo bo;
	int sf = -1, other;
	uint32_t id;

	make_bo(fd, &bo);
	id = attach(fd, bo.handle, VGEM_FENCE_WRITE);

	igt_assert_eq(__fence_export(fd, id, 0x2, 0, &sf), -EINVAL);
	igt_assert_eq(__fence_export(fd, id, ~0u, 0, &sf), -EINVAL);
	igt_assert_eq(__fence_export(fd, id, ~0u ^ 1, 0, &sf), -EINVAL);
	igt_assert_eq(__fence_export(fd, id, 0, 1, &sf), -EINVAL);
	igt_assert_eq(__fence_export(fd, id, VGEM_PLUS_FENCE_EXPORT_CLOEXEC,
				     ~0u, &sf), -EINVAL);
	igt_assert_eq(sf, -1);

	igt_assert_eq(__fence_export(fd, 0, 0, 0, &sf), -ENOENT);
	igt_assert_eq(__fence_export(fd, 12345, 0, 0, &sf), -ENOENT);
	igt_assert_eq(__fence_export(fd, ~0u, 0, 0, &sf), -ENOENT);
	igt_assert_eq(sf, -1);

	/* Ids are per file. */
	other = drm_open_driver(DRIVER_VGEM);
	igt_assert_eq(__fence_export(other, id, 0, 0, &sf), -ENOENT);
	close(other);

	vgem_fence_signal(fd, id);
	igt_assert_eq(__fence_export(fd, id, 0, 0, &sf), -ENOENT);
	igt_assert_eq(sf, -1);

	gem_close(fd, bo.handle);
}

static void test_fork_wait(int fd)
{
	struct vgem_bo bo;
	int dmabuf, sync[2];
	uint32_t id;
	char c;

	make_bo(fd, &bo);
	dmabuf = prime_handle_to_fd(fd, bo.handle);
	id = attach(fd, bo.handle, VGEM_FENCE_WRITE);
	igt_assert_eq(pipe(sync), 0);

	igt_fork(child, 1) {
		struct timespec start = {};
		short ev;

		close(sync[0]);
		igt_assert_eq(poll_fd(dmabuf, POLLIN, 0), 0);
		igt_assert_eq(write(sync[1], "w", 1), 1);
		igt_nsec_elapsed(&start);
		ev = poll_fd(dmabuf, POLLIN, WAIT_MS);
		igt_assert_f(ev == POLLIN,
			     "child: no POLLIN after %llu ms (revents %#x)\n",
			     (unsigned long long)elapsed_ms(&start), ev);
		igt_assert_lt(elapsed_ms(&start), WAIT_MS);
	}

	close(sync[1]);
	igt_assert_eq(read(sync[0], &c, 1), 1);
	/* Give the child a chance to be inside poll(); correct either way. */
	usleep(50 * 1000);
	vgem_fence_signal(fd, id);
	igt_waitchildren();

	close(sync[0]);
	close(dmabuf);
	gem_close(fd, bo.handle);
}

struct race {
	int fd;
	uint32_t handle;
	uint32_t flags[2];
	pthread_barrier_t start, done;
	volatile bool stop;
	int ret[2];
	uint32_t id[2];
};

struct racer {
	struct race *race;
	int idx;
};

static void *race_thread(void *data)
{
	struct racer *r = data;
	struct race *race = r->race;

	for (;;) {
		pthread_barrier_wait(&race->start);
		if (race->stop)
			break;
		race->id[r->idx] = 0;
		race->ret[r->idx] = __attach(race->fd, race->handle,
					     race->flags[r->idx],
					     &race->id[r->idx]);
		pthread_barrier_wait(&race->done);
	}

	return NULL;
}

/*
 * Two threads attach conflicting fences to one object at the same time:
 * exactly one may win, and after signalling the winner the object has no
 * fence left. Threads never assert; the main thread checks after joining.
 */
static void test_race(uint32_t flags0, uint32_t flags1)
{
	struct race race = { .flags = { flags0, flags1 } };
	struct racer racers[2];
	pthread_t threads[2];
	char failure[256] = "";
	int round, dmabuf, wins[2] = {};
	struct vgem_bo bo;

	race.fd = drm_open_driver(DRIVER_VGEM);
	make_bo(race.fd, &bo);
	race.handle = bo.handle;
	dmabuf = prime_handle_to_fd(race.fd, bo.handle);

	igt_assert_eq(pthread_barrier_init(&race.start, NULL, 3), 0);
	igt_assert_eq(pthread_barrier_init(&race.done, NULL, 3), 0);
	for (int i = 0; i < 2; i++) {
		racers[i].race = &race;
		racers[i].idx = i;
		igt_assert_eq(pthread_create(&threads[i], NULL, race_thread,
					     &racers[i]), 0);
	}

	for (round = 0; round < RACE_ROUNDS && !failure[0]; round++) {
		short expect, ev;
		int w;

		pthread_barrier_wait(&race.start);
		pthread_barrier_wait(&race.done);

		if ((race.ret[0] == 0) == (race.ret[1] == 0) ||
		    (race.ret[0] && race.ret[0] != -EBUSY) ||
		    (race.ret[1] && race.ret[1] != -EBUSY)) {
			snprintf(failure, sizeof(failure),
				 "round %d: attach returned %d and %d\n",
				 round, race.ret[0], race.ret[1]);
			break;
		}
		w = race.ret[0] ? 1 : 0;
		wins[w]++;

		expect = race.flags[w] & VGEM_FENCE_WRITE ? 0 : POLLIN;
		ev = poll_fd(dmabuf, POLLIN | POLLOUT, 0);
		if (ev != expect)
			snprintf(failure, sizeof(failure),
				 "round %d: before signal revents %#x, expected %#x\n",
				 round, ev, expect);
		if (__vgem_fence_signal(race.fd, race.id[w]))
			snprintf(failure, sizeof(failure),
				 "round %d: cannot signal fence %u\n",
				 round, race.id[w]);
		/* Only one fence was ever there: the object is idle now. */
		ev = poll_fd(dmabuf, POLLIN | POLLOUT, 0);
		if (ev != (POLLIN | POLLOUT))
			snprintf(failure, sizeof(failure),
				 "round %d: after signalling the winner revents %#x\n",
				 round, ev);
	}

	race.stop = true;
	pthread_barrier_wait(&race.start);
	for (int i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	pthread_barrier_destroy(&race.start);
	pthread_barrier_destroy(&race.done);

	igt_info("%d rounds, wins %d/%d\n", round, wins[0], wins[1]);

	close(dmabuf);
	gem_close(race.fd, bo.handle);
	close(race.fd);	/* signals what a failed round left behind */

	igt_assert_f(!failure[0], "%s", failure);
	igt_assert_eq(wins[0] + wins[1], RACE_ROUNDS);
}

static void restore_at_exit(void)
{
	restore_timeout_param();
}

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_driver(DRIVER_VGEM);
		igt_require(vgem_has_fences(fd));
	}

	igt_describe("Attach fences on the card node: every attach returns a "
		     "distinct non-zero id, each signals once, then -ENOENT.");
	igt_subtest("attach-card") {
		struct vgem_bo bo;

		make_bo(fd, &bo);
		test_attach(fd, bo.handle);
		gem_close(fd, bo.handle);
	}

	igt_subtest_group {
		int rfd = -1;

		igt_fixture
			rfd = drm_open_driver_render(DRIVER_VGEM);

		igt_describe("Attach and signal fences on the render node.");
		igt_subtest("attach-render") {
			uint32_t handle = vgem_plus_create(rfd, 4096);

			test_attach(rfd, handle);
			gem_close(rfd, handle);
		}

		igt_fixture
			close(rfd);
	}

	igt_describe("Signalling an id that this file never got fails with "
		     "-ENOENT.");
	igt_subtest("signal-unknown")
		test_signal_unknown(fd);

	igt_describe("Attach rejects unknown flags and a non-zero pad with "
		     "-EINVAL and unknown handles with -ENOENT.");
	igt_subtest("attach-invalid")
		test_attach_invalid(fd);

	igt_describe("Signal rejects non-zero flags with -EINVAL and leaves "
		     "the fence alone.");
	igt_subtest("signal-invalid")
		test_signal_invalid(fd);

	igt_describe("An unsignalled write fence blocks another write fence.");
	igt_subtest("conflict-write-write")
		test_conflict(fd, VGEM_FENCE_WRITE, VGEM_FENCE_WRITE, false);

	igt_describe("An unsignalled write fence blocks a read fence.");
	igt_subtest("conflict-write-read")
		test_conflict(fd, VGEM_FENCE_WRITE, 0, false);

	igt_describe("An unsignalled read fence blocks a write fence.");
	igt_subtest("conflict-read-write")
		test_conflict(fd, 0, VGEM_FENCE_WRITE, false);

	igt_describe("Read fences do not block each other.");
	igt_subtest("shared-read-read")
		test_conflict(fd, 0, 0, true);

	igt_describe("poll() on the exported dma-buf: a write fence holds "
		     "back POLLIN and POLLOUT until it is signalled.");
	igt_subtest("dmabuf-poll-write")
		test_dmabuf_poll(fd, VGEM_FENCE_WRITE);

	igt_describe("poll() on the exported dma-buf: a read fence holds back "
		     "only POLLOUT until it is signalled.");
	igt_subtest("dmabuf-poll-read")
		test_dmabuf_poll(fd, 0);

	igt_describe("DMA_BUF_IOCTL_EXPORT_SYNC_FILE returns the vgem fences "
		     "and the sync_file signals with them.");
	igt_subtest("dmabuf-sync-file")
		test_dmabuf_sync_file(fd);

	igt_subtest_group {
		igt_fixture {
			saved_timeout_ms = read_timeout_param();
			igt_require_f(saved_timeout_ms >= 0,
				      "no %s\n", TIMEOUT_PARAM);
			atexit(restore_at_exit);
		}

		igt_describe("fence_timeout_ms defaults to 10 s, and a fence "
			     "does not signal by itself before then.");
		igt_subtest("timeout-default")
			test_timeout_default(fd);

		igt_describe("With a short fence_timeout_ms a forgotten fence "
			     "signals by itself with -ETIMEDOUT, which "
			     "FENCE_SIGNAL then reports.");
		igt_subtest("timeout")
			test_timeout(fd);

		igt_describe("A WIP_VGEM_FENCE_NOTIMEOUT fence ignores "
			     "fence_timeout_ms and signals only when told.");
		igt_subtest("notimeout")
			test_notimeout(fd);

		igt_fixture
			restore_timeout_param();
	}

	igt_describe("Closing the file signals the fences it left unsignalled, "
		     "as seen through a dma-buf shared with another file.");
	igt_subtest("close-signals")
		test_close_signals();

	igt_describe("VGEM_PLUS_FENCE_SIGNAL_ERROR signals with the error, as "
		     "shown by SYNC_IOC_FILE_INFO.");
	igt_subtest("signal-error")
		test_signal_error(fd);

	igt_describe("VGEM_PLUS_FENCE_SIGNAL_ERROR rejects bad errors, flags "
		     "and pad, and unknown or signalled ids.");
	igt_subtest("signal-error-invalid")
		test_signal_error_invalid(fd);

	igt_describe("VGEM_PLUS_FENCE_EXPORT of a write fence: sync_files that "
		     "signal with it, with and without CLOEXEC.");
	igt_subtest("export-write")
		test_export(fd, VGEM_FENCE_WRITE);

	igt_describe("VGEM_PLUS_FENCE_EXPORT of a read fence without timeout.");
	igt_subtest("export-read")
		test_export(fd, WIP_VGEM_FENCE_NOTIMEOUT);

	igt_describe("VGEM_PLUS_FENCE_EXPORT rejects bad flags and pad, and "
		     "unknown or signalled ids.");
	igt_subtest("export-invalid")
		test_export_invalid(fd);

	igt_describe("A forked child waiting on the dma-buf wakes up when the "
		     "parent signals the fence.");
	igt_subtest("fork-wait")
		test_fork_wait(fd);

	igt_describe("Two threads race to attach write fences to one object: "
		     "exactly one wins each round.");
	igt_subtest("race-write-write")
		test_race(VGEM_FENCE_WRITE, VGEM_FENCE_WRITE);

	igt_describe("A reader and a writer race to attach to one object: "
		     "exactly one wins each round.");
	igt_subtest("race-read-write")
		test_race(0, VGEM_FENCE_WRITE);

	igt_fixture
		close(fd);
}
