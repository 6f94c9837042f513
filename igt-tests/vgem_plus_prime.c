// SPDX-License-Identifier: MIT
/*
 * PRIME on drm_vgem_plus: export under our own exporter name, import of our
 * own and foreign dma-bufs, CPU access through every kind of mapping, and
 * sharing with another process.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>

#include "igt.h"
#include "igt_dmabuf.h"

#define EXPORTER "drm_vgem_plus"

static void fill(uint32_t *ptr, size_t size, uint32_t seed)
{
	size_t i;

	for (i = 0; i < size / 4; i++)
		ptr[i] = seed + i;
}

static void check(const uint32_t *ptr, size_t size, uint32_t seed)
{
	size_t i;

	for (i = 0; i < size / 4; i++)
		igt_assert_f(ptr[i] == seed + (uint32_t)i,
			     "word %zu: %#x != %#x\n", i, ptr[i],
			     seed + (uint32_t)i);
}

static void test_export_bufinfo(int fd)
{
	uint32_t handle = vgem_plus_create(fd, 16384);
	int dmabuf = prime_handle_to_fd(fd, handle);
	struct bufinfo_buffer b;
	char val[64];

	igt_assert(bufinfo_find(dmabuf_inode(dmabuf), &b));
	igt_assert_eq(strcmp(b.exp_name, EXPORTER), 0);
	igt_assert_eq_u64(b.size, 16384);
	igt_assert_eq(strcmp(b.name, "<none>"), 0);
	igt_assert(fdinfo_get(dmabuf, "exp_name", val, sizeof(val)));
	igt_assert_eq(strcmp(val, EXPORTER), 0);

	close(dmabuf);
	gem_close(fd, handle);
}

/* Exporting twice gives one dma-buf; importing it gives the same handle. */
static void test_self_import(int fd)
{
	uint32_t handle = vgem_plus_create(fd, 4096);
	int a = prime_handle_to_fd(fd, handle);
	int b = prime_handle_to_fd(fd, handle);

	igt_assert_eq_u64(dmabuf_inode(a), dmabuf_inode(b));
	igt_assert_eq_u32(prime_fd_to_handle(fd, a), handle);
	close(a);
	close(b);
	gem_close(fd, handle);
}

/* Another client of the same device gets its own handle, same object. */
static void test_import_other_client(int fd)
{
	int other = drm_open_driver_render(DRIVER_VGEM);
	uint32_t handle = vgem_plus_create(fd, 8192), imported;
	int dmabuf = prime_handle_to_fd(fd, handle);
	uint32_t *a, *b;

	imported = prime_fd_to_handle(other, dmabuf);
	igt_assert_eq_u32(prime_fd_to_handle(other, dmabuf), imported);

	a = vgem_plus_mmap(fd, handle, 8192);
	b = vgem_plus_mmap(other, imported, 8192);
	fill(a, 8192, 0x1000);
	check(b, 8192, 0x1000);

	munmap(a, 8192);
	munmap(b, 8192);
	close(dmabuf);
	close(other);
	gem_close(fd, handle);
}

static void test_export_flags(int fd)
{
	struct drm_prime_handle arg;
	uint32_t handle = vgem_plus_create(fd, 4096);

	arg = (struct drm_prime_handle){ .handle = handle, .flags = ~0u };
	do_ioctl_err(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &arg, EINVAL);
	arg = (struct drm_prime_handle){ .handle = handle + 100 };
	do_ioctl_err(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &arg, ENOENT);

	arg = (struct drm_prime_handle){ .handle = handle, .flags = DRM_CLOEXEC };
	do_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &arg);
	igt_assert(fcntl(arg.fd, F_GETFD) & FD_CLOEXEC);
	/* Read-only exports refuse writable mappings. */
	igt_assert(mmap(NULL, 4096, PROT_WRITE, MAP_SHARED, arg.fd, 0) ==
		   MAP_FAILED);
	close(arg.fd);
	gem_close(fd, handle);
}

static void test_import_bad(int fd)
{
	struct drm_prime_handle arg = { .fd = -1 };
	int null = open("/dev/null", O_RDONLY);

	do_ioctl_err(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &arg, EBADF);
	arg.fd = null;
	do_ioctl_err(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &arg, EINVAL);
	close(null);
}

/* The dma-buf keeps the object after its last handle is gone. */
static void test_export_outlives_handle(int fd)
{
	uint32_t handle = vgem_plus_create(fd, 4096);
	int dmabuf = prime_handle_to_fd(fd, handle);
	uint32_t *ptr = vgem_plus_mmap(fd, handle, 4096);

	fill(ptr, 4096, 7);
	munmap(ptr, 4096);
	gem_close(fd, handle);

	handle = prime_fd_to_handle(fd, dmabuf);
	ptr = vgem_plus_mmap(fd, handle, 4096);
	check(ptr, 4096, 7);
	munmap(ptr, 4096);
	gem_close(fd, handle);
	close(dmabuf);
}

