// SPDX-License-Identifier: MIT
/*
 * /sys/kernel/debug/dma_buf/bufinfo, line by line, against what the test
 * did: buffers of drm_vgem_plus, the system dma-heap and udmabuf with
 * their size, flags, mode, exporter, inode, name and reference count;
 * drm_display's attachments; drm_vgem_plus's fences, signalled, failed
 * and timed out; the totals line; 10,000 buffers; and the sysfs stats
 * where the kernel has them. bufinfo is read with dmabuf-inspect's
 * parser (tools/dmabuf), which every read also checks: no line it does
 * not understand, and totals that add up. Every subtest ends with none
 * of its buffers left.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>

#include "igt.h"
#include "igt_bufinfo.h"
#include "igt_dmabuf.h"
#include "proc_parse.h"
#include "util.h"
#include "vgem_debugfs_parse.h"

#define EXPORTER		"drm_vgem_plus"
#define PARAM_VGEM_TIMEOUT	"/sys/module/drm_vgem_plus/parameters/fence_timeout_ms"
#define SYSFS_STATS		"/sys/kernel/dmabuf/buffers"
#define MANY			10000
/*
 * Under lockdep and KASAN (the debug kernel, which has /proc/lockdep)
 * each buffer costs some 5 ms to make and 5 ms to free under TCG: 10,000
 * would not fit the runner's two minutes there. Debian's kernel and the
 * host unit tests parse 10,000.
 */
#define MANY_DEBUG_KERNEL	500
/* FMODE_READ and FMODE_WRITE of the dma-buf file's f_mode. */
#define FMODE_READ		0x1
#define FMODE_WRITE		0x2

/*
 * What a subtest made, for the check that it is gone and for clean-up
 * after a failure: main-body locals do not survive igt's longjmp.
 */
static struct {
	pid_t pid;
	int vgem, display;
	uint64_t client;
	char display_dev[64];
	unsigned long *inos;
	size_t num_inos, cap_inos;
	unsigned long long objects_before;
	char saved_timeout[16];
	bool timeout_saved;
} data = { .vgem = -1, .display = -1 };

/* ---- bookkeeping --------------------------------------------------------- */

static unsigned long track(int dmabuf)
{
	unsigned long ino = dmabuf_inode(dmabuf);

	if (data.num_inos == data.cap_inos) {
		data.cap_inos = data.cap_inos ? 2 * data.cap_inos : 64;
		data.inos = realloc(data.inos, data.cap_inos * sizeof(*data.inos));
		igt_assert(data.inos);
	}
	data.inos[data.num_inos++] = ino;
	return ino;
}

static void subtest_begin(void)
{
	struct bufinfo bi;

	data.num_inos = 0;
	igt_bufinfo_read(&bi);
	data.objects_before = bi.num_buffers;
	bufinfo_free(&bi);
}

/* Every buffer the subtest made is gone, and nothing else is new. */
static void subtest_end(void)
{
	struct bufinfo bi;

	igt_bufinfo_wait_gone(data.inos, data.num_inos);
	igt_bufinfo_read(&bi);
	igt_assert_eq_u64(bi.num_buffers, data.objects_before);
	bufinfo_free(&bi);
	data.num_inos = 0;
}

static void params_restore(void)
{
	if (data.timeout_saved && getpid() == data.pid)
		igt_sysfs_write(PARAM_VGEM_TIMEOUT, data.saved_timeout);
}

