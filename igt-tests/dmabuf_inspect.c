// SPDX-License-Identifier: MIT
/*
 * dmabuf-inspect (tools/dmabuf) in the guest: the test makes a known
 * situation on drm_vgem_plus, drm_display, the system dma-heap and
 * udmabuf, runs the tool with --json and checks it reports exactly that:
 * holders by fd and mapping, importers, GEM handles and fences with
 * their age; dark buffers held by a GEM handle or a framebuffer; a leak
 * between a snapshot and now; a fence that hangs a flip on drm_display,
 * and a process asleep waiting for one; per-process and per-exporter
 * totals; and what it says when it runs without root.
 *
 * The tool is build/tools/dmabuf-inspect next to build/igt-tests, or
 * $DMABUF_INSPECT.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <linux/dma-buf.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "igt_bufinfo.h"
#include "igt_display.h"
#include "igt_display_dump.h"
#include "igt_dmabuf.h"
#include "json_read.h"
#include "util.h"

#define EXPORTER		"drm_vgem_plus"
#define PARAM_TIMEOUT		"/sys/module/drm_display/parameters/fence_timeout_ms"
#define PARAM_SKIP		"/sys/module/drm_display/parameters/fence_skip"
#define SW_SYNC			"/sys/kernel/debug/sync/sw_sync"
#define SYSFS_STATS		"/sys/kernel/dmabuf/buffers"
#define NOBODY			65534
#define MAX_ARGS		16

/* sw_sync's private uapi (drivers/dma-buf/sw_sync.c). */
struct sw_sync_create_fence_data {
	__u32 value;
	char name[32];
	__s32 fence;
};
#define SW_SYNC_IOC_CREATE_FENCE _IOWR('W', 0, struct sw_sync_create_fence_data)
#define SW_SYNC_IOC_INC		_IOW('W', 1, __u32)

/*
 * What a subtest may leave behind, for clean-up after a failure:
 * main-body locals do not survive igt's longjmp.
 */
static struct {
	pid_t pid;
	int vgem, display;
	uint64_t vgem_client;
	char display_dev[64];
	char tool[PATH_MAX];
	char tmpdir[64];
	pid_t child;
	uint32_t fences[4];
	int num_fences;
	bool kms;
	bool params_saved;
	char saved_timeout[16], saved_skip[16];
} data = { .vgem = -1, .display = -1, .child = -1 };

/* ---- running the tool ---------------------------------------------------- */

/*
 * Runs the tool with the NULL-terminated arguments, as @uid unless it is
 * 0; returns its stdout (malloc'ed) and sets *@status to its exit status.
 * The command and its output go to the debug log.
 */
static char *run_tool_as(uid_t uid, int *status, const char *arg, ...)
{
	const char *argv[MAX_ARGS] = { data.tool };
	char *out = NULL, buf[4096];
	size_t len = 0, n = 1;
	int pipefd[2], ws;
	ssize_t r;
	va_list ap;
	FILE *mem;
	pid_t pid;

	va_start(ap, arg);
	for (; arg && n < MAX_ARGS - 1; arg = va_arg(ap, const char *))
		argv[n++] = arg;
	va_end(ap);
	argv[n] = NULL;

	igt_assert_eq(pipe2(pipefd, O_CLOEXEC), 0);
	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		dup2(pipefd[1], STDOUT_FILENO);
		if (uid && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
			    setresuid(uid, uid, uid)))
			_exit(126);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	close(pipefd[1]);
	mem = open_memstream(&out, &len);
	igt_assert(mem);
	while ((r = read(pipefd[0], buf, sizeof(buf))) > 0)
		fwrite(buf, 1, r, mem);
	fclose(mem);
	close(pipefd[0]);
	igt_assert_eq(waitpid(pid, &ws, 0), pid);
	igt_assert_f(WIFEXITED(ws), "dmabuf-inspect died of signal %d\n",
		     WTERMSIG(ws));
	*status = WEXITSTATUS(ws);
	igt_assert_f(*status != 126 && *status != 127,
		     "could not run %s as uid %u\n", data.tool, uid);

	igt_debug("$ dmabuf-inspect");
	for (n = 1; argv[n]; n++)
		igt_debug(" %s", argv[n]);
	igt_debug("\n%s(exit status %d)\n", out, *status);
	return out;
}

#define run_tool(status, ...) run_tool_as(0, status, __VA_ARGS__)

static struct json_value *parse_json(char *out)
{
	struct json_value *v;
	char err[128];

	v = json_parse(out, err, sizeof(err));
	igt_assert_f(v, "dmabuf-inspect printed no JSON: %s\n", err);
	free(out);
	return v;
}

/* One buffer: "list --json --ino INO", which must list exactly it. */
static struct json_value *list_one(unsigned long ino,
				   const struct json_value **buf)
{
	struct json_value *v;
	char arg[32];
	int status;

	snprintf(arg, sizeof(arg), "%lu", ino);
	v = parse_json(run_tool(&status, "list", "--json", "--ino", arg, NULL));
	igt_assert_eq(status, 0);
	igt_assert_eq(json_len(json_get(v, "buffers")), 1);
	*buf = json_at(json_get(v, "buffers"), 0);
	igt_assert_eq_u64(json_get_int(*buf, "ino", 0), ino);
	return v;
}

static bool json_str_is(const struct json_value *v, const char *key,
			const char *want)
{
	const char *s = json_get_str(v, key);

	return s && !strcmp(s, want);
}

static bool json_list_is(const struct json_value *arr, const char *want)
{
	return json_len(arr) == 1 && json_at(arr, 0)->type == JSON_STRING &&
	       !strcmp(json_at(arr, 0)->string, want);
}

/* ---- fixtures and clean-up ---------------------------------------------- */

