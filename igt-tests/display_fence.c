// SPDX-License-Identifier: MIT
/*
 * Fenced scanout on drm_display: a flip waits for the implicit write
 * fences of its buffer, never for read fences, or for its IN_FENCE_FD
 * instead; its OUT_FENCE signals when it completes. A fence that does not
 * signal within fence_timeout_ms gets one kernel log line, then fence_skip
 * decides: skip the frame (OUT_FENCE -ETIMEDOUT) or keep waiting. Waits in
 * progress and their totals show in debugfs fence_waits.
 *
 * Buffers are drm_vgem_plus images imported through PRIME; their fences
 * are no-timeout vgem fences the test signals by hand, or by killing the
 * process that attached them.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#include "igt_dmabuf.h"

#define DRIVER_NAME		"drm_display"
#define EXPORTER		"drm_vgem_plus"
#define PARAM_DIR		"/sys/module/" DRIVER_NAME "/parameters/"
#define PARAM_TIMEOUT		PARAM_DIR "fence_timeout_ms"
#define PARAM_SKIP		PARAM_DIR "fence_skip"
#define TIMEOUT_LINE		"fence timed out after"

/* How long a flip held back by a fence is watched for not completing. */
#define BLOCKED_MS		300
/* Time a flip that should complete gets, and its vblank budget. */
#define EVENT_TIMEOUT_MS	1000
#define QUICK_VBLANKS		6
/* After a signal, the flip lands within this many vblanks. */
#define SIGNAL_VBLANKS		2
/* Slack for jiffies rounding of the driver's timed waits. */
#define JIFFY_SLACK_MS		10
/*
 * The guest runs under TCG on a shared host and stalls now and then,
 * which makes a flip late by whole frames: a vblank-count check that fails
 * is retried this many times in all. A slow driver fails every attempt.
 */
#define ATTEMPTS		3

#define MODESET_EVENT		100

enum { BUF_A, BUF_B, BUF_FOREIGN, NUM_BUFS };

/**
 * struct scanout_buf - a dma-buf imported into drm_display with an fb
 * @vgem_handle: the object in our drm_vgem_plus file, 0 when another
 *               process exported it
 * @dmabuf: the dma-buf, -1 when none
 * @ino: its inode, as bufinfo and fence_waits name it
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

/* One "wait plane ..." line of fence_waits. */
struct fence_wait {
	char plane[32], crtc[32];
	long long since_ms;
	char driver[64], timeline[64];
	unsigned long long seq;
	unsigned long ino;
	char exporter[64];
	int pid;
	char comm[64];
	char name[64];
};

/* The whole of fence_waits. */
struct fence_waits {
	char policy[16];
	unsigned int timeout_ms;
	int num_waits;
	struct fence_wait wait[4];
	unsigned long long waits, timeouts;
	long long max_ms, mean_ms;
};

#define MAX_FENCES 8

/*
 * Everything a subtest may leave behind when it fails, so that the next
 * subtest (or the exit handler) can clean up: main-body locals do not
 * survive igt's longjmp.
 */
static struct {
	pid_t pid;
	int vgem, display;
	uint64_t vgem_client;
	struct kms_output out;
	int plane_index;
	char comm[32];
	struct scanout_buf buf[NUM_BUFS];
	uint32_t fences[MAX_FENCES];	/* unsignalled fences of @vgem */
	int num_fences;
	int fds[8];		/* sync_files, kmsg, sockets: -1 when free */
	pid_t child;
	bool params_saved;
	char saved_timeout[16], saved_skip[16];
} data = { .vgem = -1, .display = -1, .child = -1 };

/* Remembers @fd for clean-up after a failure; returns it. */
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

static void fd_close(int fd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(data.fds); i++)
		if (data.fds[i] == fd)
			data.fds[i] = -1;
	close(fd);
}

static void fd_close_all(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(data.fds); i++)
		if (data.fds[i] >= 0)
			fd_close(data.fds[i]);
}

/* ---- module parameters ------------------------------------------------ */

static void param_set(const char *path, const char *val)
{
	igt_assert(data.params_saved);
	igt_sysfs_set(path, val);
}

/* Async-signal-safe. */
static void params_restore(void)
{
	if (!data.params_saved)
		return;
	igt_sysfs_write(PARAM_TIMEOUT, data.saved_timeout);
	igt_sysfs_write(PARAM_SKIP, data.saved_skip);
}

static void params_check_restored(void)
{
	char timeout[16], skip[16];

	params_restore();
	igt_sysfs_read(PARAM_TIMEOUT, timeout, sizeof(timeout));
	igt_sysfs_read(PARAM_SKIP, skip, sizeof(skip));
	igt_assert_f(!strcmp(timeout, data.saved_timeout) &&
		     !strcmp(skip, data.saved_skip),
		     "parameters not restored: %s %s, were %s %s\n",
		     timeout, skip, data.saved_timeout, data.saved_skip);
}

/* ---- vgem fences ------------------------------------------------------ */

