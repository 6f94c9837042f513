// SPDX-License-Identifier: MIT
/*
 * drm_bench measurement 4: what composing a frame costs when CRC capture
 * or writeback needs its pixels, at 1080p (CRC, writeback) and 4K
 * (writeback), with one full-screen XRGB8888 plane and with primary +
 * overlay + cursor (ARGB8888, premultiplied, half transparent, so they
 * are blended).
 *
 * Composition runs in a kernel worker of each driver; the function that
 * composes a frame (CRC and writeback rows included) is timed with
 * ftrace's function_graph tracer: vkms's compose_active_planes() and
 * drm_display's display_compose(). Both pairs get the same work: a flip
 * every frame to a different buffer, so that every frame is new, and
 * with writeback one job per commit, waited for.
 *
 * With CRC capture the cost of a frame is the median duration of the
 * compositions in a sample (each composes a frame). With writeback it is
 * the time spent composing during the sample over the jobs completed:
 * vkms composes at every vblank while a job is pending, so a job longer
 * than a frame costs it a second composition. With -icount the guest's
 * clock counts the instructions of every vCPU, so a call's duration
 * would also count what the other vCPU ran meanwhile (a commit's
 * cleanup, vunmap's TLB shootdowns): CPU 1 is taken offline while this
 * measurement runs. The kernel is not preemptible (voluntary), so a
 * composition then runs alone but for interrupts. The limit is a
 * memcpy() of the frame in the guest's user space, the fastest of five.
 *
 * "compose-crc-static" adds the cost per vblank with CRC capture on and
 * nothing changing on screen: vkms composes every vblank, drm_display
 * only when the frame changes (and every crc_refresh_ms). It is shown,
 * not counted: the work differs on purpose.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "bench.h"

#define MAX_CALLS 512
#define CURSOR 64

struct scene {
	struct fb prim[2], overlay, cursor, wb;
	int cur;
	int crc_ctl, crc_data;
};

static struct scene scenes[NPAIRS];

static void scene_create(struct pair *p, struct scene *s, unsigned int w,
			 unsigned int h)
{
	int fd = p->disp.fd;

	fb_create(fd, &s->prim[0], w, h, DRM_FORMAT_XRGB8888);
	fb_create(fd, &s->prim[1], w, h, DRM_FORMAT_XRGB8888);
	fb_create(fd, &s->overlay, w / 2, h / 2, DRM_FORMAT_ARGB8888);
	fb_create(fd, &s->cursor, CURSOR, CURSOR, DRM_FORMAT_ARGB8888);
	fb_fill(&s->prim[0], 1, 0xff);
	fb_fill(&s->prim[1], 2, 0xff);
	fb_fill(&s->overlay, 3, 0x80);
	fb_fill(&s->cursor, 4, 0xc0);
	if (p->kms.wb_conn)
		fb_create(fd, &s->wb, w, h, DRM_FORMAT_XRGB8888);
	s->cur = 0;
	s->crc_ctl = s->crc_data = -1;
}

static void scene_destroy(struct pair *p, struct scene *s)
{
	int fd = p->disp.fd;

	fb_destroy(fd, &s->prim[0]);
	fb_destroy(fd, &s->prim[1]);
	fb_destroy(fd, &s->overlay);
	fb_destroy(fd, &s->cursor);
	if (s->wb.fb_id)
		fb_destroy(fd, &s->wb);
}

/* Primary alone, or with the overlay and the cursor on top, blocking. */
static void scene_planes(struct pair *p, struct scene *s, bool three)
{
	unsigned int w = p->kms.width, h = p->kms.height;
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	int ret;

	kms_add_plane(req, p, p->kms.primary, s->prim[s->cur].fb_id, 0, 0, w,
		      h);
	if (p->kms.overlay)
		kms_add_plane(req, p, p->kms.overlay,
			      three ? s->overlay.fb_id : 0, w / 4, h / 4,
			      w / 2, h / 2);
	if (p->kms.cursor)
		kms_add_plane(req, p, p->kms.cursor,
			      three ? s->cursor.fb_id : 0, w / 3, h / 3,
			      CURSOR, CURSOR);
	ret = drmModeAtomicCommit(p->disp.fd, req, 0, NULL);
	drmModeAtomicFree(req);
	if (ret)
		die("%s: plane setup: %s", p->disp_name, strerror(errno));
}

static void crc_open(struct pair *p, struct scene *s)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/crtc-0/crc/control",
		 p->disp.minor);
	if (write_file(path, "auto"))
		die("%s: cannot select CRC source auto", p->disp_name);
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/crtc-0/crc/data",
		 p->disp.minor);
	s->crc_data = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (s->crc_data < 0)
		die("%s: open %s: %s", p->disp_name, path, strerror(errno));
}

