// SPDX-License-Identifier: MIT
/*
 * Readers for drm_display's debugfs state dump: see igt_display_dump.h.
 *
 * Every line is a sequence of "key value" pairs. Values are single words,
 * or quoted: names are escaped in octal so that they hold neither blanks
 * nor quotes, and the one quoted value with blanks is the %p4cc format.
 */

#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igt_core.h"
#include "igt_display_dump.h"
#include "igt_dmabuf.h"

#include <xf86drmMode.h>

#define MAX_WORDS 32

struct kv_line {
	int count;
	char *word[MAX_WORDS];
};

/* Splits @line in place into words; a quoted word loses its quotes. */
static void kv_split(char *line, struct kv_line *kv)
{
	char *p = line;

	kv->count = 0;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		igt_assert_f(kv->count < MAX_WORDS, "too many words: %s\n", line);
		if (*p == '"') {
			kv->word[kv->count++] = ++p;
			p = strchr(p, '"');
			igt_assert_f(p, "unterminated quote in dump line\n");
		} else {
			kv->word[kv->count++] = p;
			p += strcspn(p, " ");
		}
		if (*p)
			*p++ = '\0';
	}
	igt_assert_f(kv->count % 2 == 0, "odd number of words in a dump line\n");
}

/* The value of @key; asserts that the line has it exactly once. */
static const char *kv_get(const struct kv_line *kv, const char *key)
{
	const char *val = NULL;
	int i;

	for (i = 0; i < kv->count; i += 2) {
		if (strcmp(kv->word[i], key))
			continue;
		igt_assert_f(!val, "key %s twice in a dump line\n", key);
		val = kv->word[i + 1];
	}
	igt_assert_f(val, "no key %s in a dump line\n", key);
	return val;
}

static unsigned long long kv_num(const struct kv_line *kv, const char *key)
{
	const char *val = kv_get(kv, key);
	char *end;
	unsigned long long n = strtoull(val, &end, 0);

	igt_assert_f(*val && !*end, "%s is not a number: %s\n", key, val);
	return n;
}

static void kv_str(const struct kv_line *kv, const char *key, char *out,
		   size_t size)
{
	const char *val = kv_get(kv, key);

	igt_assert_f(strlen(val) < size, "%s too long: %s\n", key, val);
	snprintf(out, size, "%s", val);
}

/* A quoted name, unescaped. */
static void kv_name(const struct kv_line *kv, const char *key, char *out,
		    size_t size)
{
	dump_unescape(kv_get(kv, key), out, size);
}

void dump_unescape(const char *in, char *out, size_t size)
{
	size_t n = 0;

	igt_assert(size > 0);
	while (*in) {
		igt_assert_f(n + 1 < size, "escaped name too long\n");
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' &&
		    in[2] >= '0' && in[2] <= '7' && in[3] >= '0' && in[3] <= '7') {
			out[n++] = (in[1] - '0') << 6 | (in[2] - '0') << 3 |
				   (in[3] - '0');
			in += 4;
		} else {
			igt_assert_f(*in != '\\' && *in != ' ' && *in != '"',
				     "unescaped character in a name\n");
			out[n++] = *in++;
		}
	}
	out[n] = '\0';
}

/* Calls @fn for every line of the debugfs file @file; stops at true. */
static bool dump_each_line(int drm_fd, const char *file,
			   bool (*fn)(char *line, void *data), void *data)
{
	char *text = drm_debugfs_read(drm_fd, file);
	char *line, *save = NULL;
	bool stop = false;

	igt_assert_f(!*text || text[strlen(text) - 1] == '\n',
		     "%s does not end in a newline\n", file);
	for (line = strtok_r(text, "\n", &save); line && !stop;
	     line = strtok_r(NULL, "\n", &save))
		stop = fn(line, data);
	free(text);
	return stop;
}

struct fb_query {
	uint32_t id;
	struct dump_fb *out;
	bool found;
	int count;
};

static void parse_layer(const struct kv_line *kv, struct dump_fb *fb)
{
	unsigned int i = kv_num(kv, "layer");
	struct dump_fb_layer *l;

	igt_assert_f(i < fb->num_layers && i < 4, "fb %u: layer %u of %u\n",
		     fb->id, i, fb->num_layers);
	l = &fb->layers[i];
	l->pitch = kv_num(kv, "pitch");
	l->offset = kv_num(kv, "offset");
	l->gem_size = kv_num(kv, "gem-size");
	kv_str(kv, "exporter", l->exporter, sizeof(l->exporter));
	l->ino = kv_num(kv, "dmabuf-ino");
	kv_name(kv, "name", l->name, sizeof(l->name));
}

static void parse_fb(const struct kv_line *kv, struct dump_fb *fb)
{
	memset(fb, 0, sizeof(*fb));
	fb->id = kv_num(kv, "fb");
	kv_str(kv, "format", fb->format, sizeof(fb->format));
	fb->modifier = kv_num(kv, "modifier");
	igt_assert_eq(sscanf(kv_get(kv, "size"), "%ux%u", &fb->width,
			     &fb->height), 2);
	fb->num_layers = kv_num(kv, "layers");
	fb->refcount = kv_num(kv, "refcount");
	kv_name(kv, "comm", fb->comm, sizeof(fb->comm));
	fb->owner_pid = kv_num(kv, "owner-pid");
	fb->owner_client = kv_num(kv, "owner-client");
	kv_name(kv, "owner-comm", fb->owner_comm, sizeof(fb->owner_comm));
}

