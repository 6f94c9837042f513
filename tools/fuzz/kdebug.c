// SPDX-License-Identifier: MIT
/*
 * Kernel debugging around a run: failslab fault injection limited to one
 * of our modules (drm_vgem_plus or drm_display: --failslab-module, else
 * chosen from the seed), the kernel log of the injected failures,
 * kmemleak (reports that mention either module), and the check that
 * nothing we made is left in bufinfo, the driver's objects view or
 * drm_display's framebuffer list.
 *
 * failslab (Documentation/fault-injection/fault-injection.rst, 6.12): with
 * CONFIG_FAULT_INJECTION_STACKTRACE_FILTER, require-start/require-end
 * limit failures to slab allocations with a return address in our
 * module's text among the first stacktrace-depth frames, whoever makes
 * them. Without it, task-filter mode fails only allocations of our own
 * threads inside the fuzzed system calls (/proc/<tid>/make-it-fail is
 * switched around each call, see sys.c). ignore-gfp-wait must be off, or
 * GFP_KERNEL allocations never fail. verbose=2 logs each failure with a
 * stack, which the kmsg reader turns into allocation sites.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#define FS_DIR		"/sys/kernel/debug/failslab/"
#define KMEMLEAK	"/sys/kernel/debug/kmemleak"
#define BUFINFO		"/sys/kernel/debug/dma_buf/bufinfo"
static const char *fs_module = "drm_vgem_plus";	/* failslab's module */
static const char *const our_modules[] = { "drm_vgem_plus", "drm_display" };
#define MAX_SITES	256
#define MAX_FRAMES	48

static const char *const fs_files[] = {
	"probability", "interval", "times", "space", "verbose", "task-filter",
	"ignore-gfp-wait", "cache-filter", "stacktrace-depth",
	"require-start", "require-end", "reject-start", "reject-end",
};

static char fs_saved[ARRAY_SIZE(fs_files)][64];
static bool fs_active, fs_task_mode;
static int prob_fd = -1;

struct site {
	char text[400];
	unsigned long count;
};

static struct site sites[MAX_SITES];
static unsigned int nsites;
static unsigned long injected, stacks, kmsg_lost;
static int kmsg_fd = -1;
static pthread_t kmsg_thread;
static volatile int kmsg_done;

bool failslab_task_mode(void)
{
	return fs_active && fs_task_mode;
}

int kdebug_fds(int *fds, int max)
{
	int n = 0;

	if (kmsg_fd >= 0 && n < max)
		fds[n++] = kmsg_fd;
	if (prob_fd >= 0 && n < max)
		fds[n++] = prob_fd;
	return n;
}

static int fs_write(const char *name, const char *val)
{
	char path[128];
	int ret;

	snprintf(path, sizeof(path), FS_DIR "%s", name);
	ret = write_file(path, val);
	if (ret && ret != -ENOENT)
		out("fuzz: failslab: writing %s to %s: %s\n", val, path,
		    strerror(-ret));
	return ret;
}

/* The files this kernel has, and their values, to put back afterwards. */
static void fs_save(void)
{
	char path[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fs_files); i++) {
		snprintf(path, sizeof(path), FS_DIR "%s", fs_files[i]);
		if (!read_file(path, fs_saved[i], sizeof(fs_saved[i])))
			fs_saved[i][0] = 0;
		fs_saved[i][strcspn(fs_saved[i], "\n")] = 0;
	}
}

/*
 * Our module's text: from its base in /proc/modules up to the module's
 * size or the next module's base, whichever is lower (module memory of
 * other kinds holds no return addresses).
 */
static int module_text(unsigned long *start, unsigned long *end)
{
	char line[512], name[128];
	unsigned long size, base, ours = 0, oursize = 0, next = ~0UL;
	FILE *f = fopen("/proc/modules", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %lu %*s %*s %*s %lx", name, &size,
			   &base) != 3)
			continue;
		if (!strcmp(name, fs_module)) {
			ours = base;
			oursize = size;
		}
	}
	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %lu %*s %*s %*s %lx", name, &size,
			   &base) == 3 && base > ours && base < next)
			next = base;
	fclose(f);
	if (!ours)
		return -ENOENT;
	*start = ours;
	*end = ours + oursize < next ? ours + oursize : next;
	return 0;
}

