// SPDX-License-Identifier: MIT
/*
 * Zero-copy sharing through drm_vgem_plus, in plain words and numbers.
 *
 * A producer process allocates a ring of buffers on the render node,
 * exports and names each one and hands the dma-bufs to a consumer process
 * over a unix socket. Then, frame by frame, the producer attaches a write
 * fence, draws into the buffer through its mapping, signals the fence and
 * tells the consumer; the consumer waits for the fence by poll() on the
 * dma-buf and checks every pixel through its own mapping. No byte is
 * copied between the two: both map the same pages.
 *
 * Usage: zero_copy [--frames N] [--size WxH] [--late MS]
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <linux/dma-buf.h>
#include <xf86drm.h>

#include "vgem_plus_drm.h"

#define RING 3

struct buffer {
	uint32_t handle;
	int dmabuf;
	uint32_t pitch;
	uint64_t size;
	uint32_t *map;
	unsigned long ino;
};

struct options {
	unsigned int frames, width, height, late_ms;
};

static void die(const char *what)
{
	fprintf(stderr, "zero_copy: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* The render node of the device whose description names drm_vgem_plus. */
static int open_vgem_plus(void)
{
	drmDevicePtr devs[16];
	int i, n, fd = -1;

	n = drmGetDevices2(0, devs, 16);
	for (i = 0; i < n && fd < 0; i++) {
		drmVersionPtr v;

		if (!(devs[i]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		fd = open(devs[i]->nodes[DRM_NODE_RENDER], O_RDWR | O_CLOEXEC);
		v = fd >= 0 ? drmGetVersion(fd) : NULL;
		if (!v || strcmp(v->name, "vgem") || !strstr(v->desc, "drm_vgem_plus")) {
			if (fd >= 0)
				close(fd);
			fd = -1;
		}
		drmFreeVersion(v);
	}
	drmFreeDevices(devs, n > 0 ? n : 0);
	if (fd < 0) {
		fprintf(stderr, "zero_copy: no drm_vgem_plus render node (module loaded?)\n");
		exit(1);
	}
	return fd;
}

static void *map_dmabuf(int dmabuf, size_t size)
{
	void *ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 dmabuf, 0);

	if (ptr == MAP_FAILED)
		die("mmap dma-buf");
	return ptr;
}

static void alloc_buffer(int fd, const struct options *o, int i,
			 struct buffer *b)
{
	struct drm_vgem_plus_create create = {
		.width = o->width, .height = o->height,
		.format = DRM_FORMAT_XRGB8888,
	};
	struct stat st;
	char name[32];

	if (drmIoctl(fd, DRM_IOCTL_VGEM_PLUS_CREATE, &create))
		die("DRM_IOCTL_VGEM_PLUS_CREATE");
	if (drmPrimeHandleToFD(fd, create.handle, DRM_CLOEXEC | DRM_RDWR,
			       &b->dmabuf))
		die("PRIME export");
	snprintf(name, sizeof(name), "zero-copy-%d", i);
	if (ioctl(b->dmabuf, DMA_BUF_SET_NAME_B, name))
		die("DMA_BUF_SET_NAME");
	b->handle = create.handle;
	b->pitch = create.pitches[0];
	b->size = create.size;
	b->map = map_dmabuf(b->dmabuf, b->size);
	if (fstat(b->dmabuf, &st))
		die("fstat");
	b->ino = st.st_ino;
}

static uint32_t pixel(unsigned int frame, unsigned int x, unsigned int y)
{
	return (frame * 7 + x) << 16 | (frame * 3 + y) << 8 | frame;
}

static void cpu_access(int dmabuf, uint64_t flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	if (ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync))
		die("DMA_BUF_IOCTL_SYNC");
}

static void draw(const struct options *o, struct buffer *b, unsigned int frame)
{
	unsigned int x, y;

	for (y = 0; y < o->height; y++)
		for (x = 0; x < o->width; x++)
			b->map[y * (b->pitch / 4) + x] = pixel(frame, x, y);
}

static unsigned int count_wrong(const struct options *o, struct buffer *b,
				unsigned int frame)
{
	unsigned int x, y, wrong = 0;

	cpu_access(b->dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	for (y = 0; y < o->height; y++)
		for (x = 0; x < o->width; x++)
			wrong += b->map[y * (b->pitch / 4) + x] != pixel(frame, x, y);
	cpu_access(b->dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	return wrong;
}

static void send_fds(int sock, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * RING)] = {}, byte = 'b';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = CMSG_SPACE(sizeof(int) * n),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * n);
	if (sendmsg(sock, &msg, 0) != 1)
		die("sendmsg");
}

static void recv_fds(int sock, int *fds, int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * RING)], byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;

	if (recvmsg(sock, &msg, 0) != 1)
		die("recvmsg");
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_len != CMSG_LEN(sizeof(int) * n))
		die("no fds received");
	memcpy(fds, CMSG_DATA(cmsg), sizeof(int) * n);
}

/* Frame messages: the frame number, then the ring slot. */
struct frame_msg {
	uint32_t frame, slot;
};

/*
 * The consumer waits on the dma-buf itself (POLLIN: writers done), so it
 * sees the fence, not the message, release the buffer.
 */