static void on_signal(int sig)
{
	params_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ---- helpers ------------------------------------------------------------- */

/* A vgem object of @size bytes and its dma-buf. */
static int vgem_dmabuf(uint64_t size, uint32_t *handle)
{
	int dmabuf;

	*handle = vgem_plus_create(data.vgem, size);
	dmabuf = prime_handle_to_fd(data.vgem, *handle);
	track(dmabuf);
	return dmabuf;
}

static void get(unsigned long ino, struct bufinfo *bi,
		const struct bufinfo_buf **b)
{
	igt_bufinfo_read(bi);
	*b = igt_bufinfo_get(bi, ino);
}

/* /proc/self/fdinfo of a dma-buf fd, with the tool's parser. */
static void dmabuf_fdinfo(int dmabuf, struct fdinfo *fi)
{
	char path[64], *text;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", dmabuf);
	igt_assert_eq(read_file(path, 0, &text, NULL), 0);
	igt_assert(fdinfo_parse(text, fi));
	free(text);
	igt_assert(fi->is_dmabuf && fi->has_ino);
	igt_assert_eq_u64(fi->ino, dmabuf_inode(dmabuf));
}

static long fdinfo_count(int dmabuf)
{
	struct fdinfo fi;
	long count;

	dmabuf_fdinfo(dmabuf, &fi);
	count = fi.count;
	fdinfo_free(&fi);
	return count;
}

/* The file's reference count: bufinfo's, and fdinfo's (which agrees). */
static long refcount(int dmabuf)
{
	const struct bufinfo_buf *b;
	struct bufinfo bi;
	long count;

	get(dmabuf_inode(dmabuf), &bi, &b);
	count = b->count;
	bufinfo_free(&bi);
	igt_assert_eq(fdinfo_count(dmabuf), count);
	return count;
}

static uint64_t drm_client_id(int fd)
{
	char val[32];

	igt_assert(fdinfo_get(fd, "drm-client-id", val, sizeof(val)));
	return strtoull(val, NULL, 10);
}

static uint32_t fence_attach(uint32_t handle, uint32_t flags)
{
	struct drm_vgem_fence_attach arg = { .handle = handle, .flags = flags };

	igt_assert_eq(__vgem_fence_attach(data.vgem, &arg), 0);
	return arg.out_fence;
}

/* The fence line of @b is this fence of ours, in this state. */
static void check_fence(const struct bufinfo_fence *f, const char *usage,
			uint32_t seqno, bool signalled)
{
	char timeline[32];

	snprintf(timeline, sizeof(timeline), "client-%llu",
		 (unsigned long long)data.client);
	igt_assert_f(!strcmp(f->usage, usage) && !strcmp(f->driver, EXPORTER) &&
		     !strcmp(f->timeline, timeline) && f->seqno == seqno &&
		     f->signalled == signalled,
		     "fence line \"%s fence:%s %s seq %llu %ssignalled\", expected \"%s fence:" EXPORTER " %s seq %u %ssignalled\"\n",
		     f->usage, f->driver, f->timeline, f->seqno,
		     f->signalled ? "" : "un", usage, timeline, seqno,
		     signalled ? "" : "un");
}

static void check_one_fence(int dmabuf, const char *usage, uint32_t seqno,
			    bool signalled)
{
	const struct bufinfo_buf *b;
	struct bufinfo bi;

	get(dmabuf_inode(dmabuf), &bi, &b);
	igt_assert_eq(b->num_fences, 1);
	check_fence(&b->fences[0], usage, seqno, signalled);
	bufinfo_free(&bi);
}

/* The error drm_vgem_plus's debugfs gives the fence, which bufinfo lacks. */
static int vgem_fence_error(unsigned long ino, uint32_t seqno)
{
	char *text = drm_debugfs_read(data.vgem, "objects");
	const struct vgem_object *o;
	struct vgem_objects vo;
	int error = 1;
	size_t i;

	igt_assert(vgem_objects_parse(text, &vo));
	free(text);
	o = vgem_object_by_ino(&vo, ino);
	igt_assert_f(o, "no drm_vgem_plus object exported as dma-buf %lu\n", ino);
	for (i = 0; i < o->num_fences; i++)
		if (o->fences[i].seqno == seqno && o->fences[i].signalled)
			error = o->fences[i].error;
	vgem_objects_free(&vo);
	igt_assert_f(error != 1, "fence %u not listed as signalled\n", seqno);
	return error;
}

/* ---- subtests: the buffer line ------------------------------------------ */

static void check_export_line(int dmabuf, uint64_t size, bool rdwr)
{
	const struct bufinfo_buf *b;
	unsigned long ino = dmabuf_inode(dmabuf);
	struct bufinfo bi;
	unsigned int fdflags;
	struct fdinfo fi;

	dmabuf_fdinfo(dmabuf, &fi);
	fdflags = fi.flags;
	igt_assert_f(!strcmp(fi.exp_name, EXPORTER), "fdinfo exp_name %s\n",
		     fi.exp_name);
	igt_assert(!fi.name);
	igt_assert_eq_u64(fi.size, size);
	fdinfo_free(&fi);

	get(ino, &bi, &b);
	igt_assert_eq_u64(b->ino, ino);
	igt_assert_eq_u64(b->size, size);
	igt_assert_f(!strcmp(b->exp_name, EXPORTER), "exp_name %s\n", b->exp_name);
	/* The file's flags; close-on-exec is the fd's, fdinfo adds it. */
	igt_assert_eq_u32(b->flags, fdflags & ~O_CLOEXEC);
	igt_assert_eq_u32(b->flags & O_ACCMODE, rdwr ? O_RDWR : O_RDONLY);
	igt_assert(b->mode & FMODE_READ);
	igt_assert_eq(!!(b->mode & FMODE_WRITE), rdwr);
	igt_assert(!b->name);
	igt_assert_eq(b->num_fences, 0);
	igt_assert_eq(b->num_attached, 0);
	igt_assert_eq(b->count, fdinfo_count(dmabuf));
	bufinfo_free(&bi);
}

static void test_vgem_export(void)
{
	struct drm_prime_handle ro = {};
	uint32_t h1, h2;
	int rw;

	rw = vgem_dmabuf(16384, &h1);
	check_export_line(rw, 16384, true);

	/* Without DRM_RDWR: a read-only file. */
	h2 = vgem_plus_create(data.vgem, 8192);
	ro.handle = h2;
	ro.flags = DRM_CLOEXEC;
	do_ioctl(data.vgem, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ro);
	track(ro.fd);
	check_export_line(ro.fd, 8192, false);

	close(rw);
	close(ro.fd);
	gem_close(data.vgem, h1);
	gem_close(data.vgem, h2);
}

static void check_name(int dmabuf, const char *name)
{
	const struct bufinfo_buf *b;
	struct bufinfo bi;
	struct fdinfo fi;

	igt_assert_eq(dmabuf_set_name(dmabuf, name), 0);
	get(dmabuf_inode(dmabuf), &bi, &b);
	igt_assert_f(b->name && !strcmp(b->name, name),
		     "name \"%s\", expected \"%s\"\n", b->name ? b->name : "<none>",
		     name);
	bufinfo_free(&bi);
	/* fdinfo has it too, the last thing in the file. */
	dmabuf_fdinfo(dmabuf, &fi);
	igt_assert_f(fi.name && !strcmp(fi.name, name),
		     "fdinfo name \"%s\", expected \"%s\"\n",
		     fi.name ? fi.name : "(none)", name);
	fdinfo_free(&fi);
}

static void test_names(void)
{
	static const char *const names[] = {
		"scanout 0", "with\ttabs and spaces", "\tleading tab",
		"two\nlines", "0123456789012345678901234567890",
	};
	uint32_t handle;
	unsigned int i;
	int dmabuf = vgem_dmabuf(4096, &handle);

	for (i = 0; i < ARRAY_SIZE(names); i++)
		check_name(dmabuf, names[i]);
	/* 32 bytes and more do not fit DMA_BUF_NAME_LEN: the old one stays. */
	igt_assert_eq(dmabuf_set_name(dmabuf, "01234567890123456789012345678901"),
		      -EINVAL);
	check_name(dmabuf, names[ARRAY_SIZE(names) - 1]);

	close(dmabuf);
	gem_close(data.vgem, handle);
}

/* count follows every fd and mapping of the file, and only those. */
static void test_refcount(void)
{
	uint32_t handle;
	int dmabuf = vgem_dmabuf(8192, &handle), a, b;
	long base = refcount(dmabuf);
	void *map;

	a = dup(dmabuf);
	igt_assert_eq(refcount(dmabuf), base + 1);
	b = fcntl(dmabuf, F_DUPFD_CLOEXEC, 100);
	igt_assert_eq(refcount(dmabuf), base + 2);
	map = prime_mmap(dmabuf, 8192);
	igt_assert_eq(refcount(dmabuf), base + 3);
	close(a);
	igt_assert_eq(refcount(dmabuf), base + 2);
	close(b);
	igt_assert_eq(refcount(dmabuf), base + 1);
	munmap(map, 8192);
	igt_assert_eq(refcount(dmabuf), base);

	/* A second export of the handle is the same file, one more fd. */
	a = prime_handle_to_fd(data.vgem, handle);
	igt_assert_eq_u64(dmabuf_inode(a), dmabuf_inode(dmabuf));
	igt_assert_eq(refcount(dmabuf), base + 1);
	close(a);

	/* The handle's references go with it: our fd is the only one left. */
	gem_close(data.vgem, handle);
	igt_assert_eq(refcount(dmabuf), 1);
	close(dmabuf);
}

/* ---- subtests: attachments ---------------------------------------------- */

/* Attachments of dma-buf @ino: all drm_display's, as many as its total says. */
static int count_attached(unsigned long ino)
{
	const struct bufinfo_buf *b;
	struct bufinfo bi;
	size_t i;
	int n;

	get(ino, &bi, &b);
	n = b->num_attached;
	igt_assert_eq(b->attached_total, n);
	for (i = 0; i < b->num_attached; i++)
		igt_assert_f(!strcmp(b->attached[i], data.display_dev),
			     "attached device \"%s\", expected \"%s\"\n",
			     b->attached[i], data.display_dev);
	bufinfo_free(&bi);
	return n;
}

static void test_import_attach(void)
{
	int other = drm_open_driver(DRIVER_DISPLAY), dmabuf;
	uint32_t handle, h1, h2;
	unsigned long ino;

	dmabuf = vgem_dmabuf(65536, &handle);
	ino = dmabuf_inode(dmabuf);
	igt_assert_eq(count_attached(ino), 0);

	h1 = prime_fd_to_handle(data.display, dmabuf);
	igt_assert_eq(count_attached(ino), 1);
	/* The same file imports it once. */
	igt_assert_eq_u32(prime_fd_to_handle(data.display, dmabuf), h1);
	igt_assert_eq(count_attached(ino), 1);
	/* Another file of the device makes an import of its own. */
	h2 = prime_fd_to_handle(other, dmabuf);
	igt_assert_eq(count_attached(ino), 2);

	gem_close(data.display, h1);
	igt_assert_eq(count_attached(ino), 1);
	gem_close(other, h2);
	igt_assert_eq(count_attached(ino), 0);

	/* An import alone keeps the buffer, attached, until it goes. */
	h1 = prime_fd_to_handle(other, dmabuf);
	close(dmabuf);
	gem_close(data.vgem, handle);
	igt_assert_eq(count_attached(ino), 1);
	close(other);
}

/* ---- subtests: fences ---------------------------------------------------- */

/* A fence of each kind shows unsignalled until signalled by hand. */
static void test_fence(uint32_t flags, const char *usage)
{
	uint32_t handle, fence;
	int dmabuf = vgem_dmabuf(4096, &handle);

	fence = fence_attach(handle, flags | WIP_VGEM_FENCE_NOTIMEOUT);
	check_one_fence(dmabuf, usage, fence, false);
	vgem_fence_signal(data.vgem, fence);
	check_one_fence(dmabuf, usage, fence, true);
	close(dmabuf);
	gem_close(data.vgem, handle);
}

/* Two readers at once: one line each, each signalled on its own. */
static void test_fence_two_readers(void)
{
	const struct bufinfo_buf *b;
	uint32_t handle, f1, f2;
	int dmabuf = vgem_dmabuf(4096, &handle);
	struct bufinfo bi;

	f1 = fence_attach(handle, WIP_VGEM_FENCE_NOTIMEOUT);
	f2 = fence_attach(handle, WIP_VGEM_FENCE_NOTIMEOUT);
	vgem_fence_signal(data.vgem, f2);
	get(dmabuf_inode(dmabuf), &bi, &b);
	igt_assert_eq(b->num_fences, 2);
	check_fence(&b->fences[b->fences[0].seqno == f1 ? 0 : 1], "read", f1, false);
	check_fence(&b->fences[b->fences[0].seqno == f2 ? 0 : 1], "read", f2, true);
	bufinfo_free(&bi);
	vgem_fence_signal(data.vgem, f1);
	close(dmabuf);
	gem_close(data.vgem, handle);
}

/*
 * 6.12's bufinfo prints no fence error: a failed fence is "signalled".
 * drm_vgem_plus's debugfs, which dmabuf-inspect joins, has the error.
 */
static void test_fence_error(void)
{
	struct drm_vgem_plus_fence_signal_error err = { .error = -EIO };
	uint32_t handle;
	int dmabuf = vgem_dmabuf(4096, &handle);

	err.fence = fence_attach(handle, WIP_VGEM_FENCE_NOTIMEOUT);
	check_one_fence(dmabuf, "read", err.fence, false);
	do_ioctl(data.vgem, DRM_IOCTL_VGEM_PLUS_FENCE_SIGNAL_ERROR, &err);
	check_one_fence(dmabuf, "read", err.fence, true);
	igt_assert_eq(vgem_fence_error(dmabuf_inode(dmabuf), err.fence), -EIO);
	close(dmabuf);
	gem_close(data.vgem, handle);
}

static void test_fence_timeout(void)
{
	struct timespec start = {};
	const struct bufinfo_buf *b;
	uint32_t handle, fence;
	int dmabuf = vgem_dmabuf(4096, &handle);
	struct bufinfo bi;
	bool signalled;

	igt_sysfs_read(PARAM_VGEM_TIMEOUT, data.saved_timeout,
		       sizeof(data.saved_timeout));
	data.timeout_saved = true;
	igt_sysfs_set(PARAM_VGEM_TIMEOUT, "1000");
	fence = fence_attach(handle, VGEM_FENCE_WRITE);
	igt_sysfs_set(PARAM_VGEM_TIMEOUT, data.saved_timeout);
	check_one_fence(dmabuf, "write", fence, false);

	/* It signals by itself, with -ETIMEDOUT, after about a second. */
	do {
		igt_assert_f(igt_nsec_elapsed(&start) < 5000000000ull,
			     "the fence did not time out\n");
		usleep(50000);
		get(dmabuf_inode(dmabuf), &bi, &b);
		igt_assert_eq(b->num_fences, 1);
		signalled = b->fences[0].signalled;
		bufinfo_free(&bi);
	} while (!signalled);
	check_one_fence(dmabuf, "write", fence, true);
	igt_assert_eq(vgem_fence_error(dmabuf_inode(dmabuf), fence), -ETIMEDOUT);
	igt_assert_eq(__vgem_fence_signal(data.vgem, fence), -ETIMEDOUT);
	close(dmabuf);
	gem_close(data.vgem, handle);
}

/* ---- subtests: other exporters ------------------------------------------ */

/* A buffer of another exporter: its line, and drm_display attached. */
static void check_foreign(int dmabuf, const char *exporter, uint64_t size)
{
	const struct bufinfo_buf *b;
	unsigned long ino = track(dmabuf);
	struct bufinfo bi;
	uint32_t handle;

	check_name(dmabuf, "foreign buffer");
	get(ino, &bi, &b);
	igt_assert_f(!strcmp(b->exp_name, exporter), "exp_name %s, expected %s\n",
		     b->exp_name, exporter);
	igt_assert_eq_u64(b->size, size);
	igt_assert_eq(b->num_attached, 0);
	bufinfo_free(&bi);

	handle = prime_fd_to_handle(data.display, dmabuf);
	igt_assert_eq(count_attached(ino), 1);
	gem_close(data.display, handle);
	igt_assert_eq(count_attached(ino), 0);
	close(dmabuf);
}

static void test_heap(void)
{
	int dmabuf = dmabuf_heap_alloc(65536);

	igt_require_f(dmabuf != -ENOENT,
		      "no /dev/dma_heap/system: kernel without CONFIG_DMABUF_HEAPS_SYSTEM\n");
	igt_assert_f(dmabuf >= 0, "system heap: %s\n", strerror(-dmabuf));
	check_foreign(dmabuf, "system", 65536);
}

static void test_udmabuf(void)
{
	int dmabuf = udmabuf_alloc(32768);

	igt_require_f(dmabuf != -ENOENT,
		      "no /dev/udmabuf: kernel without CONFIG_UDMABUF\n");
	igt_assert_f(dmabuf >= 0, "udmabuf: %s\n", strerror(-dmabuf));
	check_foreign(dmabuf, "udmabuf", 32768);
}

/* ---- subtests: the totals ------------------------------------------------ */

static void test_totals(void)
{
	static const uint64_t sizes[] = { 4096, 8192, 65536, 1 << 20 };
	unsigned long long objects, bytes, added = 0;
	int dmabuf[ARRAY_SIZE(sizes) + 1];
	uint32_t handle[ARRAY_SIZE(sizes)];
	struct bufinfo bi;
	unsigned int i;

	igt_bufinfo_read(&bi);
	objects = bi.total_objects;
	bytes = bi.total_bytes;
	bufinfo_free(&bi);

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		dmabuf[i] = vgem_dmabuf(sizes[i], &handle[i]);
		added += sizes[i];
	}
	dmabuf[i] = dmabuf_heap_alloc(12288);
	igt_assert(dmabuf[i] >= 0);
	track(dmabuf[i]);
	added += 12288;

	/* igt_bufinfo_read() checks the totals against the buffers. */
	igt_bufinfo_read(&bi);
	igt_assert_eq_u64(bi.total_objects, objects + ARRAY_SIZE(dmabuf));
	igt_assert_eq_u64(bi.total_bytes, bytes + added);
	bufinfo_free(&bi);

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		close(dmabuf[i]);
		gem_close(data.vgem, handle[i]);
	}
	close(dmabuf[i]);
	igt_bufinfo_wait_gone(data.inos, data.num_inos);
	igt_bufinfo_read(&bi);
	igt_assert_eq_u64(bi.total_objects, objects);
	igt_assert_eq_u64(bi.total_bytes, bytes);
	bufinfo_free(&bi);
}

