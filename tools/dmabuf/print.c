// SPDX-License-Identifier: MIT
/*
 * The state for people: see print.h.
 */

#define _GNU_SOURCE
#include <string.h>

#include "print.h"
#include "util.h"

#define LABEL "  %-9s "

static void print_name(FILE *f, const char *name)
{
	fputc('"', f);
	fput_escaped(f, name);
	fputc('"', f);
}

static void print_age(FILE *f, const struct fence_info *fi)
{
	char ms[32];

	if (fi->age_ms < 0) {
		fputs(", age unknown", f);
		return;
	}
	fprintf(f, " for %s%s (%s)",
		fi->age_source == AGE_VGEM ? "" : "at least ",
		human_ms(fi->age_ms, ms, sizeof(ms)),
		age_source_name(fi->age_source));
}

void print_fence(FILE *f, const struct fence_info *fi)
{
	const char *name;

	fprintf(f, "%s %s %s seq %llu: ", fi->usage, fi->driver, fi->timeline,
		fi->seqno);
	if (!fi->signalled) {
		fputs("unsignalled", f);
		print_age(f, fi);
		return;
	}
	fputs("signalled", f);
	if (fi->error_known && fi->error) {
		name = strerrorname_np(-fi->error);
		fprintf(f, " with error %d (%s)", fi->error, name ? name : "?");
	} else if (fi->error_known) {
		fputs(", no error", f);
	}
}

static void print_header(FILE *f, const struct dbuf *b)
{
	char size[32];

	fprintf(f, "dma-buf %lu: %s, %s, ", b->ino,
		b->exporter ? b->exporter : "exporter unknown",
		b->size || b->exporter ? human_size(b->size, size, sizeof(size)) :
					 "size unknown");
	if (b->name)
		print_name(f, b->name);
	else
		fputs("no name", f);
	if (b->count >= 0)
		fprintf(f, ", %ld %s (%zu %s, %zu %s, %ld other)", b->count,
			plural(b->count, "reference", "references"),
			b->num_fds, plural(b->num_fds, "fd", "fds"), b->num_maps,
			plural(b->num_maps, "mapping", "mappings"),
			b->count - (long)(b->num_fds + b->num_maps));
	fputc('\n', f);
}

static const char *nodes_of(const struct state *s, const char *device)
{
	size_t i;

	for (i = 0; i < s->num_devs; i++)
		if (!strcmp(s->devs[i].device, device) && *s->devs[i].nodes)
			return s->devs[i].nodes;
	return NULL;
}

static void print_importers(FILE *f, const struct state *s,
			    const struct dbuf *b)
{
	const char *nodes;
	size_t i;

	for (i = 0; i < b->num_importers; i++) {
		nodes = nodes_of(s, b->importers[i]);
		fprintf(f, LABEL "%s", "importer", b->importers[i]);
		if (nodes)
			fprintf(f, " (%s)", nodes);
		fputc('\n', f);
	}
}

static void print_holders(FILE *f, const struct dbuf *b)
{
	size_t i;

	for (i = 0; i < b->num_fds; i++)
		fprintf(f, LABEL "%s[%d] fd %d\n", "fd", b->fds[i].comm,
			b->fds[i].pid, b->fds[i].fd);
	for (i = 0; i < b->num_maps; i++)
		fprintf(f, LABEL "%s[%d] 0x%llx-0x%llx %s\n", "mapping",
			b->maps[i].comm, b->maps[i].pid, b->maps[i].start,
			b->maps[i].end, b->maps[i].perms);
}