static void find_tool(void)
{
	char exe[PATH_MAX];
	const char *env = getenv("DMABUF_INSPECT");
	ssize_t n;

	if (env) {
		snprintf(data.tool, sizeof(data.tool), "%s", env);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		igt_assert(n > 0);
		exe[n] = '\0';
		snprintf(data.tool, sizeof(data.tool),
			 "%s/../tools/dmabuf-inspect", dirname(exe));
	}
	igt_require_f(access(data.tool, X_OK) == 0,
		      "no dmabuf-inspect at %s (make tools)\n", data.tool);
}

static void fences_signal_all(void)
{
	while (data.num_fences > 0)
		__vgem_fence_signal(data.vgem, data.fences[--data.num_fences]);
}

static void params_restore(void)
{
	if (!data.params_saved)
		return;
	igt_sysfs_write(PARAM_TIMEOUT, data.saved_timeout);
	igt_sysfs_write(PARAM_SKIP, data.saved_skip);
	data.params_saved = false;
}

static void exit_handler(void)
{
	if (getpid() != data.pid)
		return;
	fences_signal_all();
	if (data.child > 0) {
		kill(data.child, SIGKILL);
		waitpid(data.child, NULL, 0);
		data.child = -1;
	}
	params_restore();
}

static void on_signal(int sig)
{
	exit_handler();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* After a failed subtest: what it left must not spoil the next one. */
static void recover(void)
{
	struct drm_event_vblank ev;

	exit_handler();
	if (data.kms) {
		kms_disable_all(data.display);
		while (kms_read_event(data.display, 0, &ev))
			;
		data.kms = false;
	}
}

static uint32_t fence_attach(uint32_t handle, uint32_t flags)
{
	struct drm_vgem_fence_attach arg = {
		.handle = handle,
		.flags = flags | WIP_VGEM_FENCE_NOTIMEOUT,
	};

	igt_assert(data.num_fences < (int)ARRAY_SIZE(data.fences));
	igt_assert_eq(__vgem_fence_attach(data.vgem, &arg), 0);
	data.fences[data.num_fences++] = arg.out_fence;
	return arg.out_fence;
}

static void fence_signal(uint32_t fence)
{
	int i;

	for (i = 0; i < data.num_fences; i++)
		if (data.fences[i] == fence)
			data.fences[i] = data.fences[--data.num_fences];
	vgem_fence_signal(data.vgem, fence);
}

static uint64_t drm_client_id(int fd)
{
	char val[32];

	igt_assert(fdinfo_get(fd, "drm-client-id", val, sizeof(val)));
	return strtoull(val, NULL, 10);
}

static int vgem_dmabuf(uint64_t size, const char *name, uint32_t *handle)
{
	int dmabuf;

	*handle = vgem_plus_create(data.vgem, size);
	dmabuf = prime_handle_to_fd(data.vgem, *handle);
	igt_assert_eq(dmabuf_set_name(dmabuf, name), 0);
	return dmabuf;
}

/* ---- a child that holds buffers ------------------------------------------ */

/**
 * struct child_report - what the child tells the parent when it is ready
 * @map_start: where it mapped the buffer
 * @fd: the fd it keeps, -1 for none
 */
struct child_report {
	uint64_t map_start;
	int32_t fd;
};

/*
 * Forks a child that runs @fn (which fills the report) and then sleeps
 * until killed. Returns the report.
 */
static struct child_report child_start(void (*fn)(struct child_report *))
{
	struct child_report rep = { .fd = -1 };
	int pipefd[2];

	igt_assert_eq(pipe(pipefd), 0);
	data.child = fork();
	igt_assert(data.child >= 0);
	if (!data.child) {
		close(pipefd[0]);
		fn(&rep);
		if (write(pipefd[1], &rep, sizeof(rep)) != sizeof(rep))
			_exit(1);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	igt_assert_eq(read(pipefd[0], &rep, sizeof(rep)), sizeof(rep));
	close(pipefd[0]);
	return rep;
}

static void child_stop(void)
{
	kill(data.child, SIGKILL);
	igt_assert_eq(waitpid(data.child, NULL, 0), data.child);
	data.child = -1;
}

static int inherited_dmabuf = -1;

/* The child maps the buffer it inherited and closes every fd of ours. */
static void child_map(struct child_report *rep)
{
	void *ptr = mmap(NULL, 4096, PROT_READ, MAP_SHARED, inherited_dmabuf, 0);

	if (ptr == MAP_FAILED)
		_exit(1);
	close(inherited_dmabuf);
	close(data.vgem);
	close(data.display);
	rep->map_start = (uintptr_t)ptr;
}

/* ---- subtests: list ------------------------------------------------------ */

static bool has_fd(const struct json_value *fds, int pid, int fd)
{
	size_t i;

	for (i = 0; i < json_len(fds); i++)
		if (json_get_int(json_at(fds, i), "pid", 0) == pid &&
		    json_get_int(json_at(fds, i), "fd", -1) == fd)
			return true;
	return false;
}

/*
 * A named drm_vgem_plus buffer: held by our fd, mapped by a child that
 * closed its fd, imported into drm_display, with a fence that is 300 ms
 * old: the tool sees each of them.
 */
static void test_list(void)
{
	const struct json_value *b, *f, *maps, *g, *h;
	struct timespec start = {};
	struct child_report rep;
	struct json_value *v;
	uint32_t handle, import, fence;
	unsigned long ino;
	char addr[32];
	int dmabuf;

	dmabuf = vgem_dmabuf(65536, "inspect list", &handle);
	ino = dmabuf_inode(dmabuf);
	import = prime_fd_to_handle(data.display, dmabuf);
	inherited_dmabuf = dmabuf;
	rep = child_start(child_map);
	igt_nsec_elapsed(&start);
	fence = fence_attach(handle, VGEM_FENCE_WRITE);
	usleep(300 * 1000);

	v = list_one(ino, &b);
	igt_assert(json_str_is(b, "exporter", EXPORTER));
	igt_assert(json_str_is(b, "name", "inspect list"));
	igt_assert(json_str_is(b, "source", "bufinfo"));
	igt_assert_eq_u64(json_get_int(b, "size", 0), 65536);
	igt_assert(!json_get_bool(b, "dark", true));
	igt_assert(json_list_is(json_get(b, "importers"), data.display_dev));

	/* Our fd, the child's mapping (its fd is closed). */
	igt_assert_eq(json_len(json_get(b, "fds")), 1);
	igt_assert(has_fd(json_get(b, "fds"), data.pid, dmabuf));
	maps = json_get(b, "maps");
	igt_assert_eq(json_len(maps), 1);
	igt_assert_eq(json_get_int(json_at(maps, 0), "pid", 0), data.child);
	snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)rep.map_start);
	igt_assert(json_str_is(json_at(maps, 0), "start", addr));
	igt_assert(json_str_is(json_at(maps, 0), "perms", "r--s"));

	/* The exporter's GEM object, our handle on it, through our fd. */
	igt_assert_eq(json_len(json_get(b, "gem")), 1);
	g = json_at(json_get(b, "gem"), 0);
	igt_assert(json_str_is(g, "driver", EXPORTER));
	igt_assert(!json_get_bool(g, "imported", true));
	igt_assert_eq(json_get_int(g, "creator_pid", 0), data.pid);
	igt_assert_eq(json_len(json_get(g, "handles")), 1);
	h = json_at(json_get(g, "handles"), 0);
	igt_assert_eq_u32(json_get_int(h, "handle", 0), handle);
	igt_assert_eq_u64(json_get_int(h, "client", 0), data.vgem_client);
	igt_assert_eq(json_get_int(h, "pid", 0), data.pid);
	igt_assert_eq(json_get_int(h, "fd", -1), data.vgem);

	/* The fence, with the age drm_vgem_plus knows. */
	igt_assert_eq(json_len(json_get(b, "fences")), 1);
	f = json_at(json_get(b, "fences"), 0);
	igt_assert(json_str_is(f, "usage", "write"));
	igt_assert_eq_u32(json_get_int(f, "seqno", 0), fence);
	igt_assert(!json_get_bool(f, "signalled", true));
	igt_assert_eq(json_get_int(f, "error", 1), 0);
	igt_assert(json_str_is(f, "age_source", "drm_vgem_plus debugfs"));
	igt_assert(!json_get_bool(f, "age_is_lower_bound", true));
	igt_assert_lte(300, json_get_int(f, "age_ms", 0));
	igt_assert_lte(json_get_int(f, "age_ms", 0),
		       igt_nsec_elapsed(&start) / 1000000 + 1);
	json_free(v);

	fence_signal(fence);
	child_stop();
	gem_close(data.display, import);
	close(dmabuf);
	gem_close(data.vgem, handle);
	igt_bufinfo_wait_gone(&ino, 1);
}

