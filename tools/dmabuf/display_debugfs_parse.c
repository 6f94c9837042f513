// SPDX-License-Identifier: MIT
/*
 * Parsers of drm_display's debugfs files: see display_debugfs_parse.h.
 */

#include <stdlib.h>
#include <string.h>

#include "display_debugfs_parse.h"
#include "tokens.h"
#include "util.h"

/* Calls @fn with the words of every line of @text. */
static void parse_lines(const char *text,
			  void (*fn)(const struct tokens *t, void *data),
			  void *data)
{
	char *copy = xstrdup(text), *line, *next;
	struct tokens t;

	for (line = copy; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		tokens_split(line, &t);
		if (t.n)
			fn(&t, data);
		tokens_free(&t);
	}
	free(copy);
}

/*
 * "wait plane P crtc C since-ms N fence DRIVER TIMELINE seq N dmabuf-ino I
 * exporter E committer PID COMM name NAME": the timeline runs from after
 * the driver to the last "seq" before "dmabuf-ino".
 */
static bool parse_wait(const struct tokens *t, struct display_wait *w)
{
	int fence = tokens_find(t, "fence", 0);
	int ino = tokens_find(t, "dmabuf-ino", 0);
	int committer = tokens_find(t, "committer", 0);
	unsigned long long v = 0;
	int seq = -1, i;

	if (fence < 0 || ino < 0 || committer < 0 ||
	    (size_t)committer + 2 >= t->n)
		return false;
	for (i = fence + 2; (i = tokens_find(t, "seq", i)) >= 0 && i < ino; i++)
		seq = i;
	if (seq < 0 || !parse_ull(t->word[seq + 1], 10, &w->seqno))
		return false;

	w->plane = tokens_dup(t, "plane");
	w->crtc = tokens_dup(t, "crtc");
	tokens_ll(t, "since-ms", &w->since_ms);
	w->driver = xstrdup(t->word[fence + 1]);
	w->timeline = tokens_join(t, fence + 2, seq);
	tokens_ull(t, "dmabuf-ino", &v);
	w->ino = v;
	w->exporter = tokens_dup(t, "exporter");
	w->committer_pid = atoi(t->word[committer + 1]);
	w->committer_comm = xstrdup(t->word[committer + 2]);
	w->name = tokens_dup(t, "name");
	return true;
}

static void fence_waits_line(const struct tokens *t, void *data)
{
	struct display_fence_waits *fw = data;
	struct display_wait *w;

	if (!strcmp(t->word[0], "policy")) {
		fw->policy = tokens_dup(t, "policy");
		tokens_ull(t, "timeout-ms", &fw->timeout_ms);
	} else if (!strcmp(t->word[0], "wait")) {
		w = ARRAY_PUSH(fw->waits, fw->num_waits, fw->cap_waits);
		if (!parse_wait(t, w))
			fw->num_waits--;
	} else if (!strcmp(t->word[0], "total")) {
		tokens_ull(t, "waits", &fw->total_waits);
		tokens_ull(t, "timeouts", &fw->timeouts);
	}
}

bool display_fence_waits_parse(const char *text,
			       struct display_fence_waits *fw)
{
	memset(fw, 0, sizeof(*fw));
	parse_lines(text, fence_waits_line, fw);
	return fw->policy != NULL;
}

void display_fence_waits_free(struct display_fence_waits *fw)
{
	struct display_wait *w;
	size_t i;

	for (i = 0; i < fw->num_waits; i++) {
		w = &fw->waits[i];
		free(w->plane);
		free(w->crtc);
		free(w->driver);
		free(w->timeline);
		free(w->exporter);
		free(w->committer_comm);
		free(w->name);
	}
	free(fw->waits);
	free(fw->policy);
	memset(fw, 0, sizeof(*fw));
}

static void parse_fb(const struct tokens *t, struct display_fb *fb)
{
	unsigned long long v = 0;
	long long pid = 0;
	const char *size = tokens_value(t, "size");

	tokens_ull(t, "fb", &v);
	fb->id = v;
	if (size && sscanf(size, "%ux%u", &fb->width, &fb->height) != 2)
		fb->width = fb->height = 0;
	tokens_ll(t, "owner-pid", &pid);
	fb->owner_pid = pid;
	tokens_ull(t, "owner-client", &fb->owner_client);
	fb->owner_comm = tokens_dup(t, "owner-comm");
}

static void parse_layer(const struct tokens *t, struct display_fb *fb)
{
	struct display_fb_layer *l;
	unsigned long long ino = 0;

	l = ARRAY_PUSH(fb->layers, fb->num_layers, fb->cap_layers);
	tokens_ull(t, "gem-size", &l->gem_size);
	l->exporter = tokens_dup(t, "exporter");
	tokens_ull(t, "dmabuf-ino", &ino);
	l->ino = ino;
	l->name = tokens_dup(t, "name");
}

static void framebuffers_line(const struct tokens *t, void *data)
{
	struct display_scanout *so = data;

	if (strcmp(t->word[0], "fb") || t->n < 3)
		return;
	if (!strcmp(t->word[2], "layer")) {
		if (so->num_fbs)
			parse_layer(t, &so->fbs[so->num_fbs - 1]);
		return;
	}
	parse_fb(t, ARRAY_PUSH(so->fbs, so->num_fbs, so->cap_fbs));
}

void display_framebuffers_parse(const char *text, struct display_scanout *so)
{
	parse_lines(text, framebuffers_line, so);
}

static void planes_line(const struct tokens *t, void *data)
{
	struct display_scanout *so = data;
	unsigned long long v = 0;
	struct display_plane *p;

	if (strcmp(t->word[0], "plane"))
		return;
	p = ARRAY_PUSH(so->planes, so->num_planes, so->cap_planes);
	p->name = tokens_dup(t, "plane");
	p->crtc = tokens_dup(t, "crtc");
	tokens_ull(t, "fb", &v);
	p->fb = v;
	v = 0;
	tokens_ull(t, "shown-fb", &v);
	p->shown_fb = v;
	v = 0;
	tokens_ull(t, "fence-wait", &v);
	p->fence_wait = v;
}

void display_planes_parse(const char *text, struct display_scanout *so)
{
	parse_lines(text, planes_line, so);
}

void display_scanout_free(struct display_scanout *so)
{
	size_t i, j;

	for (i = 0; i < so->num_fbs; i++) {
		for (j = 0; j < so->fbs[i].num_layers; j++) {
			free(so->fbs[i].layers[j].exporter);
			free(so->fbs[i].layers[j].name);
		}
		free(so->fbs[i].layers);
		free(so->fbs[i].owner_comm);
	}
	free(so->fbs);
	for (i = 0; i < so->num_planes; i++) {
		free(so->planes[i].name);
		free(so->planes[i].crtc);
	}
	free(so->planes);
	memset(so, 0, sizeof(*so));
}