static bool fb_line(char *line, void *data)
{
	struct fb_query *q = data;
	struct dump_fb fb;
	struct kv_line kv;

	igt_assert_f(!strncmp(line, "fb ", 3), "not an fb line: %s\n", line);
	kv_split(line, &kv);
	igt_assert_f(!strcmp(kv.word[2], "format") ||
		     !strcmp(kv.word[2], "layer"),
		     "unknown framebuffers line\n");
	if (!strcmp(kv.word[2], "format")) {
		parse_fb(&kv, &fb);
		q->count++;
		if (fb.id == q->id) {
			igt_assert_f(!q->found, "fb %u listed twice\n", fb.id);
			*q->out = fb;
			q->found = true;
		}
		return false;
	}
	if (q->found && kv_num(&kv, "fb") == q->id)
		parse_layer(&kv, q->out);
	return false;
}

bool dump_find_fb(int drm_fd, uint32_t fb_id, struct dump_fb *out)
{
	struct fb_query q = { .id = fb_id, .out = out };
	unsigned int i;

	dump_each_line(drm_fd, "framebuffers", fb_line, &q);
	if (!q.found)
		return false;
	for (i = 0; i < out->num_layers; i++)
		igt_assert_f(out->layers[i].exporter[0],
			     "fb %u: no line for layer %u\n", fb_id, i);
	return true;
}

int dump_count_fbs(int drm_fd)
{
	struct dump_fb unused;
	struct fb_query q = { .id = 0, .out = &unused };

	dump_each_line(drm_fd, "framebuffers", fb_line, &q);
	return q.count;
}

struct named_query {
	const char *name;
	void *out;
	bool found;
};

static bool plane_line(char *line, void *data)
{
	struct named_query *q = data;
	struct dump_plane *p = q->out;
	struct kv_line kv;

	igt_assert_f(!strncmp(line, "plane ", 6), "not a plane line: %s\n",
		     line);
	kv_split(line, &kv);
	if (strcmp(kv_get(&kv, "plane"), q->name))
		return false;

	memset(p, 0, sizeof(*p));
	kv_str(&kv, "plane", p->name, sizeof(p->name));
	kv_str(&kv, "type", p->type, sizeof(p->type));
	kv_str(&kv, "crtc", p->crtc, sizeof(p->crtc));
	p->fb = kv_num(&kv, "fb");
	p->shown_fb = kv_num(&kv, "shown-fb");
	p->fence_wait = kv_num(&kv, "fence-wait");
	p->skipped = kv_num(&kv, "skipped");
	kv_str(&kv, "src", p->src, sizeof(p->src));
	kv_str(&kv, "dst", p->dst, sizeof(p->dst));
	p->zpos = kv_num(&kv, "zpos");
	p->alpha = kv_num(&kv, "alpha");
	kv_str(&kv, "blend", p->blend, sizeof(p->blend));
	q->found = true;
	return true;
}

void dump_get_plane(int drm_fd, const char *name, struct dump_plane *out)
{
	struct named_query q = { .name = name, .out = out };

	dump_each_line(drm_fd, "planes", plane_line, &q);
	igt_assert_f(q.found, "%s not in debugfs planes\n", name);
}

void dump_get_plane_by_id(int drm_fd, uint32_t plane_id,
			  struct dump_plane *out)
{
	drmModePlaneResPtr planes = drmModeGetPlaneResources(drm_fd);
	char name[32] = "";
	uint32_t i;

	igt_assert(planes);
	for (i = 0; i < planes->count_planes; i++)
		if (planes->planes[i] == plane_id)
			snprintf(name, sizeof(name), "plane-%u", i);
	drmModeFreePlaneResources(planes);
	igt_assert_f(name[0], "plane %u not listed\n", plane_id);
	dump_get_plane(drm_fd, name, out);
}

static bool crtc_line(char *line, void *data)
{
	struct named_query *q = data;
	struct dump_crtc *c = q->out;
	struct kv_line kv;

	igt_assert_f(!strncmp(line, "crtc ", 5), "not a crtc line: %s\n", line);
	kv_split(line, &kv);
	if (strcmp(kv_get(&kv, "crtc"), q->name))
		return false;

	memset(c, 0, sizeof(*c));
	kv_str(&kv, "crtc", c->name, sizeof(c->name));
	c->active = kv_num(&kv, "active");
	c->flips = kv_num(&kv, "flips");
	c->skipped = kv_num(&kv, "skipped");
	q->found = true;
	return true;
}

void dump_get_crtc(int drm_fd, const char *name, struct dump_crtc *out)
{
	struct named_query q = { .name = name, .out = out };

	dump_each_line(drm_fd, "crtcs", crtc_line, &q);
	igt_assert_f(q.found, "%s not in debugfs crtcs\n", name);
}

void dump_get_crtc_by_index(int drm_fd, int crtc_index, struct dump_crtc *out)
{
	char name[32];

	snprintf(name, sizeof(name), "crtc-%d", crtc_index);
	dump_get_crtc(drm_fd, name, out);
}