/* Exported, its fd closed: only the GEM handle holds it. */
static void test_dark_gem(void)
{
	const struct json_value *b, *g;
	struct json_value *v;
	uint32_t handle;
	unsigned long ino;
	int dmabuf;

	dmabuf = vgem_dmabuf(8192, "inspect dark", &handle);
	ino = dmabuf_inode(dmabuf);
	close(dmabuf);

	v = list_one(ino, &b);
	igt_assert(json_get_bool(b, "dark", false));
	igt_assert_eq(json_len(json_get(b, "fds")), 0);
	igt_assert_eq(json_len(json_get(b, "maps")), 0);
	g = json_at(json_get(b, "gem"), 0);
	igt_assert(g);
	igt_assert_eq_u32(json_get_int(json_at(json_get(g, "handles"), 0),
				       "handle", 0), handle);
	igt_assert_eq(json_get_int(json_at(json_get(g, "handles"), 0), "pid", 0),
		      data.pid);
	json_free(v);

	gem_close(data.vgem, handle);
	igt_bufinfo_wait_gone(&ino, 1);
}

/* Only a drm_display framebuffer holds it: dark, and the tool says whose. */
static void test_dark_framebuffer(void)
{
	uint32_t handle, import, fb, handles[4] = {}, pitches[4] = {},
		 offsets[4] = {};
	struct drm_vgem_plus_create create = {
		.width = 64, .height = 64, .format = DRM_FORMAT_XRGB8888,
	};
	const struct json_value *b, *f;
	struct json_value *v;
	unsigned long ino;
	int dmabuf;

	igt_assert_eq(__vgem_plus_create(data.vgem, &create), 0);
	handle = create.handle;
	dmabuf = prime_handle_to_fd(data.vgem, handle);
	ino = dmabuf_inode(dmabuf);
	import = prime_fd_to_handle(data.display, dmabuf);
	handles[0] = import;
	pitches[0] = create.pitches[0];
	igt_assert_eq(drmModeAddFB2(data.display, 64, 64, DRM_FORMAT_XRGB8888,
				    handles, pitches, offsets, &fb, 0), 0);
	close(dmabuf);
	gem_close(data.vgem, handle);
	gem_close(data.display, import);

	v = list_one(ino, &b);
	igt_assert(json_get_bool(b, "dark", false));
	/* The exporter's object is there, but no handle is left on it. */
	igt_assert_eq(json_len(json_get(b, "gem")), 1);
	igt_assert_eq(json_len(json_get(json_at(json_get(b, "gem"), 0),
					"handles")), 0);
	igt_assert(json_list_is(json_get(b, "importers"), data.display_dev));
	igt_assert_eq(json_len(json_get(b, "framebuffers")), 1);
	f = json_at(json_get(b, "framebuffers"), 0);
	igt_assert_eq_u32(json_get_int(f, "fb", 0), fb);
	igt_assert_eq(json_get_int(f, "owner_pid", 0), data.pid);
	igt_assert_eq(json_len(json_get(f, "shown_on")), 0);
	json_free(v);

	igt_assert_eq(drmModeRmFB(data.display, fb), 0);
	igt_bufinfo_wait_gone(&ino, 1);
}

