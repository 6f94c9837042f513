// SPDX-License-Identifier: MIT
/*
 * The zero-copy demo (build/tools/zero_copy, the heart of "make demo"),
 * behaviour by behaviour: implicit sync, a late fence, explicit sync,
 * no sync, a hung fence, other formats. Each subtest runs the demo as a
 * child process and checks what it did against what the kernel says
 * independently: drm_display's debugfs counters (fence_waits, crtcs),
 * the kernel log, and the PNG files of its writeback captures, decoded
 * with libpng and compared pixel for pixel with the frames' pictures
 * (tools/demo/pattern.h, shared with the demo). The demo's --report file
 * gives the times and vblanks of every frame.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "igt_demo_png.h"
#include "igt_dmabuf.h"
#include "igt_sysfs.h"

#include "../tools/demo/pattern.h"

#define PARAMS		"/sys/module/drm_display/parameters/"
#define PARAM_TIMEOUT	PARAMS "fence_timeout_ms"
#define PARAM_SKIP	PARAMS "fence_skip"
#define MODE		"640x480"
/* After its signal, a flip lands within this many vblanks... */
#define SIGNAL_VBLANKS	2
/*
 * ... unless the guest stalled meanwhile: under TCG on a loaded host it
 * does, for tens of milliseconds, several times a second, and its vblank
 * counter then jumps. So in a run of LATE_FRAMES late flips at most
 * STALLED_FLIPS may land later, and a run with more is retried; a driver
 * that lands flips late fails every attempt.
 */
#define LATE_FRAMES	"8"
#define STALLED_FLIPS	2
#define ATTEMPTS	3
#define LATE_MS		100
#define HANG_TIMEOUT_MS	400
/* Slack for jiffies rounding of the driver's timed waits. */
#define JIFFY_SLACK_MS	10
#define RUN_LIMIT_S	90
#define MAX_FRAMES	64
#define MAX_CAPS	32

/*
 * Times in microseconds of CLOCK_MONOTONIC. event_us is the flip event's
 * timestamp, the nominal time of its vblank: drm_display's vblank timer
 * may run a little late, so it can precede what happened just before the
 * vblank was handled, by less than a frame. recv_us is when the demo read
 * the event.
 */
struct frame {
	uint64_t commit_us, drawn_us, signal_us, event_us, recv_us;
	uint32_t vbl_before, vbl_after, event_seq;
	int status;
};

struct cap {
	unsigned int frame;
	int shows, done;
	long wrong;
	char png[PATH_MAX];
};

/* The demo's --report file, and the counters the test read around it. */
struct run {
	int pid, crtc, hang;
	unsigned int frames, w, h, late_ms, vblank_us;
	char format[16];
	struct frame f[MAX_FRAMES];
	struct cap caps[MAX_CAPS];
	int num_caps;
	unsigned long long waits, timeouts, flips, skipped;
	int busy_unsignalled;
	/* Read by the test itself. */
	unsigned long long own_waits, own_timeouts, own_flips, own_skipped;
	char kmsg[4][512];
	int num_kmsg;
};

static struct {
	pid_t pid, child;
	int display;
	char demo[PATH_MAX];
	char dir[64];
	bool params_saved;
	char saved_timeout[16], saved_skip[16];
	struct run run;
} data = { .child = -1, .display = -1 };

/* ---- clean-up ----------------------------------------------------------- */

/* Async-signal-safe: only system calls. */
static void exit_handler(void)
{
	if (getpid() != data.pid)
		return;
	if (data.child > 0) {
		kill(data.child, SIGKILL);
		waitpid(data.child, NULL, 0);
		data.child = -1;
	}
	if (data.params_saved) {
		igt_sysfs_write(PARAM_TIMEOUT, data.saved_timeout);
		igt_sysfs_write(PARAM_SKIP, data.saved_skip);
	}
}

/* What a failed subtest may have left. */
static void recover(void)
{
	exit_handler();
	data.params_saved = false;
}

static void remove_dir(void)
{
	char cmd[128];

	if (!data.dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data.dir);
	igt_assert_eq(system(cmd), 0);
	data.dir[0] = '\0';
}

/* ---- drm_display's own view --------------------------------------------- */

