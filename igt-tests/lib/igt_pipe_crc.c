// SPDX-License-Identifier: MIT
/*
 * Pipe CRC capture through debugfs: see igt_pipe_crc.h.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "igt_core.h"
#include "igt_display.h"
#include "igt_pipe_crc.h"

/* "0x%08x 0x%08x\n" and the NUL the core copies too. */
#define LINE_LEN	23
#define FIRST_ENTRY_MS	10000

void igt_pipe_crc_init(struct igt_pipe_crc *pc, int drm_fd, int crtc_index,
		       const char *source)
{
	char path[192];
	struct stat st;

	memset(pc, 0, sizeof(*pc));
	pc->drm_fd = drm_fd;
	pc->crtc_index = crtc_index;
	pc->data_fd = -1;
	snprintf(pc->source, sizeof(pc->source), "%s", source);

	igt_assert(fstat(drm_fd, &st) == 0);
	snprintf(pc->dir, sizeof(pc->dir), "/sys/kernel/debug/dri/%u/crtc-%d/crc",
		 minor(st.st_rdev), crtc_index);
	snprintf(path, sizeof(path), "%s/control", pc->dir);
	igt_require_f(access(path, W_OK) == 0, "no CRC capture: %s: %m\n", path);
}

int igt_pipe_crc_set_source(struct igt_pipe_crc *pc, const char *source)
{
	char path[192];
	ssize_t len = strlen(source);
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/control", pc->dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	igt_assert_f(fd >= 0, "cannot open %s: %m\n", path);
	if (write(fd, source, len) != len)
		err = -errno;
	close(fd);
	return err;
}

void igt_pipe_crc_read_control(struct igt_pipe_crc *pc, char *buf,
			       size_t size)
{
	char path[192];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "%s/control", pc->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	igt_assert_f(fd >= 0, "cannot open %s: %m\n", path);
	len = read(fd, buf, size - 1);
	close(fd);
	igt_assert(len >= 0);
	buf[len] = '\0';
}

int __igt_pipe_crc_start(struct igt_pipe_crc *pc)
{
	char path[192];
	int ret;

	igt_assert_eq(pc->data_fd, -1);
	ret = igt_pipe_crc_set_source(pc, pc->source);
	if (ret)
		return ret;

	snprintf(path, sizeof(path), "%s/data", pc->dir);
	pc->data_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	return pc->data_fd < 0 ? -errno : 0;
}

void igt_pipe_crc_start(struct igt_pipe_crc *pc)
{
	struct pollfd pfd;
	int ret;

	ret = __igt_pipe_crc_start(pc);
	igt_assert_f(ret == 0, "cannot start CRC capture: %s\n", strerror(-ret));

	pfd.fd = pc->data_fd;
	pfd.events = POLLIN;
	igt_assert_f(poll(&pfd, 1, FIRST_ENTRY_MS) == 1,
		     "no CRC entry within %d ms\n", FIRST_ENTRY_MS);
}

void igt_pipe_crc_stop(struct igt_pipe_crc *pc)
{
	if (pc->data_fd >= 0)
		close(pc->data_fd);
	pc->data_fd = -1;
}

static void parse_line(const char *line, struct igt_crc *crc)
{
	char *end;

	memset(crc, 0, sizeof(*crc));
	igt_assert_f(line[10] == ' ' && line[21] == '\n',
		     "bad CRC line \"%.22s\"\n", line);
	if (strncmp(line, "XXXXXXXXXX", 10)) {
		crc->has_frame = true;
		crc->frame = strtoul(line, &end, 16);
		igt_assert_f(end == line + 10, "bad frame in \"%.22s\"\n", line);
	}
	crc->crc = strtoul(line + 11, &end, 16);
	igt_assert_f(end == line + 21, "bad CRC in \"%.22s\"\n", line);
}

bool igt_pipe_crc_read(struct igt_pipe_crc *pc, int timeout_ms,
		       struct igt_crc *crc)
{
	struct pollfd pfd = { .fd = pc->data_fd, .events = POLLIN };
	char line[64];
	ssize_t len;

	igt_assert(pc->data_fd >= 0);
	for (;;) {
		len = read(pc->data_fd, line, sizeof(line));
		if (len >= 0)
			break;
		igt_assert_f(errno == EAGAIN, "reading CRC data: %m\n");
		if (timeout_ms == 0 || poll(&pfd, 1, timeout_ms) != 1)
			return false;
	}
	igt_assert_f(len == LINE_LEN && line[LINE_LEN - 1] == '\0',
		     "CRC read of %zd bytes\n", len);
	parse_line(line, crc);
	return true;
}

void igt_pipe_crc_get_single(struct igt_pipe_crc *pc, struct igt_crc *crc)
{
	igt_assert_f(igt_pipe_crc_read(pc, FIRST_ENTRY_MS, crc),
		     "no CRC entry within %d ms\n", FIRST_ENTRY_MS);
}

int igt_pipe_crc_drain(struct igt_pipe_crc *pc, struct igt_crc *last)
{
	struct igt_crc crc;
	int n = 0;

	while (igt_pipe_crc_read(pc, 0, &crc)) {
		if (last)
			*last = crc;
		n++;
	}
	return n;
}

void igt_pipe_crc_get_current(struct igt_pipe_crc *pc, struct igt_crc *crc)
{
	uint32_t now = kms_vblank_count(pc->drm_fd, pc->crtc_index);

	do {
		igt_pipe_crc_get_single(pc, crc);
		igt_assert(crc->has_frame);
	} while ((int32_t)(crc->frame - now) <= 0);
}

void igt_pipe_crc_collect_crc(struct igt_pipe_crc *pc, struct igt_crc *crc)
{
	igt_pipe_crc_start(pc);
	igt_pipe_crc_get_single(pc, crc);
	igt_pipe_crc_stop(pc);
}