/* [address, next symbol's address) of a kernel text symbol. */
static int kallsyms_range(const char *sym, unsigned long *start,
			  unsigned long *end)
{
	char line[256], name[128], type;
	unsigned long addr, next = ~0UL;
	FILE *f = fopen("/proc/kallsyms", "re");

	*start = 0;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %127s", &addr, &type, name) == 3 &&
		    !strcmp(name, sym))
			*start = addr;
	rewind(f);
	while (*start && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %127s", &addr, &type, name) == 3 &&
		    addr > *start && addr < next)
			next = addr;
	fclose(f);
	if (!*start || next == ~0UL)
		return -ENOENT;
	*end = next;
	return 0;
}

/*
 * vmalloc's own bookkeeping (a kvmalloc() falling back to vmalloc) warns
 * with a stack when it fails: keep failures out of it.
 */
static void fs_reject_vmalloc(void)
{
	unsigned long start, end;
	char v[32];

	if (kallsyms_range("__vmalloc_node_range_noprof", &start, &end) &&
	    kallsyms_range("__vmalloc_node_range", &start, &end)) {
		fs_write("reject-start", "0");
		fs_write("reject-end", "0");
		return;
	}
	snprintf(v, sizeof(v), "%#lx", start);
	fs_write("reject-start", v);
	snprintf(v, sizeof(v), "%#lx", end);
	fs_write("reject-end", v);
}

static int fs_filter_stacktrace(void)
{
	unsigned long start, end;
	char v[32];

	if (module_text(&start, &end)) {
		out("fuzz: failslab: no address for %s in /proc/modules\n",
		    fs_module);
		return -1;
	}
	snprintf(v, sizeof(v), "%#lx", start);
	fs_write("require-start", v);
	snprintf(v, sizeof(v), "%#lx", end);
	fs_write("require-end", v);
	fs_reject_vmalloc();
	fs_write("stacktrace-depth", "32");
	fs_write("task-filter", "N");
	out("fuzz: failslab: allocations with %s's text [%#lx-%#lx) in their stack\n",
	    fs_module, start, end);
	return 0;
}

/* --failslab-module, or one of the modules present, from the seed. */
static void choose_module(void)
{
	bool have[2] = { false, false };
	unsigned int i;

	for (i = 0; i < g_ndevices; i++)
		have[g_devices[i].type->kms] = true;
	if (g_opt.failslab_module)
		fs_module = g_opt.failslab_module;
	else if (have[0] && have[1])
		fs_module = our_modules[g_opt.seed % 2];
	else
		fs_module = our_modules[have[1]];
	out("fuzz: failslab: module %s (%s)\n", fs_module,
	    g_opt.failslab_module ? "--failslab-module" :
	    have[0] && have[1] ? "seed % 2: 0 drm_vgem_plus, 1 drm_display" :
	    "the only one loaded");
}

int failslab_setup(unsigned int percent)
{
	char v[16];

	if (access(FS_DIR "probability", W_OK)) {
		out("fuzz: --failslab: this kernel has no failslab (%s): skipped\n",
		    FS_DIR);
		return 77;
	}
	choose_module();
	fs_save();
	fs_write("probability", "0");
	fs_task_mode = access(FS_DIR "require-start", W_OK) != 0;
	if (!fs_task_mode && fs_filter_stacktrace())
		return 2;
	if (fs_task_mode) {
		fs_write("task-filter", "Y");
		out("fuzz: failslab: no stack-trace filter in this kernel (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER): failing only allocations of our fuzzed system calls (task-filter)\n");
	}
	fs_write("interval", "1");
	fs_write("times", "-1");
	fs_write("space", "0");
	fs_write("verbose", "2");
	fs_write("ignore-gfp-wait", "N");
	fs_write("cache-filter", "N");
	prob_fd = open(FS_DIR "probability", O_WRONLY | O_CLOEXEC);
	fs_active = true;
	/* Under vm-run: the injected failures' stacks are expected. */
	record_allow("should_failslab\\+0x");
	/*
	 * drm_framebuffer_remove() WARNs when the commit it makes to take a
	 * framebuffer off the planes fails, and an injected failure in a
	 * plane state's duplication fails it: the core's choice.
	 */
	record_allow("atomic remove_fb failed with -12$");
	/* Its WARNING line too: another failure's report may come between. */
	record_allow("at drivers/gpu/drm/drm_framebuffer\\.c:[0-9]+ drm_framebuffer_remove\\+0x");
	/*
	 * dma_buf_vmap() WARNs once when the exporter's vmap fails, as an
	 * injected failure in the vmap drm_display asks for makes it.
	 */
	record_allow("at drivers/dma-buf/dma-buf\\.c:[0-9]+ dma_buf_vmap\\+0x");
	if (fs_task_mode)
		record_allow("warn_alloc\\+0x");
	snprintf(v, sizeof(v), "%u", percent);
	fs_write("probability", v);
	out("fuzz: failslab: probability %u%%, interval 1, times -1, verbose 2\n",
	    percent);
	return 0;
}