/* ---- subtests: leaks ----------------------------------------------------- */

static bool created_is(const struct json_value *created,
		       const unsigned long *inos, size_t n)
{
	size_t i, j;

	if (json_len(created) != n)
		return false;
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++)
			if ((unsigned long)json_get_int(json_at(created, j),
							"ino", 0) == inos[i])
				break;
		if (j == n)
			return false;
	}
	return true;
}

/*
 * A snapshot, then two buffers kept and one freed: diff names exactly
 * the two, with exit status 1; once they are freed, none and 0.
 */
static void test_leak_diff(void)
{
	char snap[96], *out;
	struct json_value *v;
	unsigned long inos[2], freed_ino;
	uint32_t handle, gone;
	int status, kept, heap, freed;

	snprintf(snap, sizeof(snap), "%s/before.json", data.tmpdir);
	out = run_tool(&status, "snapshot", snap, NULL);
	free(out);
	igt_assert_eq(status, 0);

	kept = vgem_dmabuf(16384, "leak-vgem", &handle);
	heap = dmabuf_heap_alloc(32768);
	igt_assert(heap >= 0);
	igt_assert_eq(dmabuf_set_name(heap, "leak-heap"), 0);
	freed = vgem_dmabuf(4096, "not a leak", &gone);
	inos[0] = dmabuf_inode(kept);
	inos[1] = dmabuf_inode(heap);
	freed_ino = dmabuf_inode(freed);
	close(freed);
	gem_close(data.vgem, gone);
	igt_bufinfo_wait_gone(&freed_ino, 1);

	v = parse_json(run_tool(&status, "diff", "--json", snap, NULL));
	igt_assert_eq(status, 1);
	igt_assert_f(created_is(json_get(v, "created"), inos, 2),
		     "diff does not name exactly the two buffers made\n");
	igt_assert_eq(json_get_int(json_get(v, "totals"), "created_bytes", 0),
		      16384 + 32768);
	igt_assert_eq(json_len(json_get(v, "freed")), 0);
	json_free(v);

	/* Only those of one exporter. */
	v = parse_json(run_tool(&status, "diff", "--json", "--exporter",
				"system", snap, NULL));
	igt_assert_eq(status, 1);
	igt_assert(created_is(json_get(v, "created"), &inos[1], 1));
	json_free(v);

	close(kept);
	close(heap);
	gem_close(data.vgem, handle);
	igt_bufinfo_wait_gone(inos, 2);
	v = parse_json(run_tool(&status, "diff", "--json", snap, NULL));
	igt_assert_eq(status, 0);
	igt_assert_eq(json_len(json_get(v, "created")), 0);
	json_free(v);
	unlink(snap);
}

/* ---- subtests: hangs ----------------------------------------------------- */

/**
 * struct scanout - a drm_vgem_plus image imported into drm_display
 * @handle: in drm_vgem_plus
 * @dmabuf: its dma-buf
 * @ino: the dma-buf's inode
 * @import: in drm_display
 * @fb_id: the framebuffer
 */
struct scanout {
	uint32_t handle;
	int dmabuf;
	unsigned long ino;
	uint32_t import;
	uint32_t fb_id;
};

static void scanout_create(const struct kms_output *out, struct scanout *so,
			   const char *name)
{
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	struct drm_vgem_plus_create create = {
		.width = out->mode.hdisplay,
		.height = out->mode.vdisplay,
		.format = DRM_FORMAT_XRGB8888,
	};

	igt_assert_eq(__vgem_plus_create(data.vgem, &create), 0);
	so->handle = create.handle;
	so->dmabuf = prime_handle_to_fd(data.vgem, so->handle);
	igt_assert_eq(dmabuf_set_name(so->dmabuf, name), 0);
	so->ino = dmabuf_inode(so->dmabuf);
	so->import = prime_fd_to_handle(data.display, so->dmabuf);
	handles[0] = so->import;
	pitches[0] = create.pitches[0];
	igt_assert_eq(drmModeAddFB2(data.display, create.width, create.height,
				    DRM_FORMAT_XRGB8888, handles, pitches,
				    offsets, &so->fb_id, 0), 0);
}

static void scanout_free(struct scanout *so)
{
	drmModeRmFB(data.display, so->fb_id);
	gem_close(data.display, so->import);
	close(so->dmabuf);
	gem_close(data.vgem, so->handle);
}

static void params_set_long_wait(void)
{
	igt_sysfs_read(PARAM_TIMEOUT, data.saved_timeout,
		       sizeof(data.saved_timeout));
	igt_sysfs_read(PARAM_SKIP, data.saved_skip, sizeof(data.saved_skip));
	data.params_saved = true;
	/* Longer than the subtest: no timeout report in the kernel log. */
	igt_sysfs_set(PARAM_TIMEOUT, "30000");
	igt_sysfs_set(PARAM_SKIP, "Y");
}

static void expect_flip(uintptr_t user_data)
{
	struct drm_event_vblank ev;

	igt_assert_f(kms_read_event(data.display, 5000, &ev),
		     "no flip event %lu\n", (unsigned long)user_data);
	igt_assert_eq_u64(ev.user_data, user_data);
}

static char *plane_name(uint32_t plane_id)
{
	drmModePlaneResPtr res = drmModeGetPlaneResources(data.display);
	char *name = NULL;
	unsigned int i;

	igt_assert(res);
	for (i = 0; i < res->count_planes; i++)
		if (res->planes[i] == plane_id)
			igt_assert(asprintf(&name, "plane-%u", i) > 0);
	drmModeFreePlaneResources(res);
	igt_assert(name);
	return name;
}

