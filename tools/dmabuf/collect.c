// SPDX-License-Identifier: MIT
/*
 * state_collect(): every source in turn, then what follows from all of
 * them (dark buffers, fence ages from a snapshot) and, in words, what
 * could not be seen.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect.h"
#include "util.h"

static void collect_time(struct state *s, const struct collect_opts *opts)
{
	char *path = root_path(opts, "/proc/sys/kernel/random/boot_id");
	char *text;

	if (!read_file(path, 0, &text, NULL)) {
		text[strcspn(text, "\n")] = '\0';
		snprintf(s->boot_id, sizeof(s->boot_id), "%s", text);
		free(text);
	}
	free(path);
	s->taken_ms = boottime_ms();
	s->realtime = time(NULL);
}

static void mark_dark(struct state *s)
{
	struct dbuf *b;
	size_t i;

	/* A process we cannot read may hold what looks dark. */
	s->dark_known = !s->procs_denied;
	for (i = 0; i < s->num_bufs; i++) {
		b = &s->bufs[i];
		b->dark = s->dark_known && !b->num_fds && !b->num_maps;
	}
}

/* An unmounted debugfs leaves /sys/kernel/debug empty. */
static bool debugfs_mounted(const struct collect_opts *opts)
{
	char *path = root_path(opts, "/sys/kernel/debug");
	DIR *d = opendir(path);
	struct dirent *de;
	bool found = false;

	free(path);
	while (d && !found && (de = readdir(d)))
		found = strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	if (d)
		closedir(d);
	return found;
}

static void note_bufinfo(struct state *s, const struct collect_opts *opts)
{
	switch (s->bufinfo.err) {
	case 0:
		break;
	case EACCES:
	case EPERM:
		state_note(s, "%s: %s: debugfs is for root only. Without it, buffers that no readable process holds by fd or mapping are invisible, and so are fences and importers",
			   s->bufinfo.path, strerror(s->bufinfo.err));
		break;
	case ENOENT:
		state_note(s, "%s: %s: %s", s->bufinfo.path,
			   strerror(s->bufinfo.err),
			   !debugfs_mounted(opts) ?
			   "debugfs is not mounted (mount -t debugfs none /sys/kernel/debug) or the kernel has no CONFIG_DEBUG_FS" :
			   "the kernel does not list dma-bufs there");
		break;
	case ETIMEDOUT:
		state_note(s, "%s: reading it blocked for %d ms: it takes every buffer's reservation lock, and one is held (a stuck driver?). Buffers below come from the other sources",
			   s->bufinfo.path, opts->timeout_ms);
		break;
	default:
		state_note(s, "%s: %s", s->bufinfo.path,
			   strerror(s->bufinfo.err));
	}
}

static void note_sources(struct state *s, const struct collect_opts *opts)
{
	note_bufinfo(s, opts);
	if (!s->bufinfo.ok && !s->sysfs.ok)
		state_note(s, "%s: %s: %s", s->sysfs.path,
			   strerror(s->sysfs.err),
			   s->sysfs.err == ENOENT ?
			   "the kernel has no CONFIG_DMABUF_SYSFS_STATS (Debian's has not): only buffers held by fd or mapping can be listed" :
			   "the sysfs stats cannot be read either");
	else if (!s->bufinfo.ok)
		state_note(s, "buffers come from %s: exporter and size only",
			   s->sysfs.path);
	if (s->procs_denied)
		state_note(s, "%u of %u processes could not be read (not root?): their fds and mappings are not counted, and which buffers are dark is not known",
			   s->procs_denied, s->procs_seen);
	if (!s->debugfs_dri.ok)
		state_note(s, "%s: %s: GEM handles, framebuffers, fence errors and ages are unknown",
			   s->debugfs_dri.path, strerror(s->debugfs_dri.err));
}

void state_collect(struct state *s, const struct collect_opts *opts)
{
	memset(s, 0, sizeof(*s));
	collect_time(s, opts);
	collect_bufinfo(s, opts);
	collect_sysfs(s, opts);
	collect_procs(s, opts);
	collect_drm(s, opts);
	if (opts->since)
		state_age_from(s, opts->since, AGE_SNAPSHOT);
	mark_dark(s);
	note_sources(s, opts);
}
