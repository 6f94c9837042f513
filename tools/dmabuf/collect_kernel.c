// SPDX-License-Identifier: MIT
/*
 * The kernel's own lists of dma-bufs: debugfs bufinfo (everything, for
 * root, with debugfs) and the sysfs stats (exporter and size only, for
 * anyone, on kernels with CONFIG_DMABUF_SYSFS_STATS).
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bufinfo_parse.h"
#include "collect.h"
#include "util.h"

char *root_path(const struct collect_opts *opts, const char *path)
{
	return xasprintf("%s%s", opts->root, path);
}

static void copy_fence(struct fence_info *to, const struct bufinfo_fence *f)
{
	to->usage = xstrdup(f->usage);
	to->driver = xstrdup(f->driver);
	to->timeline = xstrdup(f->timeline);
	to->seqno = f->seqno;
	to->signalled = f->signalled;
	to->age_ms = -1;
}

static void copy_buffer(struct state *s, const struct bufinfo_buf *bb)
{
	struct dbuf *b = state_add(s, bb->ino);
	size_t i;

	b->source = "bufinfo";
	b->exporter = xstrdup(bb->exp_name);
	b->size = bb->size;
	b->name = bb->name ? xstrdup(bb->name) : NULL;
	b->count = bb->count;
	b->flags = bb->flags;
	b->mode = bb->mode;
	for (i = 0; i < bb->num_fences; i++)
		copy_fence(ARRAY_PUSH(b->fences, b->num_fences, b->cap_fences),
			   &bb->fences[i]);
	for (i = 0; i < bb->num_attached; i++)
		*ARRAY_PUSH(b->importers, b->num_importers, b->cap_importers) =
			xstrdup(bb->attached[i]);
}

/* Sorted once at the end rather than inserted one by one. */
static int cmp_dbuf(const void *a, const void *b)
{
	const struct dbuf *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static void copy_all(struct state *s, const struct bufinfo *bi)
{
	size_t i;

	/* Appended unsorted: state_add() would move them all each time. */
	for (i = 0; i < bi->num_buffers; i++) {
		struct dbuf *b = ARRAY_PUSH(s->bufs, s->num_bufs, s->cap_bufs);

		b->ino = bi->buffers[i].ino;
	}
	qsort(s->bufs, s->num_bufs, sizeof(*s->bufs), cmp_dbuf);
	for (i = 0; i < bi->num_buffers; i++)
		copy_buffer(s, &bi->buffers[i]);
}

void collect_bufinfo(struct state *s, const struct collect_opts *opts)
{
	struct bufinfo bi;
	char *text;
	size_t i;
	int ret;

	s->bufinfo.path = root_path(opts, BUFINFO_PATH);
	ret = read_file(s->bufinfo.path, opts->timeout_ms, &text, NULL);
	if (ret) {
		s->bufinfo.err = -ret;
		return;
	}
	ret = bufinfo_parse(text, &bi);
	free(text);
	if (ret) {
		s->bufinfo.err = EINVAL;
		return;
	}
	s->bufinfo.ok = true;
	s->has_totals = bi.has_totals;
	s->total_objects = bi.total_objects;
	s->total_bytes = bi.total_bytes;
	copy_all(s, &bi);
	for (i = 0; i < bi.num_warnings; i++)
		state_note(s, "bufinfo: %s", bi.warnings[i]);
	bufinfo_free(&bi);
}

/* /sys/kernel/dmabuf/buffers/<ino>/{exporter_name,size} */
static void sysfs_buffer(struct state *s, const char *dir, unsigned long ino)
{
	unsigned long long size = 0;
	char *path, *text;
	struct dbuf *b;

	if (state_find(s, ino))
		return;
	b = state_add(s, ino);
	b->source = "sysfs";
	path = xasprintf("%s/%lu/exporter_name", dir, ino);
	if (!read_file(path, 0, &text, NULL)) {
		text[strcspn(text, "\n")] = '\0';
		b->exporter = text;
	}
	free(path);
	path = xasprintf("%s/%lu/size", dir, ino);
	if (!read_file(path, 0, &text, NULL)) {
		text[strcspn(text, "\n")] = '\0';
		parse_ull(text, 10, &size);
		free(text);
	}
	free(path);
	b->size = size;
}

void collect_sysfs(struct state *s, const struct collect_opts *opts)
{
	unsigned long long ino;
	struct dirent *de;
	DIR *d;

	s->sysfs.path = root_path(opts, SYSFS_STATS_PATH);
	d = opendir(s->sysfs.path);
	if (!d) {
		s->sysfs.err = errno;
		return;
	}
	s->sysfs.ok = true;
	while ((de = readdir(d)))
		if (parse_ull(de->d_name, 10, &ino))
			sysfs_buffer(s, s->sysfs.path, ino);
	closedir(d);
}