/* The fence_waits totals, and flips and skips summed over every CRTC. */
static void counters_now(unsigned long long *w, unsigned long long *t,
			 unsigned long long *f, unsigned long long *s)
{
	char *waits = drm_debugfs_read(data.display, "fence_waits");
	char *crtcs = drm_debugfs_read(data.display, "crtcs");
	unsigned long long flips, skipped;
	const char *line;

	line = strstr(waits, "total waits ");
	igt_assert_f(line && sscanf(line, "total waits %llu timeouts %llu",
				    w, t) == 2, "fence_waits: %s\n", waits);
	*f = *s = 0;
	for (line = crtcs; (line = strstr(line, "crtc crtc-")); line++) {
		igt_assert_f(sscanf(line, "crtc crtc-%*d active %*d flips %llu skipped %llu",
				    &flips, &skipped) == 2, "crtcs: %s\n", crtcs);
		*f += flips;
		*s += skipped;
	}
	free(waits);
	free(crtcs);
}

/* Before the run: the counters; after: how much they grew. */
static void read_counters(struct run *r, bool after)
{
	unsigned long long w, t, f, s;

	counters_now(&w, &t, &f, &s);
	if (after) {
		r->own_waits = w - r->own_waits;
		r->own_timeouts = t - r->own_timeouts;
		r->own_flips = f - r->own_flips;
		r->own_skipped = s - r->own_skipped;
	} else {
		r->own_waits = w;
		r->own_timeouts = t;
		r->own_flips = f;
		r->own_skipped = s;
	}
}

static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	igt_assert_f(fd >= 0, "cannot open /dev/kmsg: %m\n");
	igt_assert(lseek(fd, 0, SEEK_END) >= 0);
	return fd;
}

