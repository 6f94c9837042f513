// SPDX-License-Identifier: MIT
/*
 * The state's buffers and bookkeeping: see state.h.
 */

#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "util.h"

/* Index of the first buffer with an inode >= @ino. */
static size_t lower_bound(const struct state *s, unsigned long ino)
{
	size_t lo = 0, hi = s->num_bufs, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->bufs[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct dbuf *state_find(const struct state *s, unsigned long ino)
{
	size_t i = lower_bound(s, ino);

	return i < s->num_bufs && s->bufs[i].ino == ino ? &s->bufs[i] : NULL;
}

struct dbuf *state_add(struct state *s, unsigned long ino)
{
	size_t i = lower_bound(s, ino);
	struct dbuf *b;

	if (i < s->num_bufs && s->bufs[i].ino == ino)
		return &s->bufs[i];
	ARRAY_PUSH(s->bufs, s->num_bufs, s->cap_bufs);
	b = &s->bufs[i];
	memmove(b + 1, b, (s->num_bufs - 1 - i) * sizeof(*b));
	memset(b, 0, sizeof(*b));
	b->ino = ino;
	b->count = -1;
	return b;
}

void state_note(struct state *s, const char *fmt, ...)
{
	char **note = ARRAY_PUSH(s->notes, s->num_notes, s->cap_notes);
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(note, fmt, ap) < 0)
		*note = xstrdup(fmt);
	va_end(ap);
}

bool fence_same(const struct fence_info *a, const struct fence_info *b)
{
	return a->seqno == b->seqno && !strcmp(a->driver, b->driver) &&
	       !strcmp(a->timeline, b->timeline);
}

bool wait_is_for(const struct wait_ref *w, const struct fence_info *f)
{
	return w->seqno == f->seqno && !strcmp(w->driver, f->driver) &&
	       !strcmp(w->timeline, f->timeline);
}

static const struct fence_info *find_fence(const struct dbuf *b,
					   const struct fence_info *f)
{
	size_t i;

	for (i = 0; b && i < b->num_fences; i++)
		if (fence_same(&b->fences[i], f))
			return &b->fences[i];
	return NULL;
}

void state_age_from(struct state *s, const struct state *old,
		    enum age_source source)
{
	long long ms = s->taken_ms - old->taken_ms;
	const struct fence_info *was;
	struct fence_info *f;
	size_t i, j;

	if (strcmp(s->boot_id, old->boot_id) || ms < 0)
		return;
	for (i = 0; i < s->num_bufs; i++) {
		for (j = 0; j < s->bufs[i].num_fences; j++) {
			f = &s->bufs[i].fences[j];
			if (f->signalled || f->age_ms >= ms)
				continue;
			was = find_fence(state_find(old, s->bufs[i].ino), f);
			if (!was || was->signalled)
				continue;
			/* It was already that old then, if we knew. */
			f->age_ms = ms + (was->age_ms > 0 ? was->age_ms : 0);
			f->age_source = source;
		}
	}
}

const char *age_source_name(enum age_source src)
{
	switch (src) {
	case AGE_VGEM:
		return "drm_vgem_plus debugfs";
	case AGE_WAIT:
		return "drm_display fence_waits";
	case AGE_SNAPSHOT:
		return "snapshot";
	case AGE_OBSERVED:
		return "observed";
	default:
		return NULL;
	}
}

static void proc_refs_free(struct proc_ref *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(r[i].comm);
	free(r);
}

static void wait_free(struct wait_ref *w)
{
	free(w->device);
	free(w->plane);
	free(w->crtc);
	free(w->driver);
	free(w->timeline);
	free(w->committer_comm);
}

static void gem_free(struct gem_ref *g)
{
	size_t i;

	free(g->driver);
	free(g->creator_comm);
	for (i = 0; i < g->num_handles; i++)
		free(g->handles[i].comm);
	free(g->handles);
}

static void fb_free(struct fb_ref *fb)
{
	free(fb->device);
	free(fb->owner_comm);
	free(fb->shown_on);
	free(fb->committed_on);
	free(fb->waiting_on);
}

static void dbuf_free(struct dbuf *b)
{
	size_t i;

	free(b->exporter);
	free(b->name);
	for (i = 0; i < b->num_fences; i++) {
		free(b->fences[i].usage);
		free(b->fences[i].driver);
		free(b->fences[i].timeline);
	}
	free(b->fences);
	for (i = 0; i < b->num_importers; i++)
		free(b->importers[i]);
	free(b->importers);
	proc_refs_free(b->fds, b->num_fds);
	proc_refs_free(b->maps, b->num_maps);
	for (i = 0; i < b->num_gems; i++)
		gem_free(&b->gems[i]);
	free(b->gems);
	for (i = 0; i < b->num_fbs; i++)
		fb_free(&b->fbs[i]);
	free(b->fbs);
}

void state_free(struct state *s)
{
	size_t i;

	for (i = 0; i < s->num_bufs; i++)
		dbuf_free(&s->bufs[i]);
	free(s->bufs);
	for (i = 0; i < s->num_waits; i++)
		wait_free(&s->waits[i]);
	free(s->waits);
	for (i = 0; i < s->num_clients; i++) {
		free(s->clients[i].driver);
		free(s->clients[i].comm);
	}
	free(s->clients);
	for (i = 0; i < s->num_blocked; i++) {
		free(s->blocked[i].comm);
		free(s->blocked[i].wchan);
	}
	free(s->blocked);
	for (i = 0; i < s->num_devs; i++) {
		free(s->devs[i].dir);
		free(s->devs[i].driver);
		free(s->devs[i].device);
		free(s->devs[i].kind);
		free(s->devs[i].nodes);
	}
	free(s->devs);
	free(s->bufinfo.path);
	free(s->sysfs.path);
	free(s->debugfs_dri.path);
	for (i = 0; i < s->num_notes; i++)
		free(s->notes[i]);
	free(s->notes);
	memset(s, 0, sizeof(*s));
}