/* Up to 2 s until drm_display's plane records a commit waiting. */
static void wait_fence_wait(uint32_t plane_id)
{
	struct timespec start = {};
	struct dump_plane p;

	for (;;) {
		dump_get_plane_by_id(data.display, plane_id, &p);
		if (p.fence_wait)
			return;
		igt_assert_f(igt_nsec_elapsed(&start) < 2000000000ull,
			     "the flip never waited for its fence\n");
		usleep(10000);
	}
}

static void check_hung_flip(const struct json_value *v, const struct scanout *b,
			    uint32_t fence, const char *plane, int crtc_index)
{
	const struct json_value *h, *f, *w, *buf, *fb;
	char crtc[16], timeline[32];

	snprintf(crtc, sizeof(crtc), "crtc-%d", crtc_index);
	snprintf(timeline, sizeof(timeline), "client-%llu",
		 (unsigned long long)data.vgem_client);
	igt_assert_eq(json_len(json_get(v, "hung")), 1);
	h = json_at(json_get(v, "hung"), 0);

	f = json_get(h, "fence");
	igt_assert(json_str_is(f, "driver", EXPORTER));
	igt_assert(json_str_is(f, "timeline", timeline));
	igt_assert_eq_u32(json_get_int(f, "seqno", 0), fence);
	igt_assert(json_str_is(f, "usage", "write"));
	igt_assert_lte(400, json_get_int(f, "age_ms", 0));

	igt_assert_eq(json_len(json_get(h, "buffers")), 1);
	buf = json_at(json_get(h, "buffers"), 0);
	igt_assert_eq_u64(json_get_int(buf, "ino", 0), b->ino);
	igt_assert(json_str_is(buf, "name", "hang-B"));
	igt_assert(json_list_is(json_get(buf, "importers"), data.display_dev));
	fb = json_at(json_get(buf, "framebuffers"), 0);
	igt_assert_eq_u32(json_get_int(fb, "fb", 0), b->fb_id);
	igt_assert(json_list_is(json_get(fb, "waiting_on"), plane));
	igt_assert_eq(json_len(json_get(fb, "shown_on")), 0);

	/* drm_display's record of the commit that waits. */
	igt_assert_eq(json_len(json_get(h, "waits")), 1);
	w = json_at(json_get(h, "waits"), 0);
	igt_assert(json_str_is(w, "plane", plane));
	igt_assert(json_str_is(w, "crtc", crtc));
	igt_assert_eq(json_get_int(w, "committer_pid", 0), data.pid);
	igt_assert_eq_u64(json_get_int(w, "ino", 0), b->ino);
	igt_assert(json_get_bool(w, "on_buffer", false));
	igt_assert_lte(300, json_get_int(w, "since_ms", 0));
}

/*
 * A on screen, the flip to B held back by B's unsignalled write fence:
 * hang reports exactly that fence with B, drm_display, the plane and us
 * as committer, exit status 1; A is what list shows on screen. Once the
 * fence signals, the flip completes and hang finds nothing.
 */
static void test_hang_blocked_flip(void)
{
	const struct json_value *b;
	struct kms_output out;
	struct scanout a, bb;
	struct json_value *v;
	char *plane;
	uint32_t fence;
	int status;

	kms_require_atomic(data.display);
	kms_output_find(data.display, &out);
	plane = plane_name(out.primary_id);
	params_set_long_wait();
	scanout_create(&out, &a, "hang-A");
	scanout_create(&out, &bb, "hang-B");
	data.kms = true;
	igt_assert_eq(kms_atomic_modeset(data.display, &out, &out.mode,
					 a.fb_id, DRM_MODE_PAGE_FLIP_EVENT,
					 kms_user_data(1)), 0);
	expect_flip(1);

	fence = fence_attach(bb.handle, VGEM_FENCE_WRITE);
	igt_assert_eq(kms_atomic_flip(data.display, &out, bb.fb_id,
				      DRM_MODE_PAGE_FLIP_EVENT |
				      DRM_MODE_ATOMIC_NONBLOCK,
				      kms_user_data(2)), 0);
	/* The commit worker has started waiting; then it waits 400 ms. */
	wait_fence_wait(out.primary_id);
	usleep(400 * 1000);

	v = parse_json(run_tool(&status, "hang", "--json", "--threshold", "300",
				NULL));
	igt_assert_eq(status, 1);
	check_hung_flip(v, &bb, fence, plane, out.crtc_index);
	json_free(v);

	v = list_one(a.ino, &b);
	igt_assert(json_list_is(json_get(json_at(json_get(b, "framebuffers"), 0),
					 "shown_on"), plane));
	json_free(v);

	fence_signal(fence);
	expect_flip(2);
	v = parse_json(run_tool(&status, "hang", "--json", "--threshold", "300",
				NULL));
	igt_assert_eq(status, 0);
	igt_assert_eq(json_len(json_get(v, "hung")), 0);
	json_free(v);

	kms_disable_all(data.display);
	data.kms = false;
	params_restore();
	scanout_free(&a);
	scanout_free(&bb);
	igt_bufinfo_wait_gone(&a.ino, 1);
	igt_bufinfo_wait_gone(&bb.ino, 1);
	free(plane);
}

