// SPDX-License-Identifier: MIT
/*
 * What the demo prints, in plain words and numbers, and the report file
 * tests read (--report): one line per frame and per capture, with the
 * raw times and counters.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo.h"

#define say(...)	printf("zero_copy: " __VA_ARGS__)

static const char *const sync_names[] = {
	[SYNC_IMPLICIT] = "implicit", [SYNC_EXPLICIT] = "explicit",
	[SYNC_NONE] = "none",
};

static double refresh_hz(const drmModeModeInfo *m)
{
	return m->clock * 1000.0 / ((double)m->htotal * m->vtotal);
}

static void print_lines(const char *text)
{
	if (!text)
		printf("  (not readable: needs root and debugfs)\n");
	else
		fputs(text, stdout);
}

/* The lines of the buffer named @name (and its indented ones) in @text. */
static void print_buffer(const char *text, const char *name)
{
	const char *line = text, *end;
	bool mine = false;
	size_t len = strlen(name);

	if (!text) {
		print_lines(text);
		return;
	}
	for (; *line; line = end + (*end == '\n')) {
		end = line + strcspn(line, "\n");
		if (line[2] != '\t')
			mine = end - line > (long)len && !strncmp(end - len, name, len) &&
			       end[-len - 1] == '\t';
		if (mine)
			printf("%.*s\n", (int)(end - line), line);
	}
}

static void say_sync(const struct demo *d)
{
	static const char *const how[] = {
		[SYNC_IMPLICIT] = "implicit sync: a write fence on the buffer, which drm_display finds through the dma-buf",
		[SYNC_EXPLICIT] = "explicit sync: the frame's fence goes to drm_display as the plane's IN_FENCE_FD, a sync_file; the buffers carry no fence",
		[SYNC_NONE] = "no sync: no fence at all, so a flip may show a buffer still being drawn",
	};

	say("%u frames, %s\n", d->o.frames, how[d->o.sync]);
	if (d->o.sync == SYNC_NONE)
		return;
	say("each flip is committed first, then its frame is drawn by CPU through the dma-buf mapping and the fence signalled%s",
	    d->o.late_ms ? "" : "\n");
	if (d->o.late_ms)
		printf(" %u ms later\n", d->o.late_ms);
	if (d->o.hang_frame >= 0)
		say("frame %d's fence is never signalled: drm_display gives up after fence_timeout_ms=%u and %s\n",
		    d->o.hang_frame, d->fence_timeout_ms,
		    d->fence_skip ? "skips the frame (fence_skip=Y)" :
				    "keeps waiting (fence_skip=N)");
}

void report_setup(const struct demo *d)
{
	const struct output *out = &d->out;
	const struct buffer *b = &d->ring[0];

	if (d->o.brief) {
		say_sync(d);
		return;
	}
	say("drm_vgem_plus at %s, drm_display at %s: %s on crtc-%d, %ux%u at %.0f Hz\n",
	    d->dev.vgem_path, d->dev.display_path, out->connector_name,
	    out->crtc_index, out->mode.hdisplay, out->mode.vdisplay,
	    refresh_hz(&out->mode));
	say("%d buffers of %ux%u %s on drm_vgem_plus, %zu bytes each (pitch %u), exported as dma-bufs \"%s\"..\"%s\", imported into drm_display as framebuffers %u %u %u\n",
	    DEMO_RING, out->mode.hdisplay, out->mode.vdisplay,
	    format_name(d->o.format), b->size, b->pitches[0], d->ring[0].name,
	    d->ring[DEMO_RING - 1].name, d->ring[0].fb_id, d->ring[1].fb_id,
	    d->ring[2].fb_id);
	say("the ring in /sys/kernel/debug/dma_buf/bufinfo (size flags mode count exporter inode name):\n");
	print_lines(d->bufinfo_idle);
	say_sync(d);
}

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* Median and 99th percentile (nearest rank) of @n values, sorted in place. */
static void percentiles(uint64_t *v, unsigned int n, uint64_t *p50,
			uint64_t *p99)
{
	*p50 = *p99 = 0;
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp_u64);
	*p50 = v[(n - 1) / 2];
	*p99 = v[(99 * n + 99) / 100 - 1];
}

/**
 * struct stats - the run in numbers
 * @shown: frames shown
 * @signalled: frames whose fence the demo signalled in time
 * @lat_p50: fence signal to flip event read, median, microseconds
 * @lat_p99: ditto, 99th percentile
 * @hold_p50: flip commit to fence signal, median
 * @hold_max: ditto, longest
 * @max_vblanks: most vblanks from a signal to its flip
 * @late_flips: flips more than 2 vblanks after their signal
 * @seconds: first commit to last flip
 */
struct stats {
	unsigned int shown, signalled;
	uint64_t lat_p50, lat_p99, hold_p50, hold_max;
	uint32_t max_vblanks;
	unsigned int late_flips;
	double seconds;
};