/* drm_display's fence timeout reports since kmsg_open(). */
static void kmsg_collect(int fd, struct run *r)
{
	char rec[4096], *msg;
	ssize_t len;

	r->num_kmsg = 0;
	for (;;) {
		len = read(fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;
		if (len < 0)
			break;
		rec[len] = '\0';
		msg = strchr(rec, ';');
		if (!msg || !strstr(msg, "fence timed out after"))
			continue;
		msg++;
		msg[strcspn(msg, "\n")] = '\0';
		if (r->num_kmsg < 4)
			snprintf(r->kmsg[r->num_kmsg], sizeof(r->kmsg[0]), "%s", msg);
		r->num_kmsg++;
	}
	close(fd);
}

/* ---- running the demo --------------------------------------------------- */

static void find_demo(void)
{
	char self[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	igt_assert_lt(0, n);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(data.demo, sizeof(data.demo), "%s/../tools/zero_copy", self);
	igt_assert_f(access(data.demo, X_OK) == 0,
		     "%s not built (make builds it)\n", data.demo);
}

/* The last lines of what the demo printed, for the log. */
static void show_output(int out)
{
	off_t len = lseek(out, 0, SEEK_END);
	char *text;

	if (len <= 0)
		return;
	text = mmap(NULL, len, PROT_READ, MAP_PRIVATE, out, 0);
	igt_assert(text != MAP_FAILED);
	igt_info("zero_copy said:\n%.*s", (int)len, text);
	munmap(text, len);
}

/* Runs zero_copy with @args; its exit status. */
static int spawn(const char *const *args, int out)
{
	const char *argv[32] = { data.demo };
	struct timespec start = {};
	int i, status;
	pid_t ret;

	for (i = 0; args[i]; i++)
		argv[i + 1] = args[i];
	igt_nsec_elapsed(&start);
	fflush(NULL);
	data.child = fork();
	igt_assert_lte(0, data.child);
	if (!data.child) {
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
		execv(data.demo, (char **)argv);
		_exit(127);
	}
	while ((ret = waitpid(data.child, &status, WNOHANG)) == 0) {
		igt_assert_f(igt_nsec_elapsed(&start) < RUN_LIMIT_S * 1000000000ull,
			     "zero_copy still running after %d s\n", RUN_LIMIT_S);
		usleep(20000);
	}
	igt_assert_eq(ret, data.child);
	data.run.pid = data.child;
	data.child = -1;
	return status;
}

static void parse_line(struct run *r, const char *line)
{
	struct frame *f;
	struct cap *c;
	unsigned int i;

	if (sscanf(line, "run pid %*d frames %u sync %*s late-ms %u hang %d format %15s mode %ux%u crtc %d fence-timeout-ms %*u fence-skip %*d vblank-us %u",
		   &r->frames, &r->late_ms, &r->hang, r->format, &r->w, &r->h,
		   &r->crtc, &r->vblank_us) == 8) {
		igt_assert(r->frames <= MAX_FRAMES);
	} else if (sscanf(line, "frame %u", &i) == 1) {
		igt_assert(i < r->frames);
		f = &r->f[i];
		igt_assert(sscanf(line, "frame %*u commit-us %" SCNu64 " drawn-us %" SCNu64 " signal-us %" SCNu64 " vbl-before %u vbl-after %u event-seq %u event-us %" SCNu64 " recv-us %" SCNu64 " status %d",
				  &f->commit_us, &f->drawn_us, &f->signal_us,
				  &f->vbl_before, &f->vbl_after, &f->event_seq,
				  &f->event_us, &f->recv_us, &f->status) == 9);
	} else if (!strncmp(line, "capture ", 8)) {
		igt_assert(r->num_caps < MAX_CAPS);
		c = &r->caps[r->num_caps++];
		igt_assert(sscanf(line, "capture %u shows %d done %d wrong %ld png %4095s",
				  &c->frame, &c->shows, &c->done, &c->wrong,
				  c->png) == 5);
	} else if (!strncmp(line, "counters ", 9)) {
		igt_assert(sscanf(line, "counters waits %llu timeouts %llu flips %llu skipped %llu",
				  &r->waits, &r->timeouts, &r->flips,
				  &r->skipped) == 4);
	} else {
		sscanf(line, "bufinfo-busy-unsignalled %d", &r->busy_unsignalled);
	}
}

static void parse_report(const char *path, struct run *r)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	igt_assert_f(f, "no report %s\n", path);
	while (fgets(line, sizeof(line), f))
		parse_line(r, line);
	fclose(f);
	igt_assert_f(r->frames && r->w && r->vblank_us, "report %s incomplete\n",
		     path);
}

/*
 * zero_copy with @args (NULL-terminated) at MODE, its report and PNGs in
 * a fresh directory; it must exit 0. Fills data.run, with drm_display's
 * counters and fence timeout reports of the run.
 */
static void run_demo(const char *const *args)
{
	const char *argv[32] = { "--mode", MODE, "--report", NULL, "--png", NULL };
	char report[96], png[96];
	struct run *r = &data.run;
	int i, out, kmsg, status;

	remove_dir();
	snprintf(data.dir, sizeof(data.dir), "/tmp/demo_zero_copy.XXXXXX");
	igt_assert(mkdtemp(data.dir));
	snprintf(report, sizeof(report), "%s/report", data.dir);
	snprintf(png, sizeof(png), "%s/png", data.dir);
	argv[3] = report;
	argv[5] = png;
	for (i = 0; args[i]; i++)
		argv[6 + i] = args[i];

	memset(r, 0, sizeof(*r));
	out = memfd_create("zero_copy-output", MFD_CLOEXEC);
	igt_assert_lte(0, out);
	read_counters(r, false);
	kmsg = kmsg_open();
	status = spawn(argv, out);
	kmsg_collect(kmsg, r);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		show_output(out);
		igt_assert_f(false, "zero_copy: status %#x\n", status);
	}
	igt_debug("zero_copy pid %d\n", r->pid);
	parse_report(report, r);
	read_counters(r, true);
	close(out);
}

/* ---- PNG files ---------------------------------------------------------- */

static uint32_t format_of(const char *name)
{
	if (!strcmp(name, "rgb565"))
		return DRM_FORMAT_RGB565;
	if (!strcmp(name, "xrgb2101010"))
		return DRM_FORMAT_XRGB2101010;
	igt_assert_f(!strcmp(name, "xrgb8888"), "format %s\n", name);
	return DRM_FORMAT_XRGB8888;
}