/* Young or signalled fences are no hang, and their ages are known. */
static void test_hang_none(void)
{
	uint32_t handle, young, old;
	struct json_value *v;
	unsigned long ino;
	int dmabuf, status;

	dmabuf = vgem_dmabuf(4096, "no hang", &handle);
	ino = dmabuf_inode(dmabuf);
	old = fence_attach(handle, 0);
	fence_signal(old);
	young = fence_attach(handle, 0);

	v = parse_json(run_tool(&status, "hang", "--json", "--threshold",
				"60000", NULL));
	igt_assert_eq(status, 0);
	igt_assert_eq(json_len(json_get(v, "hung")), 0);
	/* Every age came from drm_vgem_plus: no second look was needed. */
	igt_assert_eq(json_get_int(v, "waited_ms", -1), 0);
	igt_assert_eq(json_len(json_get(v, "unknown_age")), 0);
	json_free(v);

	fence_signal(young);
	close(dmabuf);
	gem_close(data.vgem, handle);
	igt_bufinfo_wait_gone(&ino, 1);
}

/* Waits up to 2 s until @pid sleeps in a kernel function named like @part. */
static void wait_wchan(pid_t pid, const char *part)
{
	struct timespec start = {};
	char path[64], wchan[128] = "";

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	for (;;) {
		igt_sysfs_read(path, wchan, sizeof(wchan));
		if (strstr(wchan, part))
			return;
		igt_assert_f(igt_nsec_elapsed(&start) < 2000000000ull,
			     "process %d sleeps in \"%s\", not in a %s\n", pid,
			     wchan, part);
		usleep(20000);
	}
}

/*
 * A process asleep in DMA_BUF_IOCTL_SYNC on a buffer whose write fence
 * does not signal: hang names its thread among the fence's waiters.
 */
static void test_hang_waiter(void)
{
	struct dma_buf_sync sync = {
		.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ,
	};
	const struct json_value *h, *t;
	struct json_value *v;
	unsigned long ino;
	uint32_t handle, fence;
	int dmabuf, status;

	dmabuf = vgem_dmabuf(4096, "waited for", &handle);
	ino = dmabuf_inode(dmabuf);
	fence = fence_attach(handle, VGEM_FENCE_WRITE);
	data.child = fork();
	igt_assert(data.child >= 0);
	if (!data.child) {
		close(data.vgem);
		close(data.display);
		_exit(ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync) ? 1 : 0);
	}
	wait_wchan(data.child, "fence");
	usleep(300 * 1000);

	v = parse_json(run_tool(&status, "hang", "--json", "--threshold", "200",
				NULL));
	igt_assert_eq(status, 1);
	igt_assert_eq(json_len(json_get(v, "hung")), 1);
	h = json_at(json_get(v, "hung"), 0);
	igt_assert_eq_u32(json_get_int(json_get(h, "fence"), "seqno", 0), fence);
	igt_assert_eq(json_len(json_get(h, "blocked_threads")), 1);
	t = json_at(json_get(h, "blocked_threads"), 0);
	igt_assert_eq(json_get_int(t, "pid", 0), data.child);
	igt_assert_eq(json_get_int(t, "tid", 0), data.child);
	igt_assert(strstr(json_get_str(t, "wchan"), "fence"));
	json_free(v);

	fence_signal(fence);
	igt_assert_eq(waitpid(data.child, &status, 0), data.child);
	data.child = -1;
	igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(dmabuf);
	gem_close(data.vgem, handle);
	igt_bufinfo_wait_gone(&ino, 1);
}

/*
 * A drm_vgem_plus fence imported into a system-heap buffer
 * (DMA_BUF_IOCTL_IMPORT_SYNC_FILE): the same fence, so the heap buffer's
 * fence line gets the age and, once it fails, the error that
 * drm_vgem_plus's debugfs gives it.
 */
static void test_foreign_fence(void)
{
	struct drm_vgem_plus_fence_signal_error err = { .error = -EIO };
	struct drm_vgem_plus_fence_export exp = {};
	struct dma_buf_import_sync_file imp = { .flags = DMA_BUF_SYNC_WRITE };
	const struct json_value *b, *f;
	struct json_value *v;
	unsigned long inos[2];
	uint32_t handle;
	int dmabuf, heap, i;

	dmabuf = vgem_dmabuf(4096, "fence source", &handle);
	heap = dmabuf_heap_alloc(8192);
	igt_assert(heap >= 0);
	inos[0] = dmabuf_inode(dmabuf);
	inos[1] = dmabuf_inode(heap);
	exp.fence = fence_attach(handle, 0);
	do_ioctl(data.vgem, DRM_IOCTL_VGEM_PLUS_FENCE_EXPORT, &exp);
	imp.fd = exp.fd;
	do_ioctl(heap, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &imp);
	close(exp.fd);

	v = list_one(inos[1], &b);
	igt_assert(json_str_is(b, "exporter", "system"));
	igt_assert_eq(json_len(json_get(b, "fences")), 1);
	f = json_at(json_get(b, "fences"), 0);
	igt_assert(json_str_is(f, "usage", "write"));
	igt_assert(json_str_is(f, "driver", EXPORTER));
	igt_assert_eq_u32(json_get_int(f, "seqno", 0), exp.fence);
	igt_assert(json_str_is(f, "age_source", "drm_vgem_plus debugfs"));
	json_free(v);

	err.fence = exp.fence;
	do_ioctl(data.vgem, DRM_IOCTL_VGEM_PLUS_FENCE_SIGNAL_ERROR, &err);
	for (i = 0; i < data.num_fences; i++)
		if (data.fences[i] == exp.fence)
			data.fences[i] = data.fences[--data.num_fences];
	v = list_one(inos[1], &b);
	f = json_at(json_get(b, "fences"), 0);
	igt_assert(json_get_bool(f, "signalled", false));
	igt_assert_eq(json_get_int(f, "error", 0), -EIO);
	json_free(v);

	close(heap);
	close(dmabuf);
	gem_close(data.vgem, handle);
	igt_bufinfo_wait_gone(inos, 2);
}

/*
 * A fence nothing knows the age of (sw_sync's): hang looks twice,
 * --threshold apart, and reports it as at least that old.
 */