/* CPU writes through one mapping are seen through every other one. */
static void test_dmabuf_mmap(int fd)
{
	const size_t size = 64 * 1024;
	uint32_t handle = vgem_plus_create(fd, size);
	int dmabuf = prime_handle_to_fd(fd, handle);
	uint32_t *gem = vgem_plus_mmap(fd, handle, size);
	uint32_t *buf = prime_mmap(dmabuf, size);

	igt_assert_eq(dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE), 0);
	fill(buf, size, 0xabc);
	igt_assert_eq(dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE), 0);
	check(gem, size, 0xabc);

	fill(gem, size, 0x123);
	igt_assert_eq(dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ), 0);
	check(buf, size, 0x123);
	igt_assert_eq(dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ), 0);

	munmap(gem, size);
	munmap(buf, size);
	close(dmabuf);
	gem_close(fd, handle);
}

/* mmap() of a dma-buf at an offset starts at that page of the buffer. */
static void test_dmabuf_mmap_offset(int fd)
{
	const size_t page = 4096, size = 4 * page;
	uint32_t handle = vgem_plus_create(fd, size);
	int dmabuf = prime_handle_to_fd(fd, handle);
	uint32_t *gem = vgem_plus_mmap(fd, handle, size);
	uint32_t *tail;

	fill(gem, size, 0x5000);
	tail = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf,
		    2 * page);
	igt_assert(tail != MAP_FAILED);
	igt_assert_eq(dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW), 0);
	check(tail, 2 * page, 0x5000 + 2 * page / 4);
	fill(tail, 2 * page, 0x9000);
	igt_assert_eq(dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW), 0);
	check(gem + 2 * page / 4, 2 * page, 0x9000);
	check(gem, 2 * page, 0x5000);

	/* Past the end of the buffer there is nothing to map. */
	igt_assert(mmap(NULL, page, PROT_READ, MAP_SHARED, dmabuf, size) ==
		   MAP_FAILED);

	munmap(tail, 2 * page);
	munmap(gem, size);
	close(dmabuf);
	gem_close(fd, handle);
}

static void test_dmabuf_sync_bad(int fd)
{
	uint32_t handle = vgem_plus_create(fd, 4096);
	int dmabuf = prime_handle_to_fd(fd, handle);

	igt_assert_eq(dmabuf_sync(dmabuf, ~0ull), -EINVAL);
	igt_assert_eq(dmabuf_sync(dmabuf, DMA_BUF_SYNC_START), -EINVAL);
	igt_assert_eq(dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW), 0);
	close(dmabuf);
	gem_close(fd, handle);
}