static int consumer(int sock, const struct options *o, uint64_t size,
		    uint32_t pitch)
{
	struct buffer ring[RING] = {};
	unsigned int frames = 0, wrong = 0, i;
	uint64_t waited_ns = 0;
	struct frame_msg msg;
	int fds[RING];

	recv_fds(sock, fds, RING);
	for (i = 0; i < RING; i++) {
		ring[i].dmabuf = fds[i];
		ring[i].size = size;
		ring[i].pitch = pitch;
		ring[i].map = map_dmabuf(fds[i], size);
	}

	while (read(sock, &msg, sizeof(msg)) == sizeof(msg)) {
		struct pollfd pfd = { .fd = ring[msg.slot].dmabuf, .events = POLLIN };
		uint64_t start = now_ns();

		if (poll(&pfd, 1, 20000) != 1)
			die("fence never signalled");
		waited_ns += now_ns() - start;
		wrong += count_wrong(o, &ring[msg.slot], msg.frame);
		frames++;
		if (write(sock, "k", 1) != 1)
			die("write");
	}

	printf("consumer: %u frames checked through its own mapping, %u wrong pixels, waited %.1f ms on fences in all\n",
	       frames, wrong, waited_ns / 1e6);
	return wrong ? 1 : 0;
}

static void attach_fence(int fd, struct buffer *b, uint32_t *fence)
{
	struct drm_vgem_fence_attach attach = {
		.handle = b->handle, .flags = VGEM_FENCE_WRITE,
	};

	if (drmIoctl(fd, DRM_IOCTL_VGEM_FENCE_ATTACH, &attach))
		die("VGEM_FENCE_ATTACH");
	*fence = attach.out_fence;
}

static void signal_fence(int fd, uint32_t fence)
{
	struct drm_vgem_fence_signal signal = { .fence = fence };

	if (drmIoctl(fd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &signal))
		die("VGEM_FENCE_SIGNAL");
}

/*
 * bufinfo lists buffers by inode, the sixth tab-separated field, each
 * followed by its fences and attachments on tab-indented lines.
 */
static void print_bufinfo(struct buffer *ring, const char *when)
{
	bool ours = false;
	FILE *f = fopen("/sys/kernel/debug/dma_buf/bufinfo", "r");
	unsigned long ino;
	char line[512];
	int i;

	if (!f) {
		printf("producer: bufinfo not readable (debugfs not mounted?)\n");
		return;
	}
	printf("producer: our buffers in /sys/kernel/debug/dma_buf/bufinfo %s:\n",
	       when);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '\t') {
			if (ours && strncmp(line, "\tAttached", 9))
				printf("  %s", line);
			continue;
		}
		ours = false;
		if (sscanf(line, "%*u %*x %*x %*d %*s %lu", &ino) != 1)
			continue;
		for (i = 0; i < RING; i++)
			ours |= ring[i].ino == ino;
		if (ours)
			printf("  %s", line);
	}
	fclose(f);
}

static int producer(int fd, int sock, const struct options *o,
		    struct buffer *ring)
{
	uint64_t start = now_ns();
	unsigned int frame;
	char ack;

	for (frame = 0; frame < o->frames; frame++) {
		struct frame_msg msg = { .frame = frame, .slot = frame % RING };
		struct buffer *b = &ring[msg.slot];
		uint32_t fence;

		/*
		 * SYNC_START waits for the buffer's fences, so it comes before
		 * we add our own; the fence then tells the consumer to wait.
		 */
		cpu_access(b->dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
		attach_fence(fd, b, &fence);
		if (write(sock, &msg, sizeof(msg)) != sizeof(msg))
			die("write");
		draw(o, b, frame);
		if (!frame)
			print_bufinfo(ring, "while frame 0 is drawn");
		if (o->late_ms)
			usleep(o->late_ms * 1000);
		cpu_access(b->dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
		signal_fence(fd, fence);
		if (read(sock, &ack, 1) != 1)
			die("consumer died");
	}

	printf("producer: %u frames of %ux%u XRGB8888 in %.2f s (%.1f frames/s), %u buffers, 0 bytes copied\n",
	       o->frames, o->width, o->height, (now_ns() - start) / 1e9,
	       o->frames / ((now_ns() - start) / 1e9), RING);
	return 0;
}

static void parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "frames", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "late", required_argument, NULL, 'l' },
		{}
	};
	int c;

	*o = (struct options){ .frames = 60, .width = 640, .height = 480 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'n')
			o->frames = strtoul(optarg, NULL, 0);
		else if (c == 's' && sscanf(optarg, "%ux%u", &o->width, &o->height) == 2)
			;
		else if (c == 'l')
			o->late_ms = strtoul(optarg, NULL, 0);
		else {
			fprintf(stderr, "usage: zero_copy [--frames N] [--size WxH] [--late MS]\n");
			exit(2);
		}
	}
}

int main(int argc, char **argv)
{
	struct buffer ring[RING];
	struct options o;
	int fd, sv[2], fds[RING], i, status;
	pid_t child;

	parse(argc, argv, &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open_vgem_plus();
	for (i = 0; i < RING; i++) {
		alloc_buffer(fd, &o, i, &ring[i]);
		fds[i] = ring[i].dmabuf;
	}
	printf("producer: %d buffers of %llu bytes (pitch %u) on drm_vgem_plus, exported as dma-bufs \"zero-copy-0..%d\"\n",
	       RING, (unsigned long long)ring[0].size, ring[0].pitch, RING - 1);

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		die("socketpair");
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		close(sv[0]);
		exit(consumer(sv[1], &o, ring[0].size, ring[0].pitch));
	}
	close(sv[1]);
	send_fds(sv[0], fds, RING);
	print_bufinfo(ring, "after export");
	producer(fd, sv[0], &o, ring);
	close(sv[0]);
	if (waitpid(child, &status, 0) != child)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