/* A no-timeout fence on @vgem_handle, remembered until it is signalled. */
static uint32_t fence_attach(uint32_t vgem_handle, uint32_t flags)
{
	struct drm_vgem_fence_attach arg = {
		.handle = vgem_handle,
		.flags = flags | WIP_VGEM_FENCE_NOTIMEOUT,
	};

	igt_assert(data.num_fences < MAX_FENCES);
	igt_assert_eq(__vgem_fence_attach(data.vgem, &arg), 0);
	igt_assert(arg.out_fence);
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

/* No assertions: the exit handler uses it. */
static void fence_signal_all(void)
{
	while (data.num_fences > 0)
		__vgem_fence_signal(data.vgem, data.fences[--data.num_fences]);
}

static int fence_export(uint32_t id)
{
	struct drm_vgem_plus_fence_export arg = {
		.fence = id,
		.flags = VGEM_PLUS_FENCE_EXPORT_CLOEXEC,
		.fd = -1,
	};

	do_ioctl(data.vgem, DRM_IOCTL_VGEM_PLUS_FENCE_EXPORT, &arg);
	igt_assert_lte(0, arg.fd);
	return fd_track(arg.fd);
}

/* sync_file status: 0 active, 1 signalled, < 0 signalled with an error. */
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

/* The line bufinfo shows for a fence of drm_vgem_plus. */
static bool bufinfo_has_fence(unsigned long ino, const char *usage,
			      uint64_t client, uint32_t seq, bool signalled)
{
	struct bufinfo_buffer b;
	char want[128];
	int i;

	igt_assert_f(bufinfo_find(ino, &b), "dma-buf %lu not in bufinfo\n", ino);
	snprintf(want, sizeof(want), "%s fence:" EXPORTER " client-%llu seq %u %s",
		 usage, (unsigned long long)client, seq,
		 signalled ? "signalled" : "unsignalled");
	for (i = 0; i < b.num_fences; i++)
		if (!strcmp(b.fences[i], want))
			return true;
	igt_debug("dma-buf %lu has no fence line \"%s\"\n", ino, want);
	return false;
}

/* ---- kernel log ------------------------------------------------------- */

/* /dev/kmsg, positioned after the last record so far. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	igt_require_f(fd >= 0, "cannot open /dev/kmsg: %m\n");
	igt_assert(lseek(fd, 0, SEEK_END) >= 0);
	return fd_track(fd);
}

/*
 * Messages logged since the last call (or kmsg_open()) that contain
 * @needle: the first @max are copied to @lines. Returns how many there
 * were.
 */
static int kmsg_grep(int fd, const char *needle, char lines[][512], int max)
{
	char rec[8192], *msg;
	int count = 0;
	ssize_t len;

	for (;;) {
		len = read(fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;	/* records overwritten: go on */
		if (len < 0) {
			igt_assert_f(errno == EAGAIN, "reading /dev/kmsg: %m\n");
			break;
		}
		rec[len] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		msg[strcspn(msg, "\n")] = '\0';
		if (!strstr(msg, needle))
			continue;
		if (count < max)
			snprintf(lines[count], sizeof(lines[0]), "%s", msg);
		count++;
	}
	return count;
}

/* ---- fence_waits ------------------------------------------------------ */

static void parse_wait(const char *line, struct fence_wait *w)
{
	const char *name;
	size_t len;
	int n = -1;

	memset(w, 0, sizeof(*w));
	igt_assert_f(sscanf(line,
			    "wait plane %31s crtc %31s since-ms %lld fence %63s %63s seq %llu dmabuf-ino %lu exporter %63s committer %d %63s name \"%n",
			    w->plane, w->crtc, &w->since_ms, w->driver,
			    w->timeline, &w->seq, &w->ino, w->exporter, &w->pid,
			    w->comm, &n) == 10 && n > 0,
		     "unparseable wait line: %s\n", line);
	name = line + n;
	len = strlen(name);
	igt_assert_f(len >= 1 && name[len - 1] == '"' &&
		     !memchr(name, '"', len - 1) && len <= sizeof(w->name),
		     "bad name in wait line: %s\n", line);
	memcpy(w->name, name, len - 1);
}

/*
 * Reads and checks the layout of fence_waits: the policy line, one line
 * per wait in progress, the total line last.
 */
static void read_fence_waits(struct fence_waits *fw)
{
	char *text = drm_debugfs_read(data.display, "fence_waits");
	char *line, *save = NULL;
	bool total = false;
	int n, end, i;

	memset(fw, 0, sizeof(*fw));
	igt_debug("fence_waits:\n%s", text);
	igt_assert_f(*text && text[strlen(text) - 1] == '\n',
		     "fence_waits does not end in a newline: \"%s\"\n", text);

	for (i = 0, line = strtok_r(text, "\n", &save); line;
	     i++, line = strtok_r(NULL, "\n", &save)) {
		igt_assert_f(!total, "line after the total: %s\n", line);
		end = -1;
		if (i == 0) {
			n = sscanf(line, "policy %15s timeout-ms %u%n",
				   fw->policy, &fw->timeout_ms, &end);
			igt_assert_f(n == 2 && end > 0 && !line[end] &&
				     (!strcmp(fw->policy, "skip") ||
				      !strcmp(fw->policy, "wait")),
				     "bad policy line: %s\n", line);
		} else if (!strncmp(line, "wait ", 5)) {
			igt_assert(fw->num_waits < (int)ARRAY_SIZE(fw->wait));
			parse_wait(line, &fw->wait[fw->num_waits++]);
		} else {
			n = sscanf(line,
				   "total waits %llu timeouts %llu max-ms %lld mean-ms %lld%n",
				   &fw->waits, &fw->timeouts, &fw->max_ms,
				   &fw->mean_ms, &end);
			igt_assert_f(n == 4 && end > 0 && !line[end],
				     "bad line in fence_waits: %s\n", line);
			total = true;
		}
	}
	igt_assert_f(total, "fence_waits has no total line\n");
	free(text);
}

/* @w is our flip to @buf waiting for the fence @seq of vgem client @client. */
static void check_wait(const struct fence_wait *w, const struct scanout_buf *buf,
		       uint64_t client, uint32_t seq)
{
	char plane[32], crtc[32], timeline[64];

	snprintf(plane, sizeof(plane), "plane-%d", data.plane_index);
	snprintf(crtc, sizeof(crtc), "crtc-%d", data.out.crtc_index);
	snprintf(timeline, sizeof(timeline), "client-%llu",
		 (unsigned long long)client);

	igt_assert_f(!strcmp(w->plane, plane) && !strcmp(w->crtc, crtc),
		     "wait on plane %s crtc %s, expected %s %s\n",
		     w->plane, w->crtc, plane, crtc);
	igt_assert_f(!strcmp(w->driver, EXPORTER) &&
		     !strcmp(w->timeline, timeline) && w->seq == seq,
		     "waits for fence %s %s seq %llu, expected " EXPORTER " %s seq %u\n",
		     w->driver, w->timeline, w->seq, timeline, seq);
	igt_assert_f(w->ino == buf->ino && !strcmp(w->exporter, EXPORTER) &&
		     !strcmp(w->name, buf->name),
		     "buffer dma-buf ino %lu from %s name \"%s\", expected ino %lu from " EXPORTER " name \"%s\"\n",
		     w->ino, w->exporter, w->name, buf->ino, buf->name);
	igt_assert_f(w->pid == data.pid && !strcmp(w->comm, data.comm),
		     "committed by %d %s, expected %d %s\n",
		     w->pid, w->comm, data.pid, data.comm);
	igt_assert_f(w->since_ms >= 0 && w->since_ms < 60000,
		     "since-ms %lld\n", w->since_ms);
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
	igt_assert_eq(create.num_planes, 1);
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

/* A nonblocking flip with an event; its OUT_FENCE, if any, is tracked. */
static int flip(uint32_t fb_id, int in_fence, int32_t *out_fence,
		uintptr_t user_data)
{
	int ret;

	ret = kms_atomic_flip_fenced(data.display, &data.out, fb_id, in_fence,
				     out_fence, DRM_MODE_PAGE_FLIP_EVENT |
				     DRM_MODE_ATOMIC_NONBLOCK,
				     kms_user_data(user_data));
	if (!ret && out_fence) {
		igt_assert_lte(0, *out_fence);
		fd_track(*out_fence);
	}
	return ret;
}

static void expect_flip_event(uintptr_t user_data, int timeout_ms,
			      struct drm_event_vblank *ev)
{
	igt_assert_f(kms_read_event(data.display, timeout_ms, ev),
		     "no flip event %llu within %d ms\n",
		     (unsigned long long)user_data, timeout_ms);
	igt_assert_eq_u32(ev->base.type, DRM_EVENT_FLIP_COMPLETE);
	igt_assert_eq_u64(ev->user_data, user_data);
	igt_assert_eq_u32(ev->crtc_id, data.out.crtc_id);
}

static void expect_no_event(int timeout_ms, const char *why)
{
	struct drm_event_vblank ev;

	igt_assert_f(!kms_read_event(data.display, timeout_ms, &ev),
		     "flip event %llu (sequence %u) within %d ms, although %s\n",
		     (unsigned long long)ev.user_data, ev.sequence, timeout_ms,
		     why);
}

static uint32_t vblank_count(void)
{
	return kms_vblank_count(data.display, data.out.crtc_index);
}

/*
 * Whether the flip of @ev, made possible after vblank @before, landed at
 * most @max vblanks after @after. Landing by @before is a failure.
 */
static bool landed_in_time(const struct drm_event_vblank *ev, uint32_t before,
			   uint32_t after, int max)
{
	igt_assert_f((int32_t)(ev->sequence - before) >= 1,
		     "flip %llu landed at vblank %u, not after %u\n",
		     (unsigned long long)ev->user_data, ev->sequence, before);
	if ((int32_t)(ev->sequence - after) <= max)
		return true;
	igt_info("flip %llu landed at vblank %u, %d after %u (%d allowed): guest stall?\n",
		 (unsigned long long)ev->user_data, ev->sequence,
		 (int32_t)(ev->sequence - after), after, max);
	return false;
}

/* A flip nothing holds back lands within a few vblanks. */
static void flip_quick(uint32_t fb_id, int32_t *out_fence, uintptr_t user_data)
{
	struct drm_event_vblank ev;
	uint32_t before;
	int attempt;

	for (attempt = 1; ; attempt++) {
		before = vblank_count();
		igt_assert_eq(flip(fb_id, -1, out_fence, user_data), 0);
		expect_flip_event(user_data, EVENT_TIMEOUT_MS, &ev);
		if (landed_in_time(&ev, before, before, QUICK_VBLANKS))
			return;
		igt_assert_f(attempt < ATTEMPTS, "flip late %d times\n", attempt);
		if (out_fence)
			fd_close(*out_fence);
	}
}

/*
 * Signals @fence, which alone holds back the flip @user_data: whether the
 * flip then landed within SIGNAL_VBLANKS.
 */
static bool signal_and_land(uint32_t fence, uintptr_t user_data)
{
	struct drm_event_vblank ev;
	uint32_t c0, c1;

	c0 = vblank_count();
	fence_signal(fence);
	c1 = vblank_count();
	expect_flip_event(user_data, EVENT_TIMEOUT_MS, &ev);
	igt_debug("flip %llu: signalled between vblanks %u and %u, landed at %u\n",
		  (unsigned long long)user_data, c0, c1, ev.sequence);
	return landed_in_time(&ev, c0, c1, SIGNAL_VBLANKS);
}

/* Buffers A and B, and the CRTC on with A. */
static void scanout_setup(void)
{
	struct drm_event_vblank ev;

	buf_create(&data.buf[BUF_A], "fence-A");
	buf_create(&data.buf[BUF_B], "fence-B");
	igt_assert_eq(kms_atomic_modeset(data.display, &data.out,
					 &data.out.mode,
					 data.buf[BUF_A].fb_id,
					 DRM_MODE_PAGE_FLIP_EVENT,
					 kms_user_data(MODESET_EVENT)), 0);
	expect_flip_event(MODESET_EVENT, EVENT_TIMEOUT_MS, &ev);
}

/* The end of a passing subtest: nothing left pending, everything off. */
static void scanout_teardown(void)
{
	int i;

	igt_assert_f(data.num_fences == 0, "%d fences left unsignalled\n",
		     data.num_fences);
	params_check_restored();
	kms_disable_all(data.display);
	expect_no_event(0, "no flip is pending");
	for (i = 0; i < NUM_BUFS; i++)
		buf_free(&data.buf[i]);
}

/* ---- clean-up after failures ------------------------------------------ */

static void child_kill(void)
{
	if (data.child > 0) {
		kill(data.child, SIGKILL);
		waitpid(data.child, NULL, 0);
	}
	data.child = -1;
}

/*
 * What must not outlive the process, whatever happened: unsignalled
 * fences (a flip waits for them), the exporter child, changed parameters.
 */
static void exit_handler(void)
{
	if (getpid() != data.pid)
		return;
	fence_signal_all();
	child_kill();
	params_restore();
}

/* Undoes whatever a failed subtest left: its fences first, then KMS. */
static void recover(void)
{
	struct drm_event_vblank ev;
	int i;

	exit_handler();
	fd_close_all();
	if (data.display >= 0) {
		kms_disable_all(data.display);
		while (kms_read_event(data.display, 0, &ev))
			;
	}
	for (i = 0; i < NUM_BUFS; i++)
		buf_free(&data.buf[i]);
}

/*
 * The plane's index, which its name carries: plane resources list the
 * planes in index order.
 */
static int plane_index(uint32_t plane_id)
{
	drmModePlaneResPtr planes = drmModeGetPlaneResources(data.display);
	int i, index = -1;

	igt_assert(planes);
	for (i = 0; i < (int)planes->count_planes; i++)
		if (planes->planes[i] == plane_id)
			index = i;
	drmModeFreePlaneResources(planes);
	igt_assert_f(index >= 0, "plane %u not listed\n", plane_id);
	return index;
}

/* ---- subtests --------------------------------------------------------- */

static void test_write_fence(void)
{
	struct fence_waits before, during, after;
	struct scanout_buf *to, *other;
	uint32_t fence;
	int attempt;

	scanout_setup();
	read_fence_waits(&before);
	igt_assert_eq(before.num_waits, 0);

	for (attempt = 1; ; attempt++) {
		/* To B, then back to A...: never the buffer on screen. */
		to = &data.buf[attempt & 1 ? BUF_B : BUF_A];
		other = &data.buf[attempt & 1 ? BUF_A : BUF_B];

		fence = fence_attach(to->vgem_handle, VGEM_FENCE_WRITE);
		igt_assert_eq(flip(to->fb_id, -1, NULL, attempt), 0);
		expect_no_event(BLOCKED_MS, "the buffer's write fence is unsignalled");

		/* The commit is pending, not dropped: the next is refused. */
		igt_assert_eq(flip(other->fb_id, -1, NULL, 100), -EBUSY);

		read_fence_waits(&during);
		igt_assert_eq(during.num_waits, 1);
		check_wait(&during.wait[0], to, data.vgem_client, fence);
		igt_assert_f(during.wait[0].since_ms >= BLOCKED_MS - JIFFY_SLACK_MS,
			     "waiting for %lld ms only\n",
			     during.wait[0].since_ms);
		igt_assert_eq_u64(during.waits, before.waits + attempt);

		if (signal_and_land(fence, attempt))
			break;
		igt_assert_f(attempt < ATTEMPTS, "flip late %d times\n", attempt);
	}

	read_fence_waits(&after);
	igt_assert_eq(after.num_waits, 0);
	igt_assert_eq_u64(after.waits, before.waits + attempt);
	igt_assert_eq_u64(after.timeouts, before.timeouts);
	igt_assert_f(after.max_ms >= during.wait[0].since_ms,
		     "max-ms %lld below a wait of %lld ms\n", after.max_ms,
		     during.wait[0].since_ms);

	scanout_teardown();
}

static void test_read_fence(void)
{
	struct scanout_buf *b = &data.buf[BUF_B];
	struct fence_waits before, after;
	uint32_t fence;

	scanout_setup();
	read_fence_waits(&before);

	fence = fence_attach(b->vgem_handle, 0);
	igt_assert(bufinfo_has_fence(b->ino, "read", data.vgem_client, fence,
				     false));
	flip_quick(b->fb_id, NULL, 1);

	/* Shown with the read fence still pending, and not even waited for. */
	igt_assert(bufinfo_has_fence(b->ino, "read", data.vgem_client, fence,
				     false));
	read_fence_waits(&after);
	igt_assert_eq(after.num_waits, 0);
	igt_assert_eq_u64(after.waits, before.waits);

	fence_signal(fence);
	scanout_teardown();
}

/*
 * Flips to @buf with IN_FENCE_FD from a fence of the unrelated object @c:
 * the flip waits for that fence, and only for it, until it is signalled.
 * Returns whether the flip then landed in time.
 */
static bool flip_in_fence(struct scanout_buf *buf, uint32_t c,
			  uintptr_t user_data)
{
	struct fence_waits fw;
	uint32_t fence;
	int sf;

	fence = fence_attach(c, VGEM_FENCE_WRITE);
	sf = fence_export(fence);
	igt_assert_eq(sync_file_status(sf), 0);
	igt_assert_eq(flip(buf->fb_id, sf, NULL, user_data), 0);
	fd_close(sf);
	expect_no_event(BLOCKED_MS, "IN_FENCE_FD is unsignalled");

	read_fence_waits(&fw);
	igt_assert_eq(fw.num_waits, 1);
	check_wait(&fw.wait[0], buf, data.vgem_client, fence);

	return signal_and_land(fence, user_data);
}

static void test_in_fence(void)
{
	struct scanout_buf *a = &data.buf[BUF_A], *b = &data.buf[BUF_B];
	struct fence_waits before, after;
	uint32_t c, implicit;
	int n, m;

	scanout_setup();
	c = vgem_plus_create(data.vgem, 4096);
	read_fence_waits(&before);

	for (n = 1; !flip_in_fence(b, c, n); n++)
		igt_assert_f(n < ATTEMPTS, "flip late %d times\n", n);

	/*
	 * With an explicit fence the implicit ones are ignored: A's write
	 * fence holds nothing back, and is still unsignalled afterwards.
	 */
	implicit = fence_attach(a->vgem_handle, VGEM_FENCE_WRITE);
	for (m = 1; !flip_in_fence(a, c, 10 + m); m++)
		igt_assert_f(m < ATTEMPTS, "flip late %d times\n", m);
	igt_assert(bufinfo_has_fence(a->ino, "write", data.vgem_client,
				     implicit, false));

	read_fence_waits(&after);
	igt_assert_eq(after.num_waits, 0);
	igt_assert_eq_u64(after.waits, before.waits + n + m);
	igt_assert_eq_u64(after.timeouts, before.timeouts);

	fence_signal(implicit);
	gem_close(data.vgem, c);
	scanout_teardown();
}

/* A plane of our CRTC that is not its primary, off after scanout_setup(). */
static uint32_t other_plane(void)
{
	drmModePlaneResPtr planes = drmModeGetPlaneResources(data.display);
	uint32_t id = 0;
	int i;

	igt_assert(planes);
	for (i = 0; i < (int)planes->count_planes && !id; i++) {
		drmModePlanePtr p = drmModeGetPlane(data.display,
						    planes->planes[i]);

		igt_assert(p);
		if (p->plane_id != data.out.primary_id && !p->fb_id &&
		    p->possible_crtcs & (1u << data.out.crtc_index))
			id = p->plane_id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	igt_require_f(id, "no plane besides the primary\n");
	return id;
}

/*
 * An IN_FENCE_FD on a plane that ends up without a framebuffer still
 * holds the commit back, as with the atomic helpers, and there is no
 * buffer to name (drm_display used to oops here, found by the fuzzer).
 */
static void test_in_fence_no_fb(void)
{
	int refs = igt_module_refcount("drm_vgem_plus");
	uint32_t plane = other_plane(), c, fence;
	drmModeAtomicReqPtr req;
	struct fence_waits fw;
	int sf, i;

	scanout_setup();
	c = vgem_plus_create(data.vgem, 4096);
	fence = fence_attach(c, VGEM_FENCE_WRITE);
	sf = fence_export(fence);

	req = drmModeAtomicAlloc();
	igt_assert(req);
	igt_assert_lt(0, drmModeAtomicAddProperty(req, plane,
		kms_prop_id(data.display, plane, DRM_MODE_OBJECT_PLANE, "FB_ID"), 0));
	igt_assert_lt(0, drmModeAtomicAddProperty(req, plane,
		kms_prop_id(data.display, plane, DRM_MODE_OBJECT_PLANE, "CRTC_ID"), 0));
	igt_assert_lt(0, drmModeAtomicAddProperty(req, plane,
		kms_prop_id(data.display, plane, DRM_MODE_OBJECT_PLANE,
			    "IN_FENCE_FD"), sf));
	igt_assert_lt(0, drmModeAtomicAddProperty(req, data.out.primary_id,
						  data.out.primary_fb_prop,
						  data.buf[BUF_B].fb_id));
	igt_assert_eq(drmModeAtomicCommit(data.display, req,
					  DRM_MODE_ATOMIC_NONBLOCK |
					  DRM_MODE_PAGE_FLIP_EVENT,
					  kms_user_data(7)), 0);
	drmModeAtomicFree(req);
	fd_close(sf);
	expect_no_event(BLOCKED_MS, "the plane's IN_FENCE_FD is unsignalled");

	read_fence_waits(&fw);
	igt_assert_eq(fw.num_waits, 1);
	igt_assert_eq_u64(fw.wait[0].ino, 0);
	igt_assert_f(!strcmp(fw.wait[0].exporter, "none"),
		     "exporter of no buffer: %s\n", fw.wait[0].exporter);

	signal_and_land(fence, 7);
	gem_close(data.vgem, c);
	scanout_teardown();

	/*
	 * Each vgem fence pins drm_vgem_plus until its last reference goes.
	 * The flip's commit work frees its state, with the fence, after the
	 * event: give it a moment. A leaked fence never lets go.
	 */
	for (i = 0; i < 100 && igt_module_refcount("drm_vgem_plus") != refs; i++)
		usleep(20000);
	igt_assert_eq(igt_module_refcount("drm_vgem_plus"), refs);
}

static void check_out_fence_info(int sf)
{
	struct sync_fence_info fi;
	struct sync_file_info info;
	char timeline[32];

	memset(&fi, 0, sizeof(fi));
	memset(&info, 0, sizeof(info));
	info.num_fences = 1;
	info.sync_fence_info = (uintptr_t)&fi;
	do_ioctl(sf, SYNC_IOC_FILE_INFO, &info);
	igt_assert_eq_u32(info.num_fences, 1);

	snprintf(timeline, sizeof(timeline), "CRTC:%u-crtc-%d",
		 data.out.crtc_id, data.out.crtc_index);
	igt_assert_f(!strcmp(fi.driver_name, DRIVER_NAME) &&
		     !strcmp(fi.obj_name, timeline),
		     "OUT_FENCE from %.32s %.32s, expected " DRIVER_NAME " %s\n",
		     fi.driver_name, fi.obj_name, timeline);
}

static bool readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	igt_assert_lte(0, poll(&pfd, 1, 0));
	return pfd.revents & POLLIN;
}

static void test_out_fence(void)
{
	struct scanout_buf *a = &data.buf[BUF_A], *b = &data.buf[BUF_B];
	struct drm_event_vblank ev;
	uint32_t fence;
	int32_t of;

	scanout_setup();

	/* An unfenced flip: the sync_file has signalled with the event. */
	flip_quick(b->fb_id, &of, 1);
	igt_assert_lte(0, of);
	check_out_fence_info(of);
	igt_assert_eq(sync_file_status(of), 1);
	igt_assert(readable(of));
	fd_close(of);

	/* A held-back flip: unsignalled until the flip completes. */
	fence = fence_attach(a->vgem_handle, VGEM_FENCE_WRITE);
	igt_assert_eq(flip(a->fb_id, -1, &of, 2), 0);
	igt_assert_lte(0, of);
	expect_no_event(BLOCKED_MS, "A's write fence is unsignalled");
	igt_assert_eq(sync_file_status(of), 0);
	igt_assert(!readable(of));

	fence_signal(fence);
	expect_flip_event(2, EVENT_TIMEOUT_MS, &ev);
	igt_assert_eq(sync_file_status(of), 1);
	igt_assert(readable(of));
	fd_close(of);

	scanout_teardown();
}

/*
 * The one timeout line expected since kmsg_open(): fence @seq on the
 * write fence of B, ending in @policy.
 */
static void check_timeout_line(int kmsg, unsigned int timeout_ms,
			       uint32_t seq, const char *policy)
{
	char lines[4][512], want[512];
	int n;

	n = kmsg_grep(kmsg, TIMEOUT_LINE, lines, ARRAY_SIZE(lines));
	igt_assert_f(n == 1, "%d fence timeout lines in the kernel log%s%s\n",
		     n, n ? ", the first: " : "", n ? lines[0] : "");

	snprintf(want, sizeof(want),
		 TIMEOUT_LINE " %u ms: fence " EXPORTER ":client-%llu seq %u, buffer dma-buf ino %lu \"fence-B\" from " EXPORTER ", plane plane-%d on crtc-%d, committed by %s[%d]; %s",
		 timeout_ms, (unsigned long long)data.vgem_client, seq,
		 data.buf[BUF_B].ino, data.plane_index, data.out.crtc_index,
		 data.comm, data.pid, policy);
	igt_assert_f(strstr(lines[0], want),
		     "timeout line:\n  %s\nexpected it to contain:\n  %s\n",
		     lines[0], want);
}

static void test_timeout_skip(void)
{
	struct scanout_buf *a = &data.buf[BUF_A], *b = &data.buf[BUF_B];
	struct fence_waits before, after;
	struct drm_event_vblank ev;
	uint64_t t0, waited_ms;
	uint32_t fence;
	int32_t of;
	int kmsg;

	scanout_setup();
	param_set(PARAM_TIMEOUT, "400");
	param_set(PARAM_SKIP, "Y");
	read_fence_waits(&before);
	igt_assert_eq_u32(before.timeout_ms, 400);
	igt_assert(!strcmp(before.policy, "skip"));
	kmsg = kmsg_open();

	fence = fence_attach(b->vgem_handle, VGEM_FENCE_WRITE);
	t0 = kms_now_us();
	igt_assert_eq(flip(b->fb_id, -1, &of, 1), 0);
	igt_assert_lte(0, of);
	expect_flip_event(1, 3000, &ev);
	waited_ms = (kms_now_us() - t0) / 1000;
	igt_info("skipped flip completed after %llu ms\n",
		 (unsigned long long)waited_ms);
	igt_assert_f(waited_ms >= 400 - JIFFY_SLACK_MS &&
		     (kms_event_usec(&ev) - t0) / 1000 >= 400 - JIFFY_SLACK_MS,
		     "flip completed after %llu ms (event at +%llu ms), before the 400 ms timeout\n",
		     (unsigned long long)waited_ms,
		     (unsigned long long)(kms_event_usec(&ev) - t0) / 1000);
	igt_assert_eq(sync_file_status(of), -ETIMEDOUT);
	fd_close(of);

	check_timeout_line(kmsg, 400, fence,
			   "skipping the frame, the previous buffer stays on screen");

	read_fence_waits(&after);
	igt_assert_eq(after.num_waits, 0);
	igt_assert_eq_u64(after.waits, before.waits + 1);
	igt_assert_eq_u64(after.timeouts, before.timeouts + 1);
	/* The frame was skipped, not waited for. */
	igt_assert(bufinfo_has_fence(b->ino, "write", data.vgem_client, fence,
				     false));

	fence_signal(fence);
	params_check_restored();

	/* The device recovers: unfenced and signalled buffers flip at once. */
	flip_quick(a->fb_id, NULL, 2);
	flip_quick(b->fb_id, &of, 3);
	igt_assert_eq(sync_file_status(of), 1);
	fd_close(of);

	igt_assert_eq(kmsg_grep(kmsg, TIMEOUT_LINE, NULL, 0), 0);
	fd_close(kmsg);
	scanout_teardown();
}

static void test_timeout_wait(void)
{
	struct scanout_buf *a = &data.buf[BUF_A], *b = &data.buf[BUF_B];
	struct fence_waits before, during, after;
	struct drm_event_vblank ev;
	uint32_t fence, c0;
	int32_t of;
	int kmsg;

	scanout_setup();
	param_set(PARAM_TIMEOUT, "300");
	param_set(PARAM_SKIP, "N");
	read_fence_waits(&before);
	igt_assert_eq_u32(before.timeout_ms, 300);
	igt_assert(!strcmp(before.policy, "wait"));
	kmsg = kmsg_open();

	fence = fence_attach(b->vgem_handle, VGEM_FENCE_WRITE);
	igt_assert_eq(flip(b->fb_id, -1, &of, 1), 0);
	igt_assert_lte(0, of);
	expect_no_event(800, "the fence is unsignalled and the policy is to wait");

	/* One line, although more than two timeouts have passed. */
	check_timeout_line(kmsg, 300, fence, "still waiting");
	igt_assert_eq(sync_file_status(of), 0);

	read_fence_waits(&during);
	igt_assert_eq(during.num_waits, 1);
	check_wait(&during.wait[0], b, data.vgem_client, fence);
	igt_assert_f(during.wait[0].since_ms >= 800 - JIFFY_SLACK_MS,
		     "waiting for %lld ms only\n", during.wait[0].since_ms);
	igt_info("while still waiting: timeouts %llu (%llu before)\n",
		 during.timeouts, before.timeouts);

	c0 = vblank_count();
	fence_signal(fence);
	expect_flip_event(1, EVENT_TIMEOUT_MS, &ev);
	igt_assert_f((int32_t)(ev.sequence - c0) >= 1,
		     "flip landed at vblank %u, before the signal at %u\n",
		     ev.sequence, c0);
	igt_assert_eq(sync_file_status(of), 1);
	fd_close(of);

	read_fence_waits(&after);
	igt_assert_eq(after.num_waits, 0);
	igt_assert_eq_u64(after.waits, before.waits + 1);
	igt_assert_eq_u64(after.timeouts, before.timeouts + 1);
	igt_assert_eq(kmsg_grep(kmsg, TIMEOUT_LINE, NULL, 0), 0);
	fd_close(kmsg);

	params_check_restored();
	flip_quick(a->fb_id, NULL, 2);
	scanout_teardown();
}

/* ---- exporter-killed -------------------------------------------------- */

/* What the exporter child sends along with its dma-buf. */
struct exporter_msg {
	int32_t error;		/* 0, or the -errno of step @step */
	int32_t step;
	uint32_t fence;
	uint32_t pitch, offset;
	uint64_t client;
};

/* Plain system calls only: igt's assertions belong to the parent. */
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

static int send_fd(int sock, int fd, const void *buf, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	struct cmsghdr *cmsg;

	if (fd >= 0) {
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	return sendmsg(sock, &msg, 0) == (ssize_t)len ? 0 : -errno;
}

/* Received dma-buf fd, or -1; asserts the message arrived whole. */
static int recv_fd(int sock, void *buf, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	struct cmsghdr *cmsg;
	int fd = -1;

	igt_assert_f(poll(&pfd, 1, 10000) == 1, "no word from the exporter\n");
	igt_assert_eq((int)recvmsg(sock, &msg, MSG_CMSG_CLOEXEC), (int)len);
	cmsg = CMSG_FIRSTHDR(&msg);
	if (cmsg && cmsg->cmsg_level == SOL_SOCKET &&
	    cmsg->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/*
 * The exporter: a buffer with a no-timeout write fence, sent as a dma-buf;
 * then it waits to be killed (or for the parent to go away).
 */
__attribute__((noreturn))
static void exporter_child(int sock)
{
	struct drm_vgem_plus_create create = {
		.width = data.out.mode.hdisplay,
		.height = data.out.mode.vdisplay,
		.format = DRM_FORMAT_XRGB8888,
	};
	struct drm_vgem_fence_attach attach = {
		.flags = VGEM_FENCE_WRITE | WIP_VGEM_FENCE_NOTIMEOUT,
	};
	struct exporter_msg msg = {};
	int vgem, dmabuf = -1;
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	vgem = __drm_open_driver_render(DRIVER_VGEM);
	if (vgem < 0) {
		msg.error = -ENODEV, msg.step = 1;
	} else if (__vgem_plus_create(vgem, &create)) {
		msg.error = -errno, msg.step = 2;
	} else if (drmPrimeHandleToFD(vgem, create.handle,
				      DRM_CLOEXEC | DRM_RDWR, &dmabuf)) {
		msg.error = -errno, msg.step = 3;
	} else if ((msg.error = dmabuf_set_name(dmabuf, "exporter-child"))) {
		msg.step = 4;
	} else {
		attach.handle = create.handle;
		msg.error = __vgem_fence_attach(vgem, &attach);
		msg.step = 5;
	}
	msg.fence = attach.out_fence;
	msg.pitch = create.pitches[0];
	msg.offset = create.offsets[0];
	msg.client = vgem >= 0 ? child_client_id(vgem) : 0;

	if (send_fd(sock, msg.error ? -1 : dmabuf, &msg, sizeof(msg)))
		_exit(1);
	if (dmabuf >= 0)
		close(dmabuf);
	while (read(sock, &c, 1) > 0)
		;
	_exit(0);
}

static void test_exporter_killed(void)
{
	struct scanout_buf *a = &data.buf[BUF_A];
	struct scanout_buf *f = &data.buf[BUF_FOREIGN];
	struct fence_waits before, during, after;
	struct drm_event_vblank ev;
	struct exporter_msg msg;
	struct bufinfo_buffer bi;
	struct timespec start = {};
	int sv[2], status, i;
	unsigned long ino;
	bool attached;

	scanout_setup();
	igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	fflush(NULL);
	data.child = fork();
	igt_assert_lte(0, data.child);
	if (data.child == 0) {
		close(sv[0]);
		exporter_child(sv[1]);
	}
	close(sv[1]);
	fd_track(sv[0]);

	f->dmabuf = recv_fd(sv[0], &msg, sizeof(msg));
	igt_assert_f(msg.error == 0, "exporter failed at step %d: %s\n",
		     msg.step, strerror(-msg.error));
	igt_assert_lte(0, f->dmabuf);
	igt_assert(msg.client && msg.client != data.vgem_client);
	snprintf(f->name, sizeof(f->name), "exporter-child");
	buf_import(f, msg.pitch, msg.offset);
	igt_assert(bufinfo_has_fence(f->ino, "write", msg.client, msg.fence,
				     false));

	read_fence_waits(&before);
	igt_assert_eq(flip(f->fb_id, -1, NULL, 1), 0);
	expect_no_event(BLOCKED_MS, "the exporter's write fence is unsignalled");
	read_fence_waits(&during);
	igt_assert_eq(during.num_waits, 1);
	check_wait(&during.wait[0], f, msg.client, msg.fence);

	/* Its file closes, which signals its fences: the flip completes. */
	igt_assert_eq(kill(data.child, SIGKILL), 0);
	igt_assert_eq(waitpid(data.child, &status, 0), data.child);
	data.child = -1;
	igt_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	expect_flip_event(1, EVENT_TIMEOUT_MS, &ev);
	fd_close(sv[0]);

	read_fence_waits(&after);
	igt_assert_eq(after.num_waits, 0);
	igt_assert_eq_u64(after.waits, before.waits + 1);
	igt_assert_eq_u64(after.timeouts, before.timeouts);

	/* The buffer outlives its exporter for as long as we hold it. */
	igt_assert(bufinfo_has_fence(f->ino, "write", msg.client, msg.fence,
				     true));
	igt_assert(bufinfo_find(f->ino, &bi));
	igt_assert(!strcmp(bi.exp_name, EXPORTER));
	for (attached = false, i = 0; i < bi.num_attached; i++)
		attached |= !strcmp(bi.attached[i], DRIVER_NAME);
	igt_assert_f(attached, "dma-buf %lu not attached to " DRIVER_NAME "\n",
		     f->ino);
	flip_quick(a->fb_id, NULL, 2);
	flip_quick(f->fb_id, NULL, 3);
	flip_quick(a->fb_id, NULL, 4);

	/* Dropped, it goes away (the last plane state lets go a bit later). */
	ino = f->ino;
	buf_free(f);
	while (bufinfo_find(ino, &bi)) {
		igt_assert_f(igt_nsec_elapsed(&start) < 2000000000ull,
			     "dma-buf %lu still there after we dropped it\n",
			     ino);
		usleep(10000);
	}

	scanout_teardown();
}

static void test_debugfs_format(void)
{
	struct fence_waits fw;
	char timeout[16], skip[16], want[64];
	char *text;

	igt_sysfs_read(PARAM_TIMEOUT, timeout, sizeof(timeout));
	igt_sysfs_read(PARAM_SKIP, skip, sizeof(skip));

	/* Idle: the policy line and the total line, nothing else. */
	text = drm_debugfs_read(data.display, "fence_waits");
	snprintf(want, sizeof(want), "policy %s timeout-ms %s\n",
		 !strcmp(skip, "Y") ? "skip" : "wait", timeout);
	igt_assert_f(!strncmp(text, want, strlen(want)),
		     "fence_waits begins:\n%s\nexpected:\n%s", text, want);
	igt_assert_f(!strncmp(text + strlen(want), "total waits ", 12),
		     "the total line does not follow the policy line:\n%s",
		     text);
	free(text);

	read_fence_waits(&fw);
	igt_assert_eq(fw.num_waits, 0);
	igt_assert_lte(0, fw.max_ms);
	igt_assert_lte(0, fw.mean_ms);
	igt_assert(fw.timeouts <= fw.waits);
	igt_assert(fw.mean_ms <= fw.max_ms);
	if (!fw.waits)
		igt_assert(!fw.max_ms && !fw.mean_ms);
	igt_info("%llu waits, %llu timeouts, max %lld ms, mean %lld ms\n",
		 fw.waits, fw.timeouts, fw.max_ms, fw.mean_ms);

	/* The policy line follows the parameters at once. */
	param_set(PARAM_SKIP, "N");
	param_set(PARAM_TIMEOUT, "1234");
	read_fence_waits(&fw);
	igt_assert(!strcmp(fw.policy, "wait"));
	igt_assert_eq_u32(fw.timeout_ms, 1234);

	params_check_restored();
	read_fence_waits(&fw);
	igt_assert(!strcmp(fw.policy, !strcmp(skip, "Y") ? "skip" : "wait"));
	igt_assert_eq_u32(fw.timeout_ms, strtoul(timeout, NULL, 10));
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
		data.plane_index = plane_index(data.out.primary_id);

		/*
		 * After the display: a killed process's files are released
		 * last descriptor first, and the vgem file must go before
		 * the display's, signalling its fences, or the display's
		 * release waits for a flip that waits for those fences.
		 */
		data.vgem = drm_open_driver_render(DRIVER_VGEM);
		igt_assert_lt(data.display, data.vgem);
		igt_require(vgem_fence_has_flag(data.vgem, VGEM_FENCE_WRITE |
						WIP_VGEM_FENCE_NOTIMEOUT));
		data.vgem_client = drm_client_id(data.vgem);

		igt_sysfs_read(PARAM_TIMEOUT, data.saved_timeout,
			   sizeof(data.saved_timeout));
		igt_sysfs_read(PARAM_SKIP, data.saved_skip, sizeof(data.saved_skip));
		data.params_saved = true;
		igt_install_exit_handler(exit_handler);
		kms_disable_all(data.display);
	}

	igt_describe("A nonblocking flip to a buffer with an unsignalled write "
		     "fence waits, listed in fence_waits, and lands within "
		     "vblanks of the signal.");
	igt_subtest("flip-waits-for-write-fence") {
		recover();
		test_write_fence();
	}

	igt_describe("A read fence does not hold back the flip.");
	igt_subtest("read-fence-does-not-block") {
		recover();
		test_read_fence();
	}

	igt_describe("A flip waits for its IN_FENCE_FD, and then for it alone: "
		     "the buffer's write fence is ignored.");
	igt_subtest("in-fence-fd") {
		recover();
		test_in_fence();
	}

	igt_describe("An IN_FENCE_FD on a plane left without a framebuffer "
		     "holds the commit back without naming a buffer.");
	igt_subtest("in-fence-no-fb") {
		recover();
		test_in_fence_no_fb();
	}

	igt_describe("OUT_FENCE_PTR gives a sync_file that signals when the "
		     "flip completes, and not before.");
	igt_subtest("out-fence") {
		recover();
		test_out_fence();
	}

	igt_describe("With fence_skip=Y the flip completes after "
		     "fence_timeout_ms with OUT_FENCE -ETIMEDOUT and one log "
		     "line; the device then flips as usual.");
	igt_subtest("timeout-skip") {
		recover();
		test_timeout_skip();
	}

	igt_describe("With fence_skip=N the flip goes on waiting after one "
		     "log line and completes normally once signalled.");
	igt_subtest("timeout-wait") {
		recover();
		test_timeout_wait();
	}

	igt_describe("Killing the process that exported the buffer and holds "
		     "its fence signals the fence: the flip completes and the "
		     "buffer stays usable.");
	igt_subtest("exporter-killed") {
		recover();
		test_exporter_killed();
	}

	igt_describe("fence_waits: the policy line follows the parameters, "
		     "the total line parses.");
	igt_subtest("fence-waits-debugfs-format") {
		recover();
		test_debugfs_format();
	}

	igt_fixture {
		recover();
		drm_close_driver(data.vgem);
		drm_close_driver(data.display);
	}
}