static void test_dmabuf_name(int fd)
{
	const char *name = "frame 0\twith tabs";
	uint32_t handle = vgem_plus_create(fd, 4096);
	int dmabuf = prime_handle_to_fd(fd, handle);
	struct bufinfo_buffer b;
	char val[64], big[64];

	igt_assert_eq(dmabuf_set_name(dmabuf, name), 0);
	igt_assert(fdinfo_get(dmabuf, "name", val, sizeof(val)));
	igt_assert_eq(strcmp(val, name), 0);
	igt_assert(bufinfo_find(dmabuf_inode(dmabuf), &b));
	igt_assert_eq(strcmp(b.name, name), 0);
	igt_assert_eq(strcmp(b.exp_name, EXPORTER), 0);

	/* DMA_BUF_NAME_LEN is 32 with the NUL: longer names are refused. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	igt_assert_eq(dmabuf_set_name(dmabuf, big), -EINVAL);
	close(dmabuf);
	gem_close(fd, handle);
}

/* A dup'ed fd is one more reference on the same file. */
static void test_bufinfo_count(int fd)
{
	uint32_t handle = vgem_plus_create(fd, 4096);
	int dmabuf = prime_handle_to_fd(fd, handle), dup_fd;
	unsigned long ino = dmabuf_inode(dmabuf);
	struct bufinfo_buffer b;
	long base;

	igt_assert(bufinfo_find(ino, &b));
	base = b.count;
	dup_fd = dup(dmabuf);
	igt_assert(bufinfo_find(ino, &b));
	igt_assert_eq(b.count, base + 1);
	close(dup_fd);
	igt_assert(bufinfo_find(ino, &b));
	igt_assert_eq(b.count, base);

	gem_close(fd, handle);
	igt_assert(bufinfo_find(ino, &b));
	close(dmabuf);
	igt_assert(!bufinfo_find(ino, &b));
}

static void send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {}, byte = 'x';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	igt_assert_eq(sendmsg(sock, &msg, 0), 1);
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int fd;

	igt_assert_eq(recvmsg(sock, &msg, 0), 1);
	cmsg = CMSG_FIRSTHDR(&msg);
	igt_assert(cmsg && cmsg->cmsg_type == SCM_RIGHTS);
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/*
 * The parent exports and passes the fd over a unix socket; the child,
 * with its own device file, imports, checks the parent's pattern and
 * answers with its own, which the parent then sees.
 */
static void test_cross_process(int fd)
{
	const size_t size = 32 * 1024;
	uint32_t handle = vgem_plus_create(fd, size);
	uint32_t *ptr = vgem_plus_mmap(fd, handle, size);
	int sv[2], dmabuf;
	char done;

	igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fill(ptr, size, 0x5000);

	igt_fork(child, 1) {
		int own = drm_open_driver_render(DRIVER_VGEM);
		int got = recv_fd(sv[1]);
		uint32_t h = prime_fd_to_handle(own, got);
		uint32_t *p = vgem_plus_mmap(own, h, size);

		check(p, size, 0x5000);
		fill(p, size, 0x6000);
		munmap(p, size);
		close(got);
		close(own);
		igt_assert_eq(write(sv[1], "d", 1), 1);
	}

	dmabuf = prime_handle_to_fd(fd, handle);
	send_fd(sv[0], dmabuf);
	close(dmabuf);
	igt_assert_eq(read(sv[0], &done, 1), 1);
	igt_waitchildren();
	check(ptr, size, 0x6000);

	close(sv[0]);
	close(sv[1]);
	munmap(ptr, size);
	gem_close(fd, handle);
}

/* Foreign dma-bufs import once per file and share their pages. */
static void test_import_foreign(int fd, int dmabuf)
{
	const size_t size = 16 * 1024;
	uint32_t handle, *theirs, *ours;

	igt_require_f(dmabuf >= 0, "no such exporter (%d)\n", dmabuf);
	handle = prime_fd_to_handle(fd, dmabuf);
	igt_assert_eq_u32(prime_fd_to_handle(fd, dmabuf), handle);

	theirs = prime_mmap(dmabuf, size);
	ours = vgem_plus_mmap(fd, handle, size);
	fill(theirs, size, 0x77);
	check(ours, size, 0x77);

	munmap(theirs, size);
	munmap(ours, size);
	gem_close(fd, handle);
	close(dmabuf);
}

igt_main
{
	int fd = -1;

	igt_fixture
		fd = drm_open_driver_render(DRIVER_VGEM);

	igt_describe("Exports show in bufinfo and fdinfo as drm_vgem_plus.");
	igt_subtest("export-bufinfo")
		test_export_bufinfo(fd);

	igt_describe("One dma-buf per object; self-import returns the handle.");
	igt_subtest("self-import")
		test_self_import(fd);

	igt_describe("Another client imports the same pages once.");
	igt_subtest("import-other-client")
		test_import_other_client(fd);

	igt_describe("HANDLE_TO_FD checks flags and handle; honours flags.");
	igt_subtest("export-flags")
		test_export_flags(fd);

	igt_describe("FD_TO_HANDLE refuses bad fds and non-dma-bufs.");
	igt_subtest("import-bad")
		test_import_bad(fd);

	igt_describe("The dma-buf keeps the object alive without handles.");
	igt_subtest("export-outlives-handle")
		test_export_outlives_handle(fd);

	igt_describe("Writes via the dma-buf mapping show in the GEM one.");
	igt_subtest("dmabuf-mmap")
		test_dmabuf_mmap(fd);

	igt_describe("A dma-buf mapped at an offset shows the pages from there on.");
	igt_subtest("dmabuf-mmap-offset")
		test_dmabuf_mmap_offset(fd);

	igt_describe("DMA_BUF_IOCTL_SYNC validates its flags.");
	igt_subtest("dmabuf-sync-bad")
		test_dmabuf_sync_bad(fd);

	igt_describe("DMA_BUF_SET_NAME shows in fdinfo and bufinfo.");
	igt_subtest("dmabuf-name")
		test_dmabuf_name(fd);

	igt_describe("bufinfo's count follows dup and close.");
	igt_subtest("bufinfo-count")
		test_bufinfo_count(fd);

	igt_describe("Sharing with a process over a unix socket, both ways.");
	igt_subtest("cross-process")
		test_cross_process(fd);

	igt_describe("Importing from the system dma-heap.");
	igt_subtest("import-dma-heap")
		test_import_foreign(fd, dmabuf_heap_alloc(16 * 1024));

	igt_describe("Importing from udmabuf.");
	igt_subtest("import-udmabuf")
		test_import_foreign(fd, udmabuf_alloc(16 * 1024));

	igt_fixture
		close(fd);
}
