// SPDX-License-Identifier: MIT
/*
 * bufinfo for the dmabuf_* tests: see igt_bufinfo.h.
 */

#define _GNU_SOURCE
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "igt_bufinfo.h"
#include "igt_core.h"
#include "util.h"

#define BUFINFO "/sys/kernel/debug/dma_buf/bufinfo"
#define BUFINFO_READ_MS 10000

void igt_bufinfo_read(struct bufinfo *bi)
{
	char *text;
	size_t i;
	int ret;

	ret = read_file(BUFINFO, BUFINFO_READ_MS, &text, NULL);
	igt_assert_f(ret == 0, "cannot read " BUFINFO ": %s\n", strerror(-ret));
	ret = bufinfo_parse(text, bi);
	free(text);
	igt_assert_f(ret == 0, BUFINFO " has no header line\n");
	for (i = 0; i < bi->num_warnings; i++)
		igt_warn("bufinfo: %s\n", bi->warnings[i]);
	igt_assert_eq(bi->num_warnings, 0);
	igt_assert(bi->has_totals);
	igt_assert_eq_u64(bi->total_objects, bi->num_buffers);
	igt_assert_eq_u64(bi->total_bytes, bufinfo_sum_bytes(bi));
}

const struct bufinfo_buf *igt_bufinfo_get(const struct bufinfo *bi,
					  unsigned long ino)
{
	const struct bufinfo_buf *b = bufinfo_lookup(bi, ino);

	igt_assert_f(b, "dma-buf %lu is not in bufinfo\n", ino);
	return b;
}

static size_t count_listed(const unsigned long *inos, size_t n,
			   unsigned long *first)
{
	struct bufinfo bi;
	size_t i, listed = 0;

	igt_bufinfo_read(&bi);
	for (i = 0; i < n; i++) {
		if (!bufinfo_lookup(&bi, inos[i]))
			continue;
		if (!listed++)
			*first = inos[i];
	}
	bufinfo_free(&bi);
	return listed;
}

void igt_bufinfo_wait_gone(const unsigned long *inos, size_t n)
{
	struct timespec start = {};
	unsigned long first = 0;
	size_t listed;

	/* Late releases (a commit's cleanup) may take a moment. */
	while ((listed = count_listed(inos, n, &first))) {
		igt_assert_f(igt_nsec_elapsed(&start) < 2000000000ull,
			     "%zu of our dma-bufs still listed, e.g. %lu\n",
			     listed, first);
		usleep(20000);
	}
}

void igt_drm_device_name(int drm_fd, char *name, size_t len)
{
	char link[64], target[PATH_MAX];
	struct stat st;
	ssize_t n;

	igt_assert_eq(fstat(drm_fd, &st), 0);
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	igt_assert_f(n > 0, "cannot read %s\n", link);
	target[n] = '\0';
	snprintf(name, len, "%s", basename(target));
}
