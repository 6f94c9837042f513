// SPDX-License-Identifier: MIT
/*
 * Small helpers of dmabuf-inspect: see util.h.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static void out_of_memory(void)
{
	fputs("dmabuf-inspect: out of memory\n", stderr);
	exit(2);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (ret < 0)
		out_of_memory();
	return s;
}

void *array_push(void **arr, size_t *len, size_t *cap, size_t size)
{
	char *elem;

	if (*len == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		*arr = xrealloc(*arr, *cap * size);
	}
	elem = (char *)*arr + *len * size;
	memset(elem, 0, size);
	(*len)++;
	return elem;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * An interval timer whose signal has no SA_RESTART: a read() sleeping
 * interruptibly in the kernel returns EINTR when it fires. bufinfo's
 * locks are taken interruptibly, so this bounds it.
 */
static void alarm_arm(int timeout_ms, struct sigaction *old)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = {
		.it_value = {
			.tv_sec = timeout_ms / 1000,
			.tv_usec = (timeout_ms % 1000) * 1000,
		},
		/* Again, should the first one land outside the read(). */
		.it_interval = { .tv_usec = 100000 },
	};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, old);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void alarm_disarm(const struct sigaction *old)
{
	struct itimerval it = {};

	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, old, NULL);
}

int read_file(const char *path, int timeout_ms, char **text, size_t *len)
{
	size_t n = 0, cap = 65536;
	struct sigaction old;
	char *buf;
	ssize_t r;
	int fd, err = 0;

	*text = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	buf = xmalloc(cap);
	if (timeout_ms > 0)
		alarm_arm(timeout_ms, &old);
	for (;;) {
		if (cap - n < 4096) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			err = errno == EINTR && timeout_ms > 0 ? -ETIMEDOUT : -errno;
			break;
		}
		if (r == 0)
			break;
		n += r;
	}
	if (timeout_ms > 0)
		alarm_disarm(&old);
	close(fd);

	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*text = buf;
	if (len)
		*len = n;
	return 0;
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

void unescape_octal(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && is_octal(s[1]) && is_octal(s[2]) &&
		    is_octal(s[3])) {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
					(s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

void unquote(char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		memmove(s, s + 1, n - 2);
		s[n - 2] = '\0';
	}
}

void fput_escaped(FILE *f, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '\t':
			fputs("\\t", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\\':
		case '"':
			fprintf(f, "\\%c", *p);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\x%02x", *p);
			else
				fputc(*p, f);
		}
	}
}

long long boottime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

const char *human_size(unsigned long long bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = bytes;
	int i = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu B", bytes);
		return buf;
	}
	while (v >= 1024 && i < (int)ARRAY_LEN(units) - 1) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, "%.1f %s", v, units[i]);
	return buf;
}

const char *human_ms(long long ms, char *buf, size_t len)
{
	if (ms < 1000)
		snprintf(buf, len, "%lld ms", ms);
	else if (ms < 60000)
		snprintf(buf, len, "%.1f s", ms / 1000.0);
	else
		snprintf(buf, len, "%lld min %lld s", ms / 60000, ms / 1000 % 60);
	return buf;
}

bool parse_ull(const char *s, int base, unsigned long long *out)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*out = strtoull(s, &end, base);
	return !errno && !*end;
}

bool parse_ll(const char *s, long long *out)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return !errno && !*end;
}

const char *plural(unsigned long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}