static unsigned int many_count(void)
{
	if (access("/proc/lockdep", F_OK))
		return MANY;
	igt_info("a lockdep and KASAN kernel: %u buffers rather than %u\n",
		 MANY_DEBUG_KERNEL, MANY);
	return MANY_DEBUG_KERNEL;
}

/*
 * 10,000 named buffers, each held by its GEM handle alone: every one is
 * in bufinfo once, with its name and size, and the totals add up.
 */
static void test_many(void)
{
	unsigned int i, n = many_count();
	uint32_t *handles = calloc(n, sizeof(*handles));
	struct timespec start = {};
	const struct bufinfo_buf *b;
	struct bufinfo bi;
	char name[32];
	int dmabuf;

	igt_assert(handles);
	igt_nsec_elapsed(&start);
	for (i = 0; i < n; i++) {
		handles[i] = vgem_plus_create(data.vgem, 4096 * (1 + i % 3));
		dmabuf = prime_handle_to_fd(data.vgem, handles[i]);
		track(dmabuf);
		snprintf(name, sizeof(name), "many %u\tof %u", i, n);
		igt_assert_eq(dmabuf_set_name(dmabuf, name), 0);
		close(dmabuf);
	}

	igt_debug("%u buffers made in %.1f s\n", n,
		  igt_nsec_elapsed(&start) / 1e9);
	igt_bufinfo_read(&bi);
	igt_debug("bufinfo read in %.1f s\n", igt_nsec_elapsed(&start) / 1e9);
	igt_assert(bi.num_buffers >= n);
	for (i = 0; i < n; i++) {
		b = igt_bufinfo_get(&bi, data.inos[i]);
		snprintf(name, sizeof(name), "many %u\tof %u", i, n);
		igt_assert_f(b->name && !strcmp(b->name, name),
			     "buffer %u: name \"%s\"\n", i, b->name);
		igt_assert_eq_u64(b->size, 4096 * (1 + i % 3));
		igt_assert(!strcmp(b->exp_name, EXPORTER));
	}
	bufinfo_free(&bi);

	for (i = 0; i < n; i++)
		gem_close(data.vgem, handles[i]);
	free(handles);
	igt_debug("freed in %.1f s\n", igt_nsec_elapsed(&start) / 1e9);
}