/* Async-signal-safe: stop injecting now (the watchdog and crashes). */
void failslab_stop(void)
{
	if (prob_fd >= 0 && pwrite(prob_fd, "0\n", 2, 0) < 0)
		prob_fd = -1;
}

static void fs_restore(void)
{
	unsigned int i;

	fs_write("probability", "0");
	for (i = 1; i < ARRAY_SIZE(fs_files); i++)
		if (fs_saved[i][0])
			fs_write(fs_files[i], fs_saved[i]);
	if (fs_saved[0][0])
		fs_write("probability", fs_saved[0]);
	if (prob_fd >= 0)
		close(prob_fd);
	prob_fd = -1;
	fs_active = false;
}

/* Frames that belong to the allocator and the injection itself. */
static bool alloc_frame(const char *f)
{
	static const char *const pfx[] = {
		"dump_stack", "should_fail", "fail_dump", "slab_", "__slab",
		"___slab", "kmem_cache_alloc", "__kmem_cache", "kmalloc",
		"__kmalloc", "__do_kmalloc", "kvmalloc", "__kvmalloc", "krealloc",
		"__krealloc", "kmemdup", "kstrdup", "kstrndup", "kzalloc",
		"kcalloc", "kvasprintf", "kasprintf", "alloc_slab", "new_slab",
		"allocate_slab", "kmem_cache_zalloc",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pfx); i++)
		if (!strncmp(f, pfx[i], strlen(pfx[i])))
			return true;
	return false;
}

/* "[drm_vgem_plus]": the module tag of a frame of our module. */
static bool in_module(const char *f)
{
	char tag[48];

	snprintf(tag, sizeof(tag), "[%s]", fs_module);
	return strstr(f, tag) != NULL;
}

/* DRM core: a module of its own, or built in (debug kernels). */
static bool drm_frame(const char *f)
{
	return (strstr(f, "[drm") && !in_module(f) &&
		!strstr(f, "[drm_vgem_plus]") && !strstr(f, "[drm_display]")) ||
	       (!strncmp(f, "drm_", 4) && strncmp(f, "drm_ioctl", 9) &&
		!in_module(f));
}

/*
 * "A < D < F": the allocation's caller A, the DRM core function D our
 * code called (if any), and the first frame F in our module. Without F
 * (task-filter mode), D is the outermost DRM core function: the ioctl.
 */
static void site_of(char frames[][128], int n, char *s, size_t len)
{
	int a = -1, d = -1, f = -1, i;

	for (i = 0; i < n && a < 0; i++)
		if (!alloc_frame(frames[i]))
			a = i;
	for (i = 0; i < n && f < 0; i++)
		if (in_module(frames[i]))
			f = i;
	for (i = a + 1; a >= 0 && i < (f < 0 ? n : f); i++)
		if (drm_frame(frames[i]))
			d = i;
	if (a < 0)
		snprintf(s, len, "?");
	else if (a == f)
		snprintf(s, len, "%s", frames[f]);
	else if (f < 0 && d < 0)
		snprintf(s, len, "%s (not from %s)", frames[a], fs_module);
	else if (f < 0)
		snprintf(s, len, "%s < %s (not from %s)", frames[a], frames[d],
			 fs_module);
	else if (d >= 0)
		snprintf(s, len, "%s < %s < %s", frames[a], frames[d], frames[f]);
	else
		snprintf(s, len, "%s < %s", frames[a], frames[f]);
}

