// SPDX-License-Identifier: MIT
/*
 * Small helpers of the zero-copy demo: dying with a reason, the clock,
 * format names, reading a whole file.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: error: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	exit(1);
}

void die_errno(const char *what)
{
	die("%s: %s\n", what, strerror(errno));
}

uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
}

void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000l };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static const struct {
	uint32_t format;
	const char *name;
} formats[] = {
	{ DRM_FORMAT_XRGB8888, "xrgb8888" },
	{ DRM_FORMAT_RGB565, "rgb565" },
	{ DRM_FORMAT_XRGB2101010, "xrgb2101010" },
};

const char *format_name(uint32_t format)
{
	unsigned int i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].format == format)
			return formats[i].name;
	return "?";
}

/* 0 for a name the demo does not draw. */
uint32_t format_from_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcasecmp(formats[i].name, name))
			return formats[i].format;
	return 0;
}

/* The whole file, NUL-terminated and malloc'ed; NULL when unreadable. */
char *read_file(const char *path)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 2) {
			char *more = realloc(buf, cap * 2);

			if (!more)
				die("out of memory\n");
			buf = more;
			cap *= 2;
		}
	}
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}