static void test_hang_observed(void)
{
	struct sw_sync_create_fence_data create = { .value = 1, .name = "observed" };
	struct dma_buf_import_sync_file imp = { .flags = DMA_BUF_SYNC_WRITE };
	const struct json_value *h, *f;
	struct json_value *v;
	unsigned long ino;
	uint32_t one = 1;
	int timeline, heap, status;

	timeline = open(SW_SYNC, O_RDWR | O_CLOEXEC);
	igt_require_f(timeline >= 0,
		      "no " SW_SYNC ": kernel without CONFIG_SW_SYNC (Debian's 6.12 has none)\n");
	heap = dmabuf_heap_alloc(4096);
	igt_assert(heap >= 0);
	ino = dmabuf_inode(heap);
	do_ioctl(timeline, SW_SYNC_IOC_CREATE_FENCE, &create);
	imp.fd = create.fence;
	do_ioctl(heap, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &imp);
	close(create.fence);

	v = parse_json(run_tool(&status, "hang", "--json", "--threshold", "300",
				NULL));
	igt_assert_eq(status, 1);
	igt_assert_lte(300, json_get_int(v, "waited_ms", 0));
	igt_assert_eq(json_len(json_get(v, "hung")), 1);
	h = json_at(json_get(v, "hung"), 0);
	f = json_get(h, "fence");
	igt_assert(json_str_is(f, "driver", "sw_sync"));
	igt_assert(json_str_is(f, "age_source", "observed"));
	igt_assert(json_get_bool(f, "age_is_lower_bound", false));
	igt_assert_lte(300, json_get_int(f, "age_ms", 0));
	igt_assert_eq_u64(json_get_int(json_at(json_get(h, "buffers"), 0), "ino", 0),
			  ino);
	json_free(v);

	do_ioctl(timeline, SW_SYNC_IOC_INC, &one);
	v = parse_json(run_tool(&status, "hang", "--json", "--threshold", "300",
				NULL));
	igt_assert_eq(status, 0);
	igt_assert_eq(json_get_int(v, "waited_ms", -1), 0);
	json_free(v);
	close(heap);
	close(timeline);
	igt_bufinfo_wait_gone(&ino, 1);
}

/* ---- subtests: top ------------------------------------------------------- */

/* The child maps a 1 MiB heap buffer (no fd) and keeps a udmabuf's fd. */
static void child_top(struct child_report *rep)
{
	int heap = dmabuf_heap_alloc(1 << 20);
	void *ptr;

	close(data.vgem);
	close(data.display);
	if (heap < 0)
		_exit(1);
	ptr = mmap(NULL, 1 << 20, PROT_READ, MAP_SHARED, heap, 0);
	if (ptr == MAP_FAILED)
		_exit(1);
	close(heap);
	rep->map_start = (uintptr_t)ptr;
	rep->fd = udmabuf_alloc(65536);
	if (rep->fd < 0)
		_exit(1);
}

static const struct json_value *find_pid(const struct json_value *procs,
					 int pid)
{
	size_t i;

	for (i = 0; i < json_len(procs); i++)
		if (json_get_int(json_at(procs, i), "pid", 0) == pid)
			return json_at(procs, i);
	return NULL;
}

static void check_exporters(const struct json_value *exporters)
{
	const struct json_value *e;
	unsigned long long bytes;
	struct bufinfo bi;
	size_t i, j, n;

	igt_bufinfo_read(&bi);
	for (i = 0; i < json_len(exporters); i++) {
		e = json_at(exporters, i);
		bytes = n = 0;
		for (j = 0; j < bi.num_buffers; j++) {
			if (!json_str_is(e, "exporter", bi.buffers[j].exp_name))
				continue;
			n++;
			bytes += bi.buffers[j].size;
		}
		igt_assert_eq_u64(json_get_int(e, "buffers", 0), n);
		igt_assert_eq_u64(json_get_int(e, "bytes", 0), bytes);
	}
	bufinfo_free(&bi);
}

/* Per process and per exporter, the sums of what each holds. */
static void test_top(void)
{
	const struct json_value *p, *procs;
	struct child_report rep;
	struct json_value *v;
	uint32_t h1, h2;
	int a, b, status;

	rep = child_start(child_top);
	a = vgem_dmabuf(65536, "top-a", &h1);
	b = vgem_dmabuf(131072, "top-b", &h2);

	v = parse_json(run_tool(&status, "top", "--json", "--count", "1", NULL));
	igt_assert_eq(status, 0);
	procs = json_get(v, "processes");
	p = find_pid(procs, data.pid);
	igt_assert(p);
	igt_assert_eq(json_get_int(p, "buffers", 0), 2);
	igt_assert_eq(json_get_int(p, "bytes", 0), 65536 + 131072);
	igt_assert_eq(json_get_int(p, "gem_only_buffers", -1), 0);
	p = find_pid(procs, data.child);
	igt_assert(p);
	igt_assert_eq(json_get_int(p, "buffers", 0), 2);
	igt_assert_eq(json_get_int(p, "bytes", 0), (1 << 20) + 65536);
	/* Largest first. */
	igt_assert_eq(json_get_int(json_at(procs, 0), "pid", 0), data.child);
	check_exporters(json_get(v, "exporters"));
	json_free(v);

	child_stop();
	close(a);
	close(b);
	gem_close(data.vgem, h1);
	gem_close(data.vgem, h2);
	(void)rep;
}

/* ---- subtests: without root ---------------------------------------------- */

/* A copy of the tool where nobody can run it (the checkout may be 0700). */
static void tool_for_nobody(char *path, size_t len)
{
	char *text;
	size_t size;
	FILE *f;

	snprintf(path, len, "%s/dmabuf-inspect", data.tmpdir);
	igt_assert_eq(read_file(data.tool, 0, &text, &size), 0);
	f = fopen(path, "w");
	igt_assert(f);
	igt_assert_eq(fwrite(text, 1, size, f), size);
	fclose(f);
	free(text);
	igt_assert_eq(chmod(path, 0755), 0);
}

