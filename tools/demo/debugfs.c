// SPDX-License-Identifier: MIT
/*
 * What the kernel says about the run: drm_display's debugfs counters
 * (fence_waits, crtcs), the ring's lines in dma-buf's bufinfo, the
 * fence timeout reports in the kernel log, drm_display's parameters.
 * Everything here needs root and debugfs; without them the demo still
 * runs and says what it could not read.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo.h"

#define BUFINFO		"/sys/kernel/debug/dma_buf/bufinfo"
#define PARAMS		"/sys/module/drm_display/parameters/"
#define TIMEOUT_REPORT	"fence timed out after"

static void parse_fence_waits(const char *text, struct counters *c)
{
	const char *line = strstr(text, "total waits ");

	if (!line || sscanf(line, "total waits %llu timeouts %llu max-ms %lld",
			    &c->waits, &c->timeouts, &c->max_ms) != 3)
		die("unexpected debugfs fence_waits:\n%s", text);
}

static void parse_crtcs(const char *text, int index, struct counters *c)
{
	char want[32];
	const char *line;

	snprintf(want, sizeof(want), "crtc crtc-%d ", index);
	line = strstr(text, want);
	if (!line || sscanf(line + strlen(want), "active %*d flips %llu skipped %llu",
			    &c->flips, &c->skipped) != 2)
		die("unexpected debugfs crtcs:\n%s", text);
}

/* All zero when debugfs cannot be read. */
void counters_read(struct demo *d, struct counters *c)
{
	char *waits = display_debugfs_read(d->dev.display, "fence_waits");
	char *crtcs = display_debugfs_read(d->dev.display, "crtcs");

	memset(c, 0, sizeof(*c));
	if (waits)
		parse_fence_waits(waits, c);
	if (crtcs)
		parse_crtcs(crtcs, d->out.crtc_index, c);
	free(waits);
	free(crtcs);
}

static bool ours(const struct demo *d, unsigned long ino)
{
	int i;

	for (i = 0; i < DEMO_RING; i++)
		if (d->ring[i].ino == ino)
			return true;
	return false;
}

/*
 * The ring's buffers in bufinfo, one line each, then their fences and
 * the devices attached to them, indented; NULL when unreadable.
 */
char *bufinfo_lines(const struct demo *d)
{
	char *text = read_file(BUFINFO), *line, *save = NULL, *out = NULL;
	bool mine = false;
	unsigned long ino;
	size_t len = 0;
	FILE *f;

	if (!text)
		return NULL;
	f = open_memstream(&out, &len);
	if (!f)
		die("out of memory\n");
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] != '\t') {
			mine = sscanf(line, "%*u %*x %*x %*d %*s %lu", &ino) == 1 &&
			       ours(d, ino);
			if (mine)
				fprintf(f, "  %s\n", line);
		} else if (mine && strcmp(line, "\tAttached Devices:")) {
			fprintf(f, "  \t%s%s\n", strstr(line, "fence:") ? "" :
				"attached to ", line + 1);
		}
	}
	fclose(f);
	free(text);
	return out;
}

/* The "wait ..." lines of fence_waits, "" when none; NULL when unreadable. */
char *fence_waits_line(struct demo *d)
{
	char *text = display_debugfs_read(d->dev.display, "fence_waits");
	char *line, *save = NULL;

	if (!text)
		return NULL;
	d->fence_wait_line[0] = '\0';
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, "wait ", 5) && !d->fence_wait_line[0])
			snprintf(d->fence_wait_line, sizeof(d->fence_wait_line),
				 "%s", line);
	free(text);
	return d->fence_wait_line;
}

/* The kernel log from now on. */
void kmsg_begin(struct demo *d)
{
	d->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (d->kmsg_fd >= 0 && lseek(d->kmsg_fd, 0, SEEK_END) < 0) {
		close(d->kmsg_fd);
		d->kmsg_fd = -1;
	}
}

/* drm_display's fence timeout reports about our commits since then. */
void kmsg_collect(struct demo *d)
{
	char rec[4096], *msg, tag[32];
	ssize_t len;

	if (d->kmsg_fd < 0)
		return;
	snprintf(tag, sizeof(tag), "[%d];", (int)getpid());
	for (;;) {
		len = read(d->kmsg_fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;
		if (len <= 0)
			break;
		rec[len] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg[strcspn(msg, "\n")] = '\0';
		msg++;
		if (!strstr(msg, TIMEOUT_REPORT) || !strstr(msg, tag) ||
		    d->num_timeout_lines >= 4)
			continue;
		snprintf(d->timeout_lines[d->num_timeout_lines++],
			 sizeof(d->timeout_lines[0]), "%s", msg);
	}
}

void module_params_read(struct demo *d)
{
	char *timeout = read_file(PARAMS "fence_timeout_ms");
	char *skip = read_file(PARAMS "fence_skip");

	d->fence_timeout_ms = timeout ? strtoul(timeout, NULL, 10) : 5000;
	d->fence_skip = !skip || skip[0] == 'Y';
	free(timeout);
	free(skip);
}
