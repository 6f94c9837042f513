// SPDX-License-Identifier: MIT
/*
 * drm_bench measurement 3: from the signal of a buffer's write fence to
 * the flip that shows it.
 *
 * Each frame: attach a write fence (VGEM_FENCE_ATTACH, the same ioctl on
 * both exporters) to the imported buffer the next flip shows, queue the
 * flip (nonblocking, with an event; the display waits for the implicit
 * fence), wait for a vblank, sleep 20% to 90% of a frame (eight steps in
 * turn), signal the fence, read the flip event. Ideal is the first vblank
 * after the signal: what is left of the frame is the display's time to
 * notice the signal and commit.
 *
 * The cost is counted in vblanks from the signal to the flip (1 is the
 * ideal): vblank sequence numbers do not depend on how fast the guest is.
 * The latency in milliseconds goes to the JSON file.
 *
 * It runs first: after the others, the guest still tears down gigabytes
 * of their buffers and stalls now and then for several frames (vkms's
 * timer logs overruns then), which made both pairs miss vblanks.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "bench.h"

#define W 1024
#define H 768
#define MAX_LATE 4

struct fenced {
	uint32_t exp_handle[2];
	uint32_t disp_handle[2];
	uint32_t fb[2];
	int cur;		/* buffer on screen */
	int frames, on_first;
	int late[MAX_LATE + 1];	/* vblanks late, the last: that or more */
	int missed_at[8];	/* frames not on the first vblank, by phase */
	double lat_ms[MAX_ROUNDS * 64];	/* room for 64 frames a round */
	int nlat;
};

static struct fenced fenced[NPAIRS];

static void setup(struct pair *p, struct fenced *f)
{
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	uint32_t pitch;
	int i, fd, ret;

	for (i = 0; i < 2; i++) {
		ret = dumb_create(p->exp.fd, W, H, 32, &f->exp_handle[i],
				  &pitch, NULL);
		if (ret)
			die("%s: CREATE_DUMB: %s", p->exp_name, strerror(-ret));
		if (drmPrimeHandleToFD(p->exp.fd, f->exp_handle[i],
				       DRM_CLOEXEC | DRM_RDWR, &fd) ||
		    drmPrimeFDToHandle(p->disp.fd, fd, &f->disp_handle[i]))
			die("%s -> %s: PRIME: %s", p->exp_name, p->disp_name,
			    strerror(errno));
		close(fd);
		handles[0] = f->disp_handle[i];
		pitches[0] = pitch;
		if (drmModeAddFB2(p->disp.fd, W, H, DRM_FORMAT_XRGB8888,
				  handles, pitches, offsets, &f->fb[i], 0))
			die("%s: ADDFB2: %s", p->disp_name, strerror(errno));
	}
	kms_modeset(p, W, H, f->fb[0], false);
	f->cur = 0;
}

static void teardown(struct pair *p, struct fenced *f)
{
	int i;

	/* The CRTC stays on, showing a buffer of the display's own. */
	for (i = 0; i < 2; i++) {
		drmModeRmFB(p->disp.fd, f->fb[i]);
		gem_close(p->disp.fd, f->disp_handle[i]);
		dumb_destroy(p->exp.fd, f->exp_handle[i]);
	}
}