static void compute(const struct demo *d, struct stats *s)
{
	uint64_t *lat = calloc(d->o.frames, sizeof(*lat));
	uint64_t *hold = calloc(d->o.frames, sizeof(*hold));
	unsigned int f, n = 0;
	uint64_t p99;
	uint32_t vbl;

	if (!lat || !hold)
		die("out of memory\n");
	memset(s, 0, sizeof(*s));
	for (f = 0; f < d->o.frames; f++) {
		const struct frame_rec *r = &d->frames[f];

		s->shown += r->status == 1;
		if ((int)f == d->o.hang_frame)
			continue;
		lat[n] = r->recv_us - r->signal_us;
		hold[n] = r->signal_us - r->commit_us;
		if (hold[n] > s->hold_max)
			s->hold_max = hold[n];
		vbl = r->event_seq - r->vbl_after;
		if (vbl > s->max_vblanks)
			s->max_vblanks = vbl;
		s->late_flips += vbl > 2;
		n++;
	}
	s->signalled = n;
	percentiles(lat, n, &s->lat_p50, &s->lat_p99);
	percentiles(hold, n, &s->hold_p50, &p99);
	s->seconds = (d->frames[d->o.frames - 1].recv_us - d->start_us) / 1e6;
	free(lat);
	free(hold);
}

static void say_frames(const struct demo *d, const struct stats *s)
{
	const unsigned long long waits = d->after.waits - d->before.waits;

	say("shown: %u of %u frames in %.2f s, %.1f frames/s (the display refreshes at %.0f Hz)\n",
	    s->shown, d->o.frames, s->seconds,
	    s->seconds > 0 ? s->shown / s->seconds : 0, refresh_hz(&d->out.mode));
	say("drm_display held back %llu flips to wait for their fence (its debugfs fence_waits: +%llu waits, +%llu timeouts)\n",
	    waits, waits, d->after.timeouts - d->before.timeouts);
	if (d->o.sync != SYNC_NONE)
		say("commit to fence signal: %.1f ms median, %.1f ms at most; fence signal to flip event: %.1f ms median, %.1f ms p99, at most %u vblank%s\n",
		    s->hold_p50 / 1e3, s->hold_max / 1e3, s->lat_p50 / 1e3,
		    s->lat_p99 / 1e3, s->max_vblanks,
		    s->max_vblanks == 1 ? "" : "s");
	if (s->late_flips)
		say("%u flip%s came more than 2 vblanks after the signal (a stall of the guest?)\n",
		    s->late_flips, s->late_flips == 1 ? "" : "s");
	say("drm_display counted %llu flips on crtc-%d, %llu skipped; bytes copied between the drivers: 0 (the display read the very pages drawn into)\n",
	    d->after.flips - d->before.flips, d->out.crtc_index,
	    d->after.skipped - d->before.skipped);
}

static void say_hang(const struct demo *d)
{
	const unsigned int h = d->o.hang_frame;
	const struct frame_rec *r = &d->frames[h];
	int i;

	say("frame %u: its fence never signalled. drm_display's fence_waits halfway through the wait:\n",
	    h);
	printf("  %s\n", d->fence_wait_line[0] ? d->fence_wait_line :
	       "(no wait listed)");
	if (d->kmsg_fd < 0)
		say("the kernel log is not readable: no report to show\n");
	else
		say("the kernel log, %d report%s:\n", d->num_timeout_lines,
		    d->num_timeout_lines == 1 ? "" : "s");
	for (i = 0; i < d->num_timeout_lines; i++)
		printf("  %s\n", d->timeout_lines[i]);
	if (r->status == 1)
		say("frame %u shown after all, %.0f ms after its commit, once the fence was signalled with an error\n",
		    h, (r->event_us - r->commit_us) / 1e3);
	else
		say("frame %u skipped: its flip completed %.0f ms after the commit, its OUT_FENCE signalled with -%s; frame %u stayed on screen\n",
		    h, (r->recv_us - r->commit_us) / 1e3,
		    strerrorname_np(-r->status), h - 1);
	say("then the fence was signalled with -EIO, as a GPU reset would\n");
}

static void say_recovery(const struct demo *d)
{
	unsigned int f, shown = 0, from = d->o.hang_frame + 1;

	for (f = from; f < d->o.frames; f++)
		shown += d->frames[f].status == 1;
	if (from < d->o.frames)
		say("recovery: frames %u to %u: %u of %u shown\n", from,
		    d->o.frames - 1, shown, d->o.frames - from);
}