/* ---- subtests: sysfs stats ---------------------------------------------- */

static void sysfs_read(unsigned long ino, const char *file, char *val,
		       size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), SYSFS_STATS "/%lu/%s", ino, file);
	igt_sysfs_read(path, val, len);
}

/* The same buffers as bufinfo, with the same exporter and size. */
static void test_sysfs_stats(void)
{
	const struct bufinfo_buf *b;
	char val[64], path[128];
	struct bufinfo bi;
	struct stat st;
	uint32_t handle;
	unsigned long ino;
	size_t i;
	int dmabuf;

	igt_require_f(!stat(SYSFS_STATS, &st),
		      "no " SYSFS_STATS ": kernel without CONFIG_DMABUF_SYSFS_STATS (Debian's 6.12 has none)\n");
	dmabuf = vgem_dmabuf(16384, &handle);
	ino = dmabuf_inode(dmabuf);
	sysfs_read(ino, "exporter_name", val, sizeof(val));
	igt_assert(!strcmp(val, EXPORTER));
	sysfs_read(ino, "size", val, sizeof(val));
	igt_assert_eq(atoi(val), 16384);

	igt_bufinfo_read(&bi);
	for (i = 0; i < bi.num_buffers; i++) {
		b = &bi.buffers[i];
		sysfs_read(b->ino, "exporter_name", val, sizeof(val));
		igt_assert(!strcmp(val, b->exp_name));
		sysfs_read(b->ino, "size", val, sizeof(val));
		igt_assert_eq_u64(strtoull(val, NULL, 10), b->size);
	}
	bufinfo_free(&bi);

	close(dmabuf);
	gem_close(data.vgem, handle);
	snprintf(path, sizeof(path), SYSFS_STATS "/%lu", ino);
	igt_assert(stat(path, &st) && errno == ENOENT);
}