/* Every pixel of @c's PNG is frame @frame's picture, through the format. */
static void check_png(const struct run *r, const struct cap *c,
		      unsigned int frame)
{
	uint8_t *rgb = igt_png_load_rgb(c->png, r->w, r->h);
	uint32_t format = format_of(r->format), x, y, got, want;
	struct pattern p;
	long wrong = 0;

	pattern_init(&p, r->w, r->h, frame);
	for (y = 0; y < r->h; y++) {
		for (x = 0; x < r->w; x++) {
			const uint8_t *px = rgb + 3 * ((size_t)y * r->w + x);

			got = px[0] << 16 | px[1] << 8 | px[2];
			want = pattern_through(format, pattern_rgb(&p, x, y));
			if (got != want && wrong++ < 3)
				igt_warn("%s (%u, %u): %06x, frame %u has %06x\n",
					 c->png, x, y, got, frame, want);
		}
	}
	free(rgb);
	igt_assert_f(!wrong, "%s: %ld pixels are not frame %u's\n", c->png,
		     wrong, frame);
}

static const struct cap *capture_of(const struct run *r, unsigned int frame)
{
	int i;

	for (i = 0; i < r->num_caps; i++)
		if (r->caps[i].frame == frame)
			return &r->caps[i];
	igt_assert_f(false, "no capture of frame %u\n", frame);
	return NULL;
}

/* ---- checks ------------------------------------------------------------- */

/* Every frame shown, and the flips and waits drm_display counted. */
static void check_all_shown(const struct run *r, unsigned long long waits)
{
	unsigned int i;

	for (i = 0; i < r->frames; i++)
		igt_assert_f(r->f[i].status == 1, "frame %u: OUT_FENCE status %d\n",
			     i, r->f[i].status);
	/* The modeset and one flip per frame. */
	igt_assert_eq_u64(r->own_flips, r->frames + 1);
	igt_assert_eq_u64(r->own_skipped, 0);
	igt_assert_eq_u64(r->own_waits, waits);
	igt_assert_eq_u64(r->own_timeouts, 0);
	igt_assert_eq(r->num_kmsg, 0);
	/* The demo's counts over its frames agree. */
	igt_assert_eq_u64(r->flips, r->frames);
	igt_assert_eq_u64(r->waits, waits);
}

/*
 * No flip before its fence signalled: each completed at a vblank after
 * the one counted just before the signal, and its timestamp is less
 * than a frame before the signal.
 */
static void check_fenced(const struct run *r)
{
	unsigned int i;

	for (i = 0; i < r->frames; i++) {
		const struct frame *f = &r->f[i];

		igt_assert_f((int32_t)(f->event_seq - f->vbl_before) >= 1,
			     "frame %u flipped at vblank %u, signalled after %u\n",
			     i, f->event_seq, f->vbl_before);
		igt_assert_f(f->event_us + r->vblank_us >= f->signal_us,
			     "frame %u flipped %lld us before its signal\n", i,
			     (long long)(f->signal_us - f->event_us));
	}
}

/*
 * Each flip waited for its late signal, and all but STALLED_FLIPS of
 * them landed within SIGNAL_VBLANKS of it; false when more were late (a
 * stall of the guest, or a slow driver: the caller retries).
 */
static bool check_late(const struct run *r)
{
	unsigned int i, late = 0;

	for (i = 0; i < r->frames; i++) {
		const struct frame *f = &r->f[i];
		int32_t vbl = f->event_seq - f->vbl_after;

		igt_assert_f(f->signal_us - f->drawn_us >= LATE_MS * 1000ull,
			     "frame %u signalled %llu us after drawing\n", i,
			     (unsigned long long)(f->signal_us - f->drawn_us));
		igt_assert_f(f->event_us + r->vblank_us - f->drawn_us >=
			     LATE_MS * 1000ull,
			     "frame %u flipped %lld us after drawing, before its late fence\n",
			     i, (long long)(f->event_us - f->drawn_us));
		igt_debug("frame %u: held %llu ms, landed %d vblanks after the signal\n",
			  i, (unsigned long long)(f->event_us - f->commit_us) / 1000,
			  vbl);
		if (vbl > SIGNAL_VBLANKS) {
			igt_info("frame %u landed %d vblanks after its signal: guest stall?\n",
				 i, vbl);
			late++;
		}
	}
	return late <= STALLED_FLIPS;
}