static bool has_note(const struct json_value *v, const char *part)
{
	const struct json_value *notes = json_get(v, "notes");
	size_t i;

	for (i = 0; i < json_len(notes); i++)
		if (strstr(json_at(notes, i)->string, part))
			return true;
	return false;
}

/*
 * As nobody: bufinfo and other processes' files are closed. The tool
 * says so; with the sysfs stats it still lists every buffer (exporter and
 * size), without them it lists none of ours and says why. hang cannot
 * tell: exit status 2.
 */
static void test_no_root(void)
{
	char tool[PATH_MAX], saved[PATH_MAX], ino_arg[32];
	const struct json_value *bufinfo, *b;
	struct json_value *v;
	struct stat st;
	unsigned long ino;
	uint32_t handle;
	int dmabuf, status;

	dmabuf = vgem_dmabuf(16384, "root's", &handle);
	ino = dmabuf_inode(dmabuf);
	snprintf(ino_arg, sizeof(ino_arg), "%lu", ino);
	tool_for_nobody(tool, sizeof(tool));
	snprintf(saved, sizeof(saved), "%s", data.tool);
	snprintf(data.tool, sizeof(data.tool), "%s", tool);

	v = parse_json(run_tool_as(NOBODY, &status, "list", "--json", "--ino",
				   ino_arg, NULL));
	igt_assert_eq(status, 0);
	bufinfo = json_get(json_get(v, "sources"), "bufinfo");
	igt_assert(!json_get_bool(bufinfo, "ok", true));
	igt_assert(json_str_is(bufinfo, "error", "Permission denied"));
	igt_assert(has_note(v, "debugfs is for root only"));
	igt_assert_lte(1, json_get_int(json_get(json_get(v, "sources"),
						"processes"), "unreadable", 0));
	if (!stat(SYSFS_STATS, &st)) {
		igt_assert_eq(json_len(json_get(v, "buffers")), 1);
		b = json_at(json_get(v, "buffers"), 0);
		igt_assert(json_str_is(b, "source", "sysfs"));
		igt_assert(json_str_is(b, "exporter", EXPORTER));
		igt_assert_eq(json_get_int(b, "size", 0), 16384);
		igt_assert(json_is_null(b, "name"));
		igt_assert(has_note(v, "exporter and size only"));
	} else {
		igt_assert_eq(json_len(json_get(v, "buffers")), 0);
		igt_assert(has_note(v, "CONFIG_DMABUF_SYSFS_STATS"));
	}
	json_free(v);

	free(run_tool_as(NOBODY, &status, "hang", "--no-wait", NULL));
	igt_assert_eq(status, 2);

	snprintf(data.tool, sizeof(data.tool), "%s", saved);
	unlink(tool);
	close(dmabuf);
	gem_close(data.vgem, handle);
	igt_bufinfo_wait_gone(&ino, 1);
}

igt_main
{
	igt_fixture {
		data.pid = getpid();
		find_tool();
		data.vgem = drm_open_driver_render(DRIVER_VGEM);
		data.display = drm_open_driver(DRIVER_DISPLAY);
		data.vgem_client = drm_client_id(data.vgem);
		igt_drm_device_name(data.display, data.display_dev,
				    sizeof(data.display_dev));
		snprintf(data.tmpdir, sizeof(data.tmpdir),
			 "/tmp/dmabuf-inspect-XXXXXX");
		igt_assert(mkdtemp(data.tmpdir));
		igt_assert_eq(chmod(data.tmpdir, 0755), 0);
		igt_assert_eq(atexit(exit_handler), 0);
		signal(SIGTERM, on_signal);
		signal(SIGINT, on_signal);
	}

	igt_describe("list: exporter, name, size, our fd, a child's mapping, drm_display, our GEM handle, a fence and its age.");
	igt_subtest("list") {
		test_list();
	}

	igt_describe("A buffer only a GEM handle holds is dark, and the handle is named.");
	igt_subtest("dark-gem-handle") {
		test_dark_gem();
	}

	igt_describe("A buffer only a drm_display framebuffer holds is dark, and the framebuffer is named.");
	igt_subtest("dark-framebuffer") {
		test_dark_framebuffer();
	}

	igt_describe("snapshot, then diff: exactly the buffers made and kept, exit status 1; 0 once freed.");
	igt_subtest("leak-diff") {
		test_leak_diff();
	}

	igt_describe("hang: the fence that holds back a flip on drm_display, its buffer, plane and committer.");
	igt_subtest("hang-blocked-flip") {
		test_hang_blocked_flip();
	}

	igt_describe("hang: young and signalled fences are none, exit status 0.");
	igt_subtest("hang-none") {
		test_hang_none();
	}

	igt_describe("hang: a process asleep in DMA_BUF_IOCTL_SYNC on the fence is named.");
	igt_subtest("hang-waiter") {
		test_hang_waiter();
	}

	igt_describe("A drm_vgem_plus fence on a heap buffer gets its age and error.");
	igt_subtest("foreign-fence") {
		test_foreign_fence();
	}

	igt_describe("hang: a fence of unknown age is looked at twice, the threshold apart.");
	igt_subtest("hang-observed") {
		test_hang_observed();
	}

	igt_describe("top: per-process and per-exporter sums, largest first.");
	igt_subtest("top") {
		test_top();
	}

	igt_describe("Without root: what the tool cannot see, and says it cannot.");
	igt_subtest("no-root") {
		test_no_root();
	}

	igt_fixture {
		recover();
		rmdir(data.tmpdir);
		drm_close_driver(data.display);
		drm_close_driver(data.vgem);
	}
}