igt_main
{
	igt_fixture {
		data.pid = getpid();
		data.vgem = drm_open_driver_render(DRIVER_VGEM);
		data.display = drm_open_driver(DRIVER_DISPLAY);
		data.client = drm_client_id(data.vgem);
		igt_drm_device_name(data.display, data.display_dev,
				    sizeof(data.display_dev));
		igt_assert_eq(atexit(params_restore), 0);
		signal(SIGTERM, on_signal);
		signal(SIGINT, on_signal);
	}

	igt_describe("A drm_vgem_plus export: size, flags, mode, exporter, inode, no name, count.");
	igt_subtest("vgem-export") {
		subtest_begin();
		test_vgem_export();
		subtest_end();
	}

	igt_describe("DMA_BUF_SET_NAME names, with spaces, tabs and a newline, as bufinfo shows them.");
	igt_subtest("names") {
		subtest_begin();
		test_names();
		subtest_end();
	}

	igt_describe("The count follows dup, close, mmap and munmap.");
	igt_subtest("refcount") {
		subtest_begin();
		test_refcount();
		subtest_end();
	}

	igt_describe("drm_display's imports under Attached Devices, one per import, gone with it.");
	igt_subtest("import-attach") {
		subtest_begin();
		test_import_attach();
		subtest_end();
	}

	igt_describe("A write fence: driver, timeline, seqno, unsignalled, then signalled.");
	igt_subtest("fence-write") {
		subtest_begin();
		test_fence(VGEM_FENCE_WRITE, "write");
		subtest_end();
	}

	igt_describe("A read fence, as above.");
	igt_subtest("fence-read") {
		subtest_begin();
		test_fence(0, "read");
		subtest_end();
	}

	igt_describe("Two read fences: two lines, each in its own state.");
	igt_subtest("fence-two-readers") {
		subtest_begin();
		test_fence_two_readers();
		subtest_end();
	}

	igt_describe("A fence signalled with -EIO: signalled in bufinfo, the error in drm_vgem_plus's debugfs.");
	igt_subtest("fence-error") {
		subtest_begin();
		test_fence_error();
		subtest_end();
	}

	igt_describe("A fence that times out: signalled by itself, -ETIMEDOUT in debugfs.");
	igt_subtest("fence-timeout") {
		subtest_begin();
		test_fence_timeout();
		subtest_end();
	}

	igt_describe("A system dma-heap buffer, exporter system, imported into drm_display.");
	igt_subtest("heap") {
		subtest_begin();
		test_heap();
		subtest_end();
	}

	igt_describe("A udmabuf buffer, exporter udmabuf, imported into drm_display.");
	igt_subtest("udmabuf") {
		subtest_begin();
		test_udmabuf();
		subtest_end();
	}

	igt_describe("The totals line: the count and sum of the buffers, and what we add.");
	igt_subtest("totals") {
		subtest_begin();
		test_totals();
		subtest_end();
	}

	igt_describe("10,000 named buffers: each listed once, with its name and size.");
	igt_subtest("many-buffers") {
		subtest_begin();
		test_many();
		subtest_end();
	}

	igt_describe("/sys/kernel/dmabuf/buffers agrees with bufinfo, where the kernel has it.");
	igt_subtest("sysfs-stats") {
		subtest_begin();
		test_sysfs_stats();
		subtest_end();
	}

	igt_fixture {
		params_restore();
		free(data.inos);
		drm_close_driver(data.display);
		drm_close_driver(data.vgem);
	}
}