static void say_captures(const struct demo *d)
{
	const unsigned int pixels = d->out.mode.hdisplay * d->out.mode.vdisplay;
	unsigned int i, good = 0;

	if (!d->num_caps)
		return;
	say("writeback captured %u frames:", d->num_caps);
	for (i = 0; i < d->num_caps; i++)
		printf(" %u", d->caps[i].frame);
	printf("\n");
	for (i = 0; i < d->num_caps; i++) {
		const struct capture *c = &d->caps[i];

		if (!c->done)
			printf("  frame %u: the writeback job failed\n", c->frame);
		else if (c->wrong)
			printf("  frame %u: %ld of %u pixels differ from frame %d as drawn%s\n",
			       c->frame, c->wrong, pixels, (int)c->shows,
			       d->o.sync == SYNC_NONE ?
			       ": scanned out before it was finished" : "");
		else if (c->shows != c->frame)
			printf("  frame %u: shows frame %d, kept on screen, pixel for pixel\n",
			       c->frame, (int)c->shows);
		else
			good++;
	}
	if (good)
		printf("  %s%u: each the frame drawn, pixel for pixel (%u pixels)\n",
		       good == d->num_caps ? "all " : "the other ", good, pixels);
	if (d->o.png_dir)
		say("PNG files: %s/frame-NNNN.png and %s/overview.png\n",
		    d->o.png_dir, d->o.png_dir);
}

void report_print(const struct demo *d)
{
	struct stats s;

	compute(d, &s);
	if (d->o.sync != SYNC_NONE) {
		say("%s in bufinfo while frame 0's flip waits for its fence:\n",
		    d->ring[0].name);
		print_buffer(d->bufinfo_busy, d->ring[0].name);
	}
	say_frames(d, &s);
	if (d->o.hang_frame >= 0) {
		say_hang(d);
		say_recovery(d);
	}
	say_captures(d);
}

/* Whether the run went as it should; says why not. */
bool report_ok(const struct demo *d)
{
	unsigned int f, shown = 0, want = d->o.frames, i;
	bool ok = true;

	if (d->o.hang_frame >= 0 && d->fence_skip)
		want--;
	for (f = 0; f < d->o.frames; f++)
		shown += d->frames[f].status == 1;
	if (shown != want) {
		say("FAILED: %u frames shown, expected %u\n", shown, want);
		ok = false;
	}
	if (d->kmsg_fd >= 0 &&
	    d->num_timeout_lines != (d->o.hang_frame >= 0 ? 1 : 0)) {
		say("FAILED: %d fence timeout reports in the kernel log\n",
		    d->num_timeout_lines);
		ok = false;
	}
	for (i = 0; i < d->num_caps && d->o.sync != SYNC_NONE; i++) {
		if (!d->caps[i].done || d->caps[i].wrong) {
			say("FAILED: the capture of frame %u is not what was shown\n",
			    d->caps[i].frame);
			ok = false;
		}
	}
	return ok;
}

/* Unsignalled fence lines in bufinfo lines, -1 without them. */
static int count_unsignalled(const char *lines)
{
	const char *p;
	int n = 0;

	if (!lines)
		return -1;
	for (p = lines; (p = strstr(p, " unsignalled")); p++)
		n++;
	return n;
}

void report_write(const struct demo *d, const char *path)
{
	FILE *f = fopen(path, "w");
	unsigned int i;
	int k;

	if (!f)
		die_errno(path);
	fprintf(f, "run pid %d frames %u sync %s late-ms %u hang %d format %s mode %ux%u crtc %d fence-timeout-ms %u fence-skip %d vblank-us %.0f\n",
		(int)getpid(), d->o.frames, sync_names[d->o.sync], d->o.late_ms,
		d->o.hang_frame, format_name(d->o.format), d->out.mode.hdisplay,
		d->out.mode.vdisplay, d->out.crtc_index, d->fence_timeout_ms,
		d->fence_skip, 1e6 / refresh_hz(&d->out.mode));
	for (i = 0; i < d->o.frames; i++) {
		const struct frame_rec *r = &d->frames[i];

		fprintf(f, "frame %u commit-us %llu drawn-us %llu signal-us %llu vbl-before %u vbl-after %u event-seq %u event-us %llu recv-us %llu status %d\n",
			i, (unsigned long long)r->commit_us,
			(unsigned long long)r->drawn_us,
			(unsigned long long)r->signal_us, r->vbl_before,
			r->vbl_after, r->event_seq,
			(unsigned long long)r->event_us,
			(unsigned long long)r->recv_us, r->status);
	}
	for (i = 0; i < d->num_caps; i++)
		fprintf(f, "capture %u shows %d done %d wrong %ld png %s\n",
			d->caps[i].frame, (int)d->caps[i].shows, d->caps[i].done,
			d->caps[i].wrong, d->caps[i].png[0] ? d->caps[i].png : "-");
	fprintf(f, "counters waits %llu timeouts %llu flips %llu skipped %llu\n",
		d->after.waits - d->before.waits,
		d->after.timeouts - d->before.timeouts,
		d->after.flips - d->before.flips,
		d->after.skipped - d->before.skipped);
	fprintf(f, "kmsg %d\n", d->kmsg_fd >= 0);
	for (k = 0; k < d->num_timeout_lines; k++)
		fprintf(f, "timeout-report %s\n", d->timeout_lines[k]);
	fprintf(f, "bufinfo-busy-unsignalled %d\n", count_unsignalled(d->bufinfo_busy));
	if (fclose(f))
		die_errno(path);
}