static void crc_drain(struct scene *s)
{
	char buf[4096];

	if (s->crc_data < 0)
		return;
	while (read(s->crc_data, buf, sizeof(buf)) > 0)
		;
}

static void crc_close(struct scene *s)
{
	crc_drain(s);
	if (s->crc_data >= 0)
		close(s->crc_data);
	s->crc_data = -1;
}

/* Waits for @ev (and reads CRC entries meanwhile), then for @fence. */
static void wait_frame(struct pair *p, struct scene *s,
		       struct flip_event *ev, int fence)
{
	double end = now_s() + 20;

	while (!ev->done) {
		if (now_s() > end)
			die("%s: no flip event in 20 s", p->disp_name);
		kms_wait_event(p->disp.fd, ev, 0.02);
		crc_drain(s);
	}
	if (fence >= 0) {
		struct pollfd pfd = { .fd = fence, .events = POLLIN };

		while (poll(&pfd, 1, 20) == 0) {
			if (now_s() > end)
				die("%s: writeback fence unsignalled after 20 s",
				    p->disp_name);
			crc_drain(s);
		}
		close(fence);
	}
}

/* A flip to the other primary buffer, with a writeback job if @wb. */
static void flip(struct pair *p, struct scene *s, bool wb)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	struct flip_event ev = { 0 };
	int32_t fence = -1;
	int ret;

	s->cur = !s->cur;
	kms_add(req, p, p->kms.primary, DRM_MODE_OBJECT_PLANE, "FB_ID",
		s->prim[s->cur].fb_id);
	if (wb) {
		kms_add(req, p, p->kms.wb_conn, DRM_MODE_OBJECT_CONNECTOR,
			"WRITEBACK_FB_ID", s->wb.fb_id);
		kms_add(req, p, p->kms.wb_conn, DRM_MODE_OBJECT_CONNECTOR,
			"WRITEBACK_OUT_FENCE_PTR",
			(uint64_t)(uintptr_t)&fence);
	}
	ret = drmModeAtomicCommit(p->disp.fd, req,
				  DRM_MODE_ATOMIC_NONBLOCK |
				  DRM_MODE_PAGE_FLIP_EVENT, &ev);
	drmModeAtomicFree(req);
	if (ret)
		die("%s: flip%s: %s", p->disp_name, wb ? " with writeback" : "",
		    strerror(errno));
	wait_frame(p, s, &ev, fence);
	/*
	 * Upstream vkms of 6.12 switches its composer off when it cleans up
	 * a writeback job, in a worker, after the job's fence signalled: if
	 * that runs after the next job switched it on, the next job is never
	 * done. A vblank gives the cleanup time to run; both pairs wait.
	 */
	if (wb) {
		unsigned int seq;
		double t;

		kms_wait_vblank(p->disp.fd, &seq, &t);
	}
}

/*
 * Cost of a frame over @frames new frames: with @wb, composing time per
 * job; else the median composition. A composition slower than a frame
 * spans several flips, so with CRC capture only the flips go on until
 * enough compositions have ended. The trace is only read at the end of
 * a batch: reading it costs the guest as much as a small composition.
 */
static double sample(struct pair *p, struct scene *s, bool crc, bool wb,
		     int frames, int *calls)
{
	static double dur[MAX_CALLS];
	int i, n, flips = 0;
	double total = 0;

	if (crc)
		crc_open(p, s);
	trace_start();
	do {
		for (i = 0; i < frames; i++)
			flip(p, s, wb);
		flips += frames;
		n = wb ? frames : trace_peek(p->trace_fn, dur, MAX_CALLS);
	} while (n < frames && flips < 20 * frames);
	n = trace_stop(p->trace_fn, dur, MAX_CALLS);
	if (crc)
		crc_close(s);
	if (n < (wb ? 1 : frames)) {
		const char *dir = getenv("VM_RUN_OUTDIR");
		char path[256];

		/* Leave the trace for a look: vm-run's output directory. */
		snprintf(path, sizeof(path), "%s/compose-trace.txt",
			 dir ? dir : "/tmp");
		trace_save(path);
		die("%s: %d calls of %s in %d flips (trace: %s)", p->disp_name,
		    n, p->trace_fn, flips, path);
	}
	*calls = n;
	if (!wb)
		return median(dur, n);
	for (i = 0; i < n; i++)
		total += dur[i];
	return total / flips;
}