static void print_gem(FILE *f, const struct gem_ref *g)
{
	const struct gem_handle_ref *h;
	size_t i;

	fprintf(f, LABEL "%s object %u (%s, created by %s[%d])", "gem",
		g->driver, g->object, g->imported ? "an import" : "the exporter's",
		g->creator_comm, g->creator_pid);
	if (!g->num_handles)
		fputs(", no handle", f);
	for (i = 0; i < g->num_handles; i++) {
		h = &g->handles[i];
		fprintf(f, "%s handle %u of client %llu, %s[%d]", i ? "," : ";",
			h->handle, h->client, h->comm, h->pid);
		if (h->fd >= 0)
			fprintf(f, " fd %d", h->fd);
	}
	fputc('\n', f);
}

static void print_fb(FILE *f, const struct fb_ref *fb)
{
	fprintf(f, LABEL "%s fb %u", "fb", fb->device, fb->fb);
	if (fb->owner_pid)
		fprintf(f, " of %s[%d]", fb->owner_comm, fb->owner_pid);
	else
		fputs(" owned by no file", f);
	if (*fb->shown_on)
		fprintf(f, ", on screen on %s", fb->shown_on);
	if (*fb->waiting_on)
		fprintf(f, ", committed to %s and waiting for a fence",
			fb->waiting_on);
	else if (*fb->committed_on && strcmp(fb->committed_on, fb->shown_on))
		fprintf(f, ", committed to %s but not shown", fb->committed_on);
	fputc('\n', f);
}

void print_wait(FILE *f, const struct wait_ref *w)
{
	char ms[32];

	fprintf(f, "%s on %s of %s: commit by %s[%d] waits for %s %s seq %llu since %s",
		w->plane, w->crtc, w->device, w->committer_comm,
		w->committer_pid, w->driver, w->timeline, w->seqno,
		human_ms(w->since_ms, ms, sizeof(ms)));
	if (!w->on_buffer)
		fputs(" (an explicit fence)", f);
}

static void print_dark(FILE *f, const struct dbuf *b)
{
	if (!b->dark)
		return;
	fprintf(f, LABEL "no fd and no mapping holds it: ", "dark");
	if (b->num_gems || b->num_fbs || b->num_importers)
		fputs("alive through the GEM objects, framebuffers or importers above\n",
		      f);
	else
		fputs("alive through kernel references nothing here names\n", f);
}

void print_buffer(FILE *f, const struct state *s, const struct dbuf *b)
{
	size_t i;

	print_header(f, b);
	for (i = 0; i < b->num_fences; i++) {
		fprintf(f, LABEL, "fence");
		print_fence(f, &b->fences[i]);
		fputc('\n', f);
	}
	print_importers(f, s, b);
	print_holders(f, b);
	for (i = 0; i < b->num_gems; i++)
		print_gem(f, &b->gems[i]);
	for (i = 0; i < b->num_fbs; i++)
		print_fb(f, &b->fbs[i]);
	for (i = 0; i < s->num_waits; i++) {
		if (s->waits[i].ino != b->ino)
			continue;
		fprintf(f, LABEL, "wait");
		print_wait(f, &s->waits[i]);
		fputc('\n', f);
	}
	print_dark(f, b);
}

void print_notes(FILE *f, const struct state *s)
{
	size_t i;

	if (!s->num_notes)
		return;
	fputs("notes:\n", f);
	for (i = 0; i < s->num_notes; i++)
		fprintf(f, "  %s\n", s->notes[i]);
}

void print_totals(FILE *f, const struct state *s)
{
	unsigned long long bytes = 0;
	size_t i, dark = 0;
	char size[32];

	for (i = 0; i < s->num_bufs; i++) {
		bytes += s->bufs[i].size;
		dark += s->bufs[i].dark;
	}
	fprintf(f, "%zu %s, %s", s->num_bufs,
		plural(s->num_bufs, "buffer", "buffers"),
		human_size(bytes, size, sizeof(size)));
	if (s->has_totals)
		fprintf(f, " (bufinfo: %llu objects, %llu bytes)",
			s->total_objects, s->total_bytes);
	if (s->dark_known)
		fprintf(f, ", %zu dark\n", dark);
	else
		fputs(", dark unknown\n", f);
}
