// SPDX-License-Identifier: MIT
/*
 * drm_bench: clocks, statistics and small file helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* User plus system time of this process. */
double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("drm_bench: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Progress, on stderr so that stdout holds the table only. */
void note(const char *fmt, ...)
{
	va_list ap;

	fputs("drm_bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double median(const double *v, int n)
{
	double s[4096];

	if (n <= 0)
		return 0;
	if (n > (int)(sizeof(s) / sizeof(s[0])))
		n = sizeof(s) / sizeof(s[0]);
	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double minimum(const double *v, int n)
{
	double m = v[0];
	int i;

	for (i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

double maximum(const double *v, int n)
{
	double m = v[0];
	int i;

	for (i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

/* Reads up to @len - 1 bytes, NUL-terminated. Returns bytes or -errno. */
int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n, total = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)total < len - 1) {
		n = read(fd, buf + total, len - 1 - total);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += n;
	}
	buf[total] = 0;
	close(fd);
	return total;
}

int write_file(const char *path, const char *s)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/* A /proc/meminfo value in kB, -1 if absent. */
long meminfo_kb(const char *key)
{
	char buf[8192], *p;
	size_t k = strlen(key);

	if (read_file("/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, k) && p[k] == ':')
			return strtol(p + k + 1, NULL, 10);
	return -1;
}

void sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * Which pair goes i-th (0 or 1) in round @round: ours first in even
 * rounds, upstream first in odd ones, so that neither always runs on a
 * guest the other has just warmed up or dirtied.
 */
int pair_order(int round, int i)
{
	return (round + i) % 2;
}

#define MAX_OPS 4096

void time_round(op_fn op, op_fn limit, void *arg, double budget, int min_ops,
		int round, double wall[NPAIRS + 1], double cpu[NPAIRS + 1])
{
	static double t[NPAIRS + 1][MAX_OPS];
	double c[NPAIRS + 1] = { 0 }, start = now_s(), t0, c0;
	int n = 0, k, who, slots = limit ? NPAIRS + 1 : NPAIRS;

	do {
		for (k = 0; k < slots; k++) {
			/* Pairs alternate; the limit goes between them. */
			if (limit && k == 1)
				who = NPAIRS;
			else
				who = pair_order(round + n, k ? 1 : 0);
			t0 = now_s();
			c0 = cpu_s();
			if (who == NPAIRS)
				limit(NULL, arg);
			else
				op(&pairs[who], arg);
			t[who][n] = now_s() - t0;
			c[who] += cpu_s() - c0;
		}
		n++;
	} while (n < MAX_OPS && (n < min_ops || now_s() - start < budget));

	for (k = 0; k < slots; k++) {
		wall[k] = median(t[k], n);
		cpu[k] = c[k] / n;
	}
}