/* Composing time per vblank with CRC on and a still picture. */
static double sample_static(struct pair *p, struct scene *s, double secs,
			    int *calls)
{
	static double dur[MAX_CALLS];
	unsigned int seq0, seq1;
	double t, total = 0, end;
	int i, n;

	crc_open(p, s);
	kms_wait_vblank(p->disp.fd, &seq0, &t);
	trace_start();
	end = now_s() + secs;
	while (now_s() < end) {
		sleep_s(0.05);
		crc_drain(s);
	}
	kms_wait_vblank(p->disp.fd, &seq1, &t);
	n = trace_stop(p->trace_fn, dur, MAX_CALLS);
	crc_close(s);
	for (i = 0; i < n; i++)
		total += dur[i];
	*calls = n;
	return total / (seq1 - seq0 ? seq1 - seq0 : 1);
}

static void memcpy_limit(struct result *res, int r, size_t bytes)
{
	static char *src, *dst;
	static size_t have;
	double v[5], t;
	int i;

	if (have < bytes) {
		free(src);
		free(dst);
		src = malloc(bytes);
		dst = malloc(bytes);
		if (!src || !dst)
			die("out of memory");
		memset(src, 1, bytes);
		memset(dst, 2, bytes);
		have = bytes;
	}
	for (i = 0; i < 5; i++) {
		t = now_s();
		memcpy(dst, src, bytes);
		v[i] = now_s() - t;
		/* Keep the copy from being optimised away. */
		__asm__ volatile("" : : "r"(dst) : "memory");
	}
	/* The limit is the best case: the least disturbed copy. */
	res->limit[r] = minimum(v, 5);
	res->has_limit = true;
}

struct mode {
	unsigned int w, h;
};

/* The first of these sizes that both displays list. */
static bool common_mode(const struct mode *list, int n, struct mode *out)
{
	int i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < NPAIRS; k++)
			if (!kms_has_mode(&pairs[k], list[i].w, list[i].h))
				break;
		if (k == NPAIRS) {
			*out = list[i];
			return true;
		}
	}
	return false;
}

/* Every CPU but CPU 0 on or off line; false if that failed. */
static bool cpus_online(bool on)
{
	char path[64];
	bool ok = true;
	int cpu;

	for (cpu = 1; cpu < 64; cpu++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/online", cpu);
		if (access(path, F_OK))
			break;
		if (write_file(path, on ? "1" : "0"))
			ok = false;
	}
	return ok;
}

struct config {
	const char *name;
	bool crc, wb, three;
};

static void run_config(const struct mode *m, const struct config *c,
		       int rounds, int frames)
{
	size_t bytes = (size_t)m->w * m->h * 4;
	int r, k, calls[NPAIRS] = { 0 };
	struct result *res;
	char size[32];

	snprintf(size, sizeof(size), "%ux%u/%s", m->w, m->h,
		 c->three ? "3pl" : "1pl");
	res = result_new(c->name, size, "s/frame", rounds);
	for (r = 0; r < res->rounds; r++) {
		for (k = 0; k < NPAIRS; k++) {
			int pi = pair_order(r, k);
			struct pair *p = &pairs[pi];

			scene_planes(p, &scenes[pi], c->three);
			res->cost[pi][r] = sample(p, &scenes[pi], c->crc, c->wb,
						  frames, &calls[pi]);
		}
		memcpy_limit(res, r, bytes);
	}
	snprintf(res->note, sizeof(res->note), "%s; limit: memcpy of the frame",
		 c->three ? "XRGB8888 + ARGB8888 overlay + cursor, blended" :
			    "one full-screen XRGB8888 plane");
	snprintf(res->extra, sizeof(res->extra),
		 "\"calls_last_sample\": {\"ours\": %d, \"upstream\": %d}",
		 calls[OURS], calls[UP]);
	note("%s %s: ratio %.2f", res->name, res->size,
	     result_ratio(res, NULL, NULL));
}

/* CRC on, nothing changes on screen. */
static void run_static(const struct mode *m, double secs)
{
	int k, calls[NPAIRS] = { 0 };
	struct result *res;
	char size[32];

	snprintf(size, sizeof(size), "%ux%u/1pl", m->w, m->h);
	res = result_new("compose-crc-static", size, "s/vblank", 1);
	res->counted = false;
	for (k = 0; k < NPAIRS; k++) {
		scene_planes(&pairs[k], &scenes[k], false);
		res->cost[k][0] = sample_static(&pairs[k], &scenes[k], secs,
						&calls[k]);
	}
	snprintf(res->note, sizeof(res->note),
		 "CRC on, still picture: composing time per vblank; ours composes only on change (ours %d, upstream %d compositions)",
		 calls[OURS], calls[UP]);
	snprintf(res->extra, sizeof(res->extra),
		 "\"calls\": {\"ours\": %d, \"upstream\": %d}",
		 calls[OURS], calls[UP]);
	note("%s %s: ratio %.2f", res->name, res->size,
	     result_ratio(res, NULL, NULL));
}

/*
 * Per mode, the configurations that need the virtual connector, then
 * those that need the writeback one: two modesets per mode at most.
 */
