// SPDX-License-Identifier: MIT
/*
 * Wrappers for the fuzzed system calls.
 *
 * Blocking ioctls (DMA_BUF_IOCTL_SYNC START waits for fences) are bounded
 * by a per-thread timer whose signal interrupts them (EINTR), so a wait on
 * a fence nobody will signal soon costs 50 ms instead of a hang.
 *
 * With --failslab on a kernel without the stack-trace filter, fault
 * injection is limited to this thread's fuzzed calls: make-it-fail is
 * switched on around each of them (task-filter mode).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fuzz.h"

#define BLOCK_MS	50

static void fault_window(struct ctx *c, bool on)
{
	if (c->fail_fd < 0)
		return;
	/* The write itself allocates nothing; retry if a signal hits. */
	while (pwrite(c->fail_fd, on ? "1" : "0", 1, 0) < 0 && errno == EINTR)
		;
}

int x_ioctl(struct ctx *c, int fd, unsigned long req, void *arg)
{
	int r, e;

	fault_window(c, true);
	r = ioctl(fd, req, arg);
	e = errno;
	fault_window(c, false);
	return r < 0 ? -e : r;
}

static void itimer_arm(struct ctx *c, long ms)
{
	struct itimerspec its;

	if (!c->itimer_ok)
		return;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (ms % 1000) * 1000000L;
	timer_settime(c->itimer, 0, &its, NULL);
}

int x_ioctl_blocking(struct ctx *c, int fd, unsigned long req, void *arg)
{
	int r;

	itimer_arm(c, BLOCK_MS);
	r = x_ioctl(c, fd, req, arg);
	itimer_arm(c, 0);
	return r;
}

void *x_mmap(struct ctx *c, size_t len, int prot, int flags, int fd,
	     off_t off, int *err)
{
	void *p;

	fault_window(c, true);
	p = mmap(NULL, len, prot, flags, fd, off);
	*err = errno;
	fault_window(c, false);
	return p;
}

int x_close(struct ctx *c, int fd)
{
	int r, e;

	fault_window(c, true);
	r = close(fd);
	e = errno;
	fault_window(c, false);
	return r < 0 ? -e : 0;
}

int x_open(struct ctx *c, const char *path, int flags)
{
	int r, e;

	fault_window(c, true);
	r = open(path, flags);
	e = errno;
	fault_window(c, false);
	return r < 0 ? -e : r;
}

/* The interrupting timer: SIGUSR1 to this thread only. */
void sys_thread_init(struct ctx *c)
{
	struct sigevent sev;
	char path[64];

	c->tid = (pid_t)syscall(SYS_gettid);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGUSR1;
	sev._sigev_un._tid = c->tid;
	c->itimer_ok = timer_create(CLOCK_MONOTONIC, &sev, &c->itimer) == 0;
	c->fail_fd = -1;
	if (failslab_task_mode()) {
		snprintf(path, sizeof(path), "/proc/self/task/%d/make-it-fail",
			 (int)c->tid);
		c->fail_fd = open(path, O_WRONLY | O_CLOEXEC);
	}
}

void sys_thread_fini(struct ctx *c)
{
	if (c->itimer_ok)
		timer_delete(c->itimer);
	c->itimer_ok = false;
	if (c->fail_fd >= 0)
		close(c->fail_fd);
	c->fail_fd = -1;
}

/* Read a whole (small) file into @buf, NUL-terminated; 0 on error. */
size_t read_file(const char *path, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		buf[0] = 0;
		return 0;
	}
	while (n + 1 < len) {
		r = read(fd, buf + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	close(fd);
	return n;
}

int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t r;
	int e;

	if (fd < 0)
		return -errno;
	r = write(fd, s, strlen(s));
	e = errno;
	close(fd);
	return r < 0 ? -e : 0;
}