static void check_captures(const struct run *r)
{
	int i;

	igt_assert_lt(0, r->num_caps);
	for (i = 0; i < r->num_caps; i++) {
		const struct cap *c = &r->caps[i];

		igt_assert_f(c->done && !c->wrong && c->shows == (int)c->frame,
			     "capture of frame %u: done %d shows %d wrong %ld\n",
			     c->frame, c->done, c->shows, c->wrong);
		check_png(r, c, c->frame);
	}
}

/* ---- subtests ----------------------------------------------------------- */

static void test_implicit(void)
{
	static const char *const args[] = { "--frames", "24", "--captures", "3",
					    NULL };
	const struct run *r = &data.run;

	run_demo(args);
	check_all_shown(r, r->frames);
	check_fenced(r);
	/* While frame 0's flip waited, bufinfo showed its write fence. */
	igt_assert_eq(r->busy_unsignalled, 1);
	check_captures(r);
}

/* A late run, retried when the guest stalled. */
static void run_late(const char *sync)
{
	char late[16];
	const char *const args[] = { "--frames", LATE_FRAMES, "--late", late,
				     "--sync", sync, "--captures", "2", NULL };
	int attempt;

	snprintf(late, sizeof(late), "%d", LATE_MS);
	for (attempt = 1; ; attempt++) {
		run_demo(args);
		if (check_late(&data.run))
			break;
		igt_assert_f(attempt < ATTEMPTS,
			     "more than %d flips late in each of %d runs\n",
			     STALLED_FLIPS, attempt);
	}
	check_all_shown(&data.run, data.run.frames);
	check_fenced(&data.run);
	check_captures(&data.run);
}

static void test_late(void)
{
	run_late("implicit");
	igt_assert_eq(data.run.busy_unsignalled, 1);
}

/*
 * The buffers carry no fence at all: only IN_FENCE_FD can have held the
 * flips until the late signal.
 */
static void test_explicit(void)
{
	run_late("explicit");
	igt_assert_eq(data.run.busy_unsignalled, 0);
}

/* Without fences drm_display never waits. */
static void test_no_sync(void)
{
	static const char *const args[] = { "--frames", "12", "--sync", "none",
					    "--captures", "0", NULL };

	run_demo(args);
	check_all_shown(&data.run, 0);
	igt_assert_eq(data.run.busy_unsignalled, 0);
}

static void check_report_line(const struct run *r, const char *line)
{
	char re[512];
	regex_t preg;
	int ret;

	/* The hung frame is frame 3, in buffer 3 % 3. */
	snprintf(re, sizeof(re),
		 "^drm_display drm_display: \\[drm\\] fence timed out after %d ms: "
		 "fence drm_vgem_plus:client-[0-9]+ seq [0-9]+, buffer dma-buf ino [0-9]+ "
		 "\"zero-copy-0\" from drm_vgem_plus, plane plane-[0-9]+ on crtc-%d, "
		 "committed by zero_copy\\[%d\\]; skipping the frame, the previous "
		 "buffer stays on screen$", HANG_TIMEOUT_MS, r->crtc, r->pid);
	igt_assert_eq(regcomp(&preg, re, REG_EXTENDED | REG_NOSUB), 0);
	ret = regexec(&preg, line, 0, NULL, 0);
	regfree(&preg);
	igt_assert_f(ret == 0, "unexpected report: %s\n", line);
}

static void params_save(void)
{
	igt_sysfs_read(PARAM_TIMEOUT, data.saved_timeout,
		       sizeof(data.saved_timeout));
	igt_sysfs_read(PARAM_SKIP, data.saved_skip, sizeof(data.saved_skip));
	data.params_saved = true;
}

static void params_restore(void)
{
	igt_sysfs_set(PARAM_TIMEOUT, data.saved_timeout);
	igt_sysfs_set(PARAM_SKIP, data.saved_skip);
	data.params_saved = false;
}