static void run_mode(const struct mode *m, const struct config *cfgs, int n,
		     int rounds, int frames, bool with_static)
{
	bool wb_ok = pairs[OURS].kms.wb_conn && pairs[UP].kms.wb_conn;
	int i, k, wb;

	for (k = 0; k < NPAIRS; k++)
		scene_create(&pairs[k], &scenes[k], m->w, m->h);
	for (wb = 0; wb < 2; wb++) {
		bool any = false;

		for (i = 0; i < n; i++)
			any |= cfgs[i].wb == wb;
		if (!any)
			continue;
		if (wb && !wb_ok) {
			note("no writeback connector: writeback not measured");
			break;
		}
		for (k = 0; k < NPAIRS; k++)
			kms_modeset(&pairs[k], m->w, m->h,
				    scenes[k].prim[scenes[k].cur].fb_id, wb);
		for (i = 0; i < n; i++)
			if (cfgs[i].wb == wb)
				run_config(m, &cfgs[i], rounds, frames);
		if (!wb && with_static)
			run_static(m, opt.quick ? 0.5 : 0.6);
	}
	/* RMFB takes them off the planes; the CRTC stays on, black. */
	for (k = 0; k < NPAIRS; k++)
		scene_destroy(&pairs[k], &scenes[k]);
}

/*
 * With -icount a composition costs the same instructions every time: a
 * few samples suffice, and vkms's 4K frames (over a billion instructions
 * each) are what makes this measurement long: at 4K writeback only (with
 * CRC capture on, vkms composes every vblank, with or without a job),
 * one round.
 */
void bench_compose(void)
{
	static const struct mode fhd[] = { { 1920, 1080 } };
	static const struct mode uhd[] = { { 3840, 2160 }, { 4096, 2160 } };
	static const struct config fhd_cfgs[] = {
		{ "compose-crc", true, false, false },
		{ "compose-crc", true, false, true },
		{ "compose-wb", false, true, false },
		{ "compose-wb", false, true, true },
	};
	static const struct config uhd_cfgs[] = {
		{ "compose-wb", false, true, false },
		{ "compose-wb", false, true, true },
	};
	const char *fns[NPAIRS] = { pairs[OURS].trace_fn, pairs[UP].trace_fn };
	struct mode m;

	if (!cpus_online(false))
		note("cannot take CPU 1 offline: compositions share the guest with other work");
	if (!trace_setup(fns, NPAIRS)) {
		struct result *res = result_new("compose", "-", "-", 0);

		snprintf(res->note, sizeof(res->note),
			 "not measured: ftrace function_graph unavailable");
		cpus_online(true);
		return;
	}
	if (!getenv("BENCH_SKIP_FHD") && common_mode(fhd, 1, &m))
		run_mode(&m, fhd_cfgs, 4, opt.quick ? 2 : (opt.rounds < 3 ? opt.rounds : 3),
			 opt.quick ? 2 : 3, true);
	if (!opt.quick && common_mode(uhd, 2, &m))
		run_mode(&m, uhd_cfgs, 2, 1, 2, false);
	trace_teardown();
	cpus_online(true);
}

/* For --profile: "compose:crc|wb:1pl|3pl:WxH", one flip per op. */
struct compose_cfg {
	bool wb, three;
};

static struct compose_cfg profile_cfg;

static void profile_begin(struct pair *p, void *arg)
{
	struct compose_cfg *c = arg;

	if (!c->wb)
		crc_open(p, &scenes[p - pairs]);
}

static void profile_flip(struct pair *p, void *arg)
{
	struct compose_cfg *c = arg;

	flip(p, &scenes[p - pairs], c->wb);
}

static void profile_end(struct pair *p, void *arg)
{
	struct compose_cfg *c = arg;

	if (!c->wb)
		crc_close(&scenes[p - pairs]);
}

bool compose_op(const char *spec, struct profile_op *po)
{
	char src[8], planes[8];
	unsigned int w, h;
	int k;

	if (sscanf(spec, "compose:%7[a-z]:%7[0-9a-z]:%ux%u", src, planes, &w,
		   &h) != 4)
		return false;
	profile_cfg.wb = !strcmp(src, "wb");
	profile_cfg.three = !strcmp(planes, "3pl");
	for (k = 0; k < NPAIRS; k++) {
		scene_create(&pairs[k], &scenes[k], w, h);
		kms_modeset(&pairs[k], w, h, scenes[k].prim[0].fb_id,
			    profile_cfg.wb);
		scene_planes(&pairs[k], &scenes[k], profile_cfg.three);
	}
	memset(po, 0, sizeof(*po));
	po->op = profile_flip;
	po->begin = profile_begin;
	po->end = profile_end;
	po->arg = &profile_cfg;
	return true;
}