static void add_site(const char *s)
{
	unsigned int i;

	for (i = 0; i < nsites; i++) {
		if (!strcmp(sites[i].text, s)) {
			sites[i].count++;
			return;
		}
	}
	if (nsites == MAX_SITES)
		return;
	snprintf(sites[nsites].text, sizeof(sites[nsites].text), "%s", s);
	sites[nsites++].count = 1;
}

/* "  func+0x1f/0x80 [mod]" -> "func+0x1f [mod]"; false for other lines. */
static bool parse_frame(const char *m, char *f, size_t len)
{
	const char *slash, *mod;

	while (*m == ' ' || *m == '\t')
		m++;
	if (!strncmp(m, "? ", 2) || *m == '<' || !strchr(m, '+'))
		return false;
	slash = strchr(m, '/');
	mod = strchr(m, '[');
	if (!slash)
		slash = m + strlen(m);
	snprintf(f, len, "%.*s%s%s", (int)(slash - m), m, mod ? " " : "",
		 mod ? mod : "");
	return true;
}

/* One kernel log message (without the record header). */
static void kmsg_line(const char *m)
{
	static char frames[MAX_FRAMES][128];
	static int nframes;
	static bool in_stack, failslab;
	char site[400];

	if (strstr(m, "FAULT_INJECTION: forcing a failure")) {
		injected++;
	} else if (!strncmp(m, "Call Trace:", 11)) {
		in_stack = true;
		failslab = false;
		nframes = 0;
	} else if (in_stack && strstr(m, "</TASK>")) {
		in_stack = false;
		if (failslab) {
			stacks++;
			site_of(frames, nframes, site, sizeof(site));
			add_site(site);
		}
	} else if (in_stack && (m[0] == ' ' || m[0] == '\t')) {
		if (strstr(m, "should_failslab"))
			failslab = true;
		if (nframes < MAX_FRAMES &&
		    parse_frame(m, frames[nframes], sizeof(frames[0])))
			nframes++;
	}
}

/* /dev/kmsg gives one record per read: "pri,seq,ts,flags;text\n...". */
static void kmsg_record(char *r)
{
	char *m = strchr(r, ';'), *nl;

	if (!m)
		return;
	m++;
	nl = strchr(m, '\n');
	if (nl)
		*nl = 0;
	kmsg_line(m);
}

static void *kmsg_reader(void *arg)
{
	struct pollfd p = { .fd = kmsg_fd, .events = POLLIN };
	char rec[8192];
	ssize_t n;

	(void)arg;
	for (;;) {
		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n > 0) {
			rec[n] = 0;
			kmsg_record(rec);
			continue;
		}
		if (n < 0 && errno == EPIPE) {
			kmsg_lost++;
			continue;
		}
		if (kmsg_done)
			break;
		poll(&p, 1, 100);
	}
	return NULL;
}

/* Read the kernel log from now on, while the run goes. */
void kmsg_start(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd < 0) {
		out("fuzz: cannot read /dev/kmsg: %s\n", strerror(errno));
		return;
	}
	lseek(kmsg_fd, 0, SEEK_END);
	if (pthread_create(&kmsg_thread, NULL, kmsg_reader, NULL)) {
		close(kmsg_fd);
		kmsg_fd = -1;
	}
}

void kmsg_stop(void)
{
	if (kmsg_fd < 0)
		return;
	usleep(300000);	/* the last stacks may still be printing */
	kmsg_done = 1;
	pthread_join(kmsg_thread, NULL);
	close(kmsg_fd);
	kmsg_fd = -1;
}

static int site_cmp(const void *a, const void *b)
{
	const struct site *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->text, y->text);
}

void failslab_report(void)
{
	unsigned int i;

	if (fs_active)
		fs_restore();
	qsort(sites, nsites, sizeof(sites[0]), site_cmp);
	out("fuzz: failslab injected %lu failures at %u sites:\n", injected,
	    nsites);
	for (i = 0; i < nsites; i++)
		out("fuzz:   %6lu  %s\n", sites[i].count, sites[i].text);
	if (stacks != injected || kmsg_lost)
		out("fuzz: failslab: %lu failure stacks read, %lu kernel log records lost\n",
		    stacks, kmsg_lost);
}

/* ---- kmemleak ---- */