static void sleep_until(double t)
{
	struct timespec ts = {
		.tv_sec = (time_t)t,
		.tv_nsec = (long)((t - (time_t)t) * 1e9),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/* One frame; returns vblanks from the signal to the flip. */
static int frame(struct pair *p, struct fenced *f, int i)
{
	double phase = 0.2 + 0.1 * (i % 8);
	struct flip_event ev = { 0 };
	int next = !f->cur, ret, vbl;
	double tv, ts, period = p->kms.period;
	unsigned int seq, expect;
	uint32_t fence;

	ret = vgem_fence_attach(p->exp.fd, f->exp_handle[next], true, &fence);
	if (ret)
		die("%s: FENCE_ATTACH: %s", p->exp_name, strerror(-ret));
	ret = kms_flip(p, f->fb[next], &ev);
	if (ret)
		die("%s: flip: %s", p->disp_name, strerror(-ret));
	ret = kms_wait_vblank(p->disp.fd, &seq, &tv);
	if (ret)
		die("%s: WAIT_VBLANK: %s", p->disp_name, strerror(-ret));
	sleep_until(tv + period * phase);
	ts = now_s();
	ret = vgem_fence_signal(p->exp.fd, fence);
	if (ret)
		die("%s: FENCE_SIGNAL: %s", p->exp_name, strerror(-ret));
	if (kms_wait_event(p->disp.fd, &ev, 5))
		die("%s: no flip event 5 s after the fence signalled",
		    p->disp_name);
	f->cur = next;

	/* The first vblank after the signal: later than tv by whole frames. */
	expect = seq + 1 + (unsigned int)floor((ts - tv) / period);
	vbl = 1 + (int)(ev.sequence - expect);
	f->frames++;
	if (vbl <= 1)
		f->on_first++;
	else
		f->missed_at[i % 8]++;
	f->late[vbl - 1 < 0 ? 0 : (vbl - 1 > MAX_LATE ? MAX_LATE : vbl - 1)]++;
	if (f->nlat < (int)(sizeof(f->lat_ms) / sizeof(f->lat_ms[0])))
		f->lat_ms[f->nlat++] = (ev.time - ts) * 1e3;
	return vbl < 1 ? 1 : vbl;
}

static void reset_counts(struct fenced *f)
{
	f->frames = 0;
	f->on_first = 0;
	f->nlat = 0;
	memset(f->late, 0, sizeof(f->late));
	memset(f->missed_at, 0, sizeof(f->missed_at));
}

void bench_fence(void)
{
	int frames = opt.quick ? 8 : 40, r, k, i, off;
	struct result *res;
	char size[24];

	for (k = 0; k < NPAIRS; k++)
		setup(&pairs[k], &fenced[k]);
	snprintf(size, sizeof(size), "%ux%u@%u", W, H, pairs[OURS].kms.vrefresh);
	res = result_new("fence-to-scanout", size, "vblanks", opt.rounds);
	/* One flip each first: the vblank is running, the buffers mapped. */
	for (k = 0; k < NPAIRS; k++)
		frame(&pairs[k], &fenced[k], 0);
	for (k = 0; k < NPAIRS; k++)
		reset_counts(&fenced[k]);

	for (r = 0; r < res->rounds; r++)
		for (k = 0; k < NPAIRS; k++) {
			int pi = pair_order(r, k);
			int sum = 0;

			for (i = 0; i < frames; i++)
				sum += frame(&pairs[pi], &fenced[pi], i);
			res->cost[pi][r] = (double)sum / frames;
		}

	off = snprintf(res->extra, sizeof(res->extra), "\"period_ms\": %.3f",
		       pairs[OURS].kms.period * 1e3);
	for (k = 0; k < NPAIRS; k++) {
		struct fenced *f = &fenced[k];

		off += snprintf(res->extra + off, sizeof(res->extra) - off,
				", \"%s_frames\": {\"frames\": %d, \"first_vblank\": %d, \"late\": [%d, %d, %d, %d, %d], \"missed_by_phase_20_to_90\": [%d, %d, %d, %d, %d, %d, %d, %d], \"latency_ms_median\": %.3f}",
				pairs[k].label, f->frames, f->on_first,
				f->late[0], f->late[1], f->late[2], f->late[3],
				f->late[4], f->missed_at[0], f->missed_at[1],
				f->missed_at[2], f->missed_at[3], f->missed_at[4],
				f->missed_at[5], f->missed_at[6], f->missed_at[7],
				median(f->lat_ms, f->nlat));
	}
	snprintf(res->note, sizeof(res->note),
		 "signal 20-90%% into a frame; on the first vblank after it: ours %d/%d (%.1f%%), upstream %d/%d (%.1f%%)",
		 fenced[OURS].on_first, fenced[OURS].frames,
		 100.0 * fenced[OURS].on_first / fenced[OURS].frames,
		 fenced[UP].on_first, fenced[UP].frames,
		 100.0 * fenced[UP].on_first / fenced[UP].frames);
	note("fence: ratio %.2f; %s", result_ratio(res, NULL, NULL), res->note);
	for (k = 0; k < NPAIRS; k++)
		teardown(&pairs[k], &fenced[k]);
}