static void test_hang(void)
{
	static const char *const args[] = { "--frames", "6", "--hang=3",
					    "--captures", "2", NULL };
	const struct run *r = &data.run;
	const struct frame *h = &r->f[3];
	char timeout[16];
	unsigned int i;

	params_save();
	snprintf(timeout, sizeof(timeout), "%d", HANG_TIMEOUT_MS);
	igt_sysfs_set(PARAM_TIMEOUT, timeout);
	igt_sysfs_set(PARAM_SKIP, "Y");
	run_demo(args);
	params_restore();

	/* Exactly one report, about our frame 3. */
	igt_assert_eq(r->num_kmsg, 1);
	check_report_line(r, r->kmsg[0]);
	/* Frame 3 skipped after the timeout, its OUT_FENCE -ETIMEDOUT. */
	igt_assert_eq(h->status, -ETIMEDOUT);
	igt_assert_f(h->recv_us - h->commit_us >=
		     (HANG_TIMEOUT_MS - JIFFY_SLACK_MS) * 1000ull,
		     "frame 3 flipped after %llu us, the timeout is %d ms\n",
		     (unsigned long long)(h->recv_us - h->commit_us),
		     HANG_TIMEOUT_MS);
	/* Every other frame shown: the display recovered. */
	for (i = 0; i < r->frames; i++)
		igt_assert_f(i == 3 || r->f[i].status == 1,
			     "frame %u: OUT_FENCE status %d\n", i, r->f[i].status);
	igt_assert_eq_u64(r->own_flips, r->frames + 1);
	igt_assert_eq_u64(r->own_skipped, 1);
	igt_assert_eq_u64(r->own_waits, r->frames);
	igt_assert_eq_u64(r->own_timeouts, 1);

	/* Frame 3's writeback shows frame 2, kept on screen; then frame 4. */
	check_png(r, capture_of(r, 3), 2);
	igt_assert_eq(capture_of(r, 3)->shows, 2);
	igt_assert_eq(capture_of(r, 3)->wrong, 0);
	check_png(r, capture_of(r, 4), 4);
	check_png(r, capture_of(r, 5), 5);
}

static void test_format(const char *format)
{
	const char *const args[] = { "--frames", "3", "--format", format,
				     "--captures", "2", NULL };

	run_demo(args);
	check_all_shown(&data.run, data.run.frames);
	check_captures(&data.run);
}

igt_main
{
	igt_fixture {
		data.pid = getpid();
		igt_install_exit_handler(exit_handler);
		find_demo();
		data.display = drm_open_driver(DRIVER_DISPLAY);
		/* The demo must become DRM master: we only read debugfs. */
		drmDropMaster(data.display);
	}

	igt_describe("Implicit sync: every flip is held by its buffer's write "
		     "fence until the frame is drawn, every frame is shown and "
		     "written back as drawn, pixel for pixel in the PNG files.");
	igt_subtest("implicit") {
		recover();
		test_implicit();
	}

	igt_describe("A fence signalled 100 ms late delays its flip by that "
		     "much, and the flip lands within 2 vblanks of the signal "
		     "(all but 2 of 8 flips: the guest stalls at times).");
	igt_subtest("late") {
		recover();
		test_late();
	}

	igt_describe("Explicit sync: the fence as IN_FENCE_FD, none on the "
		     "buffers, still holds each flip until its late signal.");
	igt_subtest("explicit") {
		recover();
		test_explicit();
	}

	igt_describe("Without fences drm_display never waits.");
	igt_subtest("no-sync") {
		recover();
		test_no_sync();
	}

	igt_describe("A fence that never signals: one timeout report naming "
		     "the demo's buffer and process, the frame skipped with "
		     "OUT_FENCE -ETIMEDOUT and the previous one kept on screen "
		     "(writeback shows it), then every later frame shown.");
	igt_subtest("hang") {
		recover();
		test_hang();
	}

	igt_describe("RGB565 buffers, written back as XRGB8888.");
	igt_subtest("format-rgb565") {
		recover();
		test_format("rgb565");
	}

	igt_describe("XRGB2101010 buffers, written back as XRGB8888.");
	igt_subtest("format-xrgb2101010") {
		recover();
		test_format("xrgb2101010");
	}

	igt_fixture {
		exit_handler();
		remove_dir();
		drm_close_driver(data.display);
	}
}