int kmemleak_setup(void)
{
	if (access(KMEMLEAK, W_OK)) {
		out("fuzz: --kmemleak: this kernel has no kmemleak (%s): skipped\n",
		    KMEMLEAK);
		return 77;
	}
	/* Leaks from before the run are reported now and then cleared. */
	write_file(KMEMLEAK, "scan");
	write_file(KMEMLEAK, "clear");
	return 0;
}

/* Print each report ("unreferenced object ...") that mentions us. */
static int kmemleak_ours(char *text)
{
	char *rec = text, *next;
	int n = 0;

	while (rec && *rec) {
		next = strstr(rec + 1, "unreferenced object");
		if (next)
			next[-1] = 0;
		if (strstr(rec, our_modules[0]) || strstr(rec, our_modules[1])) {
			out("fuzz: kmemleak: %s\n", rec);
			n++;
		}
		rec = next;
	}
	return n;
}

/* Objects younger than 5 s are never reported: wait, scan twice. */
int kmemleak_check(void)
{
	static char text[1 << 20];
	int n;

	sleep(6);
	write_file(KMEMLEAK, "scan");
	sleep(2);
	write_file(KMEMLEAK, "scan");
	read_file(KMEMLEAK, text, sizeof(text));
	n = kmemleak_ours(text);
	out("fuzz: kmemleak: %d leak%s from %s or %s\n", n, n == 1 ? "" : "s",
	    our_modules[0], our_modules[1]);
	return n ? -1 : 0;
}

/* ---- what must be gone at the end ---- */

static unsigned long objects_base[MAX_DEVICES];

static unsigned long objects_total(const struct device *d)
{
	static char text[1 << 20];
	char path[96];
	const char *t;
	unsigned long n = 0;

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/objects",
		 d->minor);
	read_file(path, text, sizeof(text));
	t = strstr(text, "total objects ");
	if (t)
		n = strtoul(t + 14, NULL, 10);
	return n;
}

void leak_baseline(void)
{
	unsigned int i;

	for (i = 0; i < g_ndevices; i++)
		objects_base[i] = objects_total(&g_devices[i]);
}

/* Our dma-bufs still in bufinfo: print them, return how many. */
static int bufinfo_ours(bool print)
{
	static char text[1 << 21];
	char exp[64], *line, *save = NULL;
	unsigned long size, ino;
	int n = 0;

	read_file(BUFINFO, text, sizeof(text));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%lu %*x %*x %*d %63s %lu", &size, exp,
			   &ino) != 3 || !ino_is_ours(ino))
			continue;
		if (print)
			out("fuzz: left in bufinfo: %s\n", line);
		n++;
	}
	return n;
}

static unsigned long objects_extra(bool print)
{
	unsigned long extra = 0, now;
	unsigned int i;

	for (i = 0; i < g_ndevices; i++) {
		now = objects_total(&g_devices[i]);
		if (now <= objects_base[i])
			continue;
		extra += now - objects_base[i];
		if (print)
			out("fuzz: %s: %lu objects left in debugfs dri/%d/objects (%lu before the run)\n",
			    g_devices[i].type->name, now, g_devices[i].minor,
			    objects_base[i]);
	}
	return extra;
}

/* Frees may be deferred (delayed fput): give them up to 3 s. */
int leak_check(void)
{
	int tries;

	for (tries = 0; tries < 30; tries++) {
		if (!bufinfo_ours(false) && !objects_extra(false) &&
		    !kms_fb_leak_check(false))
			return 0;
		usleep(100000);
	}
	bufinfo_ours(true);
	objects_extra(true);
	kms_fb_leak_check(true);
	return -1;
}

/*
 * Kernel log lines the run provokes on purpose: under vm-run, tell its
 * log check (as tools/vm/igt-run does).
 */
void record_allow(const char *regex)
{
	const char *dir = getenv("VM_RUN_OUTDIR");
	char path[256], line[512];
	int fd;

	if (!dir || !*dir)
		return;
	snprintf(path, sizeof(path), "%s/allow-extra", dir);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	snprintf(line, sizeof(line), "%s\n", regex);
	if (write(fd, line, strlen(line)) < 0)
		out("fuzz: cannot record an allowed kernel log line in %s\n",
		    path);
	close(fd);
}
